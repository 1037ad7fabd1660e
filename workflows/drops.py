"""Dropped PDFs become episodes exactly once, even while the database cannot be written.

:meth:`Drops.start` claims the file (``file:<id>``) and creates its episode. When the
store's disk is full, the drop is kept in memory (at most ``limit`` of them, one per
file) and tried again with growing pauses by an injected timer until the episode is
created; the person is told once (``on_held``) and the episode's first sight of the
world (``on_started``) comes when it exists. Event deliveries are remembered the same
way (:meth:`Drops.first_delivery`): in the store, or in memory while it is full, so a
retried delivery starts nothing twice.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from workflows import review
from workflows.errors import StorageUnavailable, storage_error
from workflows.services import Services
from workflows.store.records import Episode

log = logging.getLogger(__name__)

#: Seconds between tries while the disk stays full (the last one repeats).
BACKOFF = (5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

OnStarted = Callable[[Episode], None]
OnHeld = Callable[["Drop", StorageUnavailable], None]
#: ``schedule(delay_seconds, fn)``: run ``fn`` once, about ``delay_seconds`` from now.
Schedule = Callable[[float, Callable[[], None]], Any]


@dataclass(frozen=True)
class Drop:
    """A PDF someone dropped: who, where (channel and thread), and what Slack's files.info said of it."""

    file: dict[str, Any]
    uploader: str
    channel: str
    thread_ts: str

    @property
    def file_id(self) -> str:
        return str(self.file["id"])


@dataclass
class _Held:
    drop: Drop
    on_started: OnStarted
    #: The ``file:<id>`` claim is ours already (the disk filled up between the claim and the episode).
    claimed: bool = False


def held_reply() -> StorageUnavailable:
    """What the person who dropped a PDF is told while it waits for space."""
    error = StorageUnavailable("papercast cannot save new episodes right now: the server's disk is full.",
                               "I will start this one by myself as soon as there is space again; nothing to do for you.")
    error.reason = "disk_full"
    return error


def too_many_reply(waiting: int) -> StorageUnavailable:
    error = StorageUnavailable(f"papercast cannot save new episodes right now: the server's disk is full, "
                               f"and {waiting} papers are already waiting.",
                               "Drop this one again once there is space.")
    error.reason = "disk_full"
    return error


def _disk_full(error: BaseException) -> bool:
    found = storage_error(error)
    return found is not None and found.reason == "disk_full"


def _remember(keys: OrderedDict[str, None], key: str, most: int) -> None:
    """Add ``key``, forgetting the oldest beyond ``most``."""
    keys[key] = None
    while len(keys) > most:
        keys.popitem(last=False)


def _timer(delay: float, fn: Callable[[], None]) -> threading.Timer:
    timer = threading.Timer(delay, fn)
    timer.daemon = True
    timer.name = "papercast-held-drops"
    timer.start()
    return timer


class Drops:
    def __init__(self, svc: Services, holder: str, *, limit: int = 100, schedule: Schedule = _timer,
                 backoff: tuple[float, ...] = BACKOFF) -> None:
        self.svc = svc
        #: Who claims in the store (host:pid).
        self.holder = holder
        self.limit = limit
        self.schedule = schedule
        self.backoff = backoff
        self._held: OrderedDict[str, _Held] = OrderedDict()
        self._seen: OrderedDict[str, None] = OrderedDict()
        #: Drops told to come back later (no room to keep them): later deliveries of them start nothing.
        self._refused: OrderedDict[str, None] = OrderedDict()
        self._tries = 0
        self._pending = False
        self._lock = threading.RLock()

    def start(self, drop: Drop, *, on_started: OnStarted, on_held: OnHeld) -> Episode | None:
        """Start the drop's episode once per file; ``on_started`` gets it now, or after the disk has space again.

        Returns the episode when it was created now; None when another delivery started it already
        or it waits for space (``on_held`` told the person, once).
        """
        with self._lock:
            if drop.file_id in self._held or drop.file_id in self._refused:
                return None  # a second delivery of a drop that waits already, or was told to come back
        held = _Held(drop, on_started)
        try:
            episode = self._try(held)
        except (SQLAlchemyError, OSError) as e:
            if not _disk_full(e):
                raise
            with self._lock:
                if drop.file_id in self._held or drop.file_id in self._refused:
                    return None  # another delivery of the same drop is keeping it, and said so
                told = self._hold(held)
            on_held(drop, told)
            return None
        if episode is not None:
            on_started(episode)
        return episode

    def first_delivery(self, key: str) -> bool:
        """True for the first caller of ``key`` (an event id): claimed in the store, or in memory while it is full."""
        try:
            return self.svc.store.claim(key, self.holder)
        except (SQLAlchemyError, OSError) as e:
            if not _disk_full(e):
                raise
        with self._lock:
            if key in self._seen:
                return False
            _remember(self._seen, key, self.limit * 10)
            return True

    def waiting(self) -> list[Drop]:
        """The drops that wait for space, oldest first."""
        with self._lock:
            return [h.drop for h in self._held.values()]

    # --- holding and trying again ---------------------------------------------------------

    def _try(self, held: _Held) -> Episode | None:
        if not held.claimed:
            if not self.svc.store.claim(f"file:{held.drop.file_id}", self.holder):
                log.info("file %s already started an episode", held.drop.file_id)
                return None
            held.claimed = True
        d = held.drop
        return review.start_episode(self.svc, uploader=d.uploader, channel=d.channel, thread_ts=d.thread_ts, file=d.file)

    def _hold(self, held: _Held) -> StorageUnavailable:
        if len(self._held) >= self.limit:
            log.error("disk full: %d drops wait already; not keeping %s", len(self._held), held.drop.file_id)
            _remember(self._refused, held.drop.file_id, self.limit * 10)
            return too_many_reply(len(self._held))
        log.warning("disk full: keeping the drop of %s until there is space", held.drop.file_id)
        self._held[held.drop.file_id] = held
        self._plan()
        return held_reply()

    def _plan(self) -> None:
        if self._pending or not self._held:
            return
        delay = self.backoff[min(self._tries, len(self.backoff) - 1)]
        self._pending = True
        self.schedule(delay, self.retry)

    def retry(self) -> None:
        """Try every waiting drop, oldest first; while the disk is still full, plan the next try."""
        started: list[tuple[_Held, Episode]] = []
        with self._lock:
            self._pending = False
            for file_id, held in list(self._held.items()):
                try:
                    episode = self._try(held)
                except (SQLAlchemyError, OSError) as e:
                    log.warning("held drop %s still cannot be saved: %s", file_id, storage_error(e) or e)
                    self._tries += 1
                    break
                except Exception:  # noqa: BLE001 - not the disk: it would fail forever, so it is let go
                    log.exception("held drop %s failed; letting it go", file_id)
                    episode = None
                del self._held[file_id]
                if episode is not None:
                    started.append((held, episode))
            else:
                self._tries = 0
            self._plan()
        for held, episode in started:
            log.info("held drop %s is episode %s now", held.drop.file_id, episode.id)
            try:
                held.on_started(episode)
            except Exception:  # noqa: BLE001 - the episode exists; its card is repaired by the next update
                log.exception("could not tell about episode %s", episode.id)
