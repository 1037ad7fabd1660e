"""The episode index (JSON) and the podcast feed (RSS 2.0 with the iTunes and podcast namespaces).

Both are pure functions of the index: the same index gives the same bytes, so a
publish that is repeated after a crash writes identical files and commits nothing new.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from workflows.settings import Show

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
_PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")  # fixed by the podcast namespace spec


def parse_index(raw: bytes | None) -> dict[str, Any]:
    if not raw:
        return {"episodes": []}
    try:
        data = json.loads(raw)
    except ValueError:
        return {"episodes": []}
    if not isinstance(data, dict) or not isinstance(data.get("episodes"), list):
        return {"episodes": []}
    return data


def with_entry(index: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """The index with ``entry`` added or replacing the entry of the same episode id; newest first."""
    episodes = [e for e in index.get("episodes", []) if e.get("id") != entry["id"]] + [entry]
    episodes.sort(key=lambda e: (e.get("published_at", ""), e.get("id", "")), reverse=True)
    return {**index, "episodes": episodes}


def index_bytes(index: dict[str, Any]) -> bytes:
    return (json.dumps(index, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def podcast_guid(feed_url: str) -> str:
    """The show's ``podcast:guid``: a UUIDv5 of the feed URL without its scheme, as the namespace defines."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(_PODCAST_GUID_NAMESPACE, bare))


class _PodcastNamespace(BaseExtension):
    """Adds ``podcast:guid`` to the channel."""

    def __init__(self) -> None:
        self._guid: str | None = None

    def guid(self, value: str | None = None) -> str | None:
        if value is not None:
            self._guid = value
        return self._guid

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss_feed):
        if self._guid:
            etree.SubElement(rss_feed[0], f"{{{PODCAST_NS}}}guid").text = self._guid
        return rss_feed


class _PodcastNamespaceEntry(BaseEntryExtension):
    """Adds ``podcast:transcript`` to an item."""

    def __init__(self) -> None:
        self._transcript: tuple[str, str] | None = None

    def transcript(self, url: str, media_type: str) -> None:
        self._transcript = (url, media_type)

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, item):
        if self._transcript:
            el = etree.SubElement(item, f"{{{PODCAST_NS}}}transcript")
            el.set("url", self._transcript[0])
            el.set("type", self._transcript[1])
        return item


def _duration(seconds: float | None) -> str:
    total = int(round(seconds or 0))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def feed_bytes(index: dict[str, Any], show: Show, *, site_url: str, feed_url: str) -> bytes:
    """The RSS feed for every episode in the index."""
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcastindex", _PodcastNamespace, _PodcastNamespaceEntry)
    fg.title(show.name)
    fg.link(href=site_url + "/", rel="alternate")
    fg.description(show.description)
    fg.language(show.language)
    fg.generator("papercast")
    fg.podcast.itunes_author(show.publish.author_name)
    fg.podcast.itunes_summary(show.description)
    fg.podcast.itunes_explicit("no")
    fg.podcast.itunes_category("Science")
    fg.podcastindex.guid(podcast_guid(feed_url))
    episodes = index.get("episodes", [])
    dates = [datetime.fromisoformat(e["published_at"]) for e in episodes if e.get("published_at")]
    if dates:
        fg.lastBuildDate(max(dates))
    for e in episodes:  # newest first in the index and in the feed
        files = e.get("files", {})
        audio = files.get("audio")
        if not audio:
            continue
        fe = fg.add_entry(order="append")
        fe.guid(e["id"], permalink=False)
        fe.title(e.get("title") or e["id"])
        fe.link(href=audio["url"])
        fe.description(e.get("summary") or e.get("title") or e["id"])
        fe.enclosure(audio["url"], str(audio["size"]), audio.get("type", "audio/mpeg"))
        fe.podcast.itunes_duration(_duration(audio.get("duration_seconds")))
        if e.get("published_at"):
            fe.pubDate(datetime.fromisoformat(e["published_at"]))
        if files.get("transcript"):
            fe.podcastindex.transcript(files["transcript"]["url"], files["transcript"].get("type", "text/vtt"))
    return fg.rss_str(pretty=True)


def feed_listing(feed: bytes) -> frozenset[str]:
    """Every item guid and enclosure URL in a feed (empty if it is not XML)."""
    try:
        root = etree.fromstring(feed, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return frozenset()
    found = set()
    for item in root.iter("item"):
        found.add((item.findtext("guid") or "").strip())
        enclosure = item.find("enclosure")
        if enclosure is not None and enclosure.get("url"):
            found.add(enclosure.get("url"))
    return frozenset(found - {""})

