"""What the shipping owner (or a reviewer) can do about an episode that is not live yet.

Each action takes the services, the episode id and who is asking (an
:class:`workflows.actor.Actor`); anyone else gets :class:`NotAllowed`.
:func:`ways_out` says which of the state-changing ones the episode's state allows,
so the reminder and the status card offer only buttons that work.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from workflows.actor import Actor, require_owner_or_reviewer
from workflows.people import Code, Icon, Mention, Notice, Strong, joined
from workflows.ship.confirm import CHECKABLE, Verdict, check_and_ship, followups_for
from workflows.ship.targets import artifact_files, feed_file
from workflows.ship.websites import website_for
from workflows.states import TRANSITIONS, State
from workflows.store.records import Episode

if TYPE_CHECKING:
    from workflows.services import Services
    from workflows.ship.followups import Pending

#: Finding kinds that mean the approved files are not on the website's branch any more; publishing again fixes it.
COMMIT_GONE = ("commit_gone", "replaced_on_remote")


def _allowed(services: Services, episode_id: str, actor: Actor, what: str) -> Episode:
    episode = services.store.get(episode_id)
    require_owner_or_reviewer(actor, episode, what)
    return episode


def commit_gone(episode: Episode) -> bool:
    """The last check found the published commit gone from the branch (force-pushed away), its files replaced,
    or no commit where one should be."""
    kind = episode.facts.last_check.kind if episode.facts.last_check else None
    recorded = episode.facts.published_by_papercast or episode.state == State.PUBLISHED
    return kind in COMMIT_GONE or (kind == "not_committed" and recorded)


def ways_out(episode: Episode) -> tuple[str, ...]:
    """The ways out the episode's state allows now: "publish_again" and/or "publish_by_hand"."""
    ways = []
    if commit_gone(episode) and episode.state in TRANSITIONS["republish"].sources:
        ways.append("publish_again")
    if episode.state in TRANSITIONS["publish_manually"].sources:
        ways.append("publish_by_hand")
    return tuple(ways)


def check_now(services: Services, episode_id: str, actor: Actor) -> Verdict:
    """Check the live site right away: ships on the confirming match, else says what is wrong or what comes next."""
    _allowed(services, episode_id, actor, "check this episode")
    verdict = check_and_ship(services, episode_id, actor=actor.user_id)
    if verdict.confirming:
        services.people.say(episode_id, Notice.of("Checked now for ", Mention(actor.user_id), f": {verdict.message}",
                                                  icon=Icon.CHECKED))
    elif not verdict.shipped:
        services.people.say(episode_id, Notice.of("Checked now for ", Mention(actor.user_id),
                                                  f": not live yet. {verdict.diagnosis}", icon=Icon.CHECKED))
    return verdict


def snooze(services: Services, episode_id: str, actor: Actor, minutes: float | None = None) -> datetime:
    """No reminder until ``minutes`` from now (``FollowUp.snooze_minutes`` by default); the checks go on."""
    episode = _allowed(services, episode_id, actor, "snooze this episode's reminders")
    minutes = minutes or services.show.followup.snooze_minutes
    until = services.clock() + timedelta(minutes=minutes)
    followups = followups_for(services)
    if followups.snooze(episode_id, until) is None and episode.state in CHECKABLE:
        followups.schedule_after_publish(episode_id)
        followups.snooze(episode_id, until)
    services.people.say(episode_id, Notice.of(Mention(actor.user_id), f" snoozed the reminders until {until:%Y-%m-%d %H:%M} UTC; "
                                              "papercast keeps checking the live site.", icon=Icon.SNOOZED))
    return until


def reassign(services: Services, episode_id: str, actor: Actor, new_owner: str) -> Episode:
    """Hand the episode to another shipping owner (audited); the reminder count starts again for them."""
    episode = _allowed(services, episode_id, actor, "reassign this episode")
    after = services.store.transition(episode_id, "reassign", actor=actor.user_id,
                                      reason=f"owner {episode.owner} → {new_owner}",
                                      expected_version=episode.version, updates={"owner": new_owner})
    followups_for(services).reset_pings(episode_id)
    services.people.say(episode_id, Notice.of(Mention(actor.user_id), " made ", Mention(new_owner), " the shipping owner.",
                                              icon=Icon.REASSIGNED))
    services.people.status(episode_id)
    return after


def i_fixed_it(services: Services, episode_id: str, actor: Actor) -> Verdict:
    """The owner says the site is fixed: check now (no state change); if still not live, look again soon."""
    _allowed(services, episode_id, actor, "report a fix for this episode")
    verdict = check_and_ship(services, episode_id, actor=actor.user_id)
    if verdict.confirming:
        services.people.say(episode_id, Notice.of("Thanks ", Mention(actor.user_id), f", I checked: {verdict.message}",
                                                  icon=Icon.CHECKED))
    elif not verdict.shipped:
        first = (services.show.followup.check_minutes or [1.0])[0]
        followups_for(services).due_soon(episode_id, first)
        services.people.say(episode_id, Notice.of("Thanks ", Mention(actor.user_id), ", I checked: still not live. "
                                                  f"{verdict.diagnosis} I will look again in {first:g} min.",
                                                  icon=Icon.CHECKED))
    return verdict


def manual_instructions(services: Services, episode: Episode) -> Notice:
    """The exact files, where each goes on the website (a repository path, a bucket key) and URLs, for publishing by hand."""
    publish, website = services.show.publish, website_for(services)
    target, arts = website.target, services.store.artifacts(episode.id)
    files, feed = artifact_files(publish, target, episode), feed_file(publish, target)
    where, places = website.by_hand([f.path for f in files] + [feed.path])
    lines = [Notice.of("Publish ", Strong(episode.title or episode.slug), " by hand: put each file at ", where,
                       ", so that the site serves it at the URL. I check the live bytes.")]
    for f, place in zip(files, places):
        a = arts[f.kind]
        lines.append(Notice.of("• ", Code(PurePosixPath(f.path).name), f" ({a.media_type}, {a.size} bytes, sha256 ",
                               Code(a.sha256), ") → ", Code(place), f" → {f.url}"))
    audio = next(f for f in files if f.kind == "audio")
    lines.append(Notice.of("• the feed ", Code(places[-1]), f" ({feed.url}) must list the episode: an item with guid ",
                           Code(episode.id), f" and enclosure {audio.url}"))
    return joined(lines, icon=Icon.BY_HAND)


def publish_manually(services: Services, episode_id: str, actor: Actor) -> "Pending":
    """Switch to publishing by hand: post the files with their exact paths and URLs, then verify and follow up."""
    episode = _allowed(services, episode_id, actor, "publish this episode by hand")
    after = services.store.transition(episode_id, "publish_manually", actor=actor.user_id,
                                      reason="the owner publishes the files by hand",
                                      expected_version=episode.version,
                                      facts={"published_at": services.clock().replace(microsecond=0),
                                             "first_match": None})
    services.people.say(episode_id, manual_instructions(services, after))
    services.people.status(episode_id)
    return followups_for(services).schedule_after_publish(episode_id)


def publish_again(services: Services, episode_id: str, actor: Actor) -> Episode:
    """The published files are gone from the website: back to audio ready (audited), and the runner publishes the same
    files again."""
    episode = _allowed(services, episode_id, actor, "publish this episode again")
    after = services.store.transition(episode_id, "republish", actor=actor.user_id,
                                      reason="the published files are gone from the website; publish the same files again",
                                      expected_version=episode.version, facts={"first_match": None})
    followups_for(services).stop(episode_id)  # publishing starts them again
    services.people.say(episode_id, Notice.of(Mention(actor.user_id), " asked to publish the episode again; "
                                              "papercast publishes the same files again and checks the live site.",
                                              icon=Icon.AGAIN))
    services.people.status(episode_id)
    services.kick(episode_id)
    return after
