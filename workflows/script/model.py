"""The two-host script: what writers return, reviewers read and speech renders."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator


class Line(BaseModel):
    #: The host's key from the show config (``Host.key``), e.g. "a".
    speaker: str
    text: str = Field(min_length=1)


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

    check: str  # "grounding" | "brand" | "length"
    severity: str = "warning"  # "error" | "warning" | "info"
    message: str
    line: int | None = None  # index into Script.lines, None for the whole script
