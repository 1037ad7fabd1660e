"""What the shipping owner is told: the approval DM, the reminders (DM, thread, call-out) and their outcome."""

from __future__ import annotations

from datetime import datetime

from bot.blocks._kit import Block, actions, button, context, link, minutes, plain, section, user, value, when
from bot.blocks.status_card import episode_title, stage_name, way_out_buttons
from workflows.settings import FollowUp
from workflows.states import State
from workflows.store.records import Episode


def owner_reminder(episode: Episode, diagnosis: str, *, snooze_minutes: float, escalate: bool = False,
                   reviewers: str = "", where: str = "dm", count: int | None = None,
                   checked_at: datetime | None = None) -> tuple[str, list[Block]]:
    """(fallback text, blocks) of a reminder with the owner's buttons.

    ``where`` is "dm" (to the owner: the one that notifies them), "thread" (the episode's one reminder
    message, updated in place: it mentions nobody) or, with ``escalate``, the call-out to ``reviewers``.
    "Publish again" and "Publish by hand" appear only when the episode's state allows them.
    """
    title = episode_title(episode)
    gone = episode.facts.reopened_at is not None
    state = "was live and is not any more" if gone else "is not live yet"
    if escalate:
        lead = f"{reviewers + ': ' if reviewers else ''}*{title}* {state}, after {count or 'several'} reminders to its shipping owner."
    elif where == "thread":
        lead = f"*{title}* {state}."
    else:
        lead = f"You are the shipping owner of *{title}*, and it {state}."
    ep = value(e=episode.id)
    notes = [f"`{episode.id}`"]
    if where == "thread" and count:
        notes.append(f"reminder {count}, sent to the shipping owner by direct message")
    if checked_at:
        notes.append(f"checked {when(checked_at)}")
    notes.append("papercast checks again on its own; shipped only when the live site matches twice in a row")
    blocks: list[Block] = [
        section(f"{lead}\n*Diagnosis:* {diagnosis}", block_id="reminder"),
        actions(
            "owner_actions",
            button("Check now", "ship_check_now", ep, style="primary"),
            button(f"Snooze {minutes(snooze_minutes)}", "ship_snooze", value(e=episode.id, m=snooze_minutes)),
            button("I fixed it", "ship_i_fixed_it", ep),
            *way_out_buttons(episode),
        ),
        {"type": "section", "block_id": f"reassign:{episode.id}", "text": {"type": "mrkdwn", "text": "Hand it to someone else:"},
         "accessory": {"type": "users_select", "action_id": "ship_reassign", "placeholder": plain("New shipping owner")}},
        context(" · ".join(notes)),
    ]
    return f"{title} {state}: {diagnosis}", blocks


def reminder_outcome(episode: Episode) -> tuple[str, list[Block]]:
    """An earlier reminder once the wait is over: the outcome instead of the buttons."""
    title = episode_title(episode)
    if episode.state == State.SHIPPED:
        page = episode.facts.page_url
        at = episode.facts.shipped_at
        text = (f":white_check_mark: *{link(page, title)}* shipped: the live site serves the approved files"
                f"{f' (since {when(at)})' if at else ''}. Nothing more to do.")
    elif episode.state == State.AUDIO_READY:
        text = f":repeat: *{title}* is being published again; a new reminder comes if it is not live."
    else:
        text = f"*{title}* is no longer waiting for the live site: it is {stage_name(episode)}. See its thread."
    return text, [section(text, block_id="reminder"), context(f"`{episode.id}` · this reminder is closed")]


def approval_dm(episode: Episode, by: str, followup: FollowUp, thread: str | None, *,
                reassigned: bool = False) -> tuple[str, list[Block]]:
    """(fallback text, blocks) telling the new owner they own shipping and what papercast does until it is live."""
    title = episode_title(episode)
    checks = ", ".join(minutes(m) for m in followup.check_minutes[:4])
    how = "made you the shipping owner of" if reassigned else "approved"
    text = (f"{user(by)} {how} *{link(thread, title)}*{'' if reassigned else ' and named you its shipping owner'}: "
            "you make sure it goes live on the website.")
    every = minutes(followup.repeat_minutes or followup.check_minutes[-1])
    doing = ("keeps checking the live site" if episode.state in (State.PUBLISHED, State.MANUAL_PUBLISH)
             else "renders the audio, publishes it to the website and checks the live site")
    steps = (f"*What papercast does now:* {doing} {checks} after publishing, then every {every}. "
             "The episode is *shipped* only when the live site serves exactly the approved files twice in a row.\n"
             f"*What you do:* nothing while that works. If it is not live {minutes(followup.grace_minutes)} after "
             "publishing, each check that finds it not live sends you a reminder here with the diagnosis and buttons: "
             "check now, snooze, publish by hand, or hand it to someone else. "
             f"After {followup.pings_before_escalation} reminders the reviewers are told too.")
    return f"You are the shipping owner of {title}", [section(text, block_id="owner"), section(steps, block_id="plan"),
                                                        context(f"`{episode.id}`")]
