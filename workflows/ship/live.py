"""Fetching what listeners get from the live site, within a deadline, and saying precisely what is wrong.

The plain URL is fetched first, as a podcast app fetches it: when it is right, that is
the only request. When it is wrong, the same URL is fetched once more past caches (a
cache-busting query and no-cache headers) to tell a stale cache or CDN from a site
that lacks the file. Each check has an overall wall-clock deadline that holds while
connecting, in the headers and in the body (:mod:`workflows.ship.live_client`), so a
tarpit that trickles one byte at a time is cut off at the deadline.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from workflows.ship.live_client import client
from workflows.ship.live_client import deadline as deadline_at
from workflows.ship.live_signs import (
    ACCEPTED_TYPES,
    FEED,
    WHO_NEEDS,
    accepted_types,
    cache_says_stale,
    looks_like_login,
)

__all__ = ["ACCEPTED_TYPES", "FEED", "Fetched", "cache_says_stale", "check_file", "client", "looks_like_login"]

_MAX_HOPS = 5
_HEAD = 4096  # bytes of each answer kept to recognise HTML and sign-in pages
_NO_CACHE = {"Cache-Control": "no-cache", "Pragma": "no-cache"}
# --- one GET, as it came -----------------------------------------------------------------------------------------


@dataclass
class Reply:
    """One GET (redirects followed by hand): what came back, or how it failed."""

    final: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    sha256: str | None = None  # of the whole body (200 only, complete and within the size limit)
    size: int = 0
    head: bytes = b""
    body: bytes | None = None
    #: A finding kind when the fetch itself failed (site_slow, site_down, truncated, login_redirect, http_error).
    failure: str | None = None
    detail: str = ""
    requests: int = 0
    redirected: bool = False


def cache_busted(url: str) -> str:
    return url + ("&" if "?" in url else "?") + f"papercast-check={secrets.token_hex(6)}"


def _shown(url: str) -> str:
    """A URL as it may appear in a message: no query (it may carry tokens), no fragment."""
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}{p.path}" if p.scheme else p.path


def _seconds(s: float) -> str:
    return f"{s:.0f} s" if s >= 1 else f"{s:.1f} s"


def _bytes(n: int) -> str:
    return "1 byte" if n == 1 else f"{n} bytes"


def _get(http: httpx.Client, url: str, *, deadline: float, past_caches: bool, keep_body: bool, limit: int) -> Reply:
    target = cache_busted(url) if past_caches else url
    headers = _NO_CACHE if past_caches else {}
    started, reply = time.monotonic(), Reply(final=url)
    with deadline_at(deadline):
        for _ in range(_MAX_HOPS + 1):
            reply.requests += 1
            phase = "headers"
            try:
                with http.stream("GET", target, headers=headers) as r:
                    phase = "body"
                    reply.status, reply.headers = r.status_code, {k.lower(): v for k, v in r.headers.items()}
                    if r.is_redirect:
                        target = urljoin(target, reply.headers.get("location", ""))
                        reply.final, reply.redirected = target, True
                        if looks_like_login(target):
                            reply.failure = "login_redirect"
                            reply.detail = f"redirects ({r.status_code}) to a sign-in page ({_shown(target)}), " \
                                           "not the file"
                            return reply
                        continue
                    _read(r, reply, keep_body=keep_body and r.status_code == 200,
                          limit=limit if r.status_code == 200 else _HEAD)
                    return reply
            except httpx.TimeoutException:
                spent = time.monotonic() - started
                if time.monotonic() >= deadline - 0.005:
                    reply.failure = "site_slow"
                    reply.detail = (f"is too slow: it had not sent its headers after {_seconds(spent)}"
                                    if phase == "headers" else
                                    f"is too slow: {_bytes(reply.size)} arrived in {_seconds(spent)}, "
                                    "not the whole file")
                elif phase == "headers":
                    reply.failure = "site_down"
                    reply.detail = f"did not answer within {_seconds(http.timeout.read or spent)} (timeout)"
                else:
                    reply.failure = "site_slow"
                    reply.detail = (f"is too slow: it stopped sending for {_seconds(http.timeout.read or spent)} "
                                    f"after {_bytes(reply.size)} (timeout)")
            except httpx.ConnectError as e:
                reply.failure = "site_down"
                reply.detail = "refuses connections (connection refused)" if "refused" in str(e).lower() \
                    else "cannot be reached (the connection could not be made)"
            except (httpx.RemoteProtocolError, httpx.ReadError) as e:
                if phase == "body":
                    expected = reply.headers.get("content-length")
                    reply.failure = "truncated"
                    of = f" of {expected}" if expected else ""
                    reply.detail = f"was cut off: {_bytes(reply.size)}{of} arrived, then the connection closed"
                else:
                    reply.failure = "site_down"
                    reply.detail = f"closed the connection without answering ({type(e).__name__})"
            except httpx.TransportError as e:
                reply.failure = "site_down"
                reply.detail = f"could not be fetched: the connection failed ({type(e).__name__})"
            reply.status = None if phase == "headers" else reply.status
            return reply
        reply.failure, reply.detail = "http_error", f"redirects more than {_MAX_HOPS} times"
        return reply


def _read(r: httpx.Response, reply: Reply, *, keep_body: bool, limit: int) -> None:
    """Hash the body as it streams (the first bytes are kept; all of it if ``keep_body``); stop past ``limit``."""
    digest, kept = hashlib.sha256(), []
    for chunk in r.iter_bytes():  # as it arrives, so a cut-off transfer still says how much came
        if len(reply.head) < _HEAD:
            reply.head += chunk[: _HEAD - len(reply.head)]
        reply.size += len(chunk)
        if reply.size > limit:
            return
        digest.update(chunk)
        if keep_body:
            kept.append(chunk)
    if r.status_code == 200:
        reply.sha256 = digest.hexdigest()
        reply.body = b"".join(kept) if keep_body else None


# --- judging an answer -------------------------------------------------------------------------------------------


@dataclass
class Fetched:
    """What the live site gives for one URL: ``problem`` is None when it is the expected file, as expected."""

    url: str
    status: int | None
    sha256: str | None
    headers: dict[str, str]
    problem: str | None  # a finding kind
    detail: str
    requests: int
    body: bytes | None = None
    #: What the plain URL gave, in a few words ("answers 404 Not Found"), for a finding that compares it.
    gave: str = ""


def _is_html(content_type: str, head: bytes) -> bool:
    start = head.lstrip()[:64].lower()
    return "text/html" in content_type.lower() or start.startswith((b"<!doctype html", b"<html"))


def _is_login_page(head: bytes) -> bool:
    text = head.lower().replace(b'"', b"").replace(b"'", b"")
    return b"type=password" in text


def _judge(reply: Reply, sha256: str | None, accepted: tuple[str, ...], expects_html: bool) -> tuple[str | None, str]:
    """(finding kind or None, what the URL does) for one reply."""
    if reply.failure:
        return reply.failure, reply.detail
    status, h = reply.status, reply.headers
    content_type = h.get("content-type", "")
    if status == 200:
        html = _is_html(content_type, reply.head)
        if sha256 is None and _is_html("", reply.head) and not expects_html:  # any bytes will do, but not a web page
            if _is_login_page(reply.head):
                where = f" ({_shown(reply.final)})" if reply.redirected else ""
                return "login_redirect", f"answers with a sign-in page{where} instead of the file"
            return "html_error_page", f"answers 200 with an HTML page ({content_type or 'no type'}) instead of the file"
        if sha256 is None or reply.sha256 == sha256:
            base = content_type.split(";")[0].strip().lower()
            if accepted and base not in accepted:
                return "wrong_type", (f"serves the right bytes, but as {content_type or 'no Content-Type'} instead of "
                                      f"{accepted[0]}, so {WHO_NEEDS.get(accepted[0], 'browsers may not show it')}")
            return None, "serves the expected bytes"
        if html and (_is_login_page(reply.head) or (reply.redirected and looks_like_login(reply.final))):
            where = f" ({_shown(reply.final)})" if reply.redirected else ""
            return "login_redirect", f"answers with a sign-in page{where} instead of the file"
        if html and not expects_html:
            return "html_error_page", f"answers 200 with an HTML page ({content_type or 'no type'}) instead of the file"
        stale = cache_says_stale(h)
        if stale:
            return "stale_cache", f"serves old bytes from a cache ({stale})"
        return "stale", "serves different bytes than the approved file"
    if status in (401, 403):
        return "access_denied", f"answers {status}: the file needs a login"
    if status in (404, 410):
        stale = cache_says_stale(h)
        if stale:
            return "stale_cache", f"answers {status} Not Found from a cache ({stale})"
        return "not_deployed", f"answers {status} Not Found"
    if status is not None and status >= 500:
        return "site_down", f"answers {status} (server error)"
    return "http_error", f"answers HTTP {status}"


def _second_look(first: Reply, problem: str) -> bool:
    """Worth asking past the caches: the site answered, and what it answered could be a cache's old copy."""
    return first.status is not None and problem not in ("wrong_type", "truncated", "site_slow")


def check_file(http: httpx.Client, url: str, *, sha256: str | None, media_type: str, seconds: float,
               expected_size: int | None = None, until: float = math.inf, keep_body: bool = False,
               past_caches: bool = False, second_look: bool = True) -> Fetched:
    """Fetch ``url`` as listeners do, then past caches only if that is wrong; the whole check ends by ``seconds``.

    ``sha256`` None accepts any bytes (the feed); ``until`` (monotonic) may end it sooner;
    ``past_caches`` makes the one fetch a cache-busting one; ``second_look`` False never fetches twice.
    """
    deadline = min(time.monotonic() + seconds, until)
    accepted = accepted_types(media_type)
    expects_html = media_type.startswith("text/html")
    limit = (64 << 20) if keep_body else (expected_size or 0) + (1 << 20)
    plain = _get(http, url, deadline=deadline, past_caches=past_caches, keep_body=keep_body, limit=limit)
    problem, detail = _judge(plain, sha256, accepted, expects_html)
    requests = plain.requests

    def answer(reply: Reply, problem: str | None, detail: str) -> Fetched:
        return Fetched(url, reply.status, reply.sha256, reply.headers, problem, detail, requests, reply.body,
                       _what_listeners_get(plain, "approved" if sha256 else "expected"))

    if problem is None or past_caches or not second_look or not _second_look(plain, problem):
        return answer(plain, problem, detail)
    busted = _get(http, url, deadline=deadline, past_caches=True, keep_body=keep_body, limit=limit)
    requests += busted.requests
    past, past_detail = _judge(busted, sha256, accepted, expects_html)
    if past is None or (past == "wrong_type" and busted.sha256 is not None):
        hit = cache_says_stale(plain.headers)
        why = f"a cache or CDN keeps an old answer ({hit})" if hit else \
            "a cache or CDN (or one of the site's servers) keeps an old answer"
        return answer(plain, "stale_cache", f"{_what_listeners_get(plain, 'approved' if sha256 else 'expected')} to "
                                            f"listeners, while a request past the cache gets the "
                                            f"{'approved' if sha256 else 'expected'} file: {why}")
    if busted.status is None:  # the second look failed: what listeners got is all there is
        return answer(plain, problem, detail)
    return answer(busted, past, past_detail)


def _what_listeners_get(reply: Reply, which: str) -> str:
    if reply.failure:
        return reply.detail
    if reply.redirected and reply.status is not None and 300 <= reply.status < 400:
        return f"redirects ({reply.status}) to {_shown(reply.final)}"
    if reply.status == 200:
        return f"serves other bytes than the {which} file"
    if reply.status in (404, 410):
        return f"answers {reply.status} Not Found"
    return f"answers HTTP {reply.status}"
