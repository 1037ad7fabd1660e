"""Requests must be signed by Slack; Web API hiccups (429, ratelimited, 5xx) are retried; failures lose nothing."""

from __future__ import annotations

import pytest

from bot.local import OTHER, REVIEWER, dm_channel_id
from bot.slack_facts import slack_facts
from workflows.states import State


@pytest.mark.parametrize("tamper", ["signature", "stale", "unsigned"])
def test_a_badly_signed_interaction_is_refused_and_changes_nothing(slack, tamper):
    """A Reject click with a wrong, stale or missing signature gets 401 and the episode stays in review."""
    episode, review = slack.in_review()
    delivery = slack.ws.click(REVIEWER, review["ts"], "review_reject", tamper=tamper)
    assert delivery.last.status == 401
    assert slack.svc.store.get(episode.id).state == State.IN_REVIEW
    assert slack.ws.ephemerals(REVIEWER) == []


def test_badly_signed_events_and_commands_are_refused(slack):
    """An unsigned app_home_opened and a stale /papercast get 401; the bot calls nothing for them."""
    event = {"type": "app_home_opened", "user": OTHER, "channel": dm_channel_id(OTHER), "tab": "home",
             "event_ts": "1.000001"}
    assert slack.ws.deliver_event(event, tamper="unsigned", retries=False).last.status == 401
    assert slack.ws.slash(OTHER, "status", tamper="stale").last.status == 401
    assert slack.ws.calls("views.publish") == [] and slack.ws.ephemerals(OTHER) == []
    assert slack.ws.slash(OTHER, "help").last.status == 200  # the same request, signed, is served


@pytest.mark.parametrize("how", ["429", "ratelimited", "500"])
def test_an_api_hiccup_is_retried_and_the_card_still_appears(slack, how):
    """chat.postMessage answering 429 (Retry-After), ok=false ratelimited, or HTTP 500 once is retried."""
    slack.ws.fail_next("chat.postMessage", times=1, how=how, retry_after=1)
    slack.drop()
    episode = slack.episode_in(State.IN_REVIEW)
    assert episode.status_ts and slack_facts(episode).slack_failure is None
    posts = slack.ws.calls("chat.postMessage")
    assert posts[0].ok is False and posts[1].ok is True
    assert posts[0].params.get("text") == posts[1].params.get("text")  # the same card, sent again


def test_a_card_that_cannot_be_updated_loses_no_state(slack):
    """When chat.update keeps failing, the episode still reaches review and the failure is recorded."""
    slack.ws.fail_next("chat.update", times=50, how="internal_error")
    slack.drop()
    episode = slack.episode_in(State.IN_REVIEW)
    failure = slack_facts(episode).slack_failure
    assert failure is not None and (failure.call, failure.error) == ("status", "internal_error")
