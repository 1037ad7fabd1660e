"""A data directory on a tiny tmpfs that a test can fill up and free again (root only).

Use as a fixture through :func:`tiny_filesystem`; where the machine refuses the mount
(not root, no mount namespace), the test is skipped and says why.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


class TinyFilesystem:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._filler = root / ".filler"

    def fill(self) -> None:
        """Write zeros until the filesystem is full (ENOSPC), leaving nothing free."""
        fd = os.open(self._filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for size in (1 << 16, 4096, 1):
                block = b"\0" * size
                try:
                    while True:
                        os.write(fd, block)
                except OSError:
                    pass
        finally:
            os.close(fd)

    def free(self) -> None:
        """Give the space back."""
        self._filler.unlink(missing_ok=True)


@contextmanager
def tiny_filesystem(where: Path, size: str = "8m") -> Iterator[TinyFilesystem]:
    """Mount a tmpfs of ``size`` at ``where`` for the duration; skip the test if the machine refuses."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("filling a disk needs a small tmpfs, and mounting one needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"the machine refused to mount a small tmpfs ({done.stderr.strip() or done.returncode})")
    try:
        yield TinyFilesystem(where)
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
