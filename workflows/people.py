"""How workflows talk to people, without knowing about Slack.

``bot/`` implements :class:`People` for Slack (and so for the local workspace);
tests use :class:`RecordingPeople`. Every method must be safe to call again with
the same arguments: a resumed step may repeat a call it made before a crash.
A ``say`` or ``ping_owner`` with a ``key`` is said at most once per episode and
key (the two share keys); without one, each call says it again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol


class People(Protocol):
    def status(self, episode_id: str) -> None:
        """Post, or update in place, the episode's status card."""

    def ask_review(self, episode_id: str, script_version: int) -> None:
        """Post the script version for review, with its findings and the decision buttons."""

    def say(self, episode_id: str, text: str, *, key: str | None = None) -> None:
        """Add one line to the episode's thread (a problem, a result, the final line); once per ``key``."""

    def share_audio(self, episode_id: str) -> None:
        """Post the finished episode (audio, transcript, notes) in the thread so people can listen."""

    def ping_owner(self, episode_id: str, diagnosis: str, escalate: bool = False, *, key: str | None = None) -> None:
        """Remind the shipping owner (thread mention and a direct message); escalate also tells the reviewers.
        Once per ``key``."""


@dataclass
class RecordingPeople:
    """A fake that records every call, for tests. ``calls`` is [(method, args), ...]; a keyed
    ``say`` or ``ping_owner`` is recorded once per episode and key, as the real one posts once."""

    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def status(self, episode_id: str) -> None:
        self.calls.append(("status", (episode_id,)))

    def ask_review(self, episode_id: str, script_version: int) -> None:
        self.calls.append(("ask_review", (episode_id, script_version)))

    def say(self, episode_id: str, text: str, *, key: str | None = None) -> None:
        if self._first(episode_id, key):
            self.calls.append(("say", (episode_id, text)))

    def share_audio(self, episode_id: str) -> None:
        self.calls.append(("share_audio", (episode_id,)))

    def ping_owner(self, episode_id: str, diagnosis: str, escalate: bool = False, *, key: str | None = None) -> None:
        if self._first(episode_id, key):
            self.calls.append(("ping_owner", (episode_id, diagnosis, escalate)))

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
