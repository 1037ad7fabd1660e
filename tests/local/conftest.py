"""Fixtures for the local workspace tests: a workspace on loopback and a real bolt app behind it."""

from __future__ import annotations

import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.local import LocalWorkspace


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


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class BoltBot:
    """A real slack_bolt App served over HTTP on loopback, wired to a workspace."""

    def __init__(self, workspace: LocalWorkspace) -> None:
        self.app = App(
            signing_secret=workspace.signing_secret,
            client=WebClient(token=workspace.bot_token, base_url=workspace.api_url),
            request_verification_enabled=True,
        )
        self._server = make_server("127.0.0.1", 0, SlackRequestHandler(self.app),
                                   server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/slack/events"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,), daemon=True)
        self._thread.start()
        workspace.set_bot_url(self.url)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def bolt(workspace: LocalWorkspace):
    """A bolt app with request verification on, receiving the workspace's requests."""
    bot = BoltBot(workspace)
    yield bot
    bot.stop()
