"""What the public gets from the live local site: a feed podcast apps accept, episode and show pages, nothing internal."""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import timedelta

import feedparser
import pytest
from lxml import etree
from mutagen.id3 import ID3
from PIL import Image
from sqlalchemy import update

from tests.ship._public_episode import ARXIV_ID, REVIEWER_ONLY, build, publish_now
from workflows.ship.feed import ITUNES_NS, podcast_guid
from workflows.ship.site import CHAPTERS_VERSION
from workflows.states import State
from workflows.store.schema import episodes


@pytest.fixture(scope="module")
def pub(tmp_path_factory):
    """Two real episodes (the second a day later) rendered, published and deployed on the local website."""
    pe = build(tmp_path_factory.mktemp("public"))
    first = pe.episode
    pe.clock.now += timedelta(days=1)
    second = pe.svc.store.create(uploader="UUP", channel="C1", title="Second Reading")
    store = pe.svc.store
    row = store.latest_script(first.id)
    with store.engine.begin() as conn:
        conn.execute(update(episodes).where(episodes.c.id == second.id).values(
            state=State.APPROVED.value, owner="UOWNER", approver="UREVIEWER", approved_at=pe.clock().isoformat()))
    rendered = store.artifacts(first.id)
    second = store.transition(second.id, "render", actor="papercast", paper=pe.paper.model_dump(mode="json"),
                              script={"author": "papercast", "writer": "offline", "script": row.script, "findings": [],
                                      "usage": {}, "notes": row.notes},
                              artifacts_=[rendered[k] for k in ("audio", "transcript", "notes")])
    pe.second = publish_now(pe.svc, second)
    pe.site.tick()
    pe.episode = store.get(first.id)
    yield pe
    pe.site.stop()


def _feed(pub):
    raw = pub.get(pub.episode.facts.feed_url).content
    return raw, feedparser.parse(raw), etree.fromstring(raw)


def _item(root, guid: str):
    return next(i for i in root.iter("item") if i.findtext("guid") == guid)


def test_the_feed_parses_with_every_channel_element_apple_spotify_and_podcasting_2_ask_for(pub):
    """The served feed is valid RSS 2.0 with title, link to the show page, language, author, owner, category,
    explicit, artwork and the show's podcast:guid."""
    raw, parsed, root = _feed(pub)
    facts, show = pub.episode.facts, pub.svc.show
    assert not parsed.bozo and parsed.version == "rss20"
    feed = parsed.feed
    assert feed.title == show.name and feed.link == facts.site_url and feed.language == "en"
    assert feed.summary == show.description and feed.author == show.publish.author_name
    assert feed.publisher_detail == {"name": show.publish.author_name, "email": show.publish.author_email}
    assert [t.term for t in feed.tags] == ["Science"]
    assert root.find(f"channel/{{{ITUNES_NS}}}explicit").text == "false"  # Apple's current values: true / false
    assert feed.image.href.endswith(".png") and root.find(f"channel/{{{ITUNES_NS}}}image").get("href") == feed.image.href
    assert feed.podcast_guid == podcast_guid(facts.feed_url)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", feed.podcast_guid)


def test_each_item_has_guid_enclosure_duration_description_transcript_and_chapters(pub):
    """Items, newest first: GUID = episode id, enclosure length = the served MP3's size, HH:MM:SS duration,
    the show notes' description, the page as link, podcast:transcript (WebVTT) and podcast:chapters (JSON)."""
    _, parsed, _ = _feed(pub)
    assert [e.id for e in parsed.entries] == [pub.second.id, pub.episode.id]
    entry = parsed.entries[1]
    enclosure = next(link for link in entry.links if link.rel == "enclosure")
    served = pub.get(enclosure.href)
    assert served.status_code == 200 and enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == len(served.content) == int(served.headers["content-length"])
    audio = pub.svc.store.artifacts(pub.episode.id)["audio"]
    assert hashlib.sha256(served.content).hexdigest() == audio.sha256
    h, m, s = (int(x) for x in entry.itunes_duration.split(":"))
    assert h * 3600 + m * 60 + s == round(audio.duration_seconds)
    assert entry.link == pub.episode.facts.page_url and entry.itunes_episodetype == "full"
    assert entry.summary.startswith("Ada and Ben read \u201cSparse Retrieval") and entry.summary != entry.title
    assert entry.podcast_transcript["type"] == "text/vtt"
    assert pub.get(entry.podcast_transcript["url"]).text.startswith("WEBVTT")
    assert entry.podcast_chapters["type"] == "application/json+chapters"
    assert pub.get(entry.podcast_chapters["url"]).status_code == 200


def test_the_artwork_is_a_square_png_between_1400_and_3000_px_made_from_the_show_name(pub):
    """The feed's artwork, read from the served image: PNG, RGB, square, 1400 to 3000 px a side."""
    _, parsed, _ = _feed(pub)
    served = pub.get(parsed.feed.image.href)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(served.content)) as img:
        assert img.format == "PNG" and img.mode == "RGB"
        assert img.width == img.height and 1400 <= img.width <= 3000


def test_the_chapters_json_is_podcasting_2_version_1_2_and_matches_the_mp3_chap_frames(pub):
    """chapters.json: version 1.2.0, numeric ascending startTime and a title each, the same marks as the MP3's
    CHAP frames, which a top-level CTOC lists in order."""
    files = pub.episode.facts.published_files
    doc = json.loads(pub.get(files["chapters"].url).content)
    assert doc["version"] == CHAPTERS_VERSION == "1.2.0"
    chapters = doc["chapters"]
    assert len(chapters) >= 2 and all(set(c) == {"startTime", "title"} for c in chapters)
    starts = [c["startTime"] for c in chapters]
    assert all(isinstance(s, (int, float)) for s in starts) and starts == sorted(starts) and starts[0] == 0
    mp3 = pub.get(files["audio"].url).content
    tags = ID3(io.BytesIO(mp3))
    [toc] = tags.getall("CTOC")
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    marks = [(chaps[i].start_time / 1000, str(chaps[i].sub_frames["TIT2"])) for i in toc.child_element_ids]
    assert marks == [(pytest.approx(c["startTime"], abs=0.001), c["title"]) for c in chapters]


def test_the_episode_page_plays_the_mp3_and_shows_chapters_transcript_and_the_paper(pub):
    """The live episode page has the title, the description, an <audio> whose source is the served MP3, each
    chapter with its time, the transcript's lines, the paper's citation with its arXiv link, and the feed."""
    page_url = pub.episode.facts.page_url
    got = pub.get(page_url)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    html = etree.HTML(got.content)
    assert html.findtext(".//h1") == pub.episode.title
    src = html.find(".//audio").get("src")
    audio = pub.get(page_url + src)
    assert hashlib.sha256(audio.content).hexdigest() == pub.svc.store.artifacts(pub.episode.id)["audio"].sha256
    chapters = [" ".join("".join(li.itertext()).split()) for li in html.iterfind(".//ol[@class='chapters']/li")]
    assert chapters[0] == "0:00 Opening" and len(chapters) >= 2
    assert all(re.match(r"^\d+:\d\d \S", c) for c in chapters)
    transcript = "".join(html.find(".//div[@class='transcript']").itertext())
    assert "Welcome to Paper Trail." in transcript and "Ada:" in transcript and "Ben:" in transcript
    citation = html.find(".//p[@class='citation']")
    assert "Ines Moreau" in "".join(citation.itertext())
    assert citation.find("a").get("href") == f"https://arxiv.org/abs/{ARXIV_ID}"
    feed_link = next(a.get("href") for a in html.iterfind(".//a") if "feed" in "".join(a.itertext()).lower())
    assert pub.get(page_url + feed_link).headers["content-type"].startswith("application/rss+xml")


def test_the_show_page_at_the_site_root_lists_every_episode_newest_first_with_the_feed(pub):
    """The local site's root serves the show page: every episode, newest first, linking its page, and the feed."""
    root = pub.site.base_url + "/"
    assert pub.episode.facts.site_url == root
    html = etree.HTML(pub.get(root).content)
    assert html.findtext(".//h1") == pub.svc.show.name
    links = [(a.text, a.get("href")) for a in html.iterfind(".//ol[@class='episodes']//h2/a")]
    assert [t for t, _ in links] == ["Second Reading", pub.episode.title]
    assert pub.get(root + links[1][1]).url == pub.episode.facts.page_url
    assert any(a.get("href") == "feed.xml" for a in html.iterfind(".//a"))


def test_republishing_keeps_the_guid_the_date_and_the_commit(pub):
    """Publishing the same episode again changes nothing listeners see: same GUID, pubDate, bytes and commit."""
    before_raw, before, _ = _feed(pub)
    again = pub.republish()
    after_raw, after, _ = _feed(pub)
    assert again.facts.commit == pub.episode.facts.commit
    assert [(e.id, e.published) for e in after.entries] == [(e.id, e.published) for e in before.entries]
    assert after_raw == before_raw


def test_no_public_artifact_carries_reviewer_only_text(pub):
    """Every file the live site serves (notes, feed, pages, chapters, index, transcript) and every ID3 text frame
    is free of drafts' warnings, review notes and findings, though the script in the store has them."""
    script = pub.svc.store.latest_script(pub.episode.id)
    assert "Revised after reviewer notes" in script.script["summary"] and script.notes
    served = [p for p in pub.site.live_dir.resolve().rglob("*") if p.is_file()]
    assert {p.suffix for p in served} >= {".md", ".xml", ".html", ".json", ".vtt", ".mp3", ".png"}
    texts = {p.name: p.read_text(encoding="utf-8") for p in served if p.suffix != ".mp3" and p.suffix != ".png"}
    mp3 = next(p for p in served if p.suffix == ".mp3")
    texts["ID3"] = " ".join(str(f) for f in ID3(mp3).values() if hasattr(f, "text"))
    for name, text in texts.items():
        for phrase in REVIEWER_ONLY:
            assert phrase.lower() not in text.lower(), f"{name} carries {phrase!r}"
    assert "Ines Moreau" in texts["notes.md"] and "Written with papercast from the paper." in texts["notes.md"]
