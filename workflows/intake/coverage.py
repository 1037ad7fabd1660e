"""What an episode covers of its paper: which sections and pages are in the script and which were left out.

``coverage(paper, used_section_titles, quotes=...)`` matches the sections a script
used (by the titles its writer gives, e.g. chapter titles, and by the paper
sentences its lines quote as support) against the paper's sections, and says in
plain words what is in and what is out, for reviewers and for the script's summary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from workflows.intake.paper import Paper, Section
from workflows.people import Icon, Notice

_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,2}\.?|[IVX]{1,5}\.|[A-Z]\.)\s+")
_WORDS = re.compile(r"[^\W\d_]+")
#: Filler words that do not tell two section titles apart.
_STOP = frozenset("a an and the of for in on to with from by at its their our what how why".split())


class CoveredSection(BaseModel):
    heading: str
    first_page: int = 0
    last_page: int = 0

    @property
    def where(self) -> str:
        return _pages(self.first_page, self.last_page)


class Coverage(BaseModel):
    covered: list[CoveredSection] = []
    left_out: list[CoveredSection] = []
    #: Pages (1-based) the covered sections are on, and pages of the paper that no covered section is on.
    pages_covered: list[int] = []
    pages_left_out: list[int] = []
    #: Pages past ``Paper.pages_kept``: never read at all (a long paper, condensed).
    pages_not_read: list[int] = []
    has_abstract: bool = False

    def lines(self) -> list[str]:
        """Two or three short lines for people: what is in, what was left out, what was never read."""
        total = len(self.covered) + len(self.left_out)
        out = [f"Covers {len(self.covered)} of {total} sections"
               + (f" ({_ranges(self.pages_covered)})" if self.pages_covered else "")
               + (": " + ", ".join(s.heading for s in self.covered) if self.covered else "") + "."]
        if self.left_out:
            out.append("Left out: " + ", ".join(f"{s.heading} ({s.where})" if s.where else s.heading for s in self.left_out) + ".")
        if self.pages_not_read:
            out.append(f"Not read at all: {_ranges(self.pages_not_read)} (the paper is longer than papercast reads).")
        if not self.has_abstract:
            out.append("The paper has no abstract that papercast could find.")
        return out


def coverage(paper: Paper, used_section_titles: Iterable[str] = (), *, quotes: Iterable[str] = ()) -> Coverage:
    """Which of ``paper``'s sections a script used: those named in ``used_section_titles`` or quoted in ``quotes``."""
    sections = [s for s in paper.sections if s.heading or s.text.strip()]
    wanted = [_key(t) for t in used_section_titles if _key(t)]
    flat = [(" ".join(s.text.split()), s) for s in sections]
    used: set[int] = set()
    for i, section in enumerate(sections):
        key = _key(section.heading)
        if key and any(_same(key, w) for w in wanted):
            used.add(i)
    for quote in quotes:
        needle = " ".join(quote.split())[:120]
        if len(needle) < 20:
            continue
        for i, (text, _) in enumerate(flat):
            if needle in text:
                used.add(i)
                break
    covered = [_ref(s) for i, s in enumerate(sections) if i in used]
    left_out = [_ref(s) for i, s in enumerate(sections) if i not in used]
    on = sorted({p for i, s in enumerate(sections) if i in used for p in _span(s)})
    kept = paper.pages_kept or paper.page_count
    return Coverage(
        covered=covered, left_out=left_out, pages_covered=on,
        pages_left_out=[p for p in range(1, kept + 1) if p not in on],
        pages_not_read=list(range(kept + 1, paper.page_count + 1)),
        has_abstract=bool(paper.abstract.strip()),
    )


def _ref(section: Section) -> CoveredSection:
    return CoveredSection(heading=section.heading or "Opening text", first_page=section.first_page, last_page=section.last_page)


def _span(section: Section) -> range:
    if not section.first_page:
        return range(0)
    return range(section.first_page, max(section.first_page, section.last_page) + 1)


def _key(title: str) -> frozenset[str]:
    words = _WORDS.findall(_NUMBER.sub("", title.strip()).lower())
    return frozenset(w for w in words if w not in _STOP)


def _same(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two titles name the same section: equal, or one's words mostly inside the other's."""
    if a == b:
        return True
    small, large = sorted((a, b), key=len)
    return len(small) > 0 and len(small & large) >= max(1, round(0.75 * len(small)))


def _pages(first: int, last: int) -> str:
    if not first:
        return ""
    return f"page {first}" if last <= first else f"pages {first}-{last}"


def _ranges(pages: list[int]) -> str:
    """[1, 2, 3, 5] -> "pages 1-3, 5"."""
    if not pages:
        return ""
    runs: list[list[int]] = [[pages[0], pages[0]]]
    for p in pages[1:]:
        if p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    text = ", ".join(f"{a}-{b}" if b > a else str(a) for a, b in runs)
    return ("pages " if len(pages) > 1 else "page ") + text


def coverage_note(paper: Paper | dict, script: Any) -> Notice:
    """The coverage of a script as one short text for reviewers: its chapter titles and the
    paper sentences its lines quote (``script.chapters``, ``script.lines[].support``) against the paper."""
    paper = paper if isinstance(paper, Paper) else Paper.model_validate(paper)
    quotes = [q for line in script.lines for q in (getattr(line, "support", None) or [])]
    text = " ".join(coverage(paper, [c.title for c in script.chapters], quotes=quotes).lines())
    return Notice.of(text if len(text) <= 1900 else text[:1899] + "…", icon=Icon.COVERAGE)
