"""What the hosts say around the paper's sentences: the opening, the questions, the sign-off.

Shared by the offline writer's drafts and its revisions, so both sound the same.
"""

from __future__ import annotations

from workflows.script.brand import brand_text
from workflows.settings import Show

QUESTIONS = (
    "Let's turn to the {h} section. What do the authors say there?",
    "What does the {h} section tell us?",
    "Next up: {h}. What's going on there?",
    "And {h}: what should listeners know?",
)
FOLLOW_UPS = ("Go on.", "And what follows from that?", "How do they back that up?", "What else stands out?")


def opening_line(show: Show) -> str:
    """The first host's opening: the brand intro and the two hosts' names."""
    a, b = show.hosts
    return f"{brand_text(show.brand.intro, show)} I'm {a.name}, and with me is {b.name}.".strip()


def closing_line(title: str, show: Show) -> str:
    """The first host's last line: the paper's title and the brand sign-off."""
    return f"That was \"{title}\". {brand_text(show.brand.sign_off, show)}".strip()


def question(turn: int, heading: str) -> str:
    """The first host's question opening a section's chapter."""
    return QUESTIONS[turn % len(QUESTIONS)].format(h=spoken_heading(heading))


def follow_up(turn: int) -> str:
    """The first host's nudge between two answers in one chapter."""
    return FOLLOW_UPS[turn % len(FOLLOW_UPS)]


def spoken_heading(heading: str) -> str:
    """A short title-case heading ("Results", "Related Work") reads as common nouns mid-sentence."""
    return heading.lower() if len(heading.split()) <= 2 and heading.istitle() else heading
