"""The local workspace page in headless Chromium: drag and drop, a narrow window, first load, emoji, empty files."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.local import CHANNEL_ID, OWNER, REVIEWER, LocalWorkspace

CHROMIUM = "/usr/bin/chromium"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"

pytestmark = [pytest.mark.browser]


@pytest.fixture
def browser():
    """Headless Chromium at /usr/bin/chromium through playwright's python package; skipped when either is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the dev extra)")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


DROP = """async ([b64, name, selector]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], name, { type: "application/pdf" }));
  const target = document.querySelector(selector);
  const fire = (type) => { const e = new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt });
                           target.dispatchEvent(e); return e.defaultPrevented; };
  fire("dragenter");
  const shown = !document.querySelector("[data-testid=drop-overlay]").classList.contains("hidden");
  const over = fire("dragover");
  const dropped = fire("drop");
  return { shown, over, dropped };
}"""


def test_a_pdf_dragged_onto_the_channel_is_uploaded_there(bolt, workspace: LocalWorkspace, browser):
    """Dropping a file on the channel shows the drop overlay, stops the browser opening it, and shares it in #papercast."""
    got: list[dict] = []

    @bolt.app.event({"type": "message", "subtype": "file_share"})
    def on_share(event):
        got.append(event)

    page = browser.new_page()
    page.goto(workspace.url + f"?user={OWNER}")
    page.get_by_test_id("bot-status").get_by_text("App connected").wait_for()
    page.get_by_test_id("composer-text").fill("dragged in")
    result = page.evaluate(DROP, [base64.b64encode(PDF).decode(), "dragged.pdf", "[data-testid=channel-messages]"])
    assert result == {"shown": True, "over": True, "dropped": True}
    event = workspace.wait_for(lambda: got and got[0])
    assert event and event["files"][0]["name"] == "dragged.pdf" and event["text"] == "dragged in"
    assert workspace.file_bytes(event["files"][0]["id"]) == PDF
    page.get_by_role("link", name="dragged.pdf").wait_for()
    assert page.url.startswith(workspace.url) and page.get_by_test_id("drop-overlay").is_hidden()


def test_a_file_dropped_on_the_open_thread_goes_into_the_thread(workspace: LocalWorkspace, client: WebClient, browser):
    """With a thread open, a drop on the thread panel shares the file as a reply in that thread."""
    root = client.chat_postMessage(channel=CHANNEL_ID, text="Episode card")
    client.chat_postMessage(channel=CHANNEL_ID, text="first reply", thread_ts=root["ts"])
    page = browser.new_page()
    page.goto(workspace.url + f"?user={REVIEWER}")
    page.get_by_test_id(f"open-thread-{root['ts']}").click()
    page.get_by_test_id("thread-panel").get_by_text("first reply").wait_for()
    page.evaluate(DROP, [base64.b64encode(PDF).decode(), "fixed.pdf", "[data-testid=thread-messages]"])
    reply = workspace.wait_for_message(lambda m: bool(m.get("files")), thread_ts=root["ts"])
    assert reply and reply["files"][0]["name"] == "fixed.pdf" and reply["thread_ts"] == root["ts"]


def test_first_load_shows_the_app_status_and_emoji(workspace: LocalWorkspace, client: WebClient, browser):
    """On first load the status reads "App connected" with no stray "null"; :pencil2: and :mag: render as emoji."""
    workspace.set_bot_url("http://127.0.0.1:9/slack/events")
    client.chat_postMessage(channel=CHANNEL_ID, text=":pencil2: Edited · :mag: Checked · :unknown_code:")
    page = browser.new_page()
    page.goto(workspace.url + f"?user={REVIEWER}")
    status = page.get_by_test_id("bot-status")
    status.get_by_text("App connected").wait_for()
    assert "null" not in status.inner_text()
    page.get_by_text("Edited").wait_for()
    text = page.get_by_test_id("channel-messages").inner_text()
    assert "✏️ Edited" in text and "🔍 Checked" in text and ":unknown_code:" in text


def test_an_empty_file_is_refused_in_the_page_with_why(workspace: LocalWorkspace, browser, tmp_path: Path):
    """Sending a zero-byte file shows "… is empty (0 bytes)" and posts nothing."""
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    page = browser.new_page()
    page.goto(workspace.url + f"?user={REVIEWER}")
    page.get_by_test_id("composer-file").set_input_files(str(empty))
    page.get_by_test_id("composer-send").click()
    toast = page.get_by_test_id("toast")
    toast.get_by_text("empty.pdf is empty (0 bytes)").wait_for()
    assert workspace.messages() == []


@pytest.mark.parametrize("width", [760, 420])
def test_the_page_fits_a_narrow_window(workspace: LocalWorkspace, client: WebClient, browser, width: int):
    """At 760 px (and phone width) nothing overflows sideways, the composer is on screen, and a thread fits too."""
    root = client.chat_postMessage(channel=CHANNEL_ID, text="Episode card " + "long words " * 40)
    client.chat_postMessage(channel=CHANNEL_ID, text="a reply", thread_ts=root["ts"])
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(workspace.url + f"?user={REVIEWER}")
    page.get_by_text("a reply", exact=False).or_(page.get_by_test_id(f"open-thread-{root['ts']}")).first.wait_for()
    fits = "() => document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(fits)
    box = page.get_by_test_id("composer").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= 800
    assert page.get_by_test_id("channel-messages").bounding_box()["width"] >= width * 0.6
    page.get_by_test_id(f"open-thread-{root['ts']}").click()
    panel = page.get_by_test_id("thread-panel")
    panel.get_by_text("a reply").wait_for()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5 and page.evaluate(fits)
    assert box["width"] >= min(360, width) - 1 and page.get_by_test_id("channel-messages").bounding_box()["width"] >= width * 0.6
    assert page.get_by_test_id("thread-composer").bounding_box()["y"] + 20 <= 800
