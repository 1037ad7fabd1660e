"""Publish by hand: the owner puts the files up; papercast keeps verifying the live site."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.listeners._deps import action_value
from bot.listeners.actions._ship import run_owner_action
from workflows.ship import actions as ship


def ship_publish_by_hand(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    run_owner_action(body, client, context, ship.publish_manually, action_value(body)["e"],
                     ":raised_hands: Over to you: papercast keeps checking the live site until it matches.")
