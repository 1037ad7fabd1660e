"""Several instances on one PostgreSQL database: one scheduler leader, one ping per due time, takeover on death or freeze."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.ship.helpers import make_services, ready_episode
from tests.ship.standin_site import MisbehavingSite
from tests.waiting import waited
from workflows.ship.followups import FollowUps
from workflows.database import migrate
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore, utcnow

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _start(pg_url, data_dir, base_url, log, tmp_path):
    err = open(tmp_path / f"stderr-{data_dir.name}.log", "w")
    return subprocess.Popen([sys.executable, "-m", "tests.ship._instance", "serve", pg_url, str(data_dir), base_url,
                             str(log)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, text=True)


def _pings(log: Path) -> list[dict]:
    lines = log.read_text().splitlines() if log.exists() else []
    return [p for p in map(json.loads, lines) if p["method"] == "ping_owner"]


def _repeats(log: Path) -> list[dict]:
    repeats = Path(f"{log}.repeats")
    return [json.loads(line) for line in repeats.read_text().splitlines()] if repeats.exists() else []


def _wait(predicate, what: str, timeout: float = 40.0) -> float:
    """Seconds until ``predicate()`` holds (the instances are real processes: this waits on them)."""
    return waited(predicate, timeout=timeout, what=what)


@pytest.fixture
def never_live(pg_url, tmp_path):
    """A published-by-hand episode whose site answers 404 for everything, with follow-ups due at once."""
    engine = make_engine(pg_url)
    migrate(engine)
    site = MisbehavingSite(tmp_path / "empty")
    store = EpisodeStore(engine, clock=utcnow)
    svc = make_services(tmp_path / "var", pg_url, store, utcnow, repo="/nonexistent/website.git",
                        base_url=site.base_url, followup={"check_minutes": [0.01], "grace_minutes": 0})
    ep = ready_episode(svc)
    store.transition(ep.id, "publish_manually", actor="UOWNER")
    FollowUps(svc).schedule_after_publish(ep.id)
    procs: list[subprocess.Popen] = []
    yield site.base_url, procs
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGCONT)
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=10)
    site.close()
    engine.dispose()


def _no_duplicates(log: Path) -> None:
    keys = Counter(p["key"] for p in _pings(log))
    assert all(p["key"] for p in _pings(log)) and max(keys.values()) == 1, "a follow-up was sent twice"


def test_one_leader_one_ping_per_due_time_and_takeover_after_sigkill(pg_url, tmp_path, never_live):
    """Only the lease holder sends follow-ups, none twice; when it is SIGKILLed the other instance takes over."""
    base_url, procs = never_live
    log = tmp_path / "pings.jsonl"
    first = _start(pg_url, tmp_path / "a", base_url, log, tmp_path)
    procs.append(first)
    _wait(lambda: len(_pings(log)) >= 2, "the first instance's first 2 pings")
    second = _start(pg_url, tmp_path / "b", base_url, log, tmp_path)
    procs.append(second)
    _wait(lambda: len(_pings(log)) >= 6, "6 pings in all")
    assert {p["pid"] for p in _pings(log)} == {first.pid}, "the second instance sent follow-ups while not leader"

    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = len(_pings(log))
    took = _wait(lambda: sum(p["pid"] == second.pid for p in _pings(log)) >= 3, "3 pings by the survivor")
    assert {p["pid"] for p in _pings(log)[killed_at:]} == {second.pid}
    _no_duplicates(log)
    print(f"takeover after SIGKILL: 3 pings by the survivor {took:.2f} s after the kill")


def test_a_frozen_leader_is_replaced_and_sends_nothing_when_it_resumes(pg_url, tmp_path, never_live):
    """SIGSTOP the leader: the other takes over within lease + heartbeat; after SIGCONT the old one sends nothing more."""
    base_url, procs = never_live
    log = tmp_path / "pings.jsonl"
    first = _start(pg_url, tmp_path / "a", base_url, log, tmp_path)
    procs.append(first)
    _wait(lambda: len(_pings(log)) >= 2, "the first instance's first 2 pings")
    second = _start(pg_url, tmp_path / "b", base_url, log, tmp_path)
    procs.append(second)
    _wait(lambda: len(_pings(log)) >= 5, "5 pings in all")
    assert {p["pid"] for p in _pings(log)} == {first.pid}

    os.kill(first.pid, signal.SIGSTOP)
    time.sleep(0.05)  # no condition to poll: a ping written just before the stop lands, then we count
    frozen_at = len(_pings(log))
    took = _wait(lambda: any(p["pid"] == second.pid for p in _pings(log)), "a ping by the second instance", timeout=15)
    assert took < 2 + 0.3 + 3, f"took {took:.1f} s to take over (lease 2 s, heartbeat 0.3 s)"
    _wait(lambda: sum(p["pid"] == second.pid for p in _pings(log)) >= 3, "3 pings by the second instance")

    os.kill(first.pid, signal.SIGCONT)
    resumed_at = len(_pings(log))
    _wait(lambda: sum(p["pid"] == second.pid for p in _pings(log)[resumed_at:]) >= 5,
          "5 pings by the second instance after the first resumed")
    after = _pings(log)[frozen_at:]
    assert {p["pid"] for p in after} == {second.pid}, "the frozen leader sent follow-ups after it resumed"
    assert first.poll() is None, "the old leader is still running (as a standby)"
    late = [r for r in _repeats(log) if r["pid"] == first.pid]
    assert late == [], "the old leader tried to remind after it resumed (Slack's key dedup hid it)"
    _no_duplicates(log)
    print(f"frozen leader replaced after {took:.2f} s; late attempts by the old leader: {len(late)}; "
          f"pings by the old leader after SIGCONT: 0")
