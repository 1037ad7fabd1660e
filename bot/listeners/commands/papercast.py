"""``/papercast status | help | check <episode>``.

Answers go through the command's ``response_url`` (``respond``), which works in any conversation
the command was typed in, the bot a member or not, DMs included; ``chat.postEphemeral`` does not.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks import HELP
from bot.errors import text_for
from bot.listeners._deps import deps
from bot.listeners.actions._ship import describe
from bot.listeners.ledger import ledger_reply
from workflows.errors import EpisodeNotFound, PapercastError
from workflows.ship import actions as ship


def papercast(ack: Any, command: dict[str, Any], respond: Any, client: WebClient, context: Any) -> None:
    words = (command.get("text") or "").split()
    verb = words[0].lower() if words else "help"
    d = deps(context)
    user = command["user_id"]
    if verb == "status":
        ack()
        respond(**ledger_reply(d, user))
        return
    if verb == "check" and len(words) == 2:
        ack(text=f":mag: Checking `{words[1]}`…")
        try:
            episode = _find(d, words[1])
            result = ship.check_now(d.services, episode.id, d.reviewers.actor(user))
            d.people.status(episode.id)
            respond(text=f":mag: {episode.title or episode.id}: {describe(result) or 'checked'}")
        except PapercastError as e:
            respond(text=f":warning: {text_for(e)}")
        return
    if verb == "help":
        ack(text=HELP)
        return
    said = " ".join(words)[:80]
    why = "`check` needs one episode id: `/papercast check ep_…`." if verb == "check" else \
        f"I don't know `{said}`."
    ack(text=f"{why}\n\n{HELP}")


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
