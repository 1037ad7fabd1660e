"""The edit modal was submitted: a new script version by the reviewer, checked and posted for review."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks import joined_parts
from bot.errors import answered
from bot.listeners._deps import deps
from bot.listeners.views._submitted import submitted
from workflows import review
from workflows.errors import ScriptError
from workflows.script.model import Script


def edit_modal(ack: Any, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: Any) -> None:
    d = deps(context)
    user, seen, channel, thread_ts = submitted(body, view, d.services)
    text = joined_parts(view["state"]["values"], int(seen.get("n") or 1))
    latest = d.services.store.latest_script(seen["e"])
    try:  # a wrong line is shown on the modal, before it closes
        review.text_to_script(text, Script.model_validate(latest.script), author=user)
    except ScriptError as e:
        ack(response_action="errors", errors={"part0": e.for_people()[:200]})
        return
    ack()
    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        review.edit_script(d.services, seen["e"], d.reviewers.actor(user), text=text, expected_version=seen["v"])
        d.people.mark_decided(seen["e"], seen["s"])
        d.people.status(seen["e"])
