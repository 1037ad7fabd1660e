"""What can go wrong with stored artifacts, said for the person who has to act."""

from __future__ import annotations

from workflows.errors import ConfigError, PapercastError


class ArtifactError(PapercastError):
    """An artifact cannot be stored or read back."""

    kind = "artifact"


class ArtifactMissing(ArtifactError):
    """Nothing is stored under the artifact's content key."""

    kind = "artifact_missing"

    def __init__(self, key: str, where: str, hint: str) -> None:
        super().__init__(f"The artifact {key} is not in {where}.", hint)
        self.key = key


class ArtifactCorrupt(ArtifactError):
    """The bytes stored under a key do not hash to that key: they are refused."""

    kind = "artifact_corrupt"

    def __init__(self, key: str, where: str, found: str) -> None:
        super().__init__(
            f"The artifact {key} in {where} is corrupt ({found}); papercast refused to use it.",
            "Replace it with the right bytes from an instance that still has the file "
            "(artifacts/<ab>/<sha256> in its data directory), then press Retry.",
        )
        self.key = key


class ObjectStoreUnavailable(ArtifactError):
    """The object store did not answer (down, unreachable, timed out); trying again may work."""

    kind = "object_store_unavailable"
    retryable = True


class ObjectStoreRefused(ArtifactError):
    """The object store answered but refused: no credentials, access denied, no such bucket."""

    kind = "object_store_refused"


class UnknownArtifactBackend(ConfigError):
    """``artifacts.backend`` names a backend nobody registered."""

    kind = "unknown_artifact_backend"
