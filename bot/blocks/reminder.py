"""The shipping owner's reminder: the diagnosis and what they can do about it."""

from __future__ import annotations

from bot.blocks._kit import Block, actions, button, context, plain, section, user, value
from bot.blocks.status_card import episode_title, way_out_buttons
from workflows.store.records import Episode

#: The reminder's action ids (buttons, and the reassign users_select).
OWNER_ACTIONS = ("ship_check_now", "ship_snooze", "ship_reassign", "ship_i_fixed_it", "ship_publish_again",
                 "ship_publish_by_hand")


def owner_reminder(episode: Episode, diagnosis: str, *, snooze_minutes: float, escalate: bool = False,
                   reviewers: str = "") -> tuple[str, list[Block]]:
    """(fallback text, blocks) of a reminder to the owner; ``reviewers`` are mentioned when escalating.

    "Publish again" and "Publish by hand" appear only when the episode's state allows them.
    """
    title = episode_title(episode)
    who = user(episode.owner)
    gone = bool(episode.facts.get("reopened_at"))
    lead = f"{who}, *{title}* was live and is not any more." if gone else f"{who}, *{title}* is not live yet."
    if escalate and reviewers:
        lead = f"{reviewers}: {lead} This has been pending a while."
    ep = value(e=episode.id)
    blocks: list[Block] = [
        section(f"{lead}\n*Diagnosis:* {diagnosis}", block_id="reminder"),
        actions(
            "owner_actions",
            button("Check now", "ship_check_now", ep, style="primary"),
            button(f"Snooze reminders {snooze_minutes:g} min", "ship_snooze", value(e=episode.id, m=snooze_minutes)),
            button("I fixed it", "ship_i_fixed_it", ep),
            *way_out_buttons(episode),
        ),
        {"type": "section", "block_id": f"reassign:{episode.id}", "text": {"type": "mrkdwn", "text": "Hand it to someone else:"},
         "accessory": {"type": "users_select", "action_id": "ship_reassign", "placeholder": plain("New shipping owner")}},
        context(f"`{episode.id}` · papercast checks again on its own; the episode is shipped only when the live site "
                "matches twice in a row."),
    ]
    return f"{title} is not live {'any more' if gone else 'yet'}: {diagnosis}", blocks
