"""The ``local`` backend: content-addressed files under the data directory.

A step writes its outputs here *before* it commits its transition, so a crash
between the two leaves a file that the re-run finds again (same bytes, same
name) instead of a half-written or duplicated one. Every other backend keeps
its local copies (its cache) in the same layout, by subclassing this one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from workflows.artifacts.errors import ArtifactCorrupt, ArtifactMissing
from workflows.artifacts.model import Artifact
from workflows.artifacts.registry import stores

if TYPE_CHECKING:
    from workflows.doctor import Check
    from workflows.settings import Artifacts

_CHUNK = 1 << 20


class ArtifactStore:
    """Files named by their sha256 in ``<root>/ab/abcdef…`` (root: ``<data_dir>/artifacts``).

    The base of every backend: ``put_file``/``put_bytes`` store bytes and return their
    :class:`Artifact`; ``path`` gives a local file with an artifact's bytes; ``exists``
    says whether the store has a key; ``doctor`` checks the backend against reality.
    """

    #: The registry id, as written in ``[artifacts] backend``.
    id: ClassVar[str] = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def from_config(cls, config: "Artifacts", data_dir: Path) -> "ArtifactStore":
        """Build this backend for the show's ``[artifacts]`` section and the data directory."""
        return cls(Path(data_dir) / "artifacts")

    # --- the backend interface ------------------------------------------------------

    def put_bytes(self, data: bytes, **meta: Any) -> Artifact:
        """Store ``data``; ``meta`` is the rest of the Artifact (kind, media_type, filename, duration_seconds)."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if not _complete(target, len(data)):
            fd, tmp = self._temp()
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            self._commit(tmp, target)
        artifact = Artifact(sha256=digest, size=len(data), **meta)
        self._stored(artifact, target)
        return artifact

    def put_file(self, source: Path, **meta: Any) -> Artifact:
        """Copy ``source`` in, hashing while it streams; the original is left alone."""
        h = hashlib.sha256()
        size = 0
        fd, tmp = self._temp()
        try:
            with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
                for chunk in iter(lambda: src.read(_CHUNK), b""):
                    h.update(chunk)
                    size += len(chunk)
                    dst.write(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            target = self.path_for(h.hexdigest())
            if _complete(target, size):
                os.unlink(tmp)
            else:
                self._commit(tmp, target)
        except BaseException:
            _unlink(tmp)
            raise
        artifact = Artifact(sha256=h.hexdigest(), size=size, **meta)
        self._stored(artifact, target)
        return artifact

    def path(self, artifact: Artifact) -> Path:
        """A local file holding the artifact's bytes (the one way to read an artifact as a file)."""
        target = self.path_for(artifact.sha256)
        if not target.is_file():
            raise ArtifactMissing(artifact.key, f"the local artifact directory {self.root}", _LOCAL_MISSING_HINT)
        if target.stat().st_size != artifact.size:
            raise ArtifactCorrupt(artifact.key, f"the local artifact directory {self.root}",
                                  f"{target.stat().st_size} bytes where {artifact.size} were stored")
        return target

    def exists(self, sha256: str) -> bool:
        """Whether the store has these bytes."""
        return self.path_for(sha256).is_file()

    def describe(self) -> str:
        """Where artifacts live, in a few words (for `papercast serve` and doctor)."""
        return f"local directory {self.root}"

    def doctor(self) -> "Check":
        """The directory is writable; a reminder that other machines cannot read it."""
        from workflows.doctor import Check

        self.root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=self.root, prefix=".doctor-"):
            pass
        return Check("artifacts", True, f"{self.describe()} is writable; only this machine can read it",
                     "With several instances that do not share this disk, set [artifacts] backend = \"s3\".")

    # --- shared by every backend ----------------------------------------------------

    def path_for(self, sha256: str) -> Path:
        """Where the local copy of these bytes is (or would be) kept."""
        return self.root / sha256[:2] / sha256

    def _stored(self, artifact: Artifact, local: Path) -> None:
        """Called after the local copy is in place; a remote backend uploads here."""

    def _temp(self) -> tuple[int, str]:
        self.root.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(dir=self.root, prefix=".tmp-")

    @staticmethod
    def _commit(tmp: str, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)


_LOCAL_MISSING_HINT = (
    "It was stored on another machine's disk, or the data directory was moved or cleaned. "
    "When instances do not share a disk, set [artifacts] backend = \"s3\" in the show file; "
    "until then only the instance that stored the file can use it (artifacts/<ab>/<sha256> in its data directory)."
)


def _complete(target: Path, size: int) -> bool:
    try:
        return target.stat().st_size == size
    except FileNotFoundError:
        return False


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


stores.register("local", ArtifactStore.from_config)
