"""A live site that misbehaves on request: serves a directory, except for paths given a scripted answer."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from tests.standins.loopback import LoopbackServer


class _QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class MisbehavingSite(LoopbackServer):
    """``answers[path] = Answer(...)`` scripts one path; every other path is served from ``root`` (404 if missing)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.answers: dict[str, Answer] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(_QuietHandler):
            def do_GET(self):  # noqa: N802
                path = urlsplit(self.path).path
                site.requests.append((self.path, dict(self.headers)))
                answer = site.answers.get(path) or site._from_disk(path)
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    headers = {"Content-Type": "application/octet-stream", **answer.headers,
                               "Content-Length": str(len(answer.body))}
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        super().__init__(Handler)

    def _from_disk(self, path: str) -> Answer:
        file = Path(os.path.realpath(self.root / path.lstrip("/")))
        if file.is_file():
            return Answer(200, file.read_bytes(), {"Content-Type": "audio/mpeg" if file.suffix == ".mp3" else "text/plain"})
        return Answer(404, b"<!doctype html><html><body>Not Found</body></html>", {"Content-Type": "text/html"})


class RefusingGitServer(LoopbackServer):
    """A git smart-HTTP endpoint that refuses every credential (401), recording the Authorization headers it saw."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        seen = self.seen

        class Handler(_QuietHandler):
            def do_GET(self):  # noqa: N802
                seen.append(self.headers.get("Authorization", ""))
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="git"')
                self.send_header("Content-Length", "0")
                self.end_headers()

        super().__init__(Handler)

    @property
    def url(self) -> str:
        return f"{self.base_url}/website.git"
