"""The step runner: moves episodes through their automatic steps, off the request path.

Each state that needs no person has one step (``states.STEP_FOR_STATE``). A step
is an idempotent function of a :class:`StepContext` that returns a
:class:`StepResult`; the runner commits that result as one transition (with its
artifacts, paper or script version) and then runs the next step, until the
episode waits for a person, for the live site, or is done. A step's files are
written (content addressed) before its transition commits; effects on the outside
world go through :meth:`StepContext.once`, which records them so a re-run after a
crash does not repeat them. A lease on the episode keeps two instances from
running the same step at once. A failing step moves the episode to ``failed``
with the step, the error, and a retry.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from workflows.artifacts import Artifact
from workflows.errors import ConcurrentTransition, PapercastError, StepFailed, TransitionNotAllowed
from workflows.people import People
from workflows.states import STEP_FOR_STATE, State
from workflows.store.episodes import EpisodeStore
from workflows.store.records import Episode

log = logging.getLogger(__name__)


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
    then: Callable[[Episode], None] | None = None


@dataclass
class StepContext:
    episode: Episode
    store: EpisodeStore
    people: People
    services: Any  # the application's services (settings, artifact store, backends)

    def once(self, key: str, effect: Callable[[], Any]) -> Any:
        """Run an outside effect at most once per episode and key; return its (recorded) result.

        The record is written right after the effect; a crash between the two is the
        only window in which a re-run repeats it, so effects should also be naturally
        idempotent where they can (publishing finds its own commit by its trailer).
        """
        done, result = self.store.effect(self.episode.id, key)
        if done:
            return result
        result = effect()
        self.store.record_effect(self.episode.id, key, result)
        return result


Step = Callable[[StepContext], StepResult]


class StepRunner:
    def __init__(self, store: EpisodeStore, steps: dict[str, Step], people: People, services: Any = None, *,
                 workers: int = 2, lease_seconds: float = 120.0, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.steps = steps
        self.people = people
        self.services = services
        self.lease_seconds = lease_seconds
        self.clock = clock
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="papercast-step")
        self._lock = threading.Lock()
        self._inflight: dict[str, Future] = {}
        self._again: set[str] = set()

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

    def resume_all(self) -> list[str]:
        """Kick every episode that an automatic step should move on (call at start)."""
        ids = [e.id for e in self.store.unfinished()]
        for episode_id in ids:
            self.kick(episode_id)
        return ids

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    def _drain(self, episode_id: str) -> Episode:
        while True:
            episode = self.advance(episode_id)
            with self._lock:
                if episode_id not in self._again:
                    self._inflight.pop(episode_id, None)
                    return episode
                self._again.discard(episode_id)

    # --- running steps -----------------------------------------------------------------------

    def advance(self, episode_id: str) -> Episode:
        """Run steps until the episode waits (for a person, the live site, or another instance)."""
        episode = self.store.get(episode_id)
        while (name := STEP_FOR_STATE.get(episode.state)) is not None:
            if not self.store.take_lease(episode_id, self.holder, self.lease_seconds, self.clock()):
                log.info("episode %s is being worked on by another instance", episode_id)
                return episode
            try:
                episode = self._run_step(name, episode)
            finally:
                self.store.release_lease(episode_id, self.holder)
            if episode.state == State.FAILED:
                break
        return episode

    def _run_step(self, name: str, episode: Episode) -> Episode:
        step = self.steps[name]
        context = StepContext(episode=episode, store=self.store, people=self.people, services=self.services)
        stop = threading.Event()
        heartbeat = threading.Thread(target=self._heartbeat, args=(episode.id, stop), daemon=True)
        heartbeat.start()
        try:
            result = step(context)
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
        try:
            after = self.store.transition(
                episode.id, result.transition, actor="papercast", reason=result.reason,
                expected_version=episode.version, updates=result.updates, facts=result.facts,
                artifacts_=result.artifacts, paper=result.paper, script=result.script,
            )
        except (ConcurrentTransition, TransitionNotAllowed) as e:
            log.info("step %s for %s lost a race: %s", name, episode.id, e.message)
            return self.store.get(episode.id)
        self._tell_status(after.id)
        if result.then is not None:
            try:
                result.then(after)
            except Exception:  # noqa: BLE001 - committed already; the follow-up is repaired at the next start
                log.exception("after-step hook of %s failed for %s", name, episode.id)
        return after

    def _heartbeat(self, episode_id: str, stop: threading.Event) -> None:
        while not stop.wait(self.lease_seconds / 3):
            self.store.take_lease(episode_id, self.holder, self.lease_seconds, self.clock())

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
            self.people.say(episode.id, f":warning: {error.for_people()}")
        except Exception:  # noqa: BLE001 - the failure is recorded; telling people is best effort
            log.exception("could not tell people that episode %s failed", episode.id)
        self._tell_status(episode.id)
        return failed

    def _tell_status(self, episode_id: str) -> None:
        try:
            self.people.status(episode_id)
        except Exception:  # noqa: BLE001 - the card is a view of the store; the next update repairs it
            log.exception("could not update the status card of %s", episode_id)
