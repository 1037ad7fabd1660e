"""A data directory that cannot be written, or a show file that is not UTF-8: a sentence and exit 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.tinyfs import tiny_filesystem

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = [["status"], ["check", "ep_0000000000"], ["serve"]]


def _papercast(args: list[str], **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PAPERCAST_"))}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={**environ, **env})


@pytest.fixture
def read_only_dir(tmp_path):
    where = tmp_path / "ro"
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a read-only data directory needs a read-only mount, and mounting needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(where)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"the machine refused a read-only tmpfs ({done.stderr.strip()})")
    yield where
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_read_only_data_directory_is_named_with_exit_2(read_only_dir, args):
    """serve, status and check on a read-only data directory say so and what to do, with exit code 2."""
    done = _papercast(args, PAPERCAST_DATA_DIR=str(read_only_dir / "var"))
    assert done.returncode == 2, done.stderr
    assert "read-only" in done.stderr and "PAPERCAST_DATA_DIR" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_full_data_directory_is_named_with_exit_2(tmp_path, args):
    """serve, status and check on a full disk say the disk is full, with exit code 2."""
    with tiny_filesystem(tmp_path / "tiny", "1m") as fs:
        fs.fill()
        done = _papercast(args, PAPERCAST_DATA_DIR=str(fs.root / "var"))
    assert done.returncode == 2, done.stderr
    assert "disk" in done.stderr and "full" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_doctor_reports_a_read_only_data_directory_as_a_failed_check(read_only_dir):
    """doctor lists the data directory and the database as FAIL with the fix, not a traceback."""
    done = _papercast(["doctor"], PAPERCAST_DATA_DIR=str(read_only_dir / "var"))
    assert done.returncode == 1
    assert "FAIL data_dir: papercast's data directory is read-only" in done.stdout
    assert "Traceback" not in done.stderr + done.stdout


def test_a_show_file_that_is_not_utf8_is_named_with_its_line(tmp_path):
    """A Latin-1 show file gets which file, which line, and how to save it; exit code 2."""
    cfg = tmp_path / "show.toml"
    cfg.write_bytes(b'name = "Paper Trail"\ndescription = "Caf\xe9 science"\n')
    done = _papercast(["status"], PAPERCAST_CONFIG=str(cfg), PAPERCAST_DATA_DIR=str(tmp_path / "var"))
    assert done.returncode == 2
    assert f"{cfg} is not UTF-8 text" in done.stderr and "line 2" in done.stderr and "UTF-8" in done.stderr
    assert "Traceback" not in done.stderr
