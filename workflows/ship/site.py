"""What publishing makes for listeners besides the audio: the chapters JSON, the episode page, the show artwork.

They are built from what was approved and rendered (the script's public text, the paper,
the chapter marks in the MP3, the transcript), put in the artifact store, and recorded
with the publish transition like the rendered files, so the live checks compare them
byte for byte. The same episode gives the same bytes, so a publish repeated after a crash
finds its own commit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workflows.artifacts import Artifact
from workflows.audio.listing import ChapterMark, Listing, listing_for
from workflows.audio.tags import read_chapters
from workflows.intake.paper import Paper
from workflows.script.model import Script
from workflows.ship.artwork import show_artwork
from workflows.ship.pages import Cue, EpisodeUrls, episode_page
from workflows.ship.targets import PublishTarget, artifact_files, feed_file, site_url
from workflows.store.facts import Artwork
from workflows.store.records import Episode

if TYPE_CHECKING:
    from workflows.services import Services

#: The Podcasting 2.0 JSON chapters version written (podcast namespace, chapters/jsonChapters.md).
CHAPTERS_VERSION = "1.2.0"
_CUE_TIME = re.compile(r"^(\d+):(\d\d):(\d\d)\.(\d{3}) --> ")
_VOICE = re.compile(r"^<v ([^>]*)>(.*?)(?:</v>)?$")


@dataclass
class SiteArtifacts:
    """The built artifacts by kind, the episode as it publishes them (with its artwork fact), and its listing."""

    artifacts: dict[str, Artifact]
    episode: Episode
    listing: Listing


def listing_of(services: Services, episode: Episode, chapters: list[tuple[float, str]]) -> Listing:
    """The episode's public text: from its approved script and paper; chapters timed as the MP3 marks them."""
    show = services.show
    row = services.store.latest_script(episode.id)
    paper_raw = services.store.paper(episode.id)
    paper = Paper.model_validate(paper_raw) if paper_raw else None
    starts = [start for start, _ in chapters]
    if row is not None:
        listing = listing_for(Script.model_validate(row.script), show, paper, chapter_starts=starts)
    else:
        listing = Listing(title=episode.title or episode.slug, description=f"An episode of {show.name}.",
                          hosts=[h.name for h in show.hosts], credits=show.publish.credits)
    if chapters and len(chapters) != len(listing.chapters):  # what the audio says wins: apps show those
        listing = listing.model_copy(update={"chapters": [ChapterMark(title=t, start=s) for s, t in chapters]})
    return listing


def chapters_json(listing: Listing, show_name: str, audio_url: str) -> bytes:
    """Podcasting 2.0 JSON chapters (version 1.2.0): each chapter's start time in seconds and its title."""
    doc = {"version": CHAPTERS_VERSION, "title": listing.title, "podcastName": show_name,
           "author": " and ".join(listing.hosts), "fileName": audio_url,
           "chapters": [{"startTime": round(c.start or 0.0, 3), "title": c.title} for c in listing.chapters]}
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def cues(vtt: str) -> list[Cue]:
    """The transcript's cues (start, speaker, text) from papercast's WebVTT."""
    out, lines = [], vtt.splitlines()
    for i, line in enumerate(lines):
        timed = _CUE_TIME.match(line)
        if not timed or i + 1 >= len(lines):
            continue
        h, m, s, ms = (int(x) for x in timed.groups())
        payload = lines[i + 1]
        voice = _VOICE.match(payload)
        speaker, text = (voice.group(1), voice.group(2)) if voice else ("", payload)
        out.append(Cue(h * 3600 + m * 60 + s + ms / 1000, _unescape(speaker), _unescape(text)))
    return out


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def build(services: Services, episode: Episode, target: PublishTarget) -> SiteArtifacts:
    """Build, store and return the episode's site artifacts (the page only when ``publish.pages`` is on)."""
    show, publish, store = services.show, services.show.publish, services.artifacts
    art = show_artwork(show.name, publish.artwork_file)
    artwork = store.put_bytes(art.data, kind="artwork", media_type=art.media_type, filename=f"artwork.{art.ext}")
    facts = episode.facts.model_copy(update={"published_files": None,  # publishing writes every kind
                                             "artwork": Artwork(sha256=art.sha256, ext=art.ext)})
    episode = episode.model_copy(update={"facts": facts})
    rendered = services.store.artifacts(episode.id)
    audio = rendered.get("audio")
    marks = read_chapters(store.path(audio)) if audio else []
    listing = listing_of(services, episode, marks)
    urls = {f.kind: f.url for f in artifact_files(publish, target, episode)}
    # chapters.json is served as application/json, as web servers send .json; the feed declares json+chapters
    built = {"artwork": artwork,
             "chapters": store.put_bytes(chapters_json(listing, show.name, urls["audio"]), kind="chapters",
                                         media_type="application/json", filename="chapters.json")}
    if "page" in urls:
        transcript = rendered.get("transcript")
        vtt = store.path(transcript).read_text(encoding="utf-8") if transcript else ""
        links = EpisodeUrls(page=urls["page"], audio=urls["audio"], transcript=urls["transcript"],
                            chapters=urls["chapters"], artwork=urls["artwork"], feed=feed_file(publish, target).url,
                            show=site_url(publish, target))
        duration = (audio.duration_seconds if audio else None) or 0.0
        released = episode.approved_at.date() if episode.approved_at else None
        page = episode_page(show, listing, links, cues=cues(vtt), duration_seconds=duration, released=released)
        built["page"] = store.put_bytes(page, kind="page", media_type="text/html", filename="index.html")
    return SiteArtifacts(built, episode, listing)
