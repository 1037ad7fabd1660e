"""The bolt App: token, signing secret, a retrying WebClient, and every listener.

Acks return at once (``process_before_response=False``): each listener acks
first and does its work on bolt's listener thread pool; button clicks are even
acked by a middleware in the request thread, so bolt's wait-for-ack loop (it
polls every 10 ms) ends at once.
"""

from __future__ import annotations

import logging
import os
import socket
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (ConnectionErrorRetryHandler, RateLimitErrorRetryHandler,
                                                   ServerErrorRetryHandler)
from slack_sdk.http_retry.handler import RetryHandler

from bot.listeners import register_listeners
from bot.listeners._deps import KEY, Deps
from bot.listeners.events._channel import ShowChannel
from bot.reviewers import Reviewers
from bot.slack_people import SlackPeople
from workflows.drops import Drops
from workflows.errors import ConfigError
from workflows.services import Services
from workflows.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_API_URL = WebClient.BASE_URL

#: Every Web API method the bot calls, and the bot scope it needs (None: no scope needed).
#: tests/bot/test_manifest.py checks manifest.yml against this table and the calls the bot makes.
SCOPE_FOR_METHOD: dict[str, str | None] = {
    "auth.test": None,
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.getPermalink": None,
    "conversations.list": "channels:read",
    "conversations.open": "im:write",
    "conversations.replies": "channels:history",
    "conversations.history": "channels:history",
    "files.info": "files:read",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "reactions.add": "reactions:write",
    "reactions.remove": "reactions:write",
    "usergroups.users.list": "usergroups:read",
    "views.open": None,
    "views.publish": None,
}
#: Scopes needed for what the app receives rather than calls.
SCOPE_FOR_FEATURE: dict[str, str] = {
    "message.channels event": "channels:history",
    "message.groups event (a private show channel)": "groups:history",
    "conversations.replies/history in a private show channel": "groups:history",
    "conversations.list of private channels (finding a private show channel by name)": "groups:read",
    "conversations.history in the owner's DM (finding a reminder posted before a crash)": "im:history",
    "file_shared event": "files:read",
    "/papercast command": "commands",
}


class RatelimitedRetryHandler(RetryHandler):
    """Retries an HTTP 200 answer of ``{"ok": false, "error": "ratelimited"}`` (the SDK's handler only sees 429)."""

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        return response is not None and response.status_code == 200 and (response.body or {}).get("error") == "ratelimited"


def build_client(settings: Settings, *, max_retries: int = 3) -> WebClient:
    """A WebClient that retries 429 (honouring Retry-After), ``ratelimited``, 5xx and connection errors."""
    token = settings.env.slack_bot_token
    if token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set, so the bot cannot talk to Slack.",
                          "Set it, or run `papercast serve` without tokens to use the local workspace.")
    return WebClient(
        token=token.get_secret_value(),
        base_url=settings.env.slack_api_url or DEFAULT_API_URL,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=max_retries),
                        ServerErrorRetryHandler(max_retry_count=max_retries),
                        ConnectionErrorRetryHandler(max_retry_count=max_retries),
                        RatelimitedRetryHandler(max_retry_count=max_retries)],
    )


def build_app(services: Services, *, client: WebClient | None = None, workers: int = 32,
              drops: Drops | None = None) -> App:
    """The papercast bolt App. Sets ``services.people`` (and the runner's) to the Slack implementation.

    ``drops`` keeps dropped PDFs while the disk is full (tests pass one with an injected timer).
    """
    settings = services.settings
    secret = settings.env.slack_signing_secret
    if secret is None and settings.slack_mode != "socket":
        raise ConfigError("SLACK_SIGNING_SECRET is not set, and HTTP mode needs it to check that requests come from Slack.",
                          "Copy it from the app's Basic Information page.")
    client = client or build_client(settings)
    app = App(
        client=client,
        signing_secret=secret.get_secret_value() if secret else None,
        request_verification_enabled=True,
        process_before_response=False,
        token_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(max_workers=workers, thread_name_prefix="papercast-listener"),
        name="papercast",
    )
    reviewers = Reviewers(client, settings.show)
    people = SlackPeople(client, services.store, settings.show, reviewers, services.artifacts, clock=services.clock)
    services.people = people
    if services.runner is not None:
        services.runner.people = people
    holder = f"{socket.gethostname()}:{os.getpid()}"
    deps = Deps(services=services, people=people, reviewers=reviewers,
                channel=ShowChannel(client, settings.show.channel), holder=holder,
                drops=drops or Drops(services, holder))

    @app.middleware
    def _inject(context, next):  # noqa: A002 - bolt's name for it
        context[KEY] = deps
        next()

    @app.middleware
    def _ack_clicks_at_once(body, ack, next):  # noqa: A002
        """Button clicks and selects are acked in the request thread, before their listener is even scheduled
        (the listener's own ack() is then a no-op). Modal submissions and commands ack in their listener,
        since their ack may carry errors or a reply."""
        if body.get("type") == "block_actions":
            ack()
        next()

    @app.error
    def _log_error(error, body):
        log.error("listener failed: %s (%s)", type(error).__name__, error, exc_info=error)

    register_listeners(app)
    return app
