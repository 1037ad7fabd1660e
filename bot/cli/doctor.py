"""papercast doctor: check every setting against reality and say how to fix what is wrong."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from workflows.doctor import Check, secrets_in_env, workflow_checks
from workflows.errors import ConfigError
from workflows.settings import BUILT_IN, Environment, Settings, Show, load_settings, mode_problems


def slack_check(settings) -> Check:
    if settings.slack_mode == "local":
        return Check("slack", True, "no SLACK_BOT_TOKEN: `papercast serve` starts the local workspace",
                     "Set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (or SLACK_SIGNING_SECRET) to connect a real workspace.")
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    from bot.manifest import required_scopes

    kwargs = {"base_url": settings.env.slack_api_url} if settings.env.slack_api_url else {}
    client = WebClient(token=settings.env.slack_bot_token.get_secret_value(), timeout=10, **kwargs)
    try:
        response = client.auth_test()
    except SlackApiError as e:
        return Check("slack", False, f"auth.test answered {e.response.get('error')}",
                     "Copy the Bot User OAuth Token from OAuth & Permissions into SLACK_BOT_TOKEN.")
    except Exception as e:  # noqa: BLE001
        return Check("slack", False, f"Slack is unreachable ({type(e).__name__})", "Check the network or SLACK_API_URL.")
    granted = set(filter(None, (response.headers.get("x-oauth-scopes") or "").split(",")))
    missing = sorted(required_scopes() - granted) if granted else []
    if missing:
        return Check("slack", False, f"the token lacks scopes {', '.join(missing)}",
                     "Reinstall the app from manifest.yml so it gets every scope it uses.")
    return Check("slack", True, f"{settings.slack_mode} mode as @{response.get('user')} in {response.get('team')}")


def _settings() -> tuple[Settings, list[Check]]:
    """The settings to check against reality, and the problems found reading them.

    A value only some mode needs is reported (every one of them) and the other checks still run; so
    does a show file that cannot be read, with the built-in show standing in for it.
    """
    try:
        settings = load_settings(check_mode=False)
    except ConfigError as e:
        try:
            env = Environment(**{k.lower(): v for k, v in os.environ.items() if k.lower() in Environment.model_fields})
            what = "show file"
        except ValidationError:  # the environment itself: check the rest with its defaults
            env = Environment.model_construct(papercast_data_dir=Path(os.environ.get("PAPERCAST_DATA_DIR") or "var"))
            what = "environment"
        return Settings(env=env, show=Show(), show_source=BUILT_IN), [Check(what, False, e.message, e.hint)]
    return settings, [Check("settings", False, p.message, p.hint) for p in mode_problems(settings)]


@click.command("doctor")
def command() -> None:
    """Check the settings, database, Slack, writer, speech and website; print the fix for each problem."""
    settings, problems = _settings()
    checks = workflow_checks(settings)
    try:
        checks.insert(1, slack_check(settings))
    except Exception as e:  # noqa: BLE001
        checks.insert(1, Check("slack", False, f"{type(e).__name__}: {e}",
                               "Check SLACK_BOT_TOKEN (xoxb-…) and SLACK_API_URL, or unset them for the local workspace."))
    if any(p.name == "show file" for p in problems):
        checks = [c for c in checks if c.name != "show"]  # the built-in show only stood in for it
    checks = problems + checks
    for c in checks:
        mark = click.style("ok  ", fg="green") if c.ok else click.style("FAIL", fg="red")
        click.echo(f"{mark} {c.name}: {c.detail}")
        if c.fix and not c.ok:
            click.echo(f"     fix: {c.fix}")
    secrets = secrets_in_env()
    click.echo(f"secrets set: {', '.join(secrets) if secrets else 'none'} (values never shown)")
    if not all(c.ok for c in checks):
        sys.exit(1)
