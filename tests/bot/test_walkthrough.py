"""A dropped PDF becomes an episode with a status card, a review message, and an approval with an owner."""

from __future__ import annotations

from bot.local import CHANNEL_ID, OWNER, REVIEWER
from workflows.states import State


def test_a_dropped_pdf_walks_to_an_approved_script_with_an_owner(slack):
    """Drop → status card in the thread → review message with file and buttons → approve with owner."""
    dropped = slack.drop()
    assert all(d.acked for d in dropped["deliveries"])
    episode = slack.episode_in(State.IN_REVIEW)
    assert episode.thread_ts == dropped["message"]["ts"] and episode.uploader == REVIEWER

    thread = slack.ws.messages(thread_ts=episode.thread_ts)
    card = next(m for m in thread if m["ts"] == episode.status_ts)
    assert "in review" in str(card["blocks"]) and "▰▰▰▰▱▱▱▱" in str(card["blocks"])
    review = slack.review_message(episode)
    assert [e["action_id"] for b in review["blocks"] if b["type"] == "actions" for e in b["elements"]] == [
        "review_approve", "review_request_changes", "review_edit", "review_reject"]
    files = [f for m in thread for f in m.get("files") or [] if f["name"].endswith("-script-v1.md")]
    assert len(files) == 1 and b"1. **" in slack.ws.file_bytes(files[0]["id"])

    slack.ws.click(REVIEWER, review["ts"], "review_approve")
    modal = slack.ws.wait_for(lambda: next(iter(slack.ws.open_views(REVIEWER)), None))
    assert modal["callback_id"] == "approve_modal"
    owner_input = next(b for b in modal["blocks"] if b.get("block_id") == "owner")
    assert owner_input["element"]["initial_user"] == REVIEWER  # the uploader, by default
    result = slack.ws.submit_view(REVIEWER, modal["id"], {"owner": OWNER})
    assert result["delivery"].acked and result["errors"] is None

    approved = slack.ws.wait_for(lambda: (e := slack.svc.store.get(episode.id)).state == State.APPROVED and e)
    assert approved.owner == OWNER and approved.approver == REVIEWER
    decided = slack.ws.wait_for(lambda: next((m for m in slack.ws.messages(thread_ts=episode.thread_ts)
                                              if m["ts"] == review["ts"] and "decision" in str(m["blocks"])), None))
    assert f"Approved by <@{REVIEWER}>" in str(decided["blocks"]) and f"<@{OWNER}>" in str(decided["blocks"])
    assert not [b for b in decided["blocks"] if b["type"] == "actions"]
    card = slack.ws.wait_for(lambda: next((m for m in slack.ws.messages(thread_ts=episode.thread_ts)
                                           if m["ts"] == episode.status_ts and "*Stage:* approved" in str(m["blocks"])), None))
    assert f"<@{OWNER}>" in str(card["blocks"])


def test_the_status_card_is_updated_in_place_not_reposted(slack):
    """Every stage change edits the one card (chat.update on its ts); only one card is ever posted."""
    slack.drop()
    episode = slack.episode_in(State.IN_REVIEW)
    posts_of_cards = [c for c in slack.ws.calls("chat.postMessage") if "status" in str(c.params.get("blocks", ""))
                      and '"block_id": "status"' in str(c.params.get("blocks", "")).replace("'", '"')]
    assert len(posts_of_cards) == 1
    updates = [c for c in slack.ws.calls("chat.update") if c.params.get("ts") == episode.status_ts]
    assert len(updates) >= 2  # extracted, drafted, in review
    cards = [m for m in slack.ws.messages(thread_ts=episode.thread_ts) if "Stage:" in str(m.get("blocks"))]
    assert len(cards) == 1


def test_a_file_that_is_not_a_pdf_gets_a_threaded_reply_and_no_episode(slack):
    """Dropping a .txt answers in its thread that only PDFs make episodes, and starts nothing."""
    note = slack.tmp / "notes.txt"
    note.write_text("not a paper")
    dropped = slack.ws.drop_pdf(REVIEWER, note)
    reply = slack.ws.wait_for_message(lambda m: "Only PDFs" in m.get("text", ""), thread_ts=dropped["message"]["ts"])
    assert reply is not None and "notes.txt" in reply["text"]
    assert slack.svc.store.all() == []
    assert CHANNEL_ID
