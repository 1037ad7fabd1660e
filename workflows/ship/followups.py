"""Follow-ups: check the live site on a schedule, remind the owner until it matches, then keep watching.

The ``ship_followups`` table is the source of truth (:mod:`workflows.ship.followup_rows`):
one row per episode, with its next due time, its place in ``FollowUp.check_minutes``,
the pings sent and any snooze. What a due check does is in
:mod:`workflows.ship.followup_checks`. :meth:`FollowUps.run_due` does everything due
at a given time, with the injected clock, so tests drive it directly.

APScheduler (in memory, through its public API only) provides the wake-ups: a routine
tick and one job at the next due time, both calling :meth:`FollowUps.wake`, which
repairs episodes that have no row (a crash right after publishing) and runs what is
due. Only the scheduler leader wakes (``leader.py``); its term fences every claim.

Database errors (disk full, connection lost) never stop it: each run catches them,
logs once per outage and backs off (1, 2, 4 … 60 s) until the database answers again.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import IntegrityError

from workflows.ship.confirm import CHECKABLE
from workflows.ship.followup_checks import DueChecks, Outcome, offset
from workflows.ship.followup_rows import FOLLOW, WATCH, FollowUpRows, Pending
from workflows.ship.leader import SchedulerLeader
from workflows.ship.outage import DB_ERRORS, Outage
from workflows.states import State

if TYPE_CHECKING:
    from workflows.services import Services

__all__ = ["FOLLOW", "NEXT_JOB", "TICK_JOB", "WATCH", "FollowUps", "Outage", "Outcome", "Pending"]

log = logging.getLogger(__name__)

TICK_JOB = "papercast-followups-tick"
NEXT_JOB = "papercast-followups-next"


class FollowUps:
    def __init__(self, services: Services, *, outage: Outage | None = None) -> None:
        self.services = services
        self.store = services.store
        self.engine = services.store.engine
        self.config = services.show.followup
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.outage = outage or Outage()
        self.scheduler: BackgroundScheduler | None = None
        self._paused = False
        self._scheduler_lock = threading.Lock()
        #: One run at a time in this instance (claims are per instance, not per thread).
        self._running = threading.Lock()
        self.leader = SchedulerLeader(
            self.engine, holder=self.holder, clock=services.clock, lease_seconds=self.config.leader_lease_seconds,
            heartbeat_seconds=self.config.leader_heartbeat_seconds, on_elected=self._start_scheduler,
            on_lost=self._stop_scheduler, db_errors=DB_ERRORS)
        self.rows = FollowUpRows(self.engine, holder=self.holder, leader=self.leader,
                                 claim_lease_seconds=self.config.claim_lease_seconds)
        self.checks = DueChecks(services, self.rows)

    # --- life cycle ---------------------------------------------------------------------------------

    def start(self, *, paused: bool = False) -> "FollowUps":
        """Attach to the services and contend for the scheduler (``paused``: plan wake-ups, run none, no heartbeat)."""
        self._paused = paused
        self.services.followups = self
        try:
            self.repair()
        except DB_ERRORS as e:
            self.outage.failed(e)
        self.leader.start(heartbeat=not paused)
        return self

    def shutdown(self) -> None:
        self.leader.stop()
        self._stop_scheduler()

    def _start_scheduler(self) -> None:
        scheduler = BackgroundScheduler(job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
                                        timezone=timezone.utc)
        scheduler.add_job(self.wake, IntervalTrigger(seconds=self.config.tick_seconds), id=TICK_JOB)
        scheduler.start(paused=self._paused)
        with self._scheduler_lock:
            self.scheduler = scheduler
        self._plan_wake()

    def _stop_scheduler(self) -> None:
        with self._scheduler_lock:
            scheduler, self.scheduler = self.scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=False)

    def _plan_wake(self) -> None:
        """One wake-up job at the earliest due time (replacing the previous one)."""
        if self.scheduler is None:
            return
        try:
            due = self.rows.earliest_due()
        except DB_ERRORS:
            return  # the routine tick comes anyway
        with self._scheduler_lock:
            if self.scheduler is None or due is None:
                return
            self.scheduler.add_job(self.wake, DateTrigger(run_date=due), id=NEXT_JOB, replace_existing=True)

    def wake(self) -> None:
        """What the scheduler calls: repair, then run what is due, as long as this instance still leads. Never raises."""
        if not self.outage.ready() or not self._running.acquire(blocking=False):
            return  # backing off, or a run is in progress (the tick and the due-time job may meet)
        try:
            if not self.leader.is_leader or not self.leader.holds():
                return
            self.repair()
            self._run(self.services.clock(), self.leader.term)
        except DB_ERRORS as e:
            self.outage.failed(e)
            return
        except Exception:  # noqa: BLE001 - the next wake-up tries again; the scheduler must not stop
            log.exception("follow-ups: this run failed; the next wake-up tries again")
            return
        finally:
            self._running.release()
        self.outage.recovered()

    # --- the schedule -------------------------------------------------------------------------------

    def offset(self, step: int) -> timedelta:
        """Time from publishing to check number ``step`` (0-based): the configured minutes, then every repeat."""
        return offset(self.config, step)

    def schedule_after_publish(self, episode_id: str) -> Pending | None:
        """Start (or restart) the checks of an episode that was just published."""
        now = self.services.clock()
        self.rows.put(episode_id, phase=FOLLOW, started_at=now, due_at=now + self.offset(0))
        self._plan_wake()
        return self.get(episode_id)

    def watch(self, episode_id: str) -> Pending | None:
        """The episode shipped: re-check it every ``recheck_hours`` (none at 0)."""
        hours = self.config.recheck_hours
        if not hours:
            self.stop(episode_id)
            return None
        now = self.services.clock()
        self.rows.put(episode_id, phase=WATCH, started_at=now, due_at=now + timedelta(hours=hours))
        self._plan_wake()
        return self.get(episode_id)

    def get(self, episode_id: str) -> Pending | None:
        return self.rows.get(episode_id)

    def pending(self) -> list[Pending]:
        return self.rows.pending()

    def stop(self, episode_id: str) -> None:
        self.rows.stop(episode_id)

    def check_at(self, episode_id: str, at: datetime) -> Pending | None:
        """Move the episode's next check to ``at`` (a person's request wins over a claim in progress)."""
        self.rows.check_at(episode_id, at)
        self._plan_wake()
        return self.get(episode_id)

    def due_soon(self, episode_id: str, minutes: float) -> Pending | None:
        """Move the next check to ``minutes`` from now (a quick look after "I fixed it")."""
        return self.check_at(episode_id, self.services.clock() + timedelta(minutes=minutes))

    def snooze(self, episode_id: str, until: datetime) -> Pending | None:
        """No reminder before ``until``; the checks go on (an episode that goes live meanwhile ships)."""
        self.rows.snooze(episode_id, until)
        return self.get(episode_id)

    def reset_pings(self, episode_id: str) -> None:
        self.rows.reset_pings(episode_id)

    def repair(self) -> list[str]:
        """Rows for episodes that lack one: published (a crash right after publishing) or shipped (re-checks)."""
        states = [s.value for s in CHECKABLE] + ([State.SHIPPED.value] if self.config.recheck_hours else [])
        repaired = []
        for episode_id, state in self.rows.missing(states):
            try:
                if state == State.SHIPPED.value:
                    self.checks.announce_if_just_shipped(episode_id)
                    self.watch(episode_id)
                else:
                    self.schedule_after_publish(episode_id)
            except IntegrityError:
                continue  # another instance repaired it first
            repaired.append(episode_id)
        if repaired:
            log.info("follow-ups: started for %s", ", ".join(repaired))
        return repaired

    # --- what is due --------------------------------------------------------------------------------

    def run_due(self, now: datetime | None = None) -> list[Outcome]:
        """Do every check due at ``now``; database errors are logged once per outage and leave it due.

        A leader runs under its term (after confirming it still holds the lease); an
        instance that does not lead runs under the current leader's term, as a helper.
        """
        now = now or self.services.clock()
        with self._running:
            return self._run_due(now)

    def _run_due(self, now: datetime) -> list[Outcome]:
        try:
            if self.leader.is_leader:
                if not self.leader.holds():
                    return []
                term = self.leader.term
            else:
                term = self.leader.current_term()
            outcomes = self._run(now, term)
        except DB_ERRORS as e:
            self.outage.failed(e)
            return []
        self.outage.recovered()
        return outcomes

    def _run(self, now: datetime, term: int | None) -> list[Outcome]:
        assert term is not None  # a leader has a term; a helper runs under the current one
        due = self.rows.due(now)
        outcomes = self.checks.run(due, now, term)
        if due:
            self._plan_wake()
        return outcomes
