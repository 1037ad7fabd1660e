"""Who is asking, and what they may do."""

from __future__ import annotations

from dataclasses import dataclass

from workflows.errors import NotAllowed
from workflows.people import Mention, Notice
from workflows.store.records import Episode


@dataclass(frozen=True)
class Actor:
    user_id: str
    #: Resolved by the caller from the show's reviewers and reviewer group.
    is_reviewer: bool = False


def require_reviewer(actor: Actor, what: str) -> None:
    if not actor.is_reviewer:
        raise NotAllowed(
            Notice.of(f"Only the show's reviewers can {what}, and ", Mention(actor.user_id), " is not one of them."),
            "Ask a reviewer, or ask an admin to add you to show.reviewers in papercast.toml.",
        )


def require_owner_or_reviewer(actor: Actor, episode: Episode, what: str) -> None:
    if actor.is_reviewer or (episode.owner and actor.user_id == episode.owner):
        return
    owner = Mention(episode.owner) if episode.owner else "nobody yet"
    raise NotAllowed(
        Notice.of("Only the shipping owner (", owner, f") or a reviewer can {what}."),
        "Ask the owner, or ask a reviewer to reassign the episode to you.",
    )
