"""Heavy work in worker processes: results, typed errors, crashes, deaths and time limits reach the caller,
which carries on; warm workers are reused and broken ones replaced."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from tests.waiting import wait_until
from workflows.errors import ConfigError, PapercastError
from workflows.worker import WorkerPool

JOBS = "tests.workflows.worker_jobs"


class JobFailed(PapercastError):
    kind = "job_failed"

    def __init__(self, what: str) -> None:
        super().__init__(f"The test job {what}.", "Run it again.")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is not alive either
        return f.read().split()[2] != "Z"


@pytest.fixture
def pool():
    pool = WorkerPool("papercast-test", keep=1)
    yield pool
    pool.close()


def run(pool: WorkerPool, job: str, **kwargs):
    return pool.run(f"{JOBS}:{job}", kwargs, failed=JobFailed, timeout=kwargs.pop("timeout", 30))


def test_a_warm_worker_runs_the_next_job_too(pool):
    """Jobs run in another process, and the same warm process takes the next one."""
    first = run(pool, "pid")
    assert first != os.getpid()
    assert run(pool, "pid") == first
    assert pool.pids() == [first]


def test_a_typed_error_keeps_its_class_message_and_hint_and_the_worker_stays(pool):
    """A PapercastError raised in the worker arrives as itself; the worker was fine, so it is kept."""
    before = run(pool, "pid")
    with pytest.raises(ConfigError) as caught:
        run(pool, "refuse", setting="intake.max_pages")
    assert caught.value.message == "intake.max_pages is wrong."
    assert caught.value.hint == "Fix intake.max_pages in papercast.toml."
    assert run(pool, "pid") == before


def test_an_unexpected_exception_is_the_callers_error_and_the_next_job_gets_a_fresh_worker(pool):
    before = run(pool, "pid")
    with pytest.raises(JobFailed) as caught:
        run(pool, "explode")
    assert caught.value.message == "The test job failed unexpectedly: ValueError: a bug in the job."
    after = run(pool, "pid")
    assert after != before and not _alive(before)


def test_a_killed_worker_is_the_callers_error_and_the_caller_carries_on(pool):
    """A worker killed mid-job (as by the OOM killer) is reported with how it ended; the pool starts another."""
    with pytest.raises(JobFailed) as caught:
        run(pool, "die")
    assert caught.value.message == "The test job stopped without finishing (killed by SIGKILL)."
    assert run(pool, "pid") != os.getpid()


def test_a_warm_worker_killed_while_idle_is_replaced_before_the_next_job(pool):
    """A warm worker that died between jobs (the OOM killer, an operator) costs the next job nothing."""
    idle = run(pool, "pid")
    os.kill(idle, signal.SIGKILL)
    wait_until(lambda: not _alive(idle), timeout=10, what=f"the killed worker {idle} to end", interval=0.01)
    after = run(pool, "pid")
    assert after != idle and pool.pids() == [after]


def test_a_job_past_its_time_limit_is_stopped(pool):
    """The worker is killed, not left running; the caller hears how long it was allowed."""
    stuck = run(pool, "pid")
    with pytest.raises(JobFailed) as caught:
        run(pool, "slow_pid", seconds=60, timeout=0.5)
    assert caught.value.message == "The test job took longer than 0.5 s and was stopped."
    assert not _alive(stuck)
    assert pool.pids() == []
    assert run(pool, "pid") != stuck


def test_progress_reaches_the_caller_in_order(pool):
    seen: list[tuple[int, int]] = []
    assert pool.run(f"{JOBS}:count", {"n": 3}, failed=JobFailed, progress=lambda d, t: seen.append((d, t))) == 3
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_jobs_at_once_get_their_own_processes_and_only_keep_stay_warm(pool):
    pids: list[int] = []
    threads = [threading.Thread(target=lambda: pids.append(run(pool, "slow_pid", seconds=0.5))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(pids)) == 2
    assert len(pool.pids()) == 1 and pool.pids()[0] in pids
    assert not _alive(next(p for p in pids if p not in pool.pids()))


def test_keep_zero_gives_each_job_a_fresh_process_that_ends_with_it():
    pool = WorkerPool("papercast-test", keep=0)
    first, second = run(pool, "pid"), run(pool, "pid")
    assert first != second
    assert not _alive(first) and not _alive(second)
