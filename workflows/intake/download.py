"""Download a file that someone dropped in Slack, safely.

The URL is the ``url_private_download`` from ``files.info``. The body is streamed to
a temporary file next to ``dest`` and renamed only when it is complete and looks
like a PDF, so a failed download never leaves a half-written file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from workflows.intake.errors import (
    DownloadFailed,
    DownloadTimedOut,
    DownloadUnreachable,
    EmptyFile,
    FileTooLarge,
    HostNotAllowed,
    LoginPageNotFile,
    NotAPdf,
)
from workflows.settings import Intake

PDF_MAGIC = b"%PDF-"
#: PDF readers look for the magic within the first KiB; so do we.
_HEAD_BYTES = 1024
_CHUNK = 64 * 1024
_MAX_REDIRECTS = 3
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def download_slack_file(
    url: str,
    token: str,
    dest: Path,
    *,
    allowed_hosts: set[str],
    max_bytes: int,
    client: httpx.Client | None = None,
    timeout: float = 30,
) -> Path:
    """Fetch ``url`` with the bot token into ``dest`` and return ``dest``.

    Raises a subclass of :class:`~workflows.errors.IntakeError` for every way this
    can go wrong; the token never appears in its text.
    """
    dest = Path(dest)
    own_client = client is None
    if client is None:
        client = httpx.Client(timeout=timeout)
    host = _checked_host(url, allowed_hosts)
    try:
        for _ in range(_MAX_REDIRECTS + 1):
            next_url = _fetch_once(client, url, token, dest, max_bytes=max_bytes, timeout=timeout)
            if next_url is None:
                return dest
            url = next_url
            host = _checked_host(url, allowed_hosts)
        raise DownloadUnreachable(host, f"more than {_MAX_REDIRECTS} redirects")
    except httpx.TimeoutException:
        raise DownloadTimedOut(host, timeout) from None
    except httpx.HTTPError as e:
        raise DownloadUnreachable(host, _scrub(f"{type(e).__name__}: {e}", token)) from None
    finally:
        if own_client:
            client.close()


def size_limit(intake: Intake) -> int:
    """``intake.max_megabytes`` in bytes: the largest file papercast downloads or reads."""
    return int(intake.max_megabytes * 1_048_576)


def check_download(path: Path) -> None:
    """Refuse a file on disk that is empty, an HTML page, or not a PDF."""
    path = Path(path)
    with path.open("rb") as f:
        head = f.read(_HEAD_BYTES)
    _check_head(head, from_slack=False)


def _checked_host(url: str, allowed_hosts: set[str]) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    allowed = {h.lower() for h in allowed_hosts}
    scheme_ok = parts.scheme == "https" or (parts.scheme == "http" and host in _LOOPBACK)
    if not scheme_ok or host not in allowed:
        raise HostNotAllowed(host, parts.scheme, allowed)
    return host


def _fetch_once(client: httpx.Client, url: str, token: str, dest: Path, *, max_bytes: int, timeout: float) -> str | None:
    """Stream one response into ``dest``; return the redirect target if there is one."""
    host = urlsplit(url).hostname or ""
    headers = {"Authorization": f"Bearer {token}"}
    with client.stream("GET", url, headers=headers, timeout=timeout, follow_redirects=False) as response:
        if response.is_redirect and "location" in response.headers:
            return urljoin(url, response.headers["location"])
        if not response.is_success:
            raise DownloadFailed(response.status_code, host)
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FileTooLarge(max_bytes, int(declared))
        _stream_to(dest, response, max_bytes)
    return None


def _stream_to(dest: Path, response: httpx.Response, max_bytes: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            head, total, checked = b"", 0, False
            for chunk in response.iter_bytes(_CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise FileTooLarge(max_bytes)
                if not checked:
                    head += chunk
                    if len(head) >= _HEAD_BYTES:
                        _check_head(head)
                        checked = True
                out.write(chunk)
            if not checked:
                _check_head(head)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _check_head(head: bytes, *, from_slack: bool = True) -> None:
    if not head:
        raise EmptyFile()
    if PDF_MAGIC in head[:_HEAD_BYTES]:
        return
    if _is_html(head):
        if from_slack and _is_sign_in_page(head):
            raise LoginPageNotFile()
        raise NotAPdf("it is an HTML web page, not the paper's PDF (a page saved under a .pdf name?)")
    raise NotAPdf(_describe(head))


def _is_html(head: bytes) -> bool:
    lowered = head[:_HEAD_BYTES].lstrip().lower()
    return lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered or b"<body" in lowered


_SIGN_IN_WORDS = (b"sign in", b"signin", b"sign-in", b"log in", b"login")


def _is_sign_in_page(head: bytes) -> bool:
    """Slack's own sign-in page (a wrong or missing token), as opposed to an HTML file someone uploaded."""
    lowered = head[:_HEAD_BYTES].lower()
    return b"slack" in lowered and any(w in lowered for w in _SIGN_IN_WORDS)


def _describe(head: bytes) -> str:
    if head.startswith((b"PK\x03\x04",)):
        return "it looks like a ZIP or Office document"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "it looks like an image"
    return ""


def _scrub(text: str, token: str) -> str:
    return text.replace(token, "[token]") if token else text
