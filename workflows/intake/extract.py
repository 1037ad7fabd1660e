"""Turn a PDF into a :class:`~workflows.intake.paper.Paper`, or refuse it with a reason.

Order of checks: the bytes (empty, HTML, not a PDF, too large, cut off), then
opening (damaged, password), then the page count, then the text (none at all:
scanned; too little: not a paper), then the language (when the caller gives the
show's). Long papers are not refused but condensed, and ``Paper.warnings`` says
exactly which pages were kept.

Reading goes: pages into positioned lines (``_pages``), lines repaired (``_repair``),
each line told body or not (``_layout``: captions, tables, footnotes, publisher
lines), and the body lines split into the paper's parts (``_structure``).

The bot reads PDFs with :func:`extract_in_worker`: in a warm worker process, so a
file that crashes or hangs the reader is refused instead of taking the bot down, and
parsing pages never holds the interpreter lock that acknowledging Slack needs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from workflows.intake._layout import classify
from workflows.intake._pages import PageText, document_metadata, open_pdf, read_page, read_spans
from workflows.intake._repair import body_font_size, clean_line, mend_broken_words, strip_running_lines
from workflows.intake._structure import split_paper
from workflows.intake.download import check_download, size_limit
from workflows.intake.errors import (DamagedPdf, FileTooLarge, NoExtractableText, ReaderFailed, TooLittleText,
                                     TooManyPages)
from workflows.intake.language import check_language, detect_language
from workflows.intake.paper import Caption, Note, Paper, Section, Table
from workflows.settings import Intake
from workflows.worker import WorkerPool

#: Below this many characters on all pages together, the PDF has no usable text.
_MIN_CHARS = 100
#: The PDF spec puts %%EOF within the last KiB; without it the file was cut off.
_EOF_WINDOW = 1024

#: One warm reader process, started by the first PDF (a second one runs beside it when two arrive at once).
READERS = WorkerPool("papercast-pdf", keep=1)


def extract_in_worker(pdf: Path, intake: Intake, *, show_language: str | None = None) -> Paper:
    """:func:`extract_paper` in a worker process; a crash there, or reading past
    ``intake.read_timeout_seconds``, is a :class:`ReaderFailed` refusal here."""
    return READERS.run("workflows.intake.extract:extract_paper",
                       {"pdf": Path(pdf), "intake": intake, "show_language": show_language},
                       failed=ReaderFailed, timeout=intake.read_timeout_seconds)


def extract_paper(pdf: Path, intake: Intake, *, show_language: str | None = None) -> Paper:
    """Read ``pdf`` within the limits of ``intake``; raise an IntakeError subclass if it cannot be used.

    With ``show_language`` (the show's ``language``), a paper detected to be in another
    language is refused (:class:`WrongLanguage`) unless ``intake.allow_other_languages``.
    """
    pdf = Path(pdf)
    data_size = pdf.stat().st_size
    max_bytes = size_limit(intake)
    if data_size > max_bytes:
        raise FileTooLarge(max_bytes, data_size)
    check_download(pdf)
    _check_complete(pdf, data_size)

    doc = open_pdf(pdf)
    pages: list[PageText] = []
    try:
        page_count = len(doc)
        if page_count > intake.max_pages:
            raise TooManyPages(page_count, intake.max_pages)
        pages_kept = min(page_count, intake.long_paper_pages)
        pages = [read_page(doc, i, styles=i == 0, keep=i == 0) for i in range(pages_kept)]
        metadata = document_metadata(doc)
        if sum(p.char_count for p in pages) < _MIN_CHARS:
            raise NoExtractableText(page_count)
        warnings = _blank_page_warning(pages)
        for page in pages:
            for line in page.lines:
                line.text = clean_line(line.text)
            page.lines = [line for line in page.lines if line.text]
        mend_broken_words(pages)
        strip_running_lines(pages)
        extras = classify(pages, body_font_size([line for page in pages for line in page.lines]))
        body = [line for page in pages for line in page.lines if line.kind == "body"]
        parts = split_paper(body, metadata, spans=lambda lines: read_spans(pages[0], lines))
    finally:
        if pages:
            pages[0].close()
        doc.close()

    if not parts.title:
        parts.title = pdf.stem.replace("_", " ").replace("-", " ")
        warnings.append(f"No title was found in the PDF, so the file name \"{pdf.name}\" is used as the title.")
    warnings += parts.notes
    if page_count > pages_kept:
        warnings.append(_long_paper_warning(page_count, pages_kept, parts.references_page))
    if parts.appendix_dropped:
        warnings.append("The appendix after the references was left out of the episode.")

    body_text = "\n\n".join(_section_text(s) for s in parts.sections).strip()
    words = len(body_text.split())
    if words < intake.min_words:
        raise TooLittleText(words, intake.min_words)
    paper = Paper(
        title=parts.title,
        authors=[a.name for a in parts.authors],
        author_details=parts.authors,
        abstract=parts.abstract,
        sections=parts.sections,
        body_text=body_text,
        references=parts.references,
        captions=[Caption(text=t, page=p) for t, p in extras.captions],
        tables=[Table(caption=c, rows=rows, page=p) for c, rows, p in extras.tables],
        footnotes=[Note(text=t, page=p) for t, p in extras.footnotes],
        front_matter=[Note(text=t, page=p) for t, p in extras.boilerplate + parts.front_matter],
        language=detect_language(f"{parts.abstract}\n{body_text}"),
        page_count=page_count,
        pages_kept=pages_kept,
        sha256=_sha256(pdf),
        warnings=warnings,
    )
    if show_language is not None:
        check_language(paper, show_language, intake)
    return paper


def _check_complete(pdf: Path, size: int) -> None:
    with pdf.open("rb") as f:
        f.seek(max(0, size - _EOF_WINDOW))
        tail = f.read()
    if b"%%EOF" not in tail:
        raise DamagedPdf("it ends without the %%EOF marker, so it was cut off (for example by an interrupted download)")


def _section_text(section: Section) -> str:
    return f"{section.heading}\n{section.text}" if section.heading else section.text


def _blank_page_warning(pages: list[PageText]) -> list[str]:
    blank = [p.index + 1 for p in pages if p.char_count == 0]
    if not blank:
        return []
    shown = ", ".join(map(str, blank[:10])) + (", ..." if len(blank) > 10 else "")
    return [f"{len(blank)} page(s) have no readable text (scanned or only figures) and were skipped: page {shown}."]


def _long_paper_warning(page_count: int, kept: int, references_page: int | None) -> str:
    text = (
        f"This paper has {page_count} pages, more than the {kept} papercast reads for one episode: "
        f"the episode is based on pages 1-{kept}; pages {kept + 1}-{page_count} were left out."
    )
    if references_page is not None:
        text += f" The body ends where the references start, on page {references_page + 1}."
    return text


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
