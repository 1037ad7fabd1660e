"""The ship ledger as a person sees it: App Home (views.publish) or the /papercast reply (response_url)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks import Ledger, home_view, ledger_blocks, ledger_text
from bot.listeners._deps import Deps

#: Episodes listed in the slash command's reply (a message holds 50 blocks).
REPLY_LIMIT = 40


def publish_home(d: Deps, client: WebClient, user: str) -> None:
    """Publish the ledger on ``user``'s App Home tab, titles linked to their threads; Dismiss for reviewers."""
    episodes = d.services.store.ledger()
    links = d.people.thread_links(Ledger.of(episodes).shown)
    client.views_publish(user_id=user, view=home_view(episodes, d.services.clock(), links=links,
                                                      can_dismiss=d.reviewers.is_reviewer(user)))


def ledger_reply(d: Deps, user: str) -> dict[str, Any]:
    """The /papercast status reply: text and blocks."""
    episodes = d.services.store.ledger()
    now, links = d.services.clock(), d.people.thread_links(Ledger.of(episodes).shown[:REPLY_LIMIT])
    return {"text": ledger_text(episodes, now, links=links)[:3000],
            "blocks": ledger_blocks(episodes, now, limit=REPLY_LIMIT, links=links,
                                    can_dismiss=d.reviewers.is_reviewer(user))}


def refresh_ledger(d: Deps, client: WebClient, body: dict[str, Any], respond: Any) -> None:
    """After a change made from a ledger, show that person the ledger again where they clicked."""
    user = body["user"]["id"]
    container = body.get("container") or {}
    if container.get("type") == "view" and (body.get("view") or {}).get("type") == "home":
        publish_home(d, client, user)
    elif container.get("is_ephemeral") and body.get("response_url"):
        respond(replace_original=True, **ledger_reply(d, user))
