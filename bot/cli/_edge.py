"""The one place where the CLI turns papercast errors into messages and exit codes."""

from __future__ import annotations

import os
import sys

import click

from sqlalchemy.exc import DBAPIError

from workflows.errors import PapercastError, storage_error


def main(cli: click.Group) -> None:
    try:
        cli.main(standalone_mode=False)
    except PapercastError as e:
        click.echo(f"papercast: {e.for_people()}", err=True)
        sys.exit(2)
    except (OSError, DBAPIError) as e:
        where = None if getattr(e, "filename", None) else os.environ.get("PAPERCAST_DATA_DIR", "var")
        explained = storage_error(e, where)
        if explained is None:
            raise
        click.echo(f"papercast: {explained.for_people()}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
