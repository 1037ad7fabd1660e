"""Where each artifact goes: the one place that turns the show config and an episode into repo paths and live URLs.

Nothing else in papercast builds a website path or URL; publishing, verification,
the manual-publish instructions and the feed all ask this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from workflows.errors import ConfigError
from workflows.settings import Publish, Settings
from workflows.store.records import Episode

#: The artifact kinds the audio step makes.
RENDERED_KINDS: tuple[str, ...] = ("audio", "transcript", "notes")
#: The kinds publishing makes for the website (:mod:`workflows.ship.site`): chapters JSON, episode page, artwork.
SITE_KINDS: tuple[str, ...] = ("chapters", "page", "artwork")
#: The artifact kinds that go to the website, in the order people see them.
PUBLISHED_KINDS: tuple[str, ...] = RENDERED_KINDS + SITE_KINDS

#: The publish setting that holds each kind's path template.
PATH_SETTING = {"audio": "audio_path", "transcript": "transcript_path", "notes": "notes_path",
                "chapters": "chapters_path", "page": "page_path", "artwork": "artwork_path"}


@dataclass(frozen=True)
class PublishTarget:
    """Where a website keeps the files and the public URL its served tree is under.

    ``repo`` is the git repository (``branch`` its branch), or what names a bucket target (``s3://bucket/prefix``).
    """

    repo: str
    branch: str
    base_url: str
    #: True when this is the embedded local website (no website configured).
    local: bool = False


@dataclass(frozen=True)
class TargetFile:
    kind: str
    path: str  # relative to the repository root, with forward slashes
    url: str  # where the live site serves it


def served_path(publish: Publish, repo_path: str) -> str:
    """A path as the site serves it, below ``publish.served_root`` (``static/x`` → ``x``): a bucket's object key."""
    root = publish.served_root.strip("/")
    rel = repo_path.lstrip("/")
    if root:
        if not (rel == root or rel.startswith(root + "/")):
            raise ConfigError(
                f"publish path {repo_path!r} is outside publish.served_root ({root!r}), so the site would not serve it.",
                "Make every publish.*_path start with publish.served_root.",
            )
        rel = rel[len(root):].lstrip("/")
    return rel


def url_for(publish: Publish, base_url: str, repo_path: str) -> str:
    """The live URL of a repository path (``static/x`` → ``{base_url}/x``)."""
    return base_url.rstrip("/") + "/" + served_path(publish, repo_path)


def _render(template: str, episode: Episode) -> str:
    artwork = episode.facts.artwork
    try:
        path = template.format(slug=episode.slug, id=episode.id, sha=artwork.sha256[:16] if artwork else "",
                               ext=artwork.ext if artwork else "png")
    except (KeyError, IndexError) as e:
        raise ConfigError(f"publish path template {template!r} uses an unknown field {e}.",
                          "Use only {slug} and {id} in publish paths (and {sha}, {ext} for the artwork).") from None
    if path.startswith("/") or ".." in Path(path).parts:
        raise ConfigError(f"publish path {path!r} leaves the repository.", "Use a relative path without '..'.")
    return path


def published_kinds(publish: Publish, episode: Episode) -> tuple[str, ...]:
    """The kinds the episode publishes: the rendered three, and the site's once publishing made them (no page when
    ``publish.pages`` is off); of a published episode, only those it was published with (``published_files``)."""
    if episode.facts.artwork is None:
        return RENDERED_KINDS
    recorded = episode.facts.published_files or PUBLISHED_KINDS
    return tuple(k for k in PUBLISHED_KINDS if (publish.pages or k != "page") and k in recorded)


def artifact_files(publish: Publish, target: PublishTarget, episode: Episode) -> list[TargetFile]:
    """Each published artifact of the episode: its repo path and live URL."""
    out = []
    for kind in published_kinds(publish, episode):
        path = _render(getattr(publish, PATH_SETTING[kind]), episode)
        out.append(TargetFile(kind, path, url_for(publish, target.base_url, path)))
    return out


def index_file(publish: Publish, target: PublishTarget) -> TargetFile:
    return TargetFile("index", publish.index_path, url_for(publish, target.base_url, publish.index_path))


def feed_file(publish: Publish, target: PublishTarget) -> TargetFile:
    return TargetFile("feed", publish.feed_path, url_for(publish, target.base_url, publish.feed_path))


def show_page_file(publish: Publish, target: PublishTarget) -> TargetFile | None:
    """The show's page listing every episode (None when ``publish.pages`` is off)."""
    if not publish.pages:
        return None
    return TargetFile("show_page", publish.show_page_path, url_for(publish, target.base_url, publish.show_page_path))


def site_url(publish: Publish, target: PublishTarget) -> str:
    """Where people should go: the show page (its folder when it is an index.html), else the site's root."""
    page = show_page_file(publish, target)
    return page_url(page.url) if page is not None else target.base_url.rstrip("/") + "/"


def page_url(url: str) -> str:
    """A page's URL as people share it: ``…/slug/`` for ``…/slug/index.html``."""
    return url[: -len("index.html")] if url.endswith("/index.html") else url


def site_info_path(data_dir: Path) -> Path:
    """Where a running embedded local website writes its remote and base URL for other processes."""
    return Path(data_dir) / "site" / "site.json"


def effective_publish_target(settings: Settings, local_site=None) -> PublishTarget:
    """The repository and base URL of the git website: the configured one, or the embedded local one.

    ``local_site`` is a started :class:`workflows.ship.local_site.LocalWebsite`; without
    one, a local website started by another papercast process (``papercast serve``) is used.
    """
    publish = settings.show.publish
    if publish.repo:
        return PublishTarget(publish.repo, publish.branch, publish.base_url.rstrip("/"))
    if local_site is not None:
        return PublishTarget(str(local_site.remote_url), publish.branch, local_site.base_url.rstrip("/"), local=True)
    info = site_info_path(settings.data_dir)
    if info.exists():
        data = json.loads(info.read_text(encoding="utf-8"))
        return PublishTarget(data["remote_url"], publish.branch, data["base_url"].rstrip("/"), local=True)
    raise ConfigError(
        "No website is configured (publish.repo is empty) and the embedded local website is not running.",
        "Start `papercast serve` (it runs the local website), or set publish.repo and publish.base_url in the show file.",
    )

