"""Helpers for the shipping tests: settings, services, ready episodes, git."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from workflows.artifacts import ArtifactStore
from workflows.people import RecordingPeople
from workflows.services import Services
from workflows.settings import Environment, FollowUp, Publish, Settings, Show
from workflows.ship.websites import build_website
from workflows.states import State
from workflows.store.schema import episodes

AUDIO = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 40
TRANSCRIPT = b"WEBVTT\n\n00:00.000 --> 00:02.000\n<v Ada>Welcome to Paper Trail.\n"
NOTES = b"# Attention\n\nShow notes.\n"


def make_settings(data_dir: Path, db_url: str, followup: dict | None = None, **publish) -> Settings:
    env = Environment(papercast_data_dir=data_dir, database_url=db_url)
    show = Show(publish=Publish(**publish), followup=FollowUp(**{
        "check_minutes": [1, 2, 5, 10, 30, 60], "grace_minutes": 10, "pings_before_escalation": 3,
        "http_timeout_seconds": 2, **(followup or {})}))
    return Settings(env=env, show=show, show_source="test")


def make_services(data_dir: Path, db_url: str, store, clock, *, site=None, same_website=None,
                  followup: dict | None = None, **publish) -> Services:
    """Services on these settings; ``site``: the embedded local website, ``same_website``: another services' website."""
    svc = Services(settings=make_settings(data_dir, db_url, followup, **publish), store=store,
                   artifacts=ArtifactStore(data_dir / "artifacts"), people=RecordingPeople(), clock=clock)
    if same_website is not None:
        svc.website = same_website
    elif site is not None:  # the embedded local website, used when no other website is configured
        svc.website = build_website(svc.settings, local_site=site)
    return svc


def ready_episode(svc, title: str = "Attention Is All You Need", audio: bytes = AUDIO, owner: str = "UOWNER"):
    """An episode in audio_ready with its three artifacts, approved 30 minutes ago."""
    store = svc.store
    ep = store.create(uploader="UUP", channel="C1", title=title)
    approved_at = svc.clock() - timedelta(minutes=30)
    with store.engine.begin() as conn:
        conn.execute(update(episodes).where(episodes.c.id == ep.id).values(
            state=State.APPROVED.value, owner=owner, approver="UREVIEWER", approved_at=approved_at.isoformat()))
    arts = [svc.artifacts.put_bytes(audio, kind="audio", media_type="audio/mpeg", filename="episode.mp3", duration_seconds=12.0),
            svc.artifacts.put_bytes(TRANSCRIPT + title.encode(), kind="transcript", media_type="text/vtt", filename="transcript.vtt"),
            svc.artifacts.put_bytes(NOTES + title.encode(), kind="notes", media_type="text/markdown", filename="notes.md")]
    return store.transition(ep.id, "render", actor="papercast", artifacts_=arts)


def git(*args: str, cwd: Path | None = None) -> str:
    env = {"GIT_AUTHOR_NAME": "Someone", "GIT_AUTHOR_EMAIL": "s@example.org", "GIT_COMMITTER_NAME": "Someone",
           "GIT_COMMITTER_EMAIL": "s@example.org", "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


def remote_commits(bare: Path, branch: str = "main") -> list[str]:
    """Subjects of the commits on the remote branch, newest first."""
    return git(f"--git-dir={bare}", "log", "--format=%s", branch).splitlines()


def publish_now(svc, ep):
    """Run the publish step and commit its transition, as the runner does."""
    from workflows.runner import StepContext
    from workflows.ship.publish import publish_step

    result = publish_step(StepContext(episode=ep, store=svc.store, people=svc.people, services=svc))
    return svc.store.transition(ep.id, result.transition, actor="papercast", facts=result.facts,
                                artifacts_=result.artifacts)
