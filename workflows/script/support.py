"""The support check: every factual line rests on sentences of the paper.

A line's ``support`` lists the paper sentence(s) it rests on. The offline
writer records them by construction; Claude is asked for them. Rules:

- Each support must be in the paper, (nearly) verbatim: words may differ in
  case, punctuation, hyphenation and quotes, up to one word in ten may differ,
  and no number or negation may (:mod:`workflows.script.quotes`). A support
  that is not there is an **error** that shows the paper's nearest wording.
- The line must say what its support says: a line that negates where its
  support does not (or the other way round) is a **warning**, and so is a line
  of six content words or more that shares fewer than a quarter of them with
  its support and the paper's title.
- A factual line without support (a statement of eight words or more, most of
  whose content words come from the paper, or any line with a number) is a
  **warning** in a script whose other lines give supports. In a script without
  any (a hand edit, an older version) it is looked up in the paper instead, and
  is a **warning** when no sentence (or pair of adjacent sentences) covers at
  least 40% of its content words: nothing in the paper says this.

Not factual: questions, lines under eight words without a number, the first
two lines (greeting and introduction) and the last (sign-off).
"""

from __future__ import annotations

from workflows.script.grounding import Spot
from workflows.script.model import Finding, Script
from workflows.script.numbers import quantities
from workflows.script.quotes import ALTERED, PaperIndex, negated
from workflows.script.words import content_stems

#: A support counts as verbatim from this share of matching words on.
NEARLY_VERBATIM = 0.9
#: A line must share this share of its content words with its support.
LINE_COVERED = 0.25
#: An unsupported factual line must have a paper sentence covering this share of its content words.
PAPER_COVERED = 0.4
_FACTUAL_WORDS = 8
#: The first lines greet and introduce: not claims to trace.
_OPENING = 2


def check_support(script: Script, index: PaperIndex) -> list[Finding]:
    """Findings for supports the paper does not contain, and for factual lines nothing in the paper backs."""
    names = {w for n in script.hosts.values() for w in content_stems(n)}
    title = set(content_stems(index.paper.title))
    paper_stems = set().union(*index.stems)
    findings: list[Finding] = []
    last = len(script.lines) - 1
    writer_gives_support = any(line.support for line in script.lines)
    for i, line in enumerate(script.lines):
        spot = Spot(line.text, line=i)
        if line.support:
            findings += _check_given(spot, line.support, index, names | title)
        elif _OPENING <= i < last and _factual(line.text, paper_stems, names):
            findings += _check_unsupported(spot, index, names, writer_gives_support)
    return findings


def _check_given(spot: Spot, support: list[str], index: PaperIndex, known: set[str]) -> list[Finding]:
    findings = []
    for sentence in support:
        match = index.nearest(sentence)
        if match.ratio >= NEARLY_VERBATIM and not match.changed_facts:
            continue
        shown = _clip(sentence)
        if match.ratio >= ALTERED:
            message = (f"The support \"{shown}\" is not in the paper as given; the paper's nearest wording is "
                       f"\"{_clip(match.wording)}\".")
        else:
            message = f"The support \"{shown}\" is not in the paper."
        findings.append(spot.finding("support", "error", message, evidence=match.wording))
    if findings:
        return findings
    joined = " ".join(support)
    if negated(spot.text) != negated(joined):
        says = "negates" if negated(spot.text) else "does not negate"
        return [spot.finding("support", "warning",
                             f"The line {says} what its support says: \"{_clip(joined)}\".", evidence=joined)]
    words = set(content_stems(spot.text)) - known
    if len(words) >= 6 and len(words & set(content_stems(joined))) < LINE_COVERED * len(words):
        return [spot.finding("support", "warning",
                             f"The line says more than its support does: \"{_clip(joined)}\".", evidence=joined)]
    return []


def _check_unsupported(spot: Spot, index: PaperIndex, names: set[str], expected: bool) -> list[Finding]:
    words = set(content_stems(spot.text)) - names
    if not words:
        return []
    if expected:
        return [spot.finding("support", "warning", "This line states facts but gives no paper sentence as support.")]
    best, wording = 0.0, ""
    stems = index.stems
    for i, sentence in enumerate(index.sentences):
        for pool in (stems[i], stems[i] | stems[i + 1] if i + 1 < len(stems) else set()):
            covered = len(words & pool) / len(words)
            if covered > best:
                best, wording = covered, sentence.text
    if best >= PAPER_COVERED:
        return []
    hint = f" The nearest sentence is \"{_clip(wording)}\"." if wording else ""
    return [spot.finding("support", "warning",
                         f"No sentence of the paper supports this line, and it gives no support.{hint}",
                         evidence=wording)]


def _factual(text: str, paper_stems: set[str], names: set[str]) -> bool:
    stripped = text.strip()
    if stripped.endswith("?"):
        return False
    if any(not (q.whole and q.value <= 10) for q in quantities(text)):
        return True
    words = [w for w in content_stems(text) if w not in names]
    if len(stripped.split()) < _FACTUAL_WORDS or not words:
        return False
    return sum(w in paper_stems for w in words) * 2 > len(words)


def _clip(text: str, size: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"
