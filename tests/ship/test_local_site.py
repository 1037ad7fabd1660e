"""The embedded local website: a bare remote, a deploy that lands after a delay, and a static server with real headers."""

from __future__ import annotations

import httpx

from tests.ship.helpers import AUDIO, make_services, make_settings, publish_now, ready_episode
from tests.waiting import wait_until
from workflows.ship.local_site import LocalWebsite
from workflows.ship.targets import effective_publish_target


def test_a_push_goes_live_only_after_the_deploy_delay(data_dir, db_url, store, clock):
    """Pushed files answer 404 until the delay has passed, then the site serves them with realistic headers."""
    site = LocalWebsite(data_dir, delay=120, clock=clock).start(watch=False)
    try:
        svc = make_services(data_dir, db_url, store, clock, site=site)
        ep = publish_now(svc, ready_episode(svc))
        url = f"{site.base_url}/episodes/{ep.slug}/episode.mp3"
        assert site.tick() is None and httpx.get(url).status_code == 404
        clock.advance(seconds=119)
        assert site.tick() is None and httpx.get(url).status_code == 404
        clock.advance(seconds=1)
        assert site.tick() == ep.facts.commit == site.deployed_sha
        r = httpx.get(url)
        assert r.status_code == 200 and r.content == AUDIO
        assert r.headers["content-type"] == "audio/mpeg" and r.headers["content-length"] == str(len(AUDIO))
        assert r.headers["etag"].startswith('"') and "GMT" in r.headers["last-modified"]
        assert httpx.get(f"{site.base_url}/feed.xml").headers["content-type"].startswith("application/rss+xml")
        assert httpx.get(f"{site.base_url}/../../site/website.git/HEAD").status_code == 404
    finally:
        site.stop()


def test_the_watcher_thread_deploys_and_a_restart_keeps_the_live_release(data_dir, db_url, store, clock):
    """With the watcher running a push is deployed on its own; a restarted site still serves the same commit."""
    site = LocalWebsite(data_dir, delay=0, poll_seconds=0.05).start()
    try:
        svc = make_services(data_dir, db_url, store, clock, site=site)
        ep = publish_now(svc, ready_episode(svc))
        wait_until(lambda: site.deployed_sha == ep.facts.commit, timeout=20, what="the watcher to deploy the push")
    finally:
        site.stop()
    again = LocalWebsite(data_dir, delay=0).start(watch=False)
    try:
        assert again.deployed_sha == ep.facts.commit
        assert httpx.get(f"{again.base_url}/episodes/{ep.slug}/episode.mp3").content == AUDIO
    finally:
        again.stop()


def test_other_processes_find_the_running_local_site(data_dir, db_url, site):
    """With no website configured, the publish target is the running local site (its bare repo and URL)."""
    settings = make_settings(data_dir, db_url)
    target = effective_publish_target(settings)
    assert target.local and target.repo == str(site.remote_url) and target.base_url == site.base_url
    assert effective_publish_target(settings, site) == target
    configured = effective_publish_target(make_settings(data_dir, db_url, repo="git@example.org:site.git",
                                                        base_url="https://example.org/"))
    assert not configured.local and configured.base_url == "https://example.org"
