"""A publisher that dies (os._exit, no cleanup) right after a given publish stage, for the crash tests."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from tests.ship.helpers import make_services
from workflows.ship.publish import publish_episode
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore


def main(data_dir: str, db_url: str, repo: str, base_url: str, episode_id: str, crash_at: str) -> None:
    clock = lambda: datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # noqa: E731
    store = EpisodeStore(make_engine(db_url), clock=clock)
    svc = make_services(Path(data_dir), db_url, store, clock, repo=repo, base_url=base_url)

    def checkpoint(stage: str) -> None:
        if stage == crash_at:
            os._exit(17)

    done = publish_episode(svc, store.get(episode_id), checkpoint=checkpoint)
    print(done.commit)


if __name__ == "__main__":
    main(*sys.argv[1:])
