"""Request changes: reviewers only; opens the modal for the writer's notes."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks import changes_modal, episode_title
from bot.errors import answered
from bot.listeners._deps import action_value, deps, where
from bot.listeners.actions._review import still_in_review
from workflows.actor import require_reviewer


def review_request_changes(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    d = deps(context)
    user = body["user"]["id"]
    seen = action_value(body)
    channel, thread_ts = where(body)
    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        require_reviewer(d.reviewers.actor(user), "request changes")
        episode = still_in_review(d.services, seen["e"], seen["s"])
        client.views_open(trigger_id=body["trigger_id"],
                          view=changes_modal(episode.id, seen["s"], episode.version, episode_title(episode)))
