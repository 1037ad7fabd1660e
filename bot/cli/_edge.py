"""The one place where the CLI turns papercast errors into messages and exit codes."""

from __future__ import annotations

import sys

import click

from workflows.errors import PapercastError


def main(cli: click.Group) -> None:
    try:
        cli.main(standalone_mode=False)
    except PapercastError as e:
        click.echo(f"papercast: {e.for_people()}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
