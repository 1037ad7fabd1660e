"""papercast script FILE.pdf: the command extracts, writes, checks and prints JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.pdfs import TITLE, two_column_paper
from tests.script._papers import script_input
from tests.script._settings import TEST_KEY, TEST_MODEL

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "PAPERCAST_", "SLACK_"))}
    environ.update(env, PYTHONPATH=str(ROOT))
    papercast = Path(sys.executable).with_name("papercast")
    return subprocess.run([str(papercast), *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=120)


def test_script_command_prints_script_findings_and_usage_as_json(tmp_path):
    """With no key, `papercast script` writes an offline draft and prints script, findings and usage."""
    pdf = two_column_paper(tmp_path / "paper.pdf")
    done = _run(["script", str(pdf), "--minutes", "3"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"script", "findings", "usage"}
    assert out["script"]["writer"] == "offline" and out["script"]["offline_draft"] is True
    assert any(TITLE in line["text"] for line in out["script"]["lines"])
    assert out["findings"] == [] and out["usage"]["input_tokens"] == 0


def test_script_command_uses_claude_through_the_configured_base_url(tmp_path, standin):
    """With ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL, the command calls Claude there and reports usage and findings."""
    config = tmp_path / "papercast.toml"
    config.write_text(f'[show.writer]\nmodel = "{TEST_MODEL}"\nmax_retries = 1\n')
    pdf = two_column_paper(tmp_path / "paper.pdf")
    standin.reply_tool(script_input())
    done = _run(["script", str(pdf), "--minutes", "2"], cwd=tmp_path,
                ANTHROPIC_API_KEY=TEST_KEY, ANTHROPIC_BASE_URL=standin.base_url)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["script"]["writer"] == f"claude:{TEST_MODEL}"
    assert out["usage"]["output_tokens"] > 0
    assert {f["check"] for f in out["findings"]} >= {"grounding", "length"}, "the stand-in's script is not about this paper"
    assert standin.requests[0].body["model"] == TEST_MODEL


def test_script_command_reports_a_refused_key_without_printing_it(tmp_path, standin):
    """A refused key ends the command with exit code 2 and a message that names the variable, not the key."""
    pdf = two_column_paper(tmp_path / "paper.pdf")
    done = _run(["script", str(pdf), "--writer", "claude"], cwd=tmp_path,
                ANTHROPIC_API_KEY="sk-ant-not-valid-SECRET", ANTHROPIC_BASE_URL=standin.base_url)
    assert done.returncode == 2
    assert "refused the key in ANTHROPIC_API_KEY" in done.stderr
    assert "SECRET" not in done.stderr + done.stdout
