"""A private show channel works like a public one (message.groups, private file shares), and a channel name the
bot cannot find is not looked up again on every message."""

from __future__ import annotations

import pytest

from bot.local import CHANNEL_ID, PRIVATE_CHANNEL_ID, REVIEWER
from tests.pdfs import one_column_paper
from workflows.states import State


@pytest.fixture
def show_overrides(request):
    return getattr(request, "param", {"channel": "#papercast-private"})


def test_a_pdf_dropped_in_a_private_show_channel_starts_an_episode(slack):
    """#papercast-private (message.groups event, channel_type group) reaches review, found by name once."""
    dropped = slack.ws.drop_pdf(REVIEWER, one_column_paper(slack.tmp / "paper.pdf"), channel=PRIVATE_CHANNEL_ID)
    event = json_event(dropped)
    assert event["channel_type"] == "group"
    episode = slack.episode_in(State.IN_REVIEW)
    assert episode.channel == PRIVATE_CHANNEL_ID
    [listed] = slack.ws.calls("conversations.list")
    assert "private_channel" in listed.params["types"]


def test_a_pdf_in_another_channel_is_left_alone(slack):
    """With a private show channel, a PDF in #papercast starts nothing."""
    slack.ws.drop_pdf(REVIEWER, one_column_paper(slack.tmp / "paper.pdf"), channel=CHANNEL_ID)
    slack.ws.post(REVIEWER, "hello", channel=PRIVATE_CHANNEL_ID)
    assert slack.ws.wait_for(lambda: len(slack.ws.deliveries("event")) >= 3)
    assert slack.svc.store.all() == []


@pytest.mark.parametrize("show_overrides", [{"channel": "#nowhere"}], indirect=True)
def test_a_channel_that_is_not_found_is_not_listed_again_on_every_message(slack):
    """A show channel the bot cannot see is looked up once, then remembered as missing for a while (six events)."""
    notes = slack.tmp / "notes.txt"
    notes.write_text("notes", encoding="utf-8")
    for _ in range(3):
        slack.ws.drop_pdf(REVIEWER, notes)
    assert all(d.acked for d in slack.ws.deliveries("event")) and len(slack.ws.deliveries("event")) == 6
    slack.ws.wait_for(lambda: len(slack.ws.calls("conversations.list")) > 1, 1)
    assert len(slack.ws.calls("conversations.list")) == 1


def json_event(dropped) -> dict:
    import json

    return json.loads(dropped["deliveries"][0].body)["event"]


def test_a_missing_channel_is_asked_for_again_after_a_while(slack):
    """ShowChannel remembers a miss for retry_seconds (injected clock), then lists the channels again."""
    from bot.listeners.events._channel import ShowChannel

    now = [0.0]
    channel = ShowChannel(slack.app.client, "#later", retry_seconds=300, clock=lambda: now[0])
    before = len(slack.ws.calls("conversations.list"))
    assert channel.id() is None and channel.id() is None
    now[0] = 301.0
    assert channel.id() is None
    assert len(slack.ws.calls("conversations.list")) - before == 2
