"""The grounding check: every number and quotation a listener hears or the public reads must be in the paper.

Checked: every script line, and the title, summary and show notes (findings
on those carry ``part`` instead of ``line``). The paper is its title, abstract,
body, captions and tables, with citation markers, the references and the
numbers of figures, tables, sections and pages left out
(:mod:`workflows.script.sources`).

**Numbers** (see :mod:`workflows.script.numbers` for what is read as one) are
matched by value *and* context:

- The value must occur in the paper with a compatible unit: "42 percent" is
  "42%" or "0.42" (or a bare 42 in a table), "85 seconds" is "1.4 minutes",
  "3,100 words" is "3.1K words", "about a fifth" is 20%.
- It must occur in the same context: the paper's clause around the number
  shares a content word, or the counted thing ("participants"), with the
  script's clause (or the line before, for a short answer).
- A rounding for the ear is a **note**: "about", "roughly", "around" allow
  half the step the words imply ("about 90 percent" for 88.6%), "almost",
  "nearly", "under" a value just below, "more than", "over" one just above; an
  unhedged number may drop one significant figure ("85 seconds" for 84.6).
- A value that occurs only in another context, or a number that the paper
  gives for this context while the script's value belongs to another one (two
  values swapped), is a **warning**. A value the paper does not have is an
  **error**, showing what the paper says in that context when it can.
- Not checked: whole numbers up to 10 unless they count something the paper
  counts ("ten participants" is, "two ideas" is not), and "one" on its own.
  Years must be in the paper or its references, except in the first three
  lines, where the hosts may date the paper.

**Quotations** in double quotes of three words or more must be in the paper,
word for word (:mod:`workflows.script.quotes`); an altered one is an error that
shows the real wording.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from workflows.intake.paper import Paper
from workflows.script.model import Finding, Script
from workflows.script.numbers import Quantity, quantities
from workflows.script.quotes import ALTERED, PaperIndex, PaperSentence, quotations
from workflows.script.words import content_stems

_INTRO_LINES = 3
#: A paper number is "in the same context" from this score on (one shared clause word, or the counted thing).
IN_CONTEXT = 1.0
#: Another paper number must beat the script value's own context by this much to call the two swapped.
SWAP_MARGIN = 2.0
_URL = re.compile(r"https?://\S+|\b\S+\.(?:org|com|net|io|edu)/\S*|\barXiv:\S+|\bdoi:\S+", re.IGNORECASE)


@dataclass(frozen=True)
class Spot:
    """A piece of public text to check: a script line (``line``) or the title, summary or show notes (``part``)."""

    text: str
    line: int | None = None
    part: str | None = None
    #: The line before, as context for a short answer ("Forty-two." after "How many failed?").
    before: str = ""
    #: The paper sentences the line gives as support (verified by :mod:`workflows.script.support`).
    support: str = ""

    def finding(self, check: str, severity: str, message: str, evidence: str = "") -> Finding:
        return Finding(check=check, severity=severity, message=message, line=self.line, part=self.part,
                       evidence=evidence)


def spots(script: Script) -> list[Spot]:
    """Every public text of a script: the lines, then the title, summary and show notes."""
    lines = [Spot(l.text, line=i, before=script.lines[i - 1].text if i else "", support=" ".join(l.support))
             for i, l in enumerate(script.lines)]
    parts = [Spot(text, part=name) for name, text in
             (("title", script.title), ("summary", script.summary), ("show_notes", script.show_notes)) if text.strip()]
    return lines + parts


def check_grounding(script: Script, paper: Paper | PaperIndex) -> list[Finding]:
    """A finding for each number or quotation in the script's public text that the paper does not back."""
    index = paper if isinstance(paper, PaperIndex) else PaperIndex(paper)
    findings: list[Finding] = []
    for spot in spots(script):
        text = _URL.sub(" ", spot.text)
        before = frozenset(content_stems(spot.before))
        said = quantities(text)
        for q in said:
            findings += _check_number(q, spot, index, before, [o for o in said if o is not q])
        findings += _check_quotes(text, spot, index)
    return findings


def _check_number(q: Quantity, spot: Spot, index: PaperIndex, before: frozenset[str],
                  others: list[Quantity]) -> list[Finding]:
    said = q.text.strip()
    if q.year_like and not q.noun - {"n"}:
        if (spot.line is not None and spot.line < _INTRO_LINES) or int(q.value) in index.years:
            return []
        return [spot.finding("grounding", "error", f"\"{said}\" does not appear in the paper.")]
    if q.whole and q.value <= 10 and not (q.noun & index.counted) or said.lower() == "one":
        return []
    scored = [(p, s, _score(q, p, before, index), _relation(q, p)) for p, s in index.numbers if _compatible(q, p)]
    matched = [x for x in scored if x[3]]
    context = q.clause | q.sentence | q.noun
    needed = IN_CONTEXT if len(context) > 2 else IN_CONTEXT / 2  # a terse line ("Recall: 88.6%") says little
    in_context = [x for x in matched if x[2] >= needed]
    if in_context or (matched and not (context or before)):
        p, sentence, _, relation = max(in_context or matched,
                                           key=lambda x: (x[2] + 0.5 * (x[0].family == q.family), x[3] == "exact"))
        rival = _swapped_with(q, p, scored, others, index)
        if rival:
            return [spot.finding("grounding", "warning",
                                 f"\"{said}\" is in the paper, but in this context the paper says \"{rival[0].text}\""
                                 f"{_where(rival[1])}.", evidence=rival[1].text)]
        if relation == "rounded":
            return [spot.finding("grounding", "note", f"\"{said}\" rounds the paper's \"{p.text}\"{_where(sentence)}.",
                                 evidence=sentence.text)]
        return []
    if matched and len(context) <= 2 and any(_relation(q, p) for p in quantities(spot.support)):
        return []  # too few words to tell the context, and the line's own (verified) support says it
    if matched:
        p, sentence, _, _ = max(matched, key=lambda x: x[2])
        return [spot.finding("grounding", "warning",
                             f"\"{said}\" appears in the paper only in another context{_where(sentence)}.",
                             evidence=sentence.text)]
    near = max((x for x in scored if x[2] >= needed), key=lambda x: (x[2], x[0].family == q.family), default=None)
    hint = f" In this context the paper says \"{near[0].text}\"{_where(near[1])}." if near else ""
    return [spot.finding("grounding", "error", f"\"{said}\" does not appear in the paper.{hint}",
                         evidence=near[1].text if near else "")]


def _swapped_with(q: Quantity, own: Quantity, scored: list, others: list[Quantity],
                  index: PaperIndex) -> tuple[Quantity, PaperSentence] | None:
    """The paper number that belongs in ``q``'s clause instead of ``q``'s value (two values swapped), if any.

    Only clause words count here. When the rival's value is also said nearby, the
    two are swapped only if exchanging them fits the paper clearly better.
    """
    mine = _clause_score(q, own, index)
    rivals = [x for x in scored if not x[3] and x[0].family == q.family]
    rival = max(rivals, key=lambda x: _clause_score(q, x[0], index), default=None)
    if rival is None or _clause_score(q, rival[0], index) < max(2.0, mine + SWAP_MARGIN):
        return None
    for other in others:
        if other.family == q.family and _relation(other, rival[0]):
            theirs = max((_clause_score(other, p, index) for p, _ in index.numbers if _relation(other, p)), default=0.0)
            swapped = _clause_score(q, rival[0], index) + _clause_score(other, own, index)
            return rival if swapped >= mine + theirs + SWAP_MARGIN else None
    return rival


def _clause_score(q: Quantity, p: Quantity, index: PaperIndex) -> float:
    return len(q.clause & p.clause) + (2.0 if q.noun & p.noun else 0.0)


def _check_quotes(text: str, spot: Spot, index: PaperIndex) -> list[Finding]:
    findings = []
    for quote in quotations(text):
        if index.contains(quote):
            continue
        match = index.nearest(quote)
        if match.ratio >= ALTERED:
            findings.append(spot.finding("grounding", "error",
                                         f"The quotation \"{quote}\" is not what the paper says; its wording is "
                                         f"\"{match.wording}\".", evidence=match.wording))
        else:
            findings.append(spot.finding("grounding", "error", f"The quotation \"{quote}\" is not in the paper."))
    return findings


def _compatible(q: Quantity, p: Quantity) -> bool:
    """Whether a paper number can be the same quantity: same unit family, or a table's bare number for a percentage."""
    if q.family == p.family:
        return True
    return {q.family, p.family} in ({"%", ""}, {"pt", ""}, {"pt", "%"})


def _paper_values(q: Quantity, p: Quantity) -> list[float]:
    if q.family == "%" and p.family in ("", "pt"):
        return [p.value / 100] + ([p.value] if p.value <= 1 else [])
    if q.family in ("", "pt") and p.family == "%":
        return [p.value * 100]
    return [p.value]


def _relation(q: Quantity, p: Quantity) -> str:
    """"exact", "rounded" (a rounding for the ear) or "" (a different value)."""
    best = ""
    for value in _paper_values(q, p):
        if math.isclose(q.value, value, rel_tol=1e-9, abs_tol=1e-12):
            return "exact"
        if _rounds(q, value, p.figures):
            best = "rounded"
    return best


def _rounds(q: Quantity, value: float, figures: int) -> bool:
    slack = 1e-9 * max(1.0, abs(value))
    if q.hedge == "about":
        return abs(value - q.value) <= q.step / 2 + slack
    if q.hedge == "below":
        return -q.exact_step / 2 - slack <= q.value - value <= q.step + slack
    if q.hedge == "above":
        return -q.exact_step / 2 - slack <= value - q.value <= q.step + slack
    step = q.exact_step or q.step
    if abs(value - q.value) > step / 2 + slack:
        return False
    return q.spelled or q.figures >= figures - 1


def _score(q: Quantity, p: Quantity, before: frozenset[str], index: PaperIndex) -> float:
    """How much the words around a script number and a paper number agree."""
    w = len
    score = w(q.clause & p.clause) + 0.5 * w(q.clause & p.sentence) + 0.5 * w(q.sentence & p.clause)
    score += 0.25 * w(q.sentence & p.sentence) + 0.5 * w(before & (p.clause | p.noun))
    if q.noun & p.noun:
        score += 2.0
    if (q.clause | q.sentence) and q.clause | q.sentence == p.clause | p.sentence:
        score += 1.0  # the same sentence, give or take its stop words
    return score


def _where(sentence: PaperSentence) -> str:
    text = " ".join(sentence.text.split())
    text = text if len(text) <= 160 else text[:157].rstrip() + "…"
    return f" (paper, {sentence.kind}: \"{text}\")"
