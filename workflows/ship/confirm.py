"""Declaring an episode shipped, and taking it back: only on the evidence of the live site.

An episode ships on two passing checks at least ``followup.confirm_seconds`` apart
(a flapping site or one lucky sample is not enough): the first records
``first_match`` (when, and the sha256s it matched) in the episode's facts and asks
for the confirming check; a failing check in between clears it. A shipped episode
that a re-check finds no longer live is reopened (:func:`reopen`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from workflows import failpoints
from workflows.errors import ConcurrentTransition, TransitionNotAllowed
from workflows.people import Icon, Mention, Notice
from workflows.ship.targets import artifact_files
from workflows.ship.verify import Finding, ShipCheck, ShipChecker
from workflows.states import State
from workflows.store.facts import CheckSummary, FirstMatch
from workflows.store.records import Episode

if TYPE_CHECKING:
    from workflows.services import Services

log = logging.getLogger(__name__)

CHECKABLE = (State.PUBLISHED, State.MANUAL_PUBLISH)
#: Findings that say nothing about the episode (the git host did not answer): they neither ship nor clear a match.
INCONCLUSIVE = frozenset({"repo_unreachable"})


def inconclusive(check: ShipCheck) -> bool:
    """The check failed only on findings that do not count either way."""
    return not check.shipped and all(f.ok or f.kind in INCONCLUSIVE for f in check.findings)


@dataclass
class Verdict:
    """What one live check means for the episode: ``shipped``, ``confirming`` (matched once) or ``not_live``."""

    check: ShipCheck
    outcome: str
    #: When the confirming check is due (``confirming`` only).
    confirm_at: datetime | None = None

    @property
    def shipped(self) -> bool:
        return self.outcome == "shipped"

    @property
    def confirming(self) -> bool:
        return self.outcome == "confirming"

    @property
    def findings(self) -> list[Finding]:
        return self.check.findings

    @property
    def problem(self) -> Finding | None:
        return self.check.problem

    @property
    def diagnosis(self) -> str:
        return self.check.diagnosis

    @property
    def message(self) -> str:
        """One line for people."""
        if self.shipped:
            return "It is live and shipped."
        if self.confirming:
            wait = max(0.0, (self.confirm_at - self.check.checked_at).total_seconds()) if self.confirm_at else 0.0
            return f"It is live; confirming in {_wait(wait)} before declaring it shipped."
        return self.diagnosis

    def summary(self) -> CheckSummary:
        return self.check.summary()


def _wait(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:.0f} s"


def _span(start: datetime | None, end: datetime) -> str:
    if start is None:
        return "unknown time"
    minutes = max(0, int((end - start).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours < 48 else f"{hours // 24} days {hours % 24} h"


def announce_shipped(services: Services, shipped: Episode) -> None:
    """Post the final line of a shipped episode, once per shipping (keyed: safe to repeat after a crash)."""
    audio = services.store.artifacts(shipped.id).get("audio")
    now = shipped.facts.shipped_at or services.clock()
    services.people.say(shipped.id, final_line(shipped, shipped.facts.live_url or "", audio.sha256 if audio else "", now),
                        key=f"shipped:v{shipped.version}")


def final_line(episode: Episode, audio_url: str, audio_sha: str, now: datetime) -> Notice:
    """The one line that says it shipped: the episode's page (its MP3 without pages), the feed once, the evidence."""
    facts = episode.facts
    how = facts.publication_label
    owner = Mention(episode.owner) if episode.owner else "nobody"
    return Notice.of(f"Shipped and live: {facts.page_url or audio_url}",
                     f" · feed {facts.feed_url}" if facts.feed_url else "",
                     f" · {how} · sha256 {audio_sha} · {_span(episode.approved_at, now)} from approval to live · owner ",
                     owner, icon=Icon.SHIPPED)


def as_checked(episode: Episode) -> Episode:
    """The episode as the checker should see it: a shipped one papercast did not publish was published by hand."""
    if episode.state == State.SHIPPED and not episode.facts.published_by_papercast:
        return episode.model_copy(update={"state": State.MANUAL_PUBLISH})
    return episode


def followups_for(services: Services):
    """The running follow-ups, or an unstarted one (its table works without the scheduler)."""
    if services.followups is not None:
        return services.followups
    from workflows.ship.followups import FollowUps  # noqa: PLC0415 - followups imports this module

    return FollowUps(services)


def check_and_ship(services: Services, episode_id: str, *, checker: ShipChecker | None = None, actor: str = "papercast",
                   plan: bool = True) -> Verdict:
    """Check the live site now and act on it (:func:`conclude`); ``plan`` schedules the confirming check."""
    own = checker is None
    checker = checker or ShipChecker(services)
    try:
        episode = services.store.get(episode_id)
        check = checker.check(as_checked(episode))
    finally:
        if own:
            checker.close()
    failpoints.reach("check.done")
    return conclude(services, episode, check, checker=checker, actor=actor, plan=plan)


def _matched(services: Services, episode_id: str) -> dict[str, str]:
    return {kind: a.sha256 for kind, a in sorted(services.store.artifacts(episode_id).items())}


def conclude(services: Services, episode: Episode, check: ShipCheck, *, checker: ShipChecker, actor: str = "papercast",
             plan: bool = True) -> Verdict:
    """Record the check; ship on the second match ``confirm_seconds`` after the first (``plan``: ask for it)."""
    store = services.store
    if not check.shipped:
        cleared = {} if inconclusive(check) else {"first_match": None}
        store.update_facts(episode.id, last_check=check.summary(), **cleared)
        return Verdict(check, "not_live")
    if episode.state not in CHECKABLE:
        store.update_facts(episode.id, last_check=check.summary())
        return Verdict(check, "shipped" if episode.state == State.SHIPPED else "not_live")
    now = services.clock()
    wait = timedelta(seconds=services.show.followup.confirm_seconds)
    shas = _matched(services, episode.id)
    first = episode.facts.first_match
    if first is None or first.sha256 != shas:
        first = FirstMatch(at=now, sha256=shas)
    since = first.at
    if now - since < wait:
        confirm_at = since + wait
        store.update_facts(episode.id, last_check=check.summary(), first_match=first)
        if plan:
            followups_for(services).check_at(episode.id, confirm_at)
        return Verdict(check, "confirming", confirm_at)
    return _ship(services, episode, check, checker, actor=actor, plan=plan, now=now)


def _ship(services: Services, episode: Episode, check: ShipCheck, checker: ShipChecker, *, actor: str, plan: bool,
          now: datetime) -> Verdict:
    store = services.store
    audio_url = next(f.url for f in artifact_files(services.show.publish, checker.target, episode) if f.kind == "audio")
    facts = {"last_check": check.summary(), "live_url": audio_url, "shipped_at": now.replace(microsecond=0),
             "first_match": None, "reopened_at": None}
    rewritten = next((f.commit for f in check.findings if f.ok and f.commit), None)
    if rewritten:  # the branch holds the approved files in a rewrite of the recorded commit
        facts["commit"] = rewritten
    try:
        shipped = store.transition(
            episode.id, "ship", actor=actor, reason="the live site served exactly the committed bytes on two checks",
            expected_version=episode.version, facts=facts,
        )
    except (ConcurrentTransition, TransitionNotAllowed) as e:
        log.info("episode %s was not shipped by this check: %s", episode.id, e.message)
        moved = store.get(episode.id)
        return Verdict(check, "shipped" if moved.state == State.SHIPPED else "confirming", now)
    failpoints.reach("ship.committed")
    announce_shipped(services, shipped)
    _refresh_card(services, episode.id)
    if plan:
        followups_for(services).watch(episode.id)
    return Verdict(check, "shipped")


def reopen(services: Services, episode: Episode, check: ShipCheck, *, key: str) -> Episode | None:
    """A shipped episode is no longer live: back to published (audited), the owner told why; None if it moved."""
    try:
        after = services.store.transition(
            episode.id, "reopen", actor="papercast", reason=f"a re-check found it no longer live: {check.diagnosis}",
            expected_version=episode.version,
            facts={"last_check": check.summary(), "first_match": None,
                   "reopened_at": services.clock().replace(microsecond=0)},
        )
    except (ConcurrentTransition, TransitionNotAllowed) as e:
        log.info("episode %s was not reopened: %s", episode.id, e.message)
        return None
    tell_reopened(services, after, check.diagnosis, key=key)
    return after


def tell_reopened(services: Services, episode: Episode, diagnosis: str, *, key: str) -> None:
    """The owner's reminder for a reopened episode (once per ``key``), and the card."""
    services.people.ping_owner(episode.id, diagnosis, key=key)
    _refresh_card(services, episode.id)


def _refresh_card(services: Services, episode_id: str) -> None:
    try:
        services.people.status(episode_id)
    except Exception:  # noqa: BLE001 - the card is a view; the next update repairs it
        log.exception("could not update the status card of %s", episode_id)
