"""The one place a :class:`~workflows.people.Notice` becomes Slack mrkdwn: mentions, emoji, bold, links, code.

The domain says things in structured terms (``workflows/people.py``); everything the bot posts for it
(thread lines, reminders' diagnoses, errors told to a person) goes through :func:`slack_text`.
"""

from __future__ import annotations

from workflows.people import Code, Icon, Link, Mention, Message, Part, Strong, as_notice

#: The emoji each kind of line starts with.
EMOJI: dict[Icon, str] = {
    Icon.INFO: ":information_source:",
    Icon.CHECKED: ":mag:",
    Icon.SNOOZED: ":zzz:",
    Icon.REASSIGNED: ":arrows_counterclockwise:",
    Icon.SHIPPED: ":white_check_mark:",
    Icon.WARNING: ":warning:",
    Icon.BY_HAND: ":hand:",
    Icon.AGAIN: ":repeat:",
    Icon.COVERAGE: ":bookmark_tabs:",
    Icon.SAID_AS: ":speaking_head_in_silhouette:",
}


def escaped(text: str) -> str:
    """Plain text made safe for mrkdwn: Slack reads only ``&``, ``<`` and ``>`` as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _part(part: Part) -> str:
    if isinstance(part, Mention):
        return f"<@{part.user_id}>"
    if isinstance(part, Strong):
        return f"*{escaped(part.text)}*"
    if isinstance(part, Code):
        return f"`{escaped(part.text)}`"
    if isinstance(part, Link):
        if not part.text or part.text == part.url:
            return f"<{part.url}>"
        return f"<{part.url}|{escaped(part.text).replace('|', '¦')}>"
    return escaped(part)


def slack_text(message: Message) -> str:
    """``message`` as mrkdwn: its icon's emoji, then each part (plain text escaped)."""
    notice = as_notice(message)
    body = "".join(_part(p) for p in notice.parts)
    return f"{EMOJI[notice.icon]} {body}" if notice.icon else body
