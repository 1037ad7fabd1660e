"""The local workspace: a Slack-compatible stand-in on loopback, with a web page.

With no Slack tokens, ``papercast serve`` starts one so a newcomer can use the
product end to end in a browser; tests drive the same thing. The bot runs
unchanged against it, pointed at :attr:`LocalWorkspace.api_url`.
"""

from bot.local.sender import Attempt, Delivery, signature
from bot.local.directory import (APP_ID, BOT_ID, BOT_USER, CHANNEL_ID, CHANNEL_NAME, OTHER, OWNER, PRIVATE_CHANNEL_ID,
                                 PRIVATE_CHANNEL_NAME, REVIEWER, REVIEWERS_GROUP, TEAM_ID, dm_channel_id)
from bot.local.webapi import ApiCall
from bot.local.workspace import LocalWorkspace, LocalWorkspaceError

__all__ = [
    "APP_ID", "BOT_ID", "BOT_USER", "CHANNEL_ID", "CHANNEL_NAME", "OTHER", "OWNER", "PRIVATE_CHANNEL_ID",
    "PRIVATE_CHANNEL_NAME", "REVIEWER", "REVIEWERS_GROUP",
    "TEAM_ID", "ApiCall", "Attempt", "Delivery", "LocalWorkspace", "LocalWorkspaceError", "dm_channel_id", "signature",
]
