"""Verification: is the episode really live? Its files on the website's branch, and served to listeners as approved.

:func:`check_episode` answers for one episode; :class:`ShipChecker` answers for many
with one fetch (and one ``git ls-tree``) of the website repository's remote branch and
one pooled HTTP client. The branch counts by content: the approved files' git blob ids
at their paths in the remote branch's tree, so a content-identical rewrite of the commit
is still published. Each file is fetched at its plain URL (what podcast apps fetch), with
its Content-Type checked, within an overall deadline per check and a time budget per
round. Each finding has a kind and a sentence for people; an episode passes only when
every finding does. For a manual publish the git findings are skipped.
"""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from workflows.errors import PapercastError
from workflows.ship import live
from workflows.ship.feed import feed_listing
from workflows.ship.publish import clone_for
from workflows.ship.targets import PublishTarget, artifact_files, feed_file, target_for
from workflows.ship.website import display_url
from workflows.states import State
from workflows.store.records import Episode

#: What to do about each problem, appended to its finding.
_ADVICE = {
    "not_committed": "Press Retry on the status card to publish again, or choose Publish by hand.",
    "commit_gone": "Press Publish again on the status card to commit and push the approved files again.",
    "replaced_on_remote": "Someone changed them after they were published: revert that change on the website's "
                          "branch to put the approved files back (a changed episode needs its own review first).",
    "repo_unreachable": "Often the git host is only briefly down: papercast checks again at the next follow-up; "
                        "if it keeps happening, run `papercast doctor` for the repository access.",
    "not_deployed": "The commit is pushed but the site does not have the file yet: "
                    "check the site's deploy (CI or Pages build) for this commit.",
    "stale": "The site still serves an older version: check that the deploy of this commit finished.",
    "stale_cache": "The site's cache or CDN serves the old file: purge it for this URL.",
    "html_error_page": "The site answers with a page instead of the file: "
                       "check the deploy and the site's routing for this path.",
    "login_redirect": "The file sits behind a login: make this path public on the site.",
    "access_denied": "The file sits behind a login: make this path public on the site.",
    "wrong_type": "Configure the site's MIME types (in the web server's or CDN's settings) "
                  "so this file is served with that type.",
    "truncated": "The site or its CDN cut the transfer off before the end: "
                 "check its limits on file size and transfer time, then press I fixed it.",
    "site_slow": "The site answers too slowly for a listener's app: "
                 "check the hosting's status and load, then press I fixed it.",
    "site_down": "The site is down or unreachable: check the hosting status, then press I fixed it.",
    "http_error": "Check the site's configuration for this path.",
    "not_in_feed": "The feed the site serves does not list the episode: "
                   "check that the feed file was deployed.",
}
#: Fetches that ran into their deadline before the rest of a round is not tried (the site is too slow right now).
SLOW_BEFORE_GIVING_UP = 3


class Finding(BaseModel):
    kind: str
    ok: bool
    message: str
    url: str | None = None
    #: The commit that holds the approved files on the website's branch, when it is not the recorded one (a rewrite).
    commit: str | None = None


class ShipCheck(BaseModel):
    episode_id: str
    checked_at: datetime
    findings: list[Finding]
    requests: int = 0

    @property
    def shipped(self) -> bool:
        return bool(self.findings) and all(f.ok for f in self.findings)

    @property
    def problem(self) -> Finding | None:
        return next((f for f in self.findings if not f.ok), None)

    @property
    def diagnosis(self) -> str:
        """The first problem, for a reminder ("" when shipped)."""
        p = self.problem
        return p.message if p else ""

    def summary(self) -> dict:
        p = self.problem
        return {"at": self.checked_at.isoformat(timespec="seconds"), "shipped": self.shipped,
                "kind": p.kind if p else "shipped", "diagnosis": self.diagnosis}


def git_blob_id(path: Path) -> str:
    """The id git gives a file's bytes (sha1 of "blob <size>\\0" + bytes)."""
    size = path.stat().st_size
    h = hashlib.sha1(f"blob {size}\0".encode())  # noqa: S324 - git's object id, not security
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class _Remote:
    """The website's remote branch as this session saw it."""

    clone: object
    head: str | None
    tree: dict[str, str]  # path -> blob id at the head
    on_branch: set[str]  # every commit on the branch
    error: PapercastError | None = None


class ShipChecker:
    """A verification session: the remote branch is read once and the HTTP client is shared (thread-safe)."""

    def __init__(self, services, *, target: PublishTarget | None = None) -> None:
        self.services = services
        self.target = target or target_for(services)
        followup = services.show.followup
        self.client = live.client(timeout=followup.http_timeout_seconds, connections=followup.check_concurrency)
        self.deadline_seconds = followup.http_deadline_seconds
        self.budget_seconds = followup.check_budget_seconds
        self._budget_ends = time.monotonic() + self.budget_seconds
        self._slow = 0
        self._remote: _Remote | None = None
        self._feeds: dict[tuple[str, bool], tuple[live.Fetched, frozenset[str]]] = {}
        self._feed_lock = threading.Lock()  # one fetch of the feed per session, even with episodes checked in parallel
        self._rewrites: dict[tuple[str, ...], str | None] = {}
        self._blob_ids: dict[str, str] = {}
        self._git_lock = threading.Lock()  # git reads are not thread-safe (and the live checks need not wait for them)
        self._lock = threading.Lock()  # the session's caches and counters
        #: HTTP requests made by this session (all episodes).
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "ShipChecker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- git: on the website's branch, by content -----------------------------------------------------

    def _remote_state(self) -> _Remote:
        """The remote branch (head, tree, commits), fetched once per session; a failure is kept, not raised."""
        with self._git_lock:
            if self._remote is None:
                clone = clone_for(self.services, self.target)
                try:
                    with clone.locked():
                        head = clone.fetch()
                        tree, on_branch = {}, set()
                        if head:
                            on_branch = set(clone.git("rev-list", clone.origin_ref).split())
                            listing = clone.git("ls-tree", "-r", "-z", "--full-tree", clone.origin_ref)
                            for entry in filter(None, listing.split("\0")):
                                meta, _, path = entry.partition("\t")
                                tree[path] = meta.split()[2]
                    self._remote = _Remote(clone, head, tree, on_branch)
                except PapercastError as e:
                    self._remote = _Remote(clone, None, {}, set(), e)
            return self._remote

    def _git_findings(self, episode: Episode, files, arts) -> tuple[list[Finding], list[Finding]]:
        """(findings that come before the live site's, findings that come after) for a git-published episode."""
        commit = episode.facts.get("commit")
        if not commit:
            return [Finding(kind="not_committed", ok=False,
                            message=f"No commit is recorded for the episode. {_ADVICE['not_committed']}")], []
        remote = self._remote_state()
        if remote.error is not None:
            return [], [self._unreachable(remote.error)]
        short, branch = commit[:10], self.target.branch
        want = {f.path: self._blob_id(arts[f.kind]) for f in files}
        wrong = [path for path, blob in want.items() if remote.tree.get(path) != blob]
        if not wrong:
            if commit in remote.on_branch:
                return [Finding(kind="committed", ok=True, message=f"The approved files are committed in {short}."),
                        Finding(kind="pushed", ok=True, message=f"{short} is on the website's branch {branch}.")], []
            now = self._rewritten_as(remote, tuple(want)) or remote.head or ""
            return [Finding(kind="committed", ok=True, commit=now,
                            message=f"The approved files are committed as {now[:10]} (rewritten from {short})."),
                    Finding(kind="pushed", ok=True, commit=now,
                            message=f"{now[:10]} is on the website's branch {branch}.")], []
        absent = [p for p in wrong if p not in remote.tree]
        changed = [p for p in wrong if p in remote.tree]
        what = "; ".join(part for part in (
            f"has no file at {', '.join(absent)}" if absent else "",
            f"has other bytes than the approved files at {', '.join(changed)}" if changed else "") if part)
        if remote.head is None:
            what = f"does not exist in {display_url(self.target.repo)}"
        if commit in remote.on_branch:
            return [Finding(kind="replaced_on_remote", ok=False,
                            message=f"Commit {short} is on the website's branch {branch}, but a later commit changed "
                                    f"the episode's files: the branch now {what}. {_ADVICE['replaced_on_remote']}")], []
        return [Finding(kind="commit_gone", ok=False,
                        message=f"Commit {short} is no longer on the website's branch {branch} (for example after a "
                                f"force-push), and the branch {what}. {_ADVICE['commit_gone']}")], []

    def _unreachable(self, error: PapercastError) -> Finding:
        why = {"network": "the git host did not answer", "auth": "the credentials were refused",
               "missing": "the repository was not found"}.get(getattr(error, "git_kind", ""), "git failed")
        return Finding(kind="repo_unreachable", ok=False,
                       message=f"Could not read the website repository {display_url(self.target.repo)} ({why}), so it "
                               f"is not confirmed that the commit is on the branch; the live site was still checked. "
                               f"{_ADVICE['repo_unreachable']}")

    def _rewritten_as(self, remote: _Remote, paths: tuple[str, ...]) -> str | None:
        """The newest commit on the branch that touched ``paths`` (the recorded commit was rewritten)."""
        with self._git_lock:
            if paths not in self._rewrites:
                try:
                    self._rewrites[paths] = remote.clone.git("log", "-1", "--format=%H", remote.clone.origin_ref,
                                                             "--", *paths) or None
                except PapercastError:
                    self._rewrites[paths] = None
            return self._rewrites[paths]

    def _blob_id(self, art) -> str:
        with self._lock:
            known = self._blob_ids.get(art.sha256)
        if known is None:
            known = git_blob_id(self.services.artifacts.path(art))
            with self._lock:
                self._blob_ids[art.sha256] = known
        return known

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
        before, after = ([], []) if episode.state == State.MANUAL_PUBLISH else self._git_findings(episode, files, arts)
        return ShipCheck(episode_id=episode.id, checked_at=now, findings=before + served + after, requests=requests)

    def check_all(self, episodes: list[Episode]) -> list[ShipCheck]:
        """Check many episodes at once (a bounded thread pool over the shared client; the repository read alongside)."""
        if not episodes:
            return []
        workers = min(self.services.show.followup.check_concurrency, len(episodes))
        with ThreadPoolExecutor(max_workers=workers + 1, thread_name_prefix="papercast-check") as pool:
            if any(e.state != State.MANUAL_PUBLISH for e in episodes):
                pool.submit(self._remote_state)
            return list(pool.map(self.check, episodes))


def check_episode(services, episode: Episode) -> ShipCheck:
    """Run every check for one episode now, in order, and return the findings."""
    with ShipChecker(services) as checker:
        return checker.check(episode)
