"""Publish again: the published commit is gone from the website; publish the same approved files again."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.listeners._deps import action_value
from bot.listeners.actions._ship import run_owner_action
from workflows.ship import actions as ship


def ship_publish_again(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    run_owner_action(body, client, context, ship.publish_again, action_value(body)["e"],
                     ":repeat: Publishing the same files again; papercast checks the live site after.")
