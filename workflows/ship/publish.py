"""Publishing: one commit on top of the website's branch with exactly the episode's files, and push only that commit.

papercast works in its own clone (``<data_dir>/website/``). Before each publish the clone
is put exactly on the remote branch; whatever a person left there (local commits, changes,
untracked files) is first saved under ``refs/papercast/preserved/<time>`` and never pushed.
The commit is built on the fetched remote head, from its tree: the artifacts (the rendered
ones and the site's, :mod:`workflows.ship.site`), plus the index, feed and show page
regenerated from the remote's own index and feed, so what people changed on the website
meanwhile is kept. A push the remote rejects because it moved is fetched,
reset, rebuilt and tried again. A different file at an artifact path stops the publish.

The commit carries trailers (``Papercast-Episode``, ``Approved-by``, ``Shipping-owner``,
``Artifact-Sha256``), so a re-run after a crash finds its own commit on the remote (done)
or in the clone (push it) and never commits the same artifacts twice. A rewrite of the
website's history that kept the same files (a squash) counts as published too.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import PurePosixPath

from workflows import failpoints
from workflows.errors import PublishError
from workflows.runner import StepContext, StepResult
from workflows.ship.feed import CHANNEL_RECORD, feed_listing, index_bytes, load_index, parse_feed, updated_feed, with_entry
from workflows.ship import site
from workflows.ship.pages import show_page
from workflows.ship.targets import (ARTWORK_FACT, PATH_SETTING, PublishTarget, TargetFile, artifact_files, feed_file,
                                    index_file, page_url, show_page_file, site_url, target_for)
from workflows.ship.website import WebsiteClone, display_url
from workflows.store.records import Episode

log = logging.getLogger(__name__)

TRAILER_EPISODE = "Papercast-Episode"
TRAILER_SHA = "Artifact-Sha256"


@dataclass
class Published:
    commit: str
    branch: str
    repo: str
    #: True when the website already had these artifacts (an earlier commit, or the same files after a rewrite).
    reused: bool
    attempts: int
    files: list[TargetFile] = field(default_factory=list)
    #: Where what a person had left in papercast's clone was saved before it was reset (never pushed).
    saved: str | None = None
    #: What publishing built for the site (chapters, page, artwork), to record with the transition.
    built: list = field(default_factory=list)
    #: Facts to record: the artwork the episode was published with, and the page, feed and site URLs.
    facts: dict = field(default_factory=dict)


def clone_for(services, target: PublishTarget) -> WebsiteClone:
    publish = services.show.publish
    return WebsiteClone(services.data_dir / "website", target, services.settings.env,
                        identity=(publish.author_name, publish.author_email))


def commit_message(episode: Episode, shas: dict[str, str]) -> str:
    trailers = [f"{TRAILER_EPISODE}: {episode.id}", f"Approved-by: {episode.approver or 'unknown'}",
                f"Shipping-owner: {episode.owner or 'unknown'}"]
    trailers += [f"{TRAILER_SHA}: {kind} {sha}" for kind, sha in sorted(shas.items())]
    title = (episode.title or episode.slug).replace("\n", " ")[:120]
    return f"Publish episode: {title}\n\nPublished by papercast.\n\n" + "\n".join(trailers) + "\n"


def parse_trailers(body: str) -> tuple[str | None, dict[str, str]]:
    """(episode id, {kind: sha256}) from a commit message."""
    episode_id, shas = None, {}
    for line in body.splitlines():
        key, _, value = line.partition(":")
        value = value.strip()
        if key == TRAILER_EPISODE:
            episode_id = value
        elif key == TRAILER_SHA and " " in value:
            kind, sha = value.split(None, 1)
            shas[kind] = sha.strip()
    return episode_id, shas


def find_commit(clone: WebsiteClone, ref: str, episode_id: str, shas: dict[str, str], *, exclude: str | None = None) -> str | None:
    """The newest commit in ``ref`` (and not in ``exclude``) that published exactly these artifacts."""
    if clone.rev(ref) is None:
        return None
    args = ["log", "--format=%H%x00%B%x1e", "--fixed-strings", f"--grep={TRAILER_EPISODE}: {episode_id}", ref]
    if exclude and clone.rev(exclude):
        args += ["--not", exclude]
    for record in clone.git(*args).split("\x1e"):
        sha, _, body = record.strip().partition("\x00")
        found_id, found_shas = parse_trailers(body)
        if sha and found_id == episode_id and found_shas == shas:
            return sha
    return None


def _made_by_papercast(clone: WebsiteClone, commit: str) -> bool:
    """A commit papercast made itself (its trailer, its committer): not a person's work to save."""
    email, _, body = clone.git("log", "-1", "--format=%ce%x00%B", commit).partition("\x00")
    return email == clone.identity[1] and parse_trailers(body)[0] is not None


def _pending(clone: WebsiteClone, remote_head: str | None, episode_id: str, shas: dict[str, str]) -> str | None:
    """Our own unpushed commit of these artifacts, if it sits right on the current remote head."""
    local = f"refs/heads/{clone.target.branch}"
    sha = find_commit(clone, local, episode_id, shas, exclude=clone.origin_ref if remote_head else None)
    if sha and clone.parents(sha) == ([remote_head] if remote_head else []) and _made_by_papercast(clone, sha):
        return sha
    return None


class _RemoteTree:
    """Reads from the fetched remote head (never from the working copy, which may be stale)."""

    def __init__(self, clone: WebsiteClone, head: str | None) -> None:
        self.clone, self.head = clone, head

    def entry(self, path: str) -> tuple[str, str] | None:
        return self.clone.entry(self.head, path) if self.head else None

    def read(self, path: str) -> bytes | None:
        found = self.entry(path)
        return self.clone.read_blob(found[1]) if found and found[0] == "blob" else None


def _check_room(tree: _RemoteTree, path: str) -> None:
    """Stop if a file sits where the path needs a folder, or a folder where it needs a file."""
    parts = PurePosixPath(path).parts
    for i in range(1, len(parts)):
        prefix = "/".join(parts[:i])
        found = tree.entry(prefix)
        if found and found[0] != "tree":
            raise PublishError(f"{prefix} is a file in the website repository, where papercast needs a folder for {path}.",
                               "Move that file in the website repository, or change the publish paths in the show file; "
                               "then press Retry.")
    found = tree.entry(path)
    if found and found[0] != "blob":
        raise PublishError(f"{path} is a folder in the website repository, where papercast needs to write a file.",
                           "Move that folder in the website repository, or change the publish paths in the show file; "
                           "then press Retry.")


def _check_paths(tree: _RemoteTree, files: list[TargetFile], blobs: dict[str, str], index: dict,
                 episode_id: str) -> None:
    """Stop before replacing a file papercast did not write (the same bytes, or this episode's earlier ones, are fine)."""
    earlier = next((e for e in index["episodes"] if e.get("id") == episode_id), {}).get("files", {})
    for f in files:
        _check_room(tree, f.path)
        found = tree.entry(f.path)
        if found is None or found[1] == blobs[f.kind]:
            continue
        listed = earlier.get(f.kind) or {}
        if listed.get("path") == f.path and listed.get("sha256") == hashlib.sha256(tree.read(f.path) or b"").hexdigest():
            continue  # papercast wrote it, for this episode: an earlier version of its file
        raise PublishError(
            f"{f.path} is already in the website repository with other content, and papercast did not write it "
            "there; publishing would replace it.",
            f"Move or delete that file in the website repository, or change publish.{PATH_SETTING[f.kind]} in the "
            "show file so episodes go elsewhere; then press Retry.")


def _already_published(tree: _RemoteTree, files: list[TargetFile], blobs: dict[str, str], shas: dict[str, str],
                       index: dict, feed: bytes | None, episode_id: str) -> bool:
    """The remote head already serves exactly these files, lists them in the index and the feed (e.g. after a squash)."""
    entry = next((e for e in index["episodes"] if e.get("id") == episode_id), None)
    if entry is None or feed is None or episode_id not in feed_listing(feed):
        return False
    listed = entry.get("files", {})
    return all((tree.entry(f.path) or ("", ""))[1] == blobs[f.kind] and listed.get(f.kind, {}).get("path") == f.path
               and listed.get(f.kind, {}).get("sha256") == shas[f.kind] for f in files)


def _index_entry(episode: Episode, files: list[TargetFile], arts, published_at: datetime, summary: str) -> dict:
    return {
        "id": episode.id, "slug": episode.slug, "title": episode.title or episode.slug, "summary": summary,
        "published_at": published_at.isoformat(timespec="seconds"),
        "files": {f.kind: {"path": f.path, "url": f.url, "sha256": arts[f.kind].sha256, "size": arts[f.kind].size,
                           "type": arts[f.kind].media_type, "duration_seconds": arts[f.kind].duration_seconds}
                  for f in files},
    }


def _read_remote(tree: _RemoteTree, target: TargetFile, parse: Callable, what: str):
    """(bytes, parsed) of the file on the remote head, (None, None) if missing or empty; stop if it does not parse."""
    raw = tree.read(target.path)
    if raw is None or not raw.strip():
        return None, None
    try:
        return raw, parse(raw)
    except ValueError as e:
        raise PublishError(f"{target.path} in the website repository is not {what} ({e}), so papercast will not "
                           "overwrite it.", f"Fix or move that file in the website repository (or point "
                           f"publish.{target.kind}_path elsewhere), then press Retry.") from None


def _check_show_page(tree: _RemoteTree, page: TargetFile) -> None:
    """Stop before replacing a show page papercast did not write (a site's own home page)."""
    _check_room(tree, page.path)
    raw = tree.read(page.path)
    if raw is not None and raw.strip() and _GENERATOR not in raw:
        raise PublishError(f"{page.path} is already in the website repository, and papercast did not write it; "
                           "publishing the show page would replace it.",
                           "Set publish.show_page_path to another path in the show file (or publish.pages = false "
                           "if the site renders its own pages); then press Retry.")


_GENERATOR = b'<meta name="generator" content="papercast">'


def _contents(services, clone: WebsiteClone, tree: _RemoteTree, episode: Episode, files: list[TargetFile], arts,
              blobs: dict[str, str], shas: dict[str, str], index: dict, feed_raw: bytes | None,
              summary: str) -> dict[str, str]:
    """What the commit writes on the remote head ({path: blob id}): the artifacts, and the index, feed and
    show page regenerated from the remote's own index and feed."""
    publish, target = services.show.publish, clone.target
    index_target, feed_target = index_file(publish, target), feed_file(publish, target)
    page_target = show_page_file(publish, target)
    _check_paths(tree, files, blobs, index, episode.id)
    _check_room(tree, index_target.path)
    _check_room(tree, feed_target.path)
    if page_target is not None:
        _check_show_page(tree, page_target)
    earlier = next((e for e in index["episodes"] if e.get("id") == episode.id), None)
    same = earlier and {k: v.get("sha256") for k, v in earlier.get("files", {}).items()} == shas
    published_at = datetime.fromisoformat(earlier["published_at"]) if same else services.clock()
    index = with_entry(index, _index_entry(episode, files, arts, published_at, summary))
    feed, record = updated_feed(index, services.show, site_url=site_url(publish, target), feed_url=feed_target.url,
                                existing=feed_raw)
    index = {**index, CHANNEL_RECORD: record}
    written = {f.path: blobs[f.kind] for f in files}
    written[index_target.path] = clone.store_bytes(index_bytes(index))
    written[feed_target.path] = clone.store_bytes(feed)
    if page_target is not None:
        written[page_target.path] = clone.store_bytes(show_page(index, services.show, page_url=page_target.url,
                                                                feed_url=feed_target.url))
    return written


def _reached(stage: str, checkpoint: Callable[[str], None]) -> None:
    checkpoint(stage)
    failpoints.reach(f"publish.{stage}")


def _stamp(services) -> str:
    return services.clock().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def publish_episode(services, episode: Episode, *, checkpoint: Callable[[str], None] = lambda _stage: None) -> Published:
    """Publish the episode's artifacts to the website and return the pushed commit.

    ``checkpoint`` is called with "copied" (the commit's content is ready), "committed"
    and "pushed" as each is done, where the crash points ``publish.<stage>`` also sit
    (tests use either to crash there and show that a re-run does not commit again).
    """
    publish = services.show.publish
    target = target_for(services)
    made = site.build(services, episode, target)  # chapters, page, artwork: the same bytes on every run
    episode = made.episode
    arts = {**services.store.artifacts(episode.id), **made.artifacts}
    files = artifact_files(publish, target, episode)
    missing = [f.kind for f in files if f.kind not in arts]
    if missing:
        raise PublishError(f"Episode {episode.id} has no {', '.join(missing)} to publish.",
                           "Retry the audio step (Retry on the status card) so the files are produced again.")
    sources = {f.kind: services.artifacts.path(arts[f.kind]) for f in files}  # the store says if one is missing
    shas = {f.kind: arts[f.kind].sha256 for f in files}
    clone = clone_for(services, target)
    saved = None
    by_kind = {f.kind: f.url for f in files}
    facts = {ARTWORK_FACT: episode.facts[ARTWORK_FACT], "feed_url": feed_file(publish, target).url,
             "site_url": site_url(publish, target), "page_url": page_url(by_kind.get("page", by_kind["audio"]))}
    extra = dict(built=list(made.artifacts.values()), facts=facts)
    with clone.locked():
        blobs = {kind: clone.store_file(path) for kind, path in sources.items()}
        for attempt in range(1, publish.push_attempts + 1):
            remote_head = clone.fetch()
            if remote_head and (sha := find_commit(clone, clone.origin_ref, episode.id, shas)):
                return Published(sha, target.branch, display_url(target.repo), True, attempt, files, saved, **extra)
            tree = _RemoteTree(clone, remote_head)
            _, index = _read_remote(tree, index_file(publish, target), load_index, "papercast's episode index")
            index = index or {"episodes": []}
            feed_raw, _ = _read_remote(tree, feed_file(publish, target), parse_feed, "an RSS feed")
            if remote_head and _already_published(tree, files, blobs, shas, index, feed_raw, episode.id):
                return Published(remote_head, target.branch, display_url(target.repo), True, attempt, files, saved,
                                 **extra)
            pending = _pending(clone, remote_head, episode.id, shas)
            if ref := clone.save_local_work(_stamp(services), own=lambda c: _made_by_papercast(clone, c)):
                saved = ref
                log.warning("Saved the local commits and changes left in %s to %s before resetting it to %s; "
                            "none of it was published.", clone.workdir, ref, clone.origin_ref)
            clone.reset_to_remote(remote_head)
            sha, reused = pending, pending is not None
            if sha is None:
                written = _contents(services, clone, tree, episode, files, arts, blobs, shas, index, feed_raw,
                                    made.listing.description)
                _reached("copied", checkpoint)
                sha = clone.commit_files(remote_head, written, commit_message(episode, shas))
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
            return Published(sha, target.branch, display_url(target.repo), reused, attempt, files, saved, **extra)
    raise AssertionError("unreachable")  # pragma: no cover


def publish_step(ctx: StepContext) -> StepResult:
    """The runner step for audio_ready: publish, and record the commit for the live-site checks."""
    svc = ctx.services
    done = publish_episode(svc, ctx.episode)
    facts = {
        "commit": done.commit, "branch": done.branch, "repo": done.repo, "push_attempts": done.attempts,
        "published_at": svc.clock().isoformat(timespec="seconds"),
        "published_files": {f.kind: {"path": f.path, "url": f.url} for f in done.files},
        **done.facts,  # the artwork it was published with; page_url, feed_url, site_url for people
    }
    how = "found the earlier commit" if done.reused else "committed"
    reason = f"{how} {done.commit[:10]} and pushed to {done.branch}"
    if done.saved:
        facts["saved_local_work"] = done.saved
        reason += f"; what was left in papercast's clone was saved to {done.saved}, not published"
    return StepResult("publish", reason=reason, facts=facts, artifacts=done.built)
