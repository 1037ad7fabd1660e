"""Everything `papercast serve` and `papercast demo` run, started in order and stopped in reverse.

With no Slack tokens the local workspace stands in for Slack, and with no website
configured the embedded local website stands in for the site; the bot itself runs
unchanged against either (only its base URLs differ).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from pydantic import SecretStr

from workflows import pipeline
from workflows.people import RecordingPeople
from workflows.services import Services, build_services
from workflows.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Stack:
    settings: Settings
    services: Services
    app: Any
    server: Any = None  # HttpServer or SocketConnection
    workspace: Any = None  # LocalWorkspace when no Slack tokens are set
    website: Any = None  # LocalWebsite when no website is configured
    _stops: list = field(default_factory=list)

    def describe(self) -> list[str]:
        """The lines `papercast serve` prints at start: what runs where."""
        s = self.settings
        lines = [f"show: {s.show.name!r} ({s.show_source})", f"data directory: {s.data_dir}",
                 f"database: {s.database_label}",
                 f"script writer: {pipeline.writer_for(self.services).id}"]
        if self.workspace is not None:
            lines.insert(0, f"local workspace: {self.workspace.url}  (open it in a browser)")
        else:
            lines.append(f"slack: {s.slack_mode} mode")
        if self.website is not None:
            lines.append(f"local website: repository {self.website.remote_url}, live at {self.website.base_url}")
        if self.server is not None and getattr(self.server, "port", None):
            lines.append(f"bot: http://127.0.0.1:{self.server.port}/slack/events")
        return lines

    def stop(self) -> None:
        for stop in reversed(self._stops):
            try:
                stop()
            except Exception:  # noqa: BLE001 - stop the rest regardless
                log.exception("while stopping")


def _with_local_slack(settings: Settings, workspace) -> Settings:
    from bot.local import CHANNEL_ID, REVIEWER, REVIEWERS_GROUP

    env = settings.env.model_copy(update={
        "slack_bot_token": SecretStr(workspace.bot_token),
        "slack_signing_secret": SecretStr(workspace.signing_secret),
        "slack_app_token": None,
        "slack_api_url": workspace.api_url,
    })
    show = settings.show.model_copy(update={"channel": CHANNEL_ID, "reviewers": [REVIEWER],
                                            "reviewer_group": REVIEWERS_GROUP})
    return settings.model_copy(update={"env": env, "show": show})


def start_stack(settings: Settings, *, port: int | None = None, host: str = "127.0.0.1",
                workspace_port: int = 0) -> Stack:
    """Start the whole product. ``port`` None picks a free port for the bot in local mode."""
    from bot.app import build_app
    from bot.serve import serve_http, serve_socket
    from workflows.ship.followups import FollowUps
    from workflows.ship.local_site import LocalWebsite
    from workflows.ship.websites import build_website

    stops: list = []
    workspace = website = None
    try:
        if settings.slack_mode == "local":
            from bot.local import LocalWorkspace

            workspace = LocalWorkspace(settings.data_dir, port=workspace_port).start()
            stops.append(workspace.stop)
            settings = _with_local_slack(settings, workspace)

        services = build_services(settings, RecordingPeople())
        services.file_token = settings.env.slack_bot_token.get_secret_value()
        if settings.env.slack_api_url:
            services.file_hosts = services.file_hosts | {urlparse(settings.env.slack_api_url).hostname}

        if settings.show.publish.website == "git" and not settings.show.publish.repo:
            website = LocalWebsite(settings.data_dir, delay=settings.show.publish.local_deploy_delay,
                                   port=settings.show.publish.local_port).start()
            stops.append(website.stop)
        services.website = build_website(settings, local_site=website)

        app = build_app(services)  # replaces services.people with the Slack implementation
        runner = pipeline.start(services)
        stops.append(lambda: runner.shutdown(wait=False))

        stops.append(FollowUps(services).start().shutdown)  # start() attaches itself as services.followups

        if settings.slack_mode == "socket":
            server = serve_socket(app, settings.env.slack_app_token.get_secret_value())
        else:
            server = serve_http(app, port=port if port is not None else (0 if workspace else settings.env.port),
                                host=host)
            if workspace is not None:
                workspace.set_bot_url(server.url)
        stops.append(server.stop)
    except BaseException:
        for stop in reversed(stops):
            try:
                stop()
            except Exception:  # noqa: BLE001
                pass
        raise
    return Stack(settings=settings, services=services, app=app, server=server, workspace=workspace,
                 website=website, _stops=stops)
