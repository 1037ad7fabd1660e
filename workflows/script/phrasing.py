"""What the hosts say around the paper's sentences: the opening, the questions, the sign-off.

Shared by the offline writer's drafts and its revisions, so both sound the same.
A question is built from the answer it leads to: its topic is the answer's run-in
heading ("sampling"), a name it mentions ("SkimQA"), or its subject ("the number
of input tokens"), and its frame fits what the answer does (a problem, a method,
a result, a limitation, a contrast). Frames are taken least-used first, so none
dominates an episode.
"""

from __future__ import annotations

import re
from collections import Counter

from workflows.script import spoken
from workflows.script.brand import brand_text
from workflows.settings import Show

#: Question frames by what the answer does; "{t}" is the topic.
FRAMES: dict[str, tuple[str, ...]] = {
    "problem": ("Why does {t} matter?", "What's the trouble with {t}?", "Where does {t} come into it?"),
    "method": ("How did they approach {t}?", "Can you walk me through {t}?", "What did they do about {t}?",
               "How does {t} fit in?"),
    "result": ("What did they find about {t}?", "How did {t} turn out?", "What numbers came out for {t}?",
               "And how big was the effect on {t}?"),
    "limit": ("Where does {t} fall short?", "What's the catch with {t}?", "Is {t} a weak spot?"),
    "general": ("What about {t}?", "Can you tell me more about {t}?", "And {t}: what's the story there?",
                "What should listeners know about {t}?"),
    "contrast": ("Is there a catch, though?", "Does that hold everywhere?", "Hmm, is that the whole story?",
                 "But does it always work out that way?"),
}
#: How a host who adds a point of their own starts it.
ADDING = ("One more point.", "I'd add one thing.", "And there's this.", "Worth adding, too.")

_LIMIT = re.compile(r"\b(?:limit(?:s|ation|ations|ed)?|fails?|failed|weakness(?:es)?|cannot|only|miss(?:es)?|"
                    r"does not|do not|did not|not)\b", re.IGNORECASE)
_CONTRAST = re.compile(r"^(?:But|However|Yet|Still|Although|Even so|On the other hand)\b")
_RESULT = re.compile(r"\d(?:\.\d+)?\s*(?:%|percent|times|fold)|\d\.\d|\bfactor\b|\b(?:found|find|finds|show(?:s|ed)?|reach(?:es|ed)?|improv\w*|drop(?:s|ped)?|fall(?:s)?|fell|"
                     r"increas\w*|reduc\w*|outperform\w*|accura\w*|match\w*|predict\w*)\b", re.IGNORECASE)
_METHOD_HEADING = re.compile(r"method|approach|design|setup|set-up|experiment|data|implementation|model|procedure|"
                             r"protocol|study", re.IGNORECASE)
_VERBS = frozenset(
    "is are was were be been has have had can could will would may might must should do does did shows show showed "
    "found find finds keeps keep kept reaches reach reached drops drop dropped falls fall fell splits split scores "
    "score selects select uses use used takes take took needs need needed makes make made runs ran run gives gave "
    "returns leads led means remains remain fails fail failed depends inherits misses covers caused suggests "
    "suggest ask asked propose proposed build built evaluate report recovers works work differs spent".split())
_OPENERS = frozenset("they it this these that there such we our their its in on with for because as when although "
                     "of after before across among while if since both each every one only a an to".split())
_SUBJECT_ENDS = frozenset("that which who whose where when whom than they it he she we".split())
_DANGLING = frozenset("and or of the a an in on with for to by at from".split())
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
                          "hundred thousand million billion half halves third thirds quarter quarters".split())
_SMALL = dict(enumerate("zero one two three four five six seven eight nine ten eleven twelve".split()))
#: The question before the headline result, in the opening.
HEADLINE = ("And what did they find?", "So what's the headline?", "What's the big result?")


def opening_line(show: Show) -> str:
    """The first host's opening: the brand intro and the two hosts' names."""
    a, b = show.hosts
    return f"{brand_text(show.brand.intro, show)} I'm {a.name}, and with me is {b.name}.".strip()


def closing_line(title: str, show: Show) -> str:
    """The last line: the paper's title and the brand sign-off."""
    return f"That was \"{spoken.without_apparatus(title)}\". {brand_text(show.brand.sign_off, show)}".strip()


def plan_line(titles: list[str]) -> str:
    """The sections the episode covers, said at the start."""
    parts = [spoken_heading(t) for t in titles]
    if len(parts) > 6:
        more = len(titles) - 5
        parts = parts[:5] + [f"{_SMALL.get(more, 'several')} more parts of the paper"]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" and {parts[-1]}"
    return f"Here's the plan: {listed}, then one thing to take away."


def kind_of(sentence: str, heading: str, first_chapter: bool = False) -> str:
    """What an answer does: "contrast", "limit", "result", "method", "problem" or "general"."""
    if _CONTRAST.match(sentence):
        return "contrast"
    if re.search(r"limit", heading, re.IGNORECASE) or re.search(r"\blimitation", sentence, re.IGNORECASE):
        return "limit"
    if _RESULT.search(sentence):
        return "result"
    if _METHOD_HEADING.search(heading):
        return "method"
    return "problem" if first_chapter else "general"


def ask(sentence: str, heading: str, used: Counter, *, run_in: str = "", kind: str | None = None,
        names: frozenset[str] = frozenset()) -> str:
    """A question whose answer is ``sentence``, in the least-used frame that fits it."""
    kind = kind or kind_of(sentence, heading)
    frames = FRAMES[kind] + (() if kind == "contrast" else FRAMES["general"])
    frame = min(frames, key=lambda f: (used[f], frames.index(f)))
    used[frame] += 1
    about = topic(sentence, heading, run_in, names)
    if kind == "limit" and about == f"the {spoken_heading(heading)}":
        about = "the study"
    return frame.format(t=about)


def adding(index: int) -> str:
    """How the asking host starts a point of their own."""
    return ADDING[index % len(ADDING)]


def topic(sentence: str, heading: str, run_in: str = "", names: frozenset[str] = frozenset()) -> str:
    """What a question about ``sentence`` names: its run-in heading, a name in it, its subject, or the section.

    ``names`` are the paper's lowercase words (:func:`plain_words`): other capitalised words are names, kept.
    """
    if run_in:
        return run_in
    words = re.findall(r"[\w'’%.,-]+", sentence)
    coined = [w.strip(".,") for w in words[1:] if re.match(r"^[A-Z][a-z]*[A-Z0-9][\w-]*$", w.strip(".,"))]
    if coined:
        return coined[0]
    subject: list[str] = []
    for word in words:
        bare = word.strip(".,").lower()
        if bare in _VERBS or bare in _SUBJECT_ENDS or (subject and re.match(r"^[a-z]{2,}ed$", bare)):
            break
        subject.append(word.strip(".,"))
        if word.endswith(","):
            subject = []
    while subject and subject[-1].lower() in _DANGLING:
        subject.pop()
    if subject and subject[0].lower() in ("the", "a", "an") and len(subject) > 1:
        subject = ["the", *subject[1:]]
    nouns = [w for w in subject if len(w) >= 4 and w.isalpha()]
    if (len(subject) <= 3 or subject[0] == "the" and len(subject) <= 6) and nouns and (subject[0] == "the" or subject[0].lower() not in _OPENERS) \
            and not any(any(c.isdigit() for c in w) or w.lower() in _NUMBER_WORDS for w in subject):
        return " ".join([subject[0] if subject[0] == "the" else as_word(subject[0], names or _ORDINARY), *subject[1:]])
    return f"the {spoken_heading(heading)}" if heading else "that"


def spoken_heading(heading: str) -> str:
    """A short title-case heading ("Results", "Related Work") reads as common nouns mid-sentence."""
    return heading.lower() if len(heading.split()) <= 3 and heading.istitle() else heading


def as_word(word: str, plain: frozenset[str]) -> str:
    """A capitalised word as it reads mid-sentence: lowercased when ``plain`` has it (so it is no name)."""
    ordinary = word == "A" or (word[1:].islower() and word.lower().strip(",;:") in plain)
    return word[:1].lower() + word[1:] if ordinary else word


def plain_words(text: str) -> frozenset[str]:
    """Words that are no names: those ``text`` writes in lowercase, and ordinary English words."""
    return frozenset(re.findall(r"\b[a-z][a-z'’-]*\b", text)) | _ORDINARY


try:  # the brand check's list of ordinary English words
    from workflows.script._ordinary_words import ORDINARY_WORDS as _ORDINARY
except ImportError:  # pragma: no cover - without it, only the paper's own lowercase words count
    _ORDINARY = frozenset()
