"""Retry on a failed status card: runs the failed step again."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.errors import answered
from bot.listeners._deps import action_value, deps, where
from workflows import review


def episode_retry(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    d = deps(context)
    user = body["user"]["id"]
    episode_id = action_value(body)["e"]
    channel, thread_ts = where(body)
    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        review.retry(d.services, episode_id, d.reviewers.actor(user))
        d.people.status(episode_id)
