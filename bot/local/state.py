"""Everything the local workspace remembers: messages, files, views, triggers (its fixed people and
channels are in :mod:`bot.local.directory`).

One :class:`WorkspaceState` per workspace, guarded by one lock. Every change
notifies a condition, so tests and the page can wait for "the bot answered"
without sleeping. Channel history, files and App Home views are persisted as
JSON (file bytes beside it) under ``<data_dir>/local/``; modals, ephemeral
messages, trigger ids and response URLs live only in memory, as in Slack.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from bot.local.directory import channel_ids

#: Seconds a trigger_id stays valid (Slack: 3 seconds).
TRIGGER_TTL = 3.0


@dataclass
class Trigger:
    user_id: str
    issued_at: float
    used: bool = False


@dataclass
class ResponseUrl:
    user_id: str
    channel_id: str | None
    #: The message the interaction came from (block_actions), for replace/delete_original.
    message_ts: str | None = None
    is_ephemeral: bool = False
    thread_ts: str | None = None
    uses: int = 0


@dataclass
class _Memory:
    """The part that lives only in memory."""

    ephemerals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    views: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # user -> modal stack
    view_errors: dict[str, dict[str, str]] = field(default_factory=dict)  # view id -> block errors
    triggers: dict[str, Trigger] = field(default_factory=dict)
    responses: dict[str, ResponseUrl] = field(default_factory=dict)
    uploads: dict[str, str] = field(default_factory=dict)  # upload token -> file id
    #: While set, files.completeUploadExternal answers before sharing (as Slack often does); the
    #: shares wait here until released.
    hold_shares: bool = False
    held_shares: list[Callable[[], Any]] = field(default_factory=list)


class WorkspaceState:
    """Thread-safe store of one local workspace. All methods take the lock."""

    def __init__(self, root: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.root = Path(root)
        self.files_dir = self.root / "files"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        #: The server's address ("http://127.0.0.1:PORT/"), set when it starts; used to build URLs.
        self.base_url = "http://127.0.0.1/"
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.version = 0
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.home: dict[str, dict[str, Any]] = {}
        self.mem = _Memory()
        self._last_ts = 0.0
        self._load()
        for channel in channel_ids():
            self.messages.setdefault(channel, [])

    # --- ids and time --------------------------------------------------------------

    def next_ts(self) -> str:
        """A message timestamp, strictly increasing, in Slack's "seconds.micros" form."""
        with self.lock:
            now = max(self.clock(), self._last_ts + 0.000001)
            self._last_ts = now
            return f"{now:.6f}"

    @staticmethod
    def new_id(prefix: str) -> str:
        return prefix + secrets.token_hex(5).upper()

    # --- messages ------------------------------------------------------------------

    def add_message(self, channel_id: str, message: dict[str, Any]) -> dict[str, Any]:
        """Store a message (with ``ts`` set) and, for a reply, update its thread's parent."""
        with self.lock:
            message.setdefault("type", "message")
            message.setdefault("ts", self.next_ts())
            self.messages.setdefault(channel_id, []).append(message)
            self._summarise_thread(channel_id, message)
            self.touch()
            return message

    def _summarise_thread(self, channel_id: str, reply: dict[str, Any]) -> None:
        """Set the reply_count / reply_users / latest_reply Slack shows on a thread's parent, from its replies."""
        thread_ts = reply.get("thread_ts")
        parent = self.find_message(channel_id, thread_ts) if thread_ts and thread_ts != reply["ts"] else None
        if parent is None:
            return
        replies = [m for m in self.messages[channel_id] if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts]
        users = list(dict.fromkeys(m["user"] for m in replies if m.get("user")))
        parent["thread_ts"] = thread_ts
        parent.update({"reply_count": len(replies), "reply_users": users, "reply_users_count": len(users)})
        if replies:
            parent["latest_reply"] = replies[-1]["ts"]
        else:
            parent.pop("latest_reply", None)

    def find_message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        with self.lock:
            for message in self.messages.get(channel_id, []):
                if message["ts"] == ts:
                    return message
            return None

    def thread_root(self, channel_id: str, ts: str) -> str | None:
        """The ts of the thread the message ``ts`` starts or belongs to, or None if there is no such message."""
        with self.lock:
            message = self.find_message(channel_id, ts)
            return None if message is None else message.get("thread_ts") or message["ts"]

    def find_any_message(self, ts: str) -> tuple[str, dict[str, Any]] | None:
        """(channel id, message) for a ts in any channel."""
        with self.lock:
            for channel_id, messages in self.messages.items():
                for message in messages:
                    if message["ts"] == ts:
                        return channel_id, message
            return None

    def delete_message(self, channel_id: str, ts: str) -> None:
        with self.lock:
            gone = [m for m in self.messages.get(channel_id, []) if m["ts"] == ts]
            self.messages[channel_id] = [m for m in self.messages.get(channel_id, []) if m["ts"] != ts]
            for message in gone:
                self._summarise_thread(channel_id, message)
            self.touch()

    def history(self, channel_id: str, thread_ts: str | None = None) -> list[dict[str, Any]]:
        """Top-level messages of a channel, or one thread (parent first), oldest first.

        These are the stored messages themselves: hold the lock and copy them out with
        :func:`bot.local.objects.message_object`.
        """
        with self.lock:
            messages = self.messages.get(channel_id, [])
            if thread_ts is None:
                return [m for m in messages if not m.get("thread_ts") or m["thread_ts"] == m["ts"]]
            return [m for m in messages if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts]

    # --- ephemeral messages, views -------------------------------------------------

    def add_ephemeral(self, user_id: str, message: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            message.setdefault("ts", self.next_ts())
            message["is_ephemeral"] = True
            self.mem.ephemerals.setdefault(user_id, []).append(message)
            self.touch(persist=False)
            return message

    def find_ephemeral(self, user_id: str, ts: str) -> dict[str, Any] | None:
        with self.lock:
            return next((m for m in self.mem.ephemerals.get(user_id, []) if m["ts"] == ts), None)

    def view_stack(self, user_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return self.mem.views.setdefault(user_id, [])

    def find_view(self, view_id: str) -> tuple[str, dict[str, Any]] | None:
        """(user id, view) for an open modal or a published App Home view."""
        with self.lock:
            for user_id, stack in self.mem.views.items():
                for view in stack:
                    if view["id"] == view_id:
                        return user_id, view
            for user_id, view in self.home.items():
                if view["id"] == view_id:
                    return user_id, view
            return None

    # --- triggers and response URLs -----------------------------------------------

    def issue_trigger(self, user_id: str) -> str:
        with self.lock:
            trigger_id = f"{int(self.clock())}.{secrets.randbelow(10**9)}.{secrets.token_hex(16)}"
            self.mem.triggers[trigger_id] = Trigger(user_id, self.clock())
            return trigger_id

    def use_trigger(self, trigger_id: str | None) -> tuple[str | None, str | None]:
        """(user id, None) when the trigger is valid, else (None, Slack's error code)."""
        with self.lock:
            trigger = self.mem.triggers.get(trigger_id or "")
            if trigger is None:
                return None, "invalid_trigger_id"
            if trigger.used:
                return None, "exchanged_trigger_id"
            if self.clock() - trigger.issued_at > TRIGGER_TTL:
                return None, "expired_trigger_id"
            trigger.used = True
            return trigger.user_id, None

    def issue_response_url(self, target: ResponseUrl) -> str:
        with self.lock:
            response_id = secrets.token_hex(12)
            self.mem.responses[response_id] = target
            return response_id

    # --- files ---------------------------------------------------------------------

    def file_path(self, file_id: str) -> Path:
        return self.files_dir / file_id

    # --- change notification and persistence ---------------------------------------

    def touch(self, *, persist: bool = True) -> None:
        """Record that something changed: wake waiters, and save to disk unless only
        the in-memory part changed (``persist=False``: modals, ephemerals, view errors)."""
        with self.lock:
            self.version += 1
            if persist:
                self._save()
            self.changed.notify_all()

    def wait_for(self, predicate: Callable[[], Any], timeout: float) -> Any:
        """Wait until ``predicate()`` is truthy; return its value, or None after ``timeout`` seconds.

        Re-checked on every change here, and every 50 ms for predicates on things outside the state.
        """
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                value = predicate()
                remaining = deadline - time.monotonic()
                if value or remaining <= 0:
                    return value or None
                self.changed.wait(min(0.05, remaining))

    def _save(self) -> None:
        data = {"messages": self.messages, "files": self.files, "home": self.home, "last_ts": self._last_ts}
        path = self.root / "state.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)

    def _load(self) -> None:
        path = self.root / "state.json"
        if not path.exists():
            return
        data = json.loads(path.read_text(encoding="utf-8"))
        self.messages = data.get("messages", {})
        self.files = data.get("files", {})
        self.home = data.get("home", {})
        self._last_ts = float(data.get("last_ts", 0.0))
