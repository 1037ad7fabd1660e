"""One registry of artifact backends: ``local`` (the default) and ``s3``.

A backend is an :class:`~workflows.artifacts.local.ArtifactStore` subclass with an
``id`` and a ``from_config`` classmethod. Built-in backends and test fakes register
the same way (:func:`register_backend`), and :func:`open_store` builds the one that
``[artifacts] backend`` names.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from workflows.artifacts.errors import UnknownArtifactBackend
from workflows.artifacts.local import ArtifactStore

if TYPE_CHECKING:
    from workflows.settings import Artifacts, Settings

_BUILT_INS = ("workflows.artifacts.s3",)
_registry: dict[str, type[ArtifactStore]] = {ArtifactStore.id: ArtifactStore}


def register_backend(cls: type[ArtifactStore]) -> type[ArtifactStore]:
    """Make a backend class available under its ``id``. Usable as a class decorator."""
    if not cls.id:
        raise ValueError(f"{cls.__name__} has no id")
    _registry[cls.id] = cls
    return cls


def backend_ids() -> list[str]:
    """The ids of every registered backend."""
    _load_built_ins()
    return sorted(_registry)


def store_for(config: "Artifacts", data_dir: Path) -> ArtifactStore:
    """The backend ``config.backend`` names, built for this data directory."""
    _load_built_ins()
    cls = _registry.get(config.backend)
    if cls is None:
        raise UnknownArtifactBackend(
            f"No artifact backend is called {config.backend!r}; the available ones are {', '.join(sorted(_registry))}.",
            "Set [artifacts] backend = \"local\" or \"s3\" in the show file.",
        )
    return cls.from_config(config, Path(data_dir))


def open_store(settings: "Settings") -> ArtifactStore:
    """The artifact store the settings ask for (what ``build_services`` wires in)."""
    return store_for(settings.show.artifacts, settings.data_dir)


def _load_built_ins() -> None:
    for module in _BUILT_INS:
        importlib.import_module(module)
