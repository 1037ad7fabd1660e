"""What every listener needs, injected into bolt's ``context`` by one middleware (see bot.app)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.reviewers import Reviewers
from bot.slack_people import SlackPeople
from workflows.drops import Drops
from workflows.services import Services

KEY = "papercast"


@dataclass
class Deps:
    services: Services
    people: SlackPeople
    reviewers: Reviewers
    #: The configured podcast channel, resolved to an id on first use.
    channel: Any
    #: Who claims events in the store (host:pid), for the exactly-once keys.
    holder: str
    #: Dropped PDFs, started once each; kept and retried while the disk is full.
    drops: Drops


def deps(context: Any) -> Deps:
    return context[KEY]


def action_value(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON a button carried (what the person saw): {"e": episode id, "s": script version, ...}."""
    action = body["actions"][0]
    raw = action.get("value") or "{}"
    return json.loads(raw)


def where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(channel, thread_ts) of the message an interaction came from, for ephemeral replies."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    message = body.get("message") or {}
    return channel, message.get("thread_ts") or (body.get("container") or {}).get("thread_ts")
