"""What a live check finds: each finding has a kind and a sentence for people; a check passes only when all do.

The kinds are shared by every website target, so the follow-ups, the status card and the
buttons read them the same way: ``commit_gone`` and ``replaced_on_remote`` mean the approved
files are not on the website any more (Publish again fixes it), ``repo_unreachable`` that the
website's own store could not be read (inconclusive), the rest are what the live site serves.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from workflows.store.facts import CheckSummary

#: What to do about each problem, appended to its finding.
ADVICE = {
    "not_committed": "Press Retry on the status card to publish again, or choose Publish by hand.",
    "commit_gone": "Press Publish again on the status card to publish the approved files again.",
    "replaced_on_remote": "Someone changed them after they were published: revert that change on the website, or "
                          "press Publish again to put the approved files back (a changed episode needs its own "
                          "review first).",
    "repo_unreachable": "Often the website's storage is only briefly unreachable: papercast checks again at the next "
                        "follow-up; if it keeps happening, run `papercast doctor` for the website's access.",
    "not_deployed": "The file is published to the website, but the site does not have the file yet: check the "
                    "site's deploy (its CI or Pages build, or the CDN in front of the bucket) for this publish.",
    "stale": "The site still serves an older version: check that the deploy of this publish finished.",
    "stale_cache": "The site's cache or CDN serves the old file: purge it for this URL.",
    "html_error_page": "The site answers with a page instead of the file: "
                       "check the deploy and the site's routing for this path.",
    "login_redirect": "The file sits behind a login: make this path public on the site.",
    "access_denied": "The file sits behind a login: make this path public on the site.",
    "wrong_type": "Configure the site's MIME types (in the web server's or CDN's settings) "
                  "so this file is served with that type.",
    "truncated": "The site or its CDN cut the transfer off before the end: "
                 "check its limits on file size and transfer time, then press I fixed it.",
    "site_slow": "The site answers too slowly for a listener's app: "
                 "check the hosting's status and load, then press I fixed it.",
    "site_down": "The site is down or unreachable: check the hosting status, then press I fixed it.",
    "http_error": "Check the site's configuration for this path.",
    "not_in_feed": "The feed the site serves does not list the episode: "
                   "check that the feed file was deployed.",
}
#: Fetches that ran into their deadline before the rest of a round is not tried (the site is too slow right now).


class Finding(BaseModel):
    kind: str
    ok: bool
    message: str
    url: str | None = None
    #: The commit that holds the approved files on the website's branch, when it is not the recorded one (a rewrite).
    commit: str | None = None


class ShipCheck(BaseModel):
    episode_id: str
    checked_at: datetime
    findings: list[Finding]
    requests: int = 0

    @property
    def shipped(self) -> bool:
        return bool(self.findings) and all(f.ok for f in self.findings)

    @property
    def problem(self) -> Finding | None:
        return next((f for f in self.findings if not f.ok), None)

    @property
    def diagnosis(self) -> str:
        """The first problem, for a reminder ("" when shipped)."""
        p = self.problem
        return p.message if p else ""

    def summary(self) -> CheckSummary:
        """The check as the episode's ``last_check`` fact."""
        p = self.problem
        return CheckSummary(at=self.checked_at.replace(microsecond=0), shipped=self.shipped,
                            kind=p.kind if p else "shipped", diagnosis=self.diagnosis)


