"""Websites: where episodes are published, behind one protocol, chosen by ``[publish] website`` in the show file.

A website publishes an episode's artifacts with the index, feed and pages rebuilt from what
it already holds (:meth:`Website.publish`), says where they are (:attr:`Website.target`; the
paths and live URLs come from :mod:`workflows.ship.targets`, the same for every website),
reads back what it holds for the live checks (:meth:`Website.record`), checks its access
for `papercast doctor` (:meth:`Website.doctor`), and tells a person who publishes by hand where
each file goes (:meth:`Website.by_hand`). The live site itself is checked the same way
for all of them (:mod:`workflows.ship.verify`, :mod:`workflows.ship.live`).

Built in: ``git`` (:mod:`.git`, a repository, or the embedded local one) and ``s3``
(:mod:`.bucket`, an S3-compatible bucket behind a CDN). Adding one is a module with a class
like those, whose factory is registered with ``websites.register("id", Cls.from_settings)``, plus its tests.
An entry, as for every registry (:mod:`workflows.registry`), is what builds the backend from
the configuration: here ``entry(settings, local_site=None) -> Website``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol

import httpx

from workflows.registry import Registry
from workflows.ship.targets import PublishTarget, feed_file

if TYPE_CHECKING:
    from workflows.doctor import Check
    from workflows.people import Notice
    from workflows.services import Services
    from workflows.settings import Settings
    from workflows.ship.findings import Finding
    from workflows.ship.websites.contents import Published
    from workflows.store.records import Episode


class WebsiteRecord(Protocol):
    """What a website holds, read for one verification session (many episodes; thread-safe)."""

    def prefetch(self) -> None:
        """Read what can be read once for the whole session (called alongside the live checks)."""

    def findings(self, episode: "Episode", files, arts) -> "tuple[list[Finding], list[Finding]]":
        """(findings before the live site's, findings after) for an episode papercast published."""


class Website(Protocol):
    id: ClassVar[str]
    #: Where the files go and the public URL they are served under.
    target: PublishTarget

    def describe(self) -> str:
        """Where it publishes, for people (no credentials)."""

    def publish(self, services: Services, episode: "Episode", *, checkpoint: Callable[[str], None]) -> "Published":
        """Publish the episode's files, index, feed and pages; idempotent (a re-run after a crash writes nothing twice)."""

    def record(self, services: Services) -> WebsiteRecord: ...

    def doctor(self) -> "list[Check]": ...

    def by_hand(self, paths: "Sequence[str]") -> "tuple[Notice, list[str]]":
        """For a person publishing by hand: where the files go (git: "its path in the website repository `repo`
        (branch `main`)"; s3: "its key in the bucket `s3://b`") and each publish path's place there (git: the
        repository path; s3: ``s3://bucket/key``)."""


class WebsiteFactory(Protocol):
    def __call__(self, settings: "Settings", *, local_site=None) -> Website: ...


#: Website targets by id (``[publish] website``).
websites: Registry[WebsiteFactory] = Registry("website target", setting="[publish] website",
                                    built_ins=("workflows.ship.websites.git", "workflows.ship.websites.bucket"))


def build_website(settings: "Settings", *, local_site=None) -> Website:
    """The website the show file names; ``local_site``: a started embedded local website (git, none configured)."""
    return websites.get(settings.show.publish.website)(settings, local_site=local_site)


def website_for(services: Services) -> Website:
    """The running application's website (``services.website``), else the one the settings name."""
    return services.website if services.website is not None else build_website(services.settings)


def site_check(settings: "Settings", target: PublishTarget) -> "Check":
    """The public site answers at ``publish.base_url`` (any website target)."""
    from workflows.doctor import Check

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


def target_for(services: Services) -> PublishTarget:
    """Where the running application's website keeps the files, and their public base URL."""
    return website_for(services).target
