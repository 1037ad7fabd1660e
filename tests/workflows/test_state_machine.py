"""The episode state machine: legal moves, refused moves, races and the audit trail."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from workflows.errors import ConcurrentTransition, TransitionNotAllowed
from workflows.states import RESUME, RESUME_PUBLISHED, SAME, TRANSITIONS, State
from workflows.store.schema import episodes

ROOT = Path(__file__).resolve().parents[2]


def _force(store, episode_id: str, state: State) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(episodes).where(episodes.c.id == episode_id).values(state=state.value))


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_every_illegal_transition_is_refused(store, name):
    """From every state outside a transition's sources the move is refused, and nothing changes."""
    t = TRANSITIONS[name]
    for state in State:
        if state in t.sources:
            continue
        ep = store.create(uploader="U1", channel="C1")
        _force(store, ep.id, state)
        with pytest.raises(TransitionNotAllowed) as err:
            store.transition(ep.id, name, actor="U2")
        assert state.value in err.value.message and name in err.value.message
        after = store.get(ep.id)
        assert (after.state, after.version) == (state, 1)
        assert store.audit(ep.id) == []


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_every_legal_transition_moves_and_is_audited(store, clock, name):
    """From each source state a transition lands on its target, bumps the version and writes who, when and why."""
    t = TRANSITIONS[name]
    for source in sorted(t.sources):
        ep = store.create(uploader="U1", channel="C1")
        _force(store, ep.id, source)
        if t.target == RESUME:
            with store.engine.begin() as conn:
                conn.execute(update(episodes).where(episodes.c.id == ep.id).values(failed_from="approved"))
        after = store.transition(ep.id, name, actor="U9", reason="because")
        expected = {SAME: source, RESUME: State.APPROVED, RESUME_PUBLISHED: State.MANUAL_PUBLISH}.get(t.target, t.target)
        assert after.state == expected and after.version == 2
        [row] = store.audit(ep.id)
        assert (row.transition, row.from_state, row.to_state, row.actor, row.reason) == (name, source, expected, "U9", "because")
        assert row.at == clock.now


def test_failed_records_where_and_retry_returns_there(store):
    """A failed step remembers its state; retry goes back to it and clears the error."""
    ep = store.create(uploader="U1", channel="C1")
    failed = store.transition(ep.id, "fail", actor="papercast", updates={"failed_step": "extract", "error": "boom"})
    assert (failed.state, failed.failed_from, failed.failed_step, failed.error) == (State.FAILED, State.RECEIVED, "extract", "boom")
    back = store.transition(ep.id, "retry", actor="U1")
    assert (back.state, back.failed_from, back.error) == (State.RECEIVED, None, None)


def test_stale_version_is_a_lost_race_naming_the_winner(store):
    """A decision made on an old version is refused with who decided first."""
    ep = store.create(uploader="U1", channel="C1")
    store.transition(ep.id, "extract", actor="papercast", expected_version=1)
    with pytest.raises(ConcurrentTransition) as err:
        store.transition(ep.id, "mark_duplicate", actor="U2", expected_version=1)
    assert "extract by papercast" in err.value.winner
    assert err.value.current_state == "extracted"


def _in_review(store):
    ep = store.create(uploader="U1", channel="C1")
    _force(store, ep.id, State.IN_REVIEW)
    return store.get(ep.id)


def test_twenty_threads_racing_produce_one_winner_and_one_audit_row(store):
    """Twenty simultaneous approvals of the same version: exactly one wins, the rest lose cleanly."""
    ep = _in_review(store)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def approve(i: int) -> None:
        barrier.wait()
        try:
            store.transition(ep.id, "approve", actor=f"U{i}", expected_version=ep.version, updates={"owner": f"U{i}"})
            outcomes.append("won")
        except ConcurrentTransition:
            outcomes.append("lost")

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost"] * 19 + ["won"]
    audit = store.audit(ep.id)
    assert len(audit) == 1
    assert store.get(ep.id).owner == audit[0].actor


def test_two_processes_racing_produce_one_winner_and_one_audit_row(store, db_url):
    """Two separate processes approving at the same instant: one wins, one loses, one audit row."""
    ep = _in_review(store)
    start_at = time.time() + 1.5
    procs = [
        subprocess.Popen([sys.executable, "-m", "tests.workflows._racers", "race", db_url, ep.id, str(ep.version),
                          str(start_at), f"U{i}"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for i in range(2)
    ]
    results = [json.loads(p.communicate(timeout=60)[0].strip().splitlines()[-1]) for p in procs]
    assert sorted(r["result"] for r in results) == ["lost", "won"]
    assert len(store.audit(ep.id)) == 1


def test_reopen_returns_a_shipped_episode_to_how_it_was_published(store):
    """A shipped episode that stops being live goes back to published (with a commit) or manual_publish (without)."""
    for facts, expected in (({"commit": "abc"}, State.PUBLISHED), ({}, State.MANUAL_PUBLISH)):
        ep = store.create(uploader="U1", channel="C1", facts=facts)
        _force(store, ep.id, State.SHIPPED)
        assert store.transition(ep.id, "reopen", actor="papercast").state == expected
