"""papercast extract FILE.pdf: run the intake stage by hand and print the Paper as JSON."""

from __future__ import annotations

from pathlib import Path

import click

from workflows.intake.extract import extract_paper
from workflows.settings import load_settings


@click.command("extract")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def command(pdf: Path) -> None:
    """Extract a PDF the way the bot sees it and print the Paper as JSON.

    The JSON keeps apart what the writers read (abstract, sections) from what they do
    not (captions, tables, footnotes, front matter, references); see the README. A file
    the bot would refuse (not a PDF, damaged, password-protected, scanned, too long or
    too short, or in another language than the show's) is reported on stderr with exit code 2.
    """
    settings = load_settings()
    paper = extract_paper(pdf, settings.show.intake, show_language=settings.show.language)
    click.echo(paper.model_dump_json(indent=2))
