"""No Slack message, upload or status card twice when the process dies between the effect and its record.

Each test runs the real :class:`bot.slack_people.SlackPeople` in a child process against the
local workspace's Web API on loopback; ``PAPERCAST_CRASH_AT`` kills the child (``os._exit``)
at one named point, right after Slack accepted the post and before the store recorded it.
A fresh process (a new SlackPeople, a new database connection) then makes the same call,
and the thread, read from the workspace's own state, must hold exactly one of each.

Run as ``python -m tests.faults.test_slack_effects <method> <episode> [args…]`` it is that child.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import update

from bot.local import CHANNEL_ID, OWNER, REVIEWER, LocalWorkspace, dm_channel_id
from bot.reviewers import Reviewers
from bot.slack_facts import slack_facts
from bot.slack_people import SlackPeople
from bot.slack_uploads import ThreadUploads
from tests.audio.samples import make_script
from tests.ship.helpers import NOTES, TRANSCRIPT
from workflows.failpoints import ENV as CRASH_ENV, EXIT_CODE
from workflows.people import RecordingPeople
from workflows.services import Services, build_services
from workflows.settings import Environment, Settings, Show
from workflows.states import State
from workflows.store.schema import episodes

ROOT = Path(__file__).resolve().parents[2]
AUDIO = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 64


def _settings(data_dir: Path, api_url: str, token: str) -> Settings:
    env = Environment(slack_bot_token=token, slack_api_url=api_url, papercast_data_dir=data_dir)
    return Settings(env=env, show=Show(channel=CHANNEL_ID, reviewers=[REVIEWER]), show_source="tests/faults")


def _people(settings: Settings, *, settle_seconds: float = 10.0, sleep=None) -> tuple[SlackPeople, Services]:
    """A fresh SlackPeople on its own database connection, as a restarted process has."""
    svc = build_services(settings, RecordingPeople())
    client = WebClient(token=settings.env.slack_bot_token.get_secret_value(), base_url=settings.env.slack_api_url)
    uploads = ThreadUploads(client, svc.store, settle_seconds=settle_seconds, sleep=sleep or (lambda s: None))
    people = SlackPeople(client, svc.store, settings.show, Reviewers(client, settings.show), svc.artifacts,
                         clock=svc.clock, uploads=uploads)
    return people, svc


def _child() -> None:
    method, episode_id, *args = sys.argv[1:]
    settings = _settings(Path(os.environ["TEST_DATA_DIR"]), os.environ["SLACK_API_URL"], os.environ["SLACK_BOT_TOKEN"])
    people, _ = _people(settings)
    getattr(people, method)(episode_id, *json.loads(args[0]) if args else (), **json.loads(args[1]) if len(args) > 1 else {})


class Thread:
    """A workspace, a database and one episode whose thread is a dropped paper's message."""

    def __init__(self, tmp: Path) -> None:
        self.ws = LocalWorkspace(tmp / "ws").start()
        self.data_dir = tmp / "var"
        self.settings = _settings(self.data_dir, self.ws.api_url, self.ws.bot_token)
        _, self.svc = _people(self.settings)
        self.root = self.ws.post(REVIEWER, "Here is the paper")["message"]["ts"]
        self.episode = self.svc.store.create(uploader=REVIEWER, channel=CHANNEL_ID, thread_ts=self.root,
                                             title="Small models, big results")

    def crash(self, point: str, method: str, *args, **kwargs) -> None:
        """Run ``method`` in a child that dies at ``point``; assert it did."""
        env = {**os.environ, CRASH_ENV: point, "TEST_DATA_DIR": str(self.data_dir), "SLACK_API_URL": self.ws.api_url,
               "SLACK_BOT_TOKEN": self.ws.bot_token}
        argv = [sys.executable, "-m", "tests.faults.test_slack_effects", method, self.episode.id,
                json.dumps(list(args)), json.dumps(kwargs)]
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == EXIT_CODE, f"the child did not die at {point}: {done.returncode}\n{done.stderr[-2000:]}"

    def again(self, method: str, *args, **kwargs) -> SlackPeople:
        """The same call from a fresh SlackPeople and connection (the restarted process)."""
        people, _ = _people(self.settings, **kwargs.pop("_uploads", {}))
        getattr(people, method)(self.episode.id, *args, **kwargs)
        return people

    def replies(self) -> list[dict]:
        return [m for m in self.ws.messages(thread_ts=self.root) if m.get("bot_id")]

    def keyed(self, key: str) -> list[dict]:
        return [m for m in self.replies() if ((m.get("metadata") or {}).get("event_payload") or {}).get("key") == key]

    def uploads(self, suffix: str) -> list[dict]:
        return [m for m in self.replies() if any(f["name"].endswith(suffix) for f in m.get("files") or [])]

    def stop(self) -> None:
        self.ws.stop()


@pytest.fixture
def thread(tmp_path):
    t = Thread(tmp_path)
    yield t
    t.stop()


def _set(thread: Thread, **values) -> None:
    with thread.svc.store.engine.begin() as conn:
        conn.execute(update(episodes).where(episodes.c.id == thread.episode.id).values(**values))


def _with_script(thread: Thread) -> None:
    """Give the episode script version 1 (as the draft step does)."""
    store = thread.svc.store
    store.transition(thread.episode.id, "extract", actor="papercast")
    store.transition(thread.episode.id, "draft", actor="papercast", script={
        "author": "papercast", "writer": "offline", "script": make_script().model_dump(mode="json")})


def _with_audio(thread: Thread) -> None:
    """Approve the episode and give it its three rendered artifacts (as the render step does)."""
    arts = thread.svc.artifacts
    files = [arts.put_bytes(AUDIO, kind="audio", media_type="audio/mpeg", filename="episode.mp3", duration_seconds=12.0),
             arts.put_bytes(TRANSCRIPT, kind="transcript", media_type="text/vtt", filename="transcript.vtt"),
             arts.put_bytes(NOTES, kind="notes", media_type="text/markdown", filename="notes.md")]
    _set(thread, state=State.APPROVED.value, owner=OWNER)
    thread.svc.store.transition(thread.episode.id, "render", actor="papercast", artifacts_=files)


def test_a_crash_right_after_posting_the_status_card_leaves_one_card(thread):
    """Killed after chat.postMessage of the card, before its ts is stored: the next run finds it and updates it."""
    thread.crash("status_card.posted", "status")
    assert len(thread.keyed("status-card")) == 1 and thread.svc.store.get(thread.episode.id).status_ts is None
    thread.again("status")
    thread.again("status")
    [card] = thread.keyed("status-card")
    assert thread.svc.store.get(thread.episode.id).status_ts == card["ts"]
    assert len(thread.ws.calls("chat.postMessage")) == 1 and len(thread.ws.calls("chat.update")) == 2
    assert any(b.get("block_id") == "status" for b in card["blocks"])


def test_a_crash_right_after_posting_the_review_message_leaves_one_review_and_one_script_file(thread):
    """Killed after the review message is posted, before its ts is stored: one review message, one script file."""
    _with_script(thread)
    thread.crash("review.posted", "ask_review", 1)
    assert len(thread.keyed("review:v1")) == 1 and not slack_facts(thread.svc.store.get(thread.episode.id)).review_messages
    thread.again("ask_review", 1)
    thread.again("ask_review", 1)
    [review] = thread.keyed("review:v1")
    facts = slack_facts(thread.svc.store.get(thread.episode.id))
    assert facts.review_messages == {"1": review["ts"]} and facts.script_files == ["1"]
    assert "review_approve" in json.dumps(review["blocks"])
    assert len(thread.uploads("-script-v1.md")) == 1 and len(thread.ws.calls("files.completeUploadExternal")) == 1


def test_a_crash_right_after_the_audio_upload_completed_leaves_one_upload(thread):
    """Killed after files.completeUploadExternal, before audio_shared is stored: files.info shows it shared; no second upload."""
    _with_audio(thread)
    thread.crash("audio.shared", "share_audio")
    assert len(thread.uploads(".mp3")) == 1 and not slack_facts(thread.svc.store.get(thread.episode.id)).audio_shared
    thread.again("share_audio")
    thread.again("share_audio")
    [upload] = thread.uploads(".mp3")
    assert sorted(f["name"] for f in upload["files"]) == ["episode.mp3", "notes.md", "transcript.vtt"]
    assert slack_facts(thread.svc.store.get(thread.episode.id)).audio_shared is True
    assert len(thread.ws.calls("files.completeUploadExternal")) == 1
    assert len(thread.ws.calls("files.getUploadURLExternal")) == 3
    mp3 = next(f for f in upload["files"] if f["name"] == "episode.mp3")
    assert thread.ws.file_bytes(mp3["id"]) == AUDIO


def test_a_crash_after_the_upload_ids_are_recorded_but_before_sharing_shares_those_files_once(thread):
    """Killed after the bytes went up and the file ids were stored, before completing: the next run waits for
    Slack's asynchronous share, then completes the same files (no second upload of the bytes)."""
    _with_audio(thread)
    thread.crash("upload.recorded", "share_audio")
    assert thread.uploads(".mp3") == [] and len(thread.ws.calls("files.getUploadURLExternal")) == 3
    waited: list[float] = []
    thread.again("share_audio", _uploads={"settle_seconds": 2.0, "sleep": waited.append})
    [upload] = thread.uploads(".mp3")
    recorded = slack_facts(thread.svc.store.get(thread.episode.id)).slack_uploads["audio"].files
    assert sorted(f["id"] for f in upload["files"]) == sorted(recorded)
    assert len(thread.ws.calls("files.getUploadURLExternal")) == 3 and waited and sum(waited) <= 2.0


def test_a_share_slack_has_not_shown_yet_is_waited_for_not_completed_again(thread):
    """Slack shares uploads asynchronously: killed after completing while the share is still pending, the next
    run waits for the share to appear (files.info) instead of completing or uploading again."""
    _with_audio(thread)
    thread.ws.hold_shares()
    thread.crash("audio.shared", "share_audio")
    assert thread.uploads(".mp3") == []
    waited: list[float] = []

    def sleep(seconds: float) -> None:  # Slack finishes its share while papercast waits
        waited.append(seconds)
        thread.ws.release_shares()

    thread.again("share_audio", _uploads={"settle_seconds": 10.0, "sleep": sleep})
    thread.ws.hold_shares(False)
    assert len(thread.uploads(".mp3")) == 1 and len(waited) == 1
    assert len(thread.ws.calls("files.completeUploadExternal")) == 1
    assert slack_facts(thread.svc.store.get(thread.episode.id)).audio_shared is True


def test_a_crash_right_after_a_keyed_line_leaves_one_line(thread):
    """say(key=…) killed after posting, before recording: the next run finds the line by its metadata key."""
    thread.crash("keyed_post.posted", "say", ":mag: Checked: not live yet.", key="followup:ep:09:00")
    thread.again("say", ":mag: Checked: not live yet.", key="followup:ep:09:00")
    thread.again("say", ":mag: Checked: not live yet.", key="followup:ep:09:00")
    assert len(thread.keyed("followup:ep:09:00")) == 1 and len(thread.ws.calls("chat.postMessage")) == 1


def test_a_crash_during_a_keyed_escalated_reminder_posts_each_part_once(thread):
    """ping_owner(key=…, escalate) killed after the thread reminder: one thread reminder, one DM and one call-out."""
    _set(thread, owner=OWNER)
    thread.crash("keyed_post.posted", "ping_owner", "The site still serves the old feed.", True, key="followup:ep:10:00")
    thread.again("ping_owner", "The site still serves the old feed.", True, key="followup:ep:10:00")
    thread.again("ping_owner", "The site still serves the old feed.", True, key="followup:ep:10:00")
    assert len(thread.keyed("owner-reminder")) == 1
    dms = [m for m in thread.ws.messages(channel=dm_channel_id(OWNER)) if m.get("bot_id")]
    assert len(dms) == 1 and dms[0]["metadata"]["event_payload"]["key"] == "followup:ep:10:00:dm"
    top = [m for m in thread.ws.messages() if m.get("bot_id") and "old feed" in json.dumps(m.get("blocks"))]
    assert len(top) == 1 and top[0]["metadata"]["event_payload"]["key"] == "followup:ep:10:00:escalate"
    assert len(thread.ws.calls("chat.postMessage")) == 3


if __name__ == "__main__":
    _child()
