"""The local workspace's web page: served HTML, the state it polls, its action endpoints, and a real browser run."""

from __future__ import annotations

import json
import shutil
import urllib.request
import uuid
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.local import CHANNEL_ID, OTHER, OWNER, REVIEWER, LocalWorkspace

PDF = b"%PDF-1.4\n%%EOF\n"
CARD = [
    {"type": "header", "text": {"type": "plain_text", "text": "Episode 1"}},
    {"type": "section", "text": {"type": "mrkdwn", "text": "*In review* for <@U_OWNER>"},
     "fields": [{"type": "mrkdwn", "text": "*Stage*\ndrafted"}, {"type": "mrkdwn", "text": "*Owner*\n<@U_OWNER>"}]},
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "`ep-1` · <https://example.org|site>"}]},
    {"type": "divider"},
    {"type": "actions", "elements": [
        {"type": "button", "action_id": "approve", "style": "primary", "text": {"type": "plain_text", "text": "Approve"}, "value": "ep-1"},
        {"type": "button", "action_id": "reject", "style": "danger", "text": {"type": "plain_text", "text": "Reject"}, "value": "ep-1"}]},
]
MODAL = {"type": "modal", "callback_id": "approve_modal", "title": {"type": "plain_text", "text": "Approve"},
         "submit": {"type": "plain_text", "text": "Approve"}, "close": {"type": "plain_text", "text": "Cancel"},
         "blocks": [
             {"type": "input", "block_id": "owner", "label": {"type": "plain_text", "text": "Shipping owner"},
              "element": {"type": "users_select", "action_id": "pick"}},
             {"type": "input", "block_id": "why", "label": {"type": "plain_text", "text": "Why"},
              "element": {"type": "plain_text_input", "action_id": "text", "multiline": True}}]}


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read()


def _post_json(url: str, data: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps(data).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def test_page_and_its_assets_are_served(workspace: LocalWorkspace):
    """GET / returns the chat page with its test ids, and its script and stylesheet are served."""
    status, content_type, body = _get(workspace.url)
    assert status == 200 and content_type.startswith("text/html")
    for testid in (b'data-testid="user-switcher"', b'data-testid="channel-messages"', b'data-testid="composer-file"'):
        assert testid in body
    for asset, kind in (("static/app.js", "javascript"), ("static/blocks.js", "javascript"), ("static/style.css", "css")):
        assert kind in _get(workspace.url + asset)[1]


def test_state_shows_messages_with_blocks_and_only_my_ephemerals(workspace: LocalWorkspace, client: WebClient):
    """/local/state returns the channel's messages with blocks, the open thread, and only that user's ephemerals."""
    card = client.chat_postMessage(channel=CHANNEL_ID, text="Episode 1", blocks=CARD)
    client.chat_postMessage(channel=CHANNEL_ID, text="a reply", thread_ts=card["ts"])
    client.chat_postEphemeral(channel=CHANNEL_ID, user=OTHER, text="Only reviewers may approve.")
    state = json.loads(_get(f"{workspace.url}local/state?user={OTHER}&thread={card['ts']}")[2])
    assert [m["blocks"][0]["type"] for m in state["messages"]] == ["header"]
    assert state["messages"][0]["reply_count"] == 1 and [m["text"] for m in state["thread"]] == ["Episode 1", "a reply"]
    assert [m["text"] for m in state["ephemerals"]] == ["Only reviewers may approve."]
    assert json.loads(_get(f"{workspace.url}local/state?user={OWNER}")[2])["ephemerals"] == []


def test_upload_form_drops_a_pdf_for_the_bot(bolt, workspace: LocalWorkspace):
    """The page's upload form (multipart) stores the PDF in the channel and delivers file_share to the bot."""
    got: list[dict] = []

    @bolt.app.event({"type": "message", "subtype": "file_share"})
    def on_share(event):
        got.append(event)

    boundary = uuid.uuid4().hex
    fields = [("user", OWNER), ("text", "new paper"), ("filename", "paper.pdf")]
    body = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode() for k, v in fields)
    body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"paper.pdf\"\r\n"
             f"Content-Type: application/pdf\r\n\r\n").encode() + PDF + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(workspace.url + "local/upload", data=body,
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req) as r:
        assert json.loads(r.read())["ok"]
    event = workspace.wait_for(lambda: got and got[0])
    assert event["user"] == OWNER and event["text"] == "new paper" and event["files"][0]["name"] == "paper.pdf"
    assert workspace.file_bytes(event["files"][0]["id"]) == PDF


def test_page_actions_reach_the_bot(bolt, workspace: LocalWorkspace, client: WebClient):
    """A click posted by the page delivers block_actions; a bad action answers a readable error."""
    clicked: list[str] = []

    @bolt.app.action("reject")
    def on_reject(ack, body):
        ack()
        clicked.append(body["user"]["id"])

    card = client.chat_postMessage(channel=CHANNEL_ID, text="Episode 1", blocks=CARD)
    assert _post_json(workspace.url + "local/click", {"user": OWNER, "ts": card["ts"], "action_id": "reject"})["acked"]
    assert clicked == [OWNER]
    with pytest.raises(urllib.error.HTTPError) as e:
        _post_json(workspace.url + "local/click", {"user": OWNER, "ts": card["ts"], "action_id": "nope"})
    assert "nope" in json.loads(e.value.read())["error"]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.browser
@pytest.mark.slow
def test_a_person_reviews_an_episode_in_the_browser(bolt, workspace: LocalWorkspace, tmp_path: Path):
    """In headless Chromium: drop a PDF, open the thread, click Approve, see a field error, submit, see the update."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")
    if _chromium() is None:
        pytest.skip("no Chromium binary on PATH (apt-get install chromium) to drive the page")

    @bolt.app.event({"type": "message", "subtype": "file_share"})
    def on_share(event, client: WebClient):
        client.chat_postMessage(channel=event["channel"], thread_ts=event["ts"], text="Episode 1", blocks=CARD)

    @bolt.app.action("approve")
    def on_approve(ack, body, client: WebClient):
        ack()
        meta = json.dumps({"channel": body["channel"]["id"], "ts": body["message"]["ts"]})
        client.views_open(trigger_id=body["trigger_id"], view=dict(MODAL, private_metadata=meta))

    @bolt.app.view("approve_modal")
    def on_submit(ack, view, body, client: WebClient):
        values = view["state"]["values"]
        if not values["why"]["text"]["value"]:
            ack(response_action="errors", errors={"why": "Say why you approve."})
            return
        ack()
        where = json.loads(view["private_metadata"])
        owner = values["owner"]["pick"]["selected_user"]
        client.chat_update(channel=where["channel"], ts=where["ts"], text="approved",
                           blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": f"*Approved* by <@{body['user']['id']}>, owner <@{owner}>"}}])
        client.chat_postEphemeral(channel=where["channel"], user=body["user"]["id"], text="_Thanks_ for reviewing")

    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(PDF)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(workspace.url + f"?user={REVIEWER}")
            page.get_by_test_id("composer-file").set_input_files(str(pdf))
            page.get_by_test_id("composer-text").fill("please make an episode")
            page.get_by_test_id("composer-send").click()
            page.get_by_text("please make an episode").wait_for()
            page.get_by_role("link", name="paper.pdf").wait_for()
            page.get_by_test_id("channel-messages").get_by_role("button", name="1 reply").click()
            thread = page.get_by_test_id("thread-panel")
            thread.get_by_text("Episode 1").first.wait_for()
            assert "In review" in thread.inner_text() and "Omar Owner" in thread.inner_text()
            thread.get_by_test_id("action-approve").click()
            modal = page.get_by_test_id("modal")
            modal.get_by_test_id("action-pick").select_option(OWNER)
            modal.get_by_test_id("modal-submit").click()
            assert modal.get_by_test_id("error-why").inner_text() == "Say why you approve."
            modal.get_by_test_id("input-text").fill("Grounded and on brand.")
            modal.get_by_test_id("modal-submit").click()
            page.get_by_test_id("modal-backdrop").wait_for(state="hidden")
            thread.get_by_text("Approved").wait_for()
            assert "owner @Omar Owner" in thread.inner_text()
            page.get_by_test_id("only-visible-to-you").wait_for()
            page.get_by_test_id("user-switcher").select_option(OTHER)
            sync_api.expect(page.get_by_test_id("only-visible-to-you")).to_have_count(0)
            page.get_by_test_id("thread-panel").get_by_text("Approved").wait_for()
        finally:
            browser.close()
