"""Verification: is the episode really live? Committed, pushed, served byte for byte, and in the feed.

:func:`check_episode` answers for one episode; :class:`ShipChecker` answers for many
with one fetch of the website repository and one pooled HTTP client. Each finding
has a kind and a sentence for people; an episode passes only when every finding does.
For a manual publish the git findings are skipped: only what the site serves counts.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import httpx
from pydantic import BaseModel

from workflows.errors import PapercastError
from workflows.ship import live
from workflows.ship.feed import feed_listing
from workflows.ship.publish import clone_for
from workflows.ship.targets import PublishTarget, artifact_files, feed_file, target_for
from workflows.states import State
from workflows.store.records import Episode

#: What to do about each problem, appended to its finding.
_ADVICE = {
    "not_committed": "Press Retry on the status card to publish again, or choose Publish manually.",
    "not_pushed": "Press Retry to push it; if it fails again, run `papercast doctor` for the repository access.",
    "not_deployed": "The commit is pushed but the site does not have the file yet: check the site's deploy (CI or Pages build) for this commit.",
    "stale": "The site still serves an older version: check that the deploy of this commit finished.",
    "stale_cache": "The site's cache or CDN serves the old file: purge it for this URL.",
    "html_error_page": "The site answers with a page instead of the file: check the deploy and the site's routing for this path.",
    "login_redirect": "The file sits behind a login: make this path public on the site.",
    "access_denied": "The file sits behind a login: make this path public on the site.",
    "site_down": "The site is down or unreachable: check the hosting status, then press I fixed it.",
    "http_error": "Check the site's configuration for this path.",
    "not_in_feed": "The feed the site serves does not list the episode: check that the feed file was deployed.",
}


class Finding(BaseModel):
    kind: str
    ok: bool
    message: str
    url: str | None = None


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


class ShipChecker:
    """A verification session: the repository is fetched once and the HTTP client is shared (thread-safe)."""

    def __init__(self, services, *, target: PublishTarget | None = None) -> None:
        self.services = services
        self.target = target or target_for(services)
        followup = services.show.followup
        n = followup.check_concurrency
        self.client = httpx.Client(timeout=followup.http_timeout_seconds, follow_redirects=False,
                                   limits=httpx.Limits(max_connections=n, max_keepalive_connections=n))
        self._git: tuple[object, set[str], str | None] | None = None
        self._feeds: dict[str, tuple[live.Fetched, frozenset[str]]] = {}
        self._feed_lock = threading.Lock()  # one fetch of the feed per session, even when episodes are checked in parallel
        self._trees: dict[str, dict[str, str]] = {}
        self._blob_ids: dict[str, str] = {}
        self._lock = threading.Lock()  # git object reads and the session caches are not thread-safe
        #: HTTP requests made by this session (all episodes).
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "ShipChecker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- git: committed and pushed ---------------------------------------------------------------------

    def _repo_state(self):
        """(clone, shas on the remote branch, error) fetched once per session."""
        with self._lock:
            return self._repo_state_locked()

    def _repo_state_locked(self):
        if self._git is None:
            clone = clone_for(self.services, self.target)
            try:
                with clone.locked():
                    head = clone.fetch()
                    on_remote = set(clone.git("rev-list", clone.origin_ref).split()) if head else set()
                self._git = (clone, on_remote, None)
            except PapercastError as e:
                self._git = (clone, set(), e.message)
        return self._git

    def _git_findings(self, episode: Episode, files, arts) -> list[Finding]:
        commit = episode.facts.get("commit")
        if not commit:
            return [Finding(kind="not_committed", ok=False, message=f"No commit is recorded for the episode. {_ADVICE['not_committed']}")]
        clone, on_remote, error = self._repo_state()
        short = commit[:10]
        if error:
            return [Finding(kind="not_pushed", ok=False, message=f"The website repository could not be read: {error}")]
        try:
            tree = self._tree(clone, commit)
            found = {f.kind: tree[f.path] for f in files}
        except (PapercastError, KeyError) as e:
            return [Finding(kind="not_committed", ok=False,
                            message=f"Commit {short} with the episode's files is not in the website repository ({type(e).__name__}). "
                                    + _ADVICE["not_committed"])]
        wrong = [f.path for f in files if found[f.kind] != self._blob_id(arts[f.kind])]
        if wrong:
            return [Finding(kind="not_committed", ok=False,
                            message=f"Commit {short} has other bytes at {', '.join(wrong)} than the approved files. "
                                    + _ADVICE["not_committed"])]
        findings = [Finding(kind="committed", ok=True, message=f"The files are committed in {short}.")]
        if commit in on_remote:
            findings.append(Finding(kind="pushed", ok=True, message=f"{short} is on the remote branch {self.target.branch}."))
        else:
            findings.append(Finding(kind="not_pushed", ok=False,
                                    message=f"Commit {short} is in papercast's clone but not on the remote branch "
                                            f"{self.target.branch}. {_ADVICE['not_pushed']}"))
        return findings

    def _tree(self, clone, commit: str) -> dict[str, str]:
        """{path: blob id} of every file in the commit, read once per session (one `git ls-tree`)."""
        with self._lock:
            if commit not in self._trees:
                listing = clone.git("ls-tree", "-r", "-z", "--full-tree", commit)
                tree = {}
                for entry in filter(None, listing.split("\0")):
                    meta, _, path = entry.partition("\t")
                    tree[path] = meta.split()[2]
                self._trees[commit] = tree
            return self._trees[commit]

    def _blob_id(self, art) -> str:
        with self._lock:
            if art.sha256 not in self._blob_ids:
                self._blob_ids[art.sha256] = git_blob_id(art.path)
            return self._blob_ids[art.sha256]

    # --- the live site ----------------------------------------------------------------------------------

    def _count(self, n: int) -> int:
        with self._lock:
            self.requests += n
        return n

    def _feed(self, url: str) -> tuple[live.Fetched, frozenset[str], int]:
        """The feed and the ids and URLs it lists, fetched once per session; (answer, listing, requests made now)."""
        with self._feed_lock:
            if url in self._feeds:
                return *self._feeds[url], 0
            got = live.fetch(self.client, url, expected_sha256=None, keep_body=True)
            listed = feed_listing(got.body or b"") if got.problem is None and got.status == 200 else frozenset()
            self._feeds[url] = got, listed
        return *self._feeds[url], self._count(got.requests)

    def _live_findings(self, episode: Episode, files, arts) -> tuple[list[Finding], int]:
        findings, requests = [], 0
        for f in files:
            art = arts[f.kind]
            got = live.fetch(self.client, f.url, expected_sha256=art.sha256, expected_size=art.size,
                             expects_html=art.media_type.startswith("text/html"))
            requests += self._count(got.requests)
            name = Path(f.path).name
            if got.problem is None:
                findings.append(Finding(kind="served", ok=True, url=f.url,
                                        message=f"{f.url} serves {name} with the approved sha256 {art.sha256[:12]}."))
            else:
                findings.append(Finding(kind=got.problem, ok=False, url=f.url,
                                        message=f"{f.url} {got.detail}. {_ADVICE[got.problem]}"))
        feed = feed_file(self.services.show.publish, self.target)
        got, listing, made = self._feed(feed.url)
        requests += made
        audio = next(f for f in files if f.kind == "audio")
        if got.problem is not None:
            findings.append(Finding(kind=got.problem, ok=False, url=feed.url,
                                    message=f"The feed {feed.url} {got.detail}. {_ADVICE[got.problem]}"))
        elif got.status == 200 and (episode.id in listing or audio.url in listing):
            findings.append(Finding(kind="in_feed", ok=True, url=feed.url, message=f"The feed {feed.url} lists the episode."))
        else:
            stale = live.cache_says_stale(got.headers)
            kind = "stale_cache" if stale else "not_in_feed"
            extra = f" (a cache answered: {stale})" if stale else ""
            findings.append(Finding(kind=kind, ok=False, url=feed.url,
                                    message=f"The feed {feed.url} does not list the episode{extra}. {_ADVICE[kind]}"))
        return findings, requests

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
        findings = [] if episode.state == State.MANUAL_PUBLISH else self._git_findings(episode, files, arts)
        served, requests = self._live_findings(episode, files, arts)
        return ShipCheck(episode_id=episode.id, checked_at=now, findings=findings + served, requests=requests)

    def check_all(self, episodes: list[Episode]) -> list[ShipCheck]:
        """Check many episodes at once (a bounded thread pool over the shared client)."""
        if not episodes:
            return []
        if any(e.state != State.MANUAL_PUBLISH for e in episodes):
            self._repo_state()
        workers = min(self.services.show.followup.check_concurrency, len(episodes))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="papercast-check") as pool:
            return list(pool.map(self.check, episodes))


def check_episode(services, episode: Episode) -> ShipCheck:
    """Run every check for one episode now, in order, and return the findings."""
    with ShipChecker(services) as checker:
        return checker.check(episode)
