"""I fixed it: triggers a live-site check (not a state change; only the check can ship)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.listeners._deps import action_value
from bot.listeners.actions._ship import run_owner_action
from workflows.ship import actions as ship


def ship_i_fixed_it(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    run_owner_action(body, client, context, ship.i_fixed_it, action_value(body)["e"],
                     ":wrench: Thanks; checking the live site now.")
