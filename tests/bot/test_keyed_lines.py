"""Lines with a key are said once per episode and key, by Slack and by the recording fake alike."""

from __future__ import annotations

from bot.local import CHANNEL_ID, OWNER, REVIEWER, dm_channel_id
from workflows.people import RecordingPeople


def _episode(slack, owner: str | None = OWNER):
    root = slack.ws.post(REVIEWER, "a paper")["message"]
    ep = slack.svc.store.create(uploader=REVIEWER, channel=CHANNEL_ID, thread_ts=root["ts"], title="A Paper")
    if owner:
        slack.svc.store.transition(ep.id, "extract", actor="papercast")
        slack.svc.store.transition(ep.id, "draft", actor="papercast", script={"author": "papercast", "script": {}})
        slack.svc.store.transition(ep.id, "submit", actor="papercast")
        ep = slack.svc.store.transition(ep.id, "approve", actor="papercast", updates={"owner": owner})
    return ep


def _bot_lines(slack, ep) -> list[dict]:
    return [m for m in slack.ws.messages(thread_ts=ep.thread_ts) if m.get("bot_id")]


def test_the_same_key_twice_is_one_line_and_no_key_is_every_time(slack):
    """say(key=k) twice posts once; say without a key posts each time; every line names its episode in metadata."""
    ep = _episode(slack, owner=None)
    for _ in range(2):
        slack.svc.people.say(ep.id, "Checked: not live yet.", key=f"followup:{ep.id}:09:00")
        slack.svc.people.say(ep.id, "Thanks, noted.")
    lines = _bot_lines(slack, ep)
    assert [m["text"] for m in lines] == ["Checked: not live yet.", "Thanks, noted.", "Thanks, noted."]
    assert all(m["metadata"]["event_type"] == "papercast_effect" and m["metadata"]["event_payload"]["episode"] == ep.id
               for m in lines)
    assert lines[0]["metadata"]["event_payload"]["key"] == f"followup:{ep.id}:09:00"
    assert "key" not in lines[1]["metadata"]["event_payload"]


def test_a_keyed_reminder_twice_is_one_dm_and_one_thread_reminder(slack):
    """ping_owner(key=k) twice: one DM; another key DMs again; the thread holds one reminder, rewritten."""
    ep = _episode(slack)
    for key in ("followup:a", "followup:a", "followup:b"):
        slack.svc.people.ping_owner(ep.id, "The commit is not pushed.", key=key)
    assert len(_bot_lines(slack, ep)) == 1
    dms = [m for m in slack.ws.messages(channel=dm_channel_id(OWNER)) if m.get("bot_id")]
    assert [m["metadata"]["event_payload"]["key"] for m in dms] == ["followup:a:dm", "followup:b:dm"]


def test_the_recording_fake_records_a_key_once():
    """RecordingPeople keeps one say or ping per episode and key, like the real one, and every unkeyed call."""
    people = RecordingPeople()
    for _ in range(2):
        people.say("ep1", "hello", key="k")
        people.say("ep2", "hello", key="k")
        people.ping_owner("ep1", "not pushed", key="p")
        people.say("ep1", "again")
    assert people.named("say") == [("ep1", "hello"), ("ep2", "hello"), ("ep1", "again"), ("ep1", "again")]
    assert people.named("ping_owner") == [("ep1", "not pushed", False)]
