"""Content-addressed artifact files under the data directory.

A step writes its outputs here *before* it commits its transition, so a crash
between the two leaves a file that the re-run finds again (same bytes, same
name) instead of a half-written or duplicated one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from pydantic import BaseModel


class Artifact(BaseModel):
    """One produced file, as recorded in the store."""

    kind: str  # "pdf" | "audio" | "transcript" | "notes" | "script" | ...
    sha256: str
    size: int
    path: Path  # the content-addressed file
    media_type: str = "application/octet-stream"
    duration_seconds: float | None = None
    #: The file name people should see (for example ``episode.mp3``).
    filename: str = ""


class ArtifactStore:
    """Files named by their sha256 in ``<data_dir>/artifacts/ab/abcdef…``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put_bytes(self, data: bytes, **meta) -> Artifact:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        return Artifact(sha256=digest, size=len(data), path=target, **meta)

    def put_file(self, source: Path, **meta) -> Artifact:
        """Copy ``source`` in (streamed); the original is left alone."""
        h = hashlib.sha256()
        size = 0
        with open(source, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
                size += len(chunk)
        digest = h.hexdigest()
        target = self.path_for(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            os.close(fd)
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        return Artifact(sha256=digest, size=size, path=target, **meta)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
