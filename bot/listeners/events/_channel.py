"""The podcast channel from the show config (``#papercast`` or ``C0123``), resolved to an id once.

A name is looked up among public and private channels the bot can see (conversations.list,
page by page). A miss is remembered for ``retry_seconds`` too, so a busy workspace does not
list every channel again on every message event while the bot is not in the channel yet.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
_ID = re.compile(r"^[CG][A-Z0-9_]{2,}$")
#: Seconds before a channel name that was not found is looked up again.
RETRY_SECONDS = 300.0


class ShowChannel:
    def __init__(self, client: WebClient, configured: str, *, retry_seconds: float = RETRY_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._configured = configured.strip()
        self._id: str | None = self._configured if _ID.match(self._configured) else None
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._missed_at: float | None = None
        self._lock = threading.Lock()

    def id(self) -> str | None:
        """The channel id, or None if the name cannot be found (asked again after ``retry_seconds``)."""
        if self._id:
            return self._id
        with self._lock:
            if self._id is None and (self._missed_at is None or self._clock() - self._missed_at >= self._retry_seconds):
                self._id = self._find(self._configured.lstrip("#"))
                self._missed_at = None if self._id else self._clock()
            return self._id

    def is_it(self, channel_id: str | None) -> bool:
        return bool(channel_id) and channel_id == self.id()

    def _find(self, name: str) -> str | None:
        try:
            cursor = None
            while True:
                page = self._client.conversations_list(types="public_channel,private_channel", limit=200,
                                                       exclude_archived=True, cursor=cursor)
                for channel in page.get("channels") or []:
                    if channel.get("name") == name:
                        return channel["id"]
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    log.warning("the show's channel #%s was not found; invite the bot to it (/invite @papercast)", name)
                    return None
        except SlackApiError as e:
            log.warning("could not list channels to find #%s: %s", name, e.response.get("error"))
            return None
