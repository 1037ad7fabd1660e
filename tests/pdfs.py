"""Test-only PDF factory: real PDFs, made on the spot with reportlab and pypdf.

Every maker takes the path to write and returns it. The body text of the paper
makers is built from numbered sentences (see :func:`finding`), so a test can check
that every sentence came out whole and in reading order::

    from tests.pdfs import two_column_paper, finding_numbers
    pdf = two_column_paper(tmp_path / "p.pdf", pages=4)
    assert finding_numbers(paper.body_text) == list(range(1, n + 1))

Papers laid out like real ones (ACL, ACM CHI, ACM journal, arXiv preprint, a German
paper), with footnotes, floats, running headers and publisher lines, are made by
``tests/intake/_layouts.py``.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import reportlab
from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

TITLE = "Careful Extraction of Two-Column Research Papers"
AUTHORS = ["Maria Lindqvist", "Tomás Okafor", "Wen Zhao"]
AFFILIATION = "Department of Computer Science, Example University"
ABSTRACT = (
    "We study how text is read out of research papers set in two columns. "
    "A small extractor keeps every sentence whole, removes running headers and page numbers, "
    "and keeps the references apart from the body. On our test papers it reads sentences in order."
)
HEADER = "Preprint. Careful Extraction of Two-Column Research Papers"
REFERENCES = [
    "[1] A. Author and B. Writer. Reading PDFs at scale. Journal of Documents, 12(3):45-67, 2021.",
    "[2] C. Person. Columns, headers and other traps. In Proceedings of the Layout Workshop, 2022.",
    "[3] D. Scholar, E. Student. Hyphenation in the wild. arXiv preprint arXiv:2301.00001, 2023.",
]
_FINDING = re.compile(r"Finding (\d{4}) shows that careful extraction keeps every sentence whole and in order\.")


def finding(n: int) -> str:
    """The n-th numbered body sentence."""
    return f"Finding {n:04d} shows that careful extraction keeps every sentence whole and in order."


def finding_numbers(text: str) -> list[int]:
    """The numbers of the intact numbered sentences in ``text``, in the order they appear."""
    return [int(m) for m in _FINDING.findall(" ".join(text.split()))]


def vera_font() -> str:
    """Register reportlab's bundled Vera TTF (it has the fi and fl ligature glyphs) and return its name."""
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")))
    return "Vera"


# --- a tiny typesetter ------------------------------------------------------------------


@dataclass
class _Layout:
    columns: int = 2
    header: str = HEADER
    page_numbers: bool = True
    right_column_first: bool = False
    body_font: str = "Times-Roman"
    body_size: float = 10
    leading: float = 12.5
    margin: float = 54
    gutter: float = 18


@dataclass
class _Typesetter:
    """Lays headings and paragraphs into one or two columns, page after page."""

    path: Path
    layout: _Layout
    c: canvas.Canvas = field(init=False)
    page_no: int = 0
    column: int = 0
    y: float = 0
    top: float = 0
    #: Lines of the current page: (column, x, y, font, size, text); drawn at page end.
    pending: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.c = canvas.Canvas(str(self.path), pagesize=letter, invariant=1)
        self.c.setTitle(TITLE)
        self.c.setAuthor(", ".join(AUTHORS))
        self.width, self.height = letter
        self._new_page()

    # geometry
    @property
    def col_width(self) -> float:
        lay = self.layout
        usable = self.width - 2 * lay.margin
        return usable if lay.columns == 1 else (usable - lay.gutter) / 2

    def _col_x(self, col: int) -> float:
        return self.layout.margin + col * (self.col_width + self.layout.gutter)

    def _new_page(self) -> None:
        if self.page_no:
            self._flush_page()
        self.page_no += 1
        self.column = 0
        self.top = self.height - 72
        self.y = self.top

    def _flush_page(self) -> None:
        lay, c = self.layout, self.c
        if lay.header:
            c.setFont("Helvetica", 8)
            c.drawString(lay.margin, self.height - 40, lay.header)
        order = sorted(self.pending, key=lambda p: p[0] != (1 if lay.right_column_first else 0))
        for _col, x, y, font, size, text in order:
            c.setFont(font, size)
            c.drawString(x, y, text)
        if lay.page_numbers:
            c.setFont("Helvetica", 9)
            c.drawCentredString(self.width / 2, 36, str(self.page_no))
        c.showPage()
        self.pending = []

    def _advance(self, height: float) -> None:
        if self.y - height < 72:
            if self.column + 1 < self.layout.columns:
                self.column += 1
                self.y = self.top
            else:
                self._new_page()
        self.y -= height

    # content
    def full_width(self, text: str, font: str, size: float, *, centred: bool = False, gap: float = 0) -> None:
        """A line across the whole page (title block); only before the columns start."""
        self.y -= size * 1.3 + gap
        self.c.setFont(font, size)
        if centred:
            self.c.drawCentredString(self.width / 2, self.y, text)
        else:
            self.c.drawString(self.layout.margin, self.y, text)

    def full_width_paragraph(self, text: str, font: str, size: float) -> None:
        for line in _wrap(text, font, size, self.width - 2 * self.layout.margin):
            self.full_width(line, font, size)

    def start_columns(self, gap: float = 14) -> None:
        self.top = self.y - gap
        self.y = self.top

    def heading(self, text: str) -> None:
        self._advance(self.layout.leading * 0.6)
        self.line(text, "Times-Bold", 11)

    def line(self, text: str, font: str | None = None, size: float | None = None) -> None:
        self._advance(self.layout.leading)
        self.pending.append((self.column, self._col_x(self.column), self.y, font or self.layout.body_font, size or self.layout.body_size, text))

    def paragraph(self, text: str, font: str | None = None) -> None:
        font = font or self.layout.body_font
        for line in _wrap(text, font, self.layout.body_size, self.col_width):
            self.line(line, font)
        self._advance(self.layout.leading * 0.4)

    def save(self) -> Path:
        self._flush_page()
        self.c.save()
        return self.path


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
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


def _title_block(t: _Typesetter) -> None:
    t.full_width(TITLE, "Helvetica-Bold", 17, centred=True, gap=6)
    t.full_width(", ".join(AUTHORS), "Helvetica", 11, centred=True, gap=6)
    t.full_width(AFFILIATION, "Helvetica-Oblique", 9, centred=True)
    t.full_width("Abstract", "Helvetica-Bold", 11, gap=10)
    t.full_width_paragraph(ABSTRACT, "Times-Roman", 10)


def _numbered_body(t: _Typesetter, findings: int, sections: list[str]) -> None:
    per_section = max(1, findings // len(sections))
    n = 0
    for i, heading in enumerate(sections, start=1):
        t.heading(f"{i} {heading}")
        last = findings if i == len(sections) else min(findings, n + per_section)
        while n < last:
            chunk = range(n + 1, min(last, n + 6) + 1)
            t.paragraph(" ".join(finding(k) for k in chunk))
            n = chunk[-1]


def _references(t: _Typesetter) -> None:
    t.heading("References")
    for ref in REFERENCES:
        t.paragraph(ref)


SECTIONS = ["Introduction", "Method", "Results", "Discussion", "Conclusion"]


# --- the makers ----------------------------------------------------------------------


def one_column_paper(path: Path, *, findings: int = 60) -> Path:
    """A one-column paper: title block, abstract, five numbered sections, references."""
    t = _Typesetter(Path(path), _Layout(columns=1))
    _title_block(t)
    t.start_columns()
    _numbered_body(t, findings, SECTIONS)
    _references(t)
    return t.save()


def two_column_paper(path: Path, *, findings: int = 150, right_column_first: bool = False, header: str = HEADER) -> Path:
    """A two-column paper with a running header and a page number on every page.

    ``right_column_first`` draws each page's right column first in the content
    stream, so a reader that follows the stream order gets the columns backwards.
    """
    t = _Typesetter(Path(path), _Layout(columns=2, right_column_first=right_column_first, header=header))
    _title_block(t)
    t.start_columns()
    _numbered_body(t, findings, SECTIONS)
    _references(t)
    return t.save()


def pages_of(path: Path) -> int:
    """How many pages a PDF has (via pypdf, independent of the code under test)."""
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def long_paper(path: Path, *, pages: int = 120, header: str = "Long Report on Everything") -> Path:
    """A one-column paper with exactly ``pages`` pages, quick to make (a different ``header``, different bytes)."""
    t = _Typesetter(Path(path), _Layout(columns=1, header=header))
    _title_block(t)
    t.start_columns()
    t.heading("1 Introduction")
    n = 0
    while t.page_no < pages:
        n += 1
        t.paragraph(" ".join(finding(k) for k in range(5 * n - 4, 5 * n + 1)))
    return t.save()


HYPHEN_LINES = [
    "Reading papers well needs careful hyphen-",
    "ation repair, because typesetters split long words at the end of",
    "a line. A real compound such as two-column stays as it is when it sits",
    "inside a line, and so does state-of-the-art in the middle of this one.",
    "Only a break at the end of a line, like this one in the word extrac-",
    "tion, is joined back together into a whole word again.",
]


def hyphenated_paper(path: Path) -> Path:
    """One page with words broken across lines by a hyphen, plus real hyphens inside lines."""
    return line_break_paper(path, HYPHEN_LINES, title="Hyphenation Test Paper")


#: "two-" + "column" breaks at a line end and the paper also writes "two-column" inside a
#: line, so the hyphen stays; "extrac-" + "tion" has no such evidence and is joined.
COMPOUND_BREAK_LINES = (
    "Most papers are set in a two-column layout, and this page is no exception to",
    "that rule: the text below was typeset in a narrow two-",
    "column block, and the long word extrac-",
    "tion was split by the typesetter at the end of a line.",
)


def line_break_paper(path: Path, lines: tuple[str, ...] = COMPOUND_BREAK_LINES, *, title: str = "Line Break Test Paper",
                     repeat: int = 4) -> Path:
    """One page of ``lines`` drawn as given, ``repeat`` times, so a test decides which words break at a line end."""
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, 700, title)
    c.setFont("Times-Roman", 11)
    y = 660
    for _ in range(repeat):
        for line in lines:
            c.drawString(72, y, line)
            y -= 14
        y -= 8
    c.showPage()
    c.save()
    return Path(path)


#: Vera has the fi (U+FB01) and fl (U+FB02) ligature glyphs, not ff/ffi.
LIGATURE_TEXT = "The \ufb01ne-tuning \ufb02ow gives signi\ufb01cant bene\ufb01ts for \ufb01eld work and \ufb02exible \ufb01les."


def ligature_paper(path: Path) -> Path:
    """One page whose words are drawn with real ligature characters (U+FB00-FB03) in a TTF font."""
    font = vera_font()
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.setFont(font, 16)
    c.drawString(72, 700, "Ligature Test Paper")
    c.setFont(font, 10)
    y = 660
    for _ in range(12):
        c.drawString(72, y, LIGATURE_TEXT)
        y -= 14
    c.showPage()
    c.save()
    return Path(path)


def image_only_pdf(path: Path, *, pages: int = 2) -> Path:
    """Pages that carry only a picture (like a scan): no text objects at all."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (400, 520), 255)
    draw = ImageDraw.Draw(img)
    for row in range(40, 500, 14):
        draw.rectangle((30, row, 370 - (row % 50), row + 6), fill=40)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    from reportlab.lib.utils import ImageReader

    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for _ in range(pages):
        c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 72, 120, width=468, height=608)
        c.showPage()
    c.save()
    return Path(path)


def encrypted_pdf(path: Path, *, password: str = "s3cret") -> Path:
    """A good paper locked with a user password (needs the password to open)."""
    from pypdf import PdfReader, PdfWriter

    plain = Path(path).with_suffix(".plain.pdf")
    one_column_paper(plain)
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    with open(path, "wb") as f:
        writer.write(f)
    plain.unlink()
    return Path(path)


def truncated_pdf(path: Path, *, keep: float = 0.6) -> Path:
    """A good paper cut off after ``keep`` of its bytes, like an interrupted download."""
    data = one_column_paper(Path(path)).read_bytes()
    Path(path).write_bytes(data[: int(len(data) * keep)])
    return Path(path)


def zero_byte_pdf(path: Path) -> Path:
    Path(path).write_bytes(b"")
    return Path(path)


LOGIN_PAGE = b"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="utf-8"><title>Slack</title></head>
<body><div id="page"><h1>Sign in to your workspace</h1>
<form action="/signin" method="post"><input type="text" name="domain"></form></div></body></html>
"""


def html_login_page(path: Path) -> Path:
    """What Slack sends instead of the file when the token is missing: its sign-in page, named .pdf."""
    Path(path).write_bytes(LOGIN_PAGE)
    return Path(path)
