"""Shared by the review modals: who submitted, what they saw, where to answer."""

from __future__ import annotations

import json
from typing import Any

from workflows.services import Services


def submitted(body: dict[str, Any], view: dict[str, Any], svc: Services) -> tuple[str, dict[str, Any], str, str | None]:
    """(user id, what they saw {e, s, v}, channel, thread_ts) of a modal submission."""
    seen = json.loads(view.get("private_metadata") or "{}")
    episode = svc.store.get(seen["e"])
    return body["user"]["id"], seen, episode.channel, episode.thread_ts
