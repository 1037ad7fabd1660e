"""Publishing: the runner step for audio_ready, which hands the episode to the configured website.

The website (:mod:`workflows.ship.websites`: the git repository, or an S3-compatible bucket)
writes the artifacts (the rendered ones and the site's, :mod:`workflows.ship.site`) and the
index, feed and show page rebuilt from what it already holds; a re-run after a crash finds
its own earlier publication and writes nothing twice. The step records what identifies the
publication (the commit, or the bucket's publication id) for the live-site checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from workflows.runner import StepContext, StepResult
from workflows.ship.websites import website_for
from workflows.ship.websites.contents import Published
from workflows.ship.websites.git_commits import TRAILER_EPISODE, TRAILER_SHA, commit_message, parse_trailers
from workflows.store.records import Episode

if TYPE_CHECKING:
    from workflows.services import Services

__all__ = ["Published", "TRAILER_EPISODE", "TRAILER_SHA", "commit_message", "parse_trailers", "publish_episode",
           "publish_step"]


def publish_episode(services: Services, episode: Episode, *, checkpoint: Callable[[str], None] = lambda _stage: None) -> Published:
    """Publish the episode's artifacts to the website.

    ``checkpoint`` is called with "copied" (the content is ready), "committed" and "pushed"
    as each is done (for a bucket: artifacts uploaded, index written, feed and pages written),
    where the crash points ``publish.<stage>`` also sit (tests crash there to show that a
    re-run does not publish again).
    """
    return website_for(services).publish(services, episode, checkpoint=checkpoint)


def publish_step(ctx: StepContext) -> StepResult:
    """The runner step for audio_ready: publish, and record what identifies the publication for the live checks."""
    svc = ctx.services
    done = publish_episode(svc, ctx.episode)
    facts = {
        "push_attempts": done.attempts, "published_at": svc.clock().replace(microsecond=0),
        "published_files": {f.kind: {"path": f.path, "url": f.url} for f in done.files},
        **done.shared,  # the artwork it was published with; page_url, feed_url, site_url for people
        **done.facts,  # the website's own: commit, branch, repo (git); publication, repo (s3: where it went)
    }
    return StepResult("publish", reason=done.reason, facts=facts, artifacts=done.built)
