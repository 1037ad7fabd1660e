"""A file shared in the podcast channel (public: message.channels, private: message.groups): a PDF starts an
episode, anything else gets told."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.listeners._deps import deps
from bot.listeners.events._intake import start_from_file


def message_file_share(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any) -> None:
    if event.get("subtype") != "file_share" or event.get("bot_id"):
        return
    d = deps(context)
    if not d.channel.is_it(event.get("channel")):
        return
    if not d.drops.first_delivery(f"event:{body.get('event_id')}"):
        return  # Slack retried a delivery we already handled
    thread_ts = event.get("thread_ts") or event["ts"]
    for file in event.get("files") or []:
        start_from_file(d, client, file, user=event["user"], channel=event["channel"], thread_ts=thread_ts,
                        message_ts=event["ts"])
