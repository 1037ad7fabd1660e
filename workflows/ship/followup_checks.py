"""What a due follow-up does: check the live site, ship or remind the owner; re-check shipped episodes.

Phase ``follow`` (published, or published by hand): each due check may confirm and
ship the episode (:func:`~workflows.ship.confirm.conclude`); after ``grace_minutes``
a check that finds it not live reminds the shipping owner, and after
``pings_before_escalation`` reminders the reminder is escalated. Pings carry a key
per due time, so a retaken check never reminds twice. Phase ``watch`` (shipped):
a re-check every ``recheck_hours``; one that misses twice a short interval apart
reopens the episode. Every write after a check is fenced on the claim
(:mod:`workflows.ship.followup_rows`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from workflows import failpoints
from workflows.ship.confirm import (
    CHECKABLE,
    announce_shipped,
    as_checked,
    conclude,
    inconclusive,
    reopen,
    tell_reopened,
)
from workflows.ship.followup_rows import FOLLOW, WATCH, FollowUpRows, Pending, follow_values
from workflows.ship.outage import DB_ERRORS
from workflows.ship.verify import ShipCheck, ShipChecker
from workflows.states import State
from workflows.store.records import Episode
from workflows.store.times import iso_utc

if TYPE_CHECKING:
    from workflows.services import Services
    from workflows.settings import FollowUp

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What one due check did.

    follow: shipped, confirming, pinged, escalated, checked (within grace), snoozed;
    watch: live, missed (once), reopened; either: stopped, skipped (claimed elsewhere), fenced (lost the claim).
    """

    episode_id: str
    due_at: datetime
    action: str
    diagnosis: str = ""


def offset(config: "FollowUp", step: int) -> timedelta:
    """Time from publishing to check number ``step`` (0-based): the configured minutes, then every repeat."""
    minutes = config.check_minutes or [1.0]
    if step < len(minutes):
        return timedelta(minutes=minutes[step])
    repeat = config.repeat_minutes or minutes[-1]
    return timedelta(minutes=minutes[-1] + repeat * (step - len(minutes) + 1))


class DueChecks:
    """Runs the due checks of the rows in ``rows`` under a leader's term."""

    def __init__(self, services: Services, rows: FollowUpRows) -> None:
        self.services = services
        self.store = services.store
        self.config: FollowUp = services.show.followup
        self.rows = rows

    def run(self, due: list[Pending], now: datetime, term: int) -> list[Outcome]:
        """The checks ``due`` at ``now``; one broken episode does not stop the others (database errors do)."""
        outcomes: list[Outcome] = []
        follow = [p for p in due if p.phase == FOLLOW]
        if follow:
            with ShipChecker(self.services) as checker:
                for p in follow:
                    try:
                        outcomes.append(self._follow_up(p, now, term, checker))
                    except DB_ERRORS:
                        raise
                    except Exception:  # noqa: BLE001 - one broken episode must not stop the others' follow-ups
                        log.exception("follow-up of %s at %s failed", p.episode_id, p.due_at)
        watch = [p for p in due if p.phase == WATCH]
        if watch:
            outcomes += self._recheck(watch, now, term)
        return outcomes

    def announce_if_just_shipped(self, episode_id: str) -> None:
        """Shipped moments ago and never watched: its process may have died before the final line (keyed: once)."""
        episode = self.store.get(episode_id)
        shipped_at = episode.facts.shipped_at
        if shipped_at and self.services.clock() - shipped_at < timedelta(days=1):
            announce_shipped(self.services, episode)

    # --- phase follow ----------------------------------------------------------------------------------

    def _follow_up(self, p: Pending, now: datetime, term: int, checker: ShipChecker) -> Outcome:
        if not self.rows.claim(p, now, term):
            return Outcome(p.episode_id, p.due_at, "skipped")
        failpoints.reach("followup.claimed")
        episode = self.store.get(p.episode_id)
        if episode.state not in CHECKABLE:
            return self._not_followed(p, term, episode)
        check = checker.check(episode)
        failpoints.reach("check.done")
        if not self.rows.still_mine(p, term):
            return Outcome(p.episode_id, p.due_at, "fenced")
        verdict = conclude(self.services, episode, check, checker=checker, plan=False)
        if verdict.shipped:
            self._to_watch(p, term, now)
            return Outcome(p.episode_id, p.due_at, "shipped")
        if verdict.confirming:
            assert verdict.confirm_at is not None  # a confirming verdict says when
            self.rows.fenced(p, term, {"due_at": iso_utc(verdict.confirm_at), "last_kind": "confirming",
                                       "last_diagnosis": verdict.message})
            return Outcome(p.episode_id, p.due_at, "confirming", verdict.message)
        action = "checked"
        pinged = False
        if now - p.started_at >= timedelta(minutes=self.config.grace_minutes):
            if p.snoozed_until is not None and now < p.snoozed_until:
                action = "snoozed"
            elif not self.rows.still_mine(p, term):  # once more, right before the outside effect
                return Outcome(p.episode_id, p.due_at, "fenced")
            else:
                action, pinged = self._remind(p, check), True
        step = self._next_step(p, now)
        kind = check.problem.kind if check.problem else None
        written = self.rows.fenced(p, term, {"step": step, "due_at": iso_utc(self._due(p, step, now)),
                                             "pings": p.pings + pinged, "last_kind": kind,
                                             "last_diagnosis": check.diagnosis})
        return Outcome(p.episode_id, p.due_at, action if written else "fenced", check.diagnosis)

    def _remind(self, p: Pending, check: ShipCheck) -> str:
        """Remind the shipping owner of this due check (keyed by its due time); escalated after enough reminders."""
        escalate = p.pings >= self.config.pings_before_escalation
        self.services.people.ping_owner(p.episode_id, check.diagnosis, escalate=escalate,
                                        key=f"followup:{p.episode_id}:{iso_utc(p.due_at)}")
        return "escalated" if escalate else "pinged"

    def _not_followed(self, p: Pending, term: int, episode: Episode) -> Outcome:
        """The episode left published/manual_publish another way: watch it if shipped, else drop the row."""
        if episode.state == State.SHIPPED:
            self.announce_if_just_shipped(p.episode_id)
            self._to_watch(p, term, self.services.clock())
        else:
            self.rows.drop(p, term)
        return Outcome(p.episode_id, p.due_at, "stopped")

    def _to_watch(self, p: Pending, term: int, now: datetime) -> None:
        """The episode shipped: its row becomes a re-check ``recheck_hours`` from now (or goes, at 0)."""
        hours = self.config.recheck_hours
        if not hours:
            self.rows.drop(p, term)
            return
        self.rows.fenced(p, term, {"phase": WATCH, "started_at": iso_utc(now), "step": 0, "pings": 0,
                                   "snoozed_until": None, "due_at": iso_utc(now + timedelta(hours=hours)),
                                   "last_kind": None, "last_diagnosis": None})

    def _next_step(self, p: Pending, now: datetime) -> int:
        step = p.step + 1
        while p.started_at + offset(self.config, step) <= now:  # after downtime: no burst of missed checks
            step += 1
        return step

    def _due(self, p: Pending, step: int, now: datetime) -> datetime:
        due = p.started_at + offset(self.config, step)
        if p.snoozed_until is not None and now < p.snoozed_until < due:
            return p.snoozed_until  # the first reminder comes when the snooze ends
        return due

    # --- phase watch: re-checks of shipped episodes ---------------------------------------------------

    def _recheck(self, due: list[Pending], now: datetime, term: int) -> list[Outcome]:
        """Re-check shipped episodes in one checker session; two misses a short interval apart reopen one."""
        outcomes: list[Outcome] = []
        mine: list[tuple[Pending, Episode]] = []
        for p in due:
            if not self.rows.claim(p, now, term):
                outcomes.append(Outcome(p.episode_id, p.due_at, "skipped"))
                continue
            failpoints.reach("followup.claimed")
            episode = self.store.get(p.episode_id)
            if episode.state == State.SHIPPED:
                mine.append((p, episode))
            elif episode.state in CHECKABLE:  # reopened, then the process died before its follow-ups started
                diagnosis = episode.facts.last_check.diagnosis if episode.facts.last_check else ""
                tell_reopened(self.services, episode, diagnosis, key=f"reopen:{p.episode_id}:{iso_utc(p.due_at)}")
                self.rows.fenced(p, term, follow_values(now, offset(self.config, 0), pings=1))
                outcomes.append(Outcome(p.episode_id, p.due_at, "reopened", diagnosis))
            else:
                outcomes.append(self._not_followed(p, term, episode))
        if not mine:
            return outcomes
        with ShipChecker(self.services) as checker:
            checks = checker.check_all([as_checked(e) for _, e in mine])
        failpoints.reach("check.done")
        wait = timedelta(seconds=self.config.confirm_seconds)
        for (p, episode), check in zip(mine, checks):
            if not self.rows.still_mine(p, term):
                outcomes.append(Outcome(p.episode_id, p.due_at, "fenced"))
            elif check.shipped:
                self.store.update_facts(p.episode_id, last_check=check.summary())
                self._to_watch(p, term, now)
                outcomes.append(Outcome(p.episode_id, p.due_at, "live"))
            elif inconclusive(check) or (p.step == 0 and wait):
                # Looked at again soon: only a second miss that says something reopens the episode.
                misses = p.step if inconclusive(check) else p.step + 1
                self.store.update_facts(p.episode_id, last_check=check.summary())
                self.rows.fenced(p, term, {"step": misses, "due_at": iso_utc(now + (wait or timedelta(minutes=1))),
                                           "last_kind": check.problem.kind if check.problem else None,
                                           "last_diagnosis": check.diagnosis})
                outcomes.append(Outcome(p.episode_id, p.due_at, "missed", check.diagnosis))
            else:
                reopen(self.services, episode, check, key=f"reopen:{p.episode_id}:{iso_utc(p.due_at)}")
                self.rows.fenced(p, term, follow_values(now, offset(self.config, 0), pings=1))
                outcomes.append(Outcome(p.episode_id, p.due_at, "reopened", check.diagnosis))
        return outcomes
