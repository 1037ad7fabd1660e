"""Dismiss (on a failed status card, or in the ledger): reviewers set a failed episode or a refused file aside."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.errors import answered
from bot.listeners._deps import action_value, deps, where
from bot.listeners.ledger import refresh_ledger
from workflows import review


def episode_dismiss(ack: Any, body: dict[str, Any], client: WebClient, context: Any, respond: Any) -> None:
    ack()
    d = deps(context)
    user = body["user"]["id"]
    seen = action_value(body)
    channel, thread_ts = where(body)
    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        review.dismiss(d.services, seen["e"], d.reviewers.actor(user), reason="dismissed in Slack",
                       expected_version=seen.get("v"))
        d.people.status(seen["e"])
        refresh_ledger(d, client, body, respond)
