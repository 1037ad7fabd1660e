"""The brand check: names spelled as configured, intro, sign-off, banned phrases, pronunciations.

Rules (each finding points at the line it is about):

- **Names.** The show name and each host name must be spelled exactly as
  configured, in the lines and in the title, summary and show notes. Reported:
  a word (or run of words, for a multi-word name) that differs only in case or
  spacing ("ben", "paper trail", "PaperTrail"), and a capitalised word that is
  closer to a name than to any ordinary English word (``_ordinary_words``):
  "Bne" and "Adda" are misspellings, "Been" and "Data" are words. Closeness is
  an edit distance in which swapping two neighbouring letters costs half; a
  misspelling may differ from a name of n letters by at most n - 1; mid-sentence,
  where a capital is a sign of a name, a tie with an ordinary word goes to the name. A run of
  capitalised words near a multi-word name ("Paper Trial") is reported within
  distance 2 of a name of 7 letters or more, else 1. Not reported: spellings
  that occur in the paper (real terms) and other configured names.
- **Intro.** ``brand.intro`` (``{show}`` filled in) must occur in the first three
  lines, and ``brand.sign_off`` in the last three; case, spacing and punctuation
  do not matter. An empty template is not checked.
- **Banned phrases.** Matched as whole words, case-insensitively, with common
  inflections ("delve" also catches "delves", "delved", "delving"; a hyphen also
  matches a space).
- **Pronunciations.** For each ``written → spoken`` pair, the written form (whole
  word, case-sensitive) must not appear: the script must carry the spoken form.
"""

from __future__ import annotations

import re

from workflows.intake.paper import Paper
from workflows.script._ordinary_words import ORDINARY_WORDS
from workflows.script.grounding import spots
from workflows.script.model import Finding, Script
from workflows.settings import Show

_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_HEAD, _TAIL = 3, 3


def brand_text(template: str, show: Show) -> str:
    """A brand template (intro, sign-off) with ``{show}`` filled in."""
    return template.replace("{show}", show.name).strip()


def banned_pattern(phrase: str) -> re.Pattern[str]:
    """A pattern for a banned phrase, its common inflections, and hyphen/space variants."""
    phrase = phrase.strip()
    stem, ending = (phrase[:-1], "(?:e|es|ed|ing)") if phrase.endswith("e") else (phrase, "(?:s|es|ed|ing)?")
    body = re.escape(stem).replace(r"\-", r"[\s-]?").replace(r"\ ", r"\s+")
    return re.compile(rf"(?<!\w){body}{ending}(?!\w)", re.IGNORECASE)


def apply_pronunciations(text: str, pronunciations: dict[str, str]) -> str:
    """``text`` with every written form replaced by the way the hosts say it."""
    for written, spoken in pronunciations.items():
        text = re.sub(rf"(?<!\w){re.escape(written)}(?!\w)", spoken, text)
    return text


def check_brand(script: Script, paper: Paper, show: Show) -> list[Finding]:
    """Every brand finding for one script version, in line order per rule."""
    return [
        *_intro_and_sign_off(script, show),
        *_names(script, paper, show),
        *_banned(script, show),
        *_pronunciations(script, show),
    ]


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _intro_and_sign_off(script: Script, show: Show) -> list[Finding]:
    findings = []
    last = len(script.lines) - 1
    for template, lines, where, index in (
        (show.brand.intro, script.lines[:_HEAD], "first", 0),
        (show.brand.sign_off, script.lines[-_TAIL:], "last", last),
    ):
        expected = brand_text(template, show)
        if expected and _normal(expected) not in _normal(" ".join(l.text for l in lines)):
            kind = "intro" if index == 0 else "sign-off"
            findings.append(Finding(check="brand", severity="error", line=index,
                                    message=f"The required {kind} \"{expected}\" is not in the {where} {len(lines)} lines."))
    return findings


def _names(script: Script, paper: Paper, show: Show) -> list[Finding]:
    names = [show.name, *(h.name for h in show.hosts)]
    ordinary = ORDINARY_WORDS - {n.lower() for n in names}
    paper_text = f"{paper.title}\n{paper.abstract}\n{paper.body_text}"
    findings, seen = [], set()
    for spot in spots(script):
        matches = list(_WORD.finditer(spot.text))
        words = [re.sub(r"['’]s$", "", m.group(0)) for m in matches]  # "Ada's" is Ada
        initial = [_starts_sentence(spot.text[:m.start()]) for m in matches]
        for name in names:
            size = len(name.split())
            candidates = [(" ".join(words[i:i + size]), initial[i]) for i in range(len(words) - size + 1)]
            if size > 1:
                candidates += list(zip(words, initial))
            for candidate, at_start in candidates:
                key = (spot.line, spot.part, candidate)
                if key in seen or candidate in names or not _close(candidate, name, ordinary, at_start):
                    continue
                if re.search(rf"(?<!\w){re.escape(candidate)}(?!\w)", paper_text):
                    continue
                seen.add(key)
                findings.append(spot.finding("brand", "warning", f"\"{candidate}\" looks like a misspelling of \"{name}\"."))
    return findings


def _starts_sentence(before: str) -> bool:
    before = before.rstrip()
    return not before or before[-1] in ".!?:\"“"


def _close(candidate: str, name: str, ordinary: frozenset[str], at_sentence_start: bool) -> bool:
    """Whether ``candidate`` is a misspelling of ``name``: a case/spacing variant, or nearer to it than to a word.

    Mid-sentence, a capital is a sign of a name, so a tie with an ordinary word goes to the name.
    """
    squash = lambda s: re.sub(r"[\s'’-]", "", s.lower())  # noqa: E731
    if squash(candidate) == squash(name):
        return True
    if not candidate[:1].isupper():
        return False
    if " " in name or " " in candidate:
        if not all(w[:1].isupper() for w in candidate.split()) or len(candidate.split()) != len(name.split()):
            return False
        return _distance(candidate.lower(), name.lower(), 2) <= (2 if len(name) >= 7 else 1)
    word = candidate.lower()
    if word in ordinary:
        return False
    limit = max(1.0, len(name) - 1.0)
    distance = _distance(word, name.lower(), limit)
    if distance > limit:
        return False
    rival = distance if at_sentence_start else distance - 0.25
    return not any(_distance(word, w, rival) <= rival for w in ordinary if abs(len(w) - len(word)) <= rival)


def _distance(a: str, b: str, limit: float) -> float:
    """Edit distance where swapping two neighbouring letters costs 0.5, giving up (``limit + 1``) past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[float] = []
    previous: list[float] = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, start=1):
        current = [float(i)]
        for j, cb in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and ca != cb:
                cost = min(cost, before[j - 2] + 0.5)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def _banned(script: Script, show: Show) -> list[Finding]:
    findings = []
    for phrase in show.brand.banned_phrases:
        pattern = banned_pattern(phrase)
        for index, line in enumerate(script.lines):
            if match := pattern.search(line.text):
                findings.append(Finding(check="brand", severity="error", line=index,
                                        message=f"\"{match.group(0)}\" is a banned phrase (\"{phrase}\")."))
    return findings


def _pronunciations(script: Script, show: Show) -> list[Finding]:
    findings = []
    for written, spoken in show.brand.pronunciations.items():
        pattern = re.compile(rf"(?<!\w){re.escape(written)}(?!\w)")
        for index, line in enumerate(script.lines):
            if pattern.search(line.text.replace(spoken, " ")):
                findings.append(Finding(check="brand", severity="warning", line=index,
                                        message=f"\"{written}\" should be written as it is said: \"{spoken}\"."))
    return findings
