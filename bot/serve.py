"""Serving the bolt App: Socket Mode, or HTTP on ``POST /slack/events`` (threaded, signature checked by bolt)."""

from __future__ import annotations

import logging
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        log.debug("%s - %s", self.address_string(), format % args)


class HttpServer:
    """A running HTTP server: ``.port``, ``.url`` (the Request URL) and ``.stop()``."""

    def __init__(self, server: WSGIServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        host = self._server.server_address[0]
        return f"http://{host}:{self.port}{EVENTS_PATH}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _wsgi_app(app: App):
    handler = SlackRequestHandler(app)

    def application(environ, start_response):
        if environ.get("PATH_INFO") != EVENTS_PATH:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found. Slack posts to /slack/events.\n"]
        if environ.get("REQUEST_METHOD") != "POST":
            start_response("405 Method Not Allowed", [("Content-Type", "text/plain"), ("Allow", "POST")])
            return [b"Slack posts to this URL.\n"]
        return handler(environ, start_response)

    return application


def serve_http(app: App, port: int = 3000, host: str = "127.0.0.1") -> HttpServer:
    """Serve ``POST /slack/events`` in a background thread (one thread per request); port 0 picks a free one."""
    server = make_server(host, port, _wsgi_app(app), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="papercast-http", daemon=True)
    thread.start()
    log.info("serving Slack requests on http://%s:%d%s", host, server.server_address[1], EVENTS_PATH)
    return HttpServer(server, thread)


class SocketConnection:
    """A running Socket Mode connection: ``.stop()``."""

    def __init__(self, handler) -> None:
        self._handler = handler
        self.port = None

    def stop(self) -> None:
        self._handler.close()


def serve_socket(app: App, app_token: str) -> SocketConnection:
    """Connect to Slack over Socket Mode (no public URL needed) without blocking."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(app, app_token)
    handler.connect()
    return SocketConnection(handler)
