"""The approve modal was submitted: approve with the shipping owner (compare-and-set on what they saw), then DM the
owner that shipping is theirs and what papercast does until the episode is live."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_sdk import WebClient

from bot.listeners._deps import deps
from bot.listeners.views._submitted import decide, seen_in
from workflows import review


def approve_modal(ack: Any, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: Any) -> None:
    owner = ((view["state"]["values"].get("owner") or {}).get("owner") or {}).get("selected_user")
    if not owner:
        ack(response_action="errors", errors={"owner": "Pick the person who makes sure the episode goes live."})
        return
    ack()
    if decide(body, view, client, context, partial(review.approve, owner=owner)):
        deps(context).people.tell_owner_approved(seen_in(view)["e"], body["user"]["id"])
