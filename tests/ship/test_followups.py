"""Follow-ups driven by the injected clock: schedule, pings, snooze, confirmation, re-checks, claims, leadership."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.blocks import ledger_blocks, owner_reminder, status_card
from tests.ship.helpers import git, make_services, publish_now, ready_episode
from tests.ship.standin_site import NOT_FOUND, Answer, Flapping, MisbehavingSite
from workflows.actor import Actor
from workflows.errors import NotAllowed
from workflows.people import RecordingPeople
from workflows.ship import actions
from workflows.ship.feed import feed_bytes
from workflows.ship.followups import NEXT_JOB, TICK_JOB, FollowUps
from workflows.ship.local_site import LocalWebsite
from workflows.states import State
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore

OWNER = Actor("UOWNER")
REVIEWER = Actor("UREV2", is_reviewer=True)
STRANGER = Actor("USTRANGER")


@pytest.fixture
def followups(svc):
    fu = FollowUps(svc).start(paused=True)
    yield fu
    fu.shutdown()


def _published(svc, followups, title="Attention Is All You Need"):
    ep = publish_now(svc, ready_episode(svc, title=title))
    followups.schedule_after_publish(ep.id)
    return ep


def _run_at(followups, clock, minutes_after_start, start):
    clock.now = start + timedelta(minutes=minutes_after_start)
    return followups.run_due(clock.now)


def _actions(outcomes):
    return [o.action for o in outcomes]


class _Live:
    """A misbehaving site serving one manually published episode: right, or 404 everywhere."""

    def __init__(self, svc, site: MisbehavingSite, ep) -> None:
        self.svc, self.site, self.ep = svc, site, ep

    def right(self) -> None:
        arts = self.svc.store.artifacts(self.ep.id)
        for a in arts.values():
            self.site.answers[f"/episodes/{self.ep.slug}/{a.filename}"] = Answer(200, self.svc.artifacts.path(a).read_bytes())
        index = {"episodes": [{"id": self.ep.id, "title": self.ep.title, "published_at": "2026-11-23T09:00:00+00:00",
                               "files": {"audio": {"url": f"{self.site.base_url}/episodes/{self.ep.slug}/episode.mp3",
                                                   "size": arts["audio"].size}}}]}
        self.site.answers["/feed.xml"] = Answer(200, feed_bytes(index, self.svc.show, site_url=self.site.base_url,
                                                                 feed_url=self.site.base_url + "/feed.xml"))

    def gone(self) -> None:
        for path in list(self.site.answers):
            self.site.answers[path] = Answer(404, NOT_FOUND, {"Content-Type": "text/html"})


@pytest.fixture
def manual(data_dir, db_url, store, clock, site):
    """Services whose live site is a misbehaving stand-in, and one episode published by hand (nothing live yet)."""
    live = MisbehavingSite(site.live_dir)
    svc = make_services(data_dir, db_url, store, clock, repo=str(site.remote_url), base_url=live.base_url)
    fu = FollowUps(svc).start(paused=True)
    ep = ready_episode(svc)
    actions.publish_manually(svc, ep.id, OWNER)
    yield svc, fu, _Live(svc, live, ep)
    fu.shutdown()
    live.close()


# --- the schedule and reminders -----------------------------------------------------------------------


def test_checks_follow_the_schedule_and_ping_after_grace_then_escalate(svc, followups, clock):
    """Checks come at 1, 2, 5, 10, 30, 60 min then hourly; pings start after the grace period and escalate after 3."""
    start = clock.now
    ep = _published(svc, followups)
    assert followups.get(ep.id).due_at == start + timedelta(minutes=1)
    assert _run_at(followups, clock, 0.5, start) == []
    dues, actions_ = [], []
    for minute in (1, 2, 5, 10, 30, 60, 120, 180):
        [outcome] = _run_at(followups, clock, minute, start)
        actions_.append(outcome.action)
        dues.append((followups.get(ep.id).due_at - start) / timedelta(minutes=1))
    assert dues == [2, 5, 10, 30, 60, 120, 180, 240]
    assert actions_ == ["checked"] * 3 + ["pinged"] * 3 + ["escalated"] * 2
    pings = svc.people.named("ping_owner")
    assert [p[2] for p in pings] == [False, False, False, True, True]
    assert all(p[0] == ep.id and "404" in p[1] and "not have the file yet" in p[1] for p in pings)
    assert svc.store.get(ep.id).state == State.PUBLISHED


def test_a_live_site_is_confirmed_a_minute_later_then_shipped_and_watched(svc, followups, clock, site):
    """The first match asks for a confirming check 60 s later; the second ships; then re-checks, and no ping."""
    start = clock.now
    ep = _published(svc, followups)
    _run_at(followups, clock, 1, start)
    site.tick()
    [outcome] = _run_at(followups, clock, 2, start)
    assert outcome.action == "confirming" and "confirming in 1 min" in outcome.diagnosis
    first = svc.store.get(ep.id).facts.first_match
    assert first.sha256["audio"] == svc.store.artifacts(ep.id)["audio"].sha256
    assert svc.store.get(ep.id).state == State.PUBLISHED
    assert followups.get(ep.id).due_at == start + timedelta(minutes=3)
    [outcome] = _run_at(followups, clock, 3, start)
    assert outcome.action == "shipped" and svc.store.get(ep.id).state == State.SHIPPED
    watch = followups.get(ep.id)
    assert watch.phase == "watch" and watch.due_at == start + timedelta(minutes=3, hours=24)
    assert _run_at(followups, clock, 500, start) == [] and svc.people.named("ping_owner") == []
    assert [t for _, t in svc.people.named("say") if "Shipped and live" in t] != []


def test_a_deploy_that_lands_late_gets_reminders_then_the_final_line(data_dir, db_url, store, clock):
    """A site that deploys 45 minutes after the push: the owner is reminded, then the thread gets the final line."""
    late = LocalWebsite(data_dir, delay=45 * 60, clock=clock).start(watch=False)
    try:
        svc = make_services(data_dir, db_url, store, clock, site=late)
        fu = FollowUps(svc).start(paused=True)
        start = clock.now
        ep = _published(svc, fu)
        kinds = []
        for minute in (1, 2, 5, 10, 30, 60, 61):
            clock.now = start + timedelta(minutes=minute)
            late.tick()
            kinds += _actions(fu.run_due(clock.now))
        assert kinds == ["checked", "checked", "checked", "pinged", "pinged", "confirming", "shipped"]
        calls = [m for m, _ in svc.people.calls if m in ("ping_owner", "say")]
        assert calls == ["ping_owner", "ping_owner", "say"]
        final = svc.people.named("say")[-1][1]
        assert "Shipped and live" in final and "1 h 31 min from approval to live" in final
        assert svc.store.audit(ep.id)[-1].transition == "ship"
        fu.shutdown()
    finally:
        late.stop()


def test_snooze_pauses_reminders_until_it_ends_but_not_the_checks(svc, followups, clock):
    """While snoozed every check still runs and sends nothing; the first reminder comes when the snooze ends."""
    start = clock.now
    ep = _published(svc, followups)
    _run_at(followups, clock, 10, start)
    assert len(svc.people.named("ping_owner")) == 1
    with pytest.raises(NotAllowed):
        actions.snooze(svc, ep.id, STRANGER, 120)
    until = actions.snooze(svc, ep.id, OWNER, 120)
    assert until == start + timedelta(minutes=130)
    assert followups.get(ep.id).due_at == start + timedelta(minutes=30), "the checks keep their schedule"
    for minute in (30, 60, 120):
        assert _actions(_run_at(followups, clock, minute, start)) == ["snoozed"]
    assert followups.get(ep.id).due_at == start + timedelta(minutes=130)
    assert _actions(_run_at(followups, clock, 130, start)) == ["pinged"]
    assert len(svc.people.named("ping_owner")) == 2


def test_an_episode_that_goes_live_while_snoozed_ships_at_the_next_check(svc, followups, clock, site):
    """Snooze does not hold the checks: the deploy lands during the snooze and the episode ships without a ping."""
    start = clock.now
    ep = _published(svc, followups)
    actions.snooze(svc, ep.id, OWNER, 600)
    _run_at(followups, clock, 10, start)
    site.tick()
    assert _actions(_run_at(followups, clock, 30, start)) == ["confirming"]
    assert _actions(_run_at(followups, clock, 31, start)) == ["shipped"]
    assert svc.store.get(ep.id).state == State.SHIPPED and svc.people.named("ping_owner") == []


def test_reassign_changes_the_owner_and_restarts_the_ping_count(svc, followups, clock, store):
    """A reviewer can reassign (audited); the new owner's reminders start plain, not escalated."""
    start = clock.now
    ep = _published(svc, followups)
    for minute in (10, 30, 60):
        _run_at(followups, clock, minute, start)
    with pytest.raises(NotAllowed) as err:
        actions.reassign(svc, ep.id, STRANGER, "UNEW")
    assert "shipping owner" in err.value.message
    after = actions.reassign(svc, ep.id, REVIEWER, "UNEW")
    assert after.owner == "UNEW" and after.state == State.PUBLISHED
    assert store.audit(ep.id)[-1].transition == "reassign" and store.audit(ep.id)[-1].actor == "UREV2"
    [outcome] = _run_at(followups, clock, 120, start)
    assert outcome.action == "pinged" and svc.people.named("ping_owner")[-1][2] is False


# --- two matches before shipped --------------------------------------------------------------------------


def test_i_fixed_it_and_check_now_confirm_before_shipping(svc, followups, clock, site):
    """'I fixed it' on a live site says it is confirming; a check a minute later ships; not live means a re-check soon."""
    start = clock.now
    ep = _published(svc, followups)
    clock.now = start + timedelta(minutes=20)
    verdict = actions.i_fixed_it(svc, ep.id, OWNER)
    assert not verdict.shipped and svc.store.get(ep.id).state == State.PUBLISHED
    assert followups.get(ep.id).due_at == clock.now + timedelta(minutes=1)
    assert "still not live" in svc.people.named("say")[-1][1]
    site.tick()
    verdict = actions.i_fixed_it(svc, ep.id, OWNER)
    assert verdict.confirming and "confirming in 1 min" in svc.people.named("say")[-1][1]
    assert followups.get(ep.id).due_at == clock.now + timedelta(seconds=60)
    clock.advance(seconds=30)
    assert actions.check_now(svc, ep.id, OWNER).confirming, "a second match too soon does not ship"
    clock.advance(seconds=30)
    assert actions.check_now(svc, ep.id, OWNER).shipped
    assert svc.store.get(ep.id).state == State.SHIPPED and followups.get(ep.id).phase == "watch"


def test_a_failing_check_between_two_matches_clears_the_first(manual, clock):
    """Match, miss, match: the miss clears the first match, so the episode is not shipped on the third check."""
    svc, fu, live = manual
    ep = live.ep
    live.right()
    assert actions.check_now(svc, ep.id, OWNER).confirming
    clock.advance(seconds=30)
    live.gone()
    assert not actions.check_now(svc, ep.id, OWNER).confirming
    assert svc.store.get(ep.id).facts.first_match is None
    clock.advance(seconds=40)
    live.right()
    verdict = actions.check_now(svc, ep.id, OWNER)
    assert verdict.confirming and svc.store.get(ep.id).state == State.MANUAL_PUBLISH


def test_a_flapping_site_is_never_declared_shipped(manual, clock):
    """A site that alternates between the right bytes and 404 (per check, or per request) never ships the episode."""
    svc, fu, live = manual
    start = clock.now
    seen = []
    for i in range(12):
        live.right() if i % 2 == 0 else live.gone()
        clock.now = start + timedelta(minutes=1 + i)
        seen += _actions(fu.run_due(clock.now))
        fu.check_at(live.ep.id, clock.now + timedelta(minutes=1))
    assert "confirming" in seen and "shipped" not in seen
    live.right()
    live.site.behave("*", Flapping())
    for i in range(12, 24):
        clock.now = start + timedelta(minutes=1 + i)
        seen += _actions(fu.run_due(clock.now))
        fu.check_at(live.ep.id, clock.now + timedelta(minutes=1))
    assert "shipped" not in seen and svc.store.get(live.ep.id).state == State.MANUAL_PUBLISH


def test_an_unreadable_repository_neither_ships_nor_clears_the_first_match(svc, followups, clock, site, store):
    """The git host down between two matches says nothing either way: the first match stands and the next check ships."""
    start = clock.now
    ep = _published(svc, followups)
    site.tick()
    assert _actions(_run_at(followups, clock, 1, start)) == ["confirming"]
    away = site.remote_url.with_name("moved.git")
    site.remote_url.rename(away)
    try:
        assert _actions(_run_at(followups, clock, 2, start)) == ["checked"]
        after = store.get(ep.id)
        assert after.facts.last_check.kind == "repo_unreachable" and after.facts.first_match is not None
    finally:
        away.rename(site.remote_url)
    assert _actions(_run_at(followups, clock, 5, start)) == ["shipped"]


def test_publish_manually_posts_exact_paths_and_verifies_the_same_way(manual, clock, store):
    """Manual publish posts each file with its repo path and URL; the follow-ups ship it after two matches."""
    svc, fu, live = manual
    ep = live.ep
    assert svc.store.get(ep.id).state == State.MANUAL_PUBLISH
    with pytest.raises(NotAllowed):
        actions.publish_manually(svc, ready_episode(svc, title="Other").id, STRANGER)
    text = svc.people.named("say")[-1][1]
    arts = svc.store.artifacts(ep.id)
    base = live.site.base_url
    for name in ("episode.mp3", "transcript.vtt", "notes.md"):
        assert f"`static/episodes/{ep.slug}/{name}`" in text and f"{base}/episodes/{ep.slug}/{name}" in text
    assert arts["audio"].sha256 in text and "static/feed.xml" in text
    clock.advance(minutes=1)
    assert _actions(fu.run_due(clock.now)) == ["checked"]
    live.right()
    clock.advance(minutes=1)
    assert _actions(fu.run_due(clock.now)) == ["confirming"]
    clock.advance(minutes=1)
    assert _actions(fu.run_due(clock.now)) == ["shipped"]
    assert svc.store.get(ep.id).state == State.SHIPPED


# --- after shipping: re-checks --------------------------------------------------------------------------


def _ship(svc, followups, clock, site, title="Attention Is All You Need"):
    ep = _published(svc, followups, title)
    site.tick()
    for _ in range(2):
        clock.advance(minutes=1)
        followups.run_due(clock.now)
    assert svc.store.get(ep.id).state == State.SHIPPED
    return ep


def test_a_shipped_episode_removed_by_a_force_push_is_reopened_with_a_way_out(svc, followups, clock, site, store):
    """A daily re-check that misses twice reopens the episode (audited), pings the owner, shows it, offers Publish again."""
    ep = _ship(svc, followups, clock, site)
    clock.advance(hours=24)
    assert _actions(followups.run_due(clock.now)) == ["live"]
    assert followups.get(ep.id).due_at == clock.now + timedelta(hours=24)
    remote = site.remote_url
    git(f"--git-dir={remote}", "update-ref", "refs/heads/main", git(f"--git-dir={remote}", "rev-parse", "main~1"))
    site.tick()  # the site deploys the branch without the episode
    clock.advance(hours=24)
    [missed] = followups.run_due(clock.now)
    assert missed.action == "missed" and store.get(ep.id).state == State.SHIPPED and svc.people.named("ping_owner") == []
    clock.advance(seconds=60)
    [reopened] = followups.run_due(clock.now)
    assert reopened.action == "reopened"
    after = store.get(ep.id)
    assert after.state == State.PUBLISHED and store.audit(ep.id)[-1].transition == "reopen"
    [(_, diagnosis, _)] = svc.people.named("ping_owner")
    assert diagnosis == after.facts.last_check.diagnosis and diagnosis
    assert after.facts.last_check.kind in ("commit_gone", "not_pushed", "not_committed")
    p = followups.get(ep.id)
    assert p.phase == "follow" and p.due_at == clock.now + timedelta(minutes=1)

    _, card = status_card(after)
    assert diagnosis[:60] in str(card) and "ship_publish_again" in str(card)
    _, reminder = owner_reminder(after, diagnosis, snooze_minutes=60)
    assert "was live and is not any more" in str(reminder) and "ship_publish_again" in str(reminder)
    assert diagnosis[:60] in str(ledger_blocks(store.ledger(), clock.now))
    assert "Publish again" in diagnosis, "the advice names the button that exists"


def test_publish_again_republishes_the_same_files_and_follows_up(svc, followups, clock, site, store):
    """After the commit vanished, Publish again (owner or reviewer) goes back to audio ready and the runner publishes."""
    from workflows.pipeline import publish_step
    from workflows.runner import StepRunner

    ep = publish_now(svc, ready_episode(svc))
    gone = ep.facts.commit
    remote = site.remote_url
    git(f"--git-dir={remote}", "update-ref", "refs/heads/main", git(f"--git-dir={remote}", "rev-parse", "main~1"))
    followups.schedule_after_publish(ep.id)
    clock.advance(minutes=1)
    followups.run_due(clock.now)
    assert "publish_again" in actions.ways_out(store.get(ep.id))
    with pytest.raises(NotAllowed):
        actions.publish_again(svc, ep.id, STRANGER)
    svc.runner = StepRunner(store, {"publish": publish_step}, svc.people, svc, workers=1)
    try:
        after = actions.publish_again(svc, ep.id, REVIEWER)
        assert after.state == State.AUDIO_READY and store.audit(ep.id)[-1].transition == "republish"
    finally:
        svc.runner.shutdown(wait=True)  # lets the kicked publish finish
    again = store.get(ep.id)
    assert again.state == State.PUBLISHED
    on_remote = git(f"--git-dir={remote}", "rev-list", "main").split()
    assert again.facts.commit in on_remote and (gone in on_remote or again.facts.commit != gone)
    assert followups.get(ep.id) is not None


def test_re_checks_of_many_shipped_episodes_share_one_session(svc, clock, site):
    """Shipped episodes due together are re-checked in one session: the feed is fetched once for all of them."""
    live = MisbehavingSite(site.live_dir)
    try:
        svc2 = make_services(svc.data_dir, svc.settings.database_url, svc.store, clock, repo=str(site.remote_url),
                             base_url=live.base_url)
        fu = FollowUps(svc2)
        eps = [_ship(svc2, fu, clock, site, title=f"Paper {i}") for i in range(3)]
        live.requests.clear()
        clock.advance(hours=25)
        assert sorted(_actions(fu.run_due(clock.now))) == ["live"] * 3
        assert len(live.requests_for("/feed.xml")) in (1, 2), "the feed is fetched once per session, not per episode"
        assert all(fu.get(e.id).phase == "watch" for e in eps)
    finally:
        live.close()


def test_re_checks_can_be_switched_off(data_dir, db_url, store, clock, site):
    """With recheck_hours = 0 a shipped episode has no row left and is never checked again."""
    svc = make_services(data_dir, db_url, store, clock, site=site, followup={"recheck_hours": 0})
    fu = FollowUps(svc).start(paused=True)
    try:
        ep = _ship(svc, fu, clock, site)
        assert fu.get(ep.id) is None and fu.repair() == []
    finally:
        fu.shutdown()


def test_reminder_and_card_offer_only_the_ways_out_the_state_allows(svc, store):
    """Publish by hand only where publish_manually can start (not on a manual publish); Publish again once the commit is gone."""
    ep = publish_now(svc, ready_episode(svc))
    store.update_facts(ep.id, last_check={"shipped": False, "kind": "not_deployed", "diagnosis": "answers 404"})
    _, blocks = owner_reminder(store.get(ep.id), "answers 404", snooze_minutes=60)
    assert "ship_publish_by_hand" in str(blocks) and "ship_publish_again" not in str(blocks)
    store.update_facts(ep.id, last_check={"shipped": False, "kind": "commit_gone", "diagnosis": "the commit is gone"})
    _, blocks = owner_reminder(store.get(ep.id), "the commit is gone", snooze_minutes=60)
    assert "ship_publish_again" in str(blocks)
    by_hand = store.transition(ready_episode(svc, title="By hand").id, "publish_manually", actor="UOWNER")
    store.update_facts(by_hand.id, last_check={"shipped": False, "kind": "not_deployed", "diagnosis": "answers 404"})
    _, blocks = owner_reminder(store.get(by_hand.id), "answers 404", snooze_minutes=60)
    assert "ship_publish_by_hand" not in str(blocks) and "ship_publish_again" not in str(blocks)
    _, card = status_card(store.get(by_hand.id))
    assert "answers 404" in str(card) and "ship_publish_by_hand" not in str(card)


# --- restarts, claims, leadership -----------------------------------------------------------------------


def test_a_restarted_instance_plans_its_wake_up_from_the_table(svc, clock, db_url, data_dir):
    """The due times live in the database: a new process's scheduler wakes at the stored due time and sends the ping."""
    first = FollowUps(svc).start(paused=True)
    start = clock.now
    _published(svc, first)
    assert first.scheduler.get_job(NEXT_JOB).next_run_time == start + timedelta(minutes=1)
    first.shutdown()
    assert first.scheduler is None

    store2 = EpisodeStore(make_engine(db_url), clock=clock)  # as a restarted process would open it
    svc2 = make_services(data_dir, db_url, store2, clock, same_website=svc.website)
    second = FollowUps(svc2).start(paused=True)
    try:
        assert second.leader.is_leader, "the stopped leader handed its lease back"
        assert second.scheduler.get_job(NEXT_JOB).next_run_time == start + timedelta(minutes=1)
        assert second.scheduler.get_job(TICK_JOB) is not None
        clock.now = start + timedelta(minutes=10)
        [outcome] = second.run_due(clock.now)
        assert outcome.action == "pinged" and len(svc2.people.named("ping_owner")) == 1
        assert second.scheduler.get_job(NEXT_JOB).next_run_time == start + timedelta(minutes=30)
    finally:
        second.shutdown()


class _During(RecordingPeople):
    """Records like RecordingPeople, and runs ``during()`` inside the first ping (another instance acting meanwhile)."""

    def __init__(self) -> None:
        super().__init__()
        self.during = None
        self.die = False

    def ping_owner(self, episode_id, diagnosis, escalate=False, *, key=None):
        super().ping_owner(episode_id, diagnosis, escalate, key=key)
        during, self.during = self.during, None
        if during is not None:
            during()
        if self.die:
            self.die = False
            raise RuntimeError("the process died right after the ping")


def test_a_due_follow_up_is_done_by_one_instance_only(svc, clock, db_url, data_dir):
    """While one instance works on a due check, another finds it claimed and skips it: one ping."""
    start = clock.now
    people = _During()
    svc.people = people
    a = FollowUps(svc)
    _published(svc, a)
    svc_b = make_services(data_dir, db_url, EpisodeStore(make_engine(db_url), clock=clock), clock,
                          same_website=svc.website)
    b = FollowUps(svc_b)
    seen_by_b = []
    people.during = lambda: seen_by_b.extend(b.run_due(clock.now))
    clock.now = start + timedelta(minutes=10)
    [first] = a.run_due(clock.now)
    assert (first.action, _actions(seen_by_b)) == ("pinged", ["skipped"])
    assert len(people.named("ping_owner")) + len(svc_b.people.named("ping_owner")) == 1


def test_a_claim_whose_holder_died_is_retaken_within_a_minute_and_not_repeated(svc, clock, db_url, data_dir):
    """A check claimed by an instance that died after pinging is retaken once its 60 s lease ends; the ping is not sent twice."""
    start = clock.now
    people = _During()
    svc.people = people
    a = FollowUps(svc)
    ep = _published(svc, a)
    clock.now = start + timedelta(minutes=10)
    people.die = True
    assert a.run_due(clock.now) == []  # it pinged, then "died" before writing the outcome
    svc_b = make_services(data_dir, db_url, EpisodeStore(make_engine(db_url), clock=clock), clock,
                          same_website=svc.website)
    svc_b.people = people  # the same Slack thread: a repeated ping with the same key posts nothing
    b = FollowUps(svc_b)
    clock.advance(seconds=30)
    assert _actions(b.run_due(clock.now)) == ["skipped"]
    clock.advance(seconds=31)
    assert _actions(b.run_due(clock.now)) == ["pinged"]
    assert len(people.named("ping_owner")) == 1
    assert b.get(ep.id).due_at == start + timedelta(minutes=30) and b.get(ep.id).pings == 1


def test_a_published_episode_without_follow_ups_gets_them_at_start_and_at_every_tick(svc, clock):
    """An episode published just before a crash (no follow-up row yet) is followed up at start, and by the next tick."""
    ep = publish_now(svc, ready_episode(svc))
    fu = FollowUps(svc)
    assert fu.get(ep.id) is None
    fu.start(paused=True)
    try:
        assert fu.get(ep.id).due_at == clock.now + timedelta(minutes=1)
        later = publish_now(svc, ready_episode(svc, title="Published while running"))
        fu.wake()
        assert fu.get(later.id).due_at == clock.now + timedelta(minutes=1)
    finally:
        fu.shutdown()


def _instance(svc, db_url, data_dir, clock, people=None):
    other = make_services(data_dir, db_url, EpisodeStore(make_engine(db_url), clock=clock), clock,
                          same_website=svc.website)
    if people is not None:
        other.people = people
    return FollowUps(other).start(paused=True)


def test_a_frozen_leader_loses_the_lease_and_does_nothing_when_it_resumes(svc, clock, db_url, data_dir):
    """A leader that stops heartbeating is replaced after its lease (new term); resumed, it steps down and sends nothing."""
    start = clock.now
    a = FollowUps(svc).start(paused=True)
    _published(svc, a)
    b = _instance(svc, db_url, data_dir, clock)
    try:
        assert (a.leader.term, b.leader.is_leader) == (1, False)
        clock.advance(seconds=10)
        assert not b.leader.beat(), "a live lease is not taken over"
        clock.advance(seconds=11)  # a froze: no heartbeat for 21 s > the 20 s lease
        assert b.leader.beat() and b.leader.term == 2 and b.scheduler is not None
        clock.now = start + timedelta(minutes=10)
        assert a.run_due(clock.now) == [] and not a.leader.is_leader and a.scheduler is None
        assert _actions(b.run_due(clock.now)) == ["pinged"]
        assert svc.people.named("ping_owner") == []
    finally:
        a.shutdown()
        b.shutdown()


def test_an_old_leaders_late_write_is_refused(svc, clock, db_url, data_dir):
    """A leader that loses the lease mid-check cannot write its outcome: the new leader's claim (newer term) wins, one ping."""
    start = clock.now
    people = _During()
    svc.people = people
    a = FollowUps(svc).start(paused=True)
    ep = _published(svc, a)
    b = _instance(svc, db_url, data_dir, clock, people=people)
    by_b = []

    def take_over():
        clock.advance(seconds=21)
        assert b.leader.beat() and b.leader.term == 2
        by_b.extend(b.run_due(clock.now))

    people.during = take_over
    try:
        clock.now = start + timedelta(minutes=10)
        [late] = a.run_due(clock.now)
        assert late.action == "fenced" and _actions(by_b) == ["pinged"]
        p = b.get(ep.id)
        assert (p.step, p.pings, p.claimed_by) == (4, 1, None)
        assert len(people.named("ping_owner")) == 1, "the repeated ping carried the same key"
    finally:
        a.shutdown()
        b.shutdown()
