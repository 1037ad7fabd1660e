"""Reassign: a users_select on the reminder names the new shipping owner."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.listeners._deps import deps
from bot.listeners.actions._ship import run_owner_action
from workflows.ship import actions as ship


def ship_reassign(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    action = body["actions"][0]
    episode_id = action["block_id"].split(":", 1)[1]  # "reassign:<episode id>"
    new_owner = action.get("selected_user")
    if run_owner_action(body, client, context, ship.reassign, episode_id, f":handshake: <@{new_owner}> owns it now.",
                        new_owner=new_owner):
        deps(context).people.tell_owner_approved(episode_id, body["user"]["id"], reassigned=True)
