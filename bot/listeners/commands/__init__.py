from __future__ import annotations

from slack_bolt import App

from bot.listeners._registry import listen
from bot.listeners.commands.papercast import papercast


def register(app: App) -> list[tuple[str, str]]:
    return [listen(app, "command", "/papercast", papercast)]
