"""``/papercast status | help | check <episode>``."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks import HELP, ledger_blocks, ledger_text
from bot.errors import answered
from bot.listeners._deps import deps
from bot.listeners.actions._ship import describe
from workflows.errors import EpisodeNotFound
from workflows.ship import actions as ship


def papercast(ack: Any, command: dict[str, Any], respond: Any, client: WebClient, context: Any) -> None:
    words = (command.get("text") or "").split()
    verb = words[0].lower() if words else "help"
    d = deps(context)
    if verb == "status":
        episodes = d.services.store.ledger()
        ack(text=ledger_text(episodes, d.services.clock())[:3000], blocks=ledger_blocks(episodes, d.services.clock(), limit=40))
        return
    if verb == "check" and len(words) == 2:
        ack(text=f":mag: Checking `{words[1]}`…")
        user = command["user_id"]
        with answered(client, user=user, channel=command.get("channel_id")):
            episode = _find(d, words[1])
            result = ship.check_now(d.services, episode.id, d.reviewers.actor(user))
            d.people.status(episode.id)
            respond(text=f":mag: {episode.title or episode.id}: {describe(result) or 'checked'}")
        return
    ack(text=HELP)


def _find(d, key: str):
    """An episode by id or slug."""
    store = d.services.store
    try:
        return store.get(key)
    except EpisodeNotFound:
        match = next((e for e in store.all() if e.slug == key), None)
        if match is None:
            raise EpisodeNotFound(f"There is no episode {key!r}.", "`/papercast status` lists them with their ids.") from None
        return match
