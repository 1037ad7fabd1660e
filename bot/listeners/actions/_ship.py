"""Shared by the owner's buttons: call one shipping action, refresh the card, confirm to the person.

The shipping actions already say what happened in the episode's thread, so a click in the thread
gets no second copy; a click elsewhere (the owner's DM, App Home) is answered there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.errors import answered, tell_person
from bot.listeners._deps import deps, where


def describe(result: Any) -> str:
    """A short line about what a shipping action returned (a check result, an episode, text)."""
    for attr in ("summary", "diagnosis", "message"):
        text = getattr(result, attr, None)
        if isinstance(text, str) and text:
            return text
    return result if isinstance(result, str) else ""


def run_owner_action(body: dict[str, Any], client: WebClient, context: Any, action: Callable[..., Any],
                     episode_id: str, done: str, **kwargs: Any) -> bool:
    """``action(svc, episode_id, actor, **kwargs)`` from workflows.ship.actions; NotAllowed etc. go to the person.
    True when the action was done."""
    d = deps(context)
    user = body["user"]["id"]
    channel, thread_ts = where(body)
    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        result = action(d.services, episode_id, d.reviewers.actor(user), **kwargs)
        d.people.status(episode_id)
        if channel != d.services.store.get(episode_id).channel:
            detail = describe(result)
            tell_person(client, channel=None, user=user, text=f"{done} {detail}".strip())
        return True
    return False
