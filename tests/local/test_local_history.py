"""Reading a conversation back from the local workspace (message metadata, pagination) and its asynchronous file shares."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local import CHANNEL_ID, REVIEWER, LocalWorkspace, dm_channel_id

META = {"event_type": "papercast_effect", "event_payload": {"episode": "ep_1", "key": "status-card"}}


def _thread(client: WebClient, replies: int) -> str:
    root = client.chat_postMessage(channel=CHANNEL_ID, text="paper.pdf")["ts"]
    for i in range(replies):
        client.chat_postMessage(channel=CHANNEL_ID, thread_ts=root, text=f"reply {i}",
                                metadata={**META, "event_payload": {"episode": "ep_1", "key": f"k{i}"}})
    return root


def test_metadata_is_returned_only_when_asked_for(client: WebClient):
    """A message's metadata comes back from conversations.replies and .history only with include_all_metadata."""
    root = client.chat_postMessage(channel=CHANNEL_ID, text="card", metadata=META)["ts"]
    plain = client.conversations_replies(channel=CHANNEL_ID, ts=root)["messages"][0]
    full = client.conversations_replies(channel=CHANNEL_ID, ts=root, include_all_metadata=True)["messages"][0]
    assert "metadata" not in plain and full["metadata"] == META
    history = client.conversations_history(channel=CHANNEL_ID, include_all_metadata=True)["messages"]
    assert history[0]["metadata"] == META
    assert "metadata" not in client.conversations_history(channel=CHANNEL_ID)["messages"][0]


def test_chat_update_can_change_or_keep_the_metadata(client: WebClient):
    """chat.update without metadata keeps it; with metadata it replaces it."""
    ts = client.chat_postMessage(channel=CHANNEL_ID, text="card", metadata=META)["ts"]
    client.chat_update(channel=CHANNEL_ID, ts=ts, text="card, drafted")
    kept = client.conversations_history(channel=CHANNEL_ID, include_all_metadata=True)["messages"][0]
    assert kept["metadata"] == META and kept["text"] == "card, drafted"
    other = {"event_type": "papercast_effect", "event_payload": {"episode": "ep_1", "key": "other"}}
    client.chat_update(channel=CHANNEL_ID, ts=ts, text="card", metadata=other)
    assert client.conversations_history(channel=CHANNEL_ID, include_all_metadata=True)["messages"][0]["metadata"] == other


def test_malformed_metadata_is_refused(client: WebClient, workspace: LocalWorkspace):
    """Metadata without an event_type or an object payload answers invalid_metadata_format and posts nothing."""
    for bad in ({"event_payload": {}}, {"event_type": "x", "event_payload": "text"}, ["x"]):
        with pytest.raises(SlackApiError) as e:
            client.chat_postMessage(channel=CHANNEL_ID, text="x", metadata=bad)
        assert e.value.response["error"] == "invalid_metadata_format"
    assert workspace.messages() == []


def test_replies_come_in_pages_with_a_cursor(client: WebClient):
    """conversations.replies answers limit messages at a time; following next_cursor reads the whole thread once."""
    root = _thread(client, 7)
    seen, cursor, pages = [], None, 0
    while True:
        page = client.conversations_replies(channel=CHANNEL_ID, ts=root, limit=3, cursor=cursor,
                                            include_all_metadata=True)
        pages += 1
        seen += [m["ts"] for m in page["messages"]]
        cursor = page["response_metadata"]["next_cursor"]
        assert page["has_more"] is bool(cursor)
        if not cursor:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 8 and seen[0] == root


def test_history_pages_newest_first_and_honours_oldest(client: WebClient):
    """conversations.history pages newest first; oldest leaves out earlier messages (inclusive keeps the bound)."""
    posted = [client.chat_postMessage(channel=CHANNEL_ID, text=f"m{i}")["ts"] for i in range(5)]
    first = client.conversations_history(channel=CHANNEL_ID, limit=2)
    assert [m["ts"] for m in first["messages"]] == posted[:-3:-1] and first["has_more"]
    rest = client.conversations_history(channel=CHANNEL_ID, limit=10, cursor=first["response_metadata"]["next_cursor"])
    assert [m["ts"] for m in rest["messages"]] == posted[2::-1] and not rest["has_more"]
    after = client.conversations_history(channel=CHANNEL_ID, oldest=posted[2])["messages"]
    assert [m["ts"] for m in after] == posted[:2:-1]
    assert len(client.conversations_history(channel=CHANNEL_ID, oldest=posted[2], inclusive=True)["messages"]) == 3


def test_a_bad_cursor_is_refused(client: WebClient):
    """A cursor that names no message answers invalid_cursor."""
    root = _thread(client, 1)
    with pytest.raises(SlackApiError) as e:
        client.conversations_replies(channel=CHANNEL_ID, ts=root, cursor="bm90aGluZw==")
    assert e.value.response["error"] == "invalid_cursor"


def test_a_direct_message_channel_has_its_own_history(client: WebClient):
    """A message posted to a person's DM is in that DM's history, with its metadata, and not in the channel's."""
    dm = client.conversations_open(users=REVIEWER)["channel"]["id"]
    client.chat_postMessage(channel=dm, text="reminder", metadata=META)
    assert dm == dm_channel_id(REVIEWER)
    [message] = client.conversations_history(channel=dm, include_all_metadata=True)["messages"]
    assert message["metadata"] == META
    assert client.conversations_history(channel=CHANNEL_ID)["messages"] == []


def test_held_shares_appear_only_when_released(client: WebClient, workspace: LocalWorkspace):
    """With shares held, files.completeUploadExternal answers before the file is shared, as Slack often does."""
    root = client.chat_postMessage(channel=CHANNEL_ID, text="paper.pdf")["ts"]
    workspace.hold_shares()
    done = client.files_upload_v2(channel=CHANNEL_ID, thread_ts=root, content=b"hello", filename="notes.md")
    file_id = done["files"][0]["id"]
    assert client.files_info(file=file_id)["file"]["shares"] == {}
    assert len(workspace.messages(thread_ts=root)) == 1
    assert workspace.release_shares() == 1
    assert CHANNEL_ID in client.files_info(file=file_id)["file"]["shares"]["public"]
    assert [m.get("files", [{}])[0].get("id") for m in workspace.messages(thread_ts=root)[1:]] == [file_id]
