"""SIGKILL-grade crashes at every boundary of an episode's path: it moves on by itself, and nothing happens twice.

Each case runs the real ``papercast serve --http`` against the local Slack workspace and a
real website, kills it at one named point (``PAPERCAST_CRASH_AT``) and then either restarts
it (SQLite, one instance) or lets a second instance that was running all along carry on
(PostgreSQL, no restart). Counted for every case: the episode ships by itself, the site
serves the committed bytes, one commit on the remote, one status card, one review message,
one audio upload, and no Slack effect key posted twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from datetime import datetime, timezone

import pytest

from tests.faults.rig import EXIT_KILLED, Rig, redeliver_unacked
from tests.waiting import wait_until
from workflows.states import State
from workflows.store.records import Episode

pytestmark = [pytest.mark.slow, pytest.mark.faults]

#: (crash point, what it is in the issue's words)
POINTS = [
    ("status_card.posted", "status card posted"),
    ("step.extract.done", "after extract"),
    ("step.draft.done", "after draft"),
    ("review.posted", "review posted"),
    ("approve.committed", "after approve"),
    ("render.mid", "mid-render"),
    ("step.render.done", "after render"),
    ("audio.shared", "audio shared"),
    ("publish.copied", "files copied"),
    ("publish.committed", "committed"),
    ("publish.pushed", "pushed"),
    ("step.publish.committed", "after publish"),
    ("check.done", "during a live check"),
    ("followup.claimed", "with a follow-up due"),
    ("ship.committed", "shipped, final line not yet posted"),
]


def _report(case: str, figures: dict) -> None:
    """Append one case's figures to $PAPERCAST_FAULT_REPORT (the closing note's table), when set."""
    path = os.environ.get("PAPERCAST_FAULT_REPORT")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"case": case, **figures}) + "\n")


def _run(rig: Rig, point: str, survivor: bool) -> dict:
    first = rig.start("first", crash_at=point)
    second = rig.start("second", serve_events=False) if survivor else None
    if second is not None:
        rig.route_to(first)
    thread = rig.drop()
    approved = False

    def approve_when_asked(episode: Episode | None) -> None:
        nonlocal approved  # the reviewer clicks Approve once, as people do
        if not approved and episode is not None and episode.state == State.IN_REVIEW and rig.review_button(thread):
            approved = True
            rig.approve(thread)

    def first_stopped() -> bool:
        episode = rig.episode(thread)
        if not first.alive() or (episode is not None and episode.state == State.SHIPPED):
            return True
        approve_when_asked(episode)
        return False

    wait_until(first_stopped, timeout=120, interval=0.1,
               what=lambda: f"the first instance to reach {point}:\n{first.tail()}")
    try:  # a point right after a commit the driver can see (shipped) dies a moment after it is seen
        code = first.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the first instance never reached {point}:\n{first.tail()}") from None
    assert code == EXIT_KILLED, first.tail()
    killed_at = datetime.now(timezone.utc)
    t0 = time.monotonic()
    if second is None:
        second = rig.start("second")
    else:
        rig.route_to(second)
    redeliver_unacked(rig)
    episode = wait_until(lambda: rig.episode(thread), timeout=60, what="the episode to exist")

    def moved_on():
        return any(row.at > killed_at for row in rig.store.audit(episode.id))

    def shipped() -> bool:
        now = rig.store.get(episode.id)
        assert now.state != State.FAILED, f"{now.error}\n{second.tail()}"
        approve_when_asked(now)
        return now.state == State.SHIPPED

    wait_until(shipped, timeout=120, interval=0.1, what=lambda: (
        f"the episode to ship after a crash at {point} (stuck in {rig.store.get(episode.id).state.value}):\n"
        f"{second.tail()}"))
    episode = rig.store.get(episode.id)
    resumed = next((row.at for row in rig.store.audit(episode.id) if row.at > killed_at), None)
    assert episode.state == State.SHIPPED, f"stuck in {episode.state.value} after a crash at {point}:\n{second.tail()}"
    keys = rig.effect_keys(thread)
    return {
        "point": point, "resume_seconds": round((resumed - killed_at).total_seconds(), 2) if resumed else None,
        "ship_seconds": round(time.monotonic() - t0, 2),
        "commits": rig.remote_commits(episode.id), "status_cards": rig.status_cards(thread),
        "review_messages": rig.review_messages(thread), "audio_uploads": rig.audio_uploads(thread),
        "duplicate_keys": {k: n for k, n in keys.items() if n > 1},
        "serves_committed": rig.serves_committed_audio(episode.id), "moved_on": moved_on(),
        "final_lines": wait_until(lambda: rig.final_lines(thread), timeout=30, what="the final line"),
    }


def _assert_exactly_once(figures: dict) -> None:
    assert figures["serves_committed"], "declared shipped while the site does not serve the committed audio"
    assert figures["commits"] == 1, figures
    assert figures["status_cards"] == 1, figures
    assert figures["review_messages"] == 1, figures
    assert figures["audio_uploads"] == 1, figures
    assert figures["duplicate_keys"] == {}, figures
    assert figures["final_lines"] == 1, figures


@pytest.mark.parametrize("point", [p for p, _ in POINTS], ids=[w for _, w in POINTS])
def test_killed_then_restarted_on_sqlite_the_episode_ships_with_every_effect_once(tmp_path, point):
    """One SQLite instance killed at the point and started again: the episode ships by itself, nothing twice."""
    rig = Rig(tmp_path, f"sqlite:///{tmp_path / 'var' / 'papercast.db'}")
    try:
        figures = _run(rig, point, survivor=False)
    finally:
        rig.stop()
    _report(f"sqlite-restart:{point}", figures)
    _assert_exactly_once(figures)


@pytest.mark.postgres
@pytest.mark.parametrize("point", [p for p, _ in POINTS], ids=[w for _, w in POINTS])
def test_killed_on_postgresql_a_surviving_instance_ships_it_without_a_restart(tmp_path, pg_url, point):
    """Two instances on PostgreSQL; one is killed at the point, the other ships the episode, nothing twice."""
    rig = Rig(tmp_path, pg_url)
    try:
        figures = _run(rig, point, survivor=True)
    finally:
        rig.stop()
    _report(f"pg-survivor:{point}", figures)
    _assert_exactly_once(figures)
