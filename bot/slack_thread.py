"""Recognising papercast's own posts in Slack after a crash, by their message metadata.

Every message posted for an episode carries ``metadata = {"event_type": "papercast_effect",
"event_payload": {"episode": <id>, "key": <key>}}``; a keyed post that the store has no
record of is first looked for in the conversation (conversations.replies for a thread,
conversations.history since the episode began otherwise), with ``include_all_metadata``
since Slack leaves metadata out unless asked, page by page.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from workflows.store.records import Episode

log = logging.getLogger(__name__)

EVENT_TYPE = "papercast_effect"
#: Page size of the look-up (Slack recommends no more than 200).
PAGE = 200
#: At most this many pages are read (PAGE × MAX_PAGES messages) before giving up the look-up.
MAX_PAGES = 50
#: A history look-up starts this long before the episode was created (clocks differ).
SKEW_SECONDS = 86400.0


def effect_metadata(episode_id: str, key: str | None) -> dict[str, Any]:
    """The metadata a post for ``episode_id`` carries; unkeyed lines name only the episode."""
    payload: dict[str, Any] = {"episode": episode_id}
    if key:
        payload["key"] = key
    return {"event_type": EVENT_TYPE, "event_payload": payload}


def is_effect(message: dict[str, Any], episode_id: str, key: str) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") == EVENT_TYPE and payload.get("episode") == episode_id and payload.get("key") == key


def find_post(client: WebClient, episode: Episode, key: str, *, channel: str | None = None,
              in_thread: bool = True) -> str | None:
    """The ts of the message posted for (episode, key), or None when there is none (or Slack cannot tell).

    Looks in the episode's thread, or (``in_thread=False``, or an episode without a thread) in
    ``channel``'s history since the episode was created.
    """
    channel = channel or episode.channel
    cursor: str | None = None
    try:
        for _ in range(MAX_PAGES):
            if in_thread and episode.thread_ts and channel == episode.channel:
                page = client.conversations_replies(channel=channel, ts=episode.thread_ts, include_all_metadata=True,
                                                    limit=PAGE, cursor=cursor)
            else:
                page = client.conversations_history(channel=channel, oldest=f"{episode.created_at.timestamp() - SKEW_SECONDS:.6f}",
                                                    inclusive=True, include_all_metadata=True, limit=PAGE,
                                                    cursor=cursor)
            for message in page.get("messages") or []:
                if is_effect(message, episode.id, key):
                    return message["ts"]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        log.warning("gave up looking for %s of %s after %d pages", key, episode.id, MAX_PAGES)
    except (SlackApiError, SlackClientError, OSError) as e:
        code = e.response.get("error") if isinstance(e, SlackApiError) and e.response is not None else type(e).__name__
        log.warning("could not look for %s of %s in Slack (%s); posting it", key, episode.id, code)
    return None
