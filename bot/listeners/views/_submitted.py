"""Shared by the review modals: what the person saw, and applying their decision on it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.errors import answered
from bot.listeners._deps import deps


def seen_in(view: dict[str, Any]) -> dict[str, Any]:
    """What the person saw when the modal opened: {e: episode id, s: script version, v: episode version, ...}."""
    return json.loads(view.get("private_metadata") or "{}")


def decide(body: dict[str, Any], view: dict[str, Any], client: WebClient, context: Any,
           decision: Callable[..., Any]) -> bool:
    """``decision(svc, episode_id, actor, expected_version=…)`` on what they saw (compare-and-set), then mark the
    review message decided and refresh the card. Errors go to the submitter in the episode's thread. Call after ack.
    True when the decision was taken."""
    d = deps(context)
    user, seen = body["user"]["id"], seen_in(view)
    episode = d.services.store.get(seen["e"])
    with answered(client, user=user, channel=episode.channel, thread_ts=episode.thread_ts):
        decision(d.services, seen["e"], d.reviewers.actor(user), expected_version=seen["v"])
        d.people.mark_decided(seen["e"], seen["s"])
        d.people.status(seen["e"])
        return True
    return False
