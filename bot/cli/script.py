"""papercast script FILE.pdf: extract a paper, write its script, run the checks, print JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workflows.intake.extract import extract_paper
from workflows.script.draft import draft_script
from workflows.script.writers import writers
from workflows.settings import load_settings

#: The writers a person can pick: the registered ones (built in: claude, offline; test doubles are registered by tests only).
WRITERS = writers.ids()


@click.command("script")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--writer", "writer", type=click.Choice(WRITERS), default=None,
              help="Who writes the script: claude (needs ANTHROPIC_API_KEY), offline, or another registered writer; "
                   "default: writer.backend.")
@click.option("--minutes", type=click.FloatRange(min=0.5, max=120), default=None,
              help="Target length in minutes; default: writer.target_minutes.")
def command(pdf: Path, writer: str | None, minutes: float | None) -> None:
    """Write the episode script for a PDF and print {"script", "findings", "usage"} as JSON."""
    settings = load_settings()
    paper = extract_paper(pdf, settings.show.intake)
    draft = draft_script(paper, settings, writer=writer, target_minutes=minutes)
    click.echo(json.dumps({
        "script": draft.script.model_dump(mode="json"),
        "findings": [f.model_dump(mode="json") for f in draft.findings],
        "usage": draft.usage.model_dump(mode="json"),
    }, indent=2, ensure_ascii=False))
