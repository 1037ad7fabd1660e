"""The step runner: moves episodes through their automatic steps, off the request path.

Each state that needs no person has one step (``states.STEP_FOR_STATE``). A step
is an idempotent function of a :class:`StepContext` that returns a
:class:`StepResult`; the runner commits that result as one transition (with its
artifacts, paper or script version) and then runs the next step, until the
episode waits for a person, for the live site, or is done. A step's files are
written (content addressed) before its transition commits; effects on the outside
world go through :meth:`StepContext.once`, which records them so a re-run after a
crash does not repeat them. A failing step moves the episode to ``failed`` with the
step, the error, and a retry.

Work is level-triggered, like a controller: a step holds a short lease on its
episode, renewed by a heartbeat while it runs, and every instance sweeps the store
every few seconds for unfinished episodes whose lease is free or expired and runs
them (:meth:`StepRunner.sweep`). The lease is taken with a compare-and-set on the
episode's row, so on PostgreSQL two instances never run the same step; an episode
whose process died moves on by itself within the lease plus one sweep, on a
surviving instance or after a restart. An instance that lost its lease (it was
frozen, say) finds out at its next heartbeat or effect and stops before touching
the outside world again.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workflows import failpoints
from workflows.artifacts import Artifact
from workflows.errors import ConcurrentTransition, PapercastError, StepFailed, TransitionNotAllowed
from workflows.people import Icon, Notice, People
from workflows.states import STEP_FOR_STATE, State
from workflows.store.episodes import EpisodeStore, utcnow
from workflows.store.records import Episode

log = logging.getLogger(__name__)

#: Seconds a step's lease lasts without a heartbeat (a dead instance's episode is free again after this).
LEASE_SECONDS = 30.0
#: Seconds between two sweeps for unfinished episodes.
SWEEP_SECONDS = 10.0
#: Longest wait between sweeps while the database keeps failing.
MAX_BACKOFF_SECONDS = 60.0


class LeaseLost(Exception):
    """Another instance took the episode over while this one was working on it: stop, touch nothing more."""


@dataclass
class StepResult:
    """What a step hands back to be committed as one transition."""

    transition: str
    reason: str = ""
    updates: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    artifacts: list[Artifact] = field(default_factory=list)
    paper: dict[str, Any] | None = None
    script: dict[str, Any] | None = None
    #: Runs after the transition committed (e.g. schedule the live-site checks).
    then: Callable[[Episode], object] | None = None


@dataclass
class StepContext:
    episode: Episode
    store: EpisodeStore
    people: People
    services: Any  # the application's services (settings, artifact store, backends)
    #: True while this instance still holds the episode's lease (always True outside the runner).
    holds_lease: Callable[[], bool] = lambda: True

    def once(self, key: str, effect: Callable[[], Any]) -> Any:
        """Run an outside effect at most once per episode and key; return its (recorded) result.

        The record is written right after the effect; a crash between the two is the
        only window in which a re-run repeats it, so every effect must also recognise
        its own earlier run (publishing finds its commit by its trailer, Slack posts
        carry a key in their metadata). Raises :class:`LeaseLost` instead of running
        the effect when another instance has taken the episode over.
        """
        done, result = self.store.effect(self.episode.id, key)
        if done:
            return result
        if not self.holds_lease():
            raise LeaseLost(f"episode {self.episode.id} was taken over before effect {key!r}")
        result = effect()
        self.store.record_effect(self.episode.id, key, result)
        return result


Step = Callable[[StepContext], StepResult]


class StepRunner:
    def __init__(self, store: EpisodeStore, steps: dict[str, Step], people: People, services: Any = None, *,
                 workers: int = 2, lease_seconds: float = LEASE_SECONDS, sweep_seconds: float = SWEEP_SECONDS,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.steps = steps
        self.people = people
        self.services = services
        self.lease_seconds = lease_seconds
        self.sweep_seconds = sweep_seconds
        self.clock = clock
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="papercast-step")
        self._lock = threading.Lock()
        self._inflight: dict[str, Future] = {}
        self._again: set[str] = set()
        self._stopping = threading.Event()
        self._sweeper: threading.Thread | None = None

    # --- scheduling -----------------------------------------------------------------------

    def kick(self, episode_id: str) -> Future:
        """Advance the episode in the background; a kick during a run makes it look again after."""
        with self._lock:
            running = self._inflight.get(episode_id)
            if running is not None and not running.done():
                self._again.add(episode_id)
                return running
            future = self._pool.submit(self._drain, episode_id)
            self._inflight[episode_id] = future
            return future

    def sweep(self) -> list[str]:
        """Kick every unfinished episode whose lease is free or expired; their ids."""
        ids = [e.id for e in self.store.runnable(self.clock())]
        for episode_id in ids:
            self.kick(episode_id)
        return ids

    def resume_all(self) -> list[str]:
        """One sweep now (at start: every episode a dead instance left behind whose lease ran out)."""
        return self.sweep()

    def start_sweeping(self) -> "StepRunner":
        """Sweep now and then every ``sweep_seconds`` in the background until :meth:`shutdown`."""
        if self._sweeper is None:
            self._sweeper = threading.Thread(target=self._sweep_forever, name="papercast-sweeper", daemon=True)
            self._sweeper.start()
        return self

    def _sweep_forever(self) -> None:
        wait, failing = 0.0, False
        while not self._stopping.wait(wait):
            try:
                resumed = self.sweep()
            except Exception as e:  # noqa: BLE001 - the database is away (disk full, connection lost): back off, go on
                if not failing:
                    log.warning("cannot look for unfinished episodes (%s: %s); trying again with backoff",
                                type(e).__name__, e)
                failing = True
                wait = min(MAX_BACKOFF_SECONDS, max(1.0, wait * 2))
                continue
            if failing:
                log.info("the store answers again; looking for unfinished episodes every %g s", self.sweep_seconds)
            failing, wait = False, self.sweep_seconds
            if resumed:
                log.debug("sweep kicked %s", ", ".join(resumed))

    def shutdown(self, wait: bool = True) -> None:
        self._stopping.set()
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    def _drain(self, episode_id: str) -> Episode | None:
        while True:
            try:
                episode = self.advance(episode_id)
            except LeaseLost as e:
                log.warning("stopped working on %s: %s", episode_id, e)
                episode = None
            except Exception:  # noqa: BLE001 - the store failed mid-step; the lease runs out and a sweep retries
                log.exception("could not move episode %s on; a later sweep tries again", episode_id)
                episode = None
            with self._lock:
                if episode_id not in self._again or self._stopping.is_set():
                    self._again.discard(episode_id)
                    self._inflight.pop(episode_id, None)
                    return episode
                self._again.discard(episode_id)

    # --- running steps -----------------------------------------------------------------------

    def advance(self, episode_id: str) -> Episode:
        """Run steps until the episode waits (for a person, the live site, or another instance)."""
        episode = self.store.get(episode_id)
        held = False
        try:
            while (name := STEP_FOR_STATE.get(episode.state)) is not None:
                # Taken (or renewed) before each step, held across consecutive steps: no gap for a sweep to fall into.
                if not self.store.take_lease(episode_id, self.holder, self.lease_seconds, self.clock()):
                    log.info("episode %s is being worked on by another instance", episode_id)
                    return episode
                held = True
                episode = self._run_step(name, self.store.get(episode_id))
                if episode.state == State.FAILED:
                    break
            return episode
        finally:
            if held:
                self.store.release_lease(episode_id, self.holder)

    def _run_step(self, name: str, episode: Episode) -> Episode:
        step = self.steps[name]
        lost = threading.Event()
        context = StepContext(episode=episode, store=self.store, people=self.people, services=self.services,
                              holds_lease=lambda: not lost.is_set() and self._still_mine(episode.id))
        stop = threading.Event()
        heartbeat = threading.Thread(target=self._heartbeat, args=(episode.id, stop, lost), daemon=True,
                                     name=f"papercast-lease-{episode.id}")
        heartbeat.start()
        try:
            result = step(context)
        except LeaseLost:
            raise
        except PapercastError as e:
            return self._fail(episode, name, e)
        except Exception as e:  # noqa: BLE001 - a bug or an outage must fail the step, not the runner
            log.exception("step %s failed for episode %s", name, episode.id)
            return self._fail(episode, name, StepFailed(
                f"The {name} step failed unexpectedly ({type(e).__name__}: {e}).",
                "Press Retry; if it fails again, the logs have the details.",
            ))
        finally:
            stop.set()
        failpoints.reach(f"step.{name}.done")
        if lost.is_set():
            raise LeaseLost(f"episode {episode.id} was taken over while its {name} step ran")
        try:
            after = self.store.transition(
                episode.id, result.transition, actor="papercast", reason=result.reason,
                expected_version=episode.version, updates=result.updates, facts=result.facts,
                artifacts_=result.artifacts, paper=result.paper, script=result.script,
            )
        except (ConcurrentTransition, TransitionNotAllowed) as e:
            log.info("step %s for %s lost a race: %s", name, episode.id, e.message)
            return self.store.get(episode.id)
        failpoints.reach(f"step.{name}.committed")
        self._tell_status(after.id)
        if result.then is not None:
            try:
                result.then(after)
            except Exception:  # noqa: BLE001 - committed already; the follow-ups repair themselves at their next tick
                log.exception("after-step hook of %s failed for %s", name, episode.id)
        return after

    def _still_mine(self, episode_id: str) -> bool:
        return self.store.lease_holder(episode_id, self.clock()) == self.holder

    def _heartbeat(self, episode_id: str, stop: threading.Event, lost: threading.Event) -> None:
        while not stop.wait(self.lease_seconds / 3):
            try:
                if not self.store.renew_lease(episode_id, self.holder, self.lease_seconds, self.clock()):
                    log.warning("episode %s: another instance took the lease over", episode_id)
                    lost.set()
                    return
            except Exception:  # noqa: BLE001 - a database hiccup; the lease lasts a while yet, try again
                log.warning("could not renew the lease of %s", episode_id, exc_info=True)

    def _fail(self, episode: Episode, step: str, error: PapercastError) -> Episode:
        try:
            failed = self.store.transition(
                episode.id, "fail", actor="papercast", reason=error.for_people(), expected_version=episode.version,
                updates={"failed_step": step, "error": error.for_people()},
                facts={"error_kind": error.kind, "retryable": error.retryable},
            )
        except (ConcurrentTransition, TransitionNotAllowed):
            return self.store.get(episode.id)
        try:
            self.people.say(episode.id, Notice.of(error.notice(), icon=Icon.WARNING), key=f"failed:v{failed.version}")
        except Exception:  # noqa: BLE001 - the failure is recorded; telling people is best effort
            log.exception("could not tell people that episode %s failed", episode.id)
        self._tell_status(episode.id)
        return failed

    def _tell_status(self, episode_id: str) -> None:
        try:
            self.people.status(episode_id)
        except Exception:  # noqa: BLE001 - the card is a view of the store; the next update repairs it
            log.exception("could not update the status card of %s", episode_id)
