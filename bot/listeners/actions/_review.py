"""Shared by the review buttons: reviewers only, and only on the script version they saw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.errors import answered
from bot.listeners._deps import Deps, action_value, deps, where
from workflows.actor import Actor, require_reviewer
from workflows.errors import ConcurrentTransition
from workflows.services import Services
from workflows.states import State
from workflows.store.records import Episode

_MOVES = ("approve", "reject", "request_changes", "edit", "draft", "submit", "fail", "retry")

#: What a review button does once the checks passed: (deps, actor, episode, script version seen).
Then = Callable[[Deps, Actor, Episode, int], None]


def on_review_button(body: dict[str, Any], client: WebClient, context: Any, what: str, then: Then) -> None:
    """Check that the clicker is a reviewer and the version they saw still waits, then ``then(...)``.

    A refusal, a lost race or any PapercastError raised by ``then`` goes to the clicker as an ephemeral.
    """
    d = deps(context)
    user = body["user"]["id"]
    seen = action_value(body)
    channel, thread_ts = where(body)
    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        actor = d.reviewers.actor(user)
        require_reviewer(actor, what)
        then(d, actor, still_in_review(d.services, seen["e"], seen["s"]), seen["s"])


def still_in_review(svc: Services, episode_id: str, script_version: int) -> Episode:
    """The episode, if script ``script_version`` still waits for a decision; else say who moved it on."""
    episode = svc.store.get(episode_id)
    latest = svc.store.latest_script(episode_id)
    if episode.state == State.IN_REVIEW and latest is not None and latest.version == script_version:
        return episode
    last = svc.store.last_decision(episode_id, _MOVES)
    raise ConcurrentTransition(f"Script v{script_version} of {episode_id} is no longer waiting for review.",
                               current_state=episode.state.value, current_version=episode.version, last_move=last)
