"""How workflows talk to people, without knowing about Slack.

``bot/`` implements :class:`People` for Slack (and so for the local workspace);
tests use :class:`RecordingPeople`. Every method must be safe to call again with
the same arguments: a resumed step may repeat a call it made before a crash.
A ``say`` or ``ping_owner`` with a ``key`` is said at most once per episode and
key (the two share keys); without one, each call says it again.

What is said is a :data:`Message`: plain text, or a :class:`Notice` made of plain
text and a few structured parts (a person as a :class:`Mention` of their id, a
:class:`Link`, a :class:`Strong` title, a :class:`Code` path) with an :class:`Icon`
for its kind. The domain never writes markup; ``bot/`` renders a Notice for Slack
(``bot/blocks/notice.py``), and ``str(notice)`` is its plain text (``@U123`` for a mention).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol


class Icon(str, Enum):
    """What kind of line a notice is; a surface shows each kind its own way (Slack: an emoji)."""

    INFO = "info"
    CHECKED = "checked"
    SNOOZED = "snoozed"
    REASSIGNED = "reassigned"
    SHIPPED = "shipped"
    WARNING = "warning"
    BY_HAND = "by_hand"
    AGAIN = "again"
    COVERAGE = "coverage"
    SAID_AS = "said_as"


@dataclass(frozen=True)
class Mention:
    """A person, by their id (a Slack user id): shown by name, and told."""

    user_id: str

    def __str__(self) -> str:
        return f"@{self.user_id}"


@dataclass(frozen=True)
class Link:
    """A link; ``text`` is what it reads as (the URL itself when empty)."""

    url: str
    text: str = ""

    def __str__(self) -> str:
        return f"{self.text} ({self.url})" if self.text and self.text != self.url else self.url


@dataclass(frozen=True)
class Strong:
    """Words that stand out (an episode's title)."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Code:
    """A literal: a file name, a path, a branch, a hash."""

    text: str

    def __str__(self) -> str:
        return f"`{self.text}`"


Part = str | Mention | Link | Strong | Code


@dataclass(frozen=True)
class Notice:
    """One thing said to people: its parts in order, and what kind of line it is."""

    parts: tuple[Part, ...] = ()
    icon: Icon | None = None

    @classmethod
    def of(cls, *parts: "Part | Notice | None", icon: Icon | None = None) -> "Notice":
        """A notice of ``parts`` (a Notice among them is spliced in; None and "" are left out)."""
        flat: list[Part] = []
        for p in parts:
            if isinstance(p, Notice):
                flat.extend(p.parts)
                icon = icon or p.icon
            elif p:
                flat.append(p)
        return cls(tuple(flat), icon)

    def __str__(self) -> str:
        return "".join(str(p) for p in self.parts)

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __add__(self, other: "Part | Notice") -> "Notice":
        return Notice.of(self, other, icon=self.icon)

    def mentions(self) -> tuple[str, ...]:
        """The ids of the people it names, in order."""
        return tuple(p.user_id for p in self.parts if isinstance(p, Mention))


#: What ``say`` and ``ping_owner`` accept: a Notice, or plain text.
Message = Notice | str


def as_notice(message: Message) -> Notice:
    """``message`` as a Notice (plain text becomes one plain part)."""
    return message if isinstance(message, Notice) else Notice.of(message)


def joined(parts: Iterable["Part | Notice"], sep: str = "\n", *, icon: Icon | None = None) -> Notice:
    """Notices (or parts) one after the other, ``sep`` between them."""
    out: list[Part | Notice] = []
    for i, p in enumerate(parts):
        out += [sep, p] if i else [p]
    return Notice.of(*out, icon=icon)


class People(Protocol):
    def status(self, episode_id: str) -> None:
        """Post, or update in place, the episode's status card."""

    def ask_review(self, episode_id: str, script_version: int) -> None:
        """Post the script version for review, with its findings and the decision buttons."""

    def say(self, episode_id: str, message: Message, *, key: str | None = None) -> None:
        """Add one line to the episode's thread (a problem, a result, the final line); once per ``key``."""

    def share_audio(self, episode_id: str) -> None:
        """Post the finished episode (audio, transcript, notes) in the thread so people can listen."""

    def ping_owner(self, episode_id: str, diagnosis: Message, escalate: bool = False, *, key: str | None = None) -> None:
        """Remind the shipping owner (thread mention and a direct message); escalate also tells the reviewers.
        Once per ``key``."""


@dataclass
class RecordingPeople:
    """A fake that records every call, for tests. ``calls`` is [(method, args), ...], with what was said as
    plain text (``str(notice)``: a mention reads ``@U123``); ``notices`` keeps each ``say`` as the Notice it was.
    A keyed ``say`` or ``ping_owner`` is recorded once per episode and key, as the real one posts once."""

    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)
    notices: list[tuple[str, Notice]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def status(self, episode_id: str) -> None:
        self.calls.append(("status", (episode_id,)))

    def ask_review(self, episode_id: str, script_version: int) -> None:
        self.calls.append(("ask_review", (episode_id, script_version)))

    def say(self, episode_id: str, message: Message, *, key: str | None = None) -> None:
        if self._first(episode_id, key):
            self.calls.append(("say", (episode_id, str(message))))
            self.notices.append((episode_id, as_notice(message)))

    def share_audio(self, episode_id: str) -> None:
        self.calls.append(("share_audio", (episode_id,)))

    def ping_owner(self, episode_id: str, diagnosis: Message, escalate: bool = False, *, key: str | None = None) -> None:
        if self._first(episode_id, key):
            self.calls.append(("ping_owner", (episode_id, str(diagnosis), escalate)))

    def named(self, method: str) -> list[tuple[Any, ...]]:
        return [args for m, args in self.calls if m == method]

    def _first(self, episode_id: str, key: str | None) -> bool:
        """True unless this (episode, key) was said before; always True without a key."""
        if key is None:
            return True
        with self._lock:
            if (episode_id, key) in self.keys:
                return False
            self.keys.add((episode_id, key))
            return True
