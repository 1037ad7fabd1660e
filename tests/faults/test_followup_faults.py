"""Follow-ups under faults: a full disk, a killed database connection, and a process killed at each crash point."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text

from tests.conftest import PG_ADMIN_URL, Clock
from tests.faults.tinyfs import tiny_filesystem
from tests.ship._instance import FAST
from tests.ship.helpers import make_services, publish_now, ready_episode
from tests.ship.standin_site import Answer, MisbehavingSite
from tests.waiting import wait_until
from workflows.failpoints import ENV as CRASH_ENV
from workflows.failpoints import EXIT_CODE
from workflows.ship.feed import feed_bytes
from workflows.ship.followups import FollowUps, Outage
from workflows.ship.local_site import LocalWebsite
from workflows.states import State
from workflows.database import migrate
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore

ROOT = Path(__file__).resolve().parents[2]


def _outage_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "workflows.ship.outage" and r.levelno == logging.WARNING]


class _Ticks:
    """A monotonic clock for the backoff that a test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def full_disk(tmp_path, clock):
    """Services whose whole data directory (SQLite included) is on an 8 MB tmpfs, with a published episode."""
    with tiny_filesystem(tmp_path / "disk", "8m") as fs:
        data_dir = fs.root / "var"
        data_dir.mkdir()
        db_url = f"sqlite:///{data_dir / 'papercast.db'}"
        engine = make_engine(db_url)
        migrate(engine)
        site = LocalWebsite(data_dir, delay=0, clock=clock).start(watch=False)
        svc = make_services(data_dir, db_url, EpisodeStore(engine, clock=clock), clock, site=site)
        ep = publish_now(svc, ready_episode(svc))
        try:
            yield fs, svc, ep
        finally:
            site.stop()
            engine.dispose()


def test_a_full_disk_pauses_follow_ups_and_they_resume_when_space_returns(full_disk, clock, caplog):
    """While the disk is full the due check fails, logged once without a traceback, retried after 1, 2, 4 … 60 s; then done once."""
    fs, svc, ep = full_disk
    ticks = _Ticks()
    fu = FollowUps(svc, outage=Outage(clock=ticks)).start(paused=True)
    try:
        start = clock.now
        fu.schedule_after_publish(ep.id)
        clock.advance(minutes=10)
        fs.fill()
        caplog.set_level(logging.INFO, logger="workflows.ship.outage")
        delays = []
        for _ in range(8):  # the scheduler's own wake-ups
            before = fu.outage.failures
            fu.wake()
            assert fu.outage.failures == before + 1
            delays.append(fu.outage.retry_at - ticks.now)
            ticks.now += 0.5
            fu.wake()  # too early: not even tried
            assert fu.outage.failures == before + 1
            ticks.now = fu.outage.retry_at
        assert delays == [1, 2, 4, 8, 16, 32, 60, 60]
        assert fu.run_due(clock.now) == [], "an explicit run fails the same way"
        [warning] = _outage_warnings(caplog)
        assert "database or disk is full" in warning
        assert not any(r.exc_info for r in caplog.records), "no traceback per attempt"
        assert svc.people.named("ping_owner") == [] and fu.get(ep.id).due_at == start + timedelta(minutes=1)
        fs.free()
        ticks.now = fu.outage.retry_at
        fu.wake()
        assert [p[0] for p in svc.people.named("ping_owner")] == [ep.id]
        assert fu.outage.failures == 0 and any("answers again" in r.getMessage() for r in caplog.records)
        assert len(_outage_warnings(caplog)) == 1
        assert fu.get(ep.id).due_at == start + timedelta(minutes=30)
    finally:
        fu.shutdown()


def test_the_scheduler_thread_survives_a_full_disk_and_resumes_by_itself(full_disk, clock):
    """The real scheduler thread keeps trying through a full disk, and an instance started on a full disk becomes leader later."""
    fs, svc, ep = full_disk
    svc = make_services(svc.data_dir, svc.settings.database_url, svc.store, clock, same_website=svc.website,
                        followup={"tick_seconds": 0.1, "leader_heartbeat_seconds": 0.1, "leader_lease_seconds": 3600})
    fu = FollowUps(svc, outage=Outage(first=0.05, most=0.2))
    fu.schedule_after_publish(ep.id)
    fu.start()
    try:
        fs.fill()
        clock.advance(minutes=10)
        wait_until(lambda: fu.outage.failures >= 3, timeout=20, what="the scheduler to keep trying on a full disk")
        assert svc.people.named("ping_owner") == [] and fu.scheduler.running
        fs.free()
        wait_until(lambda: len(svc.people.named("ping_owner")) == 1, timeout=20,
                   what="the scheduler to resume after space returned")
    finally:
        fu.shutdown()

    fs.fill()
    clock.advance(minutes=30)
    again = FollowUps(svc, outage=Outage(first=0.05, most=0.2)).start()
    try:
        time.sleep(0.5)  # nothing to poll for: a few heartbeats on a full disk must bring no leader, send nothing
        assert not again.leader.is_leader and len(svc.people.named("ping_owner")) == 1
        fs.free()
        wait_until(lambda: len(svc.people.named("ping_owner")) == 2, timeout=20,
                   what="an instance started on a full disk to become leader")
    finally:
        again.shutdown()


# --- PostgreSQL: the connection is killed in the middle of a run -------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("statement", ["claim", "outcome"])
def test_a_killed_database_connection_mid_run_is_survived(pg_url, tmp_path, clock, statement, caplog):
    """pg_terminate_backend at the claim or at the outcome's write: the run is logged once and the next one completes it, one ping."""
    engine = make_engine(pg_url)
    migrate(engine)
    site = LocalWebsite(tmp_path / "var", delay=0, clock=clock).start(watch=False)
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        svc = make_services(tmp_path / "var", pg_url, EpisodeStore(engine, clock=clock), clock, site=site)
        fu = FollowUps(svc).start(paused=True)
        ep = publish_now(svc, ready_episode(svc))
        fu.schedule_after_publish(ep.id)
        marker = {"claim": "SET claimed_by", "outcome": "SET step"}[statement]
        killed = []

        @event.listens_for(engine, "before_cursor_execute")
        def _kill(conn, cursor, sql, params, context, executemany):
            if not killed and sql.startswith("UPDATE ship_followups") and marker in sql:
                pid = conn.connection.dbapi_connection.info.backend_pid
                with admin.connect() as a:
                    killed.append(a.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar())

        caplog.set_level(logging.INFO, logger="workflows.ship.outage")
        clock.advance(minutes=10)
        assert fu.run_due(clock.now) == [] and killed == [True]
        assert len(_outage_warnings(caplog)) == 1
        assert [o.action for o in fu.run_due(clock.now)] == ["pinged"]
        assert len(svc.people.named("ping_owner")) == 1, "the retried ping carried the same key"
        assert fu.get(ep.id).pings == 1 and fu.get(ep.id).claimed_by is None
        fu.shutdown()
    finally:
        site.stop()
        admin.dispose()
        engine.dispose()


# --- crash points: a process killed and restarted (SQLite) ----------------------------------------------------


def _once(db_url, data_dir, base_url, log, at, crash: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    if crash:
        env[CRASH_ENV] = crash
    return subprocess.run([sys.executable, "-m", "tests.ship._instance", "once", db_url, str(data_dir), base_url,
                           str(log), at.isoformat()], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _sent(log: Path, method: str) -> list[dict]:
    lines = log.read_text().splitlines() if log.exists() else []
    return [r for r in map(json.loads, lines) if r["method"] == method]


@pytest.fixture
def hand_published(tmp_path):
    """An episode published by hand on SQLite, followed up every 0.6 s, and the site that serves (or not) its files."""
    clock = Clock()
    db_url = f"sqlite:///{tmp_path / 'papercast.db'}"
    engine = make_engine(db_url)
    migrate(engine)
    live = MisbehavingSite(tmp_path / "empty")
    svc = make_services(tmp_path / "var", db_url, EpisodeStore(engine, clock=clock), clock,
                        repo="/nonexistent/website.git", base_url=live.base_url, followup=FAST)
    ep = ready_episode(svc)
    svc.store.transition(ep.id, "publish_manually", actor="UOWNER")
    FollowUps(svc).schedule_after_publish(ep.id)

    def serve_it() -> None:
        arts = svc.store.artifacts(ep.id)
        for a in arts.values():
            live.answers[f"/episodes/{ep.slug}/{a.filename}"] = Answer(200, svc.artifacts.path(a).read_bytes())
        index = {"episodes": [{"id": ep.id, "title": ep.title, "published_at": "2026-11-23T09:00:00+00:00",
                               "files": {"audio": {"url": f"{live.base_url}/episodes/{ep.slug}/episode.mp3",
                                                   "size": arts["audio"].size}}}]}
        live.answers["/feed.xml"] = Answer(200, feed_bytes(index, svc.show, site_url=live.base_url,
                                                           feed_url=live.base_url + "/feed.xml"))

    yield db_url, tmp_path / "var", live.base_url, clock.now, ep, svc, serve_it
    live.close()
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("point", ["followup.claimed", "check.done"])
def test_a_process_killed_at_a_crash_point_completes_the_follow_up_once_after_a_restart(hand_published, tmp_path, point):
    """Killed after claiming or after checking, a restarted instance retakes the claim at once: one ping per due time, none lost."""
    db_url, data_dir, base_url, start, ep, svc, _ = hand_published
    log = tmp_path / "sent.jsonl"
    died = _once(db_url, data_dir, base_url, log, start + timedelta(seconds=1), crash=point)
    assert died.returncode == EXIT_CODE, died.stderr
    assert _sent(log, "ping_owner") == []
    begun = time.monotonic()
    restarted = _once(db_url, data_dir, base_url, log, start + timedelta(seconds=2))
    resumed_in = time.monotonic() - begun
    assert restarted.returncode == 0, restarted.stderr
    assert json.loads(restarted.stdout.splitlines()[-1]) == ["pinged"]
    later = _once(db_url, data_dir, base_url, log, start + timedelta(seconds=4))
    assert json.loads(later.stdout.splitlines()[-1]) == ["pinged"]
    keys = [r["key"] for r in _sent(log, "ping_owner")]
    assert len(keys) == 2 and len(set(keys)) == 2, keys
    assert not Path(f"{log}.repeats").exists()
    print(f"{point}: follow-up done by the restarted process in {resumed_in:.2f} s (claim retaken at once)")


@pytest.mark.slow
@pytest.mark.parametrize("point", ["followup.claimed", "check.done"])
def test_a_process_killed_at_the_confirming_check_ships_once_after_a_restart(hand_published, tmp_path, point):
    """Killed during the confirming check of a live episode, the restarted instance ships it: one final line, no ping."""
    db_url, data_dir, base_url, start, ep, svc, serve_it = hand_published
    serve_it()
    log = tmp_path / "sent.jsonl"
    first = _once(db_url, data_dir, base_url, log, start + timedelta(seconds=1))
    assert json.loads(first.stdout.splitlines()[-1]) == ["confirming"], first.stderr
    died = _once(db_url, data_dir, base_url, log, start + timedelta(seconds=62), crash=point)
    assert died.returncode == EXIT_CODE, died.stderr
    assert svc.store.get(ep.id).state == State.MANUAL_PUBLISH
    restarted = _once(db_url, data_dir, base_url, log, start + timedelta(seconds=63))
    assert json.loads(restarted.stdout.splitlines()[-1]) == ["shipped"], restarted.stderr
    assert svc.store.get(ep.id).state == State.SHIPPED
    final = [r for r in _sent(log, "say") if "Shipped and live" in r["text"]]
    assert len(final) == 1 and _sent(log, "ping_owner") == []
