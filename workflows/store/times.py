"""How the store tells and writes time: an injected clock, and ISO 8601 in UTC to the microsecond."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso_utc(dt: datetime) -> str:
    """How the store writes times: ISO 8601 in UTC, to the microsecond (so the strings sort as times)."""
    return dt.astimezone(timezone.utc).isoformat(timespec="microseconds")


def epoch(moment: datetime) -> float:
    """Seconds since the epoch: how the lease columns hold a time."""
    return moment.timestamp()
