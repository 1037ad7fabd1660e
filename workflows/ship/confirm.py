"""Declaring an episode shipped: only when the live check passes, with the final line in its thread."""

from __future__ import annotations

import logging
from datetime import datetime

from workflows.errors import ConcurrentTransition, TransitionNotAllowed
from workflows.ship.targets import artifact_files
from workflows.ship.verify import ShipCheck, ShipChecker
from workflows.states import State
from workflows.store.records import Episode

log = logging.getLogger(__name__)

CHECKABLE = (State.PUBLISHED, State.MANUAL_PUBLISH)


def _span(start: datetime | None, end: datetime) -> str:
    if start is None:
        return "unknown time"
    minutes = max(0, int((end - start).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours < 48 else f"{hours // 24} days {hours % 24} h"


def final_line(episode: Episode, check: ShipCheck, audio_url: str, audio_sha: str, now: datetime) -> str:
    commit = episode.facts.get("commit")
    how = f"commit {commit[:10]}" if commit else "published by hand"
    owner = f"<@{episode.owner}>" if episode.owner else "nobody"
    return (f":white_check_mark: Shipped and live: {audio_url} · {how} · sha256 {audio_sha} · "
            f"{_span(episode.approved_at, now)} from approval to live · owner {owner}")


def check_and_ship(services, episode_id: str, *, checker: ShipChecker | None = None, actor: str = "papercast") -> ShipCheck:
    """Check the live site now; if everything holds, move the episode to shipped and post the final line."""
    own = checker is None
    checker = checker or ShipChecker(services)
    try:
        episode = services.store.get(episode_id)
        check = checker.check(episode)
    finally:
        if own:
            checker.close()
    store = services.store
    if not check.shipped or episode.state not in CHECKABLE:
        store.update_facts(episode_id, last_check=check.summary())
        return check
    audio_url = next(f.url for f in artifact_files(services.show.publish, checker.target, episode) if f.kind == "audio")
    audio_sha = store.artifacts(episode_id)["audio"].sha256
    now = services.clock()
    try:
        shipped = store.transition(
            episode_id, "ship", actor=actor, reason="the live site serves exactly the committed bytes",
            expected_version=episode.version,
            facts={"last_check": check.summary(), "live_url": audio_url, "shipped_at": now.isoformat(timespec="seconds")},
        )
    except (ConcurrentTransition, TransitionNotAllowed) as e:
        log.info("episode %s was not shipped by this check: %s", episode_id, e.message)
        return check
    services.people.say(episode_id, final_line(shipped, check, audio_url, audio_sha, now))
    try:
        services.people.status(episode_id)
    except Exception:  # noqa: BLE001 - the card is a view; the next update repairs it
        log.exception("could not update the status card of %s", episode_id)
    if services.followups is not None:
        services.followups.stop(episode_id)
    return check
