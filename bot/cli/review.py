"""papercast review SCRIPT.json --paper FILE.pdf: run every automated check on a script file, print the findings."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli._script_file import read_script
from workflows.intake.extract import extract_paper
from workflows.script.checks import check_script
from workflows.script.model import Finding
from workflows.settings import load_settings


def as_json(finding: Finding) -> dict:
    """One finding for people and tools: ``line`` counts from 1, as in the numbered script file."""
    return {
        "check": finding.check,
        "severity": finding.severity,
        "line": None if finding.line is None else finding.line + 1,
        "part": finding.part or ("line" if finding.line is not None else "script"),
        "message": finding.message,
        "evidence": finding.evidence,
    }


@click.command("review")
@click.argument("script_json", metavar="SCRIPT.json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--paper", "pdf", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The paper the script is about (PDF).")
@click.option("--minutes", type=click.FloatRange(min=0.5, max=120), default=None,
              help="Target length in minutes for the length check; default: writer.target_minutes.")
def command(script_json: Path, pdf: Path, minutes: float | None) -> None:
    """Check a script against its paper and print the findings as a JSON list.

    Each finding has check, severity (error, warning or note), line (from 1, as in
    the numbered script; null for the title, summary, show notes or the whole
    script), part, message and the paper's evidence. Exits 0 when the checks ran,
    whatever they found; 2 when a file is missing or unreadable.
    """
    settings = load_settings()
    script = read_script(script_json)
    paper = extract_paper(pdf, settings.show.intake)
    findings = check_script(script, paper, settings.show, minutes or settings.show.writer.target_minutes)
    click.echo(json.dumps([as_json(f) for f in findings], indent=2, ensure_ascii=False))
