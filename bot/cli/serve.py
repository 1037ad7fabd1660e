"""papercast serve: run the bot (and, with no Slack tokens, the local workspace)."""

from __future__ import annotations

import signal
import threading

import click

from bot.cli._logs import configure_logging
from workflows.settings import load_settings


@click.command("serve")
@click.option("--http", "force_http", is_flag=True, help="HTTP mode even if SLACK_APP_TOKEN is set (several instances behind a load balancer).")
@click.option("--port", type=int, default=None, help="Port for HTTP mode (default: $PORT, else 3000; a free port for the local workspace).")
@click.option("--host", default=None, help="Interface to listen on (default 0.0.0.0 in HTTP mode with Slack, 127.0.0.1 locally).")
@click.option("--workspace-port", type=int, default=8300, show_default=True, help="Port of the local workspace page.")
def command(force_http: bool, port: int | None, host: str | None, workspace_port: int) -> None:
    """Run papercast: Socket Mode with SLACK_APP_TOKEN, HTTP mode with --http, the local workspace with no tokens."""
    from bot.stack import start_stack

    configure_logging()
    settings = load_settings()
    if force_http and settings.slack_mode == "socket":
        settings = settings.model_copy(update={"env": settings.env.model_copy(update={"slack_app_token": None})})
    local = settings.slack_mode == "local"
    stack = start_stack(settings, port=port, host=host or ("127.0.0.1" if local else "0.0.0.0"),
                        workspace_port=workspace_port)
    for line in stack.describe():
        click.echo(line)
    if stack.settings.is_demo_show:
        click.echo("no show file: running the built-in demo show (copy papercast.example.toml to papercast.toml)")
    if local:
        from workflows.intake.sample import write_sample_paper

        sample = write_sample_paper(stack.settings.data_dir / "sample-paper.pdf")
        click.echo(f"sample paper to drop on the page: {sample}")
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    click.echo("stopping")
    stack.stop()
