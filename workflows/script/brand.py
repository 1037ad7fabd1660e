"""The brand check: names spelled as configured, intro, sign-off, banned phrases, pronunciations.

Rules (each finding points at the line it is about):

- **Names.** The show name and each host name must be spelled exactly as
  configured. Reported: a word (or run of words, for a multi-word name) that
  differs only in case or spacing ("ben", "paper trail", "PaperTrail"), or that
  starts with a capital and is a near miss: within edit distance 2 of a name of
  7 letters or more ("Paper Trial"), anywhere; within distance 1 of a shorter
  name, but not at the start of a sentence (where "Been" or "Data" are ordinary
  words), and for names of 3 letters or fewer only with the same first letter
  ("Adda" for "Ada", not "Ken" for "Ben"). Not reported: spellings that occur in
  the paper (real terms) and other configured names.
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
    paper_text = f"{paper.title}\n{paper.abstract}\n{paper.body_text}"
    findings, seen = [], set()
    for index, line in enumerate(script.lines):
        matches = list(_WORD.finditer(line.text))
        words = [re.sub(r"['’]s$", "", m.group(0)) for m in matches]  # "Ada's" is Ada
        initial = [_starts_sentence(line.text[:m.start()]) for m in matches]
        for name in names:
            size = len(name.split())
            candidates = [(" ".join(words[i:i + size]), initial[i]) for i in range(len(words) - size + 1)]
            if size > 1:
                candidates += list(zip(words, initial))
            for candidate, at_start in candidates:
                if (index, candidate) in seen or candidate in names or not _close(candidate, name, at_start):
                    continue
                if re.search(rf"(?<!\w){re.escape(candidate)}(?!\w)", paper_text):
                    continue
                seen.add((index, candidate))
                findings.append(Finding(check="brand", severity="warning", line=index,
                                        message=f"\"{candidate}\" looks like a misspelling of \"{name}\"."))
    return findings


def _starts_sentence(before: str) -> bool:
    before = before.rstrip()
    return not before or before[-1] in ".!?:\"“"


def _close(candidate: str, name: str, at_sentence_start: bool) -> bool:
    squash = lambda s: re.sub(r"[\s'’-]", "", s.lower())  # noqa: E731
    if squash(candidate) == squash(name):
        return True
    if not candidate[:1].isupper():
        return False
    if len(name) >= 7:
        return _distance(candidate.lower(), name.lower(), 2) <= 2
    if at_sentence_start or (len(name) <= 3 and candidate[0] != name[0]):
        return False
    return _distance(candidate.lower(), name.lower(), 1) <= 1


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning ``limit + 1``) once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
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
