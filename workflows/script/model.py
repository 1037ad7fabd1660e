"""The two-host script: what writers return, reviewers read and speech renders."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, model_validator

#: At most this many supporting sentences per line, each at most this many characters.
MAX_SUPPORTS, MAX_SUPPORT_CHARS = 3, 600

SupportSentence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SUPPORT_CHARS)]


class Line(BaseModel):
    #: The host's key from the show config (``Host.key``), e.g. "a".
    speaker: str
    text: str = Field(min_length=1)
    #: The paper sentence(s) this line rests on, quoted (nearly) verbatim; empty
    #: for lines that claim nothing about the paper (greetings, questions, sign-off).
    support: list[SupportSentence] = Field(default=[], max_length=MAX_SUPPORTS)


class Chapter(BaseModel):
    title: str = Field(min_length=1)
    #: Index into ``Script.lines`` of the chapter's first line.
    start_line: int = Field(ge=0)


class Usage(BaseModel):
    """Token counts reported by the writer for one script version."""

    input_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    output_tokens: int = 0


class Script(BaseModel):
    title: str = Field(min_length=1)
    summary: str
    show_notes: str
    chapters: list[Chapter]
    lines: list[Line] = Field(min_length=2)
    #: Host key → host name, as configured when the script was written.
    hosts: dict[str, str]
    #: Which writer produced it ("claude:<model>", "offline", "human:<user>").
    writer: str = ""
    #: True for the offline writer: reviewers must know it is a mechanical draft.
    offline_draft: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> "Script":
        unknown = {l.speaker for l in self.lines} - set(self.hosts)
        if unknown:
            raise ValueError(f"lines are spoken by unknown hosts {sorted(unknown)}; hosts are {sorted(self.hosts)}")
        for c in self.chapters:
            if c.start_line >= len(self.lines):
                raise ValueError(f"chapter {c.title!r} starts at line {c.start_line}, but the script has {len(self.lines)} lines")
        starts = [c.start_line for c in self.chapters]
        if starts != sorted(starts):
            raise ValueError("chapters must be in script order")
        return self

    @property
    def word_count(self) -> int:
        return sum(len(l.text.split()) for l in self.lines)


class Finding(BaseModel):
    """One result of an automated check, pointing at the line it is about."""

    check: str  # "grounding" | "support" | "brand" | "length" | ...
    severity: str = "warning"  # "error" | "warning" | "note"
    message: str
    line: int | None = None  # index into Script.lines, None for the whole script or a part
    #: The public text outside the lines the finding is about: "title", "summary" or "show_notes".
    part: str | None = None
    #: The paper's own words behind the finding (the real quote, the sentence with the number), for reviewers.
    evidence: str = ""
