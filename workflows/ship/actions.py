"""What the shipping owner (or a reviewer) can do about an episode that is not live yet.

Each action takes the services, the episode id and who is asking (an
:class:`workflows.actor.Actor`); anyone else gets :class:`NotAllowed`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePosixPath

from workflows.actor import Actor, require_owner_or_reviewer
from workflows.ship.confirm import check_and_ship
from workflows.ship.followups import FollowUps, Pending
from workflows.ship.targets import artifact_files, feed_file, target_for
from workflows.ship.verify import ShipCheck
from workflows.store.records import Episode


def _allowed(services, episode_id: str, actor: Actor, what: str) -> Episode:
    episode = services.store.get(episode_id)
    require_owner_or_reviewer(actor, episode, what)
    return episode


def _followups(services) -> FollowUps:
    """The running follow-ups, or an unstarted one (its table works without the scheduler)."""
    return services.followups if services.followups is not None else FollowUps(services)


def check_now(services, episode_id: str, actor: Actor) -> ShipCheck:
    """Check the live site right away; ships the episode if everything matches, else says what is wrong."""
    _allowed(services, episode_id, actor, "check this episode")
    check = check_and_ship(services, episode_id, actor=actor.user_id)
    if not check.shipped:
        services.people.say(episode_id, f":mag: Checked now for <@{actor.user_id}>: not live yet. {check.diagnosis}")
    return check


def snooze(services, episode_id: str, actor: Actor, minutes: float | None = None) -> datetime:
    """No check (and so no reminder) until ``minutes`` from now (``FollowUp.snooze_minutes`` by default)."""
    _allowed(services, episode_id, actor, "snooze this episode's reminders")
    minutes = minutes or services.show.followup.snooze_minutes
    followups = _followups(services)
    p = followups.due_soon(episode_id, minutes) or followups.schedule_after_publish(episode_id)
    services.people.say(episode_id, f":zzz: <@{actor.user_id}> snoozed the reminders; next check at "
                                    f"{p.due_at:%Y-%m-%d %H:%M} UTC.")
    return p.due_at


def reassign(services, episode_id: str, actor: Actor, new_owner: str) -> Episode:
    """Hand the episode to another shipping owner (audited); the reminder count starts again for them."""
    episode = _allowed(services, episode_id, actor, "reassign this episode")
    after = services.store.transition(episode_id, "reassign", actor=actor.user_id,
                                      reason=f"owner {episode.owner} → {new_owner}",
                                      expected_version=episode.version, updates={"owner": new_owner})
    _followups(services).reset_pings(episode_id)
    services.people.say(episode_id, f":arrows_counterclockwise: <@{actor.user_id}> made <@{new_owner}> the shipping owner.")
    services.people.status(episode_id)
    return after


def i_fixed_it(services, episode_id: str, actor: Actor) -> ShipCheck:
    """The owner says the site is fixed: check now (no state change); if still not live, look again soon."""
    _allowed(services, episode_id, actor, "report a fix for this episode")
    check = check_and_ship(services, episode_id, actor=actor.user_id)
    if not check.shipped:
        first = (services.show.followup.check_minutes or [1.0])[0]
        _followups(services).due_soon(episode_id, first)
        services.people.say(episode_id, f":mag: Thanks <@{actor.user_id}>, I checked: still not live. {check.diagnosis} "
                                        f"I will look again in {first:g} min.")
    return check


def manual_instructions(services, episode: Episode) -> str:
    """The exact files, repository paths and URLs for publishing by hand."""
    publish, target = services.show.publish, target_for(services)
    arts = services.store.artifacts(episode.id)
    lines = [f":hand: Publish *{episode.title or episode.slug}* by hand: put each file at its path in the website "
             f"repository (branch `{target.branch}`), so that the site serves it at the URL. I check the live bytes."]
    for f in artifact_files(publish, target, episode):
        a = arts[f.kind]
        lines.append(f"• `{PurePosixPath(f.path).name}` ({a.media_type}, {a.size} bytes, sha256 `{a.sha256}`) → "
                     f"`{f.path}` → {f.url}")
    feed = feed_file(publish, target)
    audio = next(f for f in artifact_files(publish, target, episode) if f.kind == "audio")
    lines.append(f"• the feed `{feed.path}` ({feed.url}) must list the episode: an item with guid `{episode.id}` "
                 f"and enclosure {audio.url}")
    return "\n".join(lines)


def publish_manually(services, episode_id: str, actor: Actor) -> Pending:
    """Switch to publishing by hand: post the files with their exact paths and URLs, then verify and follow up."""
    episode = _allowed(services, episode_id, actor, "publish this episode by hand")
    after = services.store.transition(episode_id, "publish_manually", actor=actor.user_id,
                                      reason="the owner publishes the files by hand",
                                      expected_version=episode.version,
                                      facts={"published_at": services.clock().isoformat(timespec="seconds")})
    services.people.say(episode_id, manual_instructions(services, after))
    services.people.status(episode_id)
    return _followups(services).schedule_after_publish(episode_id)
