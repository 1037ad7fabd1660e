"""Downloading a dropped file from a loopback stand-in for files.slack.com, over real HTTP."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest

from tests import pdfs
from tests.standins.loopback import LoopbackServer
from workflows.errors import IntakeError
from workflows.intake import errors
from workflows.intake.download import check_download, download_slack_file

TOKEN = "xoxb-1111-2222-loopbacktoken"
BIG = 64 * 1024 * 1024
CAP = 1024 * 1024


@dataclass
class _Slack:
    """What the stand-in serves and what it saw."""

    pdf: bytes
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)
    done: dict[str, threading.Event] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def finished(self, route: str) -> threading.Event:
        """Set once the handler for ``route`` has stopped sending (either side may ask first)."""
        with self._lock:
            return self.done.setdefault(route, threading.Event())


def _handler(state: _Slack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            auth = self.headers.get("Authorization")
            state.requests.append((self.path, auth))
            route = self.path.split("?")[0]
            try:
                self._serve(route, auth)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                state.finished(route).set()

        def _serve(self, route: str, auth: str | None) -> None:
            if route == "/files/paper.pdf":
                if auth != f"Bearer {TOKEN}":
                    return self._send(200, pdfs.LOGIN_PAGE, "text/html; charset=utf-8")
                return self._send(200, state.pdf, "application/pdf")
            if route == "/files/saved-page.pdf":
                return self._send(200, ARTICLE_PAGE, "text/html; charset=utf-8")
            if route == "/files/empty.pdf":
                return self._send(200, b"", "application/pdf")
            if route == "/files/picture.pdf":
                return self._send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 2000, "application/pdf")
            if route == "/files/gone.pdf":
                return self._send(404, b"not found", "text/plain")
            if route == "/files/broken.pdf":
                return self._send(500, b"oops", "text/plain")
            if route == "/files/moved.pdf":
                return self._redirect("/files/paper.pdf")
            if route == "/files/moved-away.pdf":
                return self._redirect("http://elsewhere.example/paper.pdf")
            if route == "/files/hang.pdf":
                state.release.wait(10)
                return self._send(200, state.pdf, "application/pdf")
            if route in ("/files/big-declared.pdf", "/files/big-streamed.pdf"):
                return self._stream_big(route, declared=route.endswith("declared.pdf"))
            return self._send(404, b"no such route", "text/plain")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _stream_big(self, route: str, *, declared: bool) -> None:
            """Send a 64 MB PDF-looking body, counting how much of it actually leaves."""
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            if declared:
                self.send_header("Content-Length", str(BIG))
            self.end_headers()
            chunk = b"%PDF-1.7\n" + b"0" * (64 * 1024 - 9)
            state.sent[route] = 0
            while state.sent[route] < BIG:
                self.wfile.write(chunk)
                self.wfile.flush()
                state.sent[route] += len(chunk)

    return Handler


@pytest.fixture(scope="module")
def slack(tmp_path_factory):
    """A loopback HTTP server standing in for files.slack.com; yields (state, base_url)."""
    pdf = pdfs.one_column_paper(tmp_path_factory.mktemp("served") / "paper.pdf")
    state = _Slack(pdf=pdf.read_bytes())
    with LoopbackServer(_handler(state)) as server:
        yield state, server.base_url
        state.release.set()


def _download(base: str, path: str, dest: Path, **kw) -> Path:
    kw.setdefault("allowed_hosts", {"files.slack.com", "127.0.0.1"})
    kw.setdefault("max_bytes", CAP)
    return download_slack_file(base + path, kw.pop("token", TOKEN), dest, **kw)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_download_sends_the_bot_token_and_writes_the_pdf(slack, tmp_path):
    """The file is fetched with 'Authorization: Bearer <token>' and lands complete at dest."""
    state, base = slack
    dest = _download(base, "/files/paper.pdf", tmp_path / "in" / "paper.pdf")

    assert dest.read_bytes() == state.pdf
    assert ("/files/paper.pdf", f"Bearer {TOKEN}") in state.requests
    assert _leftovers(dest.parent) == ["paper.pdf"]
    check_download(dest)


def test_login_page_instead_of_the_file_is_refused(slack, tmp_path):
    """With a wrong token Slack answers 200 with its sign-in page: that is a typed error, no file."""
    _state, base = slack
    with pytest.raises(errors.LoginPageNotFile) as caught:
        _download(base, "/files/paper.pdf", tmp_path / "paper.pdf", token="xoxb-wrong-token")
    assert "files:read" in caught.value.hint
    assert "xoxb-wrong-token" not in caught.value.for_people()
    assert _leftovers(tmp_path) == []


ARTICLE_PAGE = (b"<!DOCTYPE html><html><head><title>Attention Is All You Need - arXiv</title></head><body>"
                b"<a href='/login'>Login</a><h1>Attention Is All You Need</h1><p>Abstract: The dominant...</p></body></html>")


def test_an_html_page_saved_as_pdf_is_called_a_web_page_not_a_token_problem(slack, tmp_path):
    """Someone uploads a web page named paper.pdf: the refusal says it is HTML, and does not blame the token."""
    _state, base = slack
    with pytest.raises(errors.NotAPdf) as caught:
        _download(base, "/files/saved-page.pdf", tmp_path / "paper.pdf")
    assert "HTML web page" in caught.value.for_people()
    assert "SLACK_BOT_TOKEN" not in caught.value.for_people()
    assert _leftovers(tmp_path) == []


def test_size_cap_stops_a_streamed_body_without_reading_it_all(slack, tmp_path):
    """A body with no Content-Length is cut off once it passes max_bytes; most of it is never sent."""
    state, base = slack
    with pytest.raises(errors.FileTooLarge):
        _download(base, "/files/big-streamed.pdf", tmp_path / "big.pdf")
    assert state.finished("/files/big-streamed.pdf").wait(20), "the server never noticed the client left"

    assert state.sent["/files/big-streamed.pdf"] < BIG // 4
    assert _leftovers(tmp_path) == []


def test_declared_size_over_the_cap_is_refused_before_reading(slack, tmp_path):
    """A Content-Length over max_bytes is refused from the headers alone."""
    state, base = slack
    with pytest.raises(errors.FileTooLarge, match="64.0 MB"):
        _download(base, "/files/big-declared.pdf", tmp_path / "big.pdf")
    assert state.finished("/files/big-declared.pdf").wait(20)

    assert state.sent["/files/big-declared.pdf"] < BIG // 4
    assert _leftovers(tmp_path) == []


def test_host_not_allowed_is_refused_without_any_request(slack, tmp_path):
    """A URL whose host is not in allowed_hosts is refused before a request is made."""
    state, base = slack
    before = len(state.requests)
    with pytest.raises(errors.HostNotAllowed):
        _download(base.replace("127.0.0.1", "localhost"), "/files/paper.pdf", tmp_path / "p.pdf", allowed_hosts={"files.slack.com"})
    assert len(state.requests) == before
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "url",
    ["http://files.slack.com/files-pri/T1-F1/download/paper.pdf", "ftp://files.slack.com/paper.pdf", "file:///etc/passwd"],
)
def test_only_https_is_fetched_except_on_loopback(tmp_path, url):
    """Plain http to a real host, or any other scheme, is refused even if the host is allowed."""
    with pytest.raises(errors.HostNotAllowed):
        download_slack_file(url, TOKEN, tmp_path / "p.pdf", allowed_hosts={"files.slack.com"}, max_bytes=CAP)


def test_redirect_to_an_allowed_host_is_followed_and_elsewhere_is_refused(slack, tmp_path):
    """A redirect inside the allowed hosts works; one that leaves them is refused."""
    state, base = slack
    assert _download(base, "/files/moved.pdf", tmp_path / "a.pdf").read_bytes() == state.pdf
    with pytest.raises(errors.HostNotAllowed):
        _download(base, "/files/moved-away.pdf", tmp_path / "b.pdf")
    assert not (tmp_path / "b.pdf").exists()


@pytest.mark.parametrize(
    ("path", "error", "kind"),
    [
        ("/files/empty.pdf", errors.EmptyFile, "empty_file"),
        ("/files/picture.pdf", errors.NotAPdf, "not_pdf"),
        ("/files/gone.pdf", errors.DownloadFailed, "download_failed"),
        ("/files/broken.pdf", errors.DownloadFailed, "download_failed"),
    ],
)
def test_bad_answers_end_in_typed_errors_without_the_token(slack, tmp_path, path, error, kind):
    """Empty, non-PDF and non-2xx answers each raise their own error, leaving no file and no token in the text."""
    _state, base = slack
    with pytest.raises(error) as caught:
        _download(base, path, tmp_path / "p.pdf")
    assert caught.value.kind == kind
    assert isinstance(caught.value, IntakeError)
    assert TOKEN not in caught.value.for_people() and TOKEN not in repr(caught.value.args)
    assert _leftovers(tmp_path) == []


def test_server_error_is_retryable_but_missing_file_is_not(slack, tmp_path):
    """A 5xx may go away by itself; a 404 will not."""
    _state, base = slack
    with pytest.raises(errors.DownloadFailed) as server_error:
        _download(base, "/files/broken.pdf", tmp_path / "p.pdf")
    with pytest.raises(errors.DownloadFailed) as missing:
        _download(base, "/files/gone.pdf", tmp_path / "p.pdf")
    assert server_error.value.retryable and server_error.value.status == 500
    assert not missing.value.retryable and missing.value.status == 404


def test_timeout_is_a_retryable_typed_error(slack, tmp_path):
    """A server that does not answer within the timeout gives DownloadTimedOut, not a crash."""
    _state, base = slack
    with pytest.raises(errors.DownloadTimedOut) as caught:
        _download(base, "/files/hang.pdf", tmp_path / "p.pdf", timeout=0.3)
    assert caught.value.retryable
    assert _leftovers(tmp_path) == []


def test_connection_refused_is_a_typed_error(tmp_path):
    """Nothing listening on the port gives DownloadUnreachable, without the token in it."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(errors.DownloadUnreachable) as caught:
        download_slack_file(f"http://127.0.0.1:{port}/x.pdf", TOKEN, tmp_path / "p.pdf", allowed_hosts={"127.0.0.1"}, max_bytes=CAP)
    assert TOKEN not in caught.value.for_people()


def test_a_caller_supplied_client_is_used_and_left_open(slack, tmp_path):
    """Passing an httpx.Client reuses it, and download_slack_file does not close it."""
    state, base = slack
    with httpx.Client() as client:
        _download(base, "/files/paper.pdf", tmp_path / "a.pdf", client=client)
        _download(base, "/files/paper.pdf", tmp_path / "b.pdf", client=client)
        assert not client.is_closed
    assert (tmp_path / "b.pdf").read_bytes() == state.pdf
