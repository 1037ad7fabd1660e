"""Tell body text from what a listener should never hear, by where a line sits and how it is set.

Each line gets a ``kind``. Not body: figure and table captions (a "Figure 3:" line and
the lines set with it), table rows and the text inside figures next to a caption (set
small, spread out or mostly numbers), footnotes (a block of small type at the bottom
of a column that starts with a marker), venue, copyright and permission blocks, and
text in the margin (the vertical arXiv stamp). Work is per page and column, linear
in the lines, so it costs little next to reading the PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from workflows.intake._pages import Line, PageText
from workflows.intake._repair import join_lines

CAPTION = re.compile(r"^(?:Figure|FIGURE|Fig\.|FIG\.|Table|TABLE|Tab\.|Algorithm|Listing|Abbildung|Abb\.|Tabelle)\s*"
                     r"(?:[A-Z]?\d+(?:\.\d+)?|[IVX]+)\s*[.:|]")
_TABLE_CAPTION = re.compile(r"^(?:Table|TABLE|Tab\.|Tabelle)")
#: Lines that belong to the publisher, not the paper: venue, copyright, permission, identifiers.
BOILERPLATE = re.compile(
    r"permission to make digital|copyright|©|\(c\)\s*\d{4}|\bisbn\b|doi\.org/|^proceedings of|association for computational "
    r"linguistics|^arxiv:\d{4}\.\d{4,5}|under review|published as a (?:conference|workshop) paper|licensed under|"
    r"creative commons|^authors?'? addresses|publication date:|^\d{4}-\d{3}[\dx]/\d{4}|all rights reserved|"
    r"^in proceedings|conference on|workshop on|symposium on|transactions on", re.IGNORECASE)
#: How a footnote starts: its number or symbol.
#: The identifier arXiv stamps in the margin of page one.
_STAMP = re.compile(r"^arXiv:\d{4}\.\d{4,5}(?:v\d+)?\s+\[")
_MARKER = re.compile(r"^(?:\d{1,2}(?!\d)|[*†‡§¶∗⋆♠♣♥♦])")
_NUMERIC = re.compile(r"\d")
#: Footnotes and boilerplate at the bottom of a column are at most this many lines.
_MAX_BLOCK = 16


@dataclass
class Extras:
    """What is not body text, kept apart: (text, 1-based page) pairs, tables as (caption, rows, page)."""

    captions: list[tuple[str, int]] = field(default_factory=list)
    tables: list[tuple[str, list[str], int]] = field(default_factory=list)
    footnotes: list[tuple[str, int]] = field(default_factory=list)
    boilerplate: list[tuple[str, int]] = field(default_factory=list)


def classify(pages: list[PageText], body_size: float) -> Extras:
    """Set ``kind`` on every line of ``pages`` (in place) and return what is not body, in reading order."""
    extras = Extras()
    steps = [a.top - b.top for p in pages[:6] for a, b in zip(p.lines, p.lines[1:])
             if abs(a.size - body_size) < 0.6 and abs(b.size - body_size) < 0.6 and 0 < a.top - b.top < 3 * body_size]
    leading = median(steps) if steps else body_size * 1.2
    densities = [(ln.x1 - ln.x0) / len(ln.text) for p in pages[:6] for ln in p.lines if len(ln.text) > 30]
    density = median(densities) if densities else body_size * 0.5
    for page in pages:
        _page(page, body_size, leading, density, extras)
    return extras


def _page(page: PageText, body: float, leading: float, density: float, extras: Extras) -> None:
    groups: dict[str, list[Line]] = {}
    for ln in page.lines:
        groups.setdefault(ln.side, []).append(ln)
    columns = [sorted(g, key=lambda ln: -ln.top) for g in groups.values()]
    body_x = [ln.x0 for ln in page.lines if abs(ln.size - body) < 0.6 and len(ln.text) > 20]
    left = min(body_x) if len(body_x) >= 3 else 0.0
    band = page.height * 0.12
    for ln in page.lines:
        if ln.size < body - 0.5 and (ln.top <= band or ln.top >= page.height - band) and BOILERPLATE.search(ln.text):
            ln.kind = "boilerplate"
        if (left and ln.x1 < left - 4) or (page.index == 0 and _STAMP.match(ln.text)):
            ln.kind = "boilerplate"
    for col in columns:
        _captions(col, body, leading, density, page.index + 1, extras)
        _bottom_block(col, body, page.index + 1, page.height * 0.25, extras)
    publisher = [ln for ln in page.lines if ln.kind == "boilerplate"]
    if publisher:
        extras.boilerplate.append((join_lines(publisher), page.index + 1))


def _cells(ln: Line, density: float) -> bool:
    """Spread out like a row of table cells, or mostly numbers."""
    words = ln.text.split()
    numeric = sum(1 for w in words if _NUMERIC.search(w))
    spread = len(ln.text) > 3 and (ln.x1 - ln.x0) / len(ln.text) > 1.7 * density
    return spread or (len(words) >= 2 and numeric * 2 >= len(words))


def _non_prose(ln: Line, body: float, density: float) -> bool:
    """Set small, spread out like table cells, or mostly numbers: not a sentence of the body."""
    return ln.kind == "body" and (ln.size < body - 0.7 or _cells(ln, density))


def _captions(col: list[Line], body: float, leading: float, density: float, page: int, extras: Extras) -> None:
    for i, ln in enumerate(col):
        if ln.kind != "body" or not CAPTION.match(ln.text) or ln.size > body + 0.6:
            continue
        if i and col[i - 1].kind == "body" and 0 < col[i - 1].top - ln.top < 1.25 * leading and abs(col[i - 1].size - ln.size) < 0.6 \
                and not col[i - 1].text.endswith((".", ":")):
            continue  # the line runs on from the text above: a sentence that starts with "Table 2:"?
        end = i + 1
        step = None
        while end < len(col) and col[end].kind == "body" and abs(col[end].size - ln.size) < 0.6 and not _cells(col[end], density):
            gap = col[end - 1].top - col[end].top
            if gap <= 0 or gap > 1.6 * ln.size + 1 or (step is not None and gap > 1.3 * step):
                break
            step = step or gap
            end += 1
        for c in col[i:end]:
            c.kind = "caption"
        caption = join_lines(col[i:end])
        extras.captions.append((caption, page))
        rows = _around(col, i, end, body, density)
        if _TABLE_CAPTION.match(ln.text) or rows:
            for r in rows:
                r.kind = "table"
            if _TABLE_CAPTION.match(ln.text):
                extras.tables.append((caption, [r.text for r in sorted(rows, key=lambda r: -r.top)], page))


def _around(col: list[Line], start: int, end: int, body: float, density: float) -> list[Line]:
    """The non-prose lines right above and right below a caption: table rows or text inside a figure."""
    found: list[Line] = []
    j = start - 1
    while j >= 0 and _non_prose(col[j], body, density) and col[j].top - col[j + 1].top < 3 * col[j].size:
        found.append(col[j])
        j -= 1
    j = end
    while j < len(col) and _non_prose(col[j], body, density) and col[j - 1].top - col[j].top < 3 * col[j].size:
        found.append(col[j])
        j += 1
    return found


def _bottom_block(col: list[Line], body: float, page: int, floor: float, extras: Extras) -> None:
    """Footnotes or a permission block: small type at the bottom of a column (its last line below ``floor``)."""
    block: list[Line] = []
    for ln in reversed(col):
        if ln.kind != "body" and ln.kind != "boilerplate":
            break
        if ln.kind == "boilerplate":
            continue
        if ln.size >= body - 0.7 or len(block) >= _MAX_BLOCK:
            break
        if (block and ln.top - block[-1].top > 2.2 * max(ln.size, block[-1].size, 0.8 * body)) or (not block and ln.top > floor):
            break
        block.append(ln)
    if not block:
        return
    block.reverse()
    publisher = any(BOILERPLATE.search(ln.text) for ln in block)
    if not publisher and not _MARKER.match(block[0].text):
        return
    if publisher:
        for ln in block:
            ln.kind = "boilerplate"
        return
    notes: list[list[Line]] = []
    smallest = min(ln.size for ln in block)
    for ln in block:
        ln.kind = "footnote"
        if not notes or (_MARKER.match(ln.text) and ln.size <= smallest + 0.3):
            notes.append([])
        notes[-1].append(ln)
    extras.footnotes += [(join_lines(n), page) for n in notes]
