"""SIGKILL-grade crashes while publishing to the website bucket, and during its live check: the episode ships by itself.

Each case runs the real ``papercast serve --http`` (tests/faults/bucket_rig.py) with
``website = "s3"``: moto on loopback is the bucket and a loopback CDN serves it, both in the
test process so they outlive the bot. The bot dies (``os._exit``) at one named point and is
started again on the same SQLite database. Counted for every case: the episode ships, the CDN
serves the approved audio, the bucket's index and feed list the episode once, no artifact key
was uploaded twice, one status card, one review message, one final line, no effect key twice.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
from datetime import datetime, timezone

import pytest

from tests.faults.bucket_rig import LISTING, PREFIX, BucketRig
from tests.faults.rig import EXIT_KILLED, redeliver_unacked
from tests.standins.s3 import export_credentials
from tests.waiting import wait_until
from workflows.states import State

pytestmark = [pytest.mark.slow, pytest.mark.faults]

#: (crash point, what it is): the bucket website's publish stages (workflows/ship/websites/bucket.py), the
#: runner's commit of the publish step, and the live check (workflows/ship/confirm.py).
POINTS = [
    ("publish.copied", "artifacts uploaded, index not yet"),
    ("publish.committed", "index written, feed and show page not yet"),
    ("publish.pushed", "listing written, step not committed"),
    ("step.publish.committed", "after publish"),
    ("check.done", "during a live check"),
]


@pytest.fixture
def bucket_rig(tmp_path, moto, monkeypatch):
    """Builds the rig on a database URL: a bucket of its own on the moto server, the CDN, the local workspace."""
    made: list[BucketRig] = []

    def on(db_url: str) -> BucketRig:
        export_credentials(monkeypatch)  # the instances inherit them; boto3 reads them from the environment
        bucket = moto.create_bucket("papercast-crash-" + secrets.token_hex(4))
        made.append(BucketRig(tmp_path, db_url, s3=moto, bucket=bucket))
        return made[-1]

    yield on
    for r in made:
        r.stop()


def listing(key: str) -> bool:
    """The index, feed and show page: rewritten by every publish, unlike the artifacts."""
    return key.removeprefix(f"{PREFIX}/") in LISTING


def _report(case: str, figures: dict) -> None:
    """Append one case's figures to $PAPERCAST_FAULT_REPORT (the closing note's table), when set."""
    path = os.environ.get("PAPERCAST_FAULT_REPORT")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"case": case, **figures}) + "\n")


def _kill_and_resume(rig: BucketRig, point: str, survivor: bool) -> dict:
    """Kill the first instance at ``point``; then restart it (SQLite) or let a second, running all along, go on."""
    first = rig.start("first", crash_at=point)
    second = rig.start("second", serve_events=False) if survivor else None
    if second is not None:
        rig.route_to(first)
    thread = rig.drop()
    approved = False

    def approve_when_asked(episode) -> None:
        nonlocal approved  # the reviewer clicks Approve once, as people do
        if not approved and episode is not None and episode.state == State.IN_REVIEW and rig.review_button(thread):
            approved = True
            rig.approve(thread)

    def first_stopped() -> bool:
        episode = rig.episode(thread)
        assert episode is None or episode.state != State.FAILED, f"{episode.error}\n{first.tail()}"
        approve_when_asked(episode)
        return not first.alive() or (episode is not None and episode.state == State.SHIPPED)

    wait_until(first_stopped, timeout=120, interval=0.1, what=lambda: f"the first instance to reach {point}:\n{first.tail()}")
    try:
        code = first.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the first instance never reached {point}:\n{first.tail()}") from None
    assert code == EXIT_KILLED, first.tail()
    killed_at, t0 = datetime.now(timezone.utc), time.monotonic()
    episode = rig.episode(thread)
    state_at_kill = episode.state.value
    if second is None:
        second = rig.start("second")
    else:
        rig.route_to(second)
    redeliver_unacked(rig)

    def shipped() -> bool:
        now = rig.store.get(episode.id)
        assert now.state != State.FAILED, f"{now.error}\n{second.tail()}"
        return now.state == State.SHIPPED

    wait_until(shipped, timeout=90, interval=0.1, what=lambda: (
        f"the episode to ship after a crash at {point} (stuck in {rig.store.get(episode.id).state.value}):\n"
        f"{second.tail()}"))
    resumed = next((row for row in rig.store.audit(episode.id) if row.at > killed_at), None)
    keys = rig.effect_keys(thread)
    versions = rig.versions()
    return {
        "point": point, "state_at_kill": state_at_kill,
        "next_transition": resumed.transition if resumed else None,
        "resume_seconds": round((resumed.at - killed_at).total_seconds(), 2) if resumed else None,
        "ship_seconds": round(time.monotonic() - t0, 2),
        "serves_approved": rig.serves_committed_audio(episode.id),
        "index_entries": rig.index_entries(episode.id), "feed_items": rig.feed_items(episode.id),
        "artifact_puts": sum(rig.artifact_puts().values()),
        "artifact_puts_twice": {k: n for k, n in rig.artifact_puts().items() if n > 1},
        "artifact_contents_differ": {k: v for k, v in versions.items() if not listing(k) and len(set(v)) > 1},
        "listing_versions": {k: len(v) for k, v in versions.items() if listing(k)},
        "status_cards": rig.status_cards(thread), "review_messages": rig.review_messages(thread),
        "duplicate_keys": {k: n for k, n in keys.items() if n > 1},
        "final_lines": wait_until(lambda: rig.final_lines(thread), timeout=30, what="the final line"),
    }


def _assert_once(figures: dict) -> None:
    assert figures["serves_approved"], f"shipped while the CDN does not serve the approved audio: {figures}"
    assert figures["index_entries"] == 1 and figures["feed_items"] == 1, figures
    assert figures["artifact_puts"] >= 6, f"the artifacts never went to the bucket: {figures}"
    assert figures["artifact_puts_twice"] == {} and figures["artifact_contents_differ"] == {}, figures
    assert figures["status_cards"] == 1 and figures["review_messages"] == 1, figures
    assert figures["duplicate_keys"] == {} and figures["final_lines"] == 1, figures


@pytest.mark.parametrize("point", [p for p, _ in POINTS], ids=[w for _, w in POINTS])
def test_killed_while_publishing_to_the_bucket_and_restarted_the_episode_ships_with_every_effect_once(
        bucket_rig, tmp_path, point):
    """Killed at the point and restarted on SQLite: shipped by itself, listed once, no artifact re-uploaded."""
    figures = _kill_and_resume(bucket_rig(f"sqlite:///{tmp_path / 'var' / 'papercast.db'}"), point, survivor=False)
    _report(f"bucket-sqlite-restart:{point}", figures)
    _assert_once(figures)


@pytest.mark.postgres
@pytest.mark.parametrize("point", [p for p, _ in POINTS], ids=[w for _, w in POINTS])
def test_killed_on_postgresql_while_publishing_to_the_bucket_a_survivor_ships_it(bucket_rig, pg_url, point):
    """Killed at the point on PostgreSQL: the instance running all along ships it, listed once, nothing twice."""
    figures = _kill_and_resume(bucket_rig(pg_url), point, survivor=True)
    _report(f"bucket-pg-survivor:{point}", figures)
    _assert_once(figures)
