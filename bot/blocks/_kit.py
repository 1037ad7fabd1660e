"""Tiny Block Kit constructors shared by the builders (plain dicts, nothing else)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

Block = dict[str, Any]

#: Slack's limit on a section's text and on a plain_text_input's value.
SECTION_LIMIT = 3000


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str, *, block_id: str | None = None, accessory: dict | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(clip(text, SECTION_LIMIT))}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(clip(t, 2000)) for t in texts if t][:10] or [mrkdwn(" ")]}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(clip(text, 150))}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, *, style: str | None = None, confirm: dict | None = None) -> dict:
    element: dict[str, Any] = {"type": "button", "text": plain(text), "action_id": action_id, "value": value}
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def actions(block_id: str, *elements: dict) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def confirm(title: str, text: str, yes: str, no: str = "Cancel") -> dict[str, Any]:
    return {"title": plain(title), "text": mrkdwn(text), "confirm": plain(yes), "deny": plain(no), "style": "danger"}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def value(**fields: Any) -> str:
    """A button value / private_metadata: compact JSON (what the person saw)."""
    return json.dumps(fields, separators=(",", ":"))


def when(at: datetime | str | None) -> str:
    """A timestamp as people read it, in UTC."""
    if at is None:
        return "?"
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def age(then: datetime, now: datetime) -> str:
    """How long ago, coarse: 5m, 3h, 2d."""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def user(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "nobody yet"


def minutes(n: float) -> str:
    """``1 minute``, ``5 minutes``, ``1.5 minutes``, ``2 hours`` (whole hours from 120 minutes)."""
    if n >= 120 and n % 60 == 0:
        return f"{n / 60:g} hours"
    return f"{n:g} minute" if n == 1 else f"{n:g} minutes"


def link(url: str | None, text: str) -> str:
    """``<url|text>`` in mrkdwn (``text`` alone without a URL); ``|``, ``<`` and ``>`` in the text are escaped."""
    if not url:
        return text
    safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "¦")
    return f"<{url}|{safe}>"
