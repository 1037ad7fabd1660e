"""What every website target writes besides the artifacts: the index entry, and the index, feed and show page
rebuilt from what the website already holds (so what people added there is kept).

Both targets use these: the git repository (:mod:`.git`) reads the remote head's tree, the bucket
(:mod:`.bucket`) reads its objects; the bytes are the same for the same inputs, so a publish
repeated after a crash writes identical files and the feed never lists an episode twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from workflows.artifacts import Artifact
from workflows.errors import PublishError
from workflows.ship import site
from workflows.ship.feed import CHANNEL_RECORD, index_bytes, updated_feed, with_entry
from workflows.ship.pages import show_page
from workflows.ship.targets import (
    PublishTarget,
    TargetFile,
    artifact_files,
    feed_file,
    index_file,
    page_url,
    show_page_file,
    site_url,
)
from workflows.store.records import Episode

if TYPE_CHECKING:
    from workflows.services import Services

#: Marks a show page papercast wrote (a page without it is the site's own, never replaced).
GENERATOR = b'<meta name="generator" content="papercast">'


@dataclass
class Published:
    """What a website did for one publish, for the transition's facts and audit row."""

    #: What identifies the publication on the website: the git commit, or the bucket's publication id.
    id: str
    #: True when the website already had these artifacts (nothing was written again).
    reused: bool
    attempts: int
    #: The website's own facts to record (git: commit, branch, repo; bucket: publication, bucket).
    facts: dict
    #: What was done, in words, for the audit row.
    reason: str
    files: list[TargetFile] = field(default_factory=list)
    #: What publishing built for the site (chapters, page, artwork), to record with the transition.
    built: list[Artifact] = field(default_factory=list)
    #: Shared facts: the artwork the episode was published with, and the page, feed and site URLs.
    shared: dict = field(default_factory=dict)
    #: Where what a person had left in papercast's git clone was saved before it was reset (git only; never pushed).
    saved: str | None = None

    @property
    def commit(self) -> str | None:
        return self.facts.get("commit")


@dataclass
class Prepared:
    """An episode ready to publish: its artifacts by kind, where each goes, and the shared facts."""

    episode: Episode
    arts: dict[str, Artifact]
    files: list[TargetFile]
    shas: dict[str, str]
    built: list[Artifact]
    facts: dict
    summary: str


def prepare(services: Services, episode: Episode, target: PublishTarget) -> Prepared:
    """Build the site's artifacts (the same bytes on every run) and check the episode has every file to publish."""
    publish = services.show.publish
    made = site.build(services, episode, target)
    episode = made.episode
    arts = {**services.store.artifacts(episode.id), **made.artifacts}
    files = artifact_files(publish, target, episode)
    missing = [f.kind for f in files if f.kind not in arts]
    if missing:
        raise PublishError(f"Episode {episode.id} has no {', '.join(missing)} to publish.",
                           "Retry the audio step (Retry on the status card) so the files are produced again.")
    by_kind = {f.kind: f.url for f in files}
    facts = {"artwork": episode.facts.artwork, "feed_url": feed_file(publish, target).url,
             "site_url": site_url(publish, target), "page_url": page_url(by_kind.get("page", by_kind["audio"]))}
    return Prepared(episode, arts, files, {f.kind: arts[f.kind].sha256 for f in files}, list(made.artifacts.values()),
                    facts, made.listing.description)


def earlier_entry(index: dict, episode_id: str) -> dict | None:
    return next((e for e in index["episodes"] if e.get("id") == episode_id), None)


def index_entry(episode: Episode, files: list[TargetFile], arts, published_at: datetime, summary: str,
                **extra) -> dict:
    return {
        "id": episode.id, "slug": episode.slug, "title": episode.title or episode.slug, "summary": summary,
        "published_at": published_at.isoformat(timespec="seconds"), **extra,
        "files": {f.kind: {"path": f.path, "url": f.url, "sha256": arts[f.kind].sha256, "size": arts[f.kind].size,
                           "type": arts[f.kind].media_type, "duration_seconds": arts[f.kind].duration_seconds}
                  for f in files},
    }


def parsed(raw: bytes | None, target: TargetFile, parse: Callable, what: str, where: str):
    """(bytes, parsed) of a file the website holds, (None, None) if missing or empty; stop if it does not parse."""
    if raw is None or not raw.strip():
        return None, None
    try:
        return raw, parse(raw)
    except ValueError as e:
        raise PublishError(f"{target.path} in {where} is not {what} ({e}), so papercast will not overwrite it.",
                           f"Fix or move that file in {where} (or point publish.{target.kind}_path elsewhere), "
                           "then press Retry.") from None


def check_show_page(raw: bytes | None, page: TargetFile, where: str) -> None:
    """Stop before replacing a show page papercast did not write (a site's own home page)."""
    if raw is not None and raw.strip() and GENERATOR not in raw:
        raise PublishError(f"{page.path} is already in {where}, and papercast did not write it; "
                           "publishing the show page would replace it.",
                           "Set publish.show_page_path to another path in the show file (or publish.pages = false "
                           "if the site renders its own pages); then press Retry.")


def rebuilt(services: Services, target: PublishTarget, prep: Prepared, index: dict, feed_raw: bytes | None,
            **entry_extra) -> dict[str, tuple[TargetFile, bytes]]:
    """The index, feed and (``publish.pages``) show page with this episode, rebuilt over what the website holds.

    Keyed "index", "feed", "show_page"; an episode published again with the same files keeps its first date.
    """
    publish, episode = services.show.publish, prep.episode
    index_target, feed_target = index_file(publish, target), feed_file(publish, target)
    page_target = show_page_file(publish, target)
    earlier = earlier_entry(index, episode.id)
    same = earlier and {k: v.get("sha256") for k, v in earlier.get("files", {}).items()} == prep.shas
    published_at = datetime.fromisoformat(earlier["published_at"]) if same and earlier else services.clock()
    index = with_entry(index, index_entry(episode, prep.files, prep.arts, published_at, prep.summary, **entry_extra))
    feed, record = updated_feed(index, services.show, site_url=site_url(publish, target), feed_url=feed_target.url,
                                existing=feed_raw)
    index = {**index, CHANNEL_RECORD: record}
    out = {"index": (index_target, index_bytes(index)), "feed": (feed_target, feed)}
    if page_target is not None:
        out["show_page"] = (page_target, show_page(index, services.show, page_url=page_target.url,
                                                   feed_url=feed_target.url))
    return out
