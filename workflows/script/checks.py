"""Automated review checks, run on every script version: grounding, support, brand, spoken style, length.

Each finding names its check, a severity ("error" for what is wrong, "warning"
for what a reviewer should look at, "note" for what is fine but worth a glance,
such as a rounded number) and the line (or ``part``: title, summary, show
notes) it is about. The rules of each check are in
:mod:`workflows.script.grounding`, :mod:`workflows.script.support` and
:mod:`workflows.script.brand`; the length rule is here.
"""

from __future__ import annotations

from workflows.intake.paper import Paper
from workflows.script.brand import check_brand
from workflows.script.grounding import check_grounding
from workflows.script.model import Finding, Script
from workflows.script.quotes import PaperIndex
from workflows.script.spoken import script_violations
from workflows.script.support import check_support
from workflows.settings import Show

#: How far the estimated duration may stray from the target before it is reported.
LENGTH_TOLERANCE = 0.25
SEVERITIES = ("error", "warning", "note")


def check_script(script: Script, paper: Paper, show: Show, target_minutes: float) -> list[Finding]:
    """Every finding for one script version: grounding, support, brand, then length."""
    index = PaperIndex(paper)
    return [
        *check_grounding(script, index),
        *check_support(script, index),
        *check_brand(script, paper, show),
        *check_spoken(script),
        *check_length(script, show, target_minutes),
    ]


def check_spoken(script: Script) -> list[Finding]:
    """A warning for each breach of the spoken-style contract (:mod:`workflows.script.spoken`), on its line."""
    return [Finding(check="spoken", severity="warning", line=i, message=v.message)
            for i, v in script_violations([l.text for l in script.lines])]


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
