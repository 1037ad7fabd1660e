"""One papercast instance running only the follow-up scheduler, for the multi-instance tests.

Every ping is appended to a log as JSON (pid, episode, the due time it answers).
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

from tests.ship.helpers import make_services
from workflows.people import RecordingPeople
from workflows.ship.followups import FollowUps
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore, utcnow


class LoggingPeople(RecordingPeople):
    def __init__(self, log: Path) -> None:
        super().__init__()
        self.log = log
        self.followups: FollowUps | None = None

    def ping_owner(self, episode_id: str, diagnosis: str, escalate: bool = False) -> None:
        due = self.followups.get(episode_id).due_at.isoformat()
        with open(self.log, "a") as f:
            f.write(json.dumps({"pid": os.getpid(), "episode": episode_id, "due": due}) + "\n")
            f.flush()


def main(db_url: str, data_dir: str, base_url: str, log: str) -> None:
    store = EpisodeStore(make_engine(db_url), clock=utcnow)
    svc = make_services(Path(data_dir), db_url, store, utcnow, repo="/nonexistent/website.git", base_url=base_url,
                        followup={"check_minutes": [0.01], "grace_minutes": 0, "tick_seconds": 0.3,
                                  "leader_retry_seconds": 0.3, "http_timeout_seconds": 2})
    people = LoggingPeople(Path(log))
    svc.people = people
    followups = FollowUps(svc)
    followups.stale_claim = timedelta(seconds=2)
    people.followups = followups
    followups.start()
    print("started", flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main(*sys.argv[1:])
