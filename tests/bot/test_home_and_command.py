"""App Home and /papercast show the ship ledger (real episodes, unshipped first, titles linked to their threads);
reviewers dismiss failed ones; help, check and unknown words answer through the command's response_url."""

from __future__ import annotations

from bot.local import CHANNEL_ID, OTHER, OWNER, REVIEWER
from workflows.states import State


def _moved(store, ep, *names, **last):
    for name in names[:-1]:
        kw = {"script": {"author": "papercast", "script": {}}} if name == "draft" else {}
        ep = store.transition(ep.id, name, actor="papercast", **kw)
    return store.transition(ep.id, names[-1], actor="papercast", **last)


def _episodes(slack):
    """Each in its own thread: one open (received), one finished (rejected), a duplicate, a refused drop, a failed render."""
    store = slack.svc.store

    def new(title: str):
        root = slack.ws.post(OWNER, f"paper: {title}")["message"]
        return store.create(uploader=OWNER, channel=CHANNEL_ID, thread_ts=root["ts"], title=title)

    done = _moved(store, new("Finished Paper"), "extract", "draft", "submit", "reject")
    dup = store.transition(new("Twice Paper").id, "mark_duplicate", actor="papercast")
    refused = store.transition(new("").id, "fail", actor="papercast",
                               updates={"failed_step": "extract", "error": "The PDF is damaged and cannot be read."},
                               facts={"error_kind": "damaged_pdf", "retryable": False, "source": {"name": "cut.pdf"}})
    failed = _moved(store, new("Broken Render"), "extract", "draft", "submit", "approve", "fail",
                    updates={"failed_step": "render", "error": "The speech backend failed."})
    open_ = new("Open Paper")
    return {"open": open_, "done": done, "dup": dup, "refused": refused, "failed": failed}


def test_app_home_lists_real_episodes_unshipped_first_and_drops_apart(slack):
    """App Home: unshipped first, then finished, then refused drops (not counted as unshipped); no duplicates."""
    _episodes(slack)
    slack.ws.open_home(OTHER)
    home = slack.ws.wait_for(lambda: slack.ws.home_view(OTHER))
    text = str(home["blocks"])
    assert "Ship ledger" in text and "2 not shipped yet · 1 finished · 1 dropped file refused · 1 duplicate or dismissed" in text
    assert text.index("Broken Render") < text.index("Open Paper") < text.index("Finished Paper") < text.index("cut.pdf")
    assert "Twice Paper" not in text
    assert "owner nobody yet · age 0m" in text and "Dropped files that did not become episodes" in text


def test_ledger_titles_link_to_their_threads(slack):
    """Each title is a link to its thread (chat.getPermalink), asked once per episode and remembered."""
    eps = _episodes(slack)
    slack.ws.open_home(OWNER)
    home = slack.ws.wait_for(lambda: slack.ws.home_view(OWNER))
    link = slack.ws.api.state.base_url + f"archives/{CHANNEL_ID}/p{eps['open'].thread_ts.replace('.', '')}"
    assert f"<{link}|Open Paper>" in str(home["blocks"])
    asked = len(slack.ws.calls("chat.getPermalink"))
    slack.ws.open_home(OWNER)
    slack.ws.wait_for(lambda: len(slack.ws.calls("views.publish")) == 2)
    assert len(slack.ws.calls("chat.getPermalink")) == asked == 4


def test_a_reviewer_dismisses_a_failed_episode_from_app_home(slack):
    """Dismiss on App Home: an audited move to dismissed, the card says so, the unshipped count drops."""
    eps = _episodes(slack)
    slack.ws.open_home(REVIEWER)
    home = slack.ws.wait_for(lambda: slack.ws.home_view(REVIEWER))
    assert "2 not shipped yet" in str(home["blocks"])
    slack.ws.click_view(REVIEWER, home["id"], "episode_dismiss", value=f'{{"e":"{eps["failed"].id}","v":{eps["failed"].version}}}')
    assert slack.ws.wait_for(lambda: slack.svc.store.get(eps["failed"].id).state == State.DISMISSED)
    row = slack.svc.store.audit(eps["failed"].id)[-1]
    assert (row.transition, row.actor, row.from_state) == ("dismiss", REVIEWER, State.FAILED)
    again = slack.ws.wait_for(lambda: "1 not shipped yet" in str(slack.ws.home_view(REVIEWER)["blocks"]))
    assert again and "Broken Render" not in str(slack.ws.home_view(REVIEWER)["blocks"])
    card = slack.ws.wait_for_message(lambda m: "Dismissed by" in str(m.get("blocks")), thread_ts=eps["failed"].thread_ts)
    assert card is not None and "episode_retry" not in str(card["blocks"])


def test_only_reviewers_see_and_use_dismiss(slack):
    """Someone who is not a reviewer gets no Dismiss button, and a forged click is refused in a DM."""
    eps = _episodes(slack)
    slack.ws.open_home(OTHER)
    home = slack.ws.wait_for(lambda: slack.ws.home_view(OTHER))
    assert "episode_dismiss" not in str(home["blocks"])
    slack.svc.people.status(eps["refused"].id)
    card = slack.ws.wait_for_message(lambda m: "episode_dismiss" in str(m.get("blocks")), thread_ts=eps["refused"].thread_ts)
    slack.ws.click(OTHER, card["ts"], "episode_dismiss")
    assert slack.wait_ephemeral(OTHER, "Only the show's reviewers can dismiss an episode")
    assert slack.svc.store.get(eps["refused"].id).state == State.FAILED


def test_slash_status_answers_with_the_ledger_to_the_person_only(slack):
    """`/papercast status` replies (ephemerally, by response_url) with the ledger, unshipped first."""
    _episodes(slack)
    delivery = slack.ws.slash(OTHER, "status")
    assert delivery.acked and delivery.last.latency < 3
    reply = slack.ws.wait_for(lambda: next((m for m in slack.ws.ephemerals(OTHER) if "Ship ledger" in str(m)), None))
    text = str(reply)
    assert text.index("Open Paper") < text.index("Finished Paper")
    assert slack.ws.ephemerals(REVIEWER) == [] and not slack.ws.calls("chat.postEphemeral")


def test_dismiss_in_the_slash_reply_replaces_the_reply(slack):
    """A reviewer's Dismiss in the /papercast status reply moves the episode and refreshes that same reply."""
    eps = _episodes(slack)
    slack.ws.slash(REVIEWER, "status")
    reply = slack.ws.wait_for(lambda: next((m for m in slack.ws.ephemerals(REVIEWER) if "Ship ledger" in str(m)), None))
    slack.ws.click(REVIEWER, reply["ts"], "episode_dismiss", value=f'{{"e":"{eps["refused"].id}","v":{eps["refused"].version}}}')
    assert slack.ws.wait_for(lambda: slack.svc.store.get(eps["refused"].id).state == State.DISMISSED)
    updated = slack.ws.wait_for(lambda: "cut.pdf" not in str(slack.ws.ephemerals(REVIEWER)) and slack.ws.ephemerals(REVIEWER))
    assert updated and len(updated) == 1 and "2 duplicate or dismissed" in str(updated[0])


def test_a_published_episodes_diagnosis_shows_on_the_card_and_in_the_ledger(slack):
    """Why a published episode is not live (facts.last_check) is the card's and the ledger's latest problem."""
    eps = _episodes(slack)
    store = slack.svc.store
    ep = _moved(store, eps["open"], "extract", "draft", "submit", "approve", "render", "publish")
    store.update_facts(ep.id, last_check={"shipped": False, "kind": "not_deployed",
                                          "diagnosis": "The site answers 404 for episode.mp3."})
    slack.svc.people.status(ep.id)
    card = slack.ws.wait_for_message(lambda m: "Latest problem" in str(m.get("blocks")), thread_ts=ep.thread_ts)
    assert card is not None and "The site answers 404 for episode.mp3." in str(card["blocks"])
    slack.ws.slash(OTHER, "status")
    reply = slack.ws.wait_for(lambda: next((m for m in slack.ws.ephemerals(OTHER) if "Ship ledger" in str(m)), None))
    assert ":warning: The site answers 404 for episode.mp3." in str(reply["blocks"])


def test_slash_help_lists_the_commands_and_unknown_words_are_named(slack):
    """`/papercast help` lists status, check and help; an unknown word is named before the same list."""
    slack.ws.slash(OTHER, "help")
    slack.ws.slash(OTHER, "frobnicate now")
    replies = slack.ws.wait_for(lambda: (r := [m for m in slack.ws.ephemerals(OTHER) if "/papercast check" in str(m)])
                                and len(r) == 2 and r)
    assert replies and all("/papercast status" in m.get("text", "") for m in replies)
    assert not replies[0]["text"].startswith("I don't know")
    assert replies[1]["text"].startswith("I don't know `frobnicate now`.")


def test_slash_check_of_an_unknown_episode_answers_where_ephemerals_cannot_go(slack):
    """`/papercast check nope` answers by response_url, even where chat.postEphemeral fails (a DM, a channel without the bot)."""
    slack.ws.fail_next("chat.postEphemeral", times=5, how="channel_not_found")
    slack.ws.slash(OTHER, "check ep_nope")
    told = slack.wait_ephemeral(OTHER, "There is no episode")
    assert told is not None and "/papercast status" in told
    assert not slack.ws.calls("chat.postEphemeral")
