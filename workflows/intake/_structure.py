"""Find a paper's parts in its lines: title, authors, abstract, sections, references."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workflows.intake._pages import Line
from workflows.intake._repair import body_font_size, join_lines
from workflows.intake.paper import Section

_KNOWN_HEADINGS = {
    "introduction", "related work", "background", "preliminaries", "method", "methods", "methodology",
    "approach", "experiments", "experimental setup", "setup", "results", "evaluation", "analysis",
    "discussion", "limitations", "conclusion", "conclusions", "future work", "acknowledgments",
    "acknowledgements", "ethics statement", "broader impact",
}  # fmt: skip
_NUMBERED = re.compile(r"^(?:(\d{1,2})(?:\.\d{1,2}){0,2}\.?|([IVX]{1,5})\.)\s+(\S.*)$")
_REFERENCES = re.compile(r"^(?:\d{1,2}\.?\s+|[IVX]{1,5}\.\s+)?(references|bibliography|works cited|literature cited)\s*:?$", re.IGNORECASE)
_APPENDIX = re.compile(r"^(?:[A-Z]\.?\s+)?(appendix|appendices|supplementary material)\b", re.IGNORECASE)
#: "Abstract" alone on its line, or followed by punctuation and the text ("Abstract. We...", "Abstract—We...").
_ABSTRACT = re.compile(r"^abstract\s*(?:[-—–:.]\s*(.*))?$", re.IGNORECASE)
_AFFILIATION = re.compile(
    r"@|https?:|www\.|\b(universit|institut|department|dept\b|school|college|laborator|lab\b|inc\b|corp|research|"
    r"center|centre|academy|faculty|hospital|foundation)",
    re.IGNORECASE,
)
_NAME_SPLIT = re.compile(r",|;|\band\b|&|·|•|\s{3,}")
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "la", "le", "du", "dos", "del", "bin", "al", "y"}
_MARKERS = re.compile(r"[\d*†‡§¶⋆∗♠♣♥♦]+")


@dataclass
class Parts:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    abstract: str = ""
    sections: list[Section] = field(default_factory=list)
    references: str = ""
    #: Page (0-based) where the references start, if found.
    references_page: int | None = None
    appendix_dropped: bool = False
    notes: list[str] = field(default_factory=list)


def split_paper(lines: list[Line], metadata: dict[str, str]) -> Parts:
    """Split cleaned lines (reading order, headers gone) into the parts of a paper."""
    parts = Parts()
    body_size = body_font_size(lines)
    title_end = _find_title(lines, body_size, metadata, parts)
    headings = [i for i, line in enumerate(lines) if i >= title_end and _is_heading(line, body_size)]
    abstract_at = _find_abstract(lines, title_end, headings)
    first_heading = headings[0] if headings else None

    front_end = min(i for i in (abstract_at, first_heading, title_end + 8, len(lines)) if i is not None)
    names, used = _authors(lines[title_end:front_end], parts.title)
    parts.authors = names or _metadata_authors(metadata)
    if abstract_at is None and first_heading is None:
        front_end = title_end + used  # nothing else marks where the body starts

    body_start = first_heading if first_heading is not None else front_end
    if abstract_at is not None:
        abstract_lines = lines[abstract_at:first_heading] if first_heading is not None else _first_paragraph(lines, abstract_at)
        first = _ABSTRACT.match(abstract_lines[0].text)
        head = [Line(first.group(1), *_geometry(abstract_lines[0]))] if first and first.group(1) else []
        parts.abstract = join_lines(head + abstract_lines[1:])
        if first_heading is None:
            body_start = abstract_at + len(abstract_lines)
    else:
        parts.notes.append("No abstract was found, so the episode starts from the paper's first section.")
    if first_heading is None:
        parts.notes.append("No section headings were found, so the body is kept as one section.")

    _split_body(lines[body_start:], set(h - body_start for h in headings if h >= body_start), parts)
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


def _is_heading(line: Line, body_size: float) -> bool:
    if len(line.text) > 90:
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
    return styled and (number is None or 0 < number <= 30) and m.group(3)[0].isupper()


def _find_abstract(lines: list[Line], title_end: int, headings: list[int]) -> int | None:
    limit = min(len(lines), title_end + 40, headings[0] if headings else len(lines))
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


def _authors(lines: list[Line], title: str) -> tuple[list[str], int]:
    """Names from the lines under the title, and how many lines the author block takes."""
    names: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        if line.text == title or _AFFILIATION.search(line.text):
            used = i + 1
            continue
        found = [n for n in (" ".join(_MARKERS.sub(" ", t).split()) for t in _NAME_SPLIT.split(line.text)) if _looks_like_name(n)]
        if not found:
            break
        names += [n for n in found if n not in names]
        used = i + 1
    return names, used


def _looks_like_name(name: str) -> bool:
    words = name.split()
    if not 2 <= len(words) <= 5 or len(name) > 40:
        return False
    return all(w[0].isupper() or w.lower() in _PARTICLES for w in words) and not name.isupper()


def _metadata_authors(metadata: dict[str, str]) -> list[str]:
    raw = metadata.get("Author", "")
    return [n for n in (" ".join(t.split()) for t in _NAME_SPLIT.split(raw)) if _looks_like_name(n)]


def _split_body(lines: list[Line], heading_at: set[int], parts: Parts) -> None:
    heading, chunk = "", []
    in_references = False
    ref_lines: list[Line] = []

    def close() -> None:
        text = join_lines(chunk)
        if text or heading:
            parts.sections.append(Section(heading=heading, text=text))

    for i, line in enumerate(lines):
        if in_references:
            if _APPENDIX.match(line.text) and (i in heading_at or len(line.text) < 40):
                parts.appendix_dropped = True
                break
            ref_lines.append(line)
        elif _REFERENCES.match(line.text):
            close()
            in_references = True
            parts.references_page = line.page
        elif i in heading_at:
            close()
            heading, chunk = line.text, []
        else:
            chunk.append(line)
    if not in_references:
        close()
    parts.references = join_lines(ref_lines)
