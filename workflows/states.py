"""The episode state machine: one table of states and the transitions between them.

Read it top to bottom: an episode is received, extracted, drafted, reviewed,
approved with an owner, rendered, published and finally *shipped*, which only
the live-site check may declare. Every transition is a compare-and-set on the
episode's (state, version) written together with an audit row; see
:meth:`workflows.store.episodes.EpisodeStore.transition`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    RECEIVED = "received"  # a PDF was dropped; nothing read yet
    EXTRACTED = "extracted"  # downloaded, validated, the Paper is stored
    DRAFTED = "drafted"  # a script version exists and passed through the checks
    IN_REVIEW = "in_review"  # posted with buttons, waiting for a reviewer
    CHANGES_REQUESTED = "changes_requested"  # notes go back to the writer
    APPROVED = "approved"  # a reviewer approved and named the shipping owner
    AUDIO_READY = "audio_ready"  # MP3, transcript and notes are stored
    PUBLISHED = "published"  # committed and pushed to the website repository
    MANUAL_PUBLISH = "manual_publish"  # the owner puts the files up by hand
    SHIPPED = "shipped"  # the live site serves exactly the committed bytes
    REJECTED = "rejected"  # a reviewer said no
    DUPLICATE = "duplicate"  # the same PDF (sha256) is already an episode
    FAILED = "failed"  # a step failed; the episode records which, why, and can retry
    DISMISSED = "dismissed"  # a reviewer set a failed episode (or a refused file) aside; it is not worked on


#: The stage a person sees on the status card, in order (progress bar).
STAGES: tuple[State, ...] = (
    State.RECEIVED,
    State.EXTRACTED,
    State.DRAFTED,
    State.IN_REVIEW,
    State.APPROVED,
    State.AUDIO_READY,
    State.PUBLISHED,
    State.SHIPPED,
)

TERMINAL = frozenset({State.SHIPPED, State.REJECTED, State.DUPLICATE, State.DISMISSED})
ACTIVE = frozenset(State) - TERMINAL - {State.FAILED}
#: Target meaning "stay in the same state" (the version still moves and the audit row is written).
SAME = None
#: Target meaning "go back to the state the episode failed in".
RESUME = "resume"
#: Target meaning "back to how it was published": published, or manual_publish for a hand-published episode.
RESUME_PUBLISHED = "resume_published"

S = State


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[State]
    target: State | str | None
    doc: str


def _t(name: str, sources, target, doc: str) -> Transition:
    return Transition(name, frozenset(sources), target, doc)


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    # name                 from                                   to                   why
    _t("extract",          {S.RECEIVED},                          S.EXTRACTED,         "the PDF was downloaded, validated and extracted"),
    _t("mark_duplicate",   {S.RECEIVED},                          S.DUPLICATE,         "the same PDF is already an episode"),
    _t("draft",            {S.EXTRACTED, S.CHANGES_REQUESTED},    S.DRAFTED,           "a writer produced a script version"),
    _t("submit",           {S.DRAFTED},                           S.IN_REVIEW,         "the script was posted for review"),
    _t("edit",             {S.IN_REVIEW},                         SAME,                "a reviewer edited the script by hand (new version)"),
    _t("request_changes",  {S.IN_REVIEW},                         S.CHANGES_REQUESTED, "a reviewer sent notes back to the writer"),
    _t("approve",          {S.IN_REVIEW},                         S.APPROVED,          "a reviewer approved and named the shipping owner"),
    _t("reject",           {S.IN_REVIEW},                         S.REJECTED,          "a reviewer rejected the episode"),
    _t("render",           {S.APPROVED},                          S.AUDIO_READY,       "audio, transcript and notes were produced"),
    _t("publish",          {S.AUDIO_READY},                       S.PUBLISHED,         "the artifacts were committed and pushed"),
    _t("publish_manually", {S.AUDIO_READY, S.PUBLISHED, S.FAILED}, S.MANUAL_PUBLISH,   "the owner chose to put the files up by hand"),
    _t("republish",        {S.PUBLISHED, S.MANUAL_PUBLISH},       S.AUDIO_READY,       "the published commit is gone; publish the same files again"),
    _t("ship",             {S.PUBLISHED, S.MANUAL_PUBLISH},       S.SHIPPED,           "the live site serves exactly the committed bytes"),
    _t("reopen",           {S.SHIPPED},                           RESUME_PUBLISHED,    "a re-check found the shipped episode no longer live"),
    _t("reassign",         ACTIVE | {S.FAILED},                   SAME,                "the shipping owner changed"),
    _t("fail",             ACTIVE,                                S.FAILED,            "a step failed"),
    _t("retry",            {S.FAILED},                            RESUME,              "someone asked to run the failed step again"),
    _t("dismiss",          {S.FAILED},                            S.DISMISSED,         "a reviewer set the failed episode aside"),
)}

#: The automatic step that moves an episode on from each state (the step runner's table).
#: States missing here wait for a person (in_review) or for the live-site check (published).
STEP_FOR_STATE: dict[State, str] = {
    S.RECEIVED: "extract",
    S.EXTRACTED: "draft",
    S.CHANGES_REQUESTED: "draft",
    S.DRAFTED: "submit",
    S.APPROVED: "render",
    S.AUDIO_READY: "publish",
}


def progress(state: State, failed_from: State | None = None) -> tuple[int, int]:
    """(stages done, stages in all) for the status card's progress bar."""
    effective = failed_from if state == S.FAILED and failed_from else state
    if effective == S.CHANGES_REQUESTED:
        effective = S.EXTRACTED
    if effective == S.MANUAL_PUBLISH:
        effective = S.PUBLISHED
    if effective in STAGES:
        return STAGES.index(effective) + 1, len(STAGES)
    return 0, len(STAGES)
