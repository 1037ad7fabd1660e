"""`papercast doctor`'s website checks: the repository can be cloned, fetched and pushed; the site answers."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx

from workflows.doctor import Check
from workflows.errors import PapercastError
from workflows.settings import Settings
from workflows.ship.targets import PublishTarget, effective_publish_target, feed_file
from workflows.ship.website import WebsiteClone, display_url


def _target(settings: Settings) -> PublishTarget | Check:
    try:
        return effective_publish_target(settings)
    except PapercastError as e:
        if not settings.show.publish.repo:
            return Check("website", True, "no website configured: `papercast serve` runs the embedded local website "
                                          f"under {settings.data_dir / 'site'}",
                         "Set publish.repo and publish.base_url in the show file to publish to your website.")
        return Check("website", False, e.message, e.hint)


def repository_check(settings: Settings, target: PublishTarget) -> Check:
    """Clone and fetch the branch into a scratch directory, then push it back with --dry-run (needs write access)."""
    name = "website repository"
    with tempfile.TemporaryDirectory(prefix="papercast-doctor-") as tmp:
        clone = WebsiteClone(Path(tmp) / "website", target, settings.env).open()
        try:
            head = clone.fetch()
            ref = f"refs/remotes/origin/{target.branch}" if head else "HEAD"
            if head is None:
                clone.git("commit", "--allow-empty", "-qm", "papercast doctor")
            clone.git("push", "--dry-run", "--porcelain", "origin", f"{ref}:refs/heads/{target.branch}", network=True,
                      what="a test push (--dry-run)")
        except PapercastError as e:
            return Check(name, False, e.message, e.hint)
    where = display_url(target.repo)
    state = f"branch {target.branch} at {head[:10]}" if head else f"branch {target.branch} does not exist yet (it will be created)"
    return Check(name, True, f"{where}: cloned, fetched and push-tested; {state}")


def site_check(settings: Settings, target: PublishTarget) -> Check:
    name = "website live site"
    feed = feed_file(settings.show.publish, target).url
    try:
        r = httpx.get(target.base_url + "/", timeout=settings.show.followup.http_timeout_seconds, follow_redirects=True,
                      headers={"Cache-Control": "no-cache"})
    except httpx.HTTPError as e:
        return Check(name, False, f"{target.base_url} does not answer ({type(e).__name__})",
                     "Check publish.base_url and that the site is up.")
    if r.status_code >= 500:
        return Check(name, False, f"{target.base_url} answers {r.status_code}", "The site is down: check its hosting.")
    return Check(name, True, f"{target.base_url} answers {r.status_code}; the feed will be checked at {feed}")


def website_checks(settings: Settings) -> list[Check]:
    target = _target(settings)
    if isinstance(target, Check):
        return [target]
    return [repository_check(settings, target), site_check(settings, target)]
