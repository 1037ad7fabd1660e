"""Character-level reading for the few lines that need it: detached accents and the author block.

Most lines are read whole (see ``_pages``); these helpers ask pdfium about each
character of one line, which costs a few calls per character, so they run only
where a line holds an accent glyph or sits in the title block of page one.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

#: Spacing accents that typesetters (LaTeX) draw as their own glyph over a letter, and their combining forms.
_SPACING = {"\u00a8": "\u0308", "\u00b4": "\u0301", "`": "\u0300", "\u02c6": "\u0302", "^": "\u0302", "\u02dc": "\u0303",
            "~": "\u0303", "\u00b8": "\u0327", "\u02da": "\u030a", "\u02c7": "\u030c", "\u02d9": "\u0307",
            "\u02dd": "\u030b", "\u02db": "\u0328", "\u00af": "\u0304"}  # fmt: skip
#: A line that may hold a detached accent (a spacing accent or a combining mark).
DETACHED = re.compile("[\u00a8\u00b4\u02c6\u02dc\u00b8\u02da\u02c7\u02d9\u02dd\u02db\u00af\u0300-\u036f]")


@dataclass(slots=True)
class Span:
    """A run of characters of one size on one baseline, without a wide gap inside."""

    text: str
    x0: float
    x1: float
    top: float
    size: float


def _chars(raw, first: int, last: int) -> tuple[list[list], bool]:
    """[char, left, right, top, size] for chars ``first..last``, each accent glyph joined to the letter under it."""
    rect = pdfium_c.FS_RECTF()
    ref = ctypes.byref(rect)
    box, size_of, unicode_of = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetFontSize, pdfium_c.FPDFText_GetUnicode
    chars: list[list] = []
    accents: list[list] = []
    for i in range(first, last + 1):
        ch = chr(unicode_of(raw, i))
        if ch in "\r\n\x00":
            continue
        box(raw, i, ref)
        entry = [ch, rect.left, rect.right, rect.top, size_of(raw, i)]
        (accents if ch in _SPACING or unicodedata.combining(ch) else chars).append(entry)
    moved = False
    for accent in accents:
        centre = (accent[1] + accent[2]) / 2
        under = [c for c in chars if c[0][:1].isalpha() and c[1] - 0.5 <= centre <= c[2] + 0.5 and abs(c[3] - accent[3]) < c[4]]
        if under:
            base = min(under, key=lambda c: abs((c[1] + c[2]) / 2 - centre))
            base[0] = unicodedata.normalize("NFC", base[0] + _SPACING.get(accent[0], accent[0]))
            moved = True
    return chars, moved


def attach_accents(raw, first: int, last: int) -> tuple[str, float] | None:
    """(text, right edge) of chars ``first..last`` with each accent glyph joined to its letter, or None if none moved."""
    chars, moved = _chars(raw, first, last)
    if not moved:
        return None
    return " ".join("".join(c[0] for c in chars).split()), max(c[2] for c in chars)


def line_spans(raw, first: int, last: int) -> list[Span]:
    """The spans of chars ``first..last``: a new one at a change of size (a raised marker) or a gap wider than a space."""
    spans: list[Span] = []
    current: Span | None = None
    for ch, left, right, top, size in _chars(raw, first, last)[0]:
        if ch in "\ufffe\x02":
            continue
        if ch.isspace():
            if current is not None and not current.text.endswith(" "):
                current.text += " "
            continue
        if current is not None and abs(size - current.size) <= 0.15 * current.size and -0.5 * size <= left - current.x1 < 0.8 * size:
            current.text += ch
            current.x1 = max(current.x1, right)
            continue
        current = Span(ch, left, right, top, size)
        spans.append(current)
    for span in spans:
        span.text = unicodedata.normalize("NFKC", span.text).strip()
    return [s for s in spans if s.text]
