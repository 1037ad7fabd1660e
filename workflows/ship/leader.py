"""One scheduler among several instances: whoever holds a PostgreSQL advisory lock runs it.

The lock is session-level and held on a dedicated connection (not from the pool), so
it frees the moment its holder dies: the connection closes and the server drops it.
The others try again every ``retry_seconds`` and take over. On SQLite (one instance)
the process is simply the leader.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

#: The advisory lock key of the follow-up scheduler (the migrator uses 7248331001).
SCHEDULER_LOCK = 7248331002


class SchedulerLeader:
    def __init__(self, engine: Engine, *, retry_seconds: float, on_elected: Callable[[], None],
                 on_lost: Callable[[], None], lock_key: int = SCHEDULER_LOCK) -> None:
        self.engine = engine
        self.retry_seconds = retry_seconds
        self.on_elected = on_elected
        self.on_lost = on_lost
        self.lock_key = lock_key
        self.is_leader = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn = None
        self._own_engine: Engine | None = None

    def start(self) -> None:
        if self.engine.dialect.name != "postgresql":
            self._elected()
            return
        self._own_engine = create_engine(self.engine.url, poolclass=NullPool)
        self._thread = threading.Thread(target=self._run, name="papercast-scheduler-leader", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._resign()
        if self._own_engine is not None:
            self._own_engine.dispose()

    def try_once(self) -> bool:
        """One attempt at the lock (PostgreSQL); True when this instance leads now."""
        if self.is_leader:
            return self._still_held()
        try:
            conn = self._own_engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except Exception:  # noqa: BLE001 - the database is away; try again later
            log.warning("scheduler leader: cannot reach the database", exc_info=True)
            return False
        try:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.lock_key}).scalar_one()
        except Exception:  # noqa: BLE001
            conn.close()
            return False
        if not got:
            conn.close()
            return False
        self._conn = conn
        self._elected()
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            self.try_once()
            self._stop.wait(self.retry_seconds)

    def _still_held(self) -> bool:
        try:
            self._conn.execute(text("SELECT 1")).scalar_one()
            return True
        except Exception:  # noqa: BLE001 - the connection died, and the lock with it
            log.warning("scheduler leader: lost the database connection; stepping down")
            self._resign()
            return False

    def _elected(self) -> None:
        self.is_leader = True
        log.info("this instance runs the follow-up scheduler")
        self.on_elected()

    def _resign(self) -> None:
        if self.is_leader:
            self.is_leader = False
            try:
                self.on_lost()
            except Exception:  # noqa: BLE001
                log.exception("scheduler leader: stopping the scheduler failed")
        if self._conn is not None:
            try:
                self._conn.close()  # closing the session frees the advisory lock
            except Exception:  # noqa: BLE001
                pass
            self._conn = None
