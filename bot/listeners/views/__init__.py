from __future__ import annotations

from slack_bolt import App

from bot.listeners._registry import listen
from bot.listeners.views.approve_modal import approve_modal
from bot.listeners.views.changes_modal import changes_modal
from bot.listeners.views.edit_modal import edit_modal


def register(app: App) -> list[tuple[str, str]]:
    return [
        listen(app, "view", "approve_modal", approve_modal),
        listen(app, "view", "changes_modal", changes_modal),
        listen(app, "view", "edit_modal", edit_modal),
    ]
