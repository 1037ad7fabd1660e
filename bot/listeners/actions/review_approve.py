"""Approve: reviewers only; opens the modal that asks for the shipping owner."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks import approve_modal, episode_title
from bot.listeners.actions._review import on_review_button


def review_approve(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()

    def open_modal(d, actor, episode, script_version) -> None:
        client.views_open(trigger_id=body["trigger_id"], view=approve_modal(
            episode.id, script_version, episode.version, episode_title(episode), episode.uploader))

    on_review_button(body, client, context, "approve an episode", open_modal)
