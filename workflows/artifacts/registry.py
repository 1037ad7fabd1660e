"""The artifact stores by id (:data:`stores`): ``local`` (the default) and ``s3``.

A store is an :class:`~workflows.artifacts.local.ArtifactStore` subclass; its registry
entry builds it from the show's ``[artifacts]`` section and the data directory (its
``from_config`` classmethod), see :mod:`workflows.registry`. Built-in stores and test
doubles register the same way, and :func:`open_store` builds the one that
``[artifacts] backend`` names::

    stores.register("mine", MyStore.from_config)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from workflows.artifacts.errors import UnknownArtifactBackend
from workflows.registry import Registry

if TYPE_CHECKING:
    from workflows.artifacts.local import ArtifactStore
    from workflows.settings import Artifacts, Settings

#: What a store id is registered with: builds the store for ``(config, data_dir)``.
StoreFactory = Callable[["Artifacts", Path], "ArtifactStore"]


#: Every artifact store by id, as ``[artifacts] backend`` names it. Each module registers its own on import.
stores: Registry[StoreFactory] = Registry(
    "artifact store", setting="[artifacts] backend", error=UnknownArtifactBackend,
    built_ins=("workflows.artifacts.local", "workflows.artifacts.s3"),
)


def store_for(config: "Artifacts", data_dir: Path) -> "ArtifactStore":
    """The store ``config.backend`` names, built for this data directory."""
    return stores.get(config.backend)(config, Path(data_dir))


def open_store(settings: "Settings") -> "ArtifactStore":
    """The artifact store the settings ask for (what ``build_services`` wires in)."""
    return store_for(settings.show.artifacts, settings.data_dir)
