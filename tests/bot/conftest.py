"""The bot served over real HTTP on loopback, talking to the local workspace stand-in.

``slack`` starts a LocalWorkspace (Web API, file downloads, signed event sender),
builds the bolt App against it with ``build_app``, serves it with ``serve_http`` on
a free port, and runs the real intake and draft steps (the test's fake writer,
registered by the ``fake_writer`` fixture and named by the show) so a dropped PDF
reaches review.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_app
from bot.local import REVIEWER, LocalWorkspace
from bot.serve import HttpServer, serve_http
from bot.slack_facts import slack_facts
from tests.pdfs import one_column_paper
from workflows import pipeline
from workflows.people import RecordingPeople
from workflows.runner import StepRunner
from workflows.services import Services, build_services
from workflows.settings import Environment, Settings, Show
from workflows.states import State


@dataclass
class Slack:
    ws: LocalWorkspace
    svc: Services
    server: HttpServer
    app: Any
    tmp: Path

    def drop(self, user: str = REVIEWER, name: str = "paper.pdf") -> dict[str, Any]:
        """``user`` drops a fresh PDF in #papercast; returns the driver's answer."""
        pdf = one_column_paper(self.tmp / name)
        return self.ws.drop_pdf(user, pdf)

    def episode_in(self, state: State, timeout: float = 20.0):
        """Wait for the one episode to reach ``state`` (the runner works in the background)."""
        def found():
            eps = self.svc.store.all()
            return eps[0] if len(eps) == 1 and eps[0].state == state else None
        episode = self.ws.wait_for(found, timeout)
        assert episode is not None, f"no episode reached {state}: {[(e.id, e.state, e.error) for e in self.svc.store.all()]}"
        return episode

    def review_message(self, episode, version: int = 1) -> dict[str, Any]:
        ts = self.ws.wait_for(lambda: slack_facts(self.svc.store.get(episode.id)).review_messages.get(str(version)))
        assert ts, "the review message was not posted"
        return next(m for m in self.ws.messages(thread_ts=episode.thread_ts) if m["ts"] == ts)

    def in_review(self):
        """Drop a PDF and wait until its script waits for review; returns (episode, review message)."""
        self.drop()
        episode = self.episode_in(State.IN_REVIEW)
        return episode, self.review_message(episode)

    def ephemeral_texts(self, user: str) -> list[str]:
        return [m.get("text", "") for m in self.ws.ephemerals(user)]

    def wait_ephemeral(self, user: str, contains: str, timeout: float = 10.0) -> str | None:
        return self.ws.wait_for(lambda: next((t for t in self.ephemeral_texts(user) if contains in t), None), timeout)


def make_settings(ws: LocalWorkspace, data_dir: Path, **show: Any) -> Settings:
    env = Environment(slack_bot_token=ws.bot_token, slack_signing_secret=ws.signing_secret,
                      slack_api_url=ws.api_url, papercast_data_dir=data_dir)
    base = {"channel": "#papercast", "reviewers": [REVIEWER], "writer": {"backend": "fake"}}
    return Settings(env=env, show=Show(**{**base, **show}),
                    show_source="tests/bot")


@pytest.fixture
def show_overrides() -> dict[str, Any]:
    """Override in a test module to configure the show differently."""
    return {}


@pytest.fixture
def slack(tmp_path, show_overrides, fake_writer):
    ws = LocalWorkspace(tmp_path / "ws").start()
    settings = make_settings(ws, tmp_path / "var", **show_overrides)
    svc = build_services(settings, RecordingPeople())
    svc.file_token = ws.bot_token
    svc.file_hosts = {"127.0.0.1"}
    app = build_app(svc)
    steps = {k: v for k, v in pipeline.build_steps().items() if k in ("extract", "draft", "submit")}
    svc.runner = StepRunner(svc.store, steps, svc.people, svc)
    server = serve_http(app, 0)
    ws.set_bot_url(server.url)
    yield Slack(ws=ws, svc=svc, server=server, app=app, tmp=tmp_path)
    server.stop()
    ws.stop()
    svc.runner.shutdown(wait=True)
