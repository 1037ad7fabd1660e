"""The grounding check: every number and quotation in the script must be in the paper.

Rules:

- **Numbers** are digits in the script ("42", "3.5", "1,200", "0.91", "12x"),
  optionally followed by a percent sign or word ("42%", "42 percent", "42 per
  cent", "4 percentage points") or a scale word ("1.5 million"). Each must occur
  in the paper (title, abstract, body) as the same value: "1,200" matches "1200",
  "3.50" matches "3.5", "42 percent" matches "42%", a percentage also matches
  the bare number (tables drop the sign) and the fraction ("42%" ↔ "0.42"), and
  "1.5 million" also matches "1,500,000".
- Not checked: numbers spelled out in words ("three experiments"), bare whole
  numbers from 0 to 10 without a unit (small counts), and numbers inside words
  ("GPT4", "3D", "5th"). Years (1900–2100, no unit) may also come from the
  references, and are not checked at all in the first three lines, where the
  hosts introduce the paper and its date.
- **Quotations** in double quotes ("..." or “...”) of three words or more must
  occur in the paper, ignoring case, punctuation and spacing. Shorter quoted
  text is taken as a scare quote or a term and not checked.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from workflows.intake.paper import Paper
from workflows.script.model import Finding, Script

_NUMBER = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:[x×])?(?!\w)"
    r"(?P<percent>\s*(?:%|percent\b|per\s+cent\b|percentage\s+points?\b))?"
    r"(?P<scale>\s+(?:thousand|million|billion|trillion)\b)?",
    re.IGNORECASE,
)
_SCALES = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_QUOTE = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
_INTRO_LINES = 3


def check_grounding(script: Script, paper: Paper) -> list[Finding]:
    """A finding for each number or quotation in the script that the paper does not contain."""
    body = f"{paper.title}\n{paper.abstract}\n{paper.body_text}"
    known = _values(body)
    years = known | {v for v in _values(paper.references) if _is_year(v)}
    quotable = _normal(body)
    findings: list[Finding] = []
    for index, line in enumerate(script.lines):
        for match in _NUMBER.finditer(line.text):
            candidates = _candidates(match)
            value = candidates[0]
            if not match.group("percent") and not match.group("scale") and value == value.to_integral_value():
                if 0 <= value <= 10:
                    continue
                if _is_year(value) and (index < _INTRO_LINES or value in years):
                    continue
            if not any(c in known for c in candidates):
                findings.append(Finding(check="grounding", severity="error", line=index,
                                        message=f"\"{match.group(0).strip()}\" does not appear in the paper."))
        for match in _QUOTE.finditer(line.text):
            quote = match.group(1) or match.group(2)
            if len(quote.split()) >= 3 and _normal(quote) not in quotable:
                findings.append(Finding(check="grounding", severity="error", line=index,
                                        message=f"The quotation \"{quote.strip()}\" is not in the paper."))
    return findings


def _candidates(match: re.Match[str]) -> list[Decimal]:
    """The values a number in the text may stand for; the first is its face value."""
    try:
        value = Decimal(match.group("num").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only admits digits
        return [Decimal(-1)]
    values = [value]
    if scale := match.group("scale"):
        values.append(value.scaleb(_SCALES[scale.strip().lower()]))
    if match.group("percent"):
        values.append(value.scaleb(-2))
    return [v.normalize() for v in values]


def _values(text: str) -> set[Decimal]:
    values: set[Decimal] = set()
    for match in _NUMBER.finditer(text):
        candidates = _candidates(match)
        values.update(candidates)
        if match.group("percent") is None and candidates[0] < 1:
            values.add(candidates[0].scaleb(2).normalize())  # "0.42" in the paper grounds "42%"
    return values


def _is_year(value: Decimal) -> bool:
    return value == value.to_integral_value() and 1900 <= value <= 2100


def _normal(text: str) -> str:
    text = text.replace("-\n", "").replace("’", "'")
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
