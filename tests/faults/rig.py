"""The crash rig: real ``papercast serve --http`` processes, a local Slack workspace and a real website around them.

Slack (the local workspace) and the website (a bare git repository plus a static server)
live in the test process, so they outlive the bot processes a test kills, as Slack and a
real website would. Each bot instance is the real command in HTTP mode with a bot token,
a signing secret and ``SLACK_API_URL`` pointing at the workspace; ``PAPERCAST_CRASH_AT``
makes it die (``os._exit``) at one named point. The rig drives an episode as people would
(drop the PDF, approve and name the owner) and counts what reached the outside world:
messages per effect key, uploads, commits on the remote, and whether the site really
serves the committed bytes.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.local import CHANNEL_ID, OWNER, REVIEWER, LocalWorkspace
from tests.waiting import wait_until
from workflows.failpoints import ENV as CRASH_ENV, EXIT_CODE
from workflows.intake.sample import write_sample_paper
from workflows.ship.local_site import LocalWebsite
from workflows.states import State
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore

ROOT = Path(__file__).resolve().parents[2]

SHOW = """
name = "Paper Trail"
channel = "{channel}"
reviewers = ["{reviewer}"]
hosts = [{{ key = "a", name = "Ada", speech = "tone", voice = "a" }}, {{ key = "b", name = "Ben", speech = "tone", voice = "b" }}]
[writer]
backend = "offline"
target_minutes = 1
[publish]
{publish}
[followup]
check_minutes = [0.02, 0.04, 0.08]
repeat_minutes = 0.04
grace_minutes = 0
tick_seconds = 0.5
leader_heartbeat_seconds = 0.5
leader_lease_seconds = 3
claim_lease_seconds = 3
confirm_seconds = 1
{followup_extra}
[runner]
lease_seconds = {lease}
sweep_seconds = 0.5
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Instance:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(timeout=30)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


@dataclass
class Rig:
    tmp: Path
    db_url: str
    lease_seconds: float = 2.0
    followup_extra: str = ""
    workspace: LocalWorkspace = field(init=False)
    website: LocalWebsite = field(init=False)
    instances: list[Instance] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.workspace = LocalWorkspace(self.tmp / "slack").start()
        self.website = self.start_website()
        self.config = self.tmp / "show.toml"
        self.config.write_text(SHOW.format(channel=CHANNEL_ID, reviewer=REVIEWER, publish=self.publish_settings(),
                                           lease=self.lease_seconds, followup_extra=self.followup_extra),
                               encoding="utf-8")
        self.store = EpisodeStore(make_engine(self.db_url))
        self.paper = write_sample_paper(self.tmp / "paper.pdf")

    def start_website(self):
        """The website the episodes go to (a subclass may use another target; it needs ``stop()``)."""
        return LocalWebsite(self.tmp / "web", delay=0, poll_seconds=0.1).start()

    def publish_settings(self) -> str:
        """The ``[publish]`` lines of the show file for :meth:`start_website`'s website."""
        return f'repo = "{self.website.remote_url}"\nbase_url = "{self.website.base_url}"'

    # --- instances ------------------------------------------------------------------------------

    def start(self, name: str, *, crash_at: str | None = None, data_dir: Path | None = None,
              serve_events: bool = True) -> Instance:
        """Start ``papercast serve --http`` (``crash_at``: it dies there); the workspace sends it the events."""
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PAPERCAST_", "DATABASE_URL"))}
        env.update(SLACK_BOT_TOKEN=self.workspace.bot_token, SLACK_SIGNING_SECRET=self.workspace.signing_secret,
                   SLACK_API_URL=self.workspace.api_url, DATABASE_URL=self.db_url, PAPERCAST_CONFIG=str(self.config),
                   PAPERCAST_DATA_DIR=str(data_dir or self.tmp / "var"))
        if crash_at:
            env[CRASH_ENV] = crash_at
        log = self.tmp / f"{name}.log"
        serve = "from workflows.testing import register_doubles; register_doubles(); from bot.cli import main; main()"
        process = subprocess.Popen([sys.executable, "-c", serve, "serve", "--http", "--port", str(port),
                                    "--host", "127.0.0.1"], cwd=ROOT, env=env, stdout=log.open("ab"),
                                   stderr=subprocess.STDOUT)
        instance = Instance(process, port, log)
        self.instances.append(instance)

        def listening() -> bool:
            if not instance.alive():
                raise AssertionError(f"instance {name} exited at start:\n{instance.tail()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_until(listening, timeout=60, interval=0.1,
                   what=lambda: f"instance {name} to listen on port {port}:\n{instance.tail()}")
        if serve_events:
            self.workspace.set_bot_url(instance.url)
        return instance

    def route_to(self, instance: Instance) -> None:
        """Send Slack's requests to this instance from now on (a load balancer dropping a dead one)."""
        self.workspace.set_bot_url(instance.url)

    def stop(self) -> None:
        for instance in self.instances:
            instance.kill()
        self.workspace.stop()
        self.website.stop()
        self.store.engine.dispose()

    # --- driving an episode as people do --------------------------------------------------------

    def drop(self) -> str:
        """The owner drops the paper; returns the thread's ts."""
        try:
            dropped = self.workspace.drop_pdf(OWNER, self.paper)
        except Exception:  # noqa: BLE001 - the instance may die while answering; the message is in Slack anyway
            return self.workspace.messages()[-1]["ts"]
        return dropped["message"]["ts"]

    def episode(self, thread: str):
        return next((e for e in self.store.all() if e.thread_ts == thread), None)

    def review_button(self, thread: str) -> tuple[str, str] | None:
        for m in reversed(self.workspace.messages(thread_ts=thread)):
            for block in m.get("blocks") or []:
                for el in block.get("elements") or []:
                    if el.get("action_id") == "review_approve":
                        return m["ts"], el.get("value")
        return None

    def approve(self, thread: str) -> None:
        ts, value = self.review_button(thread)
        try:
            self.workspace.click(REVIEWER, ts, "review_approve", value=value)
            view = wait_until(lambda: next(iter(self.workspace.open_views(REVIEWER)), None), timeout=30,
                              what="the approve dialog")
            self.workspace.submit_view(REVIEWER, view["id"], {"owner": OWNER})
        except AssertionError:
            raise
        except Exception:  # noqa: BLE001 - the instance died while handling the click; the decision may be recorded
            pass

    # --- what reached the outside world -----------------------------------------------------------

    def bot_messages(self, thread: str) -> list[dict]:
        return [m for m in self.workspace.messages(thread_ts=thread) if m.get("bot_id")]

    def effect_keys(self, thread: str) -> Counter:
        """How many bot messages carry each effect key in their metadata."""
        keys = Counter()
        for m in self.bot_messages(thread):
            payload = (m.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key"):
                keys[payload["key"]] += 1
        return keys

    def status_cards(self, thread: str) -> int:
        return sum(any(b.get("block_id") == "status" for b in m.get("blocks") or []) for m in self.bot_messages(thread))

    def review_messages(self, thread: str) -> int:
        return sum(any(b.get("block_id") == "preview" for b in m.get("blocks") or []) for m in self.bot_messages(thread))

    def final_lines(self, thread: str) -> int:
        return sum("Shipped and live" in (m.get("text") or "") for m in self.bot_messages(thread))

    def audio_uploads(self, thread: str) -> int:
        return sum(1 for m in self.bot_messages(thread) for f in m.get("files") or []
                   if str(f.get("name", "")).endswith(".mp3"))

    def remote_commits(self, episode_id: str) -> int:
        out = subprocess.run(["git", f"--git-dir={self.website.remote_url}", "log", "--all", "--format=%H",
                              "--fixed-strings", f"--grep=Papercast-Episode: {episode_id}"],
                             capture_output=True, text=True).stdout
        return len(out.split())

    def serves_committed_audio(self, episode_id: str) -> bool:
        episode = self.store.get(episode_id)
        audio = self.store.artifacts(episode_id).get("audio")
        files = episode.facts.published_files or {}
        url = episode.facts.live_url or (files["audio"].url if "audio" in files else None)
        if audio is None or not url:
            return False
        got = httpx.get(url, timeout=10)
        return got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == audio.sha256



SHIPPED_OR_STUCK = {State.SHIPPED, State.FAILED, State.REJECTED, State.DUPLICATE}
EXIT_KILLED = EXIT_CODE


def redeliver_unacked(rig: Rig) -> int:
    """Send again, as Slack's retries would, every event no instance acknowledged; how many."""
    sent = 0
    for d in rig.workspace.deliveries("event"):
        if not d.acked and d.event_id:
            rig.workspace.deliver_event({}, event_id=d.event_id, retry_num=len(d.attempts), retries=False)
            sent += 1
    return sent
