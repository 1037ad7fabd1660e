"""A PDF dropped while the disk is full is answered in its thread, kept, and started once there is space again.

The data directory (SQLite database included) is a tiny tmpfs that the test fills and frees;
the local workspace (Slack) lives elsewhere, so Slack keeps working while papercast's disk
is full. The retry timer is injected: the test runs each planned retry itself.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from bot.app import build_app
from bot.local import CHANNEL_ID, LocalWorkspace
from bot.serve import serve_http
from tests.bot.conftest import Slack, make_settings
from tests.faults.tinyfs import TinyFilesystem, tiny_filesystem
from workflows import pipeline
from workflows.drops import Drops
from workflows.people import RecordingPeople
from workflows.runner import StepRunner
from workflows.services import build_services
from workflows.states import State

HELD = ("papercast cannot save new episodes right now: the server's disk is full. I will start this one by "
        "myself as soon as there is space again; nothing to do for you.")


class Timers:
    """The injected timer: remembers what was planned; the test runs it."""

    def __init__(self) -> None:
        self.planned: list[tuple[float, Any]] = []

    def __call__(self, delay: float, fn) -> None:
        self.planned.append((delay, fn))

    def run_next(self) -> float:
        delay, fn = self.planned.pop(0)
        fn()
        return delay


class WatchedDrops(Drops):
    """Drops that let the test wait until a delivery has been decided (first, or a repeat)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.decided: Counter[str] = Counter()
        self._changed = threading.Condition()

    def first_delivery(self, key: str) -> bool:
        first = super().first_delivery(key)
        with self._changed:
            self.decided[key] += 1
            self._changed.notify_all()
        return first

    def wait_decided(self, key: str, times: int, timeout: float = 10.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.decided[key] >= times, timeout)


@dataclass
class FullDisk:
    slack: Slack
    fs: TinyFilesystem
    timers: Timers
    drops: WatchedDrops

    def fill(self) -> None:
        """Fill the disk, with SQLite's write-ahead log emptied first, so that no write finds room left in it."""
        raw = self.slack.svc.store.engine.raw_connection()  # outside a transaction: a checkpoint cannot run in one
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        self.fs.fill()

    def held_replies(self, thread_ts: str) -> list[dict]:
        return [m for m in self.slack.ws.messages(thread_ts=thread_ts) if m.get("text") == HELD]

    def cards(self, thread_ts: str) -> list[dict]:
        return [m for m in self.slack.ws.messages(thread_ts=thread_ts)
                if any(b.get("block_id") == "status" for b in m.get("blocks") or [])]


@pytest.fixture
def disk(tmp_path, fake_writer):
    with tiny_filesystem(tmp_path / "var", "8m") as fs:
        ws = LocalWorkspace(tmp_path / "ws").start()
        settings = make_settings(ws, tmp_path / "var")
        svc = build_services(settings, RecordingPeople())
        svc.file_token = ws.bot_token
        svc.file_hosts = {"127.0.0.1"}
        timers = Timers()
        drops = WatchedDrops(svc, "test:1", schedule=timers, limit=1)
        app = build_app(svc, drops=drops)
        steps = {k: v for k, v in pipeline.build_steps().items() if k in ("extract", "draft", "submit")}
        svc.runner = StepRunner(svc.store, steps, svc.people, svc)
        server = serve_http(app, 0)
        ws.set_bot_url(server.url)
        try:
            yield FullDisk(Slack(ws=ws, svc=svc, server=server, app=app, tmp=tmp_path), fs, timers, drops)
        finally:
            server.stop()
            ws.stop()
            svc.runner.shutdown(wait=True)
            svc.store.engine.dispose()
            fs.free()


def test_a_pdf_dropped_on_a_full_disk_is_answered_then_started_when_space_returns(disk):
    """The dropper is told in the thread what is wrong; a retried delivery changes nothing; once the disk has
    space the kept drop becomes one episode with its status card, and it goes on to review."""
    slack = disk.slack
    disk.fill()
    dropped = slack.drop()
    root = dropped["message"]["ts"]
    assert all(d.acked for d in dropped["deliveries"])
    assert slack.ws.wait_for_message(lambda m: m.get("text") == HELD, thread_ts=root) is not None
    message_event, file_event = (d.event_id for d in dropped["deliveries"])
    assert disk.drops.wait_decided(f"event:{message_event}", 1) and disk.drops.wait_decided(f"event:{file_event}", 1)

    again = slack.ws.deliver_event({}, event_id=message_event, retry_num=1, retry_reason="http_timeout")
    assert again.acked and again.attempts[0].retry_num == 1
    assert disk.drops.wait_decided(f"event:{message_event}", 2)
    assert slack.svc.store.all() == [] and len(disk.held_replies(root)) == 1
    assert [d.file["id"] for d in disk.drops.waiting()] == [dropped["file"]["id"]]

    assert disk.timers.run_next() == 5.0  # still full: kept, and the next try waits longer
    assert slack.svc.store.all() == [] and [delay for delay, _ in disk.timers.planned] == [10.0]

    disk.fs.free()
    disk.timers.run_next()
    assert disk.drops.waiting() == [] and disk.timers.planned == []
    episode = slack.episode_in(State.IN_REVIEW)
    assert episode.thread_ts == root and episode.facts.source.id == dropped["file"]["id"]
    assert len(disk.cards(root)) == 1 and disk.cards(root)[0]["ts"] == episode.status_ts

    late = slack.ws.deliver_event({}, event_id=message_event, retry_num=2, retry_reason="http_timeout")
    assert late.acked and disk.drops.wait_decided(f"event:{message_event}", 3)  # claimed in the store now
    slack.svc.runner.shutdown(wait=True)
    assert len(slack.svc.store.all()) == 1 and len(disk.held_replies(root)) == 1 and len(disk.cards(root)) == 1


def test_drops_beyond_the_limit_are_told_to_come_back(disk):
    """With the memory for waiting drops full, a further PDF is told to be dropped again later; the first is kept."""
    slack = disk.slack
    disk.fill()
    first = slack.drop(name="first.pdf")["message"]["ts"]
    assert slack.ws.wait_for_message(lambda m: m.get("text") == HELD, thread_ts=first) is not None
    second = slack.drop(name="second.pdf")["message"]["ts"]
    told = slack.ws.wait_for_message(lambda m: "already waiting" in m.get("text", ""), thread_ts=second)
    assert told is not None and "Drop this one again once there is space." in told["text"]
    assert [d.file["name"] for d in disk.drops.waiting()] == ["first.pdf"]
    disk.fs.free()
    disk.timers.run_next()
    episode = slack.episode_in(State.IN_REVIEW)
    assert episode.thread_ts == first and episode.channel == CHANNEL_ID
    assert len([m for m in slack.ws.messages(thread_ts=second) if m.get("bot_id")]) == 1  # told once, nothing started
