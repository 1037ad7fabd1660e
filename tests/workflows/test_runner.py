"""The step runner: steps run to the next wait, failures are recorded, crashes resume without repeats."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from workflows.errors import IntakeError
from workflows.people import Icon, RecordingPeople
from workflows.runner import StepRunner
from workflows.states import State
from tests.waiting import wait_until
from tests.workflows._racers import steps_with_effects

ROOT = Path(__file__).resolve().parents[2]


def test_runner_moves_an_episode_to_review_and_posts_once(store, tmp_path):
    """From received, the steps run in order until the episode waits for a reviewer."""
    log = tmp_path / "effects.log"
    people = RecordingPeople()
    runner = StepRunner(store, steps_with_effects(log, None), people)
    ep = store.create(uploader="U1", channel="C1")
    runner.kick(ep.id).result(timeout=30)
    after = store.get(ep.id)
    assert after.state == State.IN_REVIEW and after.title == "A Paper"
    assert [a.transition for a in store.audit(ep.id)] == ["extract", "draft", "submit"]
    assert len(store.script_versions(ep.id)) == 1
    assert len(people.named("status")) == 3
    runner.shutdown()


def test_a_failing_step_records_step_error_and_tells_the_thread(store, tmp_path):
    """A step that raises moves the episode to failed with the step and a message meant for people."""
    people = RecordingPeople()

    def extract(ctx):
        raise IntakeError("This file is not a PDF.", "Upload the paper as a PDF.")

    runner = StepRunner(store, {"extract": extract}, people)
    ep = store.create(uploader="U1", channel="C1")
    after = runner.advance(ep.id)
    assert (after.state, after.failed_step, after.failed_from) == (State.FAILED, "extract", State.RECEIVED)
    assert after.error == "This file is not a PDF. Upload the paper as a PDF."
    assert people.named("say") == [(ep.id, "This file is not a PDF. Upload the paper as a PDF.")]
    assert [notice.icon for _, notice in people.notices] == [Icon.WARNING]


def test_an_unexpected_exception_fails_the_step_not_the_runner(store):
    """A bug inside a step becomes a failed episode with a retry, and the runner keeps working."""
    def extract(ctx):
        raise KeyError("oops")

    runner = StepRunner(store, {"extract": extract}, RecordingPeople())
    ep = store.create(uploader="U1", channel="C1")
    after = runner.kick(ep.id).result(timeout=30)
    assert after.state == State.FAILED and "KeyError" in after.error and "Retry" in after.error
    assert after.facts.retryable is True


def test_a_step_held_by_another_instance_is_left_alone(store, tmp_path):
    """While another instance holds the episode's lease, this one does not run its step."""
    log = tmp_path / "effects.log"
    ep = store.create(uploader="U1", channel="C1")
    assert store.take_lease(ep.id, "other-instance", 60, datetime.now(timezone.utc))
    runner = StepRunner(store, steps_with_effects(log, None), RecordingPeople())
    assert runner.advance(ep.id).state == State.RECEIVED
    assert not log.exists()


def test_sigkill_in_the_middle_of_a_step_resumes_without_repeating_effects(store, db_url, tmp_path):
    """A process killed mid-step; the restarted one finishes the episode and no effect happens twice."""
    log = tmp_path / "effects.log"
    ep = store.create(uploader="U1", channel="C1")
    other = store.create(uploader="U1", channel="C1")  # a second unfinished episode, resumed too
    victim = subprocess.Popen([sys.executable, "-m", "tests.workflows._racers", "run", db_url, str(log), "extract"],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: len(list(tmp_path.glob("effects.log.*.blocked"))) >= 2, timeout=60,
                   what="the first process to block mid-step in both episodes")
    except AssertionError:
        victim.kill()
        raise
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    assert store.get(ep.id).state == State.RECEIVED  # the step did not commit

    # The dead process's lease (1 s in this test) must run out: that is the takeover under test. The survivor's
    # injected clock runs 5 s ahead, so for it the lease has expired without anyone waiting.
    survivor = subprocess.run([sys.executable, "-m", "tests.workflows._racers", "run", db_url, str(log), "", "5"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "resumed-done" in survivor.stdout, survivor.stderr
    for episode in (ep, other):
        assert store.get(episode.id).state == State.IN_REVIEW
    counts = Counter(log.read_text().splitlines())
    assert counts and all(n == 1 for n in counts.values()), counts
    assert {l.split()[1] for l in counts} == {"downloaded", "announced", "drafted", "review-posted"}
