"""Each command's bad input gets a sentence and exit 2, never a traceback; and the commands leave no mess behind."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.audio.samples import make_script
from tests.pdfs import truncated_pdf
from tests.ship.conftest import site  # noqa: F401 - the embedded website, as a fixture here too
from tests.ship.helpers import make_services, publish_now, ready_episode
from workflows.ship.confirm import check_and_ship

ROOT = Path(__file__).resolve().parents[2]
TONE_SHOW = """name = "Paper Trail"
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


def _papercast(args: list[str], *, cwd: Path = ROOT, timeout: float = 120, doubles: bool = False,
               **env: str) -> subprocess.CompletedProcess:
    """The papercast command in a subprocess; with ``doubles``, the test doubles (speech = "tone") registered first."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "ANTHROPIC_", "HOSTED_TTS_", "DATABASE_URL", "PAPERCAST_"))}
    code = ("from workflows.testing import register_doubles; register_doubles(); " if doubles else "") + \
        "from bot.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd,
                          env={**clean, **env}, capture_output=True, text=True, timeout=timeout)


def _no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[-2000:]


def _script(tmp_path: Path) -> Path:
    path = tmp_path / "script.json"
    path.write_text(make_script().model_dump_json(), encoding="utf-8")
    return path


def test_render_to_an_unwritable_folder_says_so_with_exit_2(tmp_path):
    """`render --out` under a file (or anywhere it may not write) names the folder and exits 2."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    done = _papercast(["render", str(_script(tmp_path)), "--out", str(blocker / "out")],
                      PAPERCAST_DATA_DIR=str(tmp_path / "var"))
    assert done.returncode == 2, done.stderr
    assert f"papercast cannot write the episode to {blocker / 'out'}" in done.stderr and "--out" in done.stderr
    _no_traceback(done)


def test_render_leaves_the_current_directory_alone(tmp_path):
    """Without PAPERCAST_DATA_DIR, render keeps its cache in ~/.cache/papercast, never ./var where it runs."""
    config = tmp_path / "show.toml"
    config.write_text(TONE_SHOW, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    done = _papercast(["render", str(_script(tmp_path)), "--out", str(work / "out")], cwd=work, doubles=True,
                      PAPERCAST_CONFIG=str(config), XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in work.iterdir()) == ["out"]
    assert (tmp_path / "cache" / "papercast" / "speech-cache").is_dir()


def test_demo_refuses_a_file_that_is_no_pdf_at_once(tmp_path):
    """`demo --auto --pdf notes.txt` says it is not a PDF and exits 2 before starting anything."""
    notes = tmp_path / "notes.txt"
    notes.write_text("meeting notes", encoding="utf-8")
    started = time.monotonic()
    done = _papercast(["demo", "--auto", "--pdf", str(notes)], cwd=tmp_path, PYTHONPATH=str(ROOT))
    assert done.returncode == 2 and time.monotonic() - started < 15
    assert "This file is not a PDF" in done.stderr and done.stdout == ""
    _no_traceback(done)


def test_demo_uses_papercast_data_dir_and_otherwise_cleans_up(tmp_path):
    """With PAPERCAST_DATA_DIR the demo's data stays there; without it, its temporary directory is removed."""
    pdf = truncated_pdf(tmp_path / "cut.pdf")  # refused at intake: the quickest whole run
    data = tmp_path / "data"
    kept = _papercast(["demo", "--auto", "--pdf", str(pdf)], cwd=tmp_path, PYTHONPATH=str(ROOT),
                      PAPERCAST_DATA_DIR=str(data))
    assert kept.returncode == 2 and "damaged" in kept.stderr, kept.stderr
    assert (data / "papercast.db").exists()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    gone = _papercast(["demo", "--auto", "--pdf", str(pdf)], cwd=tmp_path, PYTHONPATH=str(ROOT), TMPDIR=str(scratch))
    assert gone.returncode == 2, gone.stderr
    assert list(scratch.iterdir()) == []


def test_demo_offers_keep_running_and_refuses_a_negative_time():
    """`demo --help` documents --keep-running SECONDS; a negative time is a usage error (exit 2)."""
    done = _papercast(["demo", "--help"])
    assert done.returncode == 0 and "--keep-running SECONDS" in done.stdout
    bad = _papercast(["demo", "--auto", "--keep-running", "-1"])
    assert bad.returncode == 2 and "--keep-running" in bad.stderr
    _no_traceback(bad)


def test_check_without_an_episode_checks_shipped_ones_too(data_dir, db_url, store, clock, site, tmp_path):  # noqa: F811
    """`check` with no argument re-checks shipped episodes instead of saying there is nothing to check."""
    svc = make_services(data_dir, db_url, store, clock, repo=str(site.remote_url), base_url=site.base_url)
    shipped = publish_now(svc, ready_episode(svc, title="Shipped one"))
    site.tick()
    assert check_and_ship(svc, shipped.id).confirming
    clock.advance(seconds=svc.show.followup.confirm_seconds)
    assert check_and_ship(svc, shipped.id).shipped
    config = tmp_path / "papercast.toml"
    config.write_text(f'[show.publish]\nrepo = "{site.remote_url}"\nbase_url = "{site.base_url}"\n')
    done = _papercast(["check"], PAPERCAST_DATA_DIR=str(data_dir), DATABASE_URL=db_url, PAPERCAST_CONFIG=str(config))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"LIVE {shipped.id} Shipped one (shipped" in done.stdout and "No " not in done.stdout


def test_check_with_nothing_published_says_what_there_is(tmp_path):
    """An empty store: a sentence that nothing is published yet, exit 0."""
    done = _papercast(["check"], PAPERCAST_DATA_DIR=str(tmp_path / "var"))
    assert done.returncode == 0 and done.stdout.startswith("No episode is published yet")


def test_doctor_lists_every_check_when_settings_are_incomplete(tmp_path):
    """A bot token without a signing secret (and no reviewers) is reported, and every other check still runs."""
    done = _papercast(["doctor"], PAPERCAST_DATA_DIR=str(tmp_path / "var"), SLACK_BOT_TOKEN="xoxb-test",
                      SLACK_API_URL="http://127.0.0.1:9/api/")
    assert done.returncode == 1
    assert "FAIL settings: SLACK_SIGNING_SECRET is not set" in done.stdout
    assert "FAIL settings: No reviewers are configured" in done.stdout
    for name in ("slack", "data directory", "database", "artifacts", "script writer", "speech", "website"):
        assert f" {name}: " in done.stdout, name
    _no_traceback(done)


def test_doctor_says_how_to_fix_a_database_url(tmp_path):
    """A DATABASE_URL that leads nowhere gets a fix line that says what to check, not "See the detail above"."""
    done = _papercast(["doctor"], PAPERCAST_DATA_DIR=str(tmp_path / "var"), DATABASE_URL="postgresql://u@h:notaport/db")
    assert "FAIL database: DATABASE_URL does not lead to a database" in done.stdout
    assert "fix: Check DATABASE_URL: postgresql://USER:PASSWORD@HOST:5432/DATABASE" in done.stdout
    assert "See the detail above" not in done.stdout


def test_the_test_writer_is_not_offered(tmp_path):
    """`script --help` offers claude and offline only; `--writer fake` is refused with exit 2."""
    helped = _papercast(["script", "--help"])
    assert "[claude|offline]" in helped.stdout and "fake" not in helped.stdout
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    done = _papercast(["script", str(pdf), "--writer", "fake"], PAPERCAST_DATA_DIR=str(tmp_path / "var"))
    assert done.returncode == 2 and "'fake' is not one of 'claude', 'offline'" in done.stderr
    _no_traceback(done)


def test_the_package_license_is_an_spdx_string():
    """pyproject.toml: `license = "Apache-2.0"` (the table form is deprecated), with a setuptools that reads it."""
    project = tomllib.loads(ROOT.joinpath("pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    assert "setuptools>=77" in project["build-system"]["requires"]


def test_long_running_commands_keep_the_schedulers_wakeups_out_of_the_log():
    """After configure_logging (serve), APScheduler's 30 s wake-ups and httpx's requests log only warnings;
    papercast's own loggers keep the INFO level of the root."""
    from bot.cli._logs import configure_logging

    configure_logging()
    assert not logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO)
    assert not logging.getLogger("apscheduler.scheduler").isEnabledFor(logging.INFO)
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert logging.getLogger("workflows").level == logging.NOTSET and logging.getLogger("bot").level == logging.NOTSET


@pytest.mark.parametrize("args", [["frobnicate"], ["render"], ["check", "a", "b"]], ids=lambda a: " ".join(a))
def test_unknown_commands_and_missing_arguments_exit_2(args):
    """Click's usage errors: exit 2 with a usage line, no traceback."""
    done = _papercast(args)
    assert done.returncode == 2 and "Usage:" in done.stderr
    _no_traceback(done)
