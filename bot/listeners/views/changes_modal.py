"""The request-changes modal was submitted: the notes go back to the writer."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.errors import answered
from bot.listeners._deps import deps
from bot.listeners.views._submitted import submitted
from workflows import review


def changes_modal(ack: Any, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: Any) -> None:
    notes = (((view["state"]["values"].get("notes") or {}).get("notes") or {}).get("value") or "").strip()
    if not notes:
        ack(response_action="errors", errors={"notes": "Say what should change."})
        return
    ack()
    d = deps(context)
    user, seen, channel, thread_ts = submitted(body, view, d.services)
    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        review.request_changes(d.services, seen["e"], d.reviewers.actor(user), notes=notes, expected_version=seen["v"])
        d.people.mark_decided(seen["e"], seen["s"])
        d.people.status(seen["e"])
