"""Dropped files through the real bolt app: Slack Connect's partial file objects, the reaction that follows the
episode, and refused files that ask for a fixed PDF instead of offering Retry."""

from __future__ import annotations

import json

from bot.local import REVIEWER
from tests.pdfs import encrypted_pdf, one_column_paper, truncated_pdf
from workflows.states import State


def _reactions(slack, ts: str) -> list[str]:
    message = next(m for m in slack.ws.messages() if m["ts"] == ts)
    return [r["name"] for r in message.get("reactions") or []]


def _ids(message: dict) -> set[str]:
    return {e["action_id"] for b in message.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]}


def test_a_slack_connect_pdf_is_looked_up_before_it_is_judged(slack):
    """A message event with a partial file (check_file_info) asks files.info first, then starts the episode."""
    pdf = one_column_paper(slack.tmp / "paper.pdf")
    dropped = slack.ws.drop_pdf(REVIEWER, pdf, slack_connect=True)
    episode = slack.episode_in(State.IN_REVIEW)
    assert episode.facts.source.name == "paper.pdf"
    assert slack.ws.calls("files.info")[0].params["file"] == dropped["file"]["id"]
    replies = slack.ws.messages(thread_ts=dropped["message"]["ts"])
    assert not any("is not a PDF" in m.get("text", "") for m in replies)


def test_a_slack_connect_file_that_is_no_pdf_is_named_after_files_info(slack):
    """A partial non-PDF gets the 'not a PDF' reply with its real name, never "`file` is not a PDF"."""
    notes = slack.tmp / "notes.txt"
    notes.write_text("just notes", encoding="utf-8")
    dropped = slack.ws.drop_pdf(REVIEWER, notes, slack_connect=True)
    reply = slack.ws.wait_for_message(lambda m: "is not a PDF" in m.get("text", ""), thread_ts=dropped["message"]["ts"])
    assert reply is not None and reply["text"].startswith("`notes.txt` is not a PDF")
    assert slack.svc.store.all() == []


def test_the_dropped_files_reaction_follows_the_episode(slack):
    """The PDF's message carries one reaction: 👀 while in review, 👍 once approved, ❌ when it failed."""
    dropped = slack.drop()
    ts = dropped["message"]["ts"]
    episode = slack.episode_in(State.IN_REVIEW)
    assert slack.ws.wait_for(lambda: _reactions(slack, ts) == ["eyes"])
    store = slack.svc.store
    episode = store.transition(episode.id, "approve", actor=REVIEWER, updates={"owner": REVIEWER})
    slack.svc.people.status(episode.id)
    assert _reactions(slack, ts) == ["+1"]
    store.transition(episode.id, "fail", actor="papercast", updates={"failed_step": "render", "error": "boom"})
    slack.svc.people.status(episode.id)
    assert _reactions(slack, ts) == ["x"]
    assert [c.params["name"] for c in slack.ws.calls("reactions.remove")][-2:] == ["eyes", "+1"]


def test_a_damaged_pdf_asks_for_a_fixed_pdf_instead_of_retry(slack):
    """A cut-off PDF fails for good: the card says to drop a fixed PDF, offers Dismiss, and no Retry."""
    dropped = slack.ws.drop_pdf(REVIEWER, truncated_pdf(slack.tmp / "cut.pdf"))
    episode = slack.episode_in(State.FAILED)
    assert episode.facts.retryable is False
    card = slack.ws.wait_for_message(lambda m: "What to do" in str(m.get("blocks")), thread_ts=dropped["message"]["ts"])
    assert card is not None and "drop the fixed PDF" in str(card["blocks"])
    assert _ids(card) == {"episode_dismiss"}
    assert "refused" in str(card["blocks"])


def test_a_password_protected_pdf_gets_no_retry_either(slack):
    """An encrypted PDF: the same guidance, no Retry button."""
    dropped = slack.ws.drop_pdf(REVIEWER, encrypted_pdf(slack.tmp / "locked.pdf"))
    slack.episode_in(State.FAILED)
    card = slack.ws.wait_for_message(lambda m: "What to do" in str(m.get("blocks")), thread_ts=dropped["message"]["ts"])
    assert card is not None and "episode_retry" not in _ids(card)


def test_a_transient_failure_keeps_retry(slack):
    """A step that failed for a reason that can pass (a download timeout) keeps Retry as the first button."""
    dropped = slack.drop()
    episode = slack.episode_in(State.IN_REVIEW)
    store = slack.svc.store
    episode = store.transition(episode.id, "fail", actor="papercast",
                               updates={"failed_step": "extract", "error": "Downloading took too long."},
                               facts={"error_kind": "download_timeout", "retryable": True})
    slack.svc.people.status(episode.id)
    card = slack.ws.wait_for_message(lambda m: "episode_retry" in json.dumps(m.get("blocks")),
                                     thread_ts=dropped["message"]["ts"])
    assert card is not None
    first = next(b for b in card["blocks"] if b["type"] == "actions")["elements"][0]
    assert (first["action_id"], first.get("style")) == ("episode_retry", "primary")
    assert "What to do" not in str(card["blocks"])
