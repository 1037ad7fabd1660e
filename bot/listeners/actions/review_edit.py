"""Edit: reviewers only; opens the script as text (split over several boxes when long)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks import edit_modal
from bot.errors import answered
from bot.listeners._deps import action_value, deps, where
from bot.listeners.actions._review import still_in_review
from workflows.actor import require_reviewer
from workflows.errors import ScriptError
from workflows.review import script_to_text
from workflows.script.model import Script


def review_edit(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    d = deps(context)
    user = body["user"]["id"]
    seen = action_value(body)
    channel, thread_ts = where(body)
    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        require_reviewer(d.reviewers.actor(user), "edit the script")
        episode = still_in_review(d.services, seen["e"], seen["s"])
        script = Script.model_validate(d.services.store.latest_script(episode.id).script)
        view = edit_modal(episode.id, seen["s"], episode.version, script_to_text(script))
        if view is None:
            raise ScriptError("This script is too long to edit in Slack.",
                              "Download the attached script, edit it, and ask for changes with your notes instead.")
        client.views_open(trigger_id=body["trigger_id"], view=view)
