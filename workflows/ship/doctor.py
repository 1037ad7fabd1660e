"""`papercast doctor`'s website checks: the configured website's own (access, write) and the live site's."""

from __future__ import annotations

from workflows.doctor import Check
from workflows.errors import PapercastError
from workflows.settings import Settings
from workflows.ship.websites import build_website, site_check

__all__ = ["site_check", "website_checks"]


def website_checks(settings: Settings) -> list[Check]:
    publish = settings.show.publish
    try:
        website = build_website(settings)
    except PapercastError as e:
        if publish.website == "git" and not publish.repo:
            return [Check("website", True, "no website configured: `papercast serve` runs the embedded local website "
                                           f"under {settings.data_dir / 'site'}",
                          "Set publish.repo and publish.base_url in the show file to publish to your website.")]
        return [Check("website", False, e.message, e.hint)]
    return website.doctor()
