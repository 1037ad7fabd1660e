"""Jobs for tests/workflows/test_worker.py: imported by name in the worker process."""

from __future__ import annotations

import os
import signal
import time

from workflows.errors import ConfigError


def pid() -> int:
    return os.getpid()


def slow_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def refuse(setting: str) -> None:
    raise ConfigError(f"{setting} is wrong.", f"Fix {setting} in papercast.toml.")


def explode() -> None:
    raise ValueError("a bug in the job")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def count(n: int, progress) -> int:
    for i in range(n + 1):
        progress(i, n)
    return n
