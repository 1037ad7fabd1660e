"""The script review message: preview, findings by line, and the decision buttons."""

from __future__ import annotations

from typing import Any

from bot.blocks._kit import Block, actions, button, clip, confirm, context, header, section, user, value, when
from bot.blocks.notice import slack_text
from workflows.audio.lexicon import said_as_text
from workflows.intake.coverage import coverage_note
from workflows.script.model import Script
from workflows.script.prompts import numbered
from workflows.settings import Show
from workflows.store.records import AuditRow, Episode, ScriptVersion

PREVIEW_LINES = 8
MAX_FINDINGS = 12
_ICONS = {"error": ":red_circle:", "warning": ":large_orange_circle:", "note": ":large_blue_circle:",
          "info": ":large_blue_circle:"}
_ORDER = {"error": 0, "warning": 1}
_PARTS = {"title": "the title", "summary": "the summary", "show_notes": "the show notes"}


def numbered_script(script: Script) -> str:
    """The full script as Markdown: numbered lines (findings cite these numbers), each with its paper support.

    The show notes close the file, since they go public too.
    """
    out = [numbered(script).rstrip("\n")]
    if script.show_notes.strip():
        out += ["", "## Show notes", "", script.show_notes.strip()]
    return "\n".join(out) + "\n"


def _finding_line(f: dict[str, Any], script: Script) -> str:
    icon = _ICONS.get(f.get("severity", "warning"), ":white_circle:")
    where, support = "", [f["evidence"]] if f.get("evidence") else []
    line = f.get("line")
    if isinstance(line, int) and 0 <= line < len(script.lines):
        quoted = clip(script.lines[line].text, 80)
        where = f" — line {line + 1}: _{quoted}_"
        support = script.lines[line].support or support
    elif f.get("part") in _PARTS:
        where = f" — in {_PARTS[f['part']]}"
    text = f"{icon} *{f.get('check', 'check')}*: {clip(f.get('message', ''), 400)}{where}"
    if support and f.get("severity") != "note":
        text += "\n        :page_facing_up: _Paper:_ " + clip(" ".join(" ".join(support).split()), 240)
    return text


def _finding_sections(findings: list[dict[str, Any]], script: Script) -> list[Block]:
    """The findings, errors first, in as many sections as Slack's text limit needs."""
    ordered = sorted(findings, key=lambda f: _ORDER.get(f.get("severity", "warning"), 2))
    shown = [_finding_line(f, script) for f in ordered[:MAX_FINDINGS]]
    if len(findings) > MAX_FINDINGS:
        shown.append(f"_… and {len(findings) - MAX_FINDINGS} more._")
    chunks: list[str] = [f"*Automated checks ({len(findings)}):*"]
    for item in shown:
        if len(chunks[-1]) + len(item) + 1 > 2900:
            chunks.append(item)
        else:
            chunks[-1] += "\n" + item
    return [section(c, block_id="findings" if i == 0 else f"findings_{i + 1}") for i, c in enumerate(chunks)]


def review_message(episode: Episode, version: ScriptVersion, show: Show | None = None, paper: dict | None = None) -> tuple[str, list[Block]]:
    """(fallback text, blocks) asking the reviewers to decide on one script version."""
    script = Script.model_validate(version.script)
    preview = "\n".join(f"{i + 1}. *{script.hosts.get(l.speaker, l.speaker)}:* {l.text}"
                        for i, l in enumerate(script.lines[:PREVIEW_LINES]))
    more = len(script.lines) - PREVIEW_LINES
    if more > 0:
        preview += f"\n_… {more} more lines in the attached file._"
    edited = version.author != "papercast"
    author = f"edited by {user(version.author)}" if edited else f"written by {version.writer}"
    draft_note = " · :construction: offline draft: a mechanical script, read it closely" \
        if script.offline_draft and not edited else ""
    blocks: list[Block] = [
        header(clip(f"Script v{version.version}: {script.title}", 150)),
        context(f"{script.word_count} words · {len(script.lines)} lines · {author}{draft_note}"),
        section(preview, block_id="preview"),
    ]
    if show and (said := said_as_text(script, paper, show)):  # which words get a pronunciation, and how
        blocks.append(context(slack_text(said)))
    if paper:  # which sections and pages of the paper the script covers, and which it leaves out
        blocks.append(context(slack_text(coverage_note(paper, script))))
    findings = version.findings
    if findings:
        blocks += _finding_sections(findings, script)
    else:
        blocks.append(section(":white_check_mark: *Automated checks:* grounding, support, brand and length found "
                              "nothing.", block_id="findings"))
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
