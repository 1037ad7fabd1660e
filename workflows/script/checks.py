"""Automated review checks, run on every script version: grounding, brand, length.

Each finding names its check, a severity ("error" for what is wrong, "warning"
for what a reviewer should look at) and the index of the line it is about. The
rules of each check are in :mod:`workflows.script.grounding` and
:mod:`workflows.script.brand`; the length rule is here.
"""

from __future__ import annotations

from workflows.intake.paper import Paper
from workflows.script.brand import check_brand
from workflows.script.grounding import check_grounding
from workflows.script.model import Finding, Script
from workflows.settings import Show

#: How far the estimated duration may stray from the target before it is reported.
LENGTH_TOLERANCE = 0.25


def check_script(script: Script, paper: Paper, show: Show, target_minutes: float) -> list[Finding]:
    """Every finding for one script version: grounding, then brand, then length."""
    return [*check_grounding(script, paper), *check_brand(script, paper, show), *check_length(script, show, target_minutes)]


def check_length(script: Script, show: Show, target_minutes: float) -> list[Finding]:
    """A warning when words / words_per_minute is more than 25% off the target."""
    words_per_minute = show.writer.words_per_minute
    minutes = script.word_count / words_per_minute
    off = minutes / target_minutes - 1
    if abs(off) <= LENGTH_TOLERANCE:
        return []
    direction = "shorter" if off < 0 else "longer"
    return [Finding(
        check="length", severity="warning",
        message=f"The script runs about {minutes:.1f} minutes ({script.word_count} words at {words_per_minute} "
                f"words per minute), {abs(off):.0%} {direction} than the {target_minutes:g}-minute target.",
    )]
