"""App Home: the ship ledger for whoever opens it."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks import home_view
from bot.listeners._deps import deps


def app_home_opened(event: dict[str, Any], client: WebClient, context: Any) -> None:
    if event.get("tab", "home") != "home":
        return
    svc = deps(context).services
    client.views_publish(user_id=event["user"], view=home_view(svc.store.ledger(), svc.clock()))
