"""The reaction on the dropped file's message, following the episode: received, in review, approved, shipped, failed.

The reaction shown is remembered on the episode (fact ``reaction``); a change removes the
old one and adds the new one. Slack's ``already_reacted`` and ``no_reaction`` answers mean
the reaction already is as wanted (a repeat after a crash), so they are not failures.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_facts import remember, slack_facts
from workflows.states import State
from workflows.store.episodes import EpisodeStore
from workflows.store.records import Episode

#: The emoji (Slack short name) for each state; None: no reaction.
REACTION_FOR_STATE: dict[State, str | None] = {
    State.RECEIVED: "inbox_tray", State.EXTRACTED: "inbox_tray", State.DRAFTED: "inbox_tray",
    State.IN_REVIEW: "eyes", State.CHANGES_REQUESTED: "eyes",
    State.APPROVED: "+1", State.AUDIO_READY: "+1", State.PUBLISHED: "+1", State.MANUAL_PUBLISH: "+1",
    State.SHIPPED: "rocket",
    State.FAILED: "x", State.REJECTED: "no_entry_sign", State.DUPLICATE: "recycle", State.DISMISSED: None,
}
_SAME = {"already_reacted", "no_reaction"}


def dropped_message(episode: Episode) -> str | None:
    """The ts of the message that carried the dropped file (the thread's root when it was dropped top-level)."""
    return slack_facts(episode).dropped_ts or episode.thread_ts


def follow_reaction(client: WebClient, store: EpisodeStore, episode: Episode) -> None:
    """Make the dropped file's reaction match the episode's state. Raises the Slack error on a real failure."""
    ts = dropped_message(episode)
    wanted = REACTION_FOR_STATE.get(episode.state)
    shown = slack_facts(episode).reaction
    if ts is None or wanted == shown:
        return
    if shown:
        _call(client.reactions_remove, channel=episode.channel, timestamp=ts, name=shown)
    if wanted:
        _call(client.reactions_add, channel=episode.channel, timestamp=ts, name=wanted)
    remember(store, episode.id, reaction=wanted)


def _call(method, **kwargs) -> None:
    try:
        method(**kwargs)
    except SlackApiError as e:
        if e.response.get("error") not in _SAME:
            raise
