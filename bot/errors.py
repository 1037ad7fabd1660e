"""The one place where papercast errors become Slack replies.

A listener wraps its work in :func:`answered`; a :class:`PapercastError` raised
inside is told to the person who acted, as an ephemeral message (a DM when
there is no channel). A lost race names the winner: "<@U1> already approved this at 09:14 UTC".
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks._kit import when
from bot.blocks.notice import slack_text
from workflows.errors import ConcurrentTransition, PapercastError
from workflows.store.records import AuditRow

log = logging.getLogger(__name__)


class SlackUnavailable(PapercastError):
    """Slack refused or failed a Web API call even after the retries."""

    kind = "slack_unavailable"
    retryable = True

    @classmethod
    def from_api_error(cls, method: str, error: SlackApiError) -> "SlackUnavailable":
        code = error.response.get("error") if error.response is not None else None
        return cls(f"Slack did not accept {method} ({code or 'no answer'}).",
                   "Press Retry in a minute; if it keeps failing, check the bot's scopes with `papercast doctor`.")


_DID = {"approve": "approved this", "reject": "rejected this", "request_changes": "requested changes",
        "edit": "edited the script", "submit": "posted a new version", "draft": "wrote a new draft",
        "reassign": "reassigned it", "retry": "retried it", "publish_manually": "chose to publish by hand"}


def who_decided(move: AuditRow | None) -> str:
    """The winning audit row → ``<@U1> already approved this at 2026-11-23 09:14 UTC.``"""
    if move is None:
        return "Someone else decided first."
    who = "papercast" if move.actor == "papercast" else f"<@{move.actor}>"
    return f"{who} already {_DID.get(move.transition, move.transition)} at {when(move.at)}."


def text_for(error: PapercastError) -> str:
    """What a person reads for an error, as Slack mrkdwn (a person it names is a mention)."""
    if isinstance(error, ConcurrentTransition):
        return f"{who_decided(error.last_move)} Nothing else changed."
    return slack_text(error.notice())


def tell_person(client: WebClient, *, channel: str | None, user: str, text: str, thread_ts: str | None = None) -> None:
    """An ephemeral message for one person (a DM when there is no channel, e.g. from App Home)."""
    try:
        if channel:
            client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=thread_ts)
        else:
            dm = client.conversations_open(users=user)["channel"]["id"]
            client.chat_postMessage(channel=dm, text=text)
    except SlackApiError as e:
        log.warning("could not tell %s about an error: %s", user, e.response.get("error"))


@contextmanager
def answered(client: WebClient, *, user: str, channel: str | None, thread_ts: str | None = None) -> Iterator[None]:
    """Turn a PapercastError raised inside into an ephemeral reply to ``user``; nothing else is caught."""
    try:
        yield
    except PapercastError as e:
        log.info("told %s: %s (%s)", user, e.message, e.kind)
        tell_person(client, channel=channel, user=user, text=text_for(e), thread_ts=thread_ts)

