"""`papercast render SCRIPT.json --out DIR`, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.audio.samples import make_script

ROOT = Path(__file__).resolve().parents[2]

SHOW_TOML = """
name = "Paper Trail"

[[hosts]]
key = "a"
name = "Ada"
speech = "tone"
voice = "heart"

[[hosts]]
key = "b"
name = "Ben"
speech = "tone"
voice = "heart-low"
"""


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    config = tmp_path / "papercast.toml"
    config.write_text(SHOW_TOML, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ANTHROPIC_", "HOSTED_TTS_", "PAPERCAST_"))}
    env.update(PAPERCAST_CONFIG=str(config), PAPERCAST_DATA_DIR=str(tmp_path / "var"))
    code = "from workflows.testing import register_doubles; register_doubles(); from bot.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, "render", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("wrapped", [True, False], ids=["papercast-script-output", "bare-script"])
def test_render_prints_artifacts_as_json(tmp_path, wrapped):
    """The command accepts `papercast script` output or a bare Script and prints each artifact's content key, sha256, duration and the loudness."""
    script = make_script().model_dump(mode="json")
    source = tmp_path / "script.json"
    source.write_text(json.dumps({"script": script, "findings": []} if wrapped else script), encoding="utf-8")
    proc = _run(tmp_path, str(source), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    for name, file in (("audio", "episode.mp3"), ("transcript", "transcript.vtt"), ("notes", "notes.md")):
        entry = printed[name]
        assert entry["key"] == f"sha256/{entry['sha256'][:2]}/{entry['sha256']}"
        assert Path(entry["file"]) == (tmp_path / "out" / file).resolve()
        assert entry["duration_seconds"] > 5
    assert printed["loudness_lufs"] == pytest.approx(-16.0, abs=1.0)
    assert printed["true_peak_dbtp"] <= -1.0
    assert "speech: 6/6 lines" in proc.stderr


def test_render_rejects_a_file_that_is_not_a_script(tmp_path):
    """A JSON file that is not a script fails with exit code 2 and a message saying what to pass."""
    source = tmp_path / "script.json"
    source.write_text(json.dumps({"title": "only a title"}), encoding="utf-8")
    proc = _run(tmp_path, str(source), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "is not a valid script" in proc.stderr and "papercast script" in proc.stderr
    assert proc.stdout == ""
