"""What makes a step safe to repeat: leases on episodes, recorded effects, and unique claims.

A lease holds an episode for one step of one instance (a compare-and-set on its row,
renewed by a heartbeat, taken over once it expires). An effect remembers the result
of an outside call under a key, so a repeated step does not call twice. A claim is a
unique key that only its first caller gets, across threads, processes and instances.
Lease times are the injected clock's datetimes (held as epoch seconds in the row).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from workflows.states import STEP_FOR_STATE
from workflows.store.records import Episode, episode_from_row
from workflows.store.schema import claims, effects, episodes
from workflows.store.times import Clock, epoch, iso_utc


class StepGuards:
    """Leases, effects and claims; :class:`~workflows.store.episodes.EpisodeStore` has them all."""

    engine: Engine
    clock: Clock

    def runnable(self, now: datetime) -> list[Episode]:
        """Unfinished episodes that an automatic step should move on and nobody holds (free or expired lease)."""
        states = [s.value for s in STEP_FOR_STATE]
        at = epoch(now)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(episodes).where(episodes.c.state.in_(states))
                .where(episodes.c.lease_holder.is_(None) | (episodes.c.lease_until < at))
                .order_by(episodes.c.updated_at)
            ).mappings().all()
        return [episode_from_row(r) for r in rows]

    def take_lease(self, episode_id: str, holder: str, seconds: float, now: datetime) -> bool:
        """Hold the episode for one step; True if we hold it (free, expired, or already ours).

        One UPDATE with the condition in its WHERE: a compare-and-set on the row, so of two
        instances taking the same lease (PostgreSQL row lock, SQLite write lock) one wins.
        """
        at = epoch(now)
        with self.engine.begin() as conn:
            result = conn.execute(
                update(episodes)
                .where(episodes.c.id == episode_id)
                .where((episodes.c.lease_holder.is_(None)) | (episodes.c.lease_until < at)
                       | (episodes.c.lease_holder == holder))
                .values(lease_holder=holder, lease_until=at + seconds)
            )
            return result.rowcount == 1

    def renew_lease(self, episode_id: str, holder: str, seconds: float, now: datetime) -> bool:
        """Extend a lease we still hold; False when it ran out and another instance took it (or it was freed)."""
        at = epoch(now)
        with self.engine.begin() as conn:
            result = conn.execute(
                update(episodes).where(episodes.c.id == episode_id, episodes.c.lease_holder == holder)
                .values(lease_until=at + seconds)
            )
            return result.rowcount == 1

    def lease_holder(self, episode_id: str, now: datetime) -> str | None:
        """Who holds the episode's lease now (None when free or expired)."""
        at = epoch(now)
        with self.engine.connect() as conn:
            row = conn.execute(select(episodes.c.lease_holder, episodes.c.lease_until)
                               .where(episodes.c.id == episode_id)).first()
        if row is None or row[0] is None or (row[1] or 0) < at:
            return None
        return row[0]

    def release_lease(self, episode_id: str, holder: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(episodes).where(episodes.c.id == episode_id, episodes.c.lease_holder == holder)
                         .values(lease_holder=None, lease_until=None))

    def effect(self, episode_id: str, key: str) -> tuple[bool, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(effects.c.result).where(effects.c.episode_id == episode_id,
                                                              effects.c.key == key)).first()
        return (True, json.loads(row[0])) if row else (False, None)

    def record_effect(self, episode_id: str, key: str, result: Any) -> None:
        """Remember an effect's result; a second record of the same key is ignored."""
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(effects).values(episode_id=episode_id, key=key, result=json.dumps(result),
                                                    at=iso_utc(self.clock())))
        except IntegrityError:
            pass

    def claim(self, key: str, holder: str = "") -> bool:
        """Insert a unique key; True for the first caller only, across threads, processes and instances."""
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(claims).values(key=key, holder=holder, at=iso_utc(self.clock())))
            return True
        except IntegrityError:
            return False

    def claim_holder(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(claims.c.holder).where(claims.c.key == key)).first()
        return row[0] if row else None
