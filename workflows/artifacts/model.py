"""What an artifact is: the content key of one produced file and what people need to know about it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict

#: How the store names content: ``sha256/ab/abcdef…`` (also the object key under a bucket's prefix).
KEY_PREFIX = "sha256"


def content_key(sha256: str) -> str:
    """The store's key for these bytes: ``sha256/<first two hex digits>/<sha256>``."""
    return f"{KEY_PREFIX}/{sha256[:2]}/{sha256}"


class Artifact(BaseModel):
    """One produced file, as recorded in the store: its content key, never a path on one machine.

    ``services.artifacts.path(artifact)`` gives a local file with its bytes.
    """

    model_config = ConfigDict(extra="forbid")

    kind: str  # "pdf" | "audio" | "transcript" | "notes" | "script" | ...
    sha256: str
    size: int
    media_type: str = "application/octet-stream"
    duration_seconds: float | None = None
    #: The file name people should see (for example ``episode.mp3``).
    filename: str = ""

    @property
    def key(self) -> str:
        """The content key the store keeps it under (see :func:`content_key`)."""
        return content_key(self.sha256)


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
