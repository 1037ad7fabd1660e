"""The structured paper that every later stage reads."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Section(BaseModel):
    heading: str
    text: str


class Paper(BaseModel):
    """What papercast understood of a PDF. Produced only by intake."""

    title: str
    authors: list[str] = []
    abstract: str = ""
    sections: list[Section] = []
    #: The body as one text (sections joined), without the references.
    body_text: str
    #: The references section, kept apart from the body.
    references: str = ""
    page_count: int = Field(ge=0)
    #: Pages whose text is in ``sections``/``body_text`` (all, unless the paper was too long).
    pages_kept: int = Field(0, ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    warnings: list[str] = []

    @property
    def word_count(self) -> int:
        return len(self.body_text.split())
