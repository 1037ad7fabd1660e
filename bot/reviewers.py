"""Who the show's reviewers are: ``show.reviewers`` plus the members of ``show.reviewer_group``.

Group members come from ``usergroups.users.list`` and are cached for ``ttl``
seconds. If Slack cannot be asked, only the listed ids count (fail closed).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from workflows.actor import Actor
from workflows.settings import Show

log = logging.getLogger(__name__)


class Reviewers:
    def __init__(self, client: WebClient, show: Show, *, ttl: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._ids = frozenset(show.reviewers)
        self._group = show.reviewer_group
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._members: frozenset[str] = frozenset()
        self._fetched_at: float | None = None

    def group_members(self) -> frozenset[str]:
        if not self._group:
            return frozenset()
        with self._lock:
            now = self._clock()
            if self._fetched_at is not None and now - self._fetched_at < self._ttl:
                return self._members
            try:
                users = self._client.usergroups_users_list(usergroup=self._group).get("users") or []
                self._members, self._fetched_at = frozenset(users), now
            except SlackApiError as e:
                log.warning("could not list reviewer group %s: %s", self._group, e.response.get("error"))
            return self._members

    def is_reviewer(self, user_id: str) -> bool:
        return user_id in self._ids or user_id in self.group_members()

    def actor(self, user_id: str) -> Actor:
        """The person acting, with whether they may review."""
        return Actor(user_id=user_id, is_reviewer=self.is_reviewer(user_id))

    def mentions(self) -> str:
        """How to mention all reviewers in a message."""
        parts = [f"<@{u}>" for u in sorted(self._ids)]
        if self._group:
            parts.append(f"<!subteam^{self._group}>")
        return " ".join(parts)
