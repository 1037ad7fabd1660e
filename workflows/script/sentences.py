"""Sentences of a paper, how much each one says, and how a host says it: the offline writer's raw material.

Scoring is plain and deterministic: early sentences of a section, sentences with
numbers or percentages, and sentences with cue phrases ("we show", "results",
"outperform") score higher; very short or very long sentences, and sentences that
are mostly symbols (equations, table rows) score lower.

:func:`for_the_ear` turns a paper sentence into what a host says
(:mod:`workflows.script.spoken`): the authors' "we" becomes "they", citation
markers and figure references go, abbreviations are said in words, SHOUTED names
are cased; a sentence that still breaks the contract (a formula, a statistic, an
acronym the paper never expands) is not said at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflows.script import spoken

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
    #: The paper's own sentence, as written (``text`` is what the host says).
    source: str = ""
    #: A run-in heading the sentence follows in the paper ("Sampling."), lowercased; "" if none.
    topic: str = ""


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


_PRONOUNS = {"we": "they", "our": "their", "ours": "theirs", "us": "them", "ourselves": "themselves"}
_FIRST_PERSON = re.compile(r"\b(?:we|our|ours|us|ourselves)\b", re.IGNORECASE)
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
_RUN_IN = re.compile(r"^(?:[A-Z][a-z]+)(?: [a-z]+){0,3}\.$")
MAX_WORDS = 55


def for_the_ear(text: str, definitions: dict[str, str]) -> str | None:
    """The sentence as a host says it, or None when it cannot be said within the contract.

    ``definitions`` maps the acronyms the paper expands to their long forms; a
    sentence with any other uncommon acronym is not used.
    """
    if any(_FIRST_PERSON.search(q) for q in _QUOTED.findall(text)):
        return None  # a quotation is kept word for word, so its "we" cannot become "they"
    said = _FIRST_PERSON.sub(_their, text)
    said = spoken.without_apparatus(said)
    if len(said.split()) < 6 or len(said.split()) > MAX_WORDS or not said[:1].isupper():
        return None
    problems = spoken.violations(said, introduced=set(definitions))
    return None if problems else said


def run_in_heading(sentence: str) -> str:
    """"Sampling." → "sampling": a paragraph's run-in heading, or "" for an ordinary sentence."""
    return sentence[:-1].lower() if _RUN_IN.match(sentence) and len(sentence.split()) <= 4 else ""


def _their(m: re.Match[str]) -> str:
    word = _PRONOUNS[m.group(0).lower()]
    return word.capitalize() if m.group(0)[0].isupper() else word


def _ends_with_abbreviation(sentence: str) -> bool:
    last = sentence.rsplit(" ", 1)[-1].rstrip(".").lower()
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())
