"""Every listener registers through :func:`listen`, which records (kind, name) for the manifest test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App

Kind = str  # "event" | "action" | "view" | "command"


def listen(app: App, kind: Kind, name: str, handler: Callable[..., Any]) -> tuple[Kind, str]:
    register = {"event": app.event, "action": app.action, "view": app.view, "command": app.command}[kind]
    register(name)(handler)
    return kind, name
