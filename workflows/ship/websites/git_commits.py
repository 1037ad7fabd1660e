"""The git website's commits: the trailers that let papercast find its own commit, and what the remote head holds.

A publish commit carries ``Papercast-Episode``, ``Approved-by``, ``Shipping-owner`` and one
``Artifact-Sha256`` per kind, so a re-run after a crash finds its own commit on the remote
(done) or in the clone (push it) and never commits the same artifacts twice. Reads are from
the fetched remote head's tree (:class:`RemoteTree`), never from the working copy.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

from workflows.errors import PublishError
from workflows.ship.feed import feed_listing
from workflows.ship.targets import PATH_SETTING, TargetFile
from workflows.ship.website import WebsiteClone
from workflows.store.records import Episode

TRAILER_EPISODE = "Papercast-Episode"
TRAILER_SHA = "Artifact-Sha256"


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


def made_by_papercast(clone: WebsiteClone, commit: str) -> bool:
    """A commit papercast made itself (its trailer, its committer): not a person's work to save."""
    email, _, body = clone.git("log", "-1", "--format=%ce%x00%B", commit).partition("\x00")
    return email == clone.identity[1] and parse_trailers(body)[0] is not None


def pending_commit(clone: WebsiteClone, remote_head: str | None, episode_id: str, shas: dict[str, str]) -> str | None:
    """Our own unpushed commit of these artifacts, if it sits right on the current remote head."""
    local = f"refs/heads/{clone.target.branch}"
    sha = find_commit(clone, local, episode_id, shas, exclude=clone.origin_ref if remote_head else None)
    if sha and clone.parents(sha) == ([remote_head] if remote_head else []) and made_by_papercast(clone, sha):
        return sha
    return None


class RemoteTree:
    """Reads from the fetched remote head (never from the working copy, which may be stale)."""

    def __init__(self, clone: WebsiteClone, head: str | None) -> None:
        self.clone, self.head = clone, head

    def entry(self, path: str) -> tuple[str, str] | None:
        return self.clone.entry(self.head, path) if self.head else None

    def read(self, path: str) -> bytes | None:
        found = self.entry(path)
        return self.clone.read_blob(found[1]) if found and found[0] == "blob" else None


def check_room(tree: RemoteTree, path: str) -> None:
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


def check_paths(tree: RemoteTree, files: list[TargetFile], blobs: dict[str, str], index: dict,
                 episode_id: str) -> None:
    """Stop before replacing a file papercast did not write (the same bytes, or this episode's earlier ones, are fine)."""
    entry: dict = next((e for e in index["episodes"] if e.get("id") == episode_id), {})
    earlier = entry.get("files", {})
    for f in files:
        check_room(tree, f.path)
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


def already_published(tree: RemoteTree, files: list[TargetFile], blobs: dict[str, str], shas: dict[str, str],
                       index: dict, feed: bytes | None, episode_id: str) -> bool:
    """The remote head already serves exactly these files, lists them in the index and the feed (e.g. after a squash)."""
    entry = next((e for e in index["episodes"] if e.get("id") == episode_id), None)
    if entry is None or feed is None or episode_id not in feed_listing(feed):
        return False
    listed = entry.get("files", {})
    return all((tree.entry(f.path) or ("", ""))[1] == blobs[f.kind] and listed.get(f.kind, {}).get("path") == f.path
               and listed.get(f.kind, {}).get("sha256") == shas[f.kind] for f in files)


