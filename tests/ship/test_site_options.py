"""The website's options: pages off, a site's own home page, configured artwork, a local site that keeps its port."""

from __future__ import annotations

import io
import socket

import httpx
import pytest
from lxml import etree
from PIL import Image

from tests.script._papers import make_paper, script_input
from tests.ship.helpers import git, make_services, publish_now, ready_episode
from workflows.audio.listing import listing_for, public
from workflows.errors import ConfigError, PublishError
from workflows.script.model import Script
from workflows.settings import Show
from workflows.ship.artwork import show_artwork
from workflows.ship.local_site import LocalWebsite
from workflows.ship.publish import publish_episode


def test_with_pages_off_no_html_is_written_and_the_feed_links_the_mp3(data_dir, db_url, store, clock, site):
    """``publish.pages = false``: no episode or show page is committed; the item links the MP3, as does page_url."""
    svc = make_services(data_dir, db_url, store, clock, site=site, pages=False)
    ep = publish_now(svc, ready_episode(svc))
    changed = git(f"--git-dir={site.remote_url}", "show", "--name-only", "--format=", "main").splitlines()
    assert not [p for p in changed if p.endswith(".html")] and any(p.endswith("chapters.json") for p in changed)
    assert "page" not in ep.facts.published_files
    audio_url = ep.facts.published_files["audio"].url
    assert ep.facts.page_url == audio_url
    site.tick()
    feed = etree.fromstring(httpx.get(ep.facts.feed_url).content)
    assert feed.findtext("channel/item/link") == audio_url


def test_a_home_page_papercast_did_not_write_is_never_replaced(svc, site, tmp_path):
    """A site's own index.html at the show page's path stops the publish, naming the path and the way out."""
    work = tmp_path / "human"
    git("clone", "-q", str(site.remote_url), str(work))
    (work / "static").mkdir()
    (work / "static" / "index.html").write_text("<!doctype html><h1>Our lab</h1>\n")
    git("add", ".", cwd=work)
    git("commit", "-qm", "Our home page", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    with pytest.raises(PublishError) as err:
        publish_episode(svc, ready_episode(svc))
    assert "static/index.html" in err.value.message and "did not write" in err.value.message
    assert "publish.show_page_path" in err.value.hint and "publish.pages = false" in err.value.hint


def test_a_configured_artwork_is_used_as_given_and_a_wrong_one_is_refused(tmp_path):
    """A square 1600 px JPEG is published as is (.jpg, image/jpeg); a 1400×1000 PNG is refused with the rule."""
    good, bad = tmp_path / "cover.jpg", tmp_path / "wide.png"
    Image.new("RGB", (1600, 1600), (10, 80, 40)).save(good, format="JPEG")
    Image.new("RGB", (1400, 1000), (10, 80, 40)).save(bad, format="PNG")
    art = show_artwork("Paper Trail", good)
    assert (art.ext, art.media_type, art.side, art.data) == ("jpg", "image/jpeg", 1600, good.read_bytes())
    with pytest.raises(ConfigError) as err:
        show_artwork("Paper Trail", bad)
    assert "1400×1000" in err.value.message and "square" in err.value.message and "PNG or JPEG" in err.value.hint


def test_the_generated_artwork_depends_only_on_the_show_name(tmp_path):
    """The same name draws the same bytes (publishing again changes nothing); another name another image."""
    one, again, other = show_artwork("Paper Trail"), show_artwork("Paper Trail"), show_artwork("Lab Notes")
    assert one.data == again.data and one.data != other.data
    with Image.open(io.BytesIO(one.data)) as img:
        assert img.size == (1400, 1400) and img.format == "PNG"


def test_the_local_website_keeps_its_port_across_restarts(data_dir):
    """Stopped and started again, the local site answers on the same port (kept in the data directory)."""
    first = LocalWebsite(data_dir, delay=0).start(watch=False)
    url = first.base_url
    first.stop()
    again = LocalWebsite(data_dir, delay=0).start(watch=False)
    try:
        assert again.base_url == url and (data_dir / "site" / "port").read_text().strip() == url.rsplit(":", 1)[1]
        assert httpx.get(url + "/").status_code in (200, 404)
    finally:
        again.stop()


def test_a_taken_port_gets_a_new_one_and_a_configured_taken_port_is_an_error(data_dir):
    """If the remembered port is taken the site moves (and remembers the new one); a configured taken port is refused."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        (data_dir / "site").mkdir(parents=True)
        (data_dir / "site" / "port").write_text(f"{taken}\n")
        moved = LocalWebsite(data_dir, delay=0).start(watch=False)
        try:
            assert not moved.base_url.endswith(f":{taken}")
            assert (data_dir / "site" / "port").read_text().strip() == moved.base_url.rsplit(":", 1)[1]
        finally:
            moved.stop()
        with pytest.raises(ConfigError) as err:
            LocalWebsite(data_dir, delay=0, port=taken).start(watch=False)
        assert str(taken) in err.value.message and "publish.local_port" in err.value.hint


def test_public_text_drops_what_speaks_to_reviewers_and_keeps_a_writers_summary():
    """A language-model script's summary and notes reach listeners minus any sentence meant for reviewers."""
    show = Show()
    script = Script.model_validate({**script_input(show), "hosts": {"a": "Ada", "b": "Ben"},
                                    "summary": "Ada and Ben discuss SkimQA. Revised after reviewer notes: shorter.",
                                    "show_notes": "Paper: SkimQA.\n\nReview it before approving."})
    listing = listing_for(script, show, make_paper())
    assert listing.description == "Ada and Ben discuss SkimQA."
    assert listing.notes == "Paper: SkimQA." and listing.citation.authors[0] == "Ines Moreau"
    assert public("Offline draft: no language model.") == ""
