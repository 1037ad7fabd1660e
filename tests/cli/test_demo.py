"""`papercast demo --auto`: one unattended episode through the whole local stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.pdfs import truncated_pdf
from workflows.errors import IntakeError
from workflows.intake.extract import extract_paper
from workflows.settings import Intake

PAPERCAST = Path(sys.executable).with_name("papercast")


def _demo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ANTHROPIC_", "DATABASE_URL", "PAPERCAST_"))}
    return subprocess.run([str(PAPERCAST), "demo", "--auto", "--minutes", "0.5", "--timeout", "240", *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_demo_ships_the_sample_paper_and_the_live_site_serves_the_committed_audio(tmp_path):
    """The sample paper goes from drop to shipped; the live bytes equal the committed audio's sha256; with
    --keep-running the page and site stay up after the JSON (which names them) until the time is over."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ANTHROPIC_", "DATABASE_URL", "PAPERCAST_"))}
    run = subprocess.Popen([str(PAPERCAST), "demo", "--auto", "--minutes", "0.5", "--timeout", "240", "--keep-running", "3"],
                           cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = run.stdout.readline()
    result = json.loads(line)
    assert {"page_url", "feed_url", "site_url", "workspace_url"} <= set(result)
    assert httpx.get(result["workspace_url"], timeout=5).status_code == 200, "the page is up while it keeps running"
    out, err = run.communicate(timeout=60)
    assert run.returncode == 0, err[-2000:]
    assert result["state"] == "shipped"
    assert result["live_sha256"] == result["audio_sha256"] and len(result["audio_sha256"]) == 64
    assert len(result["commit"]) == 40 and result["live_url"].endswith("/episode.mp3")
    assert {"extract", "draft", "submit", "approve", "render", "publish", "ship"} <= set(result["seconds"])


def test_demo_refuses_a_damaged_pdf_with_the_message_a_slack_user_gets(tmp_path):
    """A cut-off PDF exits non-zero and prints the same refusal the thread would show."""
    pdf = truncated_pdf(tmp_path / "paper.pdf")
    with pytest.raises(IntakeError) as refusal:
        extract_paper(pdf, Intake())
    done = _demo(tmp_path, "--pdf", str(pdf))
    assert done.returncode == 2
    assert refusal.value.for_people() in done.stderr
    assert done.stdout.strip() == ""
