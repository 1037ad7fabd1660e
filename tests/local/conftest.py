"""Fixtures for the local workspace tests: a workspace on loopback and a real bolt app behind it."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from bot.local import LocalWorkspace
from bot.serve import serve_http


@pytest.fixture
def workspace(tmp_path: Path):
    """A started local workspace with its own random token and signing secret."""
    ws = LocalWorkspace(tmp_path / "var").start()
    yield ws
    ws.stop()


@pytest.fixture
def client(workspace: LocalWorkspace) -> WebClient:
    """The official Slack SDK client, pointed at the workspace's Web API."""
    return WebClient(token=workspace.bot_token, base_url=workspace.api_url)


class BoltBot:
    """A real slack_bolt App served over HTTP on loopback (the bot's own ``serve_http``), wired to a workspace."""

    def __init__(self, workspace: LocalWorkspace) -> None:
        self.app = App(
            signing_secret=workspace.signing_secret,
            client=WebClient(token=workspace.bot_token, base_url=workspace.api_url),
            request_verification_enabled=True,
        )
        self._server = serve_http(self.app, 0)
        self.url = self._server.url
        workspace.set_bot_url(self.url)

    def stop(self) -> None:
        self._server.stop()


@pytest.fixture
def bolt(workspace: LocalWorkspace):
    """A bolt app with request verification on, receiving the workspace's requests."""
    bot = BoltBot(workspace)
    yield bot
    bot.stop()
