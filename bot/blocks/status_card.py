"""The episode's status card: one message per episode, updated in place."""

from __future__ import annotations

from typing import Any

from bot.blocks._kit import Block, actions, button, confirm, context, link, section, user, value, when
from bot.blocks.progress import STAGE_NAMES, progress_bar, stage_line
from workflows.ship.actions import ways_out
from workflows.states import State
from workflows.store.records import Episode

#: States in which the last live check is what is wrong (``facts.last_check``, written by every check).
_CHECKED = (State.PUBLISHED, State.MANUAL_PUBLISH)
#: Intake refusals about the file itself (``facts.error_kind``): reading the same bytes again fails the
#: same way, so the card asks for a fixed PDF instead of offering Retry.
FILE_REFUSALS = frozenset({"not_pdf", "empty_file", "too_large", "damaged_pdf", "reader_failed",
                           "password_protected", "no_text", "too_many_pages", "too_little_text"})


def episode_title(episode: Episode) -> str:
    source = episode.facts.source.name
    return episode.title or source or episode.id


def refused_file(episode: Episode) -> bool:
    """The dropped file itself was refused (damaged, protected, not a paper…): Retry cannot help."""
    return (episode.state == State.FAILED and episode.failed_step == "extract"
            and episode.facts.error_kind in FILE_REFUSALS and not episode.facts.retryable)


def failed_upload(episode: Episode) -> bool:
    """A drop that never became a paper (failed while being downloaded and read): not an episode in the ledger."""
    return episode.state == State.FAILED and episode.failed_step == "extract"


def latest_problem(episode: Episode) -> str | None:
    """What went wrong last, if anything is wrong now: the failed step, or the last live check's diagnosis."""
    if episode.state == State.FAILED:
        return episode.error or f"The {episode.failed_step or 'last'} step failed."
    last = episode.facts.last_check
    if episode.state in _CHECKED and last and not last.shipped and last.diagnosis:
        return last.diagnosis
    return None


def stage_name(episode: Episode) -> str:
    stage = STAGE_NAMES.get(episode.state, episode.state.value)
    if refused_file(episode):
        return "refused: the file cannot become an episode"
    if episode.state == State.FAILED and episode.failed_from:
        return f"failed while {STAGE_NAMES.get(episode.failed_from, episode.failed_from.value)}"
    return stage


def status_card(episode: Episode) -> tuple[str, list[Block]]:
    """(fallback text, blocks) of the status card."""
    stage = stage_name(episode)
    title = episode_title(episode)
    page = episode.facts.page_url
    lines = [
        f"*{link(page, title)}*",
        f"*Stage:* {stage}",
        f"{progress_bar(episode.state, episode.failed_from)}  {stage_line(episode.state, episode.failed_from)}",
        f"*Owner:* {user(episode.owner)}",
    ]
    rendered = episode.facts.render_progress
    if episode.state == State.APPROVED and rendered:
        lines.append(f"*Audio:* {rendered[0]}/{rendered[1]} lines spoken")
    if page and episode.state in (State.PUBLISHED, State.MANUAL_PUBLISH, State.SHIPPED):
        lines.append(f"*Episode page:* {link(page, page)}")
    problem = latest_problem(episode)
    if problem:
        lines.append(f":warning: *Latest problem:* {problem}")
    if refused_file(episode):
        lines.append(":page_facing_up: *What to do:* fix the file as said above and drop the fixed PDF in the channel; "
                     "it starts a new episode. A reviewer can dismiss this one.")
    if episode.state == State.DISMISSED:
        who = episode.facts.dismissed_by
        lines.append(f"Dismissed{f' by {user(who)}' if who else ''}: papercast does nothing more with it.")
    blocks: list[Block] = [section("\n".join(lines), block_id="status")]
    if episode.state == State.FAILED:
        blocks.append(_failed_actions(episode))
    elif episode.state in _CHECKED and problem and way_out_buttons(episode):
        blocks.append(actions("status_actions", *way_out_buttons(episode)))
    blocks.append(context(f"`{episode.id}` · dropped by {user(episode.uploader)} · updated {when(episode.updated_at)}"))
    return f"{title}: {stage}", blocks


def way_out_buttons(episode: Episode) -> list[dict[str, Any]]:
    """"Publish again" (the published files are gone or replaced) and "Publish by hand", each where the state allows."""
    ep = value(e=episode.id)
    ways = ways_out(episode)
    buttons = []
    if "publish_again" in ways:
        buttons.append(button("Publish again", "ship_publish_again", ep, style="primary", confirm=confirm(
            "Publish again?", "papercast publishes the same approved files to the website again and checks the live site.",
            "Publish again")))
    if "publish_by_hand" in ways:
        buttons.append(_by_hand(episode))
    return buttons


def _by_hand(episode: Episode) -> dict[str, Any]:
    return button("Publish by hand", "ship_publish_by_hand", value(e=episode.id), confirm=confirm(
        "Publish by hand?", "You put the files up yourself; papercast keeps checking the live site.", "I'll do it"))


def dismiss_button(episode: Episode) -> dict[str, Any]:
    """Reviewers set a failed episode aside (audited); it leaves the ledger's unshipped count."""
    return button("Dismiss", "episode_dismiss", value(e=episode.id, v=episode.version), confirm=confirm(
        "Dismiss this episode?", "It stays in the record, but papercast does nothing more with it and the ledger "
        "stops counting it as not shipped.", "Dismiss"))


def _failed_actions(episode: Episode) -> Block:
    elements: list[dict[str, Any]] = []
    if not refused_file(episode):
        elements.append(button("Retry", "episode_retry", value(e=episode.id), style="primary"))
    if episode.failed_from in (State.AUDIO_READY, State.PUBLISHED) and "publish_by_hand" in ways_out(episode):
        elements.append(_by_hand(episode))
    elements.append(dismiss_button(episode))
    return actions("status_actions", *elements)


def not_a_pdf(filename: str) -> str:
    return (f"`{filename}` is not a PDF, so it did not start an episode. "
            "Only PDFs make episodes: export the paper as a PDF and drop it here.")
