"""A listener's way in, in a real headless Chromium: from the local workspace to the show page, then play an episode.

The episode is rendered and published for real (tests/ship/_public_episode.py) on the
embedded local website; the local workspace runs on the same data directory, so its
page links the website.
"""

from __future__ import annotations

import shutil

import pytest

from tests.ship._public_episode import build

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required", "--mute-audio"]


@pytest.fixture
def published(tmp_path):
    """One published, deployed episode and the local workspace beside it."""
    from bot.local import LocalWorkspace

    pe = build(tmp_path)
    workspace = LocalWorkspace(pe.svc.data_dir).start()
    yield pe, workspace
    workspace.stop()
    pe.site.stop()


@pytest.fixture
def page():
    """A fresh page in headless Debian Chromium (Playwright never downloads a browser here)."""
    if shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed: apt-get install chromium (see README, The browser test)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.mark.browser
def test_a_listener_opens_the_show_page_from_the_workspace_and_plays_the_episode(published, page):
    """The workspace links the show page; its episode link opens the episode page, whose player plays the MP3."""
    from playwright.sync_api import expect

    pe, workspace = published
    page.goto(workspace.url)
    link = page.get_by_test_id("nav-website")
    expect(link).to_be_visible(timeout=10_000)
    assert link.get_attribute("href") == pe.site.base_url + "/"
    with page.expect_popup() as popup:
        link.click()
    show = popup.value
    show.wait_for_load_state()
    expect(show.locator("h1")).to_have_text(pe.svc.show.name)
    show.get_by_role("link", name=pe.episode.title).click()
    expect(show.locator("h1")).to_have_text(pe.episode.title)
    assert show.url == pe.episode.facts.page_url
    show.locator("ol.chapters button").first.click()  # the first chapter's time: play from 0:00
    show.wait_for_function("() => { const a = document.getElementById('player');"
                           " return a.readyState >= 2 && !a.paused && a.currentTime > 0.5 && !a.error; }",  # time moves: it plays
                           timeout=15_000)
    duration = show.evaluate("document.getElementById('player').duration")
    audio = pe.svc.store.artifacts(pe.episode.id)["audio"]
    assert duration == pytest.approx(audio.duration_seconds, abs=0.5)
