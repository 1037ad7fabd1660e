"""Shared by the review buttons: is the version the reviewer saw still the one waiting for review?"""

from __future__ import annotations

from workflows.errors import ConcurrentTransition
from workflows.services import Services
from workflows.states import State
from workflows.store.records import Episode

_MOVES = ("approve", "reject", "request_changes", "edit", "draft", "submit", "fail", "retry")


def still_in_review(svc: Services, episode_id: str, script_version: int) -> Episode:
    """The episode, if script ``script_version`` still waits for a decision; else say who moved it on."""
    episode = svc.store.get(episode_id)
    latest = svc.store.latest_script(episode_id)
    if episode.state == State.IN_REVIEW and latest is not None and latest.version == script_version:
        return episode
    last = svc.store.last_decision(episode_id, _MOVES)
    winner = f"{last.transition} by {last.actor} at {last.at.isoformat()}" if last else None
    raise ConcurrentTransition(f"Script v{script_version} of {episode_id} is no longer waiting for review.",
                               current_state=episode.state.value, current_version=episode.version, winner=winner)
