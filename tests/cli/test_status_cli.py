"""`papercast status` counts what the Slack ledger counts: refused drops and duplicates are not "not shipped"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from workflows.database import migrate
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore

ROOT = Path(__file__).resolve().parents[2]


def test_status_does_not_count_refused_drops_as_not_shipped(tmp_path):
    """One open episode, one refused drop, one duplicate: "1 not shipped, 0 done, 1 refused drops, 1 duplicate…"."""
    data = tmp_path / "var"
    data.mkdir()
    engine = make_engine(f"sqlite:///{data / 'papercast.db'}")
    migrate(engine)
    store = EpisodeStore(engine)
    store.create(uploader="U1", channel="C1", title="Open one")
    refused = store.create(uploader="U1", channel="C1")
    store.transition(refused.id, "fail", actor="papercast", updates={"failed_step": "extract", "error": "damaged"},
                     facts={"error_kind": "damaged_pdf", "retryable": False})
    store.transition(store.create(uploader="U1", channel="C1", title="Twice").id, "mark_duplicate", actor="papercast")
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PAPERCAST_"))}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "status"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={**env, "PAPERCAST_DATA_DIR": str(data)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "1 not shipped, 0 done, 1 refused drops, 1 duplicate or dismissed"
