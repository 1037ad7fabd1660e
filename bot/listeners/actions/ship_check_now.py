"""Check now: the owner (or a reviewer) asks for a live-site check right away."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.listeners._deps import action_value
from bot.listeners.actions._ship import run_owner_action
from workflows.ship import actions as ship


def ship_check_now(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    run_owner_action(body, client, context, ship.check_now, action_value(body)["e"], ":mag: Checked the live site.")
