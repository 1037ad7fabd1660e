"""Sentences of a paper, and how much each one says: the offline writer's raw material.

Scoring is plain and deterministic: early sentences of a section, sentences with
numbers or percentages, and sentences with cue phrases ("we show", "results",
"outperform") score higher; very short or very long sentences, and sentences that
are mostly symbols (equations, table rows) score lower.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")
_ABBREVIATIONS = {
    "e.g", "i.e", "al", "fig", "figs", "eq", "eqs", "sec", "secs", "vs", "cf", "approx", "no", "tab", "ref",
    "refs", "dr", "prof", "mr", "ms", "etc", "resp", "st", "vol", "pp", "ch",
}
_CUES = (
    "we show", "we find", "we found", "we propose", "we present", "we introduce", "we demonstrate", "our results",
    "results show", "results suggest", "outperform", "significant", "improve", "achieve", "demonstrate",
    "conclude", "in this paper", "in this work", "contribution", "key", "main", "reduce", "increase", "novel",
    "we observe", "limitation",
)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_PERCENT = re.compile(r"\d\s*(?:%|percent|per cent)")


@dataclass(frozen=True)
class Sentence:
    text: str
    section: int  # index of the section it comes from (-1: the abstract)
    position: int  # index within that section
    score: float


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, not broken at "e.g.", "et al.", "Fig. 2" or initials."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    pieces = _BOUNDARY.split(text)
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _ends_with_abbreviation(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return [s.strip() for s in sentences if s.strip()]


def score_sentence(text: str, position: int) -> float:
    """How much a sentence is worth saying aloud: higher is better."""
    lowered = text.lower()
    words = len(text.split())
    score = {0: 2.0, 1: 1.0}.get(position, 0.0)
    if _NUMBER.search(text):
        score += 1.5
    if _PERCENT.search(lowered):
        score += 1.0
    score += min(3.0, 1.5 * sum(cue in lowered for cue in _CUES))
    if words < 8:
        score -= 3.0
    elif words > 45:
        score -= 2.0
    elif 12 <= words <= 35:
        score += 0.5
    letters = sum(c.isalpha() or c.isspace() for c in text)
    if letters < 0.75 * len(text):
        score -= 3.0
    if "http" in lowered or "@" in text:
        score -= 3.0
    return score


def scored_sentences(text: str, section: int) -> list[Sentence]:
    """Every sentence of one section with its score."""
    return [Sentence(s, section, i, score_sentence(s, i)) for i, s in enumerate(split_sentences(text))]


def _ends_with_abbreviation(sentence: str) -> bool:
    last = sentence.rsplit(" ", 1)[-1].rstrip(".").lower()
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())
