"""Verification: is the episode really live? On the website, and served to listeners as approved.

:func:`check_episode` answers for one episode; :class:`ShipChecker` answers for many with
one read of what the website holds (its :meth:`~workflows.ship.websites.Website.record`:
the git branch's tree, or the bucket's objects) and one pooled HTTP client. Each file is
fetched at its plain URL (what podcast apps fetch), with its Content-Type checked, within an
overall deadline per check and a time budget per round. Each finding has a kind and a
sentence for people (:mod:`workflows.ship.findings`); an episode passes only when every
finding does. For a manual publish the website's own findings are skipped.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from workflows.ship import live
from workflows.ship.feed import feed_listing
from workflows.ship.findings import ADVICE as _ADVICE
from workflows.ship.findings import Finding, ShipCheck
from workflows.ship.targets import artifact_files, feed_file
from workflows.ship.websites import Website, website_for
from workflows.states import State
from workflows.store.records import Episode

if TYPE_CHECKING:
    from workflows.services import Services

__all__ = ["Finding", "ShipCheck", "ShipChecker", "check_episode"]

#: Fetches that ran into their deadline before the rest of a round is not tried (the site is too slow right now).
SLOW_BEFORE_GIVING_UP = 3


class ShipChecker:
    """A verification session: what the website holds is read once and the HTTP client is shared (thread-safe)."""

    def __init__(self, services: Services, *, website: Website | None = None) -> None:
        self.services = services
        self.website = website or website_for(services)
        self.target = self.website.target
        self.record = self.website.record(services)
        followup = services.show.followup
        self.client = live.client(timeout=followup.http_timeout_seconds, connections=followup.check_concurrency)
        self.deadline_seconds = followup.http_deadline_seconds
        self.budget_seconds = followup.check_budget_seconds
        self._budget_ends = time.monotonic() + self.budget_seconds
        self._slow = 0
        self._feeds: dict[tuple[str, bool], tuple[live.Fetched, frozenset[str]]] = {}
        self._feed_lock = threading.Lock()  # one fetch of the feed per session, even with episodes checked in parallel
        self._lock = threading.Lock()  # the session's caches and counters
        #: HTTP requests made by this session (all episodes).
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "ShipChecker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the live site: time --------------------------------------------------------------------------

    def _count(self, n: int) -> int:
        with self._lock:
            self.requests += n
        return n

    def _not_tried(self) -> str | None:
        """Why no more fetches are made in this round, if so (its time is up, or the site is too slow now)."""
        if time.monotonic() >= self._budget_ends:
            return (f"was not checked: this round of checks used up its {self.budget_seconds:g} s, "
                    "because the site answered slowly")
        if self._slow >= SLOW_BEFORE_GIVING_UP:
            return (f"was not checked: the site was too slow for {self._slow} earlier requests in this round "
                    f"(each may take {self.deadline_seconds:g} s)")
        return None

    def _fetch(self, url: str, **kw) -> live.Fetched:
        got = live.check_file(self.client, url, seconds=self.deadline_seconds, until=self._budget_ends, **kw)
        self._count(got.requests)
        if got.problem == "site_slow":
            with self._lock:
                self._slow += 1
            if time.monotonic() >= self._budget_ends:  # cut off by the round's budget, not by its own deadline
                got.detail = self._not_tried() or got.detail
        return got

    # --- the live site: files and feed ----------------------------------------------------------------

    def _live_findings(self, episode: Episode, files, arts) -> tuple[list[Finding], int]:
        findings, requests, slow = [], 0, None
        for f in files:
            art = arts[f.kind]
            skipped = self._not_tried() or (f"was not checked, as {slow} was already too slow" if slow else None)
            if skipped:
                findings.append(Finding(kind="site_slow", ok=False, url=f.url,
                                        message=f"{f.url} {skipped}. {_ADVICE['site_slow']}"))
                continue
            got = self._fetch(f.url, sha256=art.sha256, media_type=art.media_type, expected_size=art.size)
            requests += got.requests
            if got.problem is None:
                said = f"{f.url} serves {Path(f.path).name} with the approved sha256 {art.sha256[:12]}."
                findings.append(Finding(kind="served", ok=True, url=f.url, message=said))
                continue
            slow = slow or (f.url if got.problem == "site_slow" else None)
            findings.append(Finding(kind=got.problem, ok=False, url=f.url,
                                    message=f"{f.url} {got.detail}. {_ADVICE[got.problem]}"))
        feed, made = self._feed_finding(episode, next(f for f in files if f.kind == "audio"), slow)
        return findings + [feed], requests + made

    def _feed(self, url: str, past_caches: bool) -> tuple[live.Fetched, frozenset[str], int]:
        """The feed and the ids and URLs it lists, fetched once per session; (answer, listing, requests made now)."""
        with self._feed_lock:
            if (url, past_caches) in self._feeds:
                return *self._feeds[url, past_caches], 0
            got = self._fetch(url, sha256=None, media_type=live.FEED, keep_body=True, past_caches=past_caches,
                              second_look=False)
            listed = feed_listing(got.body or b"") if got.status == 200 and got.body is not None else frozenset()
            self._feeds[url, past_caches] = got, listed
        return got, listed, got.requests

    def _feed_finding(self, episode: Episode, audio, slow: str | None) -> tuple[Finding, int]:
        """Does the feed podcast apps read list the episode? Past the cache too when not (once per round)."""
        url = feed_file(self.services.show.publish, self.target).url

        def finding(kind: str, what: str) -> Finding:
            return Finding(kind=kind, ok=False, url=url, message=f"The feed {url} {what}. {_ADVICE[kind]}")

        with self._feed_lock:
            cached = (url, False) in self._feeds
        skipped = None if cached else (self._not_tried() or (f"was not checked, as {slow} was already too slow"
                                                             if slow else None))
        if skipped:
            return finding("site_slow", skipped), 0
        got, listed, made = self._feed(url, False)
        ours = {episode.id, audio.url}
        if got.problem is None and ours & listed:
            return Finding(kind="in_feed", ok=True, url=url, message=f"The feed {url} lists the episode."), made
        second_look = got.problem not in ("wrong_type", "truncated", "site_slow") and got.status is not None
        if second_look and not self._not_tried():
            past, past_listed, more = self._feed(url, True)
            made += more
            if past.problem is None and ours & past_listed:
                hit = live.cache_says_stale(got.headers)
                why = f"a cache or CDN keeps an old copy ({hit})" if hit else "a cache or CDN keeps an old copy"
                what = "does not list the episode" if got.problem is None else got.gave
                return finding("stale_cache", f"{what} for podcast apps, while a request past the cache gets a feed "
                                              f"that lists it: {why}"), made
            if got.problem is None and (hit := live.cache_says_stale(past.headers)):
                return finding("stale_cache", f"does not list the episode, and a cache answered ({hit})"), made
        if got.problem is not None:
            return finding(got.problem, got.detail), made
        return finding("not_in_feed", "does not list the episode"), made

    # --- one episode ------------------------------------------------------------------------------------

    def check(self, episode: Episode) -> ShipCheck:
        publish = self.services.show.publish
        files = artifact_files(publish, self.target, episode)
        arts = self.services.store.artifacts(episode.id)
        missing = [f.kind for f in files if f.kind not in arts]
        now = self.services.clock()
        if missing:
            return ShipCheck(episode_id=episode.id, checked_at=now, findings=[Finding(
                kind="not_committed", ok=False, message=f"The episode has no {', '.join(missing)} file to check.")])
        served, requests = self._live_findings(episode, files, arts)
        before, after = ([], []) if episode.state == State.MANUAL_PUBLISH else self.record.findings(episode, files, arts)
        return ShipCheck(episode_id=episode.id, checked_at=now, findings=before + served + after, requests=requests)

    def check_all(self, episodes: list[Episode]) -> list[ShipCheck]:
        """Check many episodes at once (a bounded thread pool over the shared client; the website read alongside)."""
        if not episodes:
            return []
        workers = min(self.services.show.followup.check_concurrency, len(episodes))
        with ThreadPoolExecutor(max_workers=workers + 1, thread_name_prefix="papercast-check") as pool:
            if any(e.state != State.MANUAL_PUBLISH for e in episodes):
                pool.submit(self.record.prefetch)
            return list(pool.map(self.check, episodes))


def check_episode(services: Services, episode: Episode) -> ShipCheck:
    """Run every check for one episode now, in order, and return the findings."""
    with ShipChecker(services) as checker:
        return checker.check(episode)
