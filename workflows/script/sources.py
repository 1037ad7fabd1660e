"""What the checks may cite from a paper: its words, without the apparatus around them.

:func:`passages` gives the title, abstract, body sections, captions, tables and
footnotes (the last three when intake keeps them apart; otherwise they are part
of the body, as before). The reference list is never included. :func:`masked`
blanks what only looks like a fact: citation markers ("[12]", "[3-5]",
"(Lee et al., 2020)") and the numbers of figures, tables, sections, equations,
appendices and pages ("Figure 3", "Sec. 4.2", "p. 12").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workflows.intake.paper import Paper

#: Paper fields that hold text kept apart from the body, newest intake first.
_EXTRA_FIELDS = (("captions", "caption"), ("tables", "table"), ("footnotes", "footnote"))

_MASKS = (
    re.compile(r"\[\s*\d+(?:\s*[-–,;]\s*\d+)*\s*\]"),  # [1], [3-5], [2, 7]
    re.compile(r"\((?:[A-Z][\w'’-]+(?: et al\.?| and [A-Z][\w'’-]+)?,? \d{4}[a-z]?(?:;\s*)?)+\)"),  # (Lee et al., 2020)
    re.compile(r"\b(?:Fig(?:ure)?s?|Tab(?:le)?s?|Sec(?:tion)?s?|Eq(?:uation)?s?|Appendix|Algorithm|Chapter|Ch|"
               r"Theorem|Lemma|Definition|Footnote|Page|pp?)\.?\s*\(?\d+(?:\.\d+)*[a-z]?\)?"
               r"(?:\s*(?:[-–,]|and)\s*\(?\d+(?:\.\d+)*[a-z]?\)?)*",
               re.IGNORECASE),
    re.compile(r"§\s*\d+(?:\.\d+)*"),
    re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+(?=[A-Z][^\n]{0,60}$)", re.MULTILINE),  # a numbered heading line
)
_JOINS = (("\u00ad", ""), ("ﬁ", "fi"), ("ﬂ", "fl"), ("ﬀ", "ff"), ("ﬃ", "ffi"), ("ﬄ", "ffl"))


@dataclass(frozen=True)
class Passage:
    """One piece of the paper: where it comes from and its text, masked."""

    kind: str  # "title" | "abstract" | "body" | "caption" | "table" | "footnote"
    text: str


def passages(paper: Paper) -> list[Passage]:
    """Every citable piece of the paper, masked, without the references."""
    found = [Passage("title", masked(paper.title)), Passage("abstract", masked(paper.abstract))]
    bodies = [s.text for s in paper.sections] or [paper.body_text]
    found += [Passage("body", masked(t)) for t in bodies]
    for field, kind in _EXTRA_FIELDS:
        found += [Passage(kind, masked(t)) for t in _texts(getattr(paper, field, None))]
    return [p for p in found if p.text.strip()]


def paper_text(paper: Paper) -> str:
    """All passages as one text, for matching quotes and supports."""
    return "\n\n".join(p.text for p in passages(paper))


def masked(text: str) -> str:
    """``text`` with citation markers and figure/table/section/page numbers blanked, and PDF artefacts repaired."""
    for old, new in _JOINS:
        text = text.replace(old, new)
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    for pattern in _MASKS:
        text = pattern.sub(" ", text)
    return text


def _texts(value: Any) -> Iterable[str]:
    """The strings inside a field of unknown shape: strings, lists, table rows, models or dicts with text in them.

    Numbers that are not table cells (a table's or page's own number, say) are left out.
    """
    if isinstance(value, str):
        yield value
    elif hasattr(value, "model_dump"):
        yield from _texts(value.model_dump())
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("number", "label", "page", "index", "id"):
                yield from _texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, (list, tuple)) and all(_scalar(c) for c in item):
                yield " ".join(str(c) for c in item)  # a table row: its cells keep each other's context
            else:
                yield from _texts(item)


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)
