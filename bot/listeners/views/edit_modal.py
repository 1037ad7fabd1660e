"""The edit modal was submitted: a new script version by the reviewer, checked and posted for review."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_sdk import WebClient

from bot.blocks import joined_parts
from bot.listeners._deps import deps
from bot.listeners.views._submitted import decide, seen_in
from workflows import review
from workflows.errors import ScriptError
from workflows.script.model import Script


def edit_modal(ack: Any, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: Any) -> None:
    seen = seen_in(view)
    text = joined_parts(view["state"]["values"], int(seen.get("n") or 1))
    latest = deps(context).services.store.latest_script(seen["e"])
    try:  # a wrong line is shown on the modal, before it closes
        review.text_to_script(text, Script.model_validate(latest.script), author=body["user"]["id"])
    except ScriptError as e:
        ack(response_action="errors", errors={"part0": e.for_people()[:200]})
        return
    ack()
    decide(body, view, client, context, partial(review.edit_script, text=text))
