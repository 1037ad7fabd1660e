"""Retried deliveries start nothing twice; double clicks and racing reviewers make one decision."""

from __future__ import annotations

import threading

import pytest

from bot.local import OWNER, REVIEWER
from workflows.states import State


def test_a_retried_event_delivery_starts_no_second_episode(slack):
    """The same event_id delivered again with X-Slack-Retry-Num is acked and starts nothing new."""
    dropped = slack.drop()
    slack.episode_in(State.IN_REVIEW)
    first = dropped["deliveries"][0]
    again = slack.ws.deliver_event({}, event_id=first.event_id, retry_num=1, retry_reason="http_timeout")
    assert again.acked and again.attempts[0].retry_num == 1
    again2 = slack.ws.deliver_event({}, event_id=first.event_id, retry_num=2)
    assert again2.acked
    slack.svc.runner.shutdown(wait=True)
    assert len(slack.svc.store.all()) == 1
    assert len([c for c in slack.ws.calls("chat.postMessage") if '"status"' in str(c.params.get("blocks"))
                or "'status'" in str(c.params.get("blocks"))]) == 1


def test_the_message_and_file_shared_events_of_one_pdf_make_one_episode(slack):
    """Slack sends both message/file_share and file_shared for one upload; one episode results."""
    dropped = slack.drop()
    assert [d.acked for d in dropped["deliveries"]] == [True, True]
    slack.episode_in(State.IN_REVIEW)
    slack.svc.runner.shutdown(wait=True)
    assert len(slack.svc.store.all()) == 1


def _together(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_a_double_click_on_reject_makes_one_decision_and_tells_the_second_click(slack):
    """Two Reject clicks at once: one reject in the audit; the other click is told who decided."""
    episode, review = slack.in_review()
    deliveries = _together(lambda: slack.ws.click(REVIEWER, review["ts"], "review_reject"),
                           lambda: slack.ws.click(REVIEWER, review["ts"], "review_reject"))
    assert all(d.acked for d in deliveries)
    told = slack.wait_ephemeral(REVIEWER, "already rejected this")
    assert told is not None and f"<@{REVIEWER}> already rejected this" in told
    assert slack.svc.store.get(episode.id).state == State.REJECTED
    assert [a.transition for a in slack.svc.store.audit(episode.id)].count("reject") == 1


class TestTwoReviewers:
    @pytest.fixture
    def show_overrides(self):
        return {"reviewers": [REVIEWER, OWNER]}

    def test_two_reviewers_approving_at_once_make_one_decision(self, slack):
        """Both open Approve and submit together: one approval; the other is told who approved and when."""
        episode, review = slack.in_review()
        modals = {}
        for who in (REVIEWER, OWNER):
            slack.ws.click(who, review["ts"], "review_approve")
            modals[who] = slack.ws.wait_for(lambda w=who: next(iter(slack.ws.open_views(w)), None))
        results = _together(lambda: slack.ws.submit_view(REVIEWER, modals[REVIEWER]["id"], {"owner": REVIEWER}),
                            lambda: slack.ws.submit_view(OWNER, modals[OWNER]["id"], {"owner": OWNER}))
        assert all(r["delivery"].acked for r in results)
        approved = slack.ws.wait_for(lambda: (e := slack.svc.store.get(episode.id)).state == State.APPROVED and e)
        winner = approved.approver
        loser = OWNER if winner == REVIEWER else REVIEWER
        told = slack.wait_ephemeral(loser, "already approved this")
        assert told is not None and f"<@{winner}> already approved this at" in told
        assert [a.transition for a in slack.svc.store.audit(episode.id)].count("approve") == 1
        assert approved.owner == winner  # the winner's choice of owner, not a mix

    def test_a_stale_modal_is_refused_after_someone_else_decided(self, slack):
        """A modal opened before another reviewer decided is refused on submit (compare-and-set on what they saw)."""
        episode, review = slack.in_review()
        slack.ws.click(OWNER, review["ts"], "review_approve")
        stale = slack.ws.wait_for(lambda: next(iter(slack.ws.open_views(OWNER)), None))
        slack.ws.click(REVIEWER, review["ts"], "review_reject")
        assert slack.ws.wait_for(lambda: slack.svc.store.get(episode.id).state == State.REJECTED)
        slack.ws.submit_view(OWNER, stale["id"], {"owner": OWNER})
        told = slack.wait_ephemeral(OWNER, "already rejected this")
        assert told is not None and f"<@{REVIEWER}>" in told
        assert slack.svc.store.get(episode.id).state == State.REJECTED
