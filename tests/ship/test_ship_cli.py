"""`papercast check` and `papercast status`, run as the real command against a real repository and site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.ship.helpers import make_services, publish_now, ready_episode
from workflows.ship.confirm import check_and_ship

ROOT = Path(__file__).resolve().parents[2]


def _papercast(args, data_dir: Path, db_url: str, config: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAPERCAST_DATA_DIR": str(data_dir), "DATABASE_URL": db_url, "PAPERCAST_CONFIG": str(config)}
    return subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_prints_each_finding_and_fails_unless_all_are_live(data_dir, db_url, store, clock, site, tmp_path):
    """`check` lists every finding per episode and exits 1 while any is not live; 0 for a live one alone."""
    svc = make_services(data_dir, db_url, store, clock, repo=str(site.remote_url), base_url=site.base_url)
    live_ep = publish_now(svc, ready_episode(svc, title="Live one"))
    site.tick()
    late_ep = publish_now(svc, ready_episode(svc, title="Late one"))
    config = tmp_path / "papercast.toml"
    config.write_text(f'[show.publish]\nrepo = "{site.remote_url}"\nbase_url = "{site.base_url}"\n')

    everything = _papercast(["check"], data_dir, db_url, config)
    assert everything.returncode == 1, everything.stderr
    assert f"LIVE {live_ep.id} Live one" in everything.stdout and f"NOT LIVE {late_ep.id} Late one" in everything.stdout
    assert "FAIL not_deployed" in everything.stdout and "ok   served" in everything.stdout

    one = _papercast(["check", live_ep.id], data_dir, db_url, config)
    assert one.returncode == 0 and "ok   in_feed" in one.stdout


def test_status_lists_unshipped_episodes_first(data_dir, db_url, store, clock, site, tmp_path):
    """`status` prints the ledger: every episode with state, owner and age, unshipped ones first."""
    svc = make_services(data_dir, db_url, store, clock, repo=str(site.remote_url), base_url=site.base_url)
    shipped = publish_now(svc, ready_episode(svc, title="Shipped one", owner="UANNA"))
    site.tick()
    assert check_and_ship(svc, shipped.id).confirming
    clock.advance(seconds=svc.show.followup.confirm_seconds)
    assert check_and_ship(svc, shipped.id).shipped
    waiting = publish_now(svc, ready_episode(svc, title="Waiting one", owner="UBEN"))
    config = tmp_path / "papercast.toml"
    config.write_text(f'[show.publish]\nrepo = "{site.remote_url}"\nbase_url = "{site.base_url}"\n')
    out = _papercast(["status"], data_dir, db_url, config)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[1].startswith(waiting.id) and "published" in lines[1] and "UBEN" in lines[1]
    assert lines[2].startswith(shipped.id) and "shipped" in lines[2] and "UANNA" in lines[2]
    assert lines[-1] == "1 not shipped, 1 done"
