"""All listeners, registered in one place (the layout of bolt-python-starter-template)."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import actions, commands, events, views


def register_listeners(app: App) -> list[tuple[str, str]]:
    """Register every listener on ``app``; returns the (kind, name) pairs, which manifest.yml must match."""
    return [*events.register(app), *actions.register(app), *views.register(app), *commands.register(app)]
