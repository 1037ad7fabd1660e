"""Edit: reviewers only; opens the script as text (split over several boxes when long)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks import edit_modal
from bot.listeners.actions._review import on_review_button
from workflows.errors import ScriptError
from workflows.review import script_to_text
from workflows.script.model import Script


def review_edit(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()

    def open_modal(d, actor, episode, script_version) -> None:
        script = Script.model_validate(d.services.store.latest_script(episode.id).script)
        view = edit_modal(episode.id, script_version, episode.version, script_to_text(script))
        if view is None:
            raise ScriptError("This script is too long to edit in Slack.",
                              "Download the attached script, edit it, and ask for changes with your notes instead.")
        client.views_open(trigger_id=body["trigger_id"], view=view)

    on_review_button(body, client, context, "edit the script", open_modal)
