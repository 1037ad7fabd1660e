"""Reminding the shipping owner: in the thread, by DM, escalated to the reviewers; and the owner's buttons."""

from __future__ import annotations

from bot.local import CHANNEL_ID, OTHER, OWNER, REVIEWER, dm_channel_id


def _published(slack):
    root = slack.ws.post(REVIEWER, "a paper")["message"]
    store = slack.svc.store
    ep = store.create(uploader=REVIEWER, channel=CHANNEL_ID, thread_ts=root["ts"], title="A Paper")
    for name, kw in (("extract", {}), ("draft", {"script": {"author": "papercast", "script": {}}}), ("submit", {}),
                     ("approve", {"updates": {"owner": OWNER}}), ("render", {}), ("publish", {})):
        ep = store.transition(ep.id, name, actor="papercast", **kw)
    return ep


def test_a_reminder_mentions_the_owner_in_the_thread_and_by_dm_with_their_buttons(slack):
    """ping_owner posts the diagnosis in the thread and in the owner's DM, with check/snooze/fix/reassign."""
    ep = _published(slack)
    slack.svc.people.ping_owner(ep.id, "The commit is not pushed.")
    in_thread = slack.ws.wait_for_message(lambda m: "not pushed" in str(m.get("blocks")), thread_ts=ep.thread_ts)
    in_dm = slack.ws.wait_for_message(lambda m: "not pushed" in str(m.get("blocks")), channel=dm_channel_id(OWNER))
    for message in (in_thread, in_dm):
        assert message is not None and f"<@{OWNER}>" in str(message["blocks"])
        ids = {e.get("action_id") for b in message["blocks"] for e in b.get("elements", []) + [b.get("accessory") or {}]
               if isinstance(e, dict)}
        assert {"ship_check_now", "ship_snooze", "ship_i_fixed_it", "ship_reassign", "ship_publish_by_hand"} <= ids


def test_an_escalated_reminder_also_calls_the_reviewers_in_the_channel(slack):
    """escalate=True adds a channel message that mentions the configured reviewers."""
    ep = _published(slack)
    slack.svc.people.ping_owner(ep.id, "The site still serves the old feed.", escalate=True)
    top = slack.ws.wait_for_message(lambda m: "old feed" in str(m.get("blocks")) and not m.get("thread_ts"))
    assert top is not None and f"<@{REVIEWER}>" in str(top["blocks"])


def test_someone_who_is_neither_owner_nor_reviewer_cannot_act_on_shipping(slack):
    """A stranger clicking Snooze or reassigning is told who may, and the episode's owner stays."""
    ep = _published(slack)
    slack.svc.people.ping_owner(ep.id, "Not deployed yet.")
    reminder = slack.ws.wait_for_message(lambda m: "Not deployed" in str(m.get("blocks")), thread_ts=ep.thread_ts)
    slack.ws.click(OTHER, reminder["ts"], "ship_snooze")
    assert slack.wait_ephemeral(OTHER, "Only the shipping owner")
    slack.ws.select(OTHER, reminder["ts"], "ship_reassign", OTHER)
    assert slack.ws.wait_for(lambda: len([t for t in slack.ephemeral_texts(OTHER) if "Only the shipping owner" in t]) == 2)
    assert slack.svc.store.get(ep.id).owner == OWNER


def test_the_owner_can_hand_the_episode_to_someone_else(slack):
    """The owner picks a new owner in the reminder's users_select; the episode and card say so."""
    ep = _published(slack)
    slack.svc.people.ping_owner(ep.id, "Not deployed yet.")
    reminder = slack.ws.wait_for_message(lambda m: "Not deployed" in str(m.get("blocks")), thread_ts=ep.thread_ts)
    slack.ws.select(OWNER, reminder["ts"], "ship_reassign", REVIEWER)
    assert slack.ws.wait_for(lambda: slack.svc.store.get(ep.id).owner == REVIEWER)
    assert slack.wait_ephemeral(OWNER, f"<@{REVIEWER}> owns it now")
