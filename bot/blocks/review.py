"""The script review message: preview, findings by line, and the decision buttons."""

from __future__ import annotations

from typing import Any

from bot.blocks._kit import Block, actions, button, clip, confirm, context, header, section, user, value, when
from workflows.script.model import Script
from workflows.store.records import AuditRow, Episode, ScriptVersion

PREVIEW_LINES = 8
MAX_FINDINGS = 12
_ICONS = {"error": ":red_circle:", "warning": ":large_orange_circle:", "info": ":large_blue_circle:"}
#: The decision buttons' action ids, in the order they appear.
REVIEW_ACTIONS = ("review_approve", "review_request_changes", "review_edit", "review_reject")


def numbered_script(script: Script) -> str:
    """The full script as Markdown, one numbered line per spoken line (findings cite these numbers)."""
    starts = {c.start_line: c.title for c in script.chapters}
    out = [f"# {script.title}", "", script.summary, ""]
    for i, line in enumerate(script.lines):
        if i in starts:
            out += ["", f"## {starts[i]}", ""]
        out.append(f"{i + 1}. **{script.hosts.get(line.speaker, line.speaker)}:** {line.text}")
    return "\n".join(out) + "\n"


def _finding_line(f: dict[str, Any], script: Script) -> str:
    icon = _ICONS.get(f.get("severity", "warning"), ":white_circle:")
    where = ""
    line = f.get("line")
    if isinstance(line, int) and 0 <= line < len(script.lines):
        quoted = clip(script.lines[line].text, 80)
        where = f" — line {line + 1}: _{quoted}_"
    return f"{icon} *{f.get('check', 'check')}*: {f.get('message', '')}{where}"


def review_message(episode: Episode, version: ScriptVersion) -> tuple[str, list[Block]]:
    """(fallback text, blocks) asking the reviewers to decide on one script version."""
    script = Script.model_validate(version.script)
    preview = "\n".join(f"{i + 1}. *{script.hosts.get(l.speaker, l.speaker)}:* {l.text}"
                        for i, l in enumerate(script.lines[:PREVIEW_LINES]))
    more = len(script.lines) - PREVIEW_LINES
    if more > 0:
        preview += f"\n_… {more} more lines in the attached file._"
    author = "a reviewer's edit by " + user(version.author) if version.author != "papercast" else version.writer
    draft_note = " · :construction: offline draft: a mechanical script, read it closely" if script.offline_draft else ""
    blocks: list[Block] = [
        header(clip(f"Script v{version.version}: {script.title}", 150)),
        context(f"{script.word_count} words · {len(script.lines)} lines · written by {author}{draft_note}"),
        section(preview, block_id="preview"),
    ]
    findings = version.findings
    if findings:
        shown = [_finding_line(f, script) for f in findings[:MAX_FINDINGS]]
        if len(findings) > MAX_FINDINGS:
            shown.append(f"_… and {len(findings) - MAX_FINDINGS} more._")
        blocks.append(section(f"*Automated checks ({len(findings)}):*\n" + "\n".join(shown), block_id="findings"))
    else:
        blocks.append(section(":white_check_mark: *Automated checks:* brand, grounding and length found nothing.",
                              block_id="findings"))
    seen = value(e=episode.id, s=version.version)
    blocks.append(actions(
        "review",
        button("Approve", "review_approve", seen, style="primary"),
        button("Request changes", "review_request_changes", seen),
        button("Edit", "review_edit", seen),
        button("Reject", "review_reject", seen, style="danger", confirm=confirm(
            "Reject this episode?", "The episode stops here; nothing is recorded or published.", "Reject")),
    ))
    return f"Script v{version.version} of {script.title} is ready for review", blocks


_VERBS = {"approve": ":white_check_mark: Approved", "reject": ":no_entry: Rejected",
          "request_changes": ":memo: Changes requested", "edit": ":pencil2: Edited"}


def decided(blocks: list[Block], decision: AuditRow, episode: Episode) -> list[Block]:
    """The review message with its buttons replaced by who decided what, and when."""
    kept = [b for b in blocks if b.get("type") != "actions"]
    verb = _VERBS.get(decision.transition, decision.transition)
    text = f"{verb} by <@{decision.actor}> at {when(decision.at)}"
    if decision.transition == "approve" and episode.owner:
        text += f" · shipping owner {user(episode.owner)}"
    elif decision.transition == "edit":
        text += " · the new version is below"
    elif decision.reason and decision.transition in ("request_changes", "reject"):
        text += f": {clip(decision.reason, 500)}"
    return kept + [section(text, block_id="decision")]
