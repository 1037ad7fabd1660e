"""Starting episodes from shared files, exactly once per file, and telling people when that must wait."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import not_a_pdf
from bot.errors import answered, tell_person
from bot.listeners._deps import Deps
from bot.slack_facts import remember
from workflows.drops import Drop
from workflows.errors import PapercastError
from workflows.store.records import Episode

log = logging.getLogger(__name__)


def is_pdf(file: dict[str, Any]) -> bool:
    return (file.get("mimetype") == "application/pdf" or file.get("filetype") == "pdf"
            or str(file.get("name", "")).lower().endswith(".pdf"))


def is_partial(file: dict[str, Any]) -> bool:
    """Slack Connect (and some other) events carry only ``{"id", "mode": "file_access", "file_access":
    "check_file_info", …}``: no name, type or URL until files.info is asked."""
    return file.get("file_access", "visible") != "visible" or not file.get("url_private_download")


def full_file(client: WebClient, file: dict[str, Any]) -> dict[str, Any]:
    """Events may carry a partial file object (``file_access: check_file_info``); ask files.info then."""
    if not is_partial(file):
        return file
    return client.files_info(file=file["id"])["file"]


def start_from_file(d: Deps, client: WebClient, file: dict[str, Any], *, user: str, channel: str,
                    thread_ts: str, message_ts: str | None = None) -> None:
    """A PDF starts one episode (claimed by file id); anything else gets a threaded 'PDFs only' reply.

    A partial file object is completed with files.info before deciding. While the store's disk is
    full the PDF waits in :class:`workflows.drops.Drops` and the person is told so in the thread;
    its status card comes when the episode exists. ``message_ts`` is the message that carried the
    file (its reaction follows the episode).
    """
    if is_partial(file):
        if d.services.store.claim_holder(f"file:{file['id']}"):
            return
        try:
            file = full_file(client, file)
        except SlackApiError as e:
            code = e.response.get("error") if e.response is not None else "no answer"
            tell_person(client, channel=channel, user=user, thread_ts=thread_ts,
                        text=f"papercast could not read this file's details from Slack (files.info: {code}). "
                             "Drop it again in a minute; if it keeps failing, `papercast doctor` checks the bot's scopes.")
            return
    if not is_pdf(file):
        if d.drops.first_delivery(f"not-pdf:{file['id']}"):
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=not_a_pdf(file.get("name", "file")))
        return
    if d.services.store.claim_holder(f"file:{file['id']}"):
        log.info("file %s already started an episode", file["id"])
        return

    def held(drop: Drop, why: PapercastError) -> None:
        try:
            client.chat_postMessage(channel=drop.channel, thread_ts=drop.thread_ts, text=why.for_people())
        except SlackApiError as e:
            log.warning("could not tell %s that their PDF waits: %s", drop.uploader, e.response.get("error"))

    def started(episode: Episode) -> None:
        if message_ts:
            remember(d.services.store, episode.id, dropped_ts=message_ts)
        d.people.status(episode.id)

    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        drop = Drop(file=full_file(client, file), uploader=user, channel=channel, thread_ts=thread_ts)
        d.drops.start(drop, on_started=started, on_held=held)
