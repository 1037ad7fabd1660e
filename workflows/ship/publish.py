"""Publishing: copy an episode's artifacts into the website repository, commit exactly those paths, push.

The commit carries trailers (``Papercast-Episode``, ``Approved-by``, ``Shipping-owner``,
``Artifact-Sha256``), so a re-run after a crash finds its own earlier commit on the
remote (done) or in the clone (push it) and never commits the same artifacts twice.
A push that the remote rejects because it moved is fetched, rebased and tried again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from workflows.errors import PublishError
from workflows.runner import StepContext, StepResult
from workflows.ship.feed import feed_bytes, index_bytes, parse_index, with_entry
from workflows.ship.targets import PublishTarget, TargetFile, artifact_files, feed_file, index_file, target_for
from workflows.ship.website import WebsiteClone, display_url
from workflows.store.records import Episode

TRAILER_EPISODE = "Papercast-Episode"
TRAILER_SHA = "Artifact-Sha256"


@dataclass
class Published:
    commit: str
    branch: str
    repo: str
    #: True when an earlier commit for the same artifacts was found (nothing new was committed).
    reused: bool
    attempts: int
    files: list[TargetFile] = field(default_factory=list)


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


def _sync_branch(clone: WebsiteClone, remote_head: str | None) -> None:
    """Put the local branch on top of the remote one, keeping unrelated working-copy changes where they are."""
    branch = clone.target.branch
    current = clone.repo.git.execute(["git", "symbolic-ref", "--short", "-q", "HEAD"], with_exceptions=False,
                                     strip_newline_in_stdout=True)
    if current != branch:
        if clone.rev(f"refs/heads/{branch}"):
            clone.git("checkout", branch)
        elif remote_head:
            clone.git("checkout", "-B", branch, clone.origin_ref)
            return
        else:
            clone.git("symbolic-ref", "HEAD", f"refs/heads/{branch}")
            return
    if remote_head is None or clone.rev("HEAD") is None:
        if remote_head is not None:
            clone.git("reset", "--keep", clone.origin_ref)
        return
    try:
        clone.git("rebase", "--autostash", clone.origin_ref, what="rebasing onto the website's latest commit")
    except PublishError:
        clone.repo.git.execute(["git", "rebase", "--abort"], with_exceptions=False)
        # Our unpushed commit conflicts with what arrived: drop it; it is written again on top.
        clone.git("reset", "--keep", clone.origin_ref, what="moving the clone onto the website's latest commit")


def _read_head(clone: WebsiteClone, path: str) -> bytes | None:
    if clone.rev("HEAD") is None:
        return None
    try:
        return clone.repo.git.execute(["git", "show", f"HEAD:{path}"], stdout_as_string=False)
    except Exception:  # noqa: BLE001 - the file is not in the branch yet
        return None


def _write(clone: WebsiteClone, path: str, data: bytes | None = None, source=None) -> None:
    dest = clone.workdir / path
    dest.parent.mkdir(parents=True, exist_ok=True)
    if source is not None:
        shutil.copyfile(source, dest)
    else:
        dest.write_bytes(data or b"")


def _index_entry(episode: Episode, files: list[TargetFile], arts, published_at: datetime) -> dict:
    return {
        "id": episode.id, "slug": episode.slug, "title": episode.title or episode.slug,
        "published_at": published_at.isoformat(timespec="seconds"),
        "files": {f.kind: {"path": f.path, "url": f.url, "sha256": arts[f.kind].sha256, "size": arts[f.kind].size,
                           "type": arts[f.kind].media_type, "duration_seconds": arts[f.kind].duration_seconds}
                  for f in files},
    }


def _write_episode(services, clone: WebsiteClone, episode: Episode, files: list[TargetFile], arts,
                   shas: dict[str, str]) -> list[str]:
    """Copy the artifacts and rewrite the index and feed (from the branch, not the working copy); the paths written."""
    publish, target = services.show.publish, clone.target
    for f in files:
        _write(clone, f.path, source=arts[f.kind].path)
    index_target, feed_target = index_file(publish, target), feed_file(publish, target)
    index = parse_index(_read_head(clone, index_target.path))
    earlier = next((e for e in index["episodes"] if e.get("id") == episode.id), None)
    same = earlier and {k: v.get("sha256") for k, v in earlier.get("files", {}).items()} == shas
    published_at = datetime.fromisoformat(earlier["published_at"]) if same else services.clock()
    index = with_entry(index, _index_entry(episode, files, arts, published_at))
    _write(clone, index_target.path, index_bytes(index))
    _write(clone, feed_target.path, feed_bytes(index, services.show, site_url=target.base_url, feed_url=feed_target.url))
    return [f.path for f in files] + [index_target.path, feed_target.path]


def publish_episode(services, episode: Episode, *, checkpoint: Callable[[str], None] = lambda _stage: None) -> Published:
    """Publish the episode's artifacts to the website and return the pushed commit.

    ``checkpoint`` is called with "copied", "committed" and "pushed" as each is done
    (tests use it to crash there and show that a re-run does not commit again).
    """
    publish = services.show.publish
    target = target_for(services)
    arts = services.store.artifacts(episode.id)
    files = artifact_files(publish, target, episode)
    missing = [f.kind for f in files if f.kind not in arts]
    if missing:
        raise PublishError(f"Episode {episode.id} has no {', '.join(missing)} to publish.",
                           "Retry the audio step (Retry on the status card) so the files are produced again.")
    shas = {f.kind: arts[f.kind].sha256 for f in files}
    clone = clone_for(services, target)
    with clone.locked():
        for attempt in range(1, publish.push_attempts + 1):
            remote_head = clone.fetch()
            if remote_head and (sha := find_commit(clone, clone.origin_ref, episode.id, shas)):
                checkpoint("pushed")
                return Published(sha, target.branch, display_url(target.repo), True, attempt, files)
            _sync_branch(clone, remote_head)
            exclude = clone.origin_ref if remote_head else None
            sha = find_commit(clone, "HEAD", episode.id, shas, exclude=exclude)
            reused = sha is not None
            if sha is None:
                paths = _write_episode(services, clone, episode, files, arts, shas)
                checkpoint("copied")
                clone.git("add", "--", *paths)
                clone.git("commit", "--only", "--allow-empty", "--no-verify", "-m", commit_message(episode, shas),
                          "--", *paths, what="committing the episode")
                sha = clone.rev("HEAD")
                checkpoint("committed")
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
            checkpoint("pushed")
            return Published(sha, target.branch, display_url(target.repo), reused, attempt, files)
    raise AssertionError("unreachable")  # pragma: no cover


def publish_step(ctx: StepContext) -> StepResult:
    """The runner step for audio_ready: publish, and record the commit for the live-site checks."""
    svc = ctx.services
    done = publish_episode(svc, ctx.episode)
    facts = {
        "commit": done.commit, "branch": done.branch, "repo": done.repo, "push_attempts": done.attempts,
        "published_at": svc.clock().isoformat(timespec="seconds"),
        "published_files": {f.kind: {"path": f.path, "url": f.url} for f in done.files},
    }
    how = "found the earlier commit" if done.reused else "committed"
    return StepResult("publish", reason=f"{how} {done.commit[:10]} and pushed to {done.branch}", facts=facts)
