"""What happens to a message the app sends back through a ``response_url`` or a slash-command ack.

``POST /response/<id>`` accepts Slack's fields: ``text``, ``blocks``,
``response_type`` ("ephemeral", the default, or "in_channel"),
``replace_original``, ``delete_original`` and ``thread_ts``. A URL works at
most five times, like Slack's.
"""

from __future__ import annotations

import json
from typing import Any

from bot.local.objects import bot_message_fields
from bot.local.reply import Reply
from bot.local.state import ResponseUrl, WorkspaceState

_MAX_USES = 5


def _content(data: dict[str, Any]) -> dict[str, Any]:
    content: dict[str, Any] = {"text": data.get("text") or ""}
    if data.get("blocks"):
        content["blocks"] = data["blocks"]
    if data.get("attachments"):
        content["attachments"] = data["attachments"]
    return content


def _original(state: WorkspaceState, target: ResponseUrl) -> dict[str, Any] | None:
    if target.message_ts is None:
        return None
    if target.is_ephemeral:
        return state.find_ephemeral(target.user_id, target.message_ts)
    return state.find_message(target.channel_id or "", target.message_ts)


def apply(state: WorkspaceState, target: ResponseUrl, data: dict[str, Any]) -> str | None:
    """Carry out one response; None on success, else an error code."""
    with state.lock:
        original = _original(state, target)
        if data.get("delete_original") in (True, "true"):
            if original is None:
                return "message_not_found"
            if target.is_ephemeral:
                state.mem.ephemerals[target.user_id].remove(original)
                state.touch(persist=False)
            else:
                state.delete_message(target.channel_id or "", original["ts"])
            return None
        if data.get("replace_original") in (True, "true"):
            if original is None:
                return "message_not_found"
            original.pop("blocks", None)
            original.update(_content(data))
            state.touch(persist=not target.is_ephemeral)
            return None
        if not (data.get("text") or data.get("blocks") or data.get("attachments")):
            return "no_text"
        thread_ts = data.get("thread_ts") or target.thread_ts
        message = {"type": "message", **_content(data), **bot_message_fields()}
        if thread_ts:
            message["thread_ts"] = thread_ts
        if data.get("response_type") == "in_channel" and target.channel_id:
            state.add_message(target.channel_id, message)
        else:
            message["channel"] = target.channel_id
            state.add_ephemeral(target.user_id, message)
        return None


def handle_post(state: WorkspaceState, response_id: str, body: bytes) -> Reply:
    """``POST /response/<id>`` with a JSON body."""
    target = state.mem.responses.get(response_id)
    if target is None:
        return Reply.json({"ok": False, "error": "expired_url"}, status=404)
    if target.uses >= _MAX_USES:
        return Reply.json({"ok": False, "error": "used_url"}, status=404)
    try:
        data = json.loads(body.decode("utf-8") or "{}")
    except ValueError:
        return Reply.json({"ok": False, "error": "invalid_payload"}, status=400)
    target.uses += 1
    error = apply(state, target, data if isinstance(data, dict) else {})
    if error:
        return Reply.json({"ok": False, "error": error}, status=404 if error == "message_not_found" else 400)
    return Reply.json({"ok": True})


def apply_command_ack(state: WorkspaceState, target: ResponseUrl, body: str, content_type: str) -> None:
    """A slash command's ack body is shown to the user (plain text, or a JSON message)."""
    if not body.strip():
        return
    data: Any = None
    if "json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            data = None
    if not isinstance(data, dict):
        data = {"text": body}
    if data.get("text") or data.get("blocks"):
        apply(state, target, data)
