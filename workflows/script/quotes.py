"""Finding a script's words in the paper: exact quotations, and the nearest wording when they are not exact.

Text is compared as words: case, punctuation, typographic quotes, dashes,
ligatures and hyphenation at line breaks do not matter ("most of a book is
scenery, for most questions" matches "Most of a book is scenery for most
questions"). :meth:`PaperIndex.nearest` aligns words with the sentences of the
paper (and pairs of adjacent sentences) and says how much of them matched, so
that an altered word in a real quote can be shown next to the real wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

from workflows.intake.paper import Paper
from workflows.script.numbers import Quantity, quantities
from workflows.script.sentences import split_sentences
from workflows.script.sources import Passage, masked, passages
from workflows.script.words import content_stems, normal_words

_QUOTE = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
#: Quoted text shorter than this is a term or a scare quote, not a quotation.
MIN_QUOTE_WORDS = 3
#: Below this share of matching words, nothing in the paper is "the same sentence, altered".
ALTERED = 0.6
#: Where table cells run into the next sentence ("… 60% Participants recalled the"), for want of a full stop.
_TABLE_END = re.compile(r"(?<=[\d%)])\s+(?=[A-Z][a-z]+(?: [a-z]+){2,})")
_NEGATIONS = frozenset("not no never without cannot can't don't doesn't didn't isn't aren't wasn't weren't won't "
                       "neither nor none nothing fail fails failed".split())


@dataclass(frozen=True)
class Match:
    """Where some words are nearest in the paper."""

    #: Share of words that match, 0 to 1 (1: verbatim).
    ratio: float
    #: The paper's own wording of the matched span.
    wording: str
    #: Numbers and negations in the span differ from the words looked for.
    changed_facts: bool

    @property
    def verbatim(self) -> bool:
        return self.ratio >= 0.999 and not self.changed_facts


@dataclass(frozen=True)
class PaperSentence:
    kind: str
    text: str
    words: tuple[str, ...]


class PaperIndex:
    """The paper prepared once for every check: passages, sentences, words and numbers."""

    def __init__(self, paper: Paper) -> None:
        self.paper = paper
        self.passages: list[Passage] = passages(paper)
        self.sentences = [PaperSentence(p.kind, s, tuple(normal_words(s)))
                          for p in self.passages for t in split_sentences(p.text) for s in _TABLE_END.split(t) if s.strip()]
        self._joined = " " + " ".join(" ".join(s.words) for s in self.sentences) + " "

    @cached_property
    def numbers(self) -> list[tuple[Quantity, PaperSentence]]:
        """Every quantity the paper states, with the sentence it is in."""
        return [(q, s) for s in self.sentences for q in quantities(s.text)]

    @cached_property
    def stems(self) -> list[set[str]]:
        """The content-word stems of each sentence."""
        return [set(content_stems(s.text)) for s in self.sentences]

    @cached_property
    def counted(self) -> frozenset[str]:
        """Stems of the things the paper counts ("participants", "papers"): small numbers of these are checked."""
        return frozenset(n for q, _ in self.numbers for n in q.noun)

    @cached_property
    def years(self) -> frozenset[int]:
        """Years the paper or its references mention."""
        text = f"{self.paper.references}\n" + "\n".join(p.text for p in self.passages)
        return frozenset(int(y) for y in re.findall(r"(?<!\d)(19\d\d|20\d\d|2100)(?!\d)", text))

    def contains(self, text: str) -> bool:
        """Whether the words of ``text`` occur in the paper in this order, ignoring case and punctuation."""
        words = normal_words(masked(text))
        return bool(words) and f" {' '.join(words)} " in self._joined

    def nearest(self, text: str) -> Match:
        """The paper's wording nearest to ``text``, with how much of it matches."""
        words = normal_words(masked(text))
        if not words:
            return Match(0.0, "", False)
        if self.contains(text):
            return Match(1.0, text, False)
        wanted = set(words)
        best = Match(0.0, "", False)
        candidates = [s.words for s in self.sentences]
        candidates += [a.words + b.words for a, b in zip(self.sentences, self.sentences[1:])]
        for sentence in candidates:
            if len(wanted.intersection(sentence)) < max(1, len(wanted) * ALTERED / 2):
                continue
            match = _align(words, list(sentence))
            if match.ratio > best.ratio:
                best = match
        return best


def quotations(text: str) -> list[str]:
    """The quotations in a text: double-quoted passages of at least three words."""
    found = [(m.group(1) or m.group(2)).strip() for m in _QUOTE.finditer(text)]
    return [q for q in found if len(q.split()) >= MIN_QUOTE_WORDS]


def _align(words: list[str], sentence: list[str]) -> Match:
    """How well ``words`` match a span of ``sentence``: the share of matching words, and the span's wording."""
    matcher = SequenceMatcher(None, words, sentence, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return Match(0.0, "", False)
    lo, hi = blocks[0].b, blocks[-1].b + blocks[-1].size
    # Widen the span to cover words missing at either end of the quotation.
    lo = max(0, lo - blocks[0].a)
    hi = min(len(sentence), hi + (len(words) - blocks[-1].a - blocks[-1].size))
    span = sentence[lo:hi]
    matched = sum(b.size for b in blocks)
    ratio = 2 * matched / (len(words) + len(span))
    changed = _facts(words) != _facts(span)
    return Match(ratio, " ".join(span), changed)


def _facts(words: list[str] | tuple[str, ...]) -> tuple[frozenset[str], bool]:
    numbers = frozenset(w for w in words if w[0].isdigit())
    return numbers, any(w in _NEGATIONS or w.endswith("n't") for w in words)


def negated(text: str) -> bool:
    """Whether a text says no, not, never, without, fails... outside the quotations it contains."""
    return _facts(normal_words(_QUOTE.sub(" ", text)))[1]
