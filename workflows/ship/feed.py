"""The episode index (JSON) and the podcast feed (RSS 2.0 with the iTunes and podcast namespaces).

Both are pure functions of what is on the website: the same index and feed give the
same bytes, so a publish that is repeated after a crash writes identical files.

Who owns what in the feed: papercast writes one item per episode in the index (the
GUID is the episode id) and the channel's fields from the show file. Everything else
people put in the feed on the website stays: items with other GUIDs, channel elements
papercast does not write, and a channel field they changed by hand (until the show
file changes that field; papercast remembers what it last wrote, per field, in the
index under ``feed_channel``). To change an episode's item, edit its index entry.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import uuid
from datetime import datetime, timezone
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from workflows.settings import Show

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
#: The type ``podcast:chapters`` declares for JSON chapters (podcast namespace 1.0).
CHAPTERS_TYPE = "application/json+chapters"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
_PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")  # fixed by the podcast namespace spec
#: The index key where papercast records what it last wrote in the feed's channel (a digest per field).
CHANNEL_RECORD = "feed_channel"
#: Channel fields that always follow the index, whatever the feed on the site says.
_ALWAYS_OURS = frozenset({"lastBuildDate"})
#: GUIDs of papercast's items (episode ids, ``EpisodeStore.create``): they follow the index, never kept as foreign.
_EPISODE_GUID = re.compile(r"^ep_[0-9a-f]+$")


def parse_index(raw: bytes | None) -> dict[str, Any]:
    """The index for reading (checks): anything that is not an index reads as empty. Publishing uses :func:`load_index`."""
    if not raw:
        return {"episodes": []}
    try:
        data = json.loads(raw)
    except ValueError:
        return {"episodes": []}
    if not isinstance(data, dict) or not isinstance(data.get("episodes"), list):
        return {"episodes": []}
    return data


def load_index(raw: bytes | None) -> dict[str, Any]:
    """The index from the website's bytes (none yet, or empty: no episodes); ValueError if it is not an episode index."""
    if raw is None or not raw.strip():
        return {"episodes": []}
    try:
        data = json.loads(raw)
    except ValueError:
        raise ValueError("it is not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("episodes"), list):
        raise ValueError('it has no "episodes" list')
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
    """Adds ``podcast:guid`` and ``itunes:explicit`` (true/false, as Apple reads it now) to the channel."""

    def __init__(self) -> None:
        self._guid: str | None = None
        self._explicit: bool | None = None

    def guid(self, value: str | None = None) -> str | None:
        if value is not None:
            self._guid = value
        return self._guid

    def explicit(self, value: bool) -> None:
        self._explicit = value

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss_feed):
        channel = rss_feed[0]
        if self._guid:
            etree.SubElement(channel, f"{{{PODCAST_NS}}}guid").text = self._guid
        if self._explicit is not None:
            etree.SubElement(channel, f"{{{ITUNES_NS}}}explicit").text = "true" if self._explicit else "false"
        return rss_feed


class _PodcastNamespaceEntry(BaseEntryExtension):
    """Adds ``podcast:transcript`` and ``podcast:chapters`` to an item."""

    def __init__(self) -> None:
        self._links: list[tuple[str, str, str]] = []

    def transcript(self, url: str, media_type: str) -> None:
        self._links.append(("transcript", url, media_type))

    def chapters(self, url: str) -> None:
        self._links.append(("chapters", url, CHAPTERS_TYPE))

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, item):
        for tag, url, media_type in self._links:
            el = etree.SubElement(item, f"{{{PODCAST_NS}}}{tag}")
            el.set("url", url)
            el.set("type", media_type)
        return item


def _duration(seconds: float | None) -> str:
    total = int(round(seconds or 0))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def _folder(url: str) -> str:
    return url[: -len("index.html")] if url.endswith("/index.html") else url


def feed_bytes(index: dict[str, Any], show: Show, *, site_url: str, feed_url: str) -> bytes:
    """The RSS feed for every episode in the index (``site_url``: the show's page, the channel's link)."""
    publish = show.publish
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcastindex", _PodcastNamespace, _PodcastNamespaceEntry)
    fg.title(show.name)
    fg.link(href=site_url if site_url.endswith("/") else site_url + "/", rel="alternate")
    fg.description(show.description)
    fg.language(show.language)
    fg.generator("papercast")
    fg.podcast.itunes_author(publish.author_name)
    fg.podcast.itunes_owner(name=publish.author_name, email=publish.author_email)
    fg.podcast.itunes_summary(show.description)
    fg.podcast.itunes_type("episodic")
    category, _, sub = publish.category.partition("/")
    fg.podcast.itunes_category({"cat": category.strip(), **({"sub": sub.strip()} if sub.strip() else {})})
    fg.podcastindex.explicit(publish.explicit)
    fg.podcastindex.guid(podcast_guid(feed_url))
    episodes = index.get("episodes", [])
    artwork = next((e["files"]["artwork"]["url"] for e in episodes if e.get("files", {}).get("artwork")), None)
    if artwork:  # the newest episode's: the show's artwork as it is now
        fg.podcast.itunes_image(artwork)
        fg.image(url=artwork, title=show.name, link=site_url if site_url.endswith("/") else site_url + "/")
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
        fe.link(href=_folder(files["page"]["url"]) if files.get("page") else audio["url"])
        fe.description(e.get("summary") or e.get("title") or e["id"])
        fe.enclosure(audio["url"], str(audio["size"]), audio.get("type", "audio/mpeg"))
        fe.podcast.itunes_duration(_duration(audio.get("duration_seconds")))
        fe.podcast.itunes_episode_type("full")
        if e.get("published_at"):
            fe.pubDate(datetime.fromisoformat(e["published_at"]))
        if files.get("transcript"):
            fe.podcastindex.transcript(files["transcript"]["url"], files["transcript"].get("type", "text/vtt"))
        if files.get("chapters"):
            fe.podcastindex.chapters(files["chapters"]["url"])
    return fg.rss_str(pretty=True)


def _xml(raw: bytes):
    return etree.fromstring(raw, parser=etree.XMLParser(resolve_entities=False, no_network=True))


def parse_feed(raw: bytes):
    """The feed's ``<rss>`` root element; ValueError if it is not an RSS feed with a channel."""
    try:
        root = _xml(raw)
    except etree.XMLSyntaxError as e:
        raise ValueError(f"it is not well-formed XML ({e})") from None
    if root.tag != "rss" or root.find("channel") is None:
        raise ValueError("it is not an RSS feed with a <channel>")
    return root


def _canon(el) -> str:
    children = "".join(_canon(c) for c in el if isinstance(c.tag, str))
    return f"<{el.tag} {sorted(el.attrib.items())}>{(el.text or '').strip()}{children}</>"


def _fields(channel) -> dict[str, list]:
    """The channel's elements other than items, by tag, in document order."""
    out: dict[str, list] = {}
    for el in channel:
        if isinstance(el.tag, str) and el.tag != "item":
            out.setdefault(el.tag, []).append(el)
    return out


def _digest(els: list) -> str:
    return hashlib.sha256("".join(_canon(e) for e in els).encode()).hexdigest()[:16]


def _pub_date(item) -> datetime | None:
    try:
        when = email.utils.parsedate_to_datetime((item.findtext("pubDate") or "").strip())
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def updated_feed(index: dict[str, Any], show: Show, *, site_url: str, feed_url: str,
                 existing: bytes | None) -> tuple[bytes, dict[str, str]]:
    """The feed for ``index``, written over the ``existing`` feed on the site; and the channel record to keep.

    Without an existing feed it is :func:`feed_bytes`. With one, papercast's items and
    channel fields are rewritten and what people added or changed is kept (see the module).
    ``existing`` must be a feed (:func:`parse_feed`); the record goes into the index under
    :data:`CHANNEL_RECORD`.
    """
    ours_raw = feed_bytes(index, show, site_url=site_url, feed_url=feed_url)
    ours = _xml(ours_raw)
    ours_channel = ours.find("channel")
    ours_fields = _fields(ours_channel)
    record = {tag: _digest(els) for tag, els in ours_fields.items() if tag not in _ALWAYS_OURS}
    if existing is None or not existing.strip():
        return ours_raw, record
    theirs_channel = parse_feed(existing).find("channel")
    theirs_fields = _fields(theirs_channel)
    base = index.get(CHANNEL_RECORD) or {}
    items = ours_channel.findall("item")
    mine = {(i.findtext("guid") or "").strip() for i in items}
    for el in list(ours_channel):
        ours_channel.remove(el)
    for tag, els in ours_fields.items():
        theirs = theirs_fields.get(tag, [])
        # Three-way, per field: a field a person changed on the site stays, unless the show file changed it too.
        human_changed = tag in base and _digest(theirs) != base[tag]
        keep_theirs = tag not in _ALWAYS_OURS and human_changed and record[tag] == base[tag]
        for el in (theirs if keep_theirs else els):
            ours_channel.append(el)
    for tag, els in theirs_fields.items():
        if tag not in ours_fields:  # a channel element papercast does not write (an image, funding, links...)
            for el in els:
                ours_channel.append(el)
    for item in theirs_channel.findall("item"):
        guid = (item.findtext("guid") or "").strip()
        if guid not in mine and not _EPISODE_GUID.match(guid):
            items.append(item)
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    items.sort(key=lambda i: _pub_date(i) or oldest, reverse=True)  # stable: ties keep their order
    for item in items:
        ours_channel.append(item)
    etree.indent(ours, space="  ")
    return etree.tostring(ours, xml_declaration=True, encoding="UTF-8", pretty_print=True), record


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

