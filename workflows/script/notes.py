"""What reviewer notes ask of a script, read deterministically (see :mod:`workflows.script.revision`).

- :func:`criticised_lines`: the lines the notes name ("line 4", "lines 4-6") or quote.
- :func:`length_request`: what they ask of the length ("shorter", "about 3 minutes").
- :func:`topic_words`: what they are about, once the length words are taken out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflows.script.model import Line
from workflows.script.prompts import word_budget

_LINE_REFERENCE = re.compile(r"\blines?\s+(\d+)(?:\s*(?:-|–|to|and|,)\s*(\d+))?", re.IGNORECASE)
_QUOTED = re.compile(r"\"([^\"]{3,})\"|“([^”]{3,})”")
STOPWORDS = frozenset(
    "about above after again also because been before being below between both could does doing down during each "
    "from further have having here into just more most other over please same should some such than that their "
    "them then there these they this those through under until very what when where which while will with would "
    "your line lines script episode host hosts remove change explain mention talk discuss wrong better less paper "
    "authors needs need make sure whole overall version keep little much section part chapter".split()
)
#: A vague "shorter" or "longer" aims at this share of the previous script's words.
SHORTER, LONGER = 0.72, 1.3
#: "under 5 minutes" aims at 90% of five minutes, "at least 5 minutes" at 110%.
_UNDER, _OVER = 0.9, 1.1

_SHORTEN = re.compile(
    r"\b(?:short(?:er|en|ens|ened|ening)|too\s+long|cut(?:s|ting)?|trim(?:s|med|ming)?|tighten(?:s|ed|ing)?|"
    r"condens(?:e|es|ed|ing)|more\s+concise|briefer)\b|(?:\bnot|n['’]t)\s+short\s+enough\b", re.IGNORECASE)
_LENGTHEN = re.compile(
    r"\b(?:longer|lengthen(?:s|ed|ing)?|too\s+(?:short|brief)|expand(?:s|ed|ing)?|more\s+(?:detail(?:s|ed)?|depth)|"
    r"deeper|elaborat(?:e|es|ed|ing))\b|(?:\bnot|n['’]t)\s+long\s+enough\b", re.IGNORECASE)
_NEGATED = re.compile(r"(?:\b(?:not|no|never|without)|n['’]t)\s+(?:\S+\s+){0,3}$", re.IGNORECASE)
_NUMBER_WORDS = {
    "a": 1, "an": 1, "half a": 0.5, "half an": 0.5, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
}
_AMOUNT = r"\d+(?:\.\d+)?|" + "|".join(re.escape(w) for w in sorted(_NUMBER_WORDS, key=len, reverse=True))
_DURATION = re.compile(
    rf"(?<![\w.])(?:(?P<low>{_AMOUNT})\s*(?:-|–|to|or)\s*)?(?P<amount>{_AMOUNT})\s*-?\s*"
    r"(?P<unit>minutes?|mins?|seconds?|secs?|hours?|hrs?)\b", re.IGNORECASE)
_UNDER_WORDS = re.compile(r"\b(?:under|below|less\s+than|at\s+most|no(?:t)?\s+(?:more|longer)\s+than|shorter\s+than|"
                          r"within|max(?:imum)?|up\s+to)\s*$", re.IGNORECASE)
_OVER_WORDS = re.compile(r"\b(?:over|above|more\s+than|at\s+least|longer\s+than|min(?:imum)?)\s*$", re.IGNORECASE)
_CLAUSE = re.compile(r"[.!?;:](?=\s|$)|,\s|\n|\s(?:and|but|then|also|so|while)\s", re.IGNORECASE)
_ABOUT_A_LINE = re.compile(r"\x00|\b(?:line|sentence)\b", re.IGNORECASE)
_ABOUT_THE_SCRIPT = re.compile(r"\b(?:script|episode|podcast|whole|overall|everything)\b", re.IGNORECASE)


@dataclass(frozen=True)
class LengthRequest:
    """What reviewer notes ask of the script's length."""

    shorter: bool = False
    longer: bool = False
    #: An explicit duration, as asked ("about 3 minutes" → 3.0).
    minutes: float | None = None
    #: 0.9 after "under", 1.1 after "at least", else 1.0.
    aim: float = 1.0
    #: Words (cut like :func:`stems`) of what a vague request is about: "shorter intro" → {"intro"}.
    about: frozenset[str] = frozenset()

    def budget(self, previous_words: int, words_per_minute: int) -> int | None:
        """The word count to aim at, or None when the notes ask for both shorter and longer."""
        if self.minutes is not None:
            return word_budget(self.minutes * self.aim, words_per_minute)
        if self.shorter == self.longer:
            return None
        return round(previous_words * (SHORTER if self.shorter else LONGER))


def length_request(notes: str) -> LengthRequest | None:
    """What the notes ask of the script's length, or None when they say nothing about it."""
    shorter = longer = False
    minutes: float | None = None
    aim = 1.0
    about: set[str] = set()
    for clause in _script_clauses(notes):
        for match in _DURATION.finditer(clause):
            before = clause[:match.start()]
            value = _amount(match["amount"])
            if match["low"] and not re.search(r"\bfrom\s*$", before, re.IGNORECASE):
                value = (value + _amount(match["low"])) / 2
            minutes = value * {"s": 1 / 60, "h": 60.0}.get(match["unit"][0].lower(), 1.0)
            aim = _UNDER if _UNDER_WORDS.search(before) else _OVER if _OVER_WORDS.search(before) else 1.0
        asks_shorter = any(not _NEGATED.search(clause[:m.start()]) for m in _SHORTEN.finditer(clause))
        asks_longer = any(not _NEGATED.search(clause[:m.start()]) for m in _LENGTHEN.finditer(clause))
        if asks_shorter or asks_longer:
            about |= stems(_LENGTHEN.sub(" ", _SHORTEN.sub(" ", clause)), skip=STOPWORDS)
        shorter |= asks_shorter
        longer |= asks_longer
    if minutes is None and not (shorter or longer):
        return None
    return LengthRequest(shorter=shorter, longer=longer, minutes=minutes, aim=aim, about=frozenset(about))


def criticised_lines(notes: str, lines: list[Line]) -> set[int]:
    """Indexes of the lines the notes point at, by number or by quoting them."""
    found: set[int] = set()
    for match in _LINE_REFERENCE.finditer(notes):
        first = int(match.group(1))
        final = int(match.group(2) or first)
        found.update(n - 1 for n in range(first, min(final, first + 50) + 1) if 1 <= n <= len(lines))
    for match in _QUOTED.finditer(notes):
        quote = (match.group(1) or match.group(2)).strip().lower()
        found.update(i for i, line in enumerate(lines) if quote in line.text.lower())
    return found


def topic_words(notes: str) -> set[str]:
    """The notes' own words (as :func:`stems`), without those asking for a length or naming a duration."""
    return stems(_LENGTHEN.sub(" ", _SHORTEN.sub(" ", _DURATION.sub(" ", notes))), skip=STOPWORDS)


def _script_clauses(notes: str) -> list[str]:
    """The clauses of the notes about the whole script: not those about one line, unless they name the script too."""
    masked = _LINE_REFERENCE.sub(" \x00 ", _QUOTED.sub(" \x00 ", notes))
    return [c for c in _CLAUSE.split(masked)
            if c.strip() and (_ABOUT_THE_SCRIPT.search(c) or not _ABOUT_A_LINE.search(c))]


def _amount(text: str) -> float:
    word = " ".join(text.lower().split())
    return float(_NUMBER_WORDS[word]) if word in _NUMBER_WORDS else float(text)


def stems(text: str, skip: frozenset[str] = frozenset()) -> set[str]:
    """Words of four letters or more (not in ``skip``), cut to six: a crude stem ("limitations" ~ "limitation")."""
    return {w[:6] for w in re.findall(r"[a-z][a-z0-9]{3,}", text.lower()) if w not in skip}


# --- what the notes ask besides the length ------------------------------------------------

_DROP = re.compile(r"\b(?:drop|remove|omit|skip|leave\s+out|get\s+rid\s+of|no\s+need\s+for|don['’]t\s+(?:need|mention))"
                   r"\s+(?P<what>[^.,;:!?\n]+)", re.IGNORECASE)
_EXPLAIN = re.compile(r"\b(?:explain|clarify|unpack|say\s+more\s+about|more\s+(?:on|about)|go\s+into|dig\s+into|"
                      r"spend\s+more\s+time\s+on)\s+(?P<what>[^.,;:!?\n]+)", re.IGNORECASE)
_PLAINER = re.compile(r"\b(?:less|fewer|too\s+much|no)\s+(?:jargon|technical|acronyms?)|\btoo\s+technical\b|"
                      r"\b(?:simpler|plainer|plain\s+(?:english|language|words)|easier\s+to\s+follow|more\s+accessible)\b",
                      re.IGNORECASE)
_TAIL = re.compile(r"\s+(?:more|better|further|in\s+more\s+detail|a\s+bit|a\s+little|please|too|again|part|section|"
                   r"chapter|bit)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ContentRequest:
    """What the notes ask of the content: parts to drop, parts to explain more, plainer words."""

    drop: tuple[frozenset[str], ...] = ()
    explain: tuple[frozenset[str], ...] = ()
    plainer: bool = False
    #: The words reviewers used, for the summary: ("the related work",), ("the method",).
    drop_names: tuple[str, ...] = ()
    explain_names: tuple[str, ...] = ()


def content_request(notes: str) -> ContentRequest:
    """What the notes ask besides the length: "drop the related work", "explain the method more", "less jargon"."""
    drops: list[frozenset[str]] = []
    explains: list[frozenset[str]] = []
    drop_names: list[str] = []
    explain_names: list[str] = []
    for pattern, found, names in ((_DROP, drops, drop_names), (_EXPLAIN, explains, explain_names)):
        for m in pattern.finditer(notes):
            what = m.group("what")
            while _TAIL.search(what):
                what = _TAIL.sub("", what)
            what = re.split(r"\s+(?:and|but|so|then)\s+", what.strip())[0]
            words = stems(_LENGTHEN.sub(" ", _SHORTEN.sub(" ", what)), skip=STOPWORDS - {"section", "part"})
            words -= {"jargon", "detail", "length", "episod"}
            if words and not _LINE_REFERENCE.search(what):
                found.append(frozenset(words))
                names.append(" ".join(what.split()[:6]))
    return ContentRequest(drop=tuple(drops), explain=tuple(explains), plainer=bool(_PLAINER.search(notes)),
                          drop_names=tuple(drop_names), explain_names=tuple(explain_names))


def jargon(sentence: str) -> int:
    """How much jargon a sentence has: acronyms, coined names, very long words and long compounds."""
    words = re.findall(r"[A-Za-z][\w'’-]*", sentence)
    return sum(1 for w in words if (re.fullmatch(r"[A-Z]{2,}s?|[A-Za-z]*[a-z][A-Z0-9][\w-]*|[A-Z]+\d+\w*", w)
                                    or len(w) >= 13 or w.count("-") >= 2))
