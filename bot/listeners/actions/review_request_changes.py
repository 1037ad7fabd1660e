"""Request changes: reviewers only; opens the modal for the writer's notes."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks import changes_modal, episode_title
from bot.listeners.actions._review import on_review_button


def review_request_changes(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()

    def open_modal(d, actor, episode, script_version) -> None:
        client.views_open(trigger_id=body["trigger_id"],
                          view=changes_modal(episode.id, script_version, episode.version, episode_title(episode)))

    on_review_button(body, client, context, "request changes", open_modal)
