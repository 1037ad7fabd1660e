"""The Block Kit builders: progress bar, long scripts in the Edit modal, who decided, findings by line."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.blocks import edit_modal, progress_bar, review_message, stage_line
from bot.blocks.modals import joined_parts, split_for_inputs
from bot.errors import text_for, who_decided
from workflows.store.records import AuditRow
from workflows.errors import ConcurrentTransition
from workflows.states import State
from workflows.store.records import Episode, ScriptVersion

NOW = datetime(2026, 11, 23, 9, 14, tzinfo=timezone.utc)


def test_the_progress_bar_fills_up_to_the_current_stage():
    """in_review is stage 4 of 8; a failure shows where it stopped; the current stage is bold."""
    assert progress_bar(State.IN_REVIEW) == "▰▰▰▰▱▱▱▱ 4/8"
    assert progress_bar(State.FAILED, State.APPROVED) == "▰▰▰▰▰▱▱▱ 5/8"
    assert progress_bar(State.SHIPPED) == "▰▰▰▰▰▰▰▰ 8/8"
    assert "*in review*" in stage_line(State.IN_REVIEW)


def test_a_long_script_is_split_over_several_edit_boxes_and_joined_back_whole():
    """Text over 3000 characters is cut at line breaks into boxes of at most 3000, and joins back unchanged."""
    text = "\n".join(f"Ada: sentence number {i} " + "x" * 50 for i in range(200))
    parts = split_for_inputs(text)
    assert len(parts) > 1 and all(len(p) <= 3000 for p in parts)
    view = edit_modal("ep_1", 1, 4, text)
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert len(inputs) == len(parts)
    values = {b["block_id"]: {"text": {"value": b["element"]["initial_value"]}} for b in inputs}
    assert joined_parts(values, len(parts)) == text


def test_a_script_too_long_for_slack_cannot_be_edited_there():
    """Past 40 boxes the Edit modal is not built (the listener tells the reviewer what to do instead)."""
    assert edit_modal("ep_1", 1, 4, "\n".join("Ada: " + "y" * 2900 for _ in range(41))) is None


def test_the_loser_of_a_race_is_told_who_decided_and_when():
    """The winning move (approve by U1 at …) reads as "<@U1> already approved this at … UTC"."""
    def move(transition: str, actor: str) -> AuditRow:
        return AuditRow(episode_id="ep_1", transition=transition, from_state="in_review", to_state="approved",
                        from_version=4, actor=actor, reason="", at="2026-11-23T09:14:00+00:00")

    assert who_decided(move("approve", "U1")) == "<@U1> already approved this at 2026-11-23 09:14 UTC."
    error = ConcurrentTransition("lost", "approved", 5, move("reject", "U2"))
    assert text_for(error).startswith("<@U2> already rejected this")
    assert who_decided(None) == "Someone else decided first."


def test_findings_are_shown_with_the_line_they_are_about():
    """A finding on line index 1 is shown as "line 2" quoting that line; the preview numbers lines the same way."""
    script = {"title": "T", "summary": "S", "show_notes": "N", "chapters": [], "hosts": {"a": "Ada", "b": "Ben"},
              "lines": [{"speaker": "a", "text": "Welcome."}, {"speaker": "b", "text": "It reached 97% accuracy."}]}
    version = ScriptVersion(episode_id="ep_1", version=2, author="papercast", writer="fake", script=script,
                            findings=[{"check": "grounding", "severity": "error", "message": "97% is not in the paper",
                                       "line": 1}], usage={}, notes="", created_at=NOW)
    episode = Episode(id="ep_1", slug="t", title="T", state=State.IN_REVIEW, version=4, created_at=NOW,
                      updated_at=NOW, uploader="U1", channel="C1")
    _, blocks = review_message(episode, version)
    text = str(blocks)
    assert "line 2: _It reached 97% accuracy._" in text and "2. *Ben:* It reached 97% accuracy." in text
    assert '"s":2' in text and '"e":"ep_1"' in text


def _version(author: str, writer: str, *, offline: bool) -> ScriptVersion:
    script = {"title": "T", "summary": "S", "show_notes": "N", "chapters": [], "hosts": {"a": "Ada", "b": "Ben"},
              "writer": writer, "offline_draft": offline,
              "lines": [{"speaker": "a", "text": "Welcome."}, {"speaker": "b", "text": "Hello."}]}
    return ScriptVersion(episode_id="ep_1", version=2, author=author, writer=writer, script=script, findings=[],
                         usage={}, notes="", created_at=NOW)


def _episode() -> Episode:
    return Episode(id="ep_1", slug="t", title="T", state=State.IN_REVIEW, version=4, created_at=NOW,
                   updated_at=NOW, uploader="U1", channel="C1")


def test_a_reviewers_edit_reads_edited_by_them_without_the_offline_draft_label():
    """A human version says "edited by <@U>" (not "written by a reviewer's edit by"), and drops the offline label."""
    _, blocks = review_message(_episode(), _version("U_RITA", "human:U_RITA", offline=True))
    text = str(blocks)
    assert "edited by <@U_RITA>" in text and "written by" not in text and "offline draft" not in text
    _, blocks = review_message(_episode(), _version("papercast", "offline", offline=True))
    assert "written by offline" in str(blocks) and "offline draft" in str(blocks)


def test_an_edited_offline_draft_is_no_longer_marked_offline():
    """text_to_script (the Edit modal) makes a human script: offline_draft False, writer human:<user>."""
    from workflows.review import script_to_text, text_to_script
    from workflows.script.model import Script

    base = Script.model_validate(_version("papercast", "offline", offline=True).script)
    edited = text_to_script(script_to_text(base) + "\nAda: One more line.", base, author="U_RITA")
    assert edited.offline_draft is False and edited.writer == "human:U_RITA"


def test_the_status_card_progress_bar_is_plain_text_not_code():
    """The progress bar is not in backticks (code renders red, like an error)."""
    from bot.blocks import status_card

    _, blocks = status_card(_episode())
    assert "▰▰▰▰▱▱▱▱ 4/8" in blocks[0]["text"]["text"] and "`▰" not in blocks[0]["text"]["text"]


def test_snooze_and_wait_times_read_naturally():
    """1 minute, 5 minutes, 2 hours: no "1 minutes"."""
    from bot.blocks._kit import minutes

    assert [minutes(m) for m in (1, 5, 1.5, 120, 90)] == ["1 minute", "5 minutes", "1.5 minutes", "2 hours", "90 minutes"]


def test_a_published_card_links_the_episode_page():
    """With facts.page_url (written at publish), the card's title and an "Episode page" line link the page."""
    from bot.blocks import status_card

    from workflows.store.facts import EpisodeFacts

    episode = _episode().model_copy(update={"state": State.SHIPPED,
                                            "facts": EpisodeFacts(page_url="https://show.example/ep/t/")})
    _, blocks = status_card(episode)
    text = blocks[0]["text"]["text"]
    assert "*<https://show.example/ep/t/|T>*" in text and "*Episode page:* <https://show.example/ep/t/|" in text
