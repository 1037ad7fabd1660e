"""Web API methods that read a conversation back: conversations.replies and conversations.history.

As on slack.com, a message's ``metadata`` is only returned when the call asks for it
(``include_all_metadata``), and long answers come in pages: ``limit`` messages at a
time, with ``response_metadata.next_cursor`` naming where the next page starts.
"""

from __future__ import annotations

import base64
from typing import Any

from bot.local.api_chat import _channel
from bot.local.api_params import ApiError, Method, Params, thread_root
from bot.local.objects import message_object
from bot.local.state import WorkspaceState

#: Slack's largest page (and conversations.replies' default; conversations.history's is 100).
MAX_LIMIT = 1000


def _limit(params: Params, default: int) -> int:
    try:
        limit = int(params.get("limit") or default)
    except ValueError:
        raise ApiError("invalid_limit") from None
    return max(1, min(limit, MAX_LIMIT))


def _cursor(ts: str) -> str:
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def _start(messages: list[dict[str, Any]], cursor: Any) -> int:
    """The index the page named by ``cursor`` starts at (0 without one); invalid_cursor when it names nothing."""
    if not cursor:
        return 0
    try:
        kind, _, ts = base64.b64decode(str(cursor), validate=True).decode().partition(":")
    except ValueError:
        raise ApiError("invalid_cursor") from None
    index = next((i for i, m in enumerate(messages) if m["ts"] == ts), None)
    if kind != "next_ts" or index is None:
        raise ApiError("invalid_cursor")
    return index


def _in_range(message: dict[str, Any], params: Params) -> bool:
    """``oldest`` < ts < ``latest`` (``inclusive``: <=), each bound only when given."""
    ts, inclusive = float(message["ts"]), params.flag("inclusive")
    if params.get("oldest") and not (ts >= float(params["oldest"]) if inclusive else ts > float(params["oldest"])):
        return False
    if params.get("latest") and not (ts <= float(params["latest"]) if inclusive else ts < float(params["latest"])):
        return False
    return True


def _page(state: WorkspaceState, messages: list[dict[str, Any]], params: Params, default_limit: int) -> dict[str, Any]:
    limit = _limit(params, default_limit)
    start = _start(messages, params.get("cursor"))
    page = messages[start:start + limit]
    rest = messages[start + limit:]
    shown = [message_object(state, m) for m in page]
    if not params.flag("include_all_metadata"):
        for message in shown:
            message.pop("metadata", None)
    return {"messages": shown, "has_more": bool(rest),
            "response_metadata": {"next_cursor": _cursor(rest[0]["ts"]) if rest else ""}}


def conversations_replies(state: WorkspaceState, params: Params) -> dict[str, Any]:
    channel_id = _channel(state, params)
    with state.lock:
        root = thread_root(state, channel_id, params.required("ts"))
        thread = state.history(channel_id, root)
        replies = [m for m in thread[1:] if _in_range(m, params)]
        return _page(state, thread[:1] + replies, params, MAX_LIMIT)


def conversations_history(state: WorkspaceState, params: Params) -> dict[str, Any]:
    channel_id = _channel(state, params)
    with state.lock:
        messages = [m for m in reversed(state.history(channel_id)) if _in_range(m, params)]
        return _page(state, messages, params, 100)


METHODS: dict[str, Method] = {
    "conversations.replies": conversations_replies,
    "conversations.history": conversations_history,
}
