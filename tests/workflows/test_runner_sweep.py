"""Level-triggered steps: whoever is alive picks up an episode whose lease is free or expired, and only one runs it."""

from __future__ import annotations

import threading
from collections import Counter

from tests.workflows._racers import steps_with_effects
from workflows.people import RecordingPeople
from workflows.runner import LeaseLost, StepResult, StepRunner
from workflows.states import State


def _runner(store, steps, clock, **kw) -> StepRunner:
    return StepRunner(store, steps, RecordingPeople(), lease_seconds=30, clock=clock, **kw)


def _effects(log) -> Counter:
    return Counter(log.read_text().splitlines()) if log.exists() else Counter()


def test_a_sweep_picks_up_an_episode_whose_holder_died_once_its_lease_ran_out(store, clock, tmp_path):
    """An episode leased by a dead instance waits out the lease, then the next sweep moves it on."""
    log = tmp_path / "effects.log"
    ep = store.create(uploader="U1", channel="C1")
    assert store.take_lease(ep.id, "dead-instance", 30, clock())
    runner = _runner(store, steps_with_effects(log, None), clock)
    try:
        assert runner.sweep() == []
        clock.advance(seconds=29)
        assert runner.sweep() == []
        clock.advance(seconds=2)
        assert runner.sweep() == [ep.id]
        runner.kick(ep.id).result(timeout=30)
        assert store.get(ep.id).state == State.IN_REVIEW
        assert all(n == 1 for n in _effects(log).values())
    finally:
        runner.shutdown()


def test_a_sweep_leaves_alone_episodes_that_wait_for_people_or_are_done(store, clock, tmp_path):
    """In review, shipped or failed episodes are not runnable: nothing automatic is due for them."""
    runner = _runner(store, steps_with_effects(tmp_path / "e.log", None), clock)
    try:
        ep = store.create(uploader="U1", channel="C1")
        store.transition(ep.id, "fail", actor="papercast")
        waiting = store.create(uploader="U1", channel="C1")
        runner.kick(waiting.id).result(timeout=30)
        assert store.get(waiting.id).state == State.IN_REVIEW
        assert waiting.id not in runner.sweep()
        assert ep.id not in runner.sweep()
    finally:
        runner.shutdown()


def test_two_runners_sweeping_together_run_each_step_once(store, clock, tmp_path):
    """Two instances sweeping the same store at once: every effect happens exactly once per episode."""
    log = tmp_path / "effects.log"
    eps = [store.create(uploader="U1", channel="C1") for _ in range(6)]
    a = _runner(store, steps_with_effects(log, None), clock, workers=3)
    b = _runner(store, steps_with_effects(log, None), clock, workers=3)
    try:
        start = threading.Barrier(2)

        def sweep(r):
            start.wait()
            return [r.kick(i) for i in r.sweep()]

        threads = [threading.Thread(target=lambda r=r: [f.result(timeout=60) for f in sweep(r)]) for r in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=90)
        for _ in range(3):  # whatever the other held when one looked is free now
            for f in [a.kick(i) for i in a.sweep()]:
                f.result(timeout=60)
        assert {store.get(e.id).state for e in eps} == {State.IN_REVIEW}
        counts = _effects(log)
        assert len(counts) == 6 * 4 and set(counts.values()) == {1}, counts
    finally:
        a.shutdown()
        b.shutdown()


def test_a_runner_that_lost_its_lease_touches_nothing_more(store, clock, tmp_path):
    """Frozen past its lease and taken over, an instance neither runs its next effect nor commits its step."""
    log = tmp_path / "effects.log"
    paused, resume = threading.Event(), threading.Event()

    def extract(ctx):
        ctx.once("downloaded", lambda: log.open("a").write("downloaded\n"))
        paused.set()
        resume.wait(30)  # frozen here; meanwhile the lease runs out and another instance takes it
        ctx.once("announced", lambda: log.open("a").write("announced\n"))
        return StepResult("extract", updates={"title": "A Paper"})

    runner = StepRunner(store, {"extract": extract}, RecordingPeople(), lease_seconds=3600, clock=clock)
    ep = store.create(uploader="U1", channel="C1")
    try:
        future = runner.kick(ep.id)
        assert paused.wait(30)
        clock.advance(hours=2)
        assert store.take_lease(ep.id, "the-other-instance", 30, clock())
        resume.set()
        assert future.result(timeout=30) is None
        after = store.get(ep.id)
        assert (after.state, after.version) == (State.RECEIVED, 1)
        assert log.read_text().splitlines() == ["downloaded"]
        assert store.lease_holder(ep.id, clock()) == "the-other-instance"
    finally:
        runner.shutdown()


def test_a_step_outside_the_runner_can_always_run_its_effects(store):
    """Effects recorded once stay recorded: a second call returns the first result without running it."""
    from workflows.runner import StepContext

    ep = store.create(uploader="U1", channel="C1")
    ctx = StepContext(episode=ep, store=store, people=RecordingPeople(), services=None)
    calls = []
    assert ctx.once("k", lambda: calls.append(1) or "first") == "first"
    assert ctx.once("k", lambda: calls.append(2) or "second") == "first"
    assert calls == [1]
    lost = StepContext(episode=ep, store=store, people=RecordingPeople(), services=None, holds_lease=lambda: False)
    try:
        lost.once("other", lambda: calls.append(3))
    except LeaseLost:
        pass
    assert calls == [1]


def test_the_sweeper_keeps_going_when_the_store_fails_and_resumes_by_itself(store, clock, tmp_path):
    """A store that fails for a while (disk full, connection lost) is retried; the episode moves on after."""
    log = tmp_path / "effects.log"
    ep = store.create(uploader="U1", channel="C1")
    failures = {"left": 2}
    real = store.runnable

    def flaky(now):
        if failures["left"]:
            failures["left"] -= 1
            raise OSError(28, "No space left on device")
        return real(now)

    store.runnable = flaky
    runner = _runner(store, steps_with_effects(log, None), clock, sweep_seconds=0.05)
    import workflows.runner as runner_module

    saved = runner_module.MAX_BACKOFF_SECONDS
    runner_module.MAX_BACKOFF_SECONDS = 0.05
    try:
        runner.start_sweeping()
        done = threading.Event()
        for _ in range(400):
            if store.get(ep.id).state == State.IN_REVIEW:
                done.set()
                break
            threading.Event().wait(0.05)
        assert done.is_set() and failures["left"] == 0
    finally:
        runner_module.MAX_BACKOFF_SECONDS = saved
        runner.shutdown()
