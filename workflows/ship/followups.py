"""Follow-ups: check the live site on a schedule, remind the owner until it matches, then keep watching.

The ``ship_followups`` table is the source of truth: one row per episode, with its
next due time, its place in ``FollowUp.check_minutes``, the pings sent and any snooze.
A row is in phase ``follow`` until the episode ships (checks, reminders), then in
phase ``watch`` (a re-check every ``recheck_hours``; one that misses twice reopens
the episode). :meth:`FollowUps.run_due` does everything due at a given time, with
the injected clock, so tests drive it directly.

APScheduler (in memory) only provides wake-ups: a routine tick and one job at the
next due time, both calling :meth:`FollowUps.wake`, which repairs episodes that
have no row (a crash right after publishing) and runs what is due. Only the
scheduler leader wakes (``leader.py``). A due check is claimed on its row for
``claim_lease_seconds`` under the leader's term: a claim by a dead process is
retaken once it expires or a newer leader exists, and every write after the check
is fenced on (holder, term), so an old leader's late write is refused. Pings carry
a key per due time, so a retaken check never reminds twice.

Database errors (disk full, connection lost) never stop it: each run catches them,
logs once per outage and backs off (1, 2, 4 … 60 s) until the database answers again.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from workflows import failpoints
from workflows.ship.confirm import CHECKABLE, announce_shipped, as_checked, conclude, inconclusive, reopen, tell_reopened
from workflows.ship.leader import SchedulerLeader
from workflows.ship.outage import DB_ERRORS, Outage
from workflows.ship.schema import ship_followups as rows
from workflows.ship.schema import ship_leader
from workflows.ship.verify import ShipChecker
from workflows.states import State
from workflows.store.episodes import iso_utc
from workflows.store.schema import episodes

log = logging.getLogger(__name__)

FOLLOW, WATCH = "follow", "watch"
TICK_JOB = "papercast-followups-tick"
NEXT_JOB = "papercast-followups-next"


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass
class Pending:
    """An episode's follow-up as stored."""

    episode_id: str
    started_at: datetime
    step: int
    due_at: datetime
    pings: int
    last_kind: str | None
    phase: str = FOLLOW
    snoozed_until: datetime | None = None
    claimed_by: str | None = None
    claim_term: int | None = None


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


class FollowUps:
    def __init__(self, services, *, outage: Outage | None = None) -> None:
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
            with self.engine.connect() as conn:
                due = conn.execute(select(func.min(rows.c.due_at))).scalar()
        except DB_ERRORS:
            return  # the routine tick comes anyway
        with self._scheduler_lock:
            if self.scheduler is None or due is None:
                return
            self.scheduler.add_job(self.wake, DateTrigger(run_date=_parse(due)), id=NEXT_JOB, replace_existing=True)

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
        minutes = self.config.check_minutes or [1.0]
        if step < len(minutes):
            return timedelta(minutes=minutes[step])
        repeat = self.config.repeat_minutes or minutes[-1]
        return timedelta(minutes=minutes[-1] + repeat * (step - len(minutes) + 1))

    def schedule_after_publish(self, episode_id: str) -> Pending:
        """Start (or restart) the checks of an episode that was just published."""
        now = self.services.clock()
        self._put(episode_id, phase=FOLLOW, started_at=now, due_at=now + self.offset(0))
        return self.get(episode_id)

    def watch(self, episode_id: str) -> Pending | None:
        """The episode shipped: re-check it every ``recheck_hours`` (none at 0)."""
        hours = self.config.recheck_hours
        if not hours:
            self.stop(episode_id)
            return None
        now = self.services.clock()
        self._put(episode_id, phase=WATCH, started_at=now, due_at=now + timedelta(hours=hours))
        return self.get(episode_id)

    def _put(self, episode_id: str, *, phase: str, started_at: datetime, due_at: datetime, pings: int = 0) -> None:
        row = {"episode_id": episode_id, "phase": phase, "started_at": iso_utc(started_at), "step": 0,
               "due_at": iso_utc(due_at), "pings": pings, "last_kind": None, "last_diagnosis": None,
               "snoozed_until": None, "claimed_by": None, "claim_until": None, "claim_term": None}
        with self.engine.begin() as conn:
            conn.execute(delete(rows).where(rows.c.episode_id == episode_id))
            conn.execute(insert(rows).values(**row))
        self._plan_wake()

    def get(self, episode_id: str) -> Pending | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(rows).where(rows.c.episode_id == episode_id)).mappings().first()
        return _pending(r) if r else None

    def pending(self) -> list[Pending]:
        with self.engine.connect() as conn:
            found = conn.execute(select(rows).order_by(rows.c.due_at)).mappings().all()
        return [_pending(r) for r in found]

    def stop(self, episode_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(rows).where(rows.c.episode_id == episode_id))

    def check_at(self, episode_id: str, at: datetime) -> Pending | None:
        """Move the episode's next check to ``at`` (a person's request wins over a claim in progress)."""
        with self.engine.begin() as conn:
            conn.execute(update(rows).where(rows.c.episode_id == episode_id)
                         .values(due_at=iso_utc(at), claimed_by=None, claim_until=None, claim_term=None))
        self._plan_wake()
        return self.get(episode_id)

    def due_soon(self, episode_id: str, minutes: float) -> Pending | None:
        """Move the next check to ``minutes`` from now (a quick look after "I fixed it")."""
        return self.check_at(episode_id, self.services.clock() + timedelta(minutes=minutes))

    def snooze(self, episode_id: str, until: datetime) -> Pending | None:
        """No reminder before ``until``; the checks go on (an episode that goes live meanwhile ships)."""
        with self.engine.begin() as conn:
            conn.execute(update(rows).where(rows.c.episode_id == episode_id).values(snoozed_until=iso_utc(until)))
        return self.get(episode_id)

    def reset_pings(self, episode_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(rows).where(rows.c.episode_id == episode_id).values(pings=0))

    def repair(self) -> list[str]:
        """Rows for episodes that lack one: published (a crash right after publishing) or shipped (re-checks)."""
        states = [s.value for s in CHECKABLE] + ([State.SHIPPED.value] if self.config.recheck_hours else [])
        with self.engine.connect() as conn:
            missing = conn.execute(select(episodes.c.id, episodes.c.state).where(
                episodes.c.state.in_(states), episodes.c.id.not_in(select(rows.c.episode_id)))).all()
        repaired = []
        for episode_id, state in missing:
            try:
                if state == State.SHIPPED.value:
                    self._announce_if_just_shipped(episode_id)
                    self.watch(episode_id)
                else:
                    self.schedule_after_publish(episode_id)
            except IntegrityError:
                continue  # another instance repaired it first
            repaired.append(episode_id)
        if repaired:
            log.info("follow-ups: started for %s", ", ".join(repaired))
        return repaired

    def _announce_if_just_shipped(self, episode_id: str) -> None:
        """Shipped moments ago and never watched: its process may have died before the final line (keyed: once)."""
        episode = self.store.get(episode_id)
        shipped_at = episode.facts.get("shipped_at")
        if shipped_at and self.services.clock() - datetime.fromisoformat(shipped_at) < timedelta(days=1):
            announce_shipped(self.services, episode)

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

    def _run(self, now: datetime, term: int) -> list[Outcome]:
        with self.engine.connect() as conn:
            found = conn.execute(select(rows).where(rows.c.due_at <= iso_utc(now))
                                 .order_by(rows.c.due_at)).mappings().all()
        due = [_pending(r) for r in found]
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
        if due:
            self._plan_wake()
        return outcomes

    def _follow_up(self, p: Pending, now: datetime, term: int, checker: ShipChecker) -> Outcome:
        if not self._claim(p, now, term):
            return Outcome(p.episode_id, p.due_at, "skipped")
        failpoints.reach("followup.claimed")
        episode = self.store.get(p.episode_id)
        if episode.state not in CHECKABLE:
            return self._not_followed(p, term, episode)
        check = checker.check(episode)
        failpoints.reach("check.done")
        if not self._still_mine(p, term):
            return Outcome(p.episode_id, p.due_at, "fenced")
        verdict = conclude(self.services, episode, check, checker=checker, plan=False)
        if verdict.shipped:
            self._to_watch(p, term, now)
            return Outcome(p.episode_id, p.due_at, "shipped")
        if verdict.confirming:
            self._fenced(p, term, {"due_at": iso_utc(verdict.confirm_at), "last_kind": "confirming",
                                   "last_diagnosis": verdict.message})
            return Outcome(p.episode_id, p.due_at, "confirming", verdict.message)
        action = "checked"
        pinged = False
        if now - p.started_at >= timedelta(minutes=self.config.grace_minutes):
            if p.snoozed_until is not None and now < p.snoozed_until:
                action = "snoozed"
            elif not self._still_mine(p, term):  # once more, right before the outside effect
                return Outcome(p.episode_id, p.due_at, "fenced")
            else:
                escalate = p.pings >= self.config.pings_before_escalation
                self.services.people.ping_owner(p.episode_id, check.diagnosis, escalate=escalate,
                                                key=f"followup:{p.episode_id}:{iso_utc(p.due_at)}")
                action, pinged = ("escalated" if escalate else "pinged"), True
        step = self._next_step(p, now)
        kind = check.problem.kind if check.problem else None
        written = self._fenced(p, term, {"step": step, "due_at": iso_utc(self._due(p, step, now)),
                                         "pings": p.pings + pinged, "last_kind": kind, "last_diagnosis": check.diagnosis})
        return Outcome(p.episode_id, p.due_at, action if written else "fenced", check.diagnosis)

    def _not_followed(self, p: Pending, term: int, episode) -> Outcome:
        """The episode left published/manual_publish another way: watch it if shipped, else drop the row."""
        if episode.state == State.SHIPPED:
            self._announce_if_just_shipped(p.episode_id)
            self._to_watch(p, term, self.services.clock())
        else:
            self._drop(p, term)
        return Outcome(p.episode_id, p.due_at, "stopped")

    def _to_watch(self, p: Pending, term: int, now: datetime) -> None:
        """The episode shipped: its row becomes a re-check ``recheck_hours`` from now (or goes, at 0)."""
        hours = self.config.recheck_hours
        if not hours:
            self._drop(p, term)
            return
        self._fenced(p, term, {"phase": WATCH, "started_at": iso_utc(now), "step": 0, "pings": 0,
                               "snoozed_until": None, "due_at": iso_utc(now + timedelta(hours=hours)),
                               "last_kind": None, "last_diagnosis": None})

    def _drop(self, p: Pending, term: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(rows).where(rows.c.episode_id == p.episode_id, *self._mine(p, term)))

    def _next_step(self, p: Pending, now: datetime) -> int:
        step = p.step + 1
        while p.started_at + self.offset(step) <= now:  # after downtime: no burst of missed checks
            step += 1
        return step

    def _due(self, p: Pending, step: int, now: datetime) -> datetime:
        due = p.started_at + self.offset(step)
        if p.snoozed_until is not None and now < p.snoozed_until < due:
            return p.snoozed_until  # the first reminder comes when the snooze ends
        return due

    # --- shipped episodes: re-checks --------------------------------------------------------------------

    def _recheck(self, due: list[Pending], now: datetime, term: int) -> list[Outcome]:
        """Re-check shipped episodes in one checker session; two misses a short interval apart reopen one."""
        outcomes, mine = [], []
        for p in due:
            if not self._claim(p, now, term):
                outcomes.append(Outcome(p.episode_id, p.due_at, "skipped"))
                continue
            failpoints.reach("followup.claimed")
            episode = self.store.get(p.episode_id)
            if episode.state == State.SHIPPED:
                mine.append((p, episode))
            elif episode.state in CHECKABLE:  # reopened, then the process died before its follow-ups started
                diagnosis = (episode.facts.get("last_check") or {}).get("diagnosis", "")
                tell_reopened(self.services, episode, diagnosis, key=f"reopen:{p.episode_id}:{iso_utc(p.due_at)}")
                self._fenced(p, term, _follow_values(now, self.offset(0), pings=1))
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
            if not self._still_mine(p, term):
                outcomes.append(Outcome(p.episode_id, p.due_at, "fenced"))
            elif check.shipped:
                self.store.update_facts(p.episode_id, last_check=check.summary())
                self._to_watch(p, term, now)
                outcomes.append(Outcome(p.episode_id, p.due_at, "live"))
            elif inconclusive(check) or (p.step == 0 and wait):
                # Looked at again soon: only a second miss that says something reopens the episode.
                misses = p.step if inconclusive(check) else p.step + 1
                self.store.update_facts(p.episode_id, last_check=check.summary())
                self._fenced(p, term, {"step": misses, "due_at": iso_utc(now + (wait or timedelta(minutes=1))),
                                       "last_kind": check.problem.kind, "last_diagnosis": check.diagnosis})
                outcomes.append(Outcome(p.episode_id, p.due_at, "missed", check.diagnosis))
            else:
                reopen(self.services, episode, check, key=f"reopen:{p.episode_id}:{iso_utc(p.due_at)}")
                self._fenced(p, term, _follow_values(now, self.offset(0), pings=1))
                outcomes.append(Outcome(p.episode_id, p.due_at, "reopened", check.diagnosis))
        return outcomes

    # --- claims and fencing ----------------------------------------------------------------------------

    def _current(self, term: int):
        """SQL: ``term`` is not older than the leader's term (a newer leader voids this instance's claims)."""
        newest = select(func.coalesce(func.max(ship_leader.c.term), 0)).where(ship_leader.c.name == self.leader.name)
        return newest.scalar_subquery() <= term

    def _mine(self, p: Pending, term: int) -> tuple:
        return (rows.c.due_at == iso_utc(p.due_at), rows.c.claimed_by == self.holder, rows.c.claim_term == term,
                self._current(term))

    def _claim(self, p: Pending, now: datetime, term: int) -> bool:
        """Claim the due check for ``claim_lease_seconds``: free, expired, ours, or held under an older term."""
        until = now + timedelta(seconds=self.config.claim_lease_seconds)
        with self.engine.begin() as conn:
            took = conn.execute(update(rows).where(
                rows.c.episode_id == p.episode_id, rows.c.due_at == iso_utc(p.due_at), self._current(term),
                or_(rows.c.claimed_by.is_(None), rows.c.claimed_by == self.holder,
                    rows.c.claim_until < iso_utc(now), rows.c.claim_term < term),
            ).values(claimed_by=self.holder, claim_until=iso_utc(until), claim_term=term))
        return took.rowcount == 1

    def _still_mine(self, p: Pending, term: int) -> bool:
        """Before acting on a check: the claim is still ours under a current term (and we still lead, if we did)."""
        if self.leader.is_leader and not self.leader.holds():
            return False
        with self.engine.connect() as conn:
            found = conn.execute(select(rows.c.episode_id).where(rows.c.episode_id == p.episode_id,
                                                                 *self._mine(p, term))).first()
        return found is not None

    def _fenced(self, p: Pending, term: int, values: dict) -> bool:
        """Write the outcome and release the claim, only if the claim is still ours (else log and drop it)."""
        values = {**values, "claimed_by": None, "claim_until": None, "claim_term": None}
        with self.engine.begin() as conn:
            done = conn.execute(update(rows).where(rows.c.episode_id == p.episode_id, *self._mine(p, term))
                                .values(**values)).rowcount == 1
        if not done:
            log.info("follow-up of %s at %s: the claim was taken over; this outcome is not written",
                     p.episode_id, iso_utc(p.due_at))
        return done


def _follow_values(now: datetime, first: timedelta, *, pings: int) -> dict:
    """Row values for phase follow, starting again at ``now`` (a reopened episode, already pinged once)."""
    return {"phase": FOLLOW, "started_at": iso_utc(now), "step": 0, "pings": pings, "snoozed_until": None,
            "due_at": iso_utc(now + first), "last_kind": None, "last_diagnosis": None}


def _pending(r) -> Pending:
    return Pending(episode_id=r["episode_id"], started_at=_parse(r["started_at"]), step=r["step"],
                   due_at=_parse(r["due_at"]), pings=r["pings"], last_kind=r["last_kind"], phase=r["phase"] or FOLLOW,
                   snoozed_until=_parse(r["snoozed_until"]), claimed_by=r["claimed_by"], claim_term=r["claim_term"])
