"""The spoken-style contract: what a line of a script may contain, for every writer.

A script is heard, not read. Every line must be something a host would say:

- **marker**: no citation markers ("[12]", "(Smith et al., 2020)", "Smith et al.
  (2020)"), nothing in square brackets (stage directions).
- **reference**: no figure, table, section, equation, appendix or algorithm
  references ("Figure 2", "Table 1", "Sec. 3", "Eq. (4)", "§2").
- **formula**: no formulas or statistic notation read as symbols ("p < 0.001",
  "σ = 0.97", "t(23) = 2.1", "x_i", "a + b"), no Greek letters.
- **number**: numbers as a host says them: no scientific notation ("3.91e-8",
  "10^5"), no ranges with a dash ("1.4-3.1": say "1.4 to 3.1"), no more than two
  decimals (0.9734; small values such as 0.001 are fine). Rounding for the ear
  ("about 85 seconds" for 84.6) is fine when the value is kept.
- **url**: no web or e-mail addresses, DOIs or arXiv identifiers.
- **abbreviation**: no "e.g.", "i.e.", "etc.", "cf.", "vs.", "et al.", "approx.".
- **acronym**: an acronym (two to five capitals) is expanded on first use
  ("retrieval-augmented generation, or RAG"), unless every listener knows it
  (:data:`COMMON_ACRONYMS`).
- **shouted**: no SHOUTED words (six capitals or more, or a capitalised ordinary
  word such as "NOT").
- **symbol**: no characters a voice cannot say (Markdown, "/", "*", "#", emoji,
  arrows, math signs).
- **we**: the authors are "the authors" or "they", never "we", "our" or "ours".

:func:`violations` reports a line's breaches, :func:`script_violations` a whole
script's (acronyms are checked at their first use in the script), and
:func:`speakable` rewrites text so that a voice can say it: the audio stage
applies it to every line as a last line of defence. It fixes every rule but
"we" and "acronym", which need a writer. Pure functions, standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Acronyms listeners know without an expansion (and units said as letters).
COMMON_ACRONYMS = frozenset(
    "AI API CPU GPU TPU PDF URL HTML HTTP USB US USA UK EU UN NASA DNA RNA HIV AIDS COVID MRI CT ICU ER TV PC OK ID "
    "CEO PR FAQ IQ GB MB KB TB GHZ MHZ KM CM MM KG PM AM BBC NHS WHO IT IP SMS GPS LED PIN ATM".split())
#: Ordinary words that are shouted when written in capitals.
_SHOUT_WORDS = frozenset(
    "NOT ALL VERY MUST NEVER ONLY NEW AND THE BIG HUGE NOW YES NO ANY EVERY REALLY BEST FREE STOP WHY HOW WHAT "
    "MORE LESS MOST LEAST TRUE FALSE BUT DO DOES DID WILL".split())
_SMALL_WORDS = frozenset("of and for the a an to in on with by at from or".split())
_GREEK = dict(zip(
    "αβγδεζηθικλμνξοπρστυφχψωςΓΔΘΛΞΠΣΦΨΩ",
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi "
    "chi psi omega sigma Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega".split()))
_REF_WORD = r"(?:fig(?:ure)?s?|tab(?:le)?s?|sec(?:tion)?s?|eqs?|equations?|appendix|appendices|alg(?:orithm)?s?|theorems?|lemmas?|listings?)"
_REFERENCE = re.compile(rf"\b{_REF_WORD}\.?\s*\(?(?:(?-i:[A-Z])|\d+[a-z]?(?:\.\d+)*)\)?(?!\w|\.\d)|§\s*\d+(?:\.\d+)*", re.IGNORECASE)
_NAME = r"[A-Z][A-Za-z'’\-]+"
_AUTHOR_YEAR = re.compile(
    rf"\((?:see\s+)?{_NAME}(?:\s+(?:et\s+al\.?|and|&)(?:\s+{_NAME})?)?,?\s+(?:19|20)\d\d[a-z]?(?:[;,][^)]*)?\)"
    rf"|{_NAME}(?:\s+et\s+al\.?|\s+(?:and|&)\s+{_NAME})?\s+\((?:19|20)\d\d[a-z]?\)")
_MARKER = re.compile(r"\[[^\]]*\]|" + _AUTHOR_YEAR.pattern)
_URL = re.compile(r"(?:https?://|\bwww\.|\bdoi:\s*|\barxiv:\s*|\b10\.\d{4,}/|\b[\w.+-]+@(?=[\w-]+\.\w))\S*?(?=[.,;:)]*(?:\s|$))",
                  re.IGNORECASE)
_ABBREVIATIONS = {
    r"e\.\s?g\.?": "for example", r"i\.\s?e\.?": "that is", r"etc\.": "and so on", r"cf\.": "compare",
    r"viz\.": "namely", r"vs\.?": "versus", r"et\s+al\.?": "and colleagues", r"approx\.": "about",
    r"resp\.": "respectively", r"w\.r\.t\.?": "with respect to",
}
_ABBREVIATION = re.compile(r"(?<![\w.])(?:" + "|".join(_ABBREVIATIONS) + r")(?![\w])", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:[eE]\s*([-+−]?)\s*0*(\d+)|[x×]\s*10\s*\^\s*\{?([-+−]?)(\d+)\}?)(?!\w|\.\d)"
                         r"|(?<![\w.])10\s*\^\s*\{?([-+−]?)(\d+)\}?")
_RANGE = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?%?)\s*[-–—]\s*(\d+(?:[.,]\d+)?)(?![\w.]*[-–]\w)")
_DECIMALS = re.compile(r"(?<![\w.])(\d+)\.(\d{3,})(?!\w|\.\d)")
_STATISTIC = re.compile(r"(?<![\w])(?:[A-Za-z]|[α-ωΑ-Ω])(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?\s*[=<>≤≥≈≠]\s*[-−]?\d"
                        r"|\b\w+_\w+|[=≤≥≈≠±×÷√∑∏∫∞∈∉⊂∀∃→←↔⇒^]|(?<=\w)\s[+]\s(?=\w)|[α-ωΑ-Ω]")
_SYMBOL = re.compile(r"[*#_`|\\{}<>~/@$]|[^\w\s.,;:!?'\"()’‘“”\-–—…%&$]")
_CAPS = re.compile(r"(?<![\w'’])([A-Z][A-Z]+)(s?)(?![\w'’])")
_WE = re.compile(r"\b(?:we|our|ours|ourselves)\b", re.IGNORECASE)
_ROMAN = re.compile(r"^[IVX]{1,4}$")

#: (rule, pattern, advice) in the order they are looked for; what one rule matched is not matched again.
_RULES = (
    ("marker", _MARKER, "is a citation marker or bracket: a listener cannot follow it; leave it out."),
    ("url", _URL, "is an address read aloud; leave it for the show notes."),
    ("reference", _REFERENCE, "points at the page; say what it shows instead."),
    ("abbreviation", _ABBREVIATION, lambda m: f"is a written abbreviation; say \"{_expansion(m.group(0))}\"."),
    ("number", _SCIENTIFIC, "is scientific notation; say the number in words a host would use."),
    ("number", _RANGE, lambda m: f"is a range with a dash; say \"{m.group(1)} to {m.group(2)}\"."),
    ("number", _DECIMALS, "has more decimals than a listener can hold; round it for the ear."),
    ("formula", _STATISTIC, "is a formula or statistic notation; say what it means in words."),
    ("symbol", _SYMBOL, "is a character a voice cannot say."),
)


#: The contract as told to a writer, one rule a sentence (the patterns below enforce it).
CONTRACT = (
    "No citation markers such as [12] or (Smith et al., 2020), and nothing in square brackets.",
    "No references to figures, tables, sections, equations, appendices or algorithms: say what they show.",
    "No formulas or statistic notation read as symbols (p < 0.001, sigma = 0.97, t(23) = 2.1): "
    "say what it means (\"a difference far too large to be chance\").",
    "Numbers as a host says them: no scientific notation, no ranges with a dash (say \"1.4 to 3.1\"), "
    "at most two decimals; rounding for the ear is fine when the value is kept (\"about 85 seconds\" for 84.6).",
    "No web or e-mail addresses, DOIs or arXiv numbers read aloud.",
    "No written abbreviations: say \"for example\", \"that is\", \"and so on\", \"and colleagues\".",
    "Expand every acronym the first time it is said (\"retrieval-augmented generation, or RAG\"), "
    "except ones everybody knows, such as AI or GPU.",
    "No SHOUTED words: write names in ordinary case (\"Longeval\", not \"LONGEVAL\").",
    "Only characters a voice can say: no Markdown, slashes, asterisks, arrows, emoji or math signs.",
    "The authors are \"the authors\" or \"they\", never \"we\", \"our\" or \"us\".",
)


@dataclass(frozen=True)
class Violation:
    """One breach of the contract: which rule, the text that breaks it, and what to do."""

    rule: str
    found: str
    message: str


def violations(text: str, introduced: frozenset[str] | set[str] = frozenset()) -> list[Violation]:
    """Every breach of the contract in one line; acronyms in ``introduced`` count as already expanded."""
    found: list[Violation] = []

    def add(rule: str, snippet: str, advice: str) -> None:
        found.append(Violation(rule, snippet.strip(), f"\"{snippet.strip()}\" {advice}"))

    masked = text
    for rule, pattern, advice in _RULES:
        spans = []
        for m in pattern.finditer(masked):
            if m.re is _DECIMALS and _small_enough(m.group(0)):
                continue
            add(rule, m.group(0), advice(m) if callable(advice) else advice)
            spans.append(m.span())
        for start, end in spans:
            masked = masked[:start] + " " * (end - start) + masked[end:]
    for m in _WE.finditer(text):
        add("we", m.group(0), "speaks as the authors; say \"the authors\" or \"they\".")
    for word, _ in _caps_words(text):
        if _shouted(word):
            add("shouted", word, "is SHOUTED; write it in ordinary case.")
        elif _is_acronym(word) and word not in introduced and not _expanded(word, text):
            add("acronym", word, "is an acronym used without saying what it stands for the first time.")
    return found


def script_violations(texts: list[str]) -> list[tuple[int, Violation]]:
    """(line index, violation) for a whole script, acronyms judged at their first use."""
    introduced: set[str] = set()
    found: list[tuple[int, Violation]] = []
    for index, text in enumerate(texts):
        found += [(index, v) for v in violations(text, introduced)]
        introduced |= {w for w, _ in _caps_words(text)}
    return found


def acronyms(text: str) -> list[str]:
    """The acronyms in ``text`` that need an expansion at first use, in order."""
    return list(dict.fromkeys(w for w, _ in _caps_words(text) if _is_acronym(w) and not _shouted(w)))


def speakable(text: str) -> str:
    """``text`` as a voice can say it: every rule but "we" and "acronym" fixed by rewriting."""
    original = text = without_apparatus(text)
    text = _SCIENTIFIC.sub(_scientific, text)
    text = _DECIMALS.sub(lambda m: m.group(0) if _small_enough(m.group(0)) else f"about {round(float(m.group(0)), 2):g}",
                         text)
    for symbol, words in (("≤", "at most"), ("≥", "at least"), ("≠", "is not"), ("<", "less than"),
                          (">", "greater than"), ("≈", "about"), ("±", "plus or minus"), ("×", "times"),
                          ("÷", "divided by"), ("=", "equals"), ("→", "to"), ("^", "to the power of")):
        text = text.replace(symbol, f" {words} ")
    text = re.sub(r"~\s*(?=\d)", "about ", text)
    text = re.sub(r"(?<![\w.])[-−](?=\d)", "minus ", text).replace("−", " minus ")
    text = re.sub(r"(?<=\w)\s\+\s(?=\w)", " plus ", text)
    text = re.sub(r"(?<=\d)\s*/\s*(?=\d)", " out of ", text)
    text = re.sub(r"(?<=\w)\s*/\s*(?=\w)", " or ", text)
    text = "".join(f" {_GREEK[c]} " if c in _GREEK else c for c in text)
    text = re.sub(r"(?<=\w)_(?=\w)", " ", text)
    text = _SYMBOL.sub(" ", text)
    return _tidy(text, capital=original[:1].isupper())


def unmarked(text: str) -> str:
    """``text`` with its citation markers and figure, table and section references deleted, nothing else changed."""
    text = _REFERENCE.sub("", _MARKER.sub("", text))
    return _tidy(re.sub(r"\(\s*(?:see\s*)?[,;]?\s*\)", "", text), capital=False)


def without_apparatus(text: str) -> str:
    """``text`` without what only a reader can use, its numbers untouched.

    Citation markers, brackets and addresses go; figure, table and section
    references become "a figure in the paper"; abbreviations are said in words;
    ranges get "to"; SHOUTED words are cased; "&" is "and".
    """
    original = text = unicodedata.normalize("NFKC", text).strip()
    text = re.sub(r"\s*\((?:see\s+|at\s+)?(?:https?://|www\.)[^)]*\)", "", text)
    text = _URL.sub("a web address", text)
    text = _AUTHOR_YEAR.sub(lambda m: "" if m.group(0).startswith("(") else _author(m.group(0)), text)
    text = re.sub(r"\b(?:in|by|see|from)\s+\[[^\]]*\]", "", text)
    text = re.sub(r"\s*\[[^\]]*\]", "", text)
    text = re.sub(rf"\s*\((?:see\s+|cf\.\s+|as\s+in\s+)?(?:{_REFERENCE.pattern})(?:\s*(?:and|,)\s*(?:{_REFERENCE.pattern}|\d+))*\)",
                  "", text, flags=re.IGNORECASE)
    text = _REFERENCE.sub(lambda m: _referent(m.group(0)), text)
    text = _ABBREVIATION.sub(lambda m: _expansion(m.group(0)), text)
    text = _RANGE.sub(r"\1 to \2", text)
    text = _CAPS.sub(_unshout, text).replace("&", " and ")
    return _tidy(text, capital=original[:1].isupper(), ending="." if original.endswith(".") else "")


# --- helpers ----------------------------------------------------------------------------


def _caps_words(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _CAPS.finditer(_URL.sub(" ", text))]


def _shouted(word: str) -> bool:
    return word in _SHOUT_WORDS or (len(word) >= 6 and word not in COMMON_ACRONYMS)


def _is_acronym(word: str) -> bool:
    return 2 <= len(word) <= 5 and word not in COMMON_ACRONYMS and not _ROMAN.match(word)


def _expanded(acronym: str, text: str) -> bool:
    """Whether ``text`` says what ``acronym`` stands for, just before or just after it."""
    for m in re.finditer(rf"(?<![\w]){acronym}s?(?![\w])", text):
        before = re.findall(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*", text[:m.start()])[-2 * len(acronym):]
        after = re.match(r"\s*[(,]\s*(?:or\s+|short\s+for\s+|which\s+stands\s+for\s+)?([^),.;]+)", text[m.end():])
        if _initials_end(before, acronym) or (after and _initials_start(after.group(1).split(), acronym)):
            return True
    return bool(re.search(rf"{acronym}\s+(?:stands\s+for|is\s+short\s+for)", text))


def _letters(words: list[str]) -> str:
    return "".join(part[0].upper() for w in words if w.lower() not in _SMALL_WORDS for part in w.split("-") if part)


def _initials_end(words: list[str], acronym: str) -> bool:
    return any(_letters(words[i:]).endswith(acronym) and _letters(words[i:])[0] == acronym[0] for i in range(len(words)))


def _initials_start(words: list[str], acronym: str) -> bool:
    return any(_letters(words[:i]) == acronym for i in range(1, len(words) + 1))


def _expansion(abbreviation: str) -> str:
    for pattern, words in _ABBREVIATIONS.items():
        if re.fullmatch(pattern, abbreviation.strip(), re.IGNORECASE):
            return words
    return abbreviation


def _author(citation: str) -> str:
    name = re.sub(r"\s*\((?:19|20)\d\d[a-z]?\)$", "", citation)
    return re.sub(r"\s+et\s+al\.?", " and colleagues", name)


def _referent(reference: str) -> str:
    word = reference.lower()
    for start, said in (("fig", "a figure in the paper"), ("tab", "a table in the paper"),
                        ("eq", "an equation in the paper"), ("app", "the appendix"), ("alg", "their algorithm"),
                        ("theo", "a theorem in the paper"), ("lem", "a lemma in the paper"), ("lis", "a listing")):
        if word.startswith(start):
            return said
    return "another part of the paper"


def _scientific(m: re.Match[str]) -> str:
    if m.group(7) is not None:
        return f"ten to the power of {'minus ' if m.group(6) in ('-', '−') else ''}{m.group(7)}"
    sign, power = (m.group(2), m.group(3)) if m.group(3) is not None else (m.group(4), m.group(5))
    return f"{m.group(1)} times ten to the {'minus ' if sign in ('-', '−') else ''}{power}"


def _small_enough(number: str) -> bool:
    """A value under 0.1 with at most two significant digits ("0.001", "0.005") is said as it is."""
    whole, _, fraction = number.partition(".")
    return whole == "0" and len(fraction.lstrip("0")) <= 2 and fraction.startswith("0")


def _unshout(m: re.Match[str]) -> str:
    word, plural = m.group(1), m.group(2)
    if word in _SHOUT_WORDS:
        return word.lower() + plural
    return (word.capitalize() if _shouted(word) else word) + plural


def _tidy(text: str, capital: bool, ending: str = "") -> str:
    text = re.sub(r"\(\s*[,;]?\s*\)", "", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([.,;:!?%)])", r"\1", text)
    text = re.sub(r"([(])\s+", r"\1", text)
    text = re.sub(r"([,;:])(?=[.,;:!?])", "", text)
    text = re.sub(r"(?<!\.)\.\.(?!\.)", ".", text).strip()
    if ending and text and text[-1] not in ".!?\"”’)":
        text += ending
    return text[:1].upper() + text[1:] if capital else text
