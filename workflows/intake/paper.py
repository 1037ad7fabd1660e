"""The structured paper that every later stage reads.

Only ``abstract`` and the ``sections`` (whose texts make ``body_text``) are the
paper's running text, for the writers to read aloud. Captions, tables, footnotes,
front matter (venue, copyright, keywords, ACM reference format) and references are
kept apart; captions and tables may be offered to writers as marked material.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Author(BaseModel):
    #: The name as printed: initials kept, markers and emails gone, ALL-CAPS title-cased.
    name: str
    #: Affiliations as printed under or beside the name (empty if none were found).
    affiliations: list[str] = []


class Section(BaseModel):
    #: The whole heading as printed, a heading set on two lines joined ("3 The LONGEVAL guidelines for ...").
    heading: str
    text: str
    #: First and last page (1-based) the section is on; 0 when not known.
    first_page: int = 0
    last_page: int = 0


class Caption(BaseModel):
    text: str
    page: int = 0


class Table(BaseModel):
    caption: str
    #: The rows as read, cells separated by spaces.
    rows: list[str] = []
    page: int = 0


class Note(BaseModel):
    """A footnote, or a piece of front matter (venue, copyright, permission, keywords)."""

    text: str
    page: int = 0


class Paper(BaseModel):
    """What papercast understood of a PDF. Produced only by intake."""

    title: str
    #: Author names, in order (see ``author_details`` for their affiliations).
    authors: list[str] = []
    author_details: list[Author] = []
    #: The abstract, labelled or not; empty when none was found (so nobody can claim one).
    abstract: str = ""
    sections: list[Section] = []
    #: The body as one text (sections joined), without the references.
    body_text: str
    #: The references section, kept apart from the body.
    references: str = ""
    captions: list[Caption] = []
    tables: list[Table] = []
    footnotes: list[Note] = []
    #: Venue and copyright lines, permission blocks, arXiv stamps, CCS concepts, keywords, reference formats.
    front_matter: list[Note] = []
    #: The detected language of the paper (ISO 639-1, "en", "de", ...); "" when it could not be told.
    language: str = ""
    page_count: int = Field(ge=0)
    #: Pages whose text is in ``sections``/``body_text`` (all, unless the paper was too long).
    pages_kept: int = Field(0, ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    warnings: list[str] = []

    @property
    def word_count(self) -> int:
        return len(self.body_text.split())
