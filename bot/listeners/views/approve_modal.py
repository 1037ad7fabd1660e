"""The approve modal was submitted: approve with the shipping owner, compare-and-set on what they saw."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.errors import answered
from bot.listeners._deps import deps
from bot.listeners.views._submitted import submitted
from workflows import review


def approve_modal(ack: Any, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: Any) -> None:
    owner = ((view["state"]["values"].get("owner") or {}).get("owner") or {}).get("selected_user")
    if not owner:
        ack(response_action="errors", errors={"owner": "Pick the person who makes sure the episode goes live."})
        return
    ack()
    d = deps(context)
    user, seen, channel, thread_ts = submitted(body, view, d.services)
    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        review.approve(d.services, seen["e"], d.reviewers.actor(user), owner=owner, expected_version=seen["v"])
        d.people.mark_decided(seen["e"], seen["s"])
        d.people.status(seen["e"])
