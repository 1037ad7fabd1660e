"""Shared fixtures for the intake tests: PDFs made once per session by tests/pdfs.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from tests import pdfs  # noqa: E402


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdfs")


@pytest.fixture(scope="session")
def long_pdf(pdf_dir: Path) -> Path:
    """A 120-page paper (takes a second or two to make, so only once)."""
    return pdfs.long_paper(pdf_dir / "long.pdf", pages=120)


@pytest.fixture(scope="session")
def sample_pdf(pdf_dir: Path) -> Path:
    from workflows.intake.sample import write_sample_paper

    return write_sample_paper(pdf_dir / "sample.pdf")
