"""A small typesetter for test papers laid out like real ones (see ``tests/intake/_layouts.py``).

It places headings (one or more lines), paragraphs, figures with captions, tables
with captions and footnotes into one or two columns, and draws running headers
(one or two lines, different on odd and even pages), page numbers, and on the
first page a venue footer, a permission block and an arXiv stamp in the margin,
exactly where real papers put them, so the extractor meets what it meets in life.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

Header = Callable[[int], list[str]]
#: Combining accents in a text, and the spacing glyph drawn for each over its letter.
_ACCENTS = {"\u0308": "\u00a8", "\u0301": "\u00b4"}


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and pdfmetrics.stringWidth(trial, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


@dataclass
class Page:
    columns: int = 2
    margin: float = 54
    gutter: float = 20
    body_font: str = "Times-Roman"
    body_size: float = 10
    leading: float = 12
    heading_font: str = "Times-Bold"
    heading_size: float = 11
    small_size: float = 8
    #: Running header lines for a page number (1-based); empty for none.
    header: Header = lambda page: []
    page_numbers: bool = True


@dataclass
class Composer:
    """Front matter is drawn by the caller with :attr:`c`; then :meth:`start_columns` and the body."""

    path: Path
    page: Page
    title: str = ""
    author: str = ""
    c: canvas.Canvas = field(init=False)
    page_no: int = 1
    column: int = 0
    y: float = 0
    top: float = 0
    floors: list[float] = field(default_factory=list)
    first_page_extras: list[Callable[["Composer"], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.c = canvas.Canvas(str(self.path), pagesize=letter, invariant=1)
        if self.title:
            self.c.setTitle(self.title)
        if self.author:
            self.c.setAuthor(self.author)
        self.width, self.height = letter
        self.y = self.top = self.height - 66
        self.floors = [66.0] * self.page.columns
        if self.first_page_extras:
            self.floors = [76.0] * self.page.columns

    # geometry ---------------------------------------------------------------------------
    @property
    def col_width(self) -> float:
        usable = self.width - 2 * self.page.margin
        return usable if self.page.columns == 1 else (usable - self.page.gutter) / 2

    def col_x(self, col: int | None = None) -> float:
        col = self.column if col is None else col
        return self.page.margin + col * (self.col_width + self.page.gutter)

    def text(self, x: float, y: float, s: str, font: str, size: float, *, centre: bool = False, right: bool = False) -> None:
        """Draw ``s``; a combining accent in it (U+0301, U+0308) is drawn after the line, over its letter, as LaTeX does."""
        plain = "".join(ch for ch in s if ch not in _ACCENTS)
        width = pdfmetrics.stringWidth(plain, font, size)
        x0 = x - width / 2 if centre else x - width if right else x
        self.c.setFont(font, size)
        self.c.drawString(x0, y, plain)
        at = 0
        for ch in s:
            if ch in _ACCENTS:
                before = pdfmetrics.stringWidth(plain[: at - 1], font, size)
                letter_w = pdfmetrics.stringWidth(plain[at - 1], font, size)
                accent_w = pdfmetrics.stringWidth(_ACCENTS[ch], font, size)
                self.c.drawString(x0 + before + (letter_w - accent_w) / 2, y, _ACCENTS[ch])
            else:
                at += 1

    def start_columns(self, y: float) -> None:
        self.y = self.top = y

    def reserve_bottom(self, col: int, height: float) -> float:
        """Raise the floor of column ``col`` on this page by ``height``; return the old floor."""
        old = self.floors[col]
        self.floors[col] += height
        return old

    def _end_page(self) -> None:
        for i, line in enumerate(self.page.header(self.page_no)):
            self.text(self.page.margin, self.height - 36 - 10 * i, line, "Helvetica", 8)
        if self.page.page_numbers:
            self.text(self.width / 2, 34, str(self.page_no), "Times-Roman", 9, centre=True)
        if self.page_no == 1:
            for extra in self.first_page_extras:
                extra(self)
        self.c.showPage()
        self.page_no += 1
        self.column = 0
        self.y = self.top = self.height - 66
        self.floors = [66.0] * self.page.columns

    def need(self, height: float) -> None:
        """Move to the next column or page unless ``height`` fits in the current column."""
        if self.y - height < self.floors[self.column]:
            if self.column + 1 < self.page.columns:
                self.column += 1
                self.y = self.top
            else:
                self._end_page()

    # content ----------------------------------------------------------------------------
    def line(self, s: str, font: str | None = None, size: float | None = None, *, leading: float | None = None) -> None:
        self.need(leading or self.page.leading)
        self.y -= leading or self.page.leading
        self.text(self.col_x(), self.y, s, font or self.page.body_font, size or self.page.body_size)

    def heading(self, *lines: str) -> None:
        """A heading of one or more lines, kept together with the next body line."""
        p = self.page
        self.need(p.leading * (len(lines) + 2))
        self.y -= p.leading * 0.5
        for s in lines:
            self.line(s, p.heading_font, p.heading_size)

    def paragraph(self, text: str, *, footnote: str = "", font: str | None = None) -> None:
        if footnote:
            self.footnote(footnote)
        for s in wrap(text, font or self.page.body_font, self.page.body_size, self.col_width):
            self.line(s, font)
        self.y -= self.page.leading * 0.4

    def footnote(self, text: str) -> None:
        """A footnote at the bottom of the current column (moves on first if it would not fit)."""
        p = self.page
        lines = wrap(text, p.body_font, p.small_size, self.col_width - 6)
        height = len(lines) * (p.small_size + 1.5) + 8
        if self.y - height - 3 * p.leading < self.floors[self.column]:
            self.need(10_000)
        old = self.reserve_bottom(self.column, height)
        y = old + height - 8
        self.c.setLineWidth(0.4)
        self.c.line(self.col_x(), y + 4, self.col_x() + 50, y + 4)
        for i, s in enumerate(lines):
            y -= p.small_size + 1.5
            mark = s[: len(s) - len(s.lstrip("0123456789*\u2217\u2020"))] if i == 0 else ""
            if mark:
                self.text(self.col_x(), y + 3, mark, p.body_font, p.small_size * 0.7)
            self.text(self.col_x() + (4 if mark else 0), y, s[len(mark):], p.body_font, p.small_size)

    def figure(self, caption: str, *, height: float = 90) -> None:
        """A grey box standing for a figure, with its caption (smaller type) below."""
        p = self.page
        lines = wrap(caption, p.body_font, p.small_size + 1, self.col_width)
        self.need(height + len(lines) * 11 + 22)
        self.y -= height + 10
        self.c.setFillGray(0.85)
        self.c.rect(self.col_x() + 10, self.y, self.col_width - 20, height - 8, fill=1, stroke=0)
        self.c.setFillGray(0)
        self.y -= 4
        for s in lines:
            self.line(s, p.body_font, p.small_size + 1, leading=11)
        self.y -= 8

    def table(self, caption: str, rows: list[list[str]]) -> None:
        """A table: caption above, then the rows with their cells at fixed offsets."""
        p = self.page
        lines = wrap(caption, p.body_font, p.small_size + 1, self.col_width)
        self.need(len(lines) * 11 + len(rows) * 11 + 26)
        self.y -= 10
        for s in lines:
            self.line(s, p.body_font, p.small_size + 1, leading=11)
        self.y -= 4
        cell = self.col_width / len(rows[0])
        for r, row in enumerate(rows):
            self.y -= 11
            for i, value in enumerate(row):
                self.text(self.col_x() + i * cell, self.y, value, "Times-Bold" if r == 0 else p.body_font, p.small_size + 1)
        self.y -= 10

    def save(self) -> Path:
        self._end_page()
        self.c.save()
        return self.path


# --- first-page extras ---------------------------------------------------------------------


def venue_footer(lines: list[str]) -> Callable[[Composer], None]:
    """Lines centred at the very bottom of the first page (ACL's proceedings footer)."""

    def draw(t: Composer) -> None:
        for i, s in enumerate(lines):
            t.text(t.width / 2, 56 - 9 * i, s, "Times-Roman", 8, centre=True)

    return draw


def arxiv_stamp(stamp: str) -> Callable[[Composer], None]:
    """The vertical arXiv identifier arXiv prints in the left margin of page one."""

    def draw(t: Composer) -> None:
        t.c.saveState()
        t.c.translate(30, 250)
        t.c.rotate(90)
        t.c.setFillGray(0.5)
        t.c.setFont("Times-Roman", 20)
        t.c.drawString(0, 0, stamp)
        t.c.restoreState()

    return draw


def bottom_block(t: Composer, col: int, text: str, size: float = 7.5) -> None:
    """A block of small type at the bottom of column ``col`` of the current page (a permission block)."""
    lines = [s for para in text.split("\n") for s in wrap(para, "Times-Roman", size, t.col_width)]
    height = len(lines) * (size + 1.5) + 6
    old = t.reserve_bottom(col, height)
    y = old + height - 6
    for s in lines:
        y -= size + 1.5
        t.text(t.col_x(col), y, s, "Times-Roman", size)


def marked_name(t: Composer, x: float, y: float, name: str, mark: str, font: str, size: float) -> float:
    """A name with a raised, smaller affiliation marker after it; return the end x."""
    t.text(x, y, name, font, size)
    x += pdfmetrics.stringWidth(name, font, size)
    if mark:
        t.text(x + 0.5, y + size * 0.38, mark, font, size * 0.6)
        x += pdfmetrics.stringWidth(mark, font, size * 0.6) + 0.5
    return x
