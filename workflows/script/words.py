"""Words the checks compare: normalised, stop words out, crudely stemmed."""

from __future__ import annotations

import re
from functools import lru_cache

#: Where a clause ends inside a sentence: commas, semicolons, and the words that join clauses.
CLAUSE = re.compile(r"[,;]\s|\s(?:and|but|while|whereas|against|versus|vs\.?|compared\s+with|which|whilst)\s",
                    re.IGNORECASE)

STOPWORDS = frozenset("""
a about above after again against all almost also although am among an and any are around as at be because been
before being below between both but by can could did do does doing down during each either else even ever every
few for from further had has have having he her here hers him his how however i if in into is it its itself just
least less let like many may me might more most much must my near nearly neither no nor not now of off often on
once one only onto or other others our ours out over own per perhaps quite rather really same say says said she
should since so some such than that the their theirs them then there these they this those though through thus
to too under until up upon us very via was we well were what when where whether which while who whom whose why
will with within without would yet you your yours about roughly approximately around just some percent per cent
percentage point points times fold half quarter quarters third thirds fifth fifths tenth
zero two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion
oh yeah yes okay ok right so well wow really actually basically exactly sure thing things lot lots kind sort
get got gets make makes made go goes went going know think mean means see look looks come comes
""".split())

_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ness", "ies", "ied", "ers", "er", "ed", "es", "ly",
             "s")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem: lower case, one common suffix off, at most six letters ("participants" → "partic")."""
    word = word.lower().replace("’", "'").split("'")[0].strip("-")
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:6]


_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text``: letters only, no stop words, hyphenated words split."""
    words = _WORD.findall(text.replace("-", " "))
    return [stem(w) for w in words if len(w) > 1 and w.lower() not in STOPWORDS]


_LINE_BREAK_HYPHEN = re.compile(r"(\w)-\s*\n\s*(\w)")
_HYPHEN = re.compile(r"(\w)-(\w)")
_NORMAL_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?(?:\.\d+)?")


def normal_words(text: str) -> list[str]:
    """Lower-case words with typographic quotes, dashes, ligatures and line-break hyphens normalised."""
    text = (text.replace("\u00ad", "").replace("ﬁ", "fi").replace("ﬂ", "fl").replace("’", "'").replace("‘", "'")
            .replace("“", '"').replace("”", '"').replace("–", "-").replace("—", "-"))
    if "-" in text:
        text = _LINE_BREAK_HYPHEN.sub(r"\1\2", text)
        text = _HYPHEN.sub(r"\1 \2", text)
    return _NORMAL_WORD.findall(text.lower())
