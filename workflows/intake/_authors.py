"""Read the author block under the title: names exactly as printed, with their affiliations.

The block is read as rows (lines on one baseline, a raised marker included) of
pieces (runs of type split at wide gaps and at markers). A row is names, an
ALL-CAPS author line ("TAL AUGUST, University of Washington, USA"), affiliations
or emails; the first row that is none of these ends the block. Affiliations go to
names by marker ("Kyle Lo¹" and "¹Allen Institute for AI"), else by column (the
affiliation block under each name, as ACM prints them), else to every name of the
row above.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from workflows.intake._chars import Span
from workflows.intake._pages import Line
from workflows.intake.paper import Author

AFFILIATION = re.compile(
    r"@|https?:|www\.|\b(universit|institut|department|dept\b|school|college|laborator|lab\b|inc\b|corp|research|"
    r"center|centre|academy|faculty|hospital|foundation|fakultät|hochschule)",
    re.IGNORECASE,
)
_SPLIT = re.compile(r",|;|\band\b|\bund\b|&|·|•")
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "la", "le", "du", "dos", "del", "bin", "al", "y", "ten", "zu"}
#: Markers glued to a name: digits, footnote symbols, Greek letters, boxes and stars.
_GLUED = re.compile(r"[\d*†‡§¶⋆∗♠♣♥♦□■◇○●★☆♮♯α-ωΑ-Ω,]+$")
#: An email, or a group of them ("{ann, bob}@example.org").
_EMAIL = re.compile(r"\{[^}]*\}\s*@\S+|\S+@\S+")
_WORD = re.compile(r"^(?:[A-Z][\w'’\-]*\.?|[A-Z]\.(?:-?[A-Z]\.)*)$")


@dataclass
class _Piece:
    text: str
    x0: float
    x1: float
    size: float
    marks: list[str] = field(default_factory=list)

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class _Row:
    top: float
    lines: list[int]
    spans: list[Span]


def read_authors(lines: list[Line]) -> tuple[list[Author], int]:
    """The authors in ``lines`` (the lines under the title) and how many of the lines the block takes."""
    authors: list[Author] = []
    marks: dict[int, list[str]] = {}
    texts: dict[int, list[str]] = {}
    by_mark: dict[str, str] = {}
    current: list[tuple[Author, _Piece]] = []
    name_size = 0.0
    used = 0
    for row in _rows(lines):
        pieces = _pieces(row.spans)
        emails = "@" in " ".join(p.text for p in pieces)
        for piece in pieces:
            piece.text = _EMAIL.sub(" ", piece.text).strip(" ·•,;|")
        pieces = [p for p in pieces if p.text]
        if not pieces:
            if emails:
                used = max(used, max(row.lines) + 1)
            continue
        text = " ".join(p.text for p in pieces)
        size = max(p.size for p in pieces)
        caps = _caps_line(text)
        names = [] if caps or (name_size and size < name_size - 0.5) else _names(pieces)
        if caps:
            authors += [Author(name=n, affiliations=[caps[1]] if caps[1] else []) for n in caps[0]]
        elif names:
            name_size = name_size or size
            current = names
            for author, piece in names:
                authors.append(author)
                marks[id(author)] = piece.marks
        elif authors and len(text.split()) <= 16 and (AFFILIATION.search(text) or not text.endswith(".")):
            _affiliate(pieces, current, by_mark, texts)
        else:
            break
        used = max(used, max(row.lines) + 1)
    for author in authors:
        if marks.get(id(author)) and by_mark:
            author.affiliations = list(dict.fromkeys(by_mark[m] for m in marks[id(author)] if m in by_mark))
        elif texts.get(id(author)):
            author.affiliations = [", ".join(texts[id(author)])]
    return _dedupe(authors), used


def _rows(lines: list[Line]) -> list[_Row]:
    """Lines on one baseline (a raised marker that pdfium put on its own line included), top to bottom."""
    rows: list[_Row] = []
    for i, line in enumerate(lines):
        spans = line.spans if line.spans else [Span(line.text, line.x0, line.x1, line.top, line.size)]
        for row in rows:
            if abs(row.top - line.top) < 0.6 * max(line.size, 1):
                row.lines.append(i)
                row.spans += spans
                break
        else:
            rows.append(_Row(line.top, [i], list(spans)))
    rows.sort(key=lambda r: -r.top)
    return rows


def _pieces(spans: list[Span]) -> list[_Piece]:
    """Spans in type of the row's size, each with the markers set small beside it."""
    spans = sorted(spans, key=lambda s: s.x0)
    big = max(s.size for s in spans)
    pieces = [_Piece(s.text, s.x0, s.x1, s.size) for s in spans if s.size >= 0.8 * big]
    for s in spans:
        if s.size >= 0.8 * big or not pieces:
            continue
        before = [p for p in pieces if p.x1 <= s.x0 + 1]
        after = [p for p in pieces if p.x0 >= s.x1 - 1]
        prev = max(before, key=lambda p: p.x1) if before else None
        nxt = min(after, key=lambda p: p.x0) if after else None
        target = prev if prev and (nxt is None or s.x0 - prev.x1 <= nxt.x0 - s.x1) else nxt
        if target is not None:
            target.marks += [m for m in re.split(r"[,\s]+", s.text) if m]
    return pieces


def _names(pieces: list[_Piece]) -> list[tuple[Author, _Piece]]:
    """The names in a row, each with the piece it came from; empty unless every part of the row is a name."""
    found: list[tuple[Author, _Piece]] = []
    for piece in pieces:
        parts = [p for p in (clean_name(t) for t in _SPLIT.split(piece.text)) if p]
        if not parts or not all(_looks_like_name(p) for p in parts):
            return []
        found += [(Author(name=part), piece) for part in parts]
    return found


def _caps_line(text: str) -> tuple[list[str], str] | None:
    """("TAL AUGUST, University of Washington, USA") -> (["Tal August"], "University of Washington, USA")."""
    parts = [p.strip() for p in text.split(",")]
    names: list[str] = []
    for i, part in enumerate(parts):
        letters = [c for c in part if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and len(letters) > 3:
            candidates = [clean_name(n) for n in re.split(r"\band\b|&|\bAND\b", part)]
            if all(candidates) and all(_looks_like_name(n) for n in candidates):
                names += candidates
                continue
        if not names:
            return None
        return names, ", ".join(p for p in parts[i:] if p)
    return (names, "") if names else None


def _affiliate(pieces: list[_Piece], names: list[tuple[Author, _Piece]], by_mark: dict[str, str],
               texts: dict[int, list[str]]) -> None:
    """Note the affiliation pieces of a row: by their marker, else for the names above them (by column, or all)."""
    name_pieces = list({id(p): p for _, p in names}.values())
    for piece in pieces:
        text = piece.text.strip(" ,;")
        if not text:
            continue
        if piece.marks:
            for mark in piece.marks:
                by_mark.setdefault(mark, text)
            continue
        covered = [p for p in name_pieces if piece.x0 - 2 <= p.centre <= piece.x1 + 2]
        if len(covered) >= 2 or len(name_pieces) <= 1:
            targets = [a for a, _ in names]
        else:
            nearest = min(name_pieces, key=lambda p: abs(p.centre - piece.centre))
            targets = [a for a, p in names if p is nearest]
        for author in targets:
            texts.setdefault(id(author), []).append(text)


def clean_name(text: str) -> str:
    """A name as it should be read: markers and emails gone, ALL-CAPS title-cased, accents composed."""
    text = unicodedata.normalize("NFC", text)
    words = [w for w in text.replace("\u00a0", " ").split() if "@" not in w]
    words = [_GLUED.sub("", w) if len(_GLUED.sub("", w)) > 1 or w.endswith(".") else w for w in words]
    words = [w.strip(" ,;:()") for w in words if w.strip(" ,;:()*†‡")]
    name = " ".join(words)
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        name = " ".join(_title(w) for w in name.split())
    return name


def _title(word: str) -> str:
    if re.fullmatch(r"[A-Z]\.(?:-?[A-Z]\.)*", word):
        return word
    return "-".join("'".join(p[:1].upper() + p[1:].lower() for p in part.split("'")) for part in word.split("-"))


def _looks_like_name(name: str) -> bool:
    words = name.split()
    if not 2 <= len(words) <= 5 or len(name) > 40 or AFFILIATION.search(name) or any(c.isdigit() for c in name):
        return False
    return all(_WORD.match(w) or w.lower() in _PARTICLES for w in words) and words[-1].lower() not in _PARTICLES


def _dedupe(authors: list[Author]) -> list[Author]:
    seen: dict[str, Author] = {}
    for a in authors:
        seen.setdefault(a.name, a)
    return list(seen.values())
