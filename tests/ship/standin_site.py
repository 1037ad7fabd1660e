"""A live site that misbehaves on request: serves a directory, except where scripted answers or behaviours say otherwise.

Each fault is a small behaviour (a function from the request and the answer so far to
a new answer), and behaviours compose: ``site.behave("*.mp3", CachedAtPlainURL(old), Tarpit(1.5))``.
"""

from __future__ import annotations

import fnmatch
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from tests.standins.loopback import LoopbackServer

TYPES = {".mp3": "audio/mpeg", ".vtt": "text/vtt; charset=utf-8", ".md": "text/markdown; charset=utf-8",
         ".xml": "application/rss+xml; charset=utf-8", ".json": "application/json", ".html": "text/html; charset=utf-8",
         ".png": "image/png", ".jpg": "image/jpeg"}
NOT_FOUND = b"<!doctype html><html><body>Not Found</body></html>"


class _QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    #: Seconds between single bytes: 0 sends at once; with ``trickle_from`` "headers" or "body".
    trickle: float = 0.0
    trickle_from: str = "body"
    #: Send only this many body bytes (with the full Content-Length), then close the connection.
    cut_after: int | None = None


@dataclass(frozen=True)
class Request:
    path: str
    query: str
    headers: dict[str, str]
    #: How many requests this path has had before this one.
    seen: int


Behaviour = Callable[[Request, Answer], Answer]


def CachedAtPlainURL(body: bytes = b"", *, status: int = 200, content_type: str | None = None,
                     age: int = 3600, header: tuple[str, str] = ("X-Cache", "HIT")) -> Behaviour:  # noqa: N802
    """A CDN keyed on the query string: the plain URL gets an old cached answer, any query reaches the origin."""

    def behave(req: Request, answer: Answer) -> Answer:
        if req.query:
            return replace(answer, headers={**answer.headers, header[0]: "MISS"})
        headers = {**answer.headers, header[0]: header[1], "Age": str(age)}
        if content_type:
            headers["Content-Type"] = content_type
        return replace(answer, status=status, body=body if status == 200 else (body or NOT_FOUND), headers=headers)

    return behave


def Flapping(*, first_right: bool = True) -> Behaviour:  # noqa: N802
    """Every other request for the path is a 404, as from a load balancer with one healthy and one empty node."""

    def behave(req: Request, answer: Answer) -> Answer:
        if (req.seen % 2 == 0) == first_right:
            return answer
        return replace(answer, status=404, body=NOT_FOUND, headers={**answer.headers, "Content-Type": "text/html"})

    return behave


def Tarpit(every: float, *, phase: str = "body") -> Behaviour:  # noqa: N802
    """One byte every ``every`` seconds, from the status line ("headers") or after the headers ("body")."""
    return lambda req, answer: replace(answer, trickle=every, trickle_from=phase)


def Delayed(seconds: float) -> Behaviour:  # noqa: N802
    """The whole answer, after ``seconds`` of silence."""
    return lambda req, answer: replace(answer, delay=seconds)


def Truncated(fraction: float = 0.5) -> Behaviour:  # noqa: N802
    """The full Content-Length is announced, part of the body is sent, then the connection closes."""
    return lambda req, answer: replace(answer, cut_after=int(len(answer.body) * fraction))


def WrongType(content_type: str) -> Behaviour:  # noqa: N802
    """The right bytes with the wrong Content-Type."""
    return lambda req, answer: replace(answer, headers={**answer.headers, "Content-Type": content_type})


def LoginRedirect(location: str = "/users/sign_in") -> Behaviour:  # noqa: N802
    """A 302 to a sign-in page (script the page itself with ``answers[path] = Answer(200, LOGIN_PAGE)``)."""
    return lambda req, answer: Answer(302, b"", {"Location": location, "Content-Type": "text/html"})


LOGIN_PAGE = (b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action='/users/sign_in' method='post'>"
              b"<input type='email' name='user'><input type='password' name='password'></form></body></html>")


class MisbehavingSite(LoopbackServer):
    """Serves ``root``; ``answers[path]`` replaces one path's answer; ``behave(glob, ...)`` adds faults on top."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.answers: dict[str, Answer] = {}
        self.behaviours: list[tuple[str, tuple[Behaviour, ...]]] = []
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._seen: dict[str, int] = {}
        self._guard = threading.Lock()
        self._closing = threading.Event()
        site = self

        class Handler(_QuietHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real sites and CDNs do

            def do_GET(self):  # noqa: N802
                parts = urlsplit(self.path)
                with site._guard:
                    site.requests.append((self.path, dict(self.headers)))
                    seen = site._seen.get(parts.path, 0)
                    site._seen[parts.path] = seen + 1
                answer = site.answer(Request(parts.path, parts.query, dict(self.headers), seen))
                try:
                    site._send(self, answer)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        super().__init__(Handler)

    def behave(self, pattern: str, *behaviours: Behaviour) -> None:
        """Apply ``behaviours`` in order to every path matching the glob ``pattern`` (``*`` for all)."""
        self.behaviours.append((pattern, behaviours))

    def answer(self, req: Request) -> Answer:
        base = self.answers.get(req.path) or self._from_disk(req.path)
        headers = {"Content-Type": self._type(req.path), **base.headers} if base.status == 200 else dict(base.headers)
        answer = replace(base, headers=headers)
        for pattern, behaviours in self.behaviours:
            if fnmatch.fnmatch(req.path, pattern):
                for behave in behaviours:
                    answer = behave(req, answer)
        return answer

    def requests_for(self, path: str) -> list[str]:
        """The request targets (path and query) that asked for ``path``."""
        return [p for p, _ in self.requests if urlsplit(p).path == path]

    def close(self) -> None:
        self._closing.set()
        super().close()

    # --- answering -----------------------------------------------------------------------------------

    def _type(self, path: str) -> str:
        return TYPES.get(Path(path).suffix, "application/octet-stream")

    def _from_disk(self, path: str) -> Answer:
        file = Path(os.path.realpath(self.root / path.lstrip("/")))
        if file.is_file():
            return Answer(200, file.read_bytes())
        return Answer(404, NOT_FOUND, {"Content-Type": "text/html"})

    def _send(self, handler: BaseHTTPRequestHandler, answer: Answer) -> None:
        if answer.delay and self._closing.wait(answer.delay):
            return
        head = f"HTTP/1.1 {answer.status} {handler.responses.get(answer.status, ('',))[0]}\r\n"
        for k, v in {**answer.headers, "Content-Length": str(len(answer.body))}.items():
            head += f"{k}: {v}\r\n"
        head = (head + "\r\n").encode("latin-1")
        body = answer.body if answer.cut_after is None else answer.body[: answer.cut_after]
        if answer.trickle and answer.trickle_from == "headers":
            self._trickle(handler, head + body, answer.trickle)
        else:
            handler.wfile.write(head)
            handler.wfile.flush()
            if answer.trickle:
                self._trickle(handler, body, answer.trickle)
            else:
                handler.wfile.write(body)
        handler.wfile.flush()
        if answer.cut_after is not None:
            handler.close_connection = True

    def _trickle(self, handler: BaseHTTPRequestHandler, data: bytes, every: float) -> None:
        for i in range(len(data)):
            handler.wfile.write(data[i:i + 1])
            handler.wfile.flush()
            if self._closing.wait(every):
                handler.close_connection = True
                return


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
