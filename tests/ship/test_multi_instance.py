"""Several instances on one PostgreSQL database: one scheduler leader, one follow-up per due time, takeover on death."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ship.helpers import make_services, ready_episode
from tests.ship.standin_site import MisbehavingSite
from workflows.ship.followups import FollowUps
from workflows.store.db import make_engine, migrate
from workflows.store.episodes import EpisodeStore, utcnow

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _start(pg_url, data_dir, base_url, log):
    return subprocess.Popen([sys.executable, "-m", "tests.ship._instance", pg_url, str(data_dir), base_url, str(log)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _pings(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def _wait(predicate, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def test_one_leader_one_ping_per_due_time_and_takeover_after_sigkill(pg_url, tmp_path):
    """Only the lock holder sends follow-ups, none twice; when it is SIGKILLed the other instance takes over."""
    engine = make_engine(pg_url)
    migrate(engine)
    store = EpisodeStore(engine, clock=utcnow)
    site = MisbehavingSite(tmp_path / "empty")  # answers 404 for everything: never live
    log = tmp_path / "pings.jsonl"
    procs = []
    try:
        svc = make_services(tmp_path / "var", pg_url, store, utcnow, repo="/nonexistent/website.git",
                            base_url=site.base_url, followup={"check_minutes": [0.01], "grace_minutes": 0})
        ep = ready_episode(svc)
        store.transition(ep.id, "publish_manually", actor="UOWNER")
        FollowUps(svc).schedule_after_publish(ep.id)

        first = _start(pg_url, tmp_path / "a", site.base_url, log)
        procs.append(first)
        _wait(lambda: len(_pings(log)) >= 2)
        second = _start(pg_url, tmp_path / "b", site.base_url, log)
        procs.append(second)
        _wait(lambda: len(_pings(log)) >= 6)
        assert {p["pid"] for p in _pings(log)} == {first.pid}, "the second instance sent follow-ups while not leader"

        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = len(_pings(log))
        _wait(lambda: sum(p["pid"] == second.pid for p in _pings(log)) >= 3)
        pings = _pings(log)
        assert {p["pid"] for p in pings[killed_at:]} == {second.pid}
        dues = [(p["episode"], p["due"]) for p in pings]
        assert len(dues) == len(set(dues)), "a follow-up was sent twice"
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                p.wait(timeout=10)
        site.close()
        engine.dispose()
