"""What tests and the page see of a local workspace, the failures they can inject, and waiting for the bot.

:class:`~bot.local.workspace.LocalWorkspace` takes these from :class:`Observing`;
everything here only reads the workspace or arms a fault, it never acts as a person.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from bot.local.objects import message_object
from bot.local.sender import Delivery, Sender
from bot.local.directory import CHANNEL_ID
from bot.local.state import WorkspaceState
from bot.local.webapi import ApiCall, Failure, WebApi


class Observing:
    """Looking at messages, views, files, API calls and deliveries; injecting Web API failures; waiting."""

    state: WorkspaceState
    api: WebApi
    sender: Sender

    def messages(self, channel: str | None = None, thread_ts: str | None = None) -> list[dict[str, Any]]:
        """Top-level messages of ``channel`` (default #papercast), or one thread parent-first; oldest first."""
        with self.state.lock:
            return [message_object(self.state, m) for m in self.state.history(channel or CHANNEL_ID, thread_ts)]

    def ephemerals(self, user_id: str) -> list[dict[str, Any]]:
        """Ephemeral messages shown only to ``user_id``, oldest first."""
        with self.state.lock:
            return copy.deepcopy(self.state.mem.ephemerals.get(user_id, []))

    def open_views(self, user_id: str) -> list[dict[str, Any]]:
        """The modal stack ``user_id`` sees, root first (empty when no modal is open)."""
        with self.state.lock:
            return copy.deepcopy(self.state.view_stack(user_id))

    def view_errors(self, view_id: str) -> dict[str, str]:
        """Field errors the bot answered with ``response_action: errors`` for a view, by block_id."""
        with self.state.lock:
            return dict(self.state.mem.view_errors.get(view_id, {}))

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The App Home view published for ``user_id``, or None."""
        with self.state.lock:
            return copy.deepcopy(self.state.home.get(user_id))

    def file_bytes(self, file_id: str) -> bytes:
        """The stored bytes of a file."""
        return self.state.file_path(file_id).read_bytes()

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Web API calls the bot made (all, or of one method), oldest first."""
        return self.api.calls(method)

    def deliveries(self, kind: str | None = None) -> list[Delivery]:
        """Requests delivered to the bot ("event", "interaction", "command"), with attempts and ack latency."""
        return self.sender.deliveries(kind)

    def fail_next(self, method: str, times: int = 1, how: Failure = "429", retry_after: int = 1) -> None:
        """Make the next ``times`` calls of Web API ``method`` fail: "429" (HTTP 429 with
        ``Retry-After: retry_after``), "500", or any error code answered as ``{"ok": false, "error": how}``."""
        self.api.fail_next(method, times, how, retry_after)

    def hold_shares(self, hold: bool = True) -> None:
        """Make files.completeUploadExternal answer without sharing yet, as Slack does while it scans a file;
        the shares happen at :meth:`release_shares` (or when holding stops)."""
        with self.state.lock:
            self.state.mem.hold_shares = hold
        if not hold:
            self.release_shares()

    def release_shares(self) -> int:
        """Share the uploads completed while shares were held; returns how many."""
        with self.state.lock:
            held, self.state.mem.held_shares = self.state.mem.held_shares, []
            for share in held:
                share()
            return len(held)

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Block until ``predicate()`` is truthy, re-checking on every change in the workspace (and
        every 50 ms); returns its value, or None after ``timeout`` seconds."""
        return self.state.wait_for(predicate, timeout)

    def wait_for_message(self, where: Callable[[dict[str, Any]], bool] = lambda m: True, *, channel: str | None = None,
                         thread_ts: str | None = None, timeout: float = 10.0) -> dict[str, Any] | None:
        """The first message (of a channel, or of a thread) matching ``where``, waiting up to ``timeout``."""
        return self.wait_for(lambda: next((m for m in self.messages(channel, thread_ts) if where(m)), None), timeout)
