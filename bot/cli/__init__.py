"""The ``papercast`` command. Each subcommand lives in its own module here."""

from __future__ import annotations

import click

from bot.cli._edge import main as _run


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """papercast: research papers in, podcast episodes out, shipped and verified."""


def _register() -> None:
    from bot.cli import check, demo, doctor, extract, render, review, script, serve, status

    for module in (serve, demo, doctor, extract, script, review, render, check, status):
        cli.add_command(module.command)


_register()


def main() -> None:
    _run(cli)
