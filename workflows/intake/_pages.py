"""Read a PDF's pages into positioned lines, in reading order, with pypdfium2.

pdfium gives the page text in content-stream order, split into lines. We keep its
text (it already handles spacing and marks line-end hyphens with U+FFFE) and ask it
only where each line starts and ends, which is cheap: a few calls per line rather
than per character. On two-column pages we then put the left column before the
right one, band by band between full-width lines (title block, wide figures).
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from workflows.intake._chars import DETACHED, Span, attach_accents, line_spans
from workflows.intake.errors import DamagedPdf, PasswordProtected

#: A line's text without surrounding blanks, as group 1 (blank lines never match).
_LINE = re.compile(r"[^\S\r\n]*([^\r\n]*\S)")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|cmbx|medi", re.IGNORECASE)


@dataclass(slots=True)
class Line:
    """One line of text on a page; coordinates in PDF points, y grows upwards."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    size: float
    bold: bool = False
    #: What the line is: "body", or "caption", "table", "footnote", "boilerplate" (set by ``_layout``).
    kind: str = "body"
    #: "L" or "R": in the left or right column of a two-column page; "S": across (or a one-column page).
    side: str = "S"
    #: Its characters in runs of one size, once :func:`read_spans` has read them (the author block only).
    spans: list[Span] | None = None
    #: Indices of its first and last character on the page (for :func:`read_spans`).
    chars: tuple[int, int] = (-1, -1)


@dataclass(slots=True)
class PageText:
    index: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    two_columns: bool = False
    #: pdfium's page and text page, kept open by ``read_page(..., keep=True)`` until :meth:`close`.
    handles: tuple | None = None

    def close(self) -> None:
        if self.handles is not None:
            for handle in reversed(self.handles):
                handle.close()
            self.handles = None

    @property
    def char_count(self) -> int:
        return sum(len(line.text.strip()) for line in self.lines)


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF, turning pdfium's failures into errors a person can act on."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise PasswordProtected() from None
        raise DamagedPdf(_pdfium_reason(getattr(e, "err_code", None))) from None


def document_metadata(doc: pdfium.PdfDocument) -> dict[str, str]:
    try:
        return {k: v for k, v in doc.get_metadata_dict(skip_empty=True).items() if isinstance(v, str)}
    except pdfium.PdfiumError:
        return {}


def read_page(doc: pdfium.PdfDocument, index: int, *, styles: bool = False, keep: bool = False) -> PageText:
    """The lines of page ``index`` in reading order. ``styles`` also reads bold for every line;
    ``keep`` keeps the page open for :func:`read_spans` (close it with ``PageText.close``)."""
    try:
        page = doc[index]
    except pdfium.PdfiumError:
        raise DamagedPdf(f"page {index + 1} cannot be loaded") from None
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            lines = _lines(textpage, index, styles=styles)
        finally:
            if not keep:
                textpage.close()
    finally:
        if not keep:
            page.close()
    result = PageText(index=index, width=width, height=height, lines=lines, handles=(page, textpage) if keep else None)
    _order_columns(result)
    return result


def _lines(textpage: pdfium.PdfTextPage, page_index: int, *, styles: bool) -> list[Line]:
    """One Line per text line pdfium reports; a handful of raw pdfium calls per line (this is the hot loop)."""
    text = textpage.get_text_range()
    raw = textpage.raw
    char_index, char_box, font_size = (
        pdfium_c.FPDFText_GetCharIndexFromTextIndex, pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetFontSize
    )  # fmt: skip
    # The loose box (font ascent to descent) is 3x cheaper to ask for than the tight one.
    rect = pdfium_c.FS_RECTF()
    box = ctypes.byref(rect)
    same_index = _text_index_is_char_index(textpage, text)
    lines: list[Line] = []
    for m in _LINE.finditer(text):
        if same_index:
            first, last = m.start(1), m.end(1) - 1
        else:
            first, last = char_index(raw, m.start(1)), char_index(raw, m.end(1) - 1)
        if first < 0 or last < 0:
            continue
        char_box(raw, last, box)
        x1 = rect.right
        char_box(raw, first, box)
        left, top = rect.left, rect.top
        stripped = m.group(1)
        if DETACHED.search(stripped) and (fixed := attach_accents(raw, first, last)):
            stripped, x1 = fixed
        line = Line(stripped, page_index, left, max(x1, left), top, font_size(raw, first), chars=(first, last))
        if styles or _could_be_heading(stripped) or (lines and lines[-1].bold and len(stripped) < 90):
            line.bold = _is_bold(raw, first)
        lines.append(line)
    return lines


def read_spans(page: PageText, lines: list[Line]) -> None:
    """Read the character spans of ``lines`` on ``page`` (kept open): a few calls per character, so only for a few lines."""
    if page.handles is None:
        return
    raw = page.handles[1].raw
    for line in lines:
        if line.spans is None and line.chars[0] >= 0 and line.page == page.index:
            line.spans = line_spans(raw, *line.chars)


def _text_index_is_char_index(textpage: pdfium.PdfTextPage, text: str) -> bool:
    """True when pdfium inserted or dropped no characters, so text offsets are char indices (the usual case)."""
    n = textpage.count_chars()
    if n != len(text) or n == 0:
        return False
    to_text = pdfium_c.FPDFText_GetTextIndexFromCharIndex
    return all(to_text(textpage.raw, i) == i for i in (0, n // 3, 2 * n // 3, n - 1))


_HEADING_START = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,2}\.?|[IVX]{1,5}\.)\s+[A-Z]")


def _could_be_heading(text: str) -> bool:
    """Cheap pre-filter: only these lines get their font looked up."""
    return len(text) < 40 or (len(text) < 90 and _HEADING_START.match(text) is not None)


def _is_bold(textpage, char: int) -> bool:
    weight = pdfium_c.FPDFText_GetFontWeight(textpage, char)
    if weight >= 600:
        return True
    buf = ctypes.create_string_buffer(128)
    n = pdfium_c.FPDFText_GetFontInfo(textpage, char, buf, len(buf), None)
    return bool(n) and bool(_BOLD_NAME.search(buf.value.decode("latin-1", "replace")))


def _order_columns(page: PageText) -> None:
    """Left column before right column, band by band; pdfium's order is kept within a column."""
    mid, tol = page.width / 2, page.width * 0.02
    for ln in page.lines:
        ln.side = _side(ln, mid, tol)
    left = [ln for ln in page.lines if ln.side == "L"]
    right = [ln for ln in page.lines if ln.side == "R"]
    if not (_is_text_column(left, page.width) and _is_text_column(right, page.width)):
        for ln in page.lines:
            ln.side = "S"
        return
    page.two_columns = True
    spanning = sorted((ln for ln in page.lines if ln.side == "S"), key=lambda ln: -ln.top)
    # Bands: between consecutive full-width lines, top to bottom.
    cuts = [float("inf")] + [ln.top for ln in spanning] + [float("-inf")]
    ordered: list[Line] = []
    for upper, lower, sep in zip(cuts, cuts[1:], spanning + [None]):
        band = [ln for ln in page.lines if ln.side != "S" and lower < ln.top <= upper]
        ordered += [ln for ln in band if ln.side == "L"]
        ordered += [ln for ln in band if ln.side == "R"]
        if sep is not None:
            ordered.append(sep)
    page.lines = ordered


def _side(line: Line, mid: float, tol: float) -> str:
    """L: left of the gutter, R: right of it, S: across it (or centred on it, like a page number)."""
    if line.x1 <= mid + tol and line.x0 < mid - tol:
        return "L"
    if line.x0 >= mid - tol and line.x1 > mid + tol:
        return "R"
    return "S"


def _is_text_column(lines: list[Line], page_width: float) -> bool:
    """At least a few lines that are wide enough to be running text."""
    wide = [ln for ln in lines if ln.x1 - ln.x0 > page_width * 0.25]
    return len(wide) >= 5


def _pdfium_reason(code: int | None) -> str:
    return {
        pdfium_c.FPDF_ERR_FILE: "the file could not be opened",
        pdfium_c.FPDF_ERR_FORMAT: "its structure is broken or it is cut off",
        pdfium_c.FPDF_ERR_SECURITY: "it uses an unsupported security handler",
        pdfium_c.FPDF_ERR_PAGE: "a page is missing or broken",
    }.get(code, "pdfium could not read it")
