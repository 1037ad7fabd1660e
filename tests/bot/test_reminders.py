"""The shipping owner: told at approval by DM; each reminder reaches them once (a DM), the thread keeps one reminder
updated in place, and once shipped every reminder shows the outcome instead of its buttons."""

from __future__ import annotations

import json

from bot.local import CHANNEL_ID, OTHER, OWNER, REVIEWER, dm_channel_id
from workflows.states import State


def _published(slack, **facts):
    root = slack.ws.post(REVIEWER, "a paper")["message"]
    store = slack.svc.store
    ep = store.create(uploader=REVIEWER, channel=CHANNEL_ID, thread_ts=root["ts"], title="A Paper")
    for name, kw in (("extract", {}), ("draft", {"script": {"author": "papercast", "script": {}}}), ("submit", {}),
                     ("approve", {"updates": {"owner": OWNER}}), ("render", {}), ("publish", {"facts": facts})):
        ep = store.transition(ep.id, name, actor="papercast", **kw)
    return ep


def _dms(slack, user: str = OWNER) -> list[dict]:
    return [m for m in slack.ws.messages(channel=dm_channel_id(user)) if m.get("bot_id")]


def _reminders_in_thread(slack, ep) -> list[dict]:
    return [m for m in slack.ws.messages(thread_ts=ep.thread_ts)
            if ((m.get("metadata") or {}).get("event_payload") or {}).get("key") == "owner-reminder"]


def _ids(message: dict) -> set[str]:
    return {e.get("action_id") for b in message.get("blocks") or [] for e in b.get("elements", []) + [b.get("accessory") or {}]
            if isinstance(e, dict) and e.get("action_id")}


def test_a_reminder_reaches_the_owner_once_by_dm_and_the_thread_mentions_nobody(slack):
    """ping_owner: one DM to the owner with the buttons; the thread's reminder has the buttons and no mention."""
    ep = _published(slack)
    slack.svc.people.ping_owner(ep.id, "The commit is not pushed.", key="followup:1")
    [dm] = slack.ws.wait_for(lambda: _dms(slack))
    [in_thread] = _reminders_in_thread(slack, ep)
    for message in (dm, in_thread):
        assert "not pushed" in str(message["blocks"])
        assert {"ship_check_now", "ship_snooze", "ship_i_fixed_it", "ship_reassign", "ship_publish_by_hand"} <= _ids(message)
    assert "<@" not in json.dumps(in_thread["blocks"]) and "You are the shipping owner" in str(dm["blocks"])


def test_later_reminders_update_the_one_thread_message_and_dm_again(slack):
    """Three pings: three DMs (one each), one thread reminder rewritten with the latest diagnosis and count."""
    ep = _published(slack)
    for i, diagnosis in enumerate(("Not pushed.", "Not deployed.", "Stale cache."), start=1):
        slack.svc.people.ping_owner(ep.id, diagnosis, key=f"followup:{i}")
    slack.svc.people.ping_owner(ep.id, "Stale cache.", key="followup:3")  # a repeat after a crash
    assert len(_dms(slack)) == 3
    [reminder] = _reminders_in_thread(slack, ep)
    assert "Stale cache." in str(reminder["blocks"]) and "reminder 3" in str(reminder["blocks"])
    assert reminder.get("edited") and "Not pushed." not in str(reminder["blocks"])


def test_an_escalation_calls_the_reviewers_without_pinging_the_owner_again(slack):
    """escalate=True adds a channel message for the reviewers; the owner is mentioned nowhere but their DM."""
    ep = _published(slack)
    slack.svc.people.ping_owner(ep.id, "The site still serves the old feed.", escalate=True, key="followup:4")
    top = slack.ws.wait_for_message(lambda m: "old feed" in str(m.get("blocks")) and not m.get("thread_ts"))
    assert top is not None and f"<@{REVIEWER}>" in str(top["blocks"]) and f"<@{OWNER}>" not in str(top["blocks"])
    assert len(_dms(slack)) == 1


def test_once_shipped_every_reminder_shows_the_outcome_instead_of_buttons(slack):
    """After ship, the thread reminder, each DM and the call-out lose their buttons and say it shipped."""
    ep = _published(slack, commit="c" * 40)
    slack.svc.people.ping_owner(ep.id, "Not deployed.", key="followup:1")
    slack.svc.people.ping_owner(ep.id, "Not deployed.", escalate=True, key="followup:2")
    ep = slack.svc.store.transition(ep.id, "ship", actor="papercast", facts={"shipped_at": "2026-11-23T10:02:00+00:00",
                                                                            "page_url": "http://site.test/a-paper/"})
    slack.svc.people.status(ep.id)
    reminders = [m for m in slack.ws.messages() + slack.ws.messages(thread_ts=ep.thread_ts) + _dms(slack)
                 if "reminder" in str(m.get("blocks")) and m.get("bot_id")]
    assert len({m["ts"] for m in reminders}) == 4  # thread, two DMs, the call-out
    for m in reminders:
        assert not _ids(m) and "shipped" in str(m["blocks"]) and "<http://site.test/a-paper/|A Paper>" in str(m["blocks"])
    updates = len(slack.ws.calls("chat.update"))
    slack.svc.people.status(ep.id)
    assert len(slack.ws.calls("chat.update")) == updates + 1  # only the card: reminders are closed once


def test_a_click_in_the_thread_is_said_once_and_a_click_in_the_dm_is_answered_there(slack):
    """Snooze in the thread: the thread line only, no copy; in the DM: one DM reply, 'for 1 minute', not '1 minutes'."""
    ep = _published(slack)
    slack.svc.people.ping_owner(ep.id, "Not deployed yet.", key="followup:1")
    [reminder] = _reminders_in_thread(slack, ep)
    slack.ws.click(OWNER, reminder["ts"], "ship_snooze", value=json.dumps({"e": ep.id, "m": 1}))
    line = slack.ws.wait_for_message(lambda m: "snoozed the reminders" in m.get("text", ""), thread_ts=ep.thread_ts)
    assert line is not None and slack.ephemeral_texts(OWNER) == []
    [dm] = _dms(slack)
    slack.ws.click(OWNER, dm["ts"], "ship_snooze", value=json.dumps({"e": ep.id, "m": 1}))
    reply = slack.ws.wait_for(lambda: next((m for m in _dms(slack) if "Snoozed" in m.get("text", "")), None))
    assert reply["text"].startswith(":zzz: Snoozed the reminders for 1 minute.") and slack.ephemeral_texts(OWNER) == []


def test_someone_who_is_neither_owner_nor_reviewer_cannot_act_on_shipping(slack):
    """A stranger clicking Snooze or reassigning is told who may, and the episode's owner stays."""
    ep = _published(slack)
    slack.svc.people.ping_owner(ep.id, "Not deployed yet.")
    [reminder] = _reminders_in_thread(slack, ep)
    slack.ws.click(OTHER, reminder["ts"], "ship_snooze")
    assert slack.wait_ephemeral(OTHER, "Only the shipping owner")
    slack.ws.select(OTHER, reminder["ts"], "ship_reassign", OTHER)
    assert slack.ws.wait_for(lambda: len([t for t in slack.ephemeral_texts(OTHER) if "Only the shipping owner" in t]) == 2)
    assert slack.svc.store.get(ep.id).owner == OWNER


def test_the_owner_can_hand_the_episode_to_someone_else_who_is_told_by_dm(slack):
    """The owner picks a new owner in the reminder's users_select; the thread says so and the new owner gets a DM."""
    ep = _published(slack)
    slack.svc.people.ping_owner(ep.id, "Not deployed yet.")
    [reminder] = _reminders_in_thread(slack, ep)
    slack.ws.select(OWNER, reminder["ts"], "ship_reassign", REVIEWER)
    assert slack.ws.wait_for(lambda: slack.svc.store.get(ep.id).owner == REVIEWER)
    told = slack.ws.wait_for(lambda: _dms(slack, REVIEWER))
    assert told and f"<@{OWNER}> made you the shipping owner of" in told[0]["text"] + str(told[0]["blocks"])
    assert slack.ws.wait_for_message(lambda m: f"made <@{REVIEWER}> the shipping owner" in m.get("text", ""),
                                     thread_ts=ep.thread_ts)


def test_the_owner_is_told_by_dm_at_approval_what_they_own_and_what_comes(slack):
    """Approving through the modal DMs the named owner once: they own shipping, and what papercast does until live."""
    episode, review = slack.in_review()
    slack.ws.click(REVIEWER, review["ts"], "review_approve")
    modal = slack.ws.wait_for(lambda: next(iter(slack.ws.open_views(REVIEWER)), None))
    slack.ws.submit_view(REVIEWER, modal["id"], {"owner": OWNER})
    assert slack.ws.wait_for(lambda: slack.svc.store.get(episode.id).state == State.APPROVED)
    [dm] = slack.ws.wait_for(lambda: _dms(slack))
    text = str(dm["blocks"])
    assert f"<@{REVIEWER}> approved" in text and "named you its shipping owner" in text
    assert "checks the live site" in text and "twice in a row" in text and "reminder" in text
    assert "archives/" in text  # the title links to the thread
    slack.svc.people.tell_owner_approved(episode.id, REVIEWER)
    assert len(_dms(slack)) == 1
