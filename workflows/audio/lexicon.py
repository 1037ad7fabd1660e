"""The pronunciation lexicon: how the hosts say the show's words, acronyms and names.

Built for one episode from the show's ``brand.pronunciations`` (said as the show
gives them), the acronyms and compound names in the paper and the script (said as
letters, "NLP" -> "N L P", or as a word, "BERT" -> "Bert", "SciBERT" -> "Sci Bert"),
and the paper's author names (said as written). It is applied to every line right
before synthesis, so a word is said the same way in every sentence, by both hosts,
whatever its neighbours::

    lexicon = lexicon_for(show, paper, script)
    lexicon.apply("We compare BERT and SciBERT on NLP tasks.")
    # "We compare Bert and Sci Bert on N L P tasks."
    said_as_text(script, paper, show)   # the review message's line: which words, and how
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Literal

from workflows.intake.paper import Paper
from workflows.people import Icon, Notice
from workflows.script.model import Script
from workflows.settings import Show

How = Literal["show", "word", "letters", "name"]
_HOW_SAID = {"show": "as the show says it", "word": "as a word", "letters": "as letters", "name": "as written"}

_CAPS = re.compile(r"(?<![\w'’-])([A-Z]{2,6})(?='?s?(?![\w'’]))")
_COMPOUND = re.compile(r"(?<![\w'’-])((?:[A-Z][a-z]+|[A-Z]{1,2}[a-z]*)(?:[A-Z]{2,}[a-z]?|[A-Z][a-z]+)+)(?![\w'’])")
_PART = re.compile(r"[A-Z]{2,}[a-z]?(?![a-z])|[A-Z]?[a-z]+|[A-Z]")
_ROMAN = re.compile(r"^[IVXLC]+$")
_VOWELS = set("AEIOU")
_ONSETS = {"BL", "BR", "CH", "CL", "CR", "DR", "FL", "FR", "GL", "GR", "PH", "PL", "PR", "QU", "SC", "SH", "SK", "SL",
           "SM", "SN", "SP", "SQ", "ST", "SW", "TH", "TR", "TW", "WH"}
_TRIPLES = {"STR", "SCR", "SPR", "SPL", "THR", "SHR", "CHR", "NST", "NTS", "RST", "NGS"}
#: Capitalised ordinary words that are no acronyms ("OK" is said as letters anyway).
_NOT_ACRONYMS = {"I", "A", "OK"}


@dataclass(frozen=True)
class Pronunciation:
    """One entry: the written form, what the voice is given instead, and why."""

    written: str
    spoken: str
    how: How

    def describe(self) -> str:
        if self.how == "name":
            return f"{self.written} ({_HOW_SAID[self.how]})"
        return f"{self.written} “{self.spoken}” ({_HOW_SAID[self.how]})"


class Lexicon:
    """Written form -> :class:`Pronunciation`; :meth:`apply` rewrites text for a voice."""

    def __init__(self, entries: Iterable[Pronunciation]) -> None:
        self.entries: dict[str, Pronunciation] = {}
        for e in entries:
            self.entries.setdefault(e.written, e)  # the first source wins: the show, then the paper
        forms = sorted(self.entries, key=len, reverse=True)
        self._pattern = re.compile(
            r"(?<![\w'’-])(" + "|".join(re.escape(f) for f in forms) + r")(?P<suffix>'s|’s|s)?(?![\w'’])"
        ) if forms else None

    def apply(self, text: str) -> str:
        """``text`` with every entry's written form replaced by its spoken form (plurals and possessives kept)."""
        if self._pattern is None:
            return text
        return self._pattern.sub(self._replace, text)

    def used_in(self, texts: Iterable[str]) -> list[Pronunciation]:
        """The entries that occur in ``texts``, in order of first use."""
        if self._pattern is None:
            return []
        seen: dict[str, Pronunciation] = {}
        for text in texts:
            for m in self._pattern.finditer(text):
                if self._suffix_fits(m):
                    seen.setdefault(m.group(1), self.entries[m.group(1)])
        return list(seen.values())

    def _replace(self, m: re.Match[str]) -> str:
        entry, suffix = self.entries[m.group(1)], m.group("suffix") or ""
        if not self._suffix_fits(m):
            return m.group(0)
        if suffix == "s" and entry.how == "letters":
            suffix = "'s"  # "L L M's": a plural the G2P says as "emz", not the letter "s"
        return entry.spoken + suffix

    def _suffix_fits(self, m: re.Match[str]) -> bool:
        # A plain "s" makes a plural only of acronyms: "Bert" must not match "Berts"... unless it is one.
        return m.group("suffix") != "s" or self.entries[m.group(1)].how in ("letters", "word")


def lexicon_for(show: Show, paper: Paper | dict | None = None, script: Script | None = None) -> Lexicon:
    """The episode's lexicon: the show's pronunciations, then author names, compound names and acronyms."""
    paper = Paper.model_validate(paper) if isinstance(paper, dict) else paper
    entries = [Pronunciation(w, s, "show") for w, s in show.brand.pronunciations.items() if w.strip() and s.strip()]
    for author in paper.authors if paper else []:
        for name in re.findall(r"[A-Z][\w'’-]*[a-z][\w'’-]*", author):
            if len(name) > 2:
                entries.append(Pronunciation(name, name, "name"))
    texts = list(_texts(paper, script))
    for text in texts:
        for m in _COMPOUND.finditer(text):
            if re.search("[a-z]", m.group(1)) and not re.fullmatch(r"[A-Z]{2,}s", m.group(1)):  # not "NLP", "LLMs"
                entries.append(_compound(m.group(1)))
    for text in texts:
        for m in _CAPS.finditer(text):
            word = m.group(1)
            if word not in _NOT_ACRONYMS and not _ROMAN.match(word):
                entries.append(_acronym(word))
    return Lexicon(entries)


def said_as(script: Script, paper: Paper | dict | None, show: Show) -> list[Pronunciation]:
    """The words of ``script`` that get a pronunciation, in order of first use."""
    return lexicon_for(show, paper, script).used_in(line.text for line in script.lines)


def said_as_text(script: Script, paper: Paper | dict | None, show: Show, *, limit: int = 20) -> Notice:
    """One line for the review message (empty when no word needs one): each word and how the hosts say it."""
    words = said_as(script, paper, show)
    if not words:
        return Notice()
    shown = " · ".join(w.describe() for w in words[:limit])
    more = f" · and {len(words) - limit} more" if len(words) > limit else ""
    return Notice.of(f"Said as: {shown}{more}", icon=Icon.SAID_AS)


def _texts(paper: Paper | None, script: Script | None) -> Iterable[str]:
    if script is not None:
        yield from (line.text for line in script.lines)
    if paper is not None:
        yield paper.title
        yield paper.abstract
        yield paper.body_text


def _acronym(word: str) -> Pronunciation:
    if _sayable(word):
        return Pronunciation(word, word.capitalize(), "word")
    return Pronunciation(word, " ".join(word), "letters")


def _compound(word: str) -> Pronunciation:
    parts = _PART.findall(word)
    spoken = []
    for part in parts:
        if part.isupper() and len(part) > 1:
            spoken.append(_acronym(part).spoken)
        elif part.rstrip("abcdefghijklmnopqrstuvwxyz").isupper() and len(part) > 2:  # "BERTa"
            spoken.append(part.capitalize())
        else:
            spoken.append(part)
    # "LoRA", "LLaMA": short pieces of a short name are one word ("Lora", "Llama"), not "Lo R A".
    if len(word) <= 6 and all(len(p) <= 3 for p in parts):
        spoken = [word.capitalize()]
    return Pronunciation(word, " ".join(spoken), "word")


def _sayable(word: str) -> bool:
    """Whether capitals read as an English word: four or more letters, vowels and consonants,
    a plausible start, and no run of three consonants or three vowels ("BERT", "ROUGE"; not "MMLU")."""
    if len(word) < 4 or not (_VOWELS & set(word)) or set(word) <= _VOWELS:
        return False
    if word[0] not in _VOWELS and word[1] not in _VOWELS and word[:2] not in _ONSETS:
        return False
    return all(len(r) < 3 or r in _TRIPLES for r in re.findall(r"[^AEIOU]+|[AEIOU]+", word))
