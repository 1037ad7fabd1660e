"""One registry of script writers: Claude, offline, and the fake for tests.

A writer is a class with an ``id`` and one method, :meth:`ScriptWriter.write`.
Every writer, built-in or fake, registers through :func:`register_writer`, and
the rest of papercast asks for one by name (:func:`get_writer`) or lets the
configuration decide (:func:`choose_writer`).
"""

from __future__ import annotations

import importlib
from typing import ClassVar

from pydantic import BaseModel

from workflows.intake.paper import Paper
from workflows.script.errors import UnknownWriter
from workflows.script.model import Script, Usage
from workflows.settings import Settings, Show

_BUILT_INS = ("workflows.script.claude", "workflows.script.offline", "workflows.script.fake")
_registry: dict[str, type["ScriptWriter"]] = {}


class WriteResult(BaseModel):
    """One script version and what it cost."""

    script: Script
    usage: Usage = Usage()


class ScriptWriter:
    """Base class of every writer. Subclasses set ``id`` and implement ``write``."""

    id: ClassVar[str] = ""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Settings) -> "ScriptWriter":
        """Build the writer for these settings (the fake returns its shared instance)."""
        return cls(settings)

    def write(
        self,
        paper: Paper,
        show: Show,
        *,
        target_minutes: float,
        previous: Script | None = None,
        notes: str | None = None,
    ) -> WriteResult:
        """Write a script of about ``target_minutes``; with ``previous`` and ``notes``, revise it.

        Returns a valid :class:`Script` or raises a :class:`~workflows.errors.ScriptError`.
        """
        raise NotImplementedError


def register_writer(cls: type[ScriptWriter]) -> type[ScriptWriter]:
    """Make a writer class available under its ``id``. Usable as a class decorator."""
    if not cls.id:
        raise ValueError(f"{cls.__name__} has no id")
    _registry[cls.id] = cls
    return cls


def writer_ids() -> list[str]:
    """The names of every registered writer."""
    _load_built_ins()
    return sorted(_registry)


def get_writer(name: str, settings: Settings) -> ScriptWriter:
    """The writer registered as ``name``, built for ``settings``.

    Raises :class:`UnknownWriter` for a name nobody registered, and
    :class:`~workflows.errors.NeedsKey` when the writer lacks its key.
    """
    _load_built_ins()
    try:
        cls = _registry[name]
    except KeyError:
        raise UnknownWriter(name, sorted(_registry)) from None
    return cls.from_settings(settings)


def choose_writer(settings: Settings) -> ScriptWriter:
    """The writer the configuration asks for.

    ``writer.backend = "auto"`` (the default) means Claude when ANTHROPIC_API_KEY
    is set, else the offline writer; any other value names a registered writer.
    """
    backend = settings.show.writer.backend
    if backend == "auto":
        backend = "claude" if settings.env.anthropic_api_key is not None else "offline"
    return get_writer(backend, settings)


def _load_built_ins() -> None:
    for module in _BUILT_INS:
        importlib.import_module(module)
