"""Snooze: no reminders for a while (the checks go on)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks._kit import minutes as minutes_text
from bot.listeners._deps import action_value
from bot.listeners.actions._ship import run_owner_action
from workflows.ship import actions as ship


def ship_snooze(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    seen = action_value(body)
    minutes = float(seen.get("m") or 60)
    run_owner_action(body, client, context, ship.snooze, seen["e"], f":zzz: Snoozed the reminders for {minutes_text(minutes)}.",
                     minutes=minutes)
