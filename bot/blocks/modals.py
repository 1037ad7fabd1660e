"""The review modals: approve (with the shipping owner), request changes, edit."""

from __future__ import annotations

from typing import Any

from bot.blocks._kit import Block, SECTION_LIMIT, context, plain, section, value

#: The Edit modal holds at most this many text boxes (Slack allows 100 blocks per view).
MAX_EDIT_PARTS = 40


def _modal(callback_id: str, title: str, submit: str, blocks: list[Block], metadata: str) -> dict[str, Any]:
    return {"type": "modal", "callback_id": callback_id, "title": plain(title), "submit": plain(submit),
            "close": plain("Cancel"), "blocks": blocks, "private_metadata": metadata}


def approve_modal(episode_id: str, script_version: int, episode_version: int, title: str, uploader: str) -> dict:
    """Approving names the shipping owner: the person who makes sure it goes live."""
    blocks = [
        section(f"Approve *{title}* (script v{script_version})?"),
        {"type": "input", "block_id": "owner", "label": plain("Shipping owner"),
         "hint": plain("They get the reminders until the episode is live on the website."),
         "element": {"type": "users_select", "action_id": "owner", "initial_user": uploader,
                     "placeholder": plain("Who makes sure it ships?")}},
    ]
    return _modal("approve_modal", "Approve episode", "Approve", blocks,
                  value(e=episode_id, s=script_version, v=episode_version))


def changes_modal(episode_id: str, script_version: int, episode_version: int, title: str) -> dict:
    blocks = [
        section(f"What should change in *{title}* (script v{script_version})? The writer gets your notes."),
        {"type": "input", "block_id": "notes", "label": plain("Notes for the writer"),
         "element": {"type": "plain_text_input", "action_id": "notes", "multiline": True, "max_length": 3000}},
    ]
    return _modal("changes_modal", "Request changes", "Send notes", blocks,
                  value(e=episode_id, s=script_version, v=episode_version))


def split_for_inputs(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Cut the script at line breaks into parts of at most ``limit`` characters (one text box each)."""
    parts: list[str] = []
    current = ""
    for line in text.splitlines():
        while len(line) > limit:  # a single very long line: cut it hard
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


def edit_modal(episode_id: str, script_version: int, episode_version: int, text: str) -> dict | None:
    """The script as editable text, split across text boxes of 3000 characters; None if it is too long."""
    parts = split_for_inputs(text)
    if len(parts) > MAX_EDIT_PARTS:
        return None
    blocks: list[Block] = [context(
        "One line per spoken line: `Name: what they say`. Chapters: `## Title`."
        + (f" The script is long, so it is split over {len(parts)} boxes; they are joined in order." if len(parts) > 1 else ""))]
    for i, part in enumerate(parts):
        label = "Script" if len(parts) == 1 else f"Script, part {i + 1} of {len(parts)}"
        blocks.append({"type": "input", "block_id": f"part{i}", "label": plain(label),
                       "element": {"type": "plain_text_input", "action_id": "text", "multiline": True,
                                   "initial_value": part, "max_length": SECTION_LIMIT}})
    return _modal("edit_modal", "Edit script", "Save version", blocks,
                  value(e=episode_id, s=script_version, v=episode_version, n=len(parts)))


def joined_parts(values: dict[str, Any], count: int) -> str:
    """The edited text from the Edit modal's state values, parts joined in order."""
    return "\n".join((values.get(f"part{i}", {}).get("text", {}).get("value") or "") for i in range(count))
