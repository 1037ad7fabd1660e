"""Follow-ups: after publishing, check the live site on a schedule and remind the owner until it matches.

The schedule lives in papercast's own table (``ship_followups``): when the next check
is due, which step of ``FollowUp.check_minutes`` it is, how many pings were sent.
:meth:`FollowUps.run_due` does everything that is due at a given time, with the
injected clock, so tests drive it directly. APScheduler (jobs in the same database,
so they survive restarts) only provides the wake-ups: a routine tick and one job at
each episode's next due time. Only the scheduler leader runs it (see ``leader.py``),
and ``store.claim(f"followup:{episode_id}:{due}")`` makes sure no follow-up is sent twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from sqlalchemy import delete, insert, select, update

from workflows.ship.confirm import CHECKABLE, check_and_ship
from workflows.ship.leader import SchedulerLeader
from workflows.ship.schema import ship_followups
from workflows.store.episodes import iso_utc
from workflows.ship.verify import ShipChecker

log = logging.getLogger(__name__)

#: A due time claimed by an instance that then died is skipped (not retried) after this long.
STALE_CLAIM = timedelta(minutes=15)
JOB_TABLE = "papercast_scheduler_jobs"
TICK_JOB = "papercast-followups-tick"

_REGISTRY: dict[str, "FollowUps"] = {}


class _Scheduler(BackgroundScheduler):
    """APScheduler's background scheduler, minus one last round of due jobs while it shuts down."""

    def _process_jobs(self):
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


def _wake(key: str) -> None:
    """What APScheduler calls (by reference, so jobs stored in the database stay loadable)."""
    followups = _REGISTRY.get(key)
    if followups is not None and followups.scheduler is not None:
        followups.run_due()


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


@dataclass
class Pending:
    """An episode's follow-up as stored."""

    episode_id: str
    started_at: datetime
    step: int
    due_at: datetime
    pings: int
    last_kind: str | None


@dataclass
class Outcome:
    """What one due follow-up did: shipped, pinged, escalated, checked (within grace), stopped or skipped."""

    episode_id: str
    due_at: datetime
    action: str
    diagnosis: str = ""


class FollowUps:
    def __init__(self, services) -> None:
        self.services = services
        self.store = services.store
        self.engine = services.store.engine
        self.config = services.show.followup
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        url = self.engine.url.render_as_string(hide_password=True)
        self.key = hashlib.sha1(url.encode()).hexdigest()[:16]  # noqa: S324 - a name, not security
        self.scheduler = None
        self._paused = False
        #: A due time claimed by an instance that died before planning the next check is skipped after this.
        self.stale_claim = STALE_CLAIM
        self.leader = SchedulerLeader(self.engine, retry_seconds=self.config.leader_retry_seconds,
                                      on_elected=self._start_scheduler, on_lost=self._stop_scheduler)

    # --- life cycle ---------------------------------------------------------------------------------

    def start(self, *, paused: bool = False) -> "FollowUps":
        """Attach to the services and contend for the scheduler (``paused``: load jobs but run none, for tests)."""
        self._paused = paused
        self.services.followups = self
        _REGISTRY[self.key] = self
        self.repair()
        self.leader.start()
        return self

    def repair(self) -> list[str]:
        """Start follow-ups for published episodes that have none (a crash right after publishing); their ids."""
        have = {p.episode_id for p in self.pending()}
        missing = [e.id for e in self.store.in_states(*CHECKABLE) if e.id not in have]
        for episode_id in missing:
            self.schedule_after_publish(episode_id)
        return missing

    def shutdown(self) -> None:
        if _REGISTRY.get(self.key) is self:
            del _REGISTRY[self.key]
        self.leader.stop()

    def _start_scheduler(self) -> None:
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.triggers.interval import IntervalTrigger

        scheduler = _Scheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.engine, tablename=JOB_TABLE)},
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
            timezone=timezone.utc,
        )
        scheduler.start(paused=self._paused)
        scheduler.add_job(_wake, IntervalTrigger(seconds=self.config.tick_seconds), id=TICK_JOB, args=[self.key],
                          replace_existing=True)
        self.scheduler = scheduler
        for p in self.pending():
            self._wake_at(p)

    def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None

    @staticmethod
    def job_id(p: Pending) -> str:
        return f"followup:{p.episode_id}:{iso_utc(p.due_at)}"

    def _wake_at(self, p: Pending) -> None:
        """One wake-up job at the episode's next due time.

        Each due time has its own one-shot job, never removed by papercast (APScheduler
        removes it after it ran; removing it from inside a run races with that). A
        wake-up for a due time that moved (snooze, shipped) finds nothing due: harmless.
        """
        if self.scheduler is None:
            return  # not the leader: the leader's routine tick finds the row
        from apscheduler.triggers.date import DateTrigger

        self.scheduler.add_job(_wake, DateTrigger(run_date=p.due_at), id=self.job_id(p), args=[self.key],
                               replace_existing=True)

    # --- the schedule -------------------------------------------------------------------------------

    def offset(self, step: int) -> timedelta:
        """Time from publishing to check number ``step`` (0-based): the configured minutes, then every repeat."""
        minutes = self.config.check_minutes or [1.0]
        if step < len(minutes):
            return timedelta(minutes=minutes[step])
        repeat = self.config.repeat_minutes or minutes[-1]
        return timedelta(minutes=minutes[-1] + repeat * (step - len(minutes) + 1))

    def schedule_after_publish(self, episode_id: str) -> Pending:
        """Start (or restart) the checks of an episode that was just published."""
        now = self.services.clock()
        row = {"started_at": iso_utc(now), "step": 0, "due_at": iso_utc(now + self.offset(0)), "pings": 0,
               "last_kind": None, "last_diagnosis": None}
        with self.engine.begin() as conn:
            conn.execute(delete(ship_followups).where(ship_followups.c.episode_id == episode_id))
            conn.execute(insert(ship_followups).values(episode_id=episode_id, **row))
        p = self.get(episode_id)
        self._wake_at(p)
        return p

    def get(self, episode_id: str) -> Pending | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(ship_followups).where(ship_followups.c.episode_id == episode_id)).mappings().first()
        return _pending(r) if r else None

    def pending(self) -> list[Pending]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(ship_followups).order_by(ship_followups.c.due_at)).mappings().all()
        return [_pending(r) for r in rows]

    def stop(self, episode_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(ship_followups).where(ship_followups.c.episode_id == episode_id))

    def due_soon(self, episode_id: str, minutes: float) -> Pending | None:
        """Move the next check to ``minutes`` from now (snooze, or a quick look after "I fixed it")."""
        due = self.services.clock() + timedelta(minutes=minutes)
        with self.engine.begin() as conn:
            conn.execute(update(ship_followups).where(ship_followups.c.episode_id == episode_id).values(due_at=iso_utc(due)))
        p = self.get(episode_id)
        if p is not None:
            self._wake_at(p)
        return p

    def reset_pings(self, episode_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(ship_followups).where(ship_followups.c.episode_id == episode_id).values(pings=0))

    # --- what is due -----------------------------------------------------------------------------------

    def run_due(self, now: datetime | None = None) -> list[Outcome]:
        """Do every follow-up due at ``now``: check the site, ship, or ping the owner; then plan the next check."""
        now = now or self.services.clock()
        with self.engine.connect() as conn:
            rows = conn.execute(select(ship_followups).where(ship_followups.c.due_at <= iso_utc(now))
                                .order_by(ship_followups.c.due_at)).mappings().all()
        due = [_pending(r) for r in rows]
        if not due:
            return []
        outcomes = []
        with ShipChecker(self.services) as checker:
            for p in due:
                try:
                    outcomes.append(self._one(p, now, checker))
                except Exception:  # noqa: BLE001 - one broken episode must not stop the others' follow-ups
                    log.exception("follow-up of %s at %s failed", p.episode_id, p.due_at)
        return outcomes

    def _one(self, p: Pending, now: datetime, checker: ShipChecker) -> Outcome:
        if not self.store.claim(f"followup:{p.episode_id}:{iso_utc(p.due_at)}", self.holder):
            if now - p.due_at > self.stale_claim:  # its claimant died before planning the next one
                self._advance(p, now, pinged=False, kind=p.last_kind, diagnosis="")
            return Outcome(p.episode_id, p.due_at, "skipped")
        episode = self.store.get(p.episode_id)
        if episode.state not in CHECKABLE:
            self.stop(p.episode_id)
            return Outcome(p.episode_id, p.due_at, "stopped")
        check = check_and_ship(self.services, p.episode_id, checker=checker)
        if check.shipped:
            self.stop(p.episode_id)
            return Outcome(p.episode_id, p.due_at, "shipped")
        kind = check.problem.kind if check.problem else None
        past_grace = now - p.started_at >= timedelta(minutes=self.config.grace_minutes)
        action = "checked"
        if past_grace:
            escalate = p.pings >= self.config.pings_before_escalation
            self.services.people.ping_owner(p.episode_id, check.diagnosis, escalate=escalate)
            action = "escalated" if escalate else "pinged"
        self._advance(p, now, pinged=past_grace, kind=kind, diagnosis=check.diagnosis)
        return Outcome(p.episode_id, p.due_at, action, check.diagnosis)

    def _advance(self, p: Pending, now: datetime, *, pinged: bool, kind: str | None, diagnosis: str) -> None:
        step = p.step + 1
        while p.started_at + self.offset(step) <= now:  # after downtime: no burst of missed checks
            step += 1
        due = p.started_at + self.offset(step)
        with self.engine.begin() as conn:
            conn.execute(update(ship_followups)
                         .where(ship_followups.c.episode_id == p.episode_id, ship_followups.c.due_at == iso_utc(p.due_at))
                         .values(step=step, due_at=iso_utc(due), pings=p.pings + (1 if pinged else 0),
                                 last_kind=kind, last_diagnosis=diagnosis))
        after = self.get(p.episode_id)
        if after is not None:
            self._wake_at(after)


def _pending(r) -> Pending:
    return Pending(episode_id=r["episode_id"], started_at=_parse(r["started_at"]), step=r["step"],
                   due_at=_parse(r["due_at"]), pings=r["pings"], last_kind=r["last_kind"])
