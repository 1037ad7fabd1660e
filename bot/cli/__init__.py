"""The ``papercast`` command. Each subcommand lives in its own module here."""

from __future__ import annotations

import click

from bot.cli._edge import main as _run


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """papercast: research papers in, podcast episodes out, shipped and verified."""


def _register() -> None:
    # One line per command.
    from bot.cli import demo, doctor, extract, serve
    from bot.cli import render
    from bot.cli import script
    from bot.cli import check, status

    cli.add_command(extract.command)
    cli.add_command(doctor.command)
    cli.add_command(serve.command)
    cli.add_command(demo.command)
    cli.add_command(render.command)
    cli.add_command(script.command)
    cli.add_command(check.command)
    cli.add_command(status.command)


_register()


def main() -> None:
    _run(cli)
