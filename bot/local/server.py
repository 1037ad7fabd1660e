"""The loopback HTTP server: routes each request to the Web API, files, response URLs or the page."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.local import filehttp, page, responses
from bot.local.reply import Reply

if TYPE_CHECKING:
    from bot.local.workspace import LocalWorkspace

log = logging.getLogger(__name__)


def route(ws: "LocalWorkspace", verb: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
    parts = urlsplit(target)
    path = parts.path.lstrip("/")
    if verb == "POST" and path.startswith("api/"):
        return ws.api.handle(path[4:], headers, body, parts.query)
    if verb == "POST" and path.startswith("upload/v1/"):
        return filehttp.receive_upload(ws.state, path[len("upload/v1/"):], headers, body)
    if verb == "GET" and path.startswith("files-pri/"):
        return filehttp.serve_private_file(ws.state, ws.api, path, headers)
    if verb == "POST" and path.startswith("response/"):
        return responses.handle_post(ws.state, path[len("response/"):], body)
    if verb == "GET" and path.startswith("local/files/"):
        return filehttp.serve_page_file(ws.state, path)
    return page.handle(ws, verb, path, parts.query, headers, body)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def _serve(self, verb: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            reply = route(self.server.workspace, verb, self.path, headers, body)
        except Exception:  # a bug in the stand-in must not hang the client: answer 500 and log it
            log.exception("local workspace failed on %s %s", verb, urlsplit(self.path).path)
            reply = Reply.text("Internal Server Error", status=500)
        self.send_response(reply.status)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if verb != "HEAD":
            self.wfile.write(reply.body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def log_message(self, format: str, *args: object) -> None:  # keep tokens and noise out of stderr
        log.debug("%s %s", self.command, urlsplit(self.path).path)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    workspace: "LocalWorkspace"


class WorkspaceServer:
    def __init__(self, workspace: "LocalWorkspace", host: str, port: int) -> None:
        self._workspace = workspace
        self._address = (host, port)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return self._address[0]

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd else self._address[1]

    def start(self) -> None:
        self._httpd = _Server(self._address, _Handler)
        self._httpd.workspace = self._workspace
        self._address = (self._address[0], self._httpd.server_address[1])  # a restart keeps the port
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.1,), name="local-workspace", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
