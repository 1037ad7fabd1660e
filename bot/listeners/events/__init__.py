from __future__ import annotations

from slack_bolt import App

from bot.listeners._registry import listen
from bot.listeners.events.app_home_opened import app_home_opened
from bot.listeners.events.file_shared import file_shared
from bot.listeners.events.message_file_share import message_file_share


def register(app: App) -> list[tuple[str, str]]:
    return [
        listen(app, "event", "message", message_file_share),
        listen(app, "event", "file_shared", file_shared),
        listen(app, "event", "app_home_opened", app_home_opened),
    ]
