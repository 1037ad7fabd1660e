"""The one way tests wait for something another process or thread does: poll a predicate until a deadline.

Time inside papercast is injected (tests move a clock). What is left is waiting
on real concurrency — a subprocess that must reach a crash point, a watcher
thread that deploys a push — and that goes through :func:`wait_until`, so every
wait has a deadline and a failure says what never happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(predicate: Callable[[], T], *, timeout: float, what: str | Callable[[], str],
               interval: float = 0.05) -> T:
    """``predicate()``'s first truthy value, polled every ``interval`` s; AssertionError after ``timeout`` s.

    ``what`` names the awaited thing ("the second instance to ping the owner"); a
    callable is asked only on failure, so it can add a log tail then.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            described = what() if callable(what) else what
            raise AssertionError(f"gave up after {timeout:g} s waiting for {described}")
        time.sleep(interval)


def waited(predicate: Callable[[], object], *, timeout: float, what: str | Callable[[], str],
           interval: float = 0.05) -> float:
    """Like :func:`wait_until`, returning the seconds it took (for tests that measure how fast something happens)."""
    started = time.monotonic()
    wait_until(predicate, timeout=timeout, what=what, interval=interval)
    return time.monotonic() - started
