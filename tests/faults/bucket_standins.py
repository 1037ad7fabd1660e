"""An S3 endpoint that is wrong or slow, on loopback: a proxy in front of moto that answers errors, and a stall.

:class:`FaultyBucket` relays every request to a real S3-compatible server (moto) unless a
rule picks it (method and key suffix): then it answers the rule's status with an S3 error
body, as AWS, R2 or MinIO do for a 503 SlowDown or a 403 InvalidAccessKeyId. It counts the
requests that reached the bucket (``relayed``). Started on a given port it takes the place of
an endpoint that was down (:func:`closed_port`). :class:`StalledBucket` accepts connections,
reads what is sent and never answers.
"""

from __future__ import annotations

import http.client
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


def closed_port() -> int:
    """A loopback port nothing listens on (connecting is refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Rule:
    method: str
    suffix: str
    status: int
    code: str


class FaultyBucket:
    def __init__(self, upstream: str, port: int = 0) -> None:
        self.upstream = urlsplit(upstream)
        self.rules: list[Rule] = []
        self.relayed: list[tuple[str, str]] = []
        self.refused: list[tuple[str, str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _relay(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = urlsplit(self.path).path
                rule = next((r for r in proxy.rules if r.method == self.command and path.endswith(r.suffix)), None)
                if rule is not None:
                    proxy.refused.append((self.command, path))
                    error = (f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{rule.code}</Code>"
                             f"<Message>injected by the test</Message></Error>").encode()
                    return self._answer(rule.status, {"Content-Type": "application/xml"}, error)
                proxy.relayed.append((self.command, path))
                conn = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=10)
                try:
                    conn.request(self.command, self.path, body=body,
                                 headers={k: v for k, v in self.headers.items() if k.lower() not in _HOP})
                    got = conn.getresponse()
                    data = got.read()
                    headers = {k: v for k, v in got.getheaders() if k.lower() not in _HOP}
                    length = got.getheader("Content-Length") if self.command == "HEAD" else None
                    self._answer(got.status, headers, data, length)
                finally:
                    conn.close()

            do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _relay  # noqa: N815

            def _answer(self, status: int, headers: dict, body: bytes, length: str | None = None) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", length or str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail(self, method: str, suffix: str, status: int = 503, code: str = "ServiceUnavailable") -> None:
        """Answer ``status`` (with ``code``) to every ``method`` request for a key ending in ``suffix``."""
        self.rules.append(Rule(method, suffix, status, code))

    def lift(self) -> None:
        self.rules.clear()

    def puts(self, suffix: str = "") -> list[str]:
        """Paths of the PUTs that reached the bucket, ending in ``suffix``."""
        return [p for m, p in list(self.relayed) if m == "PUT" and p.endswith(suffix)]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class StalledBucket:
    """Accepts connections and reads requests, but never answers (an overloaded or wedged endpoint)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._conns: list[socket.socket] = []
        self._closed = threading.Event()
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            self._conns.append(conn)
            threading.Thread(target=self._drain, args=(conn,), daemon=True).start()

    def _drain(self, conn: socket.socket) -> None:
        try:
            while conn.recv(65536):
                pass
        except OSError:
            pass

    def close(self) -> None:
        self._closed.set()
        for sock in (self._listener, *self._conns):
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() and recv() blocked on it
            except OSError:
                pass
            sock.close()
        self._thread.join(timeout=5)
