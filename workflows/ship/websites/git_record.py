"""What the git website's branch holds, for the live checks: are the approved files on it, by content?

The remote branch is fetched once per verification session (one ``git ls-tree``); the branch
counts by content: the approved files' git blob ids at their paths in the remote head's tree,
so a content-identical rewrite of the commit is still published. A failure to read it is
kept, not raised: it becomes a ``repo_unreachable`` finding and the live site is still checked.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workflows.errors import PapercastError
from workflows.ship.findings import ADVICE, Finding
from workflows.ship.targets import PublishTarget
from workflows.ship.website import WebsiteClone, display_url
from workflows.store.records import Episode

if TYPE_CHECKING:
    from workflows.services import Services


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

    head: str | None
    tree: dict[str, str] = field(default_factory=dict)  # path -> blob id at the head
    on_branch: set[str] = field(default_factory=set)  # every commit on the branch
    error: PapercastError | None = None


class GitRecord:
    """One verification session's view of the branch (thread-safe; git itself is read under a lock)."""

    def __init__(self, services: Services, clone: WebsiteClone, target: PublishTarget) -> None:
        self.services, self.clone, self.target = services, clone, target
        self._remote: _Remote | None = None
        self._rewrites: dict[tuple[str, ...], str | None] = {}
        self._blob_ids: dict[str, str] = {}
        self._git_lock = threading.Lock()  # git reads are not thread-safe (and the live checks need not wait for them)
        self._lock = threading.Lock()

    def prefetch(self) -> None:
        self._remote_state()

    def _remote_state(self) -> _Remote:
        """The remote branch (head, tree, commits), fetched once per session; a failure is kept, not raised."""
        with self._git_lock:
            if self._remote is None:
                clone = self.clone
                try:
                    with clone.locked():
                        head = clone.fetch()
                        remote = _Remote(head)
                        if head:
                            remote.on_branch = set(clone.git("rev-list", clone.origin_ref).split())
                            listing = clone.git("ls-tree", "-r", "-z", "--full-tree", clone.origin_ref)
                            for entry in filter(None, listing.split("\0")):
                                meta, _, path = entry.partition("\t")
                                remote.tree[path] = meta.split()[2]
                    self._remote = remote
                except PapercastError as e:
                    self._remote = _Remote(None, error=e)
            return self._remote

    def findings(self, episode: Episode, files, arts) -> tuple[list[Finding], list[Finding]]:
        """(findings that come before the live site's, findings that come after) for a git-published episode."""
        commit = episode.facts.commit
        if not commit:
            return [Finding(kind="not_committed", ok=False,
                            message=f"No commit is recorded for the episode. {ADVICE['not_committed']}")], []
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
            now = self._rewritten_as(tuple(want)) or remote.head or ""
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
                                    f"the episode's files: the branch now {what}. {ADVICE['replaced_on_remote']}")], []
        return [Finding(kind="commit_gone", ok=False,
                        message=f"Commit {short} is no longer on the website's branch {branch} (for example after a "
                                f"force-push), and the branch {what}. {ADVICE['commit_gone']}")], []

    def _unreachable(self, error: PapercastError) -> Finding:
        why = {"network": "the git host did not answer", "auth": "the credentials were refused",
               "missing": "the repository was not found"}.get(getattr(error, "git_kind", ""), "git failed")
        return Finding(kind="repo_unreachable", ok=False,
                       message=f"Could not read the website repository {display_url(self.target.repo)} ({why}), so it "
                               f"is not confirmed that the commit is on the branch; the live site was still checked. "
                               f"{ADVICE['repo_unreachable']}")

    def _rewritten_as(self, paths: tuple[str, ...]) -> str | None:
        """The newest commit on the branch that touched ``paths`` (the recorded commit was rewritten)."""
        with self._git_lock:
            if paths not in self._rewrites:
                try:
                    self._rewrites[paths] = self.clone.git("log", "-1", "--format=%H", self.clone.origin_ref,
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
