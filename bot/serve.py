"""Serving the bolt App: Socket Mode, or HTTP on ``POST /slack/events`` (concurrent, signature checked by bolt)."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class _PooledWSGIServer(WSGIServer):
    """Each connection is handled on a pool thread; the accept loop only queues it.

    (``ThreadingMixIn`` starts a new thread per request and waits for it to run,
    which under load makes the accept loop the slowest part of an ack.)
    """

    allow_reuse_address = True
    request_queue_size = 128
    workers = 64

    def server_activate(self) -> None:
        super().server_activate()
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="papercast-http")

    def process_request(self, request, client_address) -> None:
        self._pool.submit(self._handle, request, client_address)

    def _handle(self, request, client_address) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - one broken connection must not stop the server
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)


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
    """Serve ``POST /slack/events`` in a background thread (requests on a thread pool); port 0 picks a free one."""
    server = make_server(host, port, _wsgi_app(app), server_class=_PooledWSGIServer, handler_class=_QuietHandler)
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
