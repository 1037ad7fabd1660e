"""Starting episodes from shared files, exactly once per file, and telling people when that must wait."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import not_a_pdf
from bot.errors import answered
from bot.listeners._deps import Deps
from workflows.drops import Drop
from workflows.errors import PapercastError

log = logging.getLogger(__name__)


def is_pdf(file: dict[str, Any]) -> bool:
    return (file.get("mimetype") == "application/pdf" or file.get("filetype") == "pdf"
            or str(file.get("name", "")).lower().endswith(".pdf"))


def full_file(client: WebClient, file: dict[str, Any]) -> dict[str, Any]:
    """Events may carry a partial file object (``file_access: check_file_info``); ask files.info then."""
    if file.get("url_private_download") and file.get("file_access", "visible") == "visible":
        return file
    return client.files_info(file=file["id"])["file"]


def start_from_file(d: Deps, client: WebClient, file: dict[str, Any], *, user: str, channel: str,
                    thread_ts: str) -> None:
    """A PDF starts one episode (claimed by file id); anything else gets a threaded 'PDFs only' reply.

    While the store's disk is full the PDF waits in :class:`workflows.drops.Drops` and the person is
    told so in the thread; its status card comes when the episode exists.
    """
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

    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        drop = Drop(file=full_file(client, file), uploader=user, channel=channel, thread_ts=thread_ts)
        d.drops.start(drop, on_started=lambda episode: d.people.status(episode.id), on_held=held)
