"""App Home: the ship ledger for whoever opens it."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.listeners._deps import deps
from bot.listeners.ledger import publish_home


def app_home_opened(event: dict[str, Any], client: WebClient, context: Any) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(deps(context), client, event["user"])
