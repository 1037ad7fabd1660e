"""Reject (confirmed in the button's dialog): reviewers only, decided on the version they saw."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.errors import answered
from bot.listeners._deps import action_value, deps, where
from bot.listeners.actions._review import still_in_review
from workflows import review
from workflows.actor import require_reviewer


def review_reject(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    d = deps(context)
    user = body["user"]["id"]
    seen = action_value(body)
    channel, thread_ts = where(body)
    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        actor = d.reviewers.actor(user)
        require_reviewer(actor, "reject an episode")
        episode = still_in_review(d.services, seen["e"], seen["s"])
        review.reject(d.services, episode.id, actor, reason="rejected in Slack", expected_version=episode.version)
        d.people.mark_decided(episode.id, seen["s"])
        d.people.status(episode.id)
