"""``file_shared``: a fallback for a PDF whose ``message`` event never came (same claim per file id)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.listeners._deps import deps
from bot.listeners.events._intake import is_pdf, start_from_file


def file_shared(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any) -> None:
    d = deps(context)
    file_id = event.get("file_id") or (event.get("file") or {}).get("id")
    channel = event.get("channel_id")
    if not file_id or not d.channel.is_it(channel) or d.services.store.claim_holder(f"file:{file_id}"):
        return
    if not d.drops.first_delivery(f"event:{body.get('event_id')}"):
        return
    file = client.files_info(file=file_id)["file"]
    if not is_pdf(file):
        return  # the message event answers non-PDFs
    shares = ((file.get("shares") or {}).get("public") or {}).get(channel) or \
        ((file.get("shares") or {}).get("private") or {}).get(channel) or []
    if not shares:
        return
    share = shares[0]
    start_from_file(d, client, file, user=event.get("user_id") or file.get("user"), channel=channel,
                    thread_ts=share.get("thread_ts") or share["ts"], message_ts=share["ts"])
