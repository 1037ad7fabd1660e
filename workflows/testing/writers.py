"""The fake script writer for tests: scripted results and a history of calls, like simonw/llm's MockModel.

Not a built-in: nothing in papercast imports this module, and ``writer.backend = "fake"``
works only while a test has registered one. Each test makes its own instance and
registers it through the real registry (``tests/conftest.py`` has the ``fake_writer``
fixture that does this)::

    fake = FakeWriter()
    writers.register("fake", lambda settings: fake)   # writer.backend = "fake" now finds it
    fake.enqueue(my_script)            # returned by the next write()
    fake.enqueue(MalformedScript("x"))  # raised by the one after
    ... run the workflow ...
    fake.history[-1].notes             # what the workflow passed
    writers.unregister("fake")

With an empty queue it writes a small valid script from the paper (brand intro,
title, sign-off), so workflows can run without queuing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from workflows.intake.paper import Paper
from workflows.script.brand import brand_text
from workflows.script.model import Chapter, Line, Script, Usage
from workflows.script.writers import ScriptWriter, WriteResult
from workflows.settings import Settings, Show

Queued = Union[Script, WriteResult, BaseException, Callable[..., Union[Script, WriteResult]]]


@dataclass
class FakeCall:
    paper: Paper
    show: Show
    target_minutes: float
    previous: Script | None
    notes: str | None


class FakeWriter(ScriptWriter):
    """A writer that returns what a test queued, and records every call in ``history``."""

    id = "fake"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings  # type: ignore[assignment]
        self.queue: list[Queued] = []
        self.history: list[FakeCall] = []

    def enqueue(self, *items: Queued) -> None:
        """Queue what the next calls return: a Script, a WriteResult, an error to raise, or a callable."""
        self.queue.extend(items)

    def reset(self) -> None:
        """Forget the queue and the history."""
        self.queue.clear()
        self.history.clear()

    def write(
        self,
        paper: Paper,
        show: Show,
        *,
        target_minutes: float,
        previous: Script | None = None,
        notes: str | None = None,
    ) -> WriteResult:
        call = FakeCall(paper, show, target_minutes, previous, notes)
        self.history.append(call)
        item: Queued = self.queue.pop(0) if self.queue else _default_script
        if isinstance(item, BaseException):
            raise item
        if callable(item) and not isinstance(item, (Script, WriteResult)):
            item = item(paper, show, target_minutes=target_minutes, previous=previous, notes=notes)
        if isinstance(item, WriteResult):
            return item
        return WriteResult(script=item, usage=Usage(input_tokens=100, output_tokens=50))


def _default_script(paper: Paper, show: Show, *, target_minutes: float, previous: Script | None,
                    notes: str | None) -> Script:
    a, b = (h.key for h in show.hosts)
    lines = [
        Line(speaker=a, text=brand_text(show.brand.intro, show) or "Hello."),
        Line(speaker=b, text=f"Today: \"{paper.title}\"."),
    ]
    if notes:
        lines.append(Line(speaker=a, text=f"Revised after notes: {notes}"))
    lines.append(Line(speaker=a, text=brand_text(show.brand.sign_off, show) or "Goodbye."))
    return Script(
        title=paper.title, summary=f"Fake script about {paper.title}.", show_notes="Written by the fake writer.",
        chapters=[Chapter(title="Introduction", start_line=0)], lines=lines,
        hosts={h.key: h.name for h in show.hosts}, writer="fake",
    )

