"""The application's parts, built once at start and handed to steps and actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from workflows.artifacts import ArtifactStore, open_store
from workflows.database import migrate
from workflows.people import People
from workflows.settings import Settings, Show
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore, utcnow

if TYPE_CHECKING:  # for the annotations only: no import at run time, so no cycle
    from workflows.runner import StepRunner
    from workflows.ship.followups import FollowUps
    from workflows.ship.websites import Website


@dataclass
class Services:
    settings: Settings
    store: EpisodeStore
    #: Artifacts by content key; ``artifacts.path(artifact)`` is the one way to get a local file.
    artifacts: ArtifactStore
    people: People
    clock: Callable[[], datetime] = utcnow
    #: Set by :func:`workflows.pipeline.start`: the step runner that moves episodes on.
    runner: StepRunner | None = None
    #: Set by :meth:`FollowUps.start <workflows.ship.followups.FollowUps.start>`: the follow-up scheduler.
    followups: FollowUps | None = None
    #: The website episodes are published to, built once at start (``workflows.ship.websites.build_website``);
    #: None: built from the settings when asked (:func:`workflows.ship.websites.website_for`).
    website: Website | None = None
    #: The bot token used to download dropped files, and the hosts they may come from.
    file_token: str = ""
    file_hosts: set[str] = field(default_factory=lambda: {"files.slack.com"})

    @property
    def show(self) -> Show:
        return self.settings.show

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    def kick(self, episode_id: str) -> None:
        """Let the runner move the episode on (no-op before the runner is started)."""
        if self.runner is not None:
            self.runner.kick(episode_id)


def build_services(settings: Settings, people: People, *, clock: Callable[[], datetime] = utcnow) -> Services:
    """Create the data directory, open and migrate the database, and wire the parts.

    The artifact store is the backend ``[artifacts] backend`` names (local directory or object store).
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    migrate(engine)
    return Services(
        settings=settings,
        store=EpisodeStore(engine, clock=clock),
        artifacts=open_store(settings),
        people=people,
        clock=clock,
    )
