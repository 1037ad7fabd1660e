"""The ``git`` website: one commit on top of the website repository's branch with exactly the episode's files.

papercast works in its own clone (``<data_dir>/website/``). Before each publish the clone
is put exactly on the remote branch; whatever a person left there (local commits, changes,
untracked files) is first saved under ``refs/papercast/preserved/<time>`` and never pushed.
The commit is built on the fetched remote head, from its tree: the artifacts plus the index,
feed and show page regenerated from the remote's own index and feed
(:mod:`workflows.ship.websites.contents`), so what people changed meanwhile is kept. A push
the remote rejects because it moved is fetched, reset, rebuilt and tried again. A different
file at an artifact path stops the publish. Its trailers (:mod:`.git_commits`) make a re-run
after a crash find its own commit; a rewrite that kept the same files counts as published.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Sequence
from datetime import timezone
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from workflows import failpoints
from workflows.errors import PapercastError, PublishError
from workflows.people import Code, Notice
from workflows.settings import Settings
from workflows.ship.feed import load_index, parse_feed
from workflows.ship.targets import PublishTarget, effective_publish_target, feed_file, index_file, show_page_file
from workflows.ship.website import WebsiteClone, display_url
from workflows.ship.websites import websites
from workflows.ship.websites.contents import Prepared, Published, check_show_page, parsed, prepare, rebuilt
from workflows.ship.websites.git_commits import (
    RemoteTree,
    already_published,
    check_paths,
    check_room,
    commit_message,
    find_commit,
    made_by_papercast,
    pending_commit,
)
from workflows.ship.websites.git_record import GitRecord
from workflows.store.records import Episode

if TYPE_CHECKING:
    from workflows.services import Services

log = logging.getLogger(__name__)
_WHERE = "the website repository"


def _reached(stage: str, checkpoint: Callable[[str], None]) -> None:
    checkpoint(stage)
    failpoints.reach(f"publish.{stage}")


class GitWebsite:
    """A git repository (``publish.repo`` and ``branch``) served at ``publish.base_url``, or the embedded local one."""

    id: ClassVar[str] = "git"

    def __init__(self, settings: Settings, target: PublishTarget) -> None:
        self.settings, self.target = settings, target

    @classmethod
    def from_settings(cls, settings: Settings, *, local_site=None) -> "GitWebsite":
        """The configured repository, or (none configured) the embedded local website ``local_site`` or a running one."""
        return cls(settings, effective_publish_target(settings, local_site))

    def describe(self) -> str:
        return f"branch {self.target.branch} of {display_url(self.target.repo)}"

    def by_hand(self, paths: Sequence[str]) -> tuple[Notice, list[str]]:
        """Each file at its path in the repository, on the branch."""
        return (Notice.of("its path in the website repository ", Code(display_url(self.target.repo)), " (branch ",
                          Code(self.target.branch), ")"), list(paths))

    def clone(self) -> WebsiteClone:
        publish = self.settings.show.publish
        return WebsiteClone(self.settings.data_dir / "website", self.target, self.settings.env,
                            identity=(publish.author_name, publish.author_email))

    def record(self, services: Services) -> GitRecord:
        return GitRecord(services, self.clone(), self.target)

    # --- publish -------------------------------------------------------------------------------------

    def publish(self, services: Services, episode: Episode, *, checkpoint: Callable[[str], None]) -> Published:
        """Commit the episode's files on the remote head and push only that commit ("copied", "committed", "pushed")."""
        publish, target = services.show.publish, self.target
        prep = prepare(services, episode, target)
        sources = {f.kind: services.artifacts.path(prep.arts[f.kind]) for f in prep.files}
        clone = self.clone()
        saved = None

        def done(sha: str, reused: bool, attempt: int) -> Published:
            how = "found the earlier commit" if reused else "committed"
            reason = f"{how} {sha[:10]} and pushed to {target.branch}"
            if saved:
                reason += f"; what was left in papercast's clone was saved to {saved}, not published"
            facts = {"commit": sha, "branch": target.branch, "repo": display_url(target.repo),
                     **({"saved_local_work": saved} if saved else {})}
            return Published(sha, reused, attempt, facts, reason, prep.files, prep.built, prep.facts, saved)

        with clone.locked():
            blobs = {kind: clone.store_file(path) for kind, path in sources.items()}
            for attempt in range(1, publish.push_attempts + 1):
                remote_head = clone.fetch()
                if remote_head and (sha := find_commit(clone, clone.origin_ref, episode.id, prep.shas)):
                    return done(sha, True, attempt)
                tree = RemoteTree(clone, remote_head)
                _, index = parsed(tree.read(index_file(publish, target).path), index_file(publish, target),
                                  load_index, "papercast's episode index", _WHERE)
                index = index or {"episodes": []}
                feed_raw, _ = parsed(tree.read(feed_file(publish, target).path), feed_file(publish, target),
                                     parse_feed, "an RSS feed", _WHERE)
                if remote_head and already_published(tree, prep.files, blobs, prep.shas, index, feed_raw, episode.id):
                    return done(remote_head, True, attempt)
                pending = pending_commit(clone, remote_head, episode.id, prep.shas)
                stamp = services.clock().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
                if ref := clone.save_local_work(stamp, own=lambda c: made_by_papercast(clone, c)):
                    saved = ref
                    log.warning("Saved the local commits and changes left in %s to %s before resetting it to %s; "
                                "none of it was published.", clone.workdir, ref, clone.origin_ref)
                clone.reset_to_remote(remote_head)
                sha, reused = pending, pending is not None
                if sha is None:
                    written = self._contents(services, clone, tree, prep, blobs, index, feed_raw)
                    _reached("copied", checkpoint)
                    sha = clone.commit_files(remote_head, written, commit_message(prep.episode, prep.shas))
                clone.git("reset", "--hard", sha, what="moving the clone onto the episode's commit")
                if not reused:
                    _reached("committed", checkpoint)
                try:
                    clone.git("push", "--porcelain", "origin", f"{sha}:refs/heads/{target.branch}", network=True,
                              what="pushing to the website")
                except PublishError as e:
                    if getattr(e, "git_kind", "") == "moved" and attempt < publish.push_attempts:
                        continue
                    if getattr(e, "git_kind", "") == "moved":
                        raise PublishError(
                            f"Publishing failed: the website branch {target.branch} kept moving; "
                            f"{publish.push_attempts} pushes were rejected.",
                            "Press Retry in a minute, or pause other pushes to the website.") from None
                    raise
                _reached("pushed", checkpoint)
                return done(sha, reused, attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _contents(self, services: Services, clone: WebsiteClone, tree: RemoteTree, prep: Prepared, blobs: dict[str, str],
                  index: dict, feed_raw: bytes | None) -> dict[str, str]:
        """What the commit writes on the remote head ({path: blob id})."""
        publish, target = services.show.publish, self.target
        check_paths(tree, prep.files, blobs, index, prep.episode.id)
        check_room(tree, index_file(publish, target).path)
        check_room(tree, feed_file(publish, target).path)
        page = show_page_file(publish, target)
        if page is not None:
            check_room(tree, page.path)
            check_show_page(tree.read(page.path), page, _WHERE)
        written = {f.path: blobs[f.kind] for f in prep.files}
        for file, data in rebuilt(services, target, prep, index, feed_raw).values():
            written[file.path] = clone.store_bytes(data)
        return written

    # --- doctor --------------------------------------------------------------------------------------

    def doctor(self) -> list:
        from workflows.ship.websites import site_check

        return [self._repository_check(), site_check(self.settings, self.target)]

    def _repository_check(self):
        """Clone and fetch the branch into a scratch directory, then push it back with --dry-run (needs write access)."""
        from workflows.doctor import Check

        name, target = "website repository", self.target
        with tempfile.TemporaryDirectory(prefix="papercast-doctor-") as tmp:
            clone = WebsiteClone(Path(tmp) / "website", target, self.settings.env).open()
            try:
                head = clone.fetch()
                ref = f"refs/remotes/origin/{target.branch}" if head else "HEAD"
                if head is None:
                    clone.git("commit", "--allow-empty", "-qm", "papercast doctor")
                clone.git("push", "--dry-run", "--porcelain", "origin", f"{ref}:refs/heads/{target.branch}",
                          network=True, what="a test push (--dry-run)")
            except PapercastError as e:
                return Check(name, False, e.message, e.hint)
        state = (f"branch {target.branch} at {head[:10]}" if head
                 else f"branch {target.branch} does not exist yet (it will be created)")
        return Check(name, True, f"{display_url(target.repo)}: cloned, fetched and push-tested; {state}")


websites.register("git", GitWebsite.from_settings)
