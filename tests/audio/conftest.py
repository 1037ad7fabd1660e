"""Fixtures for the audio stage: a two-host script, shows using each speech backend, an environment."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.standins` and `tests.audio.speech_fakes` are imported by name (also in workers)
    sys.path.insert(0, str(ROOT))

from tests.audio.samples import make_script  # noqa: E402
from workflows.script.model import Script  # noqa: E402
from workflows.settings import Environment  # noqa: E402


@pytest.fixture
def script() -> Script:
    return make_script()


@pytest.fixture
def env(tmp_path) -> Environment:
    return Environment(papercast_data_dir=tmp_path / "var")
