"""LocalWorkspace: a Slack-compatible stand-in on loopback, and the driver tests use to act as people.

A person's action (drop a PDF, click a button, submit a modal, type a slash
command, open the App Home tab) changes the workspace the way Slack would and
makes the :class:`~bot.local.sender.Sender` deliver the real signed request to
the bot. The bot answers through the Web API at :attr:`LocalWorkspace.api_url`.
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from bot.local import payloads, responses
from bot.local.api_files import share_files
from bot.local.driving import (LocalWorkspaceError, action_on, apply_response_action, channel_type, element_in,
                               message_event)
from bot.local.objects import file_object, message_object, new_file_record
from bot.local.observing import Observing
from bot.local.sender import Attempt, Delivery, Sender, Tamper
from bot.local.server import WorkspaceServer
from bot.local.directory import CHANNEL_ID, HUMANS, TEAM_ID, dm_channel_id
from bot.local.state import ResponseUrl, WorkspaceState
from bot.local.webapi import WebApi

__all__ = ["LocalWorkspace", "LocalWorkspaceError"]


class LocalWorkspace(Observing):
    """A local Slack workspace: Web API, event sender and web page on one loopback port.

    ``data_dir`` is the app's data directory; the workspace keeps its state under
    ``<data_dir>/local/``. ``bot_url`` is the bot's Request URL (e.g.
    ``http://127.0.0.1:3000/slack/events``); it can be set later with
    :meth:`set_bot_url`. The signing secret and bot token are random per
    workspace unless given. ``ack_timeout`` and ``retry_delays`` tune the event
    retries (Slack: 3 s, then retries after 0 s, 1 min, 5 min; here 0, 1, 5 s).
    """

    def __init__(self, data_dir: Path, *, host: str = "127.0.0.1", port: int = 0, bot_url: str | None = None,
                 signing_secret: str | None = None, bot_token: str | None = None, ack_timeout: float = 3.0,
                 retry_delays: tuple[float, ...] = (0.0, 1.0, 5.0), subscribed_events: Iterable[str] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.subscribed_events = set(subscribed_events) if subscribed_events is not None else None
        self.signing_secret = signing_secret or secrets.token_hex(16)
        self.bot_token = bot_token or f"xoxb-local-{secrets.token_hex(12)}"
        self.state = WorkspaceState(Path(data_dir) / "local", clock=clock)
        self.api = WebApi(self.state, self.bot_token)
        self.sender = Sender(self.signing_secret, bot_url, ack_timeout=ack_timeout, retry_delays=retry_delays)
        self._server = WorkspaceServer(self, host, port)

    # --- lifecycle ------------------------------------------------------------------

    def start(self) -> "LocalWorkspace":
        """Start serving in a background thread; returns self."""
        self._server.start()
        self.state.base_url = self.url
        return self

    def stop(self) -> None:
        """Stop serving and abandon pending event retries."""
        self.sender.stop()
        self._server.stop()

    def __enter__(self) -> "LocalWorkspace":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The web page, e.g. ``http://127.0.0.1:8765/``."""
        return f"http://{self._server.host}:{self._server.port}/"

    @property
    def api_url(self) -> str:
        """The Web API base URL for ``WebClient(base_url=...)``, ending in ``/api/``."""
        return self.url + "api/"

    def set_bot_url(self, url: str | None) -> None:
        """Set the bot's Request URL that events, interactions and commands are posted to."""
        self.sender.bot_url = url

    # --- people acting ---------------------------------------------------------------

    def post(self, user_id: str, text: str, *, channel: str = CHANNEL_ID, thread_ts: str | None = None) -> dict[str, Any]:
        """``user_id`` writes a message (in a thread if ``thread_ts``); returns {"message", "delivery"}."""
        self._human(user_id)
        message: dict[str, Any] = {"type": "message", "text": text, "user": user_id, "team": TEAM_ID,
                                   "client_msg_id": secrets.token_hex(16)}
        with self.state.lock:
            if thread_ts:
                message["thread_ts"] = self._thread_root(channel, thread_ts)
                message["parent_user_id"] = self.state.find_message(channel, message["thread_ts"]).get("user")
            posted = message_object(self.state, self.state.add_message(channel, message))
        return {"message": posted, "delivery": self.deliver_event(message_event(posted, channel))}

    def drop_pdf(self, user_id: str, path: Path | str, text: str = "", *, channel: str = CHANNEL_ID,
                 thread_ts: str | None = None, filename: str | None = None, data: bytes | None = None,
                 slack_connect: bool = False) -> dict[str, Any]:
        """``user_id`` uploads a file (a PDF, or anything) into the channel, with an optional message.

        Stores the file and the message, then delivers a ``message`` event with subtype
        ``file_share`` and a ``file_shared`` event. With ``slack_connect`` the message event carries
        the partial file object of a Slack Connect channel (``file_access: "check_file_info"``, no
        name, type or URL), as Slack sends it. Returns {"file", "message", "deliveries"}.
        """
        self._human(user_id)
        path = Path(path)
        content = data if data is not None else path.read_bytes()
        with self.state.lock:
            record = new_file_record(self.state, filename or path.name, user_id, len(content))
            self.state.files[record["id"]] = record
            self.state.file_path(record["id"]).write_bytes(content)
            record["uploaded"] = True
            root = self._thread_root(channel, thread_ts) if thread_ts else None
            stored = share_files(self.state, channel, [record["id"]], user_id=user_id, text=text, thread_ts=root,
                                 extra={"subtype": "file_share"})
            message = message_object(self.state, stored)
            file = file_object(self.state, record["id"])
        share = message_event(message, channel)
        if slack_connect:
            share["files"] = [{"id": record["id"], "mode": "file_access", "file_access": "check_file_info",
                               "created": 0, "timestamp": 0, "user": ""}]
        shared = {"type": "file_shared", "channel_id": channel, "file_id": record["id"], "user_id": user_id,
                  "file": {"id": record["id"]}, "event_ts": stored["ts"]}
        deliveries = [self.deliver_event(share), self.deliver_event(shared)]
        return {"file": file, "message": message, "deliveries": deliveries}

    def click(self, user_id: str, message_ts: str, action_id: str, value: str | None = None,
              channel: str | None = None, *, tamper: Tamper = None) -> Delivery:
        """``user_id`` clicks the button ``action_id`` on a message (channel or ephemeral) and the
        ``block_actions`` payload is delivered. ``value`` overrides the button's value."""
        return self._act_on_message(user_id, message_ts, action_id, value, channel, tamper)

    def select(self, user_id: str, message_ts: str, action_id: str, selected: Any, channel: str | None = None,
               *, tamper: Tamper = None) -> Delivery:
        """``user_id`` picks ``selected`` (an option value, or a user id for users_select) in a select menu."""
        return self._act_on_message(user_id, message_ts, action_id, selected, channel, tamper)

    def click_view(self, user_id: str, view_id: str, action_id: str, value: Any = None) -> Delivery:
        """``user_id`` clicks (or selects ``value`` in) an element of an open modal or their App Home view."""
        found = self.state.find_view(view_id)
        if found is None or found[0] != user_id:
            raise LocalWorkspaceError(f"{user_id} has no open view {view_id}.", "Call open_views() or home_view() first.")
        view = copy.deepcopy(found[1])
        block_id, element = element_in(view.get("blocks", []), action_id)
        payload = payloads.block_actions(user_id, [action_on(block_id, element, value)],
                                         trigger_id=self.state.issue_trigger(user_id), view=view)
        return self.sender.send_form("interaction", payloads.interaction_form(payload))

    def submit_view(self, user_id: str, view_id: str, values: dict[str, Any], *, tamper: Tamper = None) -> dict[str, Any]:
        """``user_id`` fills in the modal ``view_id`` and presses its submit button.

        ``values`` maps an input's action_id (or "block_id.action_id") to a plain value: text for a
        plain_text_input, an option value for static_select, a user id for users_select; or to the
        full Slack state dict. The ack's ``response_action`` is applied (errors/update/push/clear;
        none closes the modal). Returns {"delivery", "response_action", "errors", "view"}.
        """
        with self.state.lock:
            stack = self.state.view_stack(user_id)
            view = next((v for v in stack if v["id"] == view_id), None)
            if view is None:
                raise LocalWorkspaceError(f"{user_id} has no open modal {view_id}.", "Call open_views(user_id) to see it.")
            try:
                view["state"] = {"values": payloads.view_state_values(view, values)}
            except ValueError as e:
                raise LocalWorkspaceError(str(e), "Use a value from the element's options.") from None
            sent = copy.deepcopy(view)
        payload = payloads.view_submission(user_id, sent, trigger_id=self.state.issue_trigger(user_id))
        delivery = self.sender.send_form("interaction", payloads.interaction_form(payload), tamper=tamper)
        ack = delivery.ack_json() or {}
        action = ack.get("response_action") if delivery.acked else None
        errors = ack.get("errors") if action == "errors" else None
        apply_response_action(self.state, user_id, view_id, delivery, ack)
        return {"delivery": delivery, "response_action": action, "errors": errors,
                "view": next((v for v in self.open_views(user_id) if v["id"] == view_id), None)}

    def close_view(self, user_id: str, view_id: str) -> Delivery | None:
        """``user_id`` closes the modal ``view_id`` (and any pushed above it). Delivers ``view_closed``
        when the view asked for it (``notify_on_close``); returns that delivery or None."""
        with self.state.lock:
            stack = self.state.view_stack(user_id)
            index = next((i for i, v in enumerate(stack) if v["id"] == view_id), None)
            if index is None:
                raise LocalWorkspaceError(f"{user_id} has no open modal {view_id}.", "Call open_views(user_id) to see it.")
            view = copy.deepcopy(stack[index])
            cleared = index == 0 and len(stack) > 1
            del stack[index:]
            self.state.touch(persist=False)
        if not view.get("notify_on_close"):
            return None
        payload = payloads.view_closed(user_id, view, is_cleared=cleared)
        return self.sender.send_form("interaction", payloads.interaction_form(payload))

    def slash(self, user_id: str, text: str, *, command: str = "/papercast", channel: str = CHANNEL_ID,
              tamper: Tamper = None) -> Delivery:
        """``user_id`` types ``/papercast <text>`` in ``channel``. A non-empty ack body is shown to them
        as an ephemeral message (or in the channel for ``response_type: in_channel``)."""
        self._human(user_id)
        target = ResponseUrl(user_id, channel)
        response_url = f"{self.url}response/{self.state.issue_response_url(target)}"
        body = payloads.slash_command_form(user_id, command, text, channel_id=channel,
                                           trigger_id=self.state.issue_trigger(user_id), response_url=response_url)
        delivery = self.sender.send_form("command", body, tamper=tamper)
        if delivery.acked and delivery.last:
            responses.apply_command_ack(self.state, target, delivery.last.body, delivery.last.content_type)
        return delivery

    def open_home(self, user_id: str) -> Delivery:
        """``user_id`` opens the bot's App Home tab: delivers ``app_home_opened``."""
        self._human(user_id)
        event: dict[str, Any] = {"type": "app_home_opened", "user": user_id, "channel": dm_channel_id(user_id),
                                 "tab": "home", "event_ts": self.state.next_ts()}
        home = self.home_view(user_id)
        if home:
            event["view"] = home
        return self.deliver_event(event)

    def deliver_event(self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int = 0,
                      retry_reason: str = "http_timeout", retries: bool = True, tamper: Tamper = None) -> Delivery:
        """Deliver one event in an ``event_callback`` envelope (signed; retried like Slack).

        Pass the ``event_id`` of an earlier delivery and ``retry_num=1`` to re-send the same event
        as Slack's retry does, to check that the bot acts on it exactly once. An event the app
        is not subscribed to is recorded with one attempt whose error is "not_subscribed".
        """
        if not self._subscribed(event):
            delivery = Delivery("event", json.dumps(event), "application/json", event_id=event_id)
            delivery.attempts.append(Attempt(0, None, 0.0, error="not_subscribed"))
            return delivery
        if event_id:
            earlier = next((d for d in self.sender.deliveries("event") if d.event_id == event_id), None)
            if earlier is not None and retry_num:
                envelope = json.loads(earlier.body)
                return self.sender.send_event(envelope, retry_num=retry_num, retry_reason=retry_reason,
                                              retries=retries, tamper=tamper)
        envelope = payloads.event_envelope(event, event_id=event_id)
        return self.sender.send_event(envelope, retry_num=retry_num, retry_reason=retry_reason, retries=retries,
                                      tamper=tamper)

    # --- helpers --------------------------------------------------------------------------

    def _subscribed(self, event: dict[str, Any]) -> bool:
        if self.subscribed_events is None or not event:
            return True
        name = event.get("type", "")
        if name == "message":
            name = {"im": "message.im", "group": "message.groups"}.get(channel_type(str(event.get("channel", ""))),
                                                                       "message.channels")
        return name in self.subscribed_events

    def _human(self, user_id: str) -> None:
        if user_id not in HUMANS:
            raise LocalWorkspaceError(f"{user_id} is not a person in the local workspace.", f"Use one of {HUMANS}.")

    def _thread_root(self, channel: str, thread_ts: str) -> str:
        root = self.state.thread_root(channel, thread_ts)
        if root is None:
            raise LocalWorkspaceError(f"There is no message {thread_ts} in {channel}.", "Use the ts of a message in that channel.")
        return root

    def _find_message(self, user_id: str, ts: str, channel: str | None) -> tuple[str, dict[str, Any], bool]:
        with self.state.lock:
            ephemeral = self.state.find_ephemeral(user_id, ts)
            if ephemeral is not None:
                return ephemeral.get("channel") or CHANNEL_ID, copy.deepcopy(ephemeral), True
            if channel:
                message = self.state.find_message(channel, ts)
                found = (channel, message) if message else None
            else:
                found = self.state.find_any_message(ts)
            if found is None:
                raise LocalWorkspaceError(f"There is no message {ts}.", "Use the ts of a message from messages().")
            return found[0], message_object(self.state, found[1]), False

    def _act_on_message(self, user_id: str, ts: str, action_id: str, value: Any, channel: str | None,
                        tamper: Tamper) -> Delivery:
        self._human(user_id)
        channel_id, message, is_ephemeral = self._find_message(user_id, ts, channel)
        block_id, element = element_in(message.get("blocks", []), action_id)
        target = ResponseUrl(user_id, channel_id, message_ts=ts, is_ephemeral=is_ephemeral,
                             thread_ts=message.get("thread_ts"))
        response_url = f"{self.url}response/{self.state.issue_response_url(target)}"
        payload = payloads.block_actions(user_id, [action_on(block_id, element, value)],
                                         trigger_id=self.state.issue_trigger(user_id), message=message,
                                         channel_id=channel_id, response_url=response_url, is_ephemeral=is_ephemeral)
        return self.sender.send_form("interaction", payloads.interaction_form(payload), tamper=tamper)
