"""What people do to an episode before it is approved: start it, review it, retry it.

Each function is one decision: it checks who is asking, applies one audited
transition (refused if someone decided first), and lets the runner move on.
The Slack layer calls these and renders their result; so does the CLI demo.
"""

from __future__ import annotations

import re
from typing import Any

from workflows import failpoints
from workflows.actor import Actor, require_owner_or_reviewer, require_reviewer
from workflows.errors import PapercastError, ScriptError
from workflows.script.model import Chapter, Line, Script
from workflows.services import Services
from workflows.store.facts import SourceFile
from workflows.store.records import Episode


def start_episode(svc: Services, *, uploader: str, channel: str, thread_ts: str, file: dict[str, Any]) -> Episode:
    """A PDF was dropped: record it and let the runner download and extract it.

    ``file`` holds what Slack's files.info said: id, name, url_private_download, size, mimetype.
    """
    source = SourceFile(**{k: file.get(k) for k in SourceFile.model_fields})
    episode = svc.store.create(uploader=uploader, channel=channel, thread_ts=thread_ts,
                               title="", facts={"source": source}, target_minutes=svc.show.writer.target_minutes)
    svc.kick(episode.id)
    return episode


def approve(svc: Services, episode_id: str, actor: Actor, *, owner: str, expected_version: int | None = None) -> Episode:
    require_reviewer(actor, "approve an episode")
    if not owner:
        raise PapercastError("Approving needs a shipping owner.", "Pick the person who makes sure it goes live.")
    episode = svc.store.transition(
        episode_id, "approve", actor=actor.user_id, reason=f"approved; shipping owner {owner}",
        expected_version=expected_version,
        updates={"owner": owner, "approver": actor.user_id, "approved_at": svc.clock().isoformat()},
    )
    failpoints.reach("approve.committed")
    svc.kick(episode_id)
    return episode


def request_changes(svc: Services, episode_id: str, actor: Actor, *, notes: str,
                    expected_version: int | None = None) -> Episode:
    require_reviewer(actor, "request changes")
    notes = notes.strip()
    if not notes:
        raise PapercastError("Requesting changes needs notes for the writer.", "Say what should change.")
    episode = svc.store.transition(episode_id, "request_changes", actor=actor.user_id, reason=notes,
                                   expected_version=expected_version, facts={"review_notes": notes})
    svc.kick(episode_id)
    return episode


def reject(svc: Services, episode_id: str, actor: Actor, *, reason: str = "",
           expected_version: int | None = None) -> Episode:
    require_reviewer(actor, "reject an episode")
    return svc.store.transition(episode_id, "reject", actor=actor.user_id, reason=reason.strip() or "rejected",
                                expected_version=expected_version)


def edit_script(svc: Services, episode_id: str, actor: Actor, *, text: str,
                expected_version: int | None = None) -> Episode:
    """A reviewer edited the script by hand: a new version, authored by them, checked again."""
    require_reviewer(actor, "edit the script")
    from workflows.pipeline import check_version  # the checks need the paper and the show

    current = svc.store.latest_script(episode_id)
    if current is None:
        raise ScriptError("This episode has no script to edit yet.", "Wait for the draft.")
    base = Script.model_validate(current.script)
    script = text_to_script(text, base, author=actor.user_id)
    findings = check_version(svc, episode_id, script)
    episode = svc.store.transition(
        episode_id, "edit", actor=actor.user_id, reason="edited the script by hand", expected_version=expected_version,
        script={"author": actor.user_id, "writer": script.writer, "script": script.model_dump(mode="json"),
                "findings": [f.model_dump(mode="json") for f in findings], "notes": "edited by hand"},
    )
    version = svc.store.current_script(episode_id).version
    svc.people.ask_review(episode_id, version)
    return episode


def dismiss(svc: Services, episode_id: str, actor: Actor, *, reason: str = "",
            expected_version: int | None = None) -> Episode:
    """A reviewer sets a failed episode (a refused file, or one nobody will retry) aside: audited, not worked on,
    and out of the ledger's unshipped count."""
    require_reviewer(actor, "dismiss an episode")
    return svc.store.transition(episode_id, "dismiss", actor=actor.user_id, reason=reason.strip() or "dismissed",
                                expected_version=expected_version, facts={"dismissed_by": actor.user_id})


def retry(svc: Services, episode_id: str, actor: Actor) -> Episode:
    episode = svc.store.get(episode_id)
    if episode.owner:
        require_owner_or_reviewer(actor, episode, "retry this episode")
    episode = svc.store.transition(episode_id, "retry", actor=actor.user_id, reason=f"retry {episode.failed_step}")
    svc.kick(episode_id)
    return episode


# --- the script as text, for the Edit modal --------------------------------------------

_LINE = re.compile(r"^\s*([^:\n]{1,40}):\s*(.+)$")


def script_to_text(script: Script) -> str:
    """``## Chapter`` headings and ``Name: words`` lines; what the Edit modal shows."""
    starts = {c.start_line: c.title for c in script.chapters}
    out: list[str] = []
    for i, line in enumerate(script.lines):
        if i in starts:
            out.append(f"## {starts[i]}")
        out.append(f"{script.hosts.get(line.speaker, line.speaker)}: {line.text}")
    return "\n".join(out)


def text_to_script(text: str, base: Script, *, author: str) -> Script:
    """Parse the Edit modal's text back into a Script; say which line is wrong if it cannot."""
    by_name = {name.lower(): key for key, name in base.hosts.items()}
    lines: list[Line] = []
    chapters: list[Chapter] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if raw.lstrip().startswith("##"):
            chapters.append(Chapter(title=raw.lstrip("# ").strip() or "Chapter", start_line=len(lines)))
            continue
        m = _LINE.match(raw)
        if not m or m.group(1).strip().lower() not in by_name:
            names = " or ".join(base.hosts.values())
            raise ScriptError(f"Line {number} does not start with a host's name: {raw[:60]!r}.",
                              f"Write each line as '{names}: what they say', and chapters as '## Title'.")
        lines.append(Line(speaker=by_name[m.group(1).strip().lower()], text=m.group(2).strip()))
    chapters = [c for c in chapters if c.start_line < len(lines)]
    data = {**base.model_dump(mode="json"), "writer": f"human:{author}", "offline_draft": False,
            "lines": [l.model_dump() for l in lines], "chapters": [c.model_dump() for c in chapters]}
    try:
        return Script.model_validate(data)
    except ValueError as e:
        raise ScriptError(f"The edited script is not valid: {e}", "Keep at least two lines, each spoken by a host.") from None
