"""Find a paper's parts in its body lines: title, authors, abstract, sections, references.

The lines come in reading order with captions, footnotes and publisher lines
already taken out (``_layout``). The abstract is the labelled one ("Abstract",
"ABSTRACT", "Zusammenfassung", ...) or, without a label, the paragraph between the
author block and the first heading. Front-matter blocks (CCS concepts, keywords,
ACM reference format) are kept apart. A heading set on two lines is one heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from workflows.intake._authors import read_authors
from workflows.intake._pages import Line
from workflows.intake._repair import body_font_size, join_lines
from workflows.intake.paper import Author, Section

_KNOWN_HEADINGS = {
    "introduction", "related work", "background", "preliminaries", "method", "methods", "methodology",
    "approach", "experiments", "experimental setup", "setup", "results", "evaluation", "analysis",
    "discussion", "limitations", "conclusion", "conclusions", "future work", "acknowledgments",
    "acknowledgements", "acknowledgment", "ethics statement", "broader impact",
    "einleitung", "verwandte arbeiten", "methode", "ergebnisse", "diskussion", "fazit", "schluss",
}  # fmt: skip
_NUMBERED = re.compile(r"^(?:(\d{1,2})(?:\.\d{1,2}){0,2}\.?|([IVX]{1,5})\.)\s+(\S.*)$")
_REFERENCES = re.compile(r"^(?:\d{1,2}\.?\s+|[IVX]{1,5}\.\s+)?(references|bibliography|works cited|literature cited|"
                         r"literatur|literaturverzeichnis|références|referencias)\s*:?$", re.IGNORECASE)
_APPENDIX = re.compile(r"^(?:[A-Z]\.?\s+)?(appendix|appendices|supplementary material|anhang)\b", re.IGNORECASE)
#: "Abstract" alone on its line, or followed by punctuation and the text ("Abstract. We...", "Abstract—We...").
_ABSTRACT = re.compile(r"^(?:abstract|zusammenfassung|kurzfassung|résumé|resumen)\s*(?:[-—–:.]\s*(.*))?$", re.IGNORECASE)
#: Front-matter blocks that are not the paper's text: they run to the next heading or block.
_FRONT_LABEL = re.compile(r"^(?:CCS Concepts|Keywords|Key words|Index Terms|Additional Key Words and Phrases|"
                          r"ACM Reference Format|Schlüsselwörter|Schlagwörter)\b", re.IGNORECASE)
#: An abstract without a label has at least this many words and at most this many.
_UNLABELLED_WORDS = (30, 450)


@dataclass
class Parts:
    title: str = ""
    authors: list[Author] = field(default_factory=list)
    abstract: str = ""
    sections: list[Section] = field(default_factory=list)
    references: str = ""
    #: Page (0-based) where the references start, if found.
    references_page: int | None = None
    appendix_dropped: bool = False
    front_matter: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def split_paper(lines: list[Line], metadata: dict[str, str], spans: Callable[[list[Line]], None] | None = None) -> Parts:
    """Split body lines (reading order, headers, captions and footnotes gone) into the parts of a paper.

    ``spans`` reads the character spans of the author block's lines (see ``_pages.read_spans``).
    """
    parts = Parts()
    body_size = body_font_size(lines)
    title_end = _find_title(lines, body_size, metadata, parts)
    headings = _headings(lines, title_end, body_size)
    first_heading = min(headings) if headings else None
    abstract_at = _find_abstract(lines, title_end, first_heading)
    label_at = next((i for i in range(title_end, min(len(lines), title_end + 80)) if _FRONT_LABEL.match(lines[i].text)), None)
    if label_at is not None and first_heading is not None and label_at > first_heading:
        label_at = None

    stops = [i for i in (abstract_at, first_heading, label_at) if i is not None]
    front_end = min(stops + [title_end + 40, len(lines)])
    front = [ln for ln in lines[title_end:front_end] if ln.page == lines[title_end].page] if title_end < len(lines) else []
    if spans is not None:
        spans(front)
    authors, used = read_authors(front)
    parts.authors = authors or _metadata_authors(metadata)
    after_authors = title_end + used
    body_start = first_heading if first_heading is not None else after_authors

    if abstract_at is not None:
        ends = [i for i in (first_heading, label_at) if i is not None and i > abstract_at]
        end = min(ends) if ends else None
        abstract_lines = lines[abstract_at:end] if end is not None else _first_paragraph(lines, abstract_at)
        first = _ABSTRACT.match(abstract_lines[0].text)
        head = [Line(first.group(1), *_geometry(abstract_lines[0]))] if first and first.group(1) else []
        parts.abstract = join_lines(head + abstract_lines[1:])
        if first_heading is None:
            body_start = abstract_at + len(abstract_lines)
    else:
        end = min([i for i in (first_heading, label_at) if i is not None and i >= after_authors] or [after_authors])
        candidate = join_lines(lines[after_authors:end])
        if _UNLABELLED_WORDS[0] <= len(candidate.split()) <= _UNLABELLED_WORDS[1] and (first_heading is not None or label_at is not None):
            parts.abstract = candidate
        elif first_heading is not None:
            body_start = after_authors  # no abstract: what comes before the first heading is body, not lost
        if not parts.abstract:
            parts.notes.append("No abstract was found, so the episode starts from the paper's first section.")
    if label_at is not None:
        _front_matter(lines[label_at:first_heading if first_heading is not None else len(lines)], parts)
    if first_heading is None:
        parts.notes.append("No section headings were found, so the body is kept as one section.")

    _split_body(lines[body_start:], {h - body_start: n for h, n in headings.items() if h >= body_start}, parts)
    return parts


def _geometry(line: Line) -> tuple:
    return (line.page, line.x0, line.x1, line.top, line.size, line.bold)


def _find_title(lines: list[Line], body_size: float, metadata: dict[str, str], parts: Parts) -> int:
    """Set ``parts.title``; return the index of the first line after the title."""
    first_page = [i for i, line in enumerate(lines[:20]) if line.page == lines[0].page]
    if first_page:
        biggest = max(lines[i].size for i in first_page)
        if biggest >= body_size * 1.2:
            start = next(i for i in first_page if lines[i].size >= biggest - 0.5)
            end = start
            while end < len(lines) and end - start < 4 and lines[end].size >= biggest - 0.5 and lines[end].page == lines[start].page:
                end += 1
            parts.title = " ".join(line.text for line in lines[start:end])
            return end
    meta = metadata.get("Title", "").strip()
    if _plausible_title(meta):
        parts.title = meta
        return 0
    if lines and len(lines[0].text.split()) <= 20:
        parts.title = lines[0].text
        return 1
    return 0


def _plausible_title(text: str) -> bool:
    lowered = text.lower()
    return len(text.split()) >= 2 and lowered not in {"untitled", "untitled document"} and not lowered.endswith((".pdf", ".doc", ".docx", ".tex", ".dvi"))


def _headings(lines: list[Line], start: int, body_size: float) -> dict[int, int]:
    """Index of each heading's first line -> how many lines the heading takes (a heading may wrap)."""
    found: dict[int, int] = {}
    i = start
    while i < len(lines):
        if not _is_heading(lines[i], body_size):
            i += 1
            continue
        n = 1
        while i + n < len(lines) and _continues_heading(lines[i + n - 1], lines[i + n], body_size):
            n += 1
        found[i] = n
        i += n
    return found


def _continues_heading(prev: Line, line: Line, body_size: float) -> bool:
    """The next line of a heading set on two lines: same style, right below, not a heading or sentence of its own."""
    styled = line.bold == prev.bold and abs(line.size - prev.size) < 0.3 and (line.bold or line.size >= body_size + 0.5)
    below = line.page == prev.page and 0 < prev.top - line.top < 1.6 * prev.size and abs(line.x0 - prev.x0) < 30
    return styled and below and len(line.text) < 70 and not prev.text.endswith((".", ":")) and not _NUMBERED.match(line.text) \
        and not _REFERENCES.match(line.text) and not _ABSTRACT.match(line.text)


def _is_heading(line: Line, body_size: float) -> bool:
    if len(line.text) > 90 or (len(line.text) > 40 and not line.bold and line.size < body_size + 0.5):
        return False
    text = line.text.rstrip(":. ")
    if _REFERENCES.match(line.text):
        return True
    m = _NUMBERED.match(text)
    name = (m.group(3) if m else text).lower()
    if name in _KNOWN_HEADINGS:
        return True
    if not m or len(text.split()) > 12 or text.endswith((",", ";")):
        return False
    number = int(m.group(1)) if m.group(1) else None
    styled = line.bold or line.size >= body_size + 0.5
    start = m.group(3)[0]
    return styled and (number is None or 0 < number <= 30) and (start.isupper() or start.isdigit() or start in "[(“\"'‘")


def _find_abstract(lines: list[Line], title_end: int, first_heading: int | None) -> int | None:
    limit = min(len(lines), title_end + 40, first_heading if first_heading is not None else len(lines))
    for i in range(title_end, limit):
        if _ABSTRACT.match(lines[i].text) and lines[i].page <= lines[title_end].page + 1:
            return i
    return None


def _first_paragraph(lines: list[Line], start: int) -> list[Line]:
    text_so_far = 0
    for i in range(start, len(lines)):
        text_so_far += len(lines[i].text.split())
        if i > start and "\n\n" in join_lines(lines[start : i + 1]) or text_so_far > 300:
            return lines[start:i]
    return lines[start:]


def _front_matter(lines: list[Line], parts: Parts) -> None:
    """CCS concepts, keywords and the ACM reference format: one note per labelled block."""
    blocks: list[list[Line]] = []
    for line in lines:
        if _FRONT_LABEL.match(line.text) or not blocks:
            blocks.append([])
        blocks[-1].append(line)
    parts.front_matter += [(join_lines(b), b[0].page + 1) for b in blocks if b]


def _metadata_authors(metadata: dict[str, str]) -> list[Author]:
    from workflows.intake._authors import _SPLIT, _looks_like_name

    raw = metadata.get("Author", "")
    return [Author(name=n) for n in (" ".join(t.split()) for t in _SPLIT.split(raw)) if _looks_like_name(n)]


def _split_body(lines: list[Line], heading_at: dict[int, int], parts: Parts) -> None:
    heading, first_page = "", lines[0].page if lines else 0
    chunk: list[Line] = []
    in_references = False
    ref_lines: list[Line] = []

    def close(last_page: int) -> None:
        text = join_lines(chunk)
        if text or heading:
            parts.sections.append(Section(heading=heading, text=text, first_page=first_page + 1, last_page=last_page + 1))

    i = 0
    while i < len(lines):
        line = lines[i]
        if in_references:
            if _APPENDIX.match(line.text) and (i in heading_at or len(line.text) < 40):
                parts.appendix_dropped = True
                break
            ref_lines.append(line)
        elif _REFERENCES.match(line.text):
            close(chunk[-1].page if chunk else line.page)
            in_references = True
            parts.references_page = line.page
        elif i in heading_at:
            close(chunk[-1].page if chunk else line.page)
            n = heading_at[i]
            heading, chunk, first_page = " ".join(ln.text for ln in lines[i : i + n]), [], line.page
            i += n
            continue
        else:
            chunk.append(line)
        i += 1
    if not in_references:
        close(chunk[-1].page if chunk else first_page)
    parts.references = join_lines(ref_lines)
