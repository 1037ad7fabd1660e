"""The local workspace's Web API, driven through the official slack_sdk WebClient over loopback HTTP."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.local import BOT_USER, CHANNEL_ID, OTHER, OWNER, REVIEWER, LocalWorkspace
from bot.local.state import TRIGGER_TTL

SECTION = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Episode 1*"}}]
MODAL = {"type": "modal", "callback_id": "approve", "title": {"type": "plain_text", "text": "Approve"},
         "submit": {"type": "plain_text", "text": "Approve"},
         "blocks": [{"type": "input", "block_id": "owner", "label": {"type": "plain_text", "text": "Owner"},
                     "element": {"type": "users_select", "action_id": "pick"}}]}


def _get(url: str, token: str | None = None) -> tuple[int, str, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read()


def test_auth_test_names_the_bot(client: WebClient):
    """auth.test answers with the bot user, bot id and team, as bolt needs at start."""
    r = client.auth_test()
    assert (r["user_id"], r["bot_id"], r["team_id"]) == (BOT_USER, "B_LOCAL", "T_LOCAL")


def test_wrong_or_missing_token_is_refused(workspace: LocalWorkspace):
    """A wrong token answers invalid_auth and no token answers not_authed, like slack.com."""
    with pytest.raises(SlackApiError) as e:
        WebClient(token="xoxb-wrong", base_url=workspace.api_url).chat_postMessage(channel=CHANNEL_ID, text="x")
    assert e.value.response["error"] == "invalid_auth"
    req = urllib.request.Request(workspace.api_url + "auth.test", data=b"", method="POST")
    with urllib.request.urlopen(req) as r:
        assert json.loads(r.read()) == {"ok": False, "error": "not_authed"}
    assert workspace.messages() == []


def test_post_and_update_a_message(client: WebClient, workspace: LocalWorkspace):
    """chat.postMessage stores text and blocks in the channel; chat.update changes them in place."""
    posted = client.chat_postMessage(channel="#papercast", text="Episode 1", blocks=SECTION)
    assert posted["channel"] == CHANNEL_ID and posted["message"]["bot_id"] == "B_LOCAL"
    client.chat_update(channel=CHANNEL_ID, ts=posted["ts"], text="Episode 1, drafted",
                       blocks=[{"type": "divider"}])
    [message] = workspace.messages()
    assert message["ts"] == posted["ts"]
    assert message["text"] == "Episode 1, drafted" and message["blocks"][0]["type"] == "divider"
    assert message["edited"]["user"] == BOT_USER


def test_post_message_checks_its_arguments(client: WebClient):
    """Unknown channels, empty messages and malformed blocks are refused with Slack's error codes."""
    cases = [({"channel": "C_NOPE", "text": "x"}, "channel_not_found"),
             ({"channel": CHANNEL_ID}, "no_text"),
             ({"channel": CHANNEL_ID, "blocks": [{"text": "no type"}]}, "invalid_blocks"),
             ({"channel": CHANNEL_ID, "text": "x", "thread_ts": "1.000001"}, "thread_not_found")]
    for kwargs, error in cases:
        with pytest.raises(SlackApiError) as e:
            client.chat_postMessage(**kwargs)
        assert e.value.response["error"] == error


def test_files_upload_v2_shares_into_a_thread_and_downloads_with_the_token(client: WebClient, workspace: LocalWorkspace):
    """files_upload_v2 lands in the thread as a message with files; url_private_download serves bytes only with the bot token."""
    parent = client.chat_postMessage(channel=CHANNEL_ID, text="Episode 1")
    audio = b"ID3" + bytes(range(256)) * 40
    up = client.files_upload_v2(channel=CHANNEL_ID, thread_ts=parent["ts"], content=audio, filename="episode-1.mp3",
                                title="Episode 1", initial_comment="Listen here")
    file_id = up["file"]["id"]
    thread = workspace.messages(thread_ts=parent["ts"])
    assert [m["text"] for m in thread] == ["Episode 1", "Listen here"]
    assert thread[1]["files"][0]["id"] == file_id and thread[1]["thread_ts"] == parent["ts"]
    info = client.files_info(file=file_id)["file"]
    assert (info["mimetype"], info["size"], info["title"]) == ("audio/mpeg", len(audio), "Episode 1")
    assert CHANNEL_ID in info["channels"]
    assert _get(info["url_private_download"], workspace.bot_token) == (200, "audio/mpeg", audio)
    for token in (None, "xoxb-wrong"):
        status, content_type, body = _get(info["url_private_download"], token)
        assert status == 200 and content_type.startswith("text/html") and b"Sign in" in body


def test_upload_url_accepts_a_multipart_form(client: WebClient, workspace: LocalWorkspace):
    """The upload URL also takes a multipart form, and completeUploadExternal refuses files never uploaded."""
    got = client.files_getUploadURLExternal(filename="notes.txt", length=5)
    boundary = "XbOuNdArY"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\nnotes\r\n--{boundary}--\r\n").encode()
    req = urllib.request.Request(got["upload_url"], data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req) as r:
        assert r.read() == b"OK - 5"
    done = client.files_completeUploadExternal(files=[{"id": got["file_id"]}], channel_id=CHANNEL_ID)
    assert workspace.file_bytes(done["files"][0]["id"]) == b"notes"
    never = client.files_getUploadURLExternal(filename="x.txt", length=1)
    with pytest.raises(SlackApiError) as e:
        client.files_completeUploadExternal(files=[{"id": never["file_id"]}], channel_id=CHANNEL_ID)
    assert e.value.response["error"] == "file_not_found"


def test_views_open_needs_a_fresh_trigger_from_the_workspace(client: WebClient, workspace: LocalWorkspace):
    """views.open opens a modal for the trigger's user once; unknown, reused and expired triggers are refused."""
    now = [1000.0]
    workspace.state.clock = lambda: now[0]
    trigger = workspace.state.issue_trigger(OWNER)
    view = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert [v["id"] for v in workspace.open_views(OWNER)] == [view["id"]] and workspace.open_views(REVIEWER) == []
    stale = workspace.state.issue_trigger(OWNER)
    now[0] += TRIGGER_TTL + 0.5
    for trigger_id, error in (("1.2.nope", "invalid_trigger_id"), (trigger, "exchanged_trigger_id"),
                              (stale, "expired_trigger_id")):
        with pytest.raises(SlackApiError) as e:
            client.views_open(trigger_id=trigger_id, view=MODAL)
        assert e.value.response["error"] == error


def test_views_update_and_publish(client: WebClient, workspace: LocalWorkspace):
    """views.update replaces an open modal (with hash checks) and views.publish sets a user's App Home."""
    view = client.views_open(trigger_id=workspace.state.issue_trigger(REVIEWER), view=MODAL)["view"]
    changed = dict(MODAL, title={"type": "plain_text", "text": "Approved"})
    with pytest.raises(SlackApiError) as e:
        client.views_update(view_id=view["id"], hash="stale", view=changed)
    assert e.value.response["error"] == "hash_conflict"
    client.views_update(view_id=view["id"], hash=view["hash"], view=changed)
    assert workspace.open_views(REVIEWER)[0]["title"]["text"] == "Approved"
    with pytest.raises(SlackApiError) as e:
        client.views_open(trigger_id=workspace.state.issue_trigger(REVIEWER),
                          view=dict(MODAL, title={"type": "plain_text", "text": "x" * 25}))
    assert e.value.response["error"] == "invalid_arguments"
    client.views_publish(user_id=OTHER, view={"type": "home", "blocks": SECTION})
    assert workspace.home_view(OTHER)["blocks"][0]["text"]["text"] == "*Episode 1*"
    assert workspace.home_view(OWNER) is None


def test_injected_429_is_retried_by_the_sdk_handler(client: WebClient, workspace: LocalWorkspace):
    """An injected HTTP 429 with Retry-After is retried by slack_sdk's RateLimitErrorRetryHandler and then succeeds."""
    workspace.fail_next("chat.postMessage", times=1, how="429", retry_after=1)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    started = time.monotonic()
    client.chat_postMessage(channel=CHANNEL_ID, text="after a rate limit")
    assert time.monotonic() - started >= 0.9  # the handler honoured Retry-After: 1
    assert [c.status for c in workspace.calls("chat.postMessage")] == [429, 200]
    assert [m["text"] for m in workspace.messages()] == ["after a rate limit"]


def test_injected_failures_reach_the_client(client: WebClient, workspace: LocalWorkspace):
    """Injected 429, 500 and ok=false failures answer the next calls as Slack would, then calls succeed again."""
    workspace.fail_next("chat.postMessage", times=1, how="429", retry_after=7)
    workspace.fail_next("chat.postMessage", times=1, how="ratelimited")
    workspace.fail_next("chat.postMessage", times=1, how="500")
    with pytest.raises(SlackApiError) as e:
        client.chat_postMessage(channel=CHANNEL_ID, text="x")
    assert e.value.response.status_code == 429 and e.value.response.headers["Retry-After"] == "7"
    with pytest.raises(SlackApiError) as e:
        client.chat_postMessage(channel=CHANNEL_ID, text="x")
    assert e.value.response["error"] == "ratelimited"
    with pytest.raises(SlackApiError) as e:
        client.chat_postMessage(channel=CHANNEL_ID, text="x")
    assert e.value.response.status_code == 500
    assert client.chat_postMessage(channel=CHANNEL_ID, text="ok")["ok"]
    assert [(c.status, c.error) for c in workspace.calls("chat.postMessage")] == [
        (429, "ratelimited"), (200, "ratelimited"), (500, None), (200, None)]


def test_people_channels_and_groups(client: WebClient):
    """users.info, usergroups.users.list, conversations.open/info/list describe the local people and channels."""
    assert client.users_info(user=REVIEWER)["user"]["real_name"] == "Rita Reviewer"
    assert client.usergroups_users_list(usergroup="S_REVIEWERS")["users"] == [REVIEWER]
    dm = client.conversations_open(users=OWNER)["channel"]["id"]
    assert client.conversations_info(channel=dm)["channel"]["is_im"]
    assert client.conversations_info(channel=CHANNEL_ID)["channel"]["name"] == "papercast"
    assert [c["id"] for c in client.conversations_list()["channels"]] == [CHANNEL_ID]
    posted = client.chat_postMessage(channel=OWNER, text="a DM")
    assert posted["channel"] == dm
    with pytest.raises(SlackApiError) as e:
        client.users_info(user="U_NOBODY")
    assert e.value.response["error"] == "user_not_found"


def test_ephemeral_reactions_and_permalinks(client: WebClient, workspace: LocalWorkspace):
    """postEphemeral is shown to one user only; reactions.add counts once; getPermalink points at the page."""
    posted = client.chat_postMessage(channel=CHANNEL_ID, text="Episode")
    client.chat_postEphemeral(channel=CHANNEL_ID, user=OTHER, text="Only reviewers may approve.")
    assert [m["text"] for m in workspace.ephemerals(OTHER)] == ["Only reviewers may approve."]
    assert workspace.ephemerals(REVIEWER) == [] and len(workspace.messages()) == 1
    client.reactions_add(channel=CHANNEL_ID, timestamp=posted["ts"], name="white_check_mark")
    with pytest.raises(SlackApiError) as e:
        client.reactions_add(channel=CHANNEL_ID, timestamp=posted["ts"], name="white_check_mark")
    assert e.value.response["error"] == "already_reacted"
    link = client.chat_getPermalink(channel=CHANNEL_ID, message_ts=posted["ts"])["permalink"]
    assert link.startswith(workspace.url) and _get(link)[0] == 200


def test_restart_keeps_the_channel_history_and_files(tmp_path: Path):
    """Stopping and starting a workspace on the same data directory keeps messages and file bytes."""
    first = LocalWorkspace(tmp_path, bot_token="xoxb-local-fixed").start()
    c = WebClient(token=first.bot_token, base_url=first.api_url)
    ts = c.chat_postMessage(channel=CHANNEL_ID, text="before restart")["ts"]
    file_id = c.files_upload_v2(channel=CHANNEL_ID, content=b"%PDF-1.4", filename="p.pdf")["file"]["id"]
    first.stop()
    second = LocalWorkspace(tmp_path, bot_token="xoxb-local-fixed").start()
    try:
        assert second.messages()[0]["ts"] == ts
        url = second.messages()[1]["files"][0]["url_private_download"]
        assert url.startswith(second.url)
        assert _get(url, second.bot_token)[2] == b"%PDF-1.4"
        later = WebClient(token=second.bot_token, base_url=second.api_url).chat_postMessage(channel=CHANNEL_ID, text="after")
        assert float(later["ts"]) > float(ts) and file_id
    finally:
        second.stop()
