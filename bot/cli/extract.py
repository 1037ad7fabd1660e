"""papercast extract FILE.pdf (placeholder until intake lands)."""

import click


@click.command("extract")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False))
def command(pdf: str) -> None:
    """Extract a PDF the way the bot sees it and print the Paper as JSON."""
    raise click.ClickException("extraction is not built yet")
