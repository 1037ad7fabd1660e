"""The script stage in one call: write (or revise) a version, then check it."""

from __future__ import annotations

from pydantic import BaseModel

from workflows.intake.paper import Paper
from workflows.script.checks import check_script
from workflows.script.model import Finding, Script, Usage
from workflows.script.writers import ScriptWriter, choose_writer, get_writer
from workflows.settings import Settings


class Draft(BaseModel):
    """One script version with what it cost and what the automated checks found."""

    script: Script
    usage: Usage
    findings: list[Finding]


def draft_script(
    paper: Paper,
    settings: Settings,
    *,
    writer: ScriptWriter | str | None = None,
    target_minutes: float | None = None,
    previous: Script | None = None,
    notes: str | None = None,
) -> Draft:
    """Write a script and run every check on it.

    ``writer`` is a writer, a registered writer's id, or None for the configured one;
    ``target_minutes`` defaults to ``writer.target_minutes``.
    """
    show = settings.show
    minutes = target_minutes or show.writer.target_minutes
    if writer is None:
        writer = choose_writer(settings)
    elif isinstance(writer, str):
        writer = get_writer(writer, settings)
    result = writer.write(paper, show, target_minutes=minutes, previous=previous, notes=notes)
    findings = check_script(result.script, paper, show, minutes)
    return Draft(script=result.script, usage=result.usage, findings=findings)
