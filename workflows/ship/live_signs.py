"""What an answer's headers and address say: a cache's old copy, a sign-in page, the Content-Types that are right.

Used by :mod:`workflows.ship.live` to judge what the live site served.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_CACHE_HIT_HEADERS = ("x-cache", "cf-cache-status", "x-cache-status", "x-proxy-cache", "x-served-by-cache",
                      "x-vercel-cache", "x-nf-cache-status")
_LOGIN_PATH = re.compile(r"(^|/)(wp-)?(log[-_]?in|log[-_]?on|sign[-_]?in|signon|sso|saml2?|oauth2?|openid|auth|"
                         r"authorize|authenticate|cas)(/|\.|$)|(^|/)sessions?/new(/|$)", re.I)
_LOGIN_HOST = re.compile(r"^(login|logon|signin|sso|auth|accounts|idp?)\.|\.(okta|oktapreview|auth0|onelogin)\.com$|"
                         r"\.cloudflareaccess\.com$", re.I)

FEED = "feed"
#: The Content-Types a podcast app or browser accepts for each artifact media type (first: the one to configure).
#: ``application/octet-stream`` is not among them: apps do not play an MP3 sent as "some bytes".
ACCEPTED_TYPES: dict[str, tuple[str, ...]] = {
    "audio/mpeg": ("audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg", "audio/x-mp3", "audio/x-mpeg-3"),
    "text/vtt": ("text/vtt",),
    "text/markdown": ("text/markdown", "text/x-markdown", "text/plain"),
    FEED: ("application/rss+xml", "application/xml", "text/xml", "application/x-rss+xml", "application/atom+xml"),
}

WHO_NEEDS = {"audio/mpeg": "podcast apps may not play it", "application/rss+xml": "podcast apps may not read it"}


def looks_like_login(url: str) -> bool:
    """A sign-in page's address: /login, /users/sign_in, /session/new, /saml, accounts.google.com, an IdP host..."""
    parts = urlsplit(url)
    return bool(_LOGIN_HOST.search(parts.hostname or "") or _LOGIN_PATH.search(parts.path))


def cache_says_stale(headers: dict[str, str]) -> str | None:
    """The header that shows a cache answered (Age > 0, X-Cache: HIT...), if any."""
    age = headers.get("age", "").strip()
    if age.isdigit() and int(age) > 0:
        for name in _CACHE_HIT_HEADERS:
            if "hit" in headers.get(name, "").lower():
                return f"{_header_name(name)}: {headers[name]}, Age: {age}"
        return f"Age: {age}"
    for name in _CACHE_HIT_HEADERS:
        value = headers.get(name, "")
        if "hit" in value.lower():
            return f"{_header_name(name)}: {value}"
    return None


def _header_name(name: str) -> str:
    return {"cf-cache-status": "CF-Cache-Status"}.get(name, "-".join(w.upper() if w == "x" else w.capitalize()
                                                                     for w in name.split("-")))


def accepted_types(media_type: str) -> tuple[str, ...]:
    """The Content-Types that are right for an artifact of ``media_type`` (or :data:`FEED`); () accepts any."""
    base = media_type.split(";")[0].strip().lower()
    if base in ("", "application/octet-stream"):
        return ()
    return ACCEPTED_TYPES.get(base, (base,))
