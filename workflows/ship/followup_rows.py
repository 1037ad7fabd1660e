"""The ``ship_followups`` rows: one per watched episode, and the leased, fenced claim on its due check.

A row is the source of truth for an episode's follow-ups: its phase (``follow`` until
it ships, then ``watch``), when the checks started, the next due time, the pings sent
and any snooze. A due check is claimed on its row for ``claim_lease_seconds`` under
the scheduler leader's term: a claim by a dead process is retaken once it expires or
a newer leader exists, and every write after the check is fenced on (holder, term),
so an old leader's late write is refused.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, insert, or_, select, update

from workflows.ship.leader import SchedulerLeader
from workflows.ship.schema import ship_followups as rows
from workflows.ship.schema import ship_leader
from workflows.store.schema import episodes
from workflows.store.times import iso_utc

log = logging.getLogger(__name__)

FOLLOW, WATCH = "follow", "watch"


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


def follow_values(now: datetime, first: timedelta, *, pings: int) -> dict[str, Any]:
    """Row values for phase follow, starting again at ``now`` (a reopened episode, already pinged once)."""
    return {"phase": FOLLOW, "started_at": iso_utc(now), "step": 0, "pings": pings, "snoozed_until": None,
            "due_at": iso_utc(now + first), "last_kind": None, "last_diagnosis": None}


class FollowUpRows:
    """Reads and writes the rows; claims are made by ``holder`` under the terms of ``leader``."""

    def __init__(self, engine: Engine, *, holder: str, leader: SchedulerLeader, claim_lease_seconds: float) -> None:
        self.engine = engine
        self.holder = holder
        self.leader = leader
        self.claim_lease = timedelta(seconds=claim_lease_seconds)

    # --- the schedule ------------------------------------------------------------------------------

    def put(self, episode_id: str, *, phase: str, started_at: datetime, due_at: datetime, pings: int = 0) -> None:
        """Start the episode's row afresh (replacing any)."""
        row = {"episode_id": episode_id, "phase": phase, "started_at": iso_utc(started_at), "step": 0,
               "due_at": iso_utc(due_at), "pings": pings, "last_kind": None, "last_diagnosis": None,
               "snoozed_until": None, "claimed_by": None, "claim_until": None, "claim_term": None}
        with self.engine.begin() as conn:
            conn.execute(delete(rows).where(rows.c.episode_id == episode_id))
            conn.execute(insert(rows).values(**row))

    def get(self, episode_id: str) -> Pending | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(rows).where(rows.c.episode_id == episode_id)).mappings().first()
        return _pending(r) if r else None

    def pending(self) -> list[Pending]:
        with self.engine.connect() as conn:
            found = conn.execute(select(rows).order_by(rows.c.due_at)).mappings().all()
        return [_pending(r) for r in found]

    def due(self, now: datetime) -> list[Pending]:
        """The rows due at ``now``, earliest first."""
        with self.engine.connect() as conn:
            found = conn.execute(select(rows).where(rows.c.due_at <= iso_utc(now))
                                 .order_by(rows.c.due_at)).mappings().all()
        return [_pending(r) for r in found]

    def earliest_due(self) -> datetime | None:
        with self.engine.connect() as conn:
            return _parse(conn.execute(select(func.min(rows.c.due_at))).scalar())

    def missing(self, states: list[str]) -> list[tuple[str, str]]:
        """(episode id, state) of the episodes in ``states`` that have no row."""
        with self.engine.connect() as conn:
            found = conn.execute(select(episodes.c.id, episodes.c.state).where(
                episodes.c.state.in_(states), episodes.c.id.not_in(select(rows.c.episode_id)))).all()
        return [(r[0], r[1]) for r in found]

    def stop(self, episode_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(rows).where(rows.c.episode_id == episode_id))

    def check_at(self, episode_id: str, at: datetime) -> None:
        """Move the next check to ``at`` (a person's request wins over a claim in progress)."""
        with self.engine.begin() as conn:
            conn.execute(update(rows).where(rows.c.episode_id == episode_id)
                         .values(due_at=iso_utc(at), claimed_by=None, claim_until=None, claim_term=None))

    def snooze(self, episode_id: str, until: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(rows).where(rows.c.episode_id == episode_id).values(snoozed_until=iso_utc(until)))

    def reset_pings(self, episode_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(rows).where(rows.c.episode_id == episode_id).values(pings=0))

    # --- claims and fencing ----------------------------------------------------------------------------

    def _current(self, term: int):
        """SQL: ``term`` is not older than the leader's term (a newer leader voids this instance's claims)."""
        newest = select(func.coalesce(func.max(ship_leader.c.term), 0)).where(ship_leader.c.name == self.leader.name)
        return newest.scalar_subquery() <= term

    def _mine(self, p: Pending, term: int) -> tuple:
        return (rows.c.due_at == iso_utc(p.due_at), rows.c.claimed_by == self.holder, rows.c.claim_term == term,
                self._current(term))

    def claim(self, p: Pending, now: datetime, term: int) -> bool:
        """Claim the due check for ``claim_lease_seconds``: free, expired, ours, or held under an older term."""
        until = now + self.claim_lease
        with self.engine.begin() as conn:
            took = conn.execute(update(rows).where(
                rows.c.episode_id == p.episode_id, rows.c.due_at == iso_utc(p.due_at), self._current(term),
                or_(rows.c.claimed_by.is_(None), rows.c.claimed_by == self.holder,
                    rows.c.claim_until < iso_utc(now), rows.c.claim_term < term),
            ).values(claimed_by=self.holder, claim_until=iso_utc(until), claim_term=term))
        return took.rowcount == 1

    def still_mine(self, p: Pending, term: int) -> bool:
        """Before acting on a check: the claim is still ours under a current term (and we still lead, if we did)."""
        if self.leader.is_leader and not self.leader.holds():
            return False
        with self.engine.connect() as conn:
            found = conn.execute(select(rows.c.episode_id).where(rows.c.episode_id == p.episode_id,
                                                                 *self._mine(p, term))).first()
        return found is not None

    def fenced(self, p: Pending, term: int, values: dict[str, Any]) -> bool:
        """Write the outcome and release the claim, only if the claim is still ours (else log and drop it)."""
        values = {**values, "claimed_by": None, "claim_until": None, "claim_term": None}
        with self.engine.begin() as conn:
            done = conn.execute(update(rows).where(rows.c.episode_id == p.episode_id, *self._mine(p, term))
                                .values(**values)).rowcount == 1
        if not done:
            log.info("follow-up of %s at %s: the claim was taken over; this outcome is not written",
                     p.episode_id, iso_utc(p.due_at))
        return done

    def drop(self, p: Pending, term: int) -> None:
        """Delete the row, only if the claim is still ours."""
        with self.engine.begin() as conn:
            conn.execute(delete(rows).where(rows.c.episode_id == p.episode_id, *self._mine(p, term)))


def _pending(r) -> Pending:
    started_at, due_at = _parse(r["started_at"]), _parse(r["due_at"])
    assert started_at is not None and due_at is not None  # both columns are NOT NULL
    return Pending(episode_id=r["episode_id"], started_at=started_at, step=r["step"], due_at=due_at, pings=r["pings"],
                   last_kind=r["last_kind"], phase=r["phase"] or FOLLOW, snoozed_until=_parse(r["snoozed_until"]),
                   claimed_by=r["claimed_by"], claim_term=r["claim_term"])
