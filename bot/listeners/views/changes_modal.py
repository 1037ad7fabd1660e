"""The request-changes modal was submitted: the notes go back to the writer."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_sdk import WebClient

from bot.listeners.views._submitted import decide
from workflows import review


def changes_modal(ack: Any, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: Any) -> None:
    notes = (((view["state"]["values"].get("notes") or {}).get("notes") or {}).get("value") or "").strip()
    if not notes:
        ack(response_action="errors", errors={"notes": "Say what should change."})
        return
    ack()
    decide(body, view, client, context, partial(review.request_changes, notes=notes))
