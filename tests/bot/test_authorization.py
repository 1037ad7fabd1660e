"""Only reviewers decide on scripts; only the owner or a reviewer acts on shipping. Others are told why."""

from __future__ import annotations

import pytest

from bot.local import OTHER, OWNER, REVIEWER, REVIEWERS_GROUP
from workflows.states import State


@pytest.mark.parametrize("action_id", ["review_approve", "review_request_changes", "review_edit", "review_reject"])
def test_a_non_reviewer_is_refused_with_an_ephemeral_and_nothing_changes(slack, action_id):
    """A non-reviewer clicking a decision button gets an ephemeral explanation, no modal, no transition."""
    episode, review = slack.in_review()
    audit_before = slack.svc.store.audit(episode.id)
    delivery = slack.ws.click(OTHER, review["ts"], action_id)
    assert delivery.acked
    told = slack.wait_ephemeral(OTHER, "Only the show's reviewers")
    assert told is not None and f"<@{OTHER}>" in told
    assert slack.ws.open_views(OTHER) == []
    after = slack.svc.store.get(episode.id)
    assert (after.state, after.version) == (State.IN_REVIEW, episode.version)
    assert slack.svc.store.audit(episode.id) == audit_before
    assert not slack.ws.calls("views.open")


def test_a_reviewer_can_open_every_decision_modal(slack):
    """The same buttons open their modals for a configured reviewer (the refusal above is about who, not what)."""
    episode, review = slack.in_review()
    for action_id, callback_id in (("review_approve", "approve_modal"), ("review_request_changes", "changes_modal"),
                                   ("review_edit", "edit_modal")):
        slack.ws.click(REVIEWER, review["ts"], action_id)
        view = slack.ws.wait_for(lambda callback_id=callback_id: next(
            (v for v in slack.ws.open_views(REVIEWER) if v["callback_id"] == callback_id), None))
        assert view is not None, callback_id
        slack.ws.close_view(REVIEWER, view["id"])


class TestReviewerGroup:
    @pytest.fixture
    def show_overrides(self):
        return {"reviewers": [], "reviewer_group": REVIEWERS_GROUP}

    def test_members_of_the_reviewer_group_may_approve(self, slack):
        """A member of show.reviewer_group (usergroups.users.list) is a reviewer; others are not."""
        episode, review = slack.in_review()
        slack.ws.click(OWNER, review["ts"], "review_approve")
        assert slack.wait_ephemeral(OWNER, "Only the show's reviewers")
        slack.ws.click(REVIEWER, review["ts"], "review_approve")
        modal = slack.ws.wait_for(lambda: next(iter(slack.ws.open_views(REVIEWER)), None))
        slack.ws.submit_view(REVIEWER, modal["id"], {"owner": OWNER})
        assert slack.ws.wait_for(lambda: slack.svc.store.get(episode.id).state == State.APPROVED)
        assert slack.ws.calls("usergroups.users.list")


def test_request_changes_sends_notes_back_and_edit_makes_a_new_version(slack):
    """Request changes records the notes (changes_requested); Edit by a reviewer posts version 2 for review."""
    episode, review = slack.in_review()
    slack.ws.click(REVIEWER, review["ts"], "review_edit")
    modal = slack.ws.wait_for(lambda: next(iter(slack.ws.open_views(REVIEWER)), None))
    text = modal["blocks"][1]["element"]["initial_value"]
    bad = slack.ws.submit_view(REVIEWER, modal["id"], {"part0.text": "Nobody: hello"})
    assert bad["response_action"] == "errors" and "Line 1" in bad["errors"]["part0"]
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if not line.startswith("##"))
    lines[first] += " (edited)"
    edited = "\n".join(lines)
    assert slack.ws.submit_view(REVIEWER, modal["id"], {"part0.text": edited})["errors"] is None
    review2 = slack.review_message(episode, version=2)
    assert "(edited)" in str(review2["blocks"]) and slack.svc.store.latest_script(episode.id).author == REVIEWER

    slack.ws.click(REVIEWER, review2["ts"], "review_request_changes")
    modal = slack.ws.wait_for(lambda: next((v for v in slack.ws.open_views(REVIEWER)
                                            if v["callback_id"] == "changes_modal"), None))
    slack.ws.submit_view(REVIEWER, modal["id"], {"notes": "Shorter intro, please."})
    back = slack.ws.wait_for(lambda: (e := slack.svc.store.get(episode.id)).facts.review_notes and e)
    assert back.facts.review_notes == "Shorter intro, please."
    assert slack.svc.store.last_decision(episode.id, ["request_changes"]).actor == REVIEWER


def _failed_with_owner(slack):
    """An episode that was approved with OWNER and then failed, with its card in a thread."""
    root = slack.ws.post(REVIEWER, "a paper")["message"]
    store = slack.svc.store
    ep = store.create(uploader=REVIEWER, channel=root["channel"] if "channel" in root else "C_PAPERCAST",
                      thread_ts=root["ts"], title="A Paper")
    for name, kw in (("extract", {}), ("draft", {"script": {"author": "papercast", "script": {}}}), ("submit", {}),
                     ("approve", {"updates": {"owner": OWNER}}),
                     ("fail", {"updates": {"failed_step": "render", "error": "The speech backend is down."}})):
        ep = store.transition(ep.id, name, actor="papercast", **kw)
    slack.svc.people.status(ep.id)
    card = slack.ws.wait_for_message(lambda m: "Retry" in str(m.get("blocks")), thread_ts=root["ts"])
    return store.get(ep.id), card


def test_only_the_owner_or_a_reviewer_may_retry_a_failed_episode(slack):
    """Retry on a failed card: someone else is told who may; the owner's click resumes the failed stage."""
    episode, card = _failed_with_owner(slack)
    assert "The speech backend is down." in str(card["blocks"])
    slack.ws.click(OTHER, card["ts"], "episode_retry")
    told = slack.wait_ephemeral(OTHER, "Only the shipping owner")
    assert told is not None and f"<@{OWNER}>" in told
    assert slack.svc.store.get(episode.id).state == State.FAILED
    slack.ws.click(OWNER, card["ts"], "episode_retry")
    assert slack.ws.wait_for(lambda: slack.svc.store.get(episode.id).state == State.APPROVED)
