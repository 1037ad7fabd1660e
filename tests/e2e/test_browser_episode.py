"""One episode from PDF to shipped, driven by people in a real headless Chromium on the local workspace page.

The whole product runs in-process (``bot.stack.start_stack``): the local Slack
workspace and its page, the bot over HTTP, the runner, the embedded local
website and the follow-ups. Only the browser acts; the store is read to check.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from bot.local import OTHER, OWNER, REVIEWER
from workflows.settings import load_settings
from workflows.states import State

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
#: Milliseconds the page may take to show the script for review, and then to ship the episode.
REVIEW_WAIT_MS = 60_000
SHIP_WAIT_MS = 120_000


def _fast_settings(data_dir: Path):
    """The `papercast demo` recipe: a fresh data dir, no Slack or database, a short episode, quick follow-ups."""
    base = load_settings()
    env = base.env.model_copy(update={"slack_bot_token": None, "slack_app_token": None, "database_url": None,
                                      "papercast_data_dir": data_dir})
    show = base.show.model_copy(update={
        "hosts": [h.model_copy(update={"speech": "tone"}) for h in base.show.hosts],
        "writer": base.show.writer.model_copy(update={"target_minutes": 0.5}),
        "publish": base.show.publish.model_copy(update={"repo": "", "base_url": "", "local_deploy_delay": 1.0}),
        "followup": base.show.followup.model_copy(update={"check_minutes": [0.02, 0.05, 0.1, 0.2], "grace_minutes": 5,
                                                          "confirm_seconds": 2}),
    })
    return base.model_copy(update={"env": env, "show": show})


@pytest.fixture
def stack():
    """The whole product started on loopback with fast settings, stopped afterwards."""
    from bot.stack import start_stack

    data_dir = Path(tempfile.mkdtemp(prefix="papercast-e2e-"))
    started = start_stack(_fast_settings(data_dir))
    yield started
    started.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def sync_api():
    """Playwright's sync API, with a skip when no Chromium is installed to drive."""
    if shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed: apt-get install chromium (see README, The browser test)")
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")


@pytest.fixture
def page(sync_api):
    """A fresh page in headless Debian Chromium (Playwright never downloads a browser here)."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def _episode_for(store, thread_ts: str):
    return next((e for e in store.all() if e.thread_ts == thread_ts), None)


@pytest.mark.browser
@pytest.mark.slow
def test_people_take_an_episode_from_pdf_to_shipped_in_the_browser(stack, page, sync_api, tmp_path: Path):
    """Omar uploads, Nora's Approve is refused privately, Rita approves naming Omar; the thread shows it shipped."""
    from workflows.intake.sample import write_sample_paper

    expect = sync_api.expect
    store = stack.services.store
    pdf = write_sample_paper(tmp_path / "sample-paper.pdf")

    page.goto(stack.workspace.url)
    switcher = page.get_by_test_id("user-switcher")
    expect(switcher.locator("option")).to_have_count(3)

    # Omar drops the paper through the page's upload form.
    switcher.select_option(OWNER)
    page.get_by_test_id("composer-file").set_input_files(str(pdf))
    page.get_by_test_id("composer-text").fill("please make an episode of this")
    page.get_by_test_id("composer-send").click()
    channel = page.get_by_test_id("channel-messages")
    upload = channel.locator(".message", has=page.get_by_role("link", name=pdf.name))
    upload.wait_for()
    thread_ts = upload.get_attribute("data-ts")
    assert upload.get_attribute("data-user") == OWNER

    # Open the thread and wait for the script review message with its buttons.
    page.get_by_test_id(f"open-thread-{thread_ts}").click(timeout=REVIEW_WAIT_MS)
    thread = page.get_by_test_id("thread-panel")
    approve = thread.get_by_test_id("action-review_approve")
    approve.wait_for(timeout=REVIEW_WAIT_MS)
    expect(thread).to_contain_text("Script v1")
    episode = _episode_for(store, thread_ts)
    assert episode is not None and store.get(episode.id).state == State.IN_REVIEW

    # Nora is not a reviewer: her Approve is refused with a message only she sees; nothing changes.
    switcher.select_option(OTHER)
    approve.click()
    refusal = page.get_by_test_id("only-visible-to-you")
    expect(refusal).to_have_count(1)
    expect(refusal).to_have_text("Only visible to you")
    expect(thread.locator(".message.ephemeral")).to_contain_text("Only the show's reviewers can")
    expect(thread.locator(".message.ephemeral")).to_contain_text("@Nora Neither is not one of them")
    expect(page.get_by_test_id("modal-backdrop")).to_be_hidden()
    assert store.get(episode.id).state == State.IN_REVIEW

    # Rita approves and names Omar as the shipping owner in the modal.
    switcher.select_option(REVIEWER)
    expect(refusal).to_have_count(0)
    approve.click()
    modal = page.get_by_test_id("modal")
    owner_pick = modal.get_by_test_id("action-owner")
    owner_pick.select_option(OWNER)
    expect(owner_pick).to_have_value(OWNER)
    modal.get_by_test_id("modal-submit").click()
    expect(page.get_by_test_id("modal-backdrop")).to_be_hidden()

    # The status card in the thread reaches "shipped" and the episode's audio is in the thread.
    card = thread.get_by_test_id("block-status")
    expect(card).to_contain_text("Stage: shipped", timeout=SHIP_WAIT_MS)
    expect(card).to_contain_text("Owner: @Omar Owner")
    player = thread.get_by_test_id("audio-player")
    expect(player).to_have_count(1)
    src = player.get_attribute("src")
    assert src

    served = httpx.get(urljoin(stack.workspace.url, src), timeout=10)
    assert served.status_code == 200 and served.headers["content-type"].startswith("audio/")
    shipped = store.get(episode.id)
    assert shipped.state == State.SHIPPED and shipped.owner == OWNER
    audio = store.artifacts(episode.id)["audio"]
    assert len(served.content) > 1000 and hashlib.sha256(served.content).hexdigest() == audio.sha256
