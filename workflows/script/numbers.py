"""Numbers in running text, read the way a listener hears them: value, unit, hedge and precision.

:func:`quantities` finds digits ("1,200", "3.5", "3.1K", "$15", "N = 10", "12x"),
numbers in words ("sixty-four percent", "ten participants", "a million"),
fractions in words ("about a fifth", "three quarters", "one in four") and
multipliers ("twice", "three times", "a factor of 3.5", "threefold"). Each
:class:`Quantity` knows its value in base units (seconds for durations, a ratio
for percentages and fractions), its unit family, the hedge said before it
("about", "almost", "more than"), the step its written form implies ("85" → 1,
"84.6" → 0.1, "90" → 10) and the content words around it, which
:mod:`workflows.script.grounding` compares with the paper's.

(Slightly over 300 lines on purpose: the number grammar, written forms and units read
best together; split, each half would need the other's patterns.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from workflows.script.words import CLAUSE, content_stems, stem

_ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
         "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 2, "thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_SUFFIX = {"k": 3, "m": 6, "b": 9, "bn": 9}
_DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
                 "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
                 "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10}
_MULTIPLIERS = {"twice": 2, "double": 2, "doubled": 2, "doubles": 2, "triple": 3, "tripled": 3, "triples": 3,
                "quadruple": 4, "quadrupled": 4}

_WORD_NUMBER = (r"(?:(?:" + "|".join(_TENS) + r")(?:[-\s](?:" + "|".join(k for k in _ONES if k != "zero") + r"))?|"
                + "|".join(sorted(_ONES, key=len, reverse=True)) + r")")
_SPELLED = re.compile(
    rf"(?<![\w-])(?:a\s+|an\s+)?(?:{_WORD_NUMBER}|a|an)?(?:\s+(?:hundred|thousand|million|billion|trillion)"
    rf"(?:\s+(?:and\s+)?{_WORD_NUMBER})?)+(?![\w-])|(?<![\w-]){_WORD_NUMBER}(?:\s+point\s+{_WORD_NUMBER})?(?![\w-])",
    re.IGNORECASE)
_DIGITS = re.compile(
    r"(?P<cur>(?:US|CA|AU|NZ)?\$|€|£|¥|\b(?:USD|EUR|GBP)\s?)?"
    r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<suffix>(?:bn|[kKMB])(?![\w]))?(?P<x>\s?[x×](?![\w]))?(?![\w]|\.\d)", re.UNICODE)
_FRACTION = re.compile(
    rf"(?<![\w-])(?P<num>a|an|one|{_WORD_NUMBER}|\d+)[\s-]+(?P<den>" + "|".join(_DENOMINATORS) + r")\b"
    rf"|(?<![\w-])(?P<num2>{_WORD_NUMBER}|\d+)\s+(?:in|out\s+of)\s+(?:every\s+)?(?P<den2>{_WORD_NUMBER}|\d+)\b"
    r"|(?<![\w-])(?P<half>half)\s+(?:of|the)\b",
    re.IGNORECASE)
_MULTIPLIER_WORDS = re.compile(r"\b(?P<word>" + "|".join(_MULTIPLIERS) + r")\b", re.IGNORECASE)
_TIMES = re.compile(rf"(?<![\w-])(?P<num>{_WORD_NUMBER}|\d+(?:\.\d+)?)(?:\s+times\b|[-\s]?fold\b)", re.IGNORECASE)
_COMPARING = re.compile(r"\s+(?:as|the|its|their|that|this|what)\b", re.IGNORECASE)
_FACTOR = re.compile(r"\bfactor\s+of\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+)?$", re.IGNORECASE)

#: Unit words after a number → (family, factor to the family's base unit).
_UNITS: dict[str, tuple[str, float]] = {
    "%": ("%", 0.01), "percent": ("%", 0.01), "per cent": ("%", 0.01), "percentage points": ("%", 0.01),
    "percentage point": ("%", 0.01), "points": ("pt", 1), "point": ("pt", 1),
    "ms": ("s", 0.001), "milliseconds": ("s", 0.001), "millisecond": ("s", 0.001),
    "s": ("s", 1), "sec": ("s", 1), "secs": ("s", 1), "seconds": ("s", 1), "second": ("s", 1),
    "min": ("s", 60), "mins": ("s", 60), "minutes": ("s", 60), "minute": ("s", 60),
    "h": ("s", 3600), "hr": ("s", 3600), "hrs": ("s", 3600), "hours": ("s", 3600), "hour": ("s", 3600),
    "days": ("s", 86400), "day": ("s", 86400), "weeks": ("s", 604800), "week": ("s", 604800),
    "months": ("s", 2629800), "month": ("s", 2629800), "years": ("s", 31557600), "year": ("s", 31557600),
    "dollars": ("USD", 1), "dollar": ("USD", 1), "usd": ("USD", 1), "euros": ("EUR", 1), "euro": ("EUR", 1),
    "pounds": ("GBP", 1), "cents": ("USD", 0.01), "times": ("x", 1), "fold": ("x", 1),
}
_UNIT_AFTER = re.compile(r"\s*-?\s*(%|percentage\s+points?|per\s*cent|[a-z]+)\b|\s*(%)", re.IGNORECASE)
_CURRENCY = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "USD": "USD", "EUR": "EUR", "GBP": "GBP"}
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])|\n\s*\n|\n(?=\s*[-*•]\s)")
_N_EQUALS = re.compile(r"\b[nN]\s*=\s*$")
_HEDGES = (
    ("above", re.compile(r"\b(?:more\s+than|over|just\s+over|above|at\s+least|upwards\s+of)\s+$", re.IGNORECASE)),
    ("below", re.compile(r"\b(?:almost|nearly|just\s+under|under|less\s+than|fewer\s+than|below|up\s+to|"
                         r"at\s+most|not\s+quite)\s+$", re.IGNORECASE)),
    ("about", re.compile(r"(?:\b(?:about|around|roughly|approximately|approx\.?|some|circa|close\s+to|"
                         r"on\s+the\s+order\s+of|an\s+estimated|ish)\s+|[~≈]\s*)$", re.IGNORECASE)),
)


@dataclass(frozen=True)
class Quantity:
    """One number as said in a text."""

    text: str
    start: int
    end: int
    #: The value in the family's base unit: seconds, a ratio for "%", dollars, a factor for "x".
    value: float
    #: "%", "s", "USD", "EUR", "GBP", "JPY", "x", "pt", or "" for a plain count or measure.
    family: str
    #: The written precision in base units: "84.6 s" → 0.1, "85 s" → 1, "90" → 10, "a fifth" → 0.05.
    step: float
    #: Significant figures as written ("84.6" → 3, "90" → 1).
    figures: int
    #: The step of the last written digit, trailing zeros included ("90" → 1): the precision of an unhedged number.
    exact_step: float = 0.0
    #: "about", "above", "below" or "".
    hedge: str = ""
    #: Written in words ("ten", "a fifth").
    spelled: bool = False
    #: Stems of the words right after the number ("participants" → "partic"), the counted thing.
    noun: frozenset[str] = frozenset()
    #: Stems of the content words of the clause the number is in.
    clause: frozenset[str] = frozenset()
    #: Stems of the content words of the rest of its sentence.
    sentence: frozenset[str] = field(default=frozenset())

    @property
    def whole(self) -> bool:
        return self.family == "" and float(self.value).is_integer()

    @property
    def year_like(self) -> bool:
        return self.whole and not self.spelled and 1900 <= self.value <= 2100 and "," not in self.text


def quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, in order, each with the context of its own sentence."""
    found: list[Quantity] = []
    for start, end in _sentence_spans(text):
        found += [_shifted(q, start) for q in _in_sentence(text[start:end])]
    return found


def _in_sentence(sentence: str) -> list[Quantity]:
    """The quantities of one sentence; where two readings overlap, the first reader's wins."""
    found: list[Quantity] = []
    for reader in (_fractions, _multipliers, _digits, _spelled):
        for q in reader(sentence):
            if not any(q.start < f.end and f.start < q.end for f in found):
                found.append(q)
    return [_with_context(q, sentence) for q in sorted(found, key=lambda q: q.start)]


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _shifted(q: Quantity, offset: int) -> Quantity:
    return Quantity(**{**q.__dict__, "start": q.start + offset, "end": q.end + offset})


def _digits(text: str):
    for m in _DIGITS.finditer(text):
        raw = m["num"].replace(",", "")
        if re.match(r"\d", text[m.end():m.end() + 1] or "x") and not m["suffix"]:
            continue
        number = Decimal(raw)
        exponent = _SUFFIX.get((m["suffix"] or "").lower(), 0)
        start, end = m.start(), m.end()
        family, factor = "", 1.0
        if m["cur"]:
            family = _CURRENCY.get(m["cur"].strip(), "USD")
        elif m["x"]:
            family = "x"
        if not family:
            family, factor, end, exponent = _unit_after(text, end, exponent)
        if not family and _FACTOR.search(text[:start]):
            family = "x"
        yield _make(text, start, end, number, exponent, family, factor, spelled=False)


def _spelled(text: str):
    for m in _SPELLED.finditer(text):
        words = m.group(0).strip()
        if words.lower() in ("a", "an") or not words:
            continue
        number = _word_value(words)
        if number is None:
            continue
        family, factor, end, exponent = _unit_after(text, m.end(), 0)
        if not family and _FACTOR.search(text[:m.start()]):
            family = "x"
        yield _make(text, m.start(), end, number, exponent, family, factor, spelled=True)


def _fractions(text: str):
    for m in _FRACTION.finditer(text):
        num: int | None
        den: int | None
        if m["half"]:
            num, den = 1, 2
        else:
            num_text, den_text = (m["num"], m["den"]) if m["num"] else (m["num2"], m["den2"])
            num = _small(num_text)
            den = _DENOMINATORS.get(den_text.lower()) if m["num"] else _small(den_text)
            if num is None or not den or num >= den * 4:
                continue
            if m["num2"] and num >= den:
                continue
        value = num / den
        yield Quantity(text=m.group(0), start=m.start(), end=m.end(), value=value, family="%",
                       step=max(0.02, value * 0.1), figures=1, hedge=_hedge(text[:m.start()]), spelled=True)


def _multipliers(text: str):
    for m in _MULTIPLIER_WORDS.finditer(text):
        if not (m["word"].lower().endswith(("ed", "es")) or _COMPARING.match(text[m.end():])):
            continue  # "I read it twice" compares nothing
        yield Quantity(text=m.group(0), start=m.start(), end=m.end(), value=float(_MULTIPLIERS[m["word"].lower()]),
                       family="x", step=1.0, figures=1, hedge=_hedge(text[:m.start()]), spelled=True)
    for m in _TIMES.finditer(text):
        number = _word_value(m["num"]) if not m["num"][0].isdigit() else Decimal(m["num"])
        if number is None:
            continue
        step, figures = _precision(number)
        yield Quantity(text=m.group(0), start=m.start(), end=m.end(), value=float(number), family="x", step=step,
                       figures=figures, hedge=_hedge(text[:m.start()]), spelled=not m["num"][0].isdigit())


def _unit_after(text: str, end: int, exponent: int) -> tuple[str, float, int, int]:
    """(family, factor, new end, exponent) for the unit or scale word after a number, if any."""
    scale = re.match(r"\s+(thousand|million|billion|trillion)\b", text[end:], re.IGNORECASE)
    if scale:
        exponent += _SCALES[scale.group(1).lower()]
        end += scale.end()
    m = _UNIT_AFTER.match(text[end:])
    if m:
        word = " ".join((m.group(1) or m.group(2)).lower().split())
        word = "per cent" if word.replace(" ", "") == "percent" and " " in word else word
        if word in _UNITS and not (word in ("s", "h", "min", "m") and text[end:end + 1] == " " and word == "s"):
            family, factor = _UNITS[word]
            return family, factor, end + m.end(), exponent
    return "", 1.0, end, exponent


def _make(text: str, start: int, end: int, number: Decimal, exponent: int, family: str, factor: float,
          *, spelled: bool) -> Quantity:
    step, figures = _precision(number)
    scale = 10.0 ** exponent * factor
    last = 10.0 ** min(0, number.as_tuple().exponent)  # type: ignore[operator]
    return Quantity(text=text[start:end], start=start, end=end, value=float(number) * scale, family=family,
                    step=step * scale, figures=figures, exact_step=last * scale, hedge=_hedge(text[:start]),
                    spelled=spelled)


def _precision(number: Decimal) -> tuple[float, int]:
    """The step and significant figures a written number implies: 84.6 → (0.1, 3), 90 → (10, 1), 0 → (1, 1)."""
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0 and any(digits):
        stripped = str(int(number)).rstrip("0")
        zeros = len(str(int(number))) - len(stripped)
        return 10.0 ** zeros, max(1, len(stripped))
    significant = len(str(int("".join(map(str, digits)) or "0")))
    return 10.0 ** exponent, max(1, significant)


def _hedge(before: str) -> str:
    tail = before[-40:]
    if _N_EQUALS.search(tail):
        return ""
    for name, pattern in _HEDGES:
        if pattern.search(tail):
            return name
    return ""


def _small(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text.lower() in ("a", "an"):
        return 1
    value = _word_value(text)
    return int(value) if value is not None else None


def _word_value(words: str) -> Decimal | None:
    """The value of a number in words: "sixty-four" → 64, "three hundred and twelve" → 312, "a million"."""
    tokens = re.split(r"[\s-]+", words.lower().strip())
    if "point" in tokens:
        at = tokens.index("point")
        whole, decimals = _word_value(" ".join(tokens[:at])), tokens[at + 1:]
        if whole is None or not decimals or any(t not in _ONES or _ONES[t] > 9 for t in decimals):
            return None
        return whole + Decimal("0." + "".join(str(_ONES[t]) for t in decimals))
    total, current = 0, 0
    for token in tokens:
        if token in ("and", "a", "an"):
            current = current or (1 if token != "and" else 0)
            continue
        if token in _ONES:
            current += _ONES[token]
        elif token in _TENS:
            current += _TENS[token]
        elif token == "hundred":
            current = (current or 1) * 100
        elif token in _SCALES:
            total += (current or 1) * 10 ** _SCALES[token]
            current = 0
        else:
            return None
    return Decimal(total + current)


def _with_context(q: Quantity, sentence: str) -> Quantity:
    """``q`` with the stems of the words after it (its noun), of its clause and of the rest of its sentence."""
    bounds = [0, *(m.end() for m in CLAUSE.finditer(sentence)), len(sentence)]
    lo = max(b for b in bounds if b <= q.start)
    hi = min((b for b in bounds if b >= q.end), default=len(sentence))
    clause = sentence[lo:q.start] + " " + sentence[q.end:hi]
    after = re.findall(r"[A-Za-z][\w'-]*", re.split(r"[,.;:()\[\]!?\d]", sentence[q.end:q.end + 40])[0])[:3]
    cut = next((i for i, w in enumerate(after) if w.lower() in _NOT_NOUNS), len(after))
    noun = {stem(w) for w in after[:cut]}
    if _N_EQUALS.search(sentence[max(0, q.start - 6):q.start]):
        noun.add("n")
    clause_stems = frozenset(content_stems(clause))
    return Quantity(**{**q.__dict__, "noun": frozenset(noun), "clause": clause_stems,
                       "sentence": frozenset(content_stems(sentence)) - clause_stems})


#: Words after a number that end the "counted thing": "42 (35%) failed" counts nothing named.
_NOT_NOUNS = frozenset("of the and or to in on at by for with from than that which is are was were it its as "
                       "this these ran failed had has have a an per each more less number numbers way ways thing things time bit lot "
                       "kind sort part percent per cent times fold".split())

