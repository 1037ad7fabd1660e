"""The fake writer for tests, registered like the real ones under id "fake".

``get_writer("fake", settings)`` (or ``writer.backend = "fake"``) always returns
the one shared :data:`fake_writer`, so a test can queue what it should return
and read what it was asked::

    fake = get_writer("fake", settings)
    fake.reset()
    fake.enqueue(my_script)            # returned by the next write()
    fake.enqueue(MalformedScript("x"))  # raised by the one after
    ... run the workflow ...
    fake.history[-1].notes             # what the workflow passed

With an empty queue it writes a small valid script from the paper (brand intro,
title, sign-off), so workflows can run without queuing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from workflows.intake.paper import Paper
from workflows.script.brand import brand_text
from workflows.script.model import Chapter, Line, Script, Usage
from workflows.script.writers import ScriptWriter, WriteResult, register_writer
from workflows.settings import Settings, Show

Queued = Union[Script, WriteResult, BaseException, Callable[..., Union[Script, WriteResult]]]


@dataclass
class FakeCall:
    paper: Paper
    show: Show
    target_minutes: float
    previous: Script | None
    notes: str | None


@register_writer
class FakeWriter(ScriptWriter):
    id = "fake"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings  # type: ignore[assignment]
        self.queue: list[Queued] = []
        self.history: list[FakeCall] = []

    @classmethod
    def from_settings(cls, settings: Settings) -> "FakeWriter":
        fake_writer.settings = settings
        return fake_writer

    def enqueue(self, *items: Queued) -> None:
        """Queue what the next calls return: a Script, a WriteResult, an error to raise, or a callable."""
        self.queue.extend(items)

    def reset(self) -> None:
        """Forget the queue and the history (call it at the start of each test)."""
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


#: The one fake writer every ``get_writer("fake", ...)`` returns.
fake_writer = FakeWriter()
