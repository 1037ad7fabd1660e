"""Named crash points for the fault suite: ``PAPERCAST_CRASH_AT=name`` kills the process there.

Production never sets the variable, so :func:`reach` is a dictionary lookup and
nothing else. The fault suite (``tests/faults/``) sets it to show that a process
killed at any boundary of any step loses nothing and repeats no outside effect.
The process dies with ``os._exit`` (no cleanup, no flushing): as close to SIGKILL
as a process can do to itself, at an exact line.
"""

from __future__ import annotations

import os

ENV = "PAPERCAST_CRASH_AT"
#: The exit code of a process killed at a crash point (what the fault suite waits for).
EXIT_CODE = 137


def reach(name: str) -> None:
    """Die here if the fault suite asked for it (``PAPERCAST_CRASH_AT`` names this point)."""
    wanted = os.environ.get(ENV)
    if wanted and wanted == name:
        os._exit(EXIT_CODE)
