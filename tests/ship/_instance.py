"""One papercast instance running only the follow-ups, for the multi-instance and crash tests.

    python -m tests.ship._instance serve DB_URL DATA_DIR BASE_URL LOG
        runs the scheduler (leader contention, heartbeats, ticks) until killed;
    python -m tests.ship._instance once DB_URL DATA_DIR BASE_URL LOG NOW
        becomes leader and does what is due at NOW (an ISO time: the injected clock), then exits.

Every ping and thread line is appended to LOG as JSON (pid, method, episode, key). Like
Slack's thread metadata, a keyed message already in the log is not sent again; the
attempt goes to LOG + ".repeats" instead, so tests can count both.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import threading
from datetime import datetime
from pathlib import Path

from tests.ship.helpers import make_services
from workflows.people import RecordingPeople
from workflows.ship.followups import FollowUps
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore, utcnow

FAST = {"check_minutes": [0.01], "grace_minutes": 0, "tick_seconds": 0.3, "leader_heartbeat_seconds": 0.3,
        "leader_lease_seconds": 2, "claim_lease_seconds": 2, "http_timeout_seconds": 2}


class LoggingPeople(RecordingPeople):
    def __init__(self, log: Path) -> None:
        super().__init__()
        self.log = log

    def ping_owner(self, episode_id: str, diagnosis: str, escalate: bool = False, *, key: str | None = None) -> None:
        self._post("ping_owner", episode_id, key, diagnosis)

    def say(self, episode_id: str, text: str, *, key: str | None = None) -> None:
        self._post("say", episode_id, key, text)

    def _post(self, method: str, episode_id: str, key: str | None, text: str) -> None:
        line = {"pid": os.getpid(), "method": method, "episode": episode_id, "key": key, "text": str(text)[:200]}
        with open(self.log, "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            sent = {(r["method"], r["episode"], r["key"]) for r in map(json.loads, f.read().splitlines())}
            target = f if key is None or (method, episode_id, key) not in sent else open(f"{self.log}.repeats", "a")
            target.write(json.dumps(line) + "\n")
            target.flush()
            if target is not f:
                target.close()


def main(mode: str, db_url: str, data_dir: str, base_url: str, log: str, now: str = "") -> None:
    clock = (lambda: datetime.fromisoformat(now)) if now else utcnow
    store = EpisodeStore(make_engine(db_url), clock=clock)
    svc = make_services(Path(data_dir), db_url, store, clock, repo="/nonexistent/website.git", base_url=base_url,
                        followup=FAST)
    svc.people = LoggingPeople(Path(log))
    if mode == "once":
        followups = FollowUps(svc).start(paused=True)
        outcomes = followups.run_due(clock())
        print(json.dumps([o.action for o in outcomes]), flush=True)
        followups.shutdown()
        return
    FollowUps(svc).start()
    print("started", flush=True)
    threading.Event().wait()  # the scheduler thread works; this process lives until the test kills it


if __name__ == "__main__":
    main(*sys.argv[1:])
