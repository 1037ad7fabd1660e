"""One scheduler among several instances: whoever holds the leader lease row runs it.

The lease is a row in ``ship_leader`` (holder, until, term), on SQLite and on
PostgreSQL alike. The leader renews it every heartbeat; a standby that finds it
expired takes it over with a compare-and-set that raises the *term*. A leader that
was frozen (SIGSTOP, a long GC pause) and resumes finds out before its next run,
because :meth:`SchedulerLeader.holds` reads the row back (holder and term), and steps
down. The term is also written on every follow-up claim, so a late write by an old
leader is refused (see ``followups.py``).

A lease held by a process on this host that no longer exists (a restart after a
crash) is taken over at once instead of after it expires.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from workflows.ship.schema import ship_leader
from workflows.store.times import iso_utc

log = logging.getLogger(__name__)


def _gone(holder: str) -> bool:
    """True when ``holder`` ("host:pid:…") names a process on this host that no longer runs."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists, under another user
        return False
    return False


class SchedulerLeader:
    """Holds (or waits for) the lease called ``name``; calls ``on_elected`` / ``on_lost`` as that changes."""

    def __init__(self, engine: Engine, *, holder: str, clock: Callable[[], datetime], lease_seconds: float,
                 heartbeat_seconds: float, on_elected: Callable[[], None], on_lost: Callable[[], None],
                 db_errors: tuple[type[BaseException], ...], name: str = "followups") -> None:
        self.engine = engine
        self.holder = holder
        self.clock = clock
        self.lease = timedelta(seconds=lease_seconds)
        self.heartbeat_seconds = heartbeat_seconds
        self.on_elected = on_elected
        self.on_lost = on_lost
        self.db_errors = db_errors
        self.name = name
        #: The term this instance leads in (None when it does not lead).
        self.term: int | None = None
        self._until: datetime | None = None
        self._beat_failing = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def is_leader(self) -> bool:
        return self.term is not None

    # --- life cycle ---------------------------------------------------------------------------

    def start(self, *, heartbeat: bool = True) -> None:
        """Try once now, then (``heartbeat``) renew or contend every ``heartbeat_seconds`` on a thread."""
        self.beat()
        if heartbeat:
            self._thread = threading.Thread(target=self._run, name="papercast-scheduler-leader", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the heartbeat and hand the lease back (so a standby takes over at once)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        term = self.term
        self._step_down("this instance is stopping")
        if term is not None:
            try:
                with self.engine.begin() as conn:
                    conn.execute(update(ship_leader)
                                 .where(ship_leader.c.name == self.name, ship_leader.c.holder == self.holder,
                                        ship_leader.c.term == term)
                                 .values(until=iso_utc(self.clock() - timedelta(seconds=1))))
            except self.db_errors:
                pass  # it expires by itself

    def _run(self) -> None:
        while not self._stop.wait(self.heartbeat_seconds):
            self.beat()

    # --- the lease ------------------------------------------------------------------------------

    def beat(self) -> bool:
        """One heartbeat: renew the lease if this instance leads, else take it if free or expired; True when leading."""
        with self._lock:
            try:
                leading = self._renew() if self.is_leader else self._take()
            except self.db_errors as e:
                if not self._beat_failing:
                    log.warning("scheduler leader: the database is unavailable (%s); retrying every %g s",
                                type(e).__name__, self.heartbeat_seconds)
                self._beat_failing = True
                if self.is_leader and self._until is not None and self.clock() >= self._until:
                    self._step_down("its lease ran out while the database was unavailable")
                return self.is_leader
            if self._beat_failing:
                log.info("scheduler leader: the database is back")
                self._beat_failing = False
            return leading

    def holds(self) -> bool:
        """Renew the lease if this instance still holds it (same holder and term); else step down. True if it does.

        A compare-and-set on (holder, term): a takeover raises the term, so a leader that
        was frozen past its lease and resumes finds out here, before it acts. Database
        errors propagate: nobody can act without the database anyway.
        """
        with self._lock:
            if self.term is None:
                return False
            return self._renew()

    def current_term(self) -> int:
        """The term of whoever leads now (0 before anyone led)."""
        with self.engine.connect() as conn:
            term = conn.execute(select(ship_leader.c.term).where(ship_leader.c.name == self.name)).scalar()
        return term or 0

    def _renew(self) -> bool:
        now = self.clock()
        until = now + self.lease
        with self.engine.begin() as conn:
            renewed = conn.execute(update(ship_leader)
                                   .where(ship_leader.c.name == self.name, ship_leader.c.holder == self.holder,
                                          ship_leader.c.term == self.term)
                                   .values(until=iso_utc(until))).rowcount == 1
        if renewed:
            self._until = until
            return True
        self._step_down("another instance took the lease over")
        return False

    def _take(self) -> bool:
        now = self.clock()
        until = now + self.lease
        with self.engine.begin() as conn:
            row = conn.execute(select(ship_leader).where(ship_leader.c.name == self.name)).mappings().first()
            if row is None:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(ship_leader).values(name=self.name, holder=self.holder,
                                                                until=iso_utc(until), term=1))
                except IntegrityError:
                    return False  # another instance was first
                term = 1
            else:
                if row["until"] > iso_utc(now) and not _gone(row["holder"]):
                    return False
                took = conn.execute(update(ship_leader)
                                    .where(ship_leader.c.name == self.name, ship_leader.c.term == row["term"])
                                    .values(holder=self.holder, until=iso_utc(until), term=row["term"] + 1))
                if took.rowcount != 1:
                    return False
                term = row["term"] + 1
        self.term, self._until = term, until
        log.info("this instance runs the follow-up scheduler (term %d)", term)
        try:
            self.on_elected()
        except Exception:  # noqa: BLE001 - the next heartbeat still renews; the scheduler is the caller's
            log.exception("scheduler leader: starting the scheduler failed")
        return True

    def _step_down(self, why: str) -> None:
        if self.term is None:
            return
        log.warning("scheduler leader: stepping down (term %d): %s", self.term, why)
        self.term, self._until = None, None
        try:
            self.on_lost()
        except Exception:  # noqa: BLE001
            log.exception("scheduler leader: stopping the scheduler failed")
