"""Who and what the local workspace has: its team, people and channels, fixed and the same in every workspace.

:mod:`bot.local.state` holds what changes (messages, files, views); this is the
directory it and the Web API look names up in (users.info, conversations.info).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TEAM_ID = "T_LOCAL"
TEAM_DOMAIN = "papercast-local"
APP_ID = "A_LOCAL"
CHANNEL_ID = "C_PAPERCAST"
CHANNEL_NAME = "papercast"
#: A private channel (message.groups events, private file shares), for shows configured to use one.
PRIVATE_CHANNEL_ID = "C_PRIVATE"
PRIVATE_CHANNEL_NAME = "papercast-private"
REVIEWER = "U_REVIEWER"
OWNER = "U_OWNER"
OTHER = "U_OTHER"
BOT_USER = "U_BOT"
BOT_ID = "B_LOCAL"
REVIEWERS_GROUP = "S_REVIEWERS"


@dataclass(frozen=True)
class Person:
    id: str
    name: str  # the handle, e.g. "rita"
    real_name: str
    is_bot: bool = False


PEOPLE: dict[str, Person] = {
    p.id: p
    for p in (
        Person(REVIEWER, "rita", "Rita Reviewer"),
        Person(OWNER, "omar", "Omar Owner"),
        Person(OTHER, "nora", "Nora Neither"),
        Person(BOT_USER, "papercast", "papercast", is_bot=True),
    )
}
HUMANS = [REVIEWER, OWNER, OTHER]


def dm_channel_id(user_id: str) -> str:
    """The id of the direct-message channel between ``user_id`` and the bot."""
    return "D" + user_id[1:]


def channel_ids() -> list[str]:
    return [CHANNEL_ID, PRIVATE_CHANNEL_ID] + [dm_channel_id(u) for u in HUMANS]


def channel_object(channel_id: str) -> dict[str, Any] | None:
    """The channel as conversations.info shows it, or None if there is none."""
    if channel_id == CHANNEL_ID:
        return {
            "id": CHANNEL_ID, "name": CHANNEL_NAME, "is_channel": True, "is_group": False, "is_im": False,
            "is_private": False, "is_archived": False, "is_general": False, "is_member": True,
            "created": 1700000000, "creator": OWNER, "context_team_id": TEAM_ID,
            "topic": {"value": "Drop a paper, get a podcast", "creator": OWNER, "last_set": 0},
            "purpose": {"value": "papercast episodes", "creator": OWNER, "last_set": 0},
            "num_members": len(HUMANS) + 1,
        }
    if channel_id == PRIVATE_CHANNEL_ID:
        return {
            "id": PRIVATE_CHANNEL_ID, "name": PRIVATE_CHANNEL_NAME, "is_channel": True, "is_group": False,
            "is_im": False, "is_private": True, "is_archived": False, "is_general": False, "is_member": True,
            "created": 1700000000, "creator": OWNER, "context_team_id": TEAM_ID,
            "topic": {"value": "", "creator": "", "last_set": 0}, "purpose": {"value": "", "creator": "", "last_set": 0},
            "num_members": len(HUMANS) + 1,
        }
    for user_id in HUMANS:
        if channel_id == dm_channel_id(user_id):
            return {"id": channel_id, "is_im": True, "is_channel": False, "is_group": False, "user": user_id,
                    "is_org_shared": False, "created": 1700000000, "context_team_id": TEAM_ID}
    return None


def user_object(user_id: str) -> dict[str, Any] | None:
    """The user as users.info shows it, or None if there is none."""
    person = PEOPLE.get(user_id)
    if person is None:
        return None
    profile = {"real_name": person.real_name, "display_name": person.name, "real_name_normalized": person.real_name,
               "display_name_normalized": person.name, "team": TEAM_ID, "email": f"{person.name}@papercast.local"}
    user = {"id": person.id, "team_id": TEAM_ID, "name": person.name, "real_name": person.real_name,
            "deleted": False, "is_bot": person.is_bot, "is_admin": False, "is_app_user": False,
            "tz": "UTC", "tz_label": "Coordinated Universal Time", "tz_offset": 0, "profile": profile}
    if person.is_bot:
        user["profile"]["bot_id"] = BOT_ID
    return user


def resolve_channel(channel: str) -> str | None:
    """Channel id for an id, a #name, or a user id (its DM with the bot, like chat.postMessage)."""
    channel = channel.lstrip("#")
    if channel == CHANNEL_NAME:
        return CHANNEL_ID
    if channel == PRIVATE_CHANNEL_NAME:
        return PRIVATE_CHANNEL_ID
    if channel in PEOPLE and channel in HUMANS:
        return dm_channel_id(channel)
    return channel if channel_object(channel) else None


def is_private(channel_id: str) -> bool:
    """A private channel (not a DM): its events are message.groups, its file shares private."""
    return bool((channel_object(channel_id) or {}).get("is_private"))
