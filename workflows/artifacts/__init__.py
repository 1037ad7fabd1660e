"""Artifacts stored by content key, in a local directory or S3-compatible object storage.

An :class:`Artifact` is a content key (its sha256) with its size, kind, media type,
file name and duration: never a path on one machine. The store is chosen by
``[artifacts] backend`` (:func:`open_store`): ``local`` keeps files under
``<data_dir>/artifacts``; ``s3`` keeps them in a bucket every instance can read,
with a local cache. Either way, ``store.path(artifact)`` is the one way to get a
local file with an artifact's bytes.
"""

from workflows.artifacts.errors import (
    ArtifactCorrupt,
    ArtifactError,
    ArtifactMissing,
    ObjectStoreRefused,
    ObjectStoreUnavailable,
    UnknownArtifactBackend,
)
from workflows.artifacts.local import ArtifactStore
from workflows.artifacts.model import Artifact, content_key, sha256_file
from workflows.artifacts.registry import open_store, store_for, stores

__all__ = [
    "Artifact", "ArtifactCorrupt", "ArtifactError", "ArtifactMissing", "ArtifactStore", "ObjectStoreRefused",
    "ObjectStoreUnavailable", "UnknownArtifactBackend", "content_key", "open_store",
    "sha256_file", "store_for", "stores",
]
