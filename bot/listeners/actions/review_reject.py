"""Reject (confirmed in the button's dialog): reviewers only, decided on the version they saw."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.listeners.actions._review import on_review_button
from workflows import review


def review_reject(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()

    def reject(d, actor, episode, script_version) -> None:
        review.reject(d.services, episode.id, actor, reason="rejected in Slack", expected_version=episode.version)
        d.people.mark_decided(episode.id, script_version)
        d.people.status(episode.id)

    on_review_button(body, client, context, "reject an episode", reject)
