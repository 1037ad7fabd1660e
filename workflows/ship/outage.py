"""A database outage as the scheduler sees it: which errors mean one, logged once, retried with backoff."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)

#: What a database outage looks like (disk full, connection lost, pool exhausted; OperationalError is a DBAPIError).
DB_ERRORS: tuple[type[BaseException], ...] = (DBAPIError, PoolTimeout, OSError)


class Outage:
    """Database errors in the scheduler: logged once per outage, retried after 1, 2, 4 … ``most`` seconds."""

    def __init__(self, *, first: float = 1.0, most: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.first, self.most, self.clock = first, most, clock
        self.failures = 0
        self.retry_at = float("-inf")

    def ready(self) -> bool:
        return self.clock() >= self.retry_at

    def failed(self, error: BaseException) -> float:
        """Note a failure; the seconds until the next try."""
        delay = min(self.most, self.first * 2 ** min(self.failures, 30))
        if self.failures == 0:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()
            log.warning("follow-ups: the database is unavailable (%s: %s); retrying with backoff up to %g s",
                        type(error).__name__, reason[0][:200] if reason else "", self.most)
        self.failures += 1
        self.retry_at = self.clock() + delay
        return delay

    def recovered(self) -> None:
        if self.failures:
            log.info("follow-ups: the database answers again after %d failed runs; resuming", self.failures)
        self.failures, self.retry_at = 0, float("-inf")
