"""The local workspace delivers signed Slack requests that a real slack_bolt App accepts and answers."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.local import CHANNEL_ID, OTHER, OWNER, REVIEWER, LocalWorkspace, LocalWorkspaceError
from tests.standins.loopback import LoopbackServer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

CARD = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Episode 1* is in review"}},
    {"type": "actions", "block_id": "decide", "elements": [
        {"type": "button", "action_id": "approve", "text": {"type": "plain_text", "text": "Approve"},
         "style": "primary", "value": "ep-1"},
        {"type": "static_select", "action_id": "voice", "placeholder": {"type": "plain_text", "text": "Voice"},
         "options": [{"text": {"type": "plain_text", "text": "Alto"}, "value": "alto"},
                     {"text": {"type": "plain_text", "text": "Bass"}, "value": "bass"}]},
        {"type": "users_select", "action_id": "owner", "placeholder": {"type": "plain_text", "text": "Owner"}}]},
]
MODAL = {"type": "modal", "callback_id": "approve_modal", "private_metadata": "ep-1", "notify_on_close": True,
         "title": {"type": "plain_text", "text": "Approve episode"}, "submit": {"type": "plain_text", "text": "Approve"},
         "blocks": [
             {"type": "input", "block_id": "owner", "label": {"type": "plain_text", "text": "Shipping owner"},
              "element": {"type": "users_select", "action_id": "pick"}},
             {"type": "input", "block_id": "why", "label": {"type": "plain_text", "text": "Why"},
              "element": {"type": "plain_text_input", "action_id": "text", "multiline": True}},
         ]}


def _pdf(tmp_path: Path) -> Path:
    path = tmp_path / "paper.pdf"
    path.write_bytes(PDF)
    return path


def test_dropped_pdf_reaches_bolt_as_file_share_and_file_shared(bolt, workspace: LocalWorkspace, tmp_path: Path):
    """Dropping a PDF delivers a signed message/file_share event and a file_shared event; the bot can download the bytes."""
    seen: dict[str, object] = {}
    done = threading.Event()

    @bolt.app.event({"type": "message", "subtype": "file_share"})
    def on_share(event, client: WebClient, say):
        file = event["files"][0]
        seen["share"] = event
        seen["bytes"] = client.files_info(file=file["id"])["file"]["size"]
        import urllib.request
        req = urllib.request.Request(file["url_private_download"], headers={"Authorization": f"Bearer {client.token}"})
        seen["data"] = urllib.request.urlopen(req).read()
        say(text="Got it", thread_ts=event["ts"])
        done.set()

    @bolt.app.event("file_shared")
    def on_shared(event):
        seen["shared"] = event

    dropped = workspace.drop_pdf(REVIEWER, _pdf(tmp_path), text="please make an episode")
    assert [d.acked for d in dropped["deliveries"]] == [True, True]
    reply = workspace.wait_for_message(lambda m: m["text"] == "Got it", thread_ts=dropped["message"]["ts"])
    assert reply is not None and done.wait(5)
    share = seen["share"]
    assert share["channel"] == CHANNEL_ID and share["user"] == REVIEWER and share["text"] == "please make an episode"
    assert share["files"][0]["id"] == dropped["file"]["id"] and share["files"][0]["mimetype"] == "application/pdf"
    assert seen["data"] == PDF and seen["bytes"] == len(PDF)
    assert workspace.wait_for(lambda: seen.get("shared"))["file_id"] == dropped["file"]["id"]


def test_button_click_opens_a_modal_and_submission_errors_keep_it_open(bolt, workspace: LocalWorkspace, client: WebClient):
    """A click delivers block_actions with a trigger_id that opens a modal; errors keep it open, a plain ack closes it."""
    submissions: list[dict] = []

    @bolt.app.action("approve")
    def on_approve(ack, body, client: WebClient):
        ack()
        assert body["actions"][0]["value"] == "ep-1" and body["container"]["type"] == "message"
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @bolt.app.view("approve_modal")
    def on_submit(ack, view):
        values = view["state"]["values"]
        submissions.append(values)
        if not values["why"]["text"]["value"]:
            ack(response_action="errors", errors={"why": "Say why."})
        else:
            ack()

    posted = client.chat_postMessage(channel=CHANNEL_ID, text="Episode 1", blocks=CARD)
    assert workspace.click(REVIEWER, posted["ts"], "approve").acked
    [view] = workspace.wait_for(lambda: workspace.open_views(REVIEWER))
    assert view["private_metadata"] == "ep-1"
    first = workspace.submit_view(REVIEWER, view["id"], {"pick": OWNER})
    assert first["response_action"] == "errors" and first["errors"] == {"why": "Say why."}
    assert workspace.open_views(REVIEWER) and workspace.view_errors(view["id"]) == {"why": "Say why."}
    second = workspace.submit_view(REVIEWER, view["id"], {"pick": OWNER, "text": "Grounded and on brand."})
    assert second["response_action"] is None and workspace.open_views(REVIEWER) == []
    assert submissions[1] == {"owner": {"pick": {"type": "users_select", "selected_user": OWNER}},
                              "why": {"text": {"type": "plain_text_input", "value": "Grounded and on brand."}}}


def test_selects_and_response_url(bolt, workspace: LocalWorkspace, client: WebClient):
    """static_select and users_select choices arrive typed; respond() can replace the original message."""
    chosen: list[dict] = []

    @bolt.app.action("voice")
    def on_voice(ack, action, respond):
        ack()
        chosen.append(action)
        respond(replace_original=True, text=f"Voice: {action['selected_option']['value']}")

    @bolt.app.action("owner")
    def on_owner(ack, action, respond):
        ack()
        chosen.append(action)
        respond(text=f"Owner set to <@{action['selected_user']}>")

    posted = client.chat_postMessage(channel=CHANNEL_ID, text="Episode 1", blocks=CARD)
    assert workspace.select(OWNER, posted["ts"], "owner", OWNER).acked
    assert workspace.wait_for(lambda: workspace.ephemerals(OWNER))[0]["text"] == f"Owner set to <@{OWNER}>"
    with pytest.raises(LocalWorkspaceError):
        workspace.select(REVIEWER, posted["ts"], "voice", "soprano")
    assert workspace.select(REVIEWER, posted["ts"], "voice", "bass").acked
    assert workspace.wait_for_message(lambda m: m["text"] == "Voice: bass") is not None
    assert chosen[1]["selected_option"]["text"]["text"] == "Bass"


def test_slash_command_ack_is_shown_to_the_user(bolt, workspace: LocalWorkspace):
    """/papercast arrives as a signed form with text, trigger_id and response_url; its ack text is shown only to the caller."""
    @bolt.app.command("/papercast")
    def on_command(ack, command, respond):
        ack(f"Ledger for {command['user_name']}: {command['text']}")
        respond(response_type="in_channel", text="Ledger posted")
        assert command["trigger_id"] and command["channel_id"] == CHANNEL_ID

    assert workspace.slash(OTHER, "ledger").acked
    assert workspace.ephemerals(OTHER)[0]["text"] == "Ledger for nora: ledger"
    assert workspace.wait_for_message(lambda m: m["text"] == "Ledger posted") is not None


def test_app_home_opened_lets_the_bot_publish(bolt, workspace: LocalWorkspace):
    """Opening the App Home tab delivers app_home_opened, and views.publish shows the bot's home view."""
    @bolt.app.event("app_home_opened")
    def on_home(event, client: WebClient):
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Ship ledger"}},
            {"type": "actions", "elements": [{"type": "button", "action_id": "refresh",
                                              "text": {"type": "plain_text", "text": "Refresh"}}]}]})

    clicks: list[str] = []

    @bolt.app.action("refresh")
    def on_refresh(ack, body):
        ack()
        clicks.append(body["container"]["type"])

    assert workspace.open_home(OWNER).acked
    home = workspace.wait_for(lambda: workspace.home_view(OWNER))
    assert home["blocks"][0]["text"]["text"] == "Ship ledger"
    assert workspace.click_view(OWNER, home["id"], "refresh").acked
    assert workspace.wait_for(lambda: clicks) == ["view"]


def test_close_view_notifies_the_bot(bolt, workspace: LocalWorkspace, client: WebClient):
    """Closing a modal that asked for notify_on_close delivers view_closed and removes it."""
    closed: list[dict] = []

    @bolt.app.view_closed("approve_modal")
    def on_closed(ack, view):
        ack()
        closed.append(view)

    view = client.views_open(trigger_id=workspace.state.issue_trigger(REVIEWER), view=MODAL)["view"]
    delivery = workspace.close_view(REVIEWER, view["id"])
    assert delivery is not None and delivery.acked
    assert workspace.open_views(REVIEWER) == [] and closed[0]["id"] == view["id"]


@pytest.mark.parametrize("tamper", ["signature", "stale", "unsigned"])
def test_bolt_rejects_tampered_requests(bolt, workspace: LocalWorkspace, tamper: str):
    """A request with a wrong, stale or missing signature is refused with 401 and no listener runs."""
    ran: list[str] = []

    @bolt.app.command("/papercast")
    def on_command(ack):
        ack()
        ran.append("command")

    @bolt.app.event("app_home_opened")
    def on_home():
        ran.append("event")

    command = workspace.slash(REVIEWER, "ledger", tamper=tamper)
    event = workspace.deliver_event({"type": "app_home_opened", "user": REVIEWER, "tab": "home"}, retries=False,
                                    tamper=tamper)
    assert [command.last.status, event.last.status] == [401, 401]
    assert ran == []
    assert workspace.slash(REVIEWER, "ledger").acked and ran == ["command"]


class _RecordingBot:
    """A bare HTTP Request URL that records headers and holds the first answers until released."""

    def __init__(self, hold_first: int) -> None:
        self.requests: list[dict] = []
        self.release = threading.Event()
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                bot.requests.append({"headers": dict(self.headers), "body": json.loads(body)})
                if len(bot.requests) <= hold_first:
                    bot.release.wait(10)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = LoopbackServer(Handler)
        self.url = f"{self.server.base_url}/slack/events"

    def stop(self) -> None:
        self.release.set()
        self.server.close()


def test_slow_ack_is_retried_with_retry_headers(tmp_path: Path):
    """When the bot does not ack in time, the same event is re-sent with X-Slack-Retry-Num and X-Slack-Retry-Reason."""
    bot = _RecordingBot(hold_first=1)
    ws = LocalWorkspace(tmp_path, bot_url=bot.url, ack_timeout=0.3, retry_delays=(0.0, 0.0, 0.0)).start()
    try:
        delivery = ws.open_home(REVIEWER)
        assert [a.error for a in delivery.attempts] == ["http_timeout", None] and delivery.acked
        assert delivery.attempts[0].latency >= 0.3 and delivery.attempts[1].latency < 0.3
        first, second = bot.requests
        assert "X-Slack-Retry-Num" not in first["headers"]
        assert (second["headers"]["X-Slack-Retry-Num"], second["headers"]["X-Slack-Retry-Reason"]) == ("1", "http_timeout")
        assert first["body"]["event_id"] == second["body"]["event_id"]
    finally:
        ws.stop()
        bot.stop()


def test_redelivering_an_event_keeps_its_id(tmp_path: Path):
    """deliver_event with an earlier event_id and retry_num re-sends the identical envelope as a retry."""
    bot = _RecordingBot(hold_first=0)
    ws = LocalWorkspace(tmp_path, bot_url=bot.url).start()
    try:
        first = ws.open_home(REVIEWER)
        again = ws.deliver_event({}, event_id=first.event_id, retry_num=1)
        assert again.acked and bot.requests[0]["body"] == bot.requests[1]["body"]
        assert bot.requests[1]["headers"]["X-Slack-Retry-Num"] == "1"
        assert bot.requests[0]["body"]["authorizations"][0]["user_id"] == "U_BOT"
    finally:
        ws.stop()
        bot.stop()


def test_no_bot_url_records_undelivered_requests(workspace: LocalWorkspace, tmp_path: Path):
    """Without a Request URL the workspace still stores the drop, and records that nothing was delivered."""
    dropped = workspace.drop_pdf(OWNER, _pdf(tmp_path))
    assert workspace.messages()[0]["files"][0]["id"] == dropped["file"]["id"]
    assert [d.last.error for d in dropped["deliveries"]] == ["no_request_url", "no_request_url"]


def test_only_subscribed_events_are_delivered(tmp_path: Path):
    """Events the app has not subscribed to (per its manifest names) are not sent to the Request URL."""
    bot = _RecordingBot(hold_first=0)
    ws = LocalWorkspace(tmp_path, bot_url=bot.url, subscribed_events=["message.channels", "app_home_opened"]).start()
    try:
        dropped = ws.drop_pdf(REVIEWER, _pdf(tmp_path))
        assert [d.last.error for d in dropped["deliveries"]] == [None, "not_subscribed"]
        assert ws.post(REVIEWER, "hi", channel="D_REVIEWER")["delivery"].last.error == "not_subscribed"
        assert [r["body"]["event"]["type"] for r in bot.requests] == ["message"]
    finally:
        ws.stop()
        bot.stop()
