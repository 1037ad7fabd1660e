"""The script writers: Claude and offline, in one registry (:data:`writers`).

A writer is a class with an ``id`` and one method, :meth:`ScriptWriter.write`. Its
registry entry builds it from the settings (the class itself: ``ClaudeWriter(settings)``),
see :mod:`workflows.registry`. Built-in writers, plugins and the test doubles of
:mod:`workflows.testing` all register the same way::

    @writers.register("mine")
    class MyWriter(ScriptWriter): ...

The rest of papercast asks for one by id (:func:`get_writer`) or lets the
configuration decide (:func:`choose_writer`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from pydantic import BaseModel

from workflows.intake.paper import Paper
from workflows.registry import Registry
from workflows.script.errors import UnknownWriter
from workflows.script.model import Script, Usage
from workflows.settings import Settings, Show


class WriteResult(BaseModel):
    """One script version and what it cost."""

    script: Script
    usage: Usage = Usage()


class ScriptWriter:
    """Base class of every writer. Subclasses set ``id`` and implement ``write``."""

    id: ClassVar[str] = ""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

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


#: What a writer id is registered with: builds the writer for the settings (a ScriptWriter subclass is one).
WriterFactory = Callable[[Settings], ScriptWriter]

#: Every script writer by id, as ``writer.backend`` (or ``--writer``) names it.
writers: Registry[WriterFactory] = Registry(
    "script writer", setting="writer.backend", error=UnknownWriter,
    built_ins=("workflows.script.claude", "workflows.script.offline"),
)


def get_writer(name: str, settings: Settings) -> ScriptWriter:
    """The writer registered as ``name``, built for ``settings``.

    Raises :class:`UnknownWriter` for a name nobody registered, and
    :class:`~workflows.errors.NeedsKey` when the writer lacks its key.
    """
    return writers.get(name)(settings)


def choose_writer(settings: Settings) -> ScriptWriter:
    """The writer the configuration asks for.

    ``writer.backend = "auto"`` (the default) means Claude when ANTHROPIC_API_KEY
    is set, else the offline writer; any other value names a registered writer.
    """
    backend = settings.show.writer.backend
    if backend == "auto":
        backend = "claude" if settings.env.anthropic_api_key is not None else "offline"
    return get_writer(backend, settings)
