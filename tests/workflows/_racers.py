"""Programs the tests start as separate processes (racing, crashing mid-step)."""

from __future__ import annotations

import json
import sys
import time
from datetime import timedelta
from pathlib import Path

from workflows.errors import ConcurrentTransition, TransitionNotAllowed
from workflows.people import RecordingPeople
from workflows.runner import StepResult, StepRunner
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore, utcnow


def race(url: str, episode_id: str, version: int, start_at: float, who: str) -> None:
    """Wait for a shared start time, then try to approve; print won/lost as JSON."""
    store = EpisodeStore(make_engine(url))
    while time.time() < start_at:  # a start barrier across processes, not a wait for a result
        time.sleep(0.001)
    try:
        store.transition(episode_id, "approve", actor=who, expected_version=version, updates={"owner": who})
        print(json.dumps({"who": who, "result": "won"}))
    except (ConcurrentTransition, TransitionNotAllowed) as e:
        print(json.dumps({"who": who, "result": "lost", "error": type(e).__name__}))


def steps_with_effects(effects_log: Path, block_in: str | None):
    """Steps whose outside effects append to a log, one of which can block until killed."""

    def effect(ctx, name):
        def do():
            with open(effects_log, "a") as f:
                f.write(f"{ctx.episode.id} {name}\n")
                f.flush()
            return name
        return ctx.once(name, do)

    def extract(ctx):
        effect(ctx, "downloaded")
        if block_in == "extract":
            effect(ctx, "announced")
            # Both effects are recorded now; tell the test it may kill us mid-step.
            effects_log.with_name(f"{effects_log.name}.{ctx.episode.id}.blocked").touch()
            time.sleep(600)  # the test kills us here
        effect(ctx, "announced")
        return StepResult("extract", updates={"title": "A Paper"})

    def draft(ctx):
        effect(ctx, "drafted")
        return StepResult("draft", script={"author": "papercast", "writer": "test", "script": {"t": 1}})

    def submit(ctx):
        effect(ctx, "review-posted")
        return StepResult("submit")

    return {"extract": extract, "draft": draft, "submit": submit}


def run(url: str, effects_log: str, block_in: str, ahead_seconds: str = "0") -> None:
    """Resume every unfinished episode with the effect-logging steps, then wait for them.

    ``ahead_seconds``: the runner's clock runs that far ahead of the wall clock (leases taken by
    others look that much older), so a test moves time instead of sleeping it away.
    """
    store = EpisodeStore(make_engine(url))
    ahead = timedelta(seconds=float(ahead_seconds))
    runner = StepRunner(store, steps_with_effects(Path(effects_log), block_in or None), RecordingPeople(),
                        lease_seconds=1.0, clock=lambda: utcnow() + ahead)
    for f in [runner.kick(i) for i in runner.resume_all()]:
        f.result()
    print("resumed-done", flush=True)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "race":
        race(args[0], args[1], int(args[2]), float(args[3]), args[4])
    elif command == "run":
        run(*args)
