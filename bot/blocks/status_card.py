"""The episode's status card: one message per episode, updated in place."""

from __future__ import annotations

from typing import Any

from bot.blocks._kit import Block, actions, button, confirm, context, section, user, value, when
from bot.blocks.progress import STAGE_NAMES, progress_bar, stage_line
from workflows.ship.actions import ways_out
from workflows.states import State
from workflows.store.records import Episode

#: States in which the last live check is what is wrong (``facts["last_check"]``, written by every check).
_CHECKED = (State.PUBLISHED, State.MANUAL_PUBLISH)


def episode_title(episode: Episode) -> str:
    source = (episode.facts.get("source") or {}).get("name")
    return episode.title or source or episode.id


def latest_problem(episode: Episode) -> str | None:
    """What went wrong last, if anything is wrong now: the failed step, or the last live check's diagnosis."""
    if episode.state == State.FAILED:
        return episode.error or f"The {episode.failed_step or 'last'} step failed."
    last = episode.facts.get("last_check") or {}
    if episode.state in _CHECKED and last and not last.get("shipped") and last.get("diagnosis"):
        return str(last["diagnosis"])
    return None


def status_card(episode: Episode) -> tuple[str, list[Block]]:
    """(fallback text, blocks) of the status card."""
    stage = STAGE_NAMES.get(episode.state, episode.state.value)
    if episode.state == State.FAILED and episode.failed_from:
        stage = f"failed while {STAGE_NAMES.get(episode.failed_from, episode.failed_from.value)}"
    title = episode_title(episode)
    lines = [
        f"*{title}*",
        f"*Stage:* {stage}",
        f"`{progress_bar(episode.state, episode.failed_from)}`  {stage_line(episode.state, episode.failed_from)}",
        f"*Owner:* {user(episode.owner)}",
    ]
    rendered = episode.facts.get("render_progress")
    if episode.state == State.APPROVED and rendered:
        lines.append(f"*Audio:* {rendered[0]}/{rendered[1]} lines spoken")
    problem = latest_problem(episode)
    if problem:
        lines.append(f":warning: *Latest problem:* {problem}")
    blocks: list[Block] = [section("\n".join(lines), block_id="status")]
    if episode.state == State.FAILED:
        blocks.append(_failed_actions(episode))
    elif episode.state in _CHECKED and problem and way_out_buttons(episode):
        blocks.append(actions("status_actions", *way_out_buttons(episode)))
    blocks.append(context(f"`{episode.id}` · dropped by {user(episode.uploader)} · updated {when(episode.updated_at)}"))
    return f"{title}: {stage}", blocks


def way_out_buttons(episode: Episode) -> list[dict[str, Any]]:
    """"Publish again" (the commit is gone) and "Publish by hand", each only where the state allows it."""
    ep = value(e=episode.id)
    ways = ways_out(episode)
    buttons = []
    if "publish_again" in ways:
        buttons.append(button("Publish again", "ship_publish_again", ep, style="primary", confirm=confirm(
            "Publish again?", "papercast commits the same approved files to the website again and checks the live site.",
            "Publish again")))
    if "publish_by_hand" in ways:
        buttons.append(_by_hand(episode))
    return buttons


def _by_hand(episode: Episode) -> dict[str, Any]:
    return button("Publish by hand", "ship_publish_by_hand", value(e=episode.id), confirm=confirm(
        "Publish by hand?", "You put the files up yourself; papercast keeps checking the live site.", "I'll do it"))


def _failed_actions(episode: Episode) -> Block:
    elements: list[dict[str, Any]] = [button("Retry", "episode_retry", value(e=episode.id), style="primary")]
    if episode.failed_from in (State.AUDIO_READY, State.PUBLISHED) and "publish_by_hand" in ways_out(episode):
        elements.append(_by_hand(episode))
    return actions("status_actions", *elements)


def not_a_pdf(filename: str) -> str:
    return (f"`{filename}` is not a PDF, so it did not start an episode. "
            "Only PDFs make episodes: export the paper as a PDF and drop it here.")
