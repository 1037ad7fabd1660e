"""The status card's progress bar: one mark per stage, filled up to the current one."""

from __future__ import annotations

from workflows.states import STAGES, State, progress

FILLED, EMPTY = "▰", "▱"

#: How each state reads on the card.
STAGE_NAMES: dict[State, str] = {
    State.RECEIVED: "received",
    State.EXTRACTED: "read",
    State.DRAFTED: "drafted",
    State.IN_REVIEW: "in review",
    State.CHANGES_REQUESTED: "changes requested",
    State.APPROVED: "approved",
    State.AUDIO_READY: "audio ready",
    State.PUBLISHED: "published",
    State.MANUAL_PUBLISH: "publishing by hand",
    State.SHIPPED: "shipped",
    State.REJECTED: "rejected",
    State.DUPLICATE: "duplicate",
    State.FAILED: "failed",
    State.DISMISSED: "dismissed",
}


def progress_bar(state: State, failed_from: State | None = None) -> str:
    """``▰▰▰▱▱▱▱▱ 3/8`` for the state (a failed episode shows where it stopped)."""
    done, total = progress(state, failed_from)
    return f"{FILLED * done}{EMPTY * (total - done)} {done}/{total}"


def stage_line(state: State, failed_from: State | None = None) -> str:
    """The stage names in order, the current one in bold, e.g. ``received › read › *drafted* › …``."""
    done, _ = progress(state, failed_from)
    names = []
    for i, stage in enumerate(STAGES, start=1):
        name = STAGE_NAMES[stage]
        names.append(f"*{name}*" if i == done else name)
    return " › ".join(names)
