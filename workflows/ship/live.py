"""Fetching one URL from the live site, and saying precisely what is wrong when it is not the expected bytes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

_LOGIN_WORDS = ("login", "log-in", "signin", "sign-in", "sso", "oauth", "saml", "/auth", "accounts.")
_CACHE_HIT_HEADERS = ("x-cache", "cf-cache-status", "x-cache-status", "x-proxy-cache", "x-served-by-cache")
_MAX_HOPS = 5


@dataclass
class Fetched:
    """What the live site answered for one URL (``problem`` is None when the bytes are as expected)."""

    url: str
    status: int | None
    sha256: str | None
    body_head: bytes
    body: bytes | None
    headers: dict[str, str]
    problem: str | None  # a finding kind, see :func:`diagnose`
    detail: str
    requests: int


def cache_busted(url: str) -> str:
    return url + ("&" if "?" in url else "?") + f"papercast-check={secrets.token_hex(6)}"


def _looks_like_login(url: str) -> bool:
    return any(w in url.lower() for w in _LOGIN_WORDS)


def cache_says_stale(headers: dict[str, str]) -> str | None:
    """The header that shows a cache answered (Age > 0, X-Cache: HIT...), if any."""
    age = headers.get("age", "").strip()
    if age.isdigit() and int(age) > 0:
        return f"Age: {age}"
    for name in _CACHE_HIT_HEADERS:
        value = headers.get(name, "")
        if "hit" in value.lower():
            return f"{name}: {value}"
    return None


def _is_html(content_type: str, head: bytes) -> bool:
    start = head.lstrip()[:64].lower()
    return "text/html" in content_type.lower() or start.startswith((b"<!doctype html", b"<html"))


def fetch(client: httpx.Client, url: str, *, expected_sha256: str | None, expected_size: int | None = None,
          expects_html: bool = False, keep_body: bool = False) -> Fetched:
    """GET ``url`` past any cache (query and headers), follow redirects up to 5 hops, hash the body as it streams."""
    target, requests = cache_busted(url), 0
    headers = {"Cache-Control": "no-cache", "Pragma": "no-cache"}
    limit = (expected_size or 0) + (1 << 20) if not keep_body else 64 << 20
    for _ in range(_MAX_HOPS + 1):
        requests += 1
        try:
            with client.stream("GET", target, headers=headers) as r:
                h = {k.lower(): v for k, v in r.headers.items()}
                if r.is_redirect:
                    location = urljoin(target, h.get("location", ""))
                    if _looks_like_login(urlsplit(location).path + urlsplit(location).netloc):
                        return Fetched(url, r.status_code, None, b"", None, h, "login_redirect",
                                       f"redirects ({r.status_code}) to a login page ({location.split('?')[0]})", requests)
                    target = location
                    continue
                digest, head, size, kept = hashlib.sha256(), b"", 0, []
                if r.status_code == 200:
                    for chunk in r.iter_bytes(1 << 16):
                        if len(head) < 512:
                            head += chunk[: 512 - len(head)]
                        size += len(chunk)
                        if size > limit:
                            break
                        digest.update(chunk)
                        if keep_body:
                            kept.append(chunk)
                else:
                    head = r.read()[:512]
        except httpx.TimeoutException:
            return Fetched(url, None, None, b"", None, {}, "site_down", f"did not answer within {client.timeout.read or client.timeout.connect} s (timeout)", requests)
        except httpx.ConnectError as e:
            reason = "connection refused" if "refused" in str(e).lower() else f"cannot connect ({e})"
            return Fetched(url, None, None, b"", None, {}, "site_down", reason, requests)
        except httpx.TransportError as e:
            return Fetched(url, None, None, b"", None, {}, "site_down", f"the connection failed ({type(e).__name__})", requests)
        got = _diagnose(url, r.status_code, digest.hexdigest() if r.status_code == 200 and size <= limit else None,
                        head, h, expected_sha256, expects_html, requests, final=target)
        got.body = b"".join(kept) if keep_body and r.status_code == 200 else None
        return got
    return Fetched(url, None, None, b"", None, {}, "http_error", f"redirects more than {_MAX_HOPS} times", requests)


def _diagnose(url, status, sha, head, h, expected, expects_html, requests, final) -> Fetched:
    def result(problem, detail):
        return Fetched(url, status, sha, head, None, h, problem, detail, requests)

    if status == 200:
        if expected is None or sha == expected:
            return result(None, "serves the expected bytes")
        if _looks_like_login(urlsplit(final).path) and _is_html(h.get("content-type", ""), head):
            return result("login_redirect", "answers with a login page")
        if not expects_html and _is_html(h.get("content-type", ""), head):
            return result("html_error_page", f"answers 200 with an HTML page ({h.get('content-type', 'no type')}) instead of the file")
        stale = cache_says_stale(h)
        if stale:
            return result("stale_cache", f"a cache serves old bytes ({stale})")
        return result("stale", "serves different bytes than the committed ones")
    if status in (401, 403):
        return result("access_denied", f"answers {status}: the file needs a login")
    if status in (404, 410):
        return result("not_deployed", f"answers {status} Not Found")
    if status >= 500:
        return result("site_down", f"answers {status} (server error)")
    return result("http_error", f"answers HTTP {status}")
