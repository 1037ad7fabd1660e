"""papercast doctor: check every setting against reality and say how to fix what is wrong."""

from __future__ import annotations

import sys

import click

from workflows.doctor import Check, secrets_in_env, workflow_checks
from workflows.settings import load_settings


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


@click.command("doctor")
def command() -> None:
    """Check the settings, database, Slack, writer, speech and website; print the fix for each problem."""
    settings = load_settings()
    checks = workflow_checks(settings)
    try:
        checks.insert(1, slack_check(settings))
    except Exception as e:  # noqa: BLE001
        checks.insert(1, Check("slack", False, f"{type(e).__name__}: {e}", "See the detail above."))
    for c in checks:
        mark = click.style("ok  ", fg="green") if c.ok else click.style("FAIL", fg="red")
        click.echo(f"{mark} {c.name}: {c.detail}")
        if c.fix and not c.ok:
            click.echo(f"     fix: {c.fix}")
    secrets = secrets_in_env()
    click.echo(f"secrets set: {', '.join(secrets) if secrets else 'none'} (values never shown)")
    if not all(c.ok for c in checks):
        sys.exit(1)
