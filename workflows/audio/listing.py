"""What listeners read about an episode, kept apart from what reviewers read.

A script speaks to two audiences. Its lines are spoken (what reviewers approve is what
listeners hear), but its ``summary`` and ``show_notes`` may be written for reviewers: the
offline writer's drafts say they are drafts and quote the review notes. :func:`listing_for`
builds the listener's text (a description, the chapters, the paper's citation and link,
the show's credits) and never copies a sentence meant for reviewers. The show notes, the
MP3's tags, the feed and the pages all read a :class:`Listing`.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from workflows.intake.paper import Paper
from workflows.script.model import Script
from workflows.settings import Show

#: Wording that belongs to reviewers (drafts' warnings, review notes, checks), never to listeners.
INTERNAL = re.compile(
    r"offline draft|offline writer|no language model|without a language model|review it|before approving|"
    r"reviewer|revised after|review notes|finding", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)\]])")
_ARXIV = re.compile(r"\barXiv:\s?(\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
#: How much of the paper's text (after the abstract) is searched for its own DOI or arXiv id.
_HEAD_CHARS = 2500


class ChapterMark(BaseModel):
    title: str
    #: Seconds from the start of the audio (None until the audio is timed).
    start: float | None = None


class Citation(BaseModel):
    title: str
    authors: list[str] = []
    #: The paper's DOI or arXiv page, when the paper names it.
    link: str = ""

    @property
    def text(self) -> str:
        """``Authors, "Title".`` as a reference list would give it."""
        by = f"{_authors(self.authors)}, " if self.authors else ""
        return f"{by}\u201c{self.title}\u201d."


class Listing(BaseModel):
    """The public text of one episode."""

    title: str
    description: str
    hosts: list[str]
    chapters: list[ChapterMark] = []
    citation: Citation | None = None
    #: The writer's own show notes (Markdown), when they are meant for listeners.
    notes: str = ""
    credits: str = ""


def public(text: str) -> str:
    """``text`` without its sentences (or lines) that speak to reviewers."""
    kept = []
    for line in text.strip().splitlines():
        sentences = [s for s in _SENTENCE.split(line) if not INTERNAL.search(s)]
        if sentences or not line.strip():
            kept.append(" ".join(sentences))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def listing_for(script: Script, show: Show, paper: Paper | None = None, *,
                chapter_starts: list[float] | None = None) -> Listing:
    """The listener's text for ``script`` (and the ``paper`` it reads, when known)."""
    hosts = list(script.hosts.values())
    starts = list(chapter_starts or [])
    chapters = [ChapterMark(title=c.title, start=starts[i] if i < len(starts) else None)
                for i, c in enumerate(script.chapters)]
    citation = _citation(paper) if paper is not None else None
    written = "" if script.offline_draft else public(script.summary)
    description = written or _described(hosts, citation.title if citation else script.title,
                                        citation.authors if citation else [], chapters, paper)
    return Listing(title=script.title, description=description, hosts=hosts, chapters=chapters, citation=citation,
                   notes="" if script.offline_draft else public(script.show_notes), credits=show.publish.credits)


def _described(hosts: list[str], title: str, authors: list[str], chapters: list[ChapterMark],
               paper: Paper | None) -> str:
    """A description made of facts: who reads which paper, its parts, and the abstract's first sentence."""
    by = f" by {_authors(authors)}" if authors else ""
    out = f"{' and '.join(hosts)} read \u201c{title}\u201d{by}."
    parts = [c.title for c in chapters if c.title not in ("Opening", "Wrap-up")]
    if parts:
        out += f" In this episode: {', '.join(parts[:-1]) + ' and ' + parts[-1] if len(parts) > 1 else parts[0]}."
    first = _SENTENCE.split(paper.abstract.strip())[0] if paper and paper.abstract.strip() else ""
    if first and not INTERNAL.search(first):
        out += f" From the abstract: \u201c{first[:400].rstrip()}\u201d"
    return out


def _citation(paper: Paper) -> Citation:
    head = paper.abstract + "\n" + paper.body_text[:_HEAD_CHARS]
    link = ""
    if found := _ARXIV.search(head):
        link = f"https://arxiv.org/abs/{found.group(1)}"
    elif found := _DOI.search(head):
        link = f"https://doi.org/{found.group(1)}"
    return Citation(title=paper.title, authors=paper.authors, link=link)


def _authors(names: list[str]) -> str:
    if len(names) > 3:
        return f"{names[0]} et al."
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]
