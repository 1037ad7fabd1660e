"""The website's HTML: each episode's page and the show's page, from the Jinja2 templates in ``templates/``.

Pages link to each other and to the files with relative URLs, so a page's bytes depend on
the publish paths, not on the host the site is served from. Both are pure functions of
their inputs: publishing again writes the same bytes.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from workflows.audio.listing import Listing
from workflows.audio.transcript import timestamp
from workflows.settings import Show

_ENV = Environment(loader=PackageLoader("workflows.ship", "templates"), autoescape=select_autoescape(["html"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_ENV.globals["clock"] = timestamp


@dataclass(frozen=True)
class Cue:
    """One transcript line on the page."""

    start: float
    speaker: str
    text: str


@dataclass(frozen=True)
class EpisodeUrls:
    """The live URLs an episode page links (absolute; the page makes them relative to itself)."""

    page: str
    audio: str
    transcript: str
    chapters: str
    artwork: str
    feed: str
    show: str


def relative(from_url: str, to_url: str) -> str:
    """``to_url`` as a link from the page at ``from_url`` (both on the same site)."""
    here, there = urlsplit(from_url), urlsplit(to_url)
    if (here.scheme, here.netloc) != (there.scheme, there.netloc):
        return to_url
    base = here.path if here.path.endswith("/") else posixpath.dirname(here.path) + "/"
    rel = posixpath.relpath(there.path or "/", base)
    if there.path.endswith("/") and rel != ".":
        rel += "/"
    return "./" if rel == "." else rel


def _paragraphs(markdown: str) -> list[str]:
    return [" ".join(p.split()) for p in markdown.split("\n\n") if p.strip()]


def episode_page(show: Show, listing: Listing, urls: EpisodeUrls, *, cues: list[Cue], duration_seconds: float,
                 released: date | None) -> bytes:
    """The episode's page: title, description, a playable ``<audio>``, chapters with times, the paper, transcript."""
    link = lambda url: relative(urls.page, url)  # noqa: E731
    html = _ENV.get_template("episode.html").render(
        show=show, listing=listing, cues=cues, released=released, duration=timestamp(duration_seconds),
        notes=_paragraphs(listing.notes), audio_href=link(urls.audio), transcript_href=link(urls.transcript),
        chapters_href=link(urls.chapters), artwork_href=link(urls.artwork), feed_href=link(urls.feed),
        show_href=link(urls.show), feed_url=urls.feed)
    return html.encode("utf-8")


def show_page(index: dict, show: Show, *, page_url: str, feed_url: str) -> bytes:
    """The show's page: every episode in the index, newest first, each linking its page (or its MP3), and the feed."""
    episodes, artwork = [], ""
    for e in index.get("episodes", []):
        files = e.get("files", {})
        target = files.get("page") or files.get("audio")
        if not target:
            continue
        artwork = artwork or (files.get("artwork") or {}).get("url", "")
        when = datetime.fromisoformat(e["published_at"]).date() if e.get("published_at") else None
        seconds = (files.get("audio") or {}).get("duration_seconds")
        episodes.append({"title": e.get("title") or e["id"], "href": relative(page_url, _folder(target["url"])),
                         "date": when, "summary": e.get("summary", ""),
                         "duration": timestamp(seconds) if seconds else ""})
    html = _ENV.get_template("show.html").render(
        show=show, episodes=episodes, feed_href=relative(page_url, feed_url), feed_url=feed_url,
        artwork_href=relative(page_url, artwork) if artwork else "")
    return html.encode("utf-8")


def _folder(url: str) -> str:
    return url[: -len("index.html")] if url.endswith("/index.html") else url
