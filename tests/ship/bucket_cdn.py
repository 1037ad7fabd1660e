"""A CDN in front of a bucket, on loopback: serves each object of an S3-compatible bucket as it is stored.

GET ``/x`` answers the object ``<prefix>/x`` with its stored Content-Type and Cache-Control
(404 when there is none), as a CDN pulling from the bucket would. ``stale[path]`` makes it
answer old bytes for the plain URL only (as a cache does; a cache-busting query reaches
the bucket), and ``hidden`` paths answer 404 as an edge that has not got the object yet.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


#: The folder of the bucket the site is served from, in the bucket tests.
PREFIX = "site"

class BucketCDN:
    def __init__(self, client, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix.strip("/")
        self.stale: dict[str, bytes] = {}
        self.hidden: set[str] = set()
        cdn = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                if path in cdn.stale and not parts.query:
                    return self._answer(200, cdn.stale[path], {"Content-Type": "audio/mpeg", "Age": "600",
                                                               "X-Cache": "HIT"})
                key = path.lstrip("/") or "index.html"
                key = f"{cdn.prefix}/{key}" if cdn.prefix else key
                if path in cdn.hidden:
                    return self._answer(404, b"not found", {"Content-Type": "text/plain"})
                try:
                    got = cdn.client.get_object(Bucket=cdn.bucket, Key=key)
                except cdn.client.exceptions.NoSuchKey:
                    return self._answer(404, b"not found", {"Content-Type": "text/plain"})
                self._answer(200, got["Body"].read(), {"Content-Type": got.get("ContentType", ""),
                                                       "Cache-Control": got.get("CacheControl", "")})

            def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
