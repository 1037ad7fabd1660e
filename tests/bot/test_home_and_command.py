"""App Home and /papercast show the ship ledger (unshipped first); help and check answer."""

from __future__ import annotations

from bot.local import CHANNEL_ID, OTHER, REVIEWER


def _two_episodes(slack):
    """One episode still open (received), one finished (a duplicate), created an hour apart."""
    store = slack.svc.store
    done = store.create(uploader=REVIEWER, channel=CHANNEL_ID, title="Finished Paper")
    store.transition(done.id, "mark_duplicate", actor="papercast")
    open_ = store.create(uploader=REVIEWER, channel=CHANNEL_ID, title="Open Paper")
    return open_, done


def test_app_home_shows_the_ledger_with_unshipped_episodes_first(slack):
    """Opening App Home publishes the ledger: state, owner and age of every episode, unshipped first."""
    _two_episodes(slack)
    slack.ws.open_home(OTHER)
    home = slack.ws.wait_for(lambda: slack.ws.home_view(OTHER))
    text = str(home["blocks"])
    assert "Ship ledger" in text and text.index("Open Paper") < text.index("Finished Paper")
    assert "owner nobody yet · age 0m" in text and "duplicate" in text


def test_slash_status_answers_with_the_ledger_to_the_person_only(slack):
    """`/papercast status` replies (ephemerally) with the ledger, unshipped first."""
    _two_episodes(slack)
    delivery = slack.ws.slash(OTHER, "status")
    assert delivery.acked and delivery.last.latency < 3
    reply = slack.ws.wait_for(lambda: next((m for m in slack.ws.ephemerals(OTHER) if "Ship ledger" in str(m)), None))
    text = str(reply)
    assert text.index("Open Paper") < text.index("Finished Paper")


def test_slash_help_and_unknown_words_explain_the_commands(slack):
    """`/papercast help` (and anything it does not know) lists status, check and help."""
    for words in ("help", "frobnicate"):
        slack.ws.slash(OTHER, words)
    replies = slack.ws.wait_for(lambda: (r := [m for m in slack.ws.ephemerals(OTHER) if "/papercast check" in str(m)])
                                and len(r) == 2 and r)
    assert replies and all("/papercast status" in m.get("text", "") for m in replies)


def test_slash_check_of_an_unknown_episode_says_how_to_find_one(slack):
    """`/papercast check nope` tells the person there is no such episode and where the ids are."""
    slack.ws.slash(OTHER, "check ep_nope")
    told = slack.wait_ephemeral(OTHER, "There is no episode")
    assert told is not None and "/papercast status" in told
