"""Starting episodes from shared files, exactly once per file."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.blocks import not_a_pdf
from bot.errors import answered
from bot.listeners._deps import Deps
from workflows import review

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
    """A PDF starts one episode (claimed by file id); anything else gets a threaded 'PDFs only' reply."""
    if not is_pdf(file):
        if d.services.store.claim(f"not-pdf:{file['id']}", d.holder):
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=not_a_pdf(file.get("name", "file")))
        return
    if not d.services.store.claim(f"file:{file['id']}", d.holder):
        log.info("file %s already started an episode", file["id"])
        return
    with answered(client, user=user, channel=channel, thread_ts=thread_ts):
        episode = review.start_episode(d.services, uploader=user, channel=channel, thread_ts=thread_ts,
                                       file=full_file(client, file))
        d.people.status(episode.id)
