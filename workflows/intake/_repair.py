"""Repair what PDF text extraction breaks: ligatures, hyphenation, running headers.

A hyphen at a line end: pdfium marks it with U+FFFE (:data:`BREAK`) and joins the two
lines. :func:`clean_line` keeps that mark where it sits between two word characters,
and :func:`mend_broken_words` then decides, with the whole paper in view, whether the
hyphen belongs to the word. A "word" here is text between spaces, case and the
punctuation around it ignored. The first rule that applies wins:

1. The hyphenated form ("two-column") is a word elsewhere in the paper: keep the hyphen.
2. The joined form ("twocolumn") is a word elsewhere in the paper: join.
3. Otherwise join ("extrac-" + "tion"), except where the break looks like the word's
   own hyphen:

   - a digit on either side of it, or a capital after it ("COVID-19", "non-Gaussian");
   - another hyphen in the word ("state-of-" + "the-art"): typesetters break such
     words only at their hyphens;
   - the part before is one of a few words that start compounds
     (:data:`_COMPOUND_HEADS`: "well", "self", "two", "high", ...) and the part after
     is a word elsewhere in the paper ("well-known" if the paper also says "known";
     "two-" + "fold" joins if it never says "fold").

No dictionary: the paper is its own vocabulary, a set of its words built once, so the
pass is linear in the text. A line-end hyphen pdfium did not mark (at a page end) is
left to :func:`join_lines`, which joins it before a lowercase letter as always.
"""

from __future__ import annotations

import heapq
import math
import re
import string
import unicodedata
from collections import Counter
from statistics import median

from workflows.intake._pages import Line, PageText

#: Share of the page height, at the top and at the bottom, where headers and footers live.
_BAND = 0.12
#: How many lines from each edge of a page can be header or footer lines.
_EDGE = 6
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?#+(?:\s*(?:/|of)\s*#+)?$|^[-–—]\s*#+\s*[-–—]$|^[ivxlc]{1,6}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u00ad\u200b\ufeff]")
#: pdfium's mark for a hyphen at a line end (it also uses U+0002); kept inside words until the paper-wide pass.
BREAK = "\ufffe"
#: A mark that is not between two word characters is a plain hyphen.
_LOOSE_BREAK = re.compile(r"(?<!\w)\ufffe|\ufffe(?!\w)")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"[ \t\u00a0]+")
#: Taken off both ends of a word (text between spaces) before it counts in the paper's vocabulary.
_AROUND_WORDS = string.punctuation + "“”‘’«»–—…"
#: A word with at least one mark in it ("state-of\ufffethe-art"); possessive, so words without one fail fast.
_BROKEN_WORD = re.compile(r"(?<!\w)\w++(?:-\w++)*+(?:\ufffe\w++(?:-\w++)*+)+")
#: Words that begin many compounds; a break after one keeps its hyphen if the rest is a word of the paper.
_COMPOUND_HEADS = frozenset(
    "well self one two three four five half high low long large small fine full cross".split()
)


def clean_line(text: str) -> str:
    """One line of PDF text made plain: ligatures split (NFKC), stray soft-break marks made hyphens.

    A mark between two word characters stays (as :data:`BREAK`) for :func:`mend_broken_words`.
    """
    if text.isascii() and not _CONTROL.search(text):
        return " ".join(text.split())  # the common case, fast
    text = _LOOSE_BREAK.sub("-", text.replace("\x02", BREAK))
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def mend_broken_words(pages: list[PageText]) -> None:
    """Join or hyphenate, in place, every word broken at a line end, on the evidence of the whole paper."""
    broken = [line for page in pages for line in page.lines if BREAK in line.text]
    if not broken:
        return
    # Split in C, each distinct word stripped once; a word with a mark stays whole, so its parts never count.
    words = set("\n".join(line.text for page in pages for line in page.lines).lower().split())
    vocabulary = {word.strip(_AROUND_WORDS) for word in words}
    mend = lambda m: _mend_word(m.group(), vocabulary)  # noqa: E731
    for line in broken:
        line.text = _BROKEN_WORD.sub(mend, line.text).replace(BREAK, "-")


def _mend_word(word: str, vocabulary: set[str]) -> str:
    before, *rest = word.split(BREAK)
    for after in rest:
        before += ("-" if _keeps_hyphen(before, after, vocabulary) else "") + after
    return before


def _keeps_hyphen(before: str, after: str, vocabulary: set[str]) -> bool:
    """The rules of the module docstring, in order."""
    if f"{before}-{after}".lower() in vocabulary:
        return True
    if f"{before}{after}".lower() in vocabulary:
        return False
    if before[-1].isdigit() or after[0].isdigit() or after[0].isupper() or "-" in before or "-" in after:
        return True
    return before.lower() in _COMPOUND_HEADS and after.lower() in vocabulary


def join_lines(lines: list[Line]) -> str:
    """Lines into text: a hyphen at a line end joins the word; short last lines end paragraphs."""
    widths = _column_widths(lines)
    out: list[str] = []
    prev: Line | None = None
    for line in lines:
        text = line.text
        if not text:
            continue
        if not out:
            out.append(text)
        elif _ends_paragraph(prev, widths):
            out.append("\n\n" + text)
        elif out[-1].endswith("-") and len(out[-1]) > 1 and out[-1][-2].isalpha() and text[0].islower():
            out[-1] = out[-1][:-1]
            out.append(text)
        else:
            out.append(" " + text)
        prev = line
    return "".join(out).strip()


def _column_key(line: Line) -> tuple[int, int]:
    return (line.page, int(line.x0 // 150))


def _column_widths(lines: list[Line]) -> dict[tuple[int, int], float]:
    groups: dict[tuple[int, int], list[float]] = {}
    for line in lines:
        groups.setdefault(_column_key(line), []).append(line.x1 - line.x0)
    return {k: max(v) for k, v in groups.items()}


def _ends_paragraph(prev: Line | None, widths: dict[tuple[int, int], float]) -> bool:
    if prev is None or not prev.text.endswith((".", "!", "?", ":")):
        return False
    full = widths.get(_column_key(prev), 0)
    return full > 0 and (prev.x1 - prev.x0) < 0.85 * full


def strip_running_lines(pages: list[PageText]) -> int:
    """Remove running headers, footers and page numbers in place; return how many lines went.

    A line is running if it sits in the top or bottom band of its page, stands apart
    from the body (above or below a gap wider than the line spacing), and on many
    pages either the same text (numbers ignored) or a line in smaller type than the
    body sits at the same height: that catches headers that change from page to page
    (odd and even pages, section names) and two-line ones. A lone page number
    standing apart like that goes as soon as the document has two pages.
    """
    n = len(pages)
    if n < 2:
        return 0
    outer = {id(page): _outer_lines(page) for page in pages}
    body = body_font_size([line for page in pages[:8] for line in page.lines])
    seen: Counter[str] = Counter()
    slots: Counter[int] = Counter()
    for page in pages:
        seen.update({_key(line) for line in outer[id(page)]})
        slots.update({_slot(line) for line in outer[id(page)] if line.size < body - 0.5})
    needed = max(2, math.ceil(0.3 * n))
    running = {k for k, count in seen.items() if count >= needed}
    heights = {k for k, count in slots.items() if count >= needed}
    removed = 0
    for page in pages:
        apart = {id(line) for line in outer[id(page)]}
        kept = []
        for line in page.lines:
            is_running = _in_band(line, page) and _key(line) in running or (
                id(line) in apart and line.size < body - 0.5 and _slot(line) in heights)
            is_page_number = id(line) in apart and _PAGE_NUMBER.match(re.sub(r"\d+", "#", line.text.lower()))
            if is_running or is_page_number:
                removed += 1
            else:
                kept.append(line)
        page.lines = kept
    return removed


def _outer_lines(page: PageText) -> list[Line]:
    """Lines in the top and bottom bands that a wide gap separates from the body."""
    if len(page.lines) < 4:
        return []
    by_top = lambda line: line.top  # noqa: E731
    upper = heapq.nlargest(_EDGE, page.lines, key=by_top)
    lower = heapq.nsmallest(_EDGE, page.lines, key=by_top)
    steps = [abs(a.top - b.top) for edge in (upper, lower) for a, b in zip(edge, edge[1:]) if abs(a.top - b.top) > 1]
    if len(steps) < 3:
        return []
    wide = 1.6 * median(steps)
    return _zone(upper, wide, lambda ln: ln.top >= page.height * (1 - _BAND)) + _zone(
        lower, wide, lambda ln: ln.top <= page.height * _BAND
    )


def _zone(lines: list[Line], wide: float, in_band) -> list[Line]:
    for i, (line, following) in enumerate(zip(lines, lines[1:])):
        if not in_band(line):
            return []
        if abs(line.top - following.top) > wide:
            return lines[: i + 1]
    return []


def _in_band(line: Line, page: PageText) -> bool:
    return line.top >= page.height * (1 - _BAND) or line.top <= page.height * _BAND


def _key(line: Line) -> str:
    """The text with every number replaced, so "Title 3" and "Title 4" (or "21:3" and "21:4") match."""
    return _DIGITS.sub("#", " ".join(line.text.lower().split()))


def _slot(line: Line) -> int:
    """The line's height on the page, in steps of 2 points."""
    return round(line.top / 2)


def body_font_size(lines: list[Line]) -> float:
    sizes = [round(line.size, 1) for line in lines if line.size > 0]
    return median(sizes) if sizes else 0.0
