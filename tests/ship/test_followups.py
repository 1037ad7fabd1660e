"""Follow-ups driven by the injected clock: the schedule, pings, escalation, owner actions, restarts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.ship.helpers import make_services, publish_now, ready_episode
from tests.ship.standin_site import Answer, MisbehavingSite
from workflows.actor import Actor
from workflows.errors import NotAllowed
from workflows.ship import actions
from workflows.ship.followups import FollowUps
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


def test_checks_stop_the_moment_the_site_matches(svc, followups, clock, site):
    """Once the deploy lands, the next check ships the episode and no further check or ping happens."""
    start = clock.now
    ep = _published(svc, followups)
    _run_at(followups, clock, 1, start)
    site.tick()
    [outcome] = _run_at(followups, clock, 2, start)
    assert outcome.action == "shipped" and followups.get(ep.id) is None
    assert svc.store.get(ep.id).state == State.SHIPPED
    assert _run_at(followups, clock, 500, start) == [] and svc.people.named("ping_owner") == []


def test_a_deploy_that_lands_late_gets_reminders_then_the_final_line(data_dir, db_url, store, clock):
    """A site that deploys 45 minutes after the push: the owner is reminded, then the thread gets the final line."""
    late = LocalWebsite(data_dir, delay=45 * 60, clock=clock).start(watch=False)
    try:
        svc = make_services(data_dir, db_url, store, clock, site=late)
        fu = FollowUps(svc).start(paused=True)
        start = clock.now
        ep = _published(svc, fu)
        kinds = []
        for minute in (1, 2, 5, 10, 30, 60):
            clock.now = start + timedelta(minutes=minute)
            late.tick()
            kinds += [o.action for o in fu.run_due(clock.now)]
        assert kinds == ["checked", "checked", "checked", "pinged", "pinged", "shipped"]
        calls = [m for m, _ in svc.people.calls if m in ("ping_owner", "say")]
        assert calls == ["ping_owner", "ping_owner", "say"]
        final = svc.people.named("say")[-1][1]
        assert "Shipped and live" in final and "1 h 30 min from approval to live" in final
        fu.shutdown()
    finally:
        late.stop()


def test_snooze_holds_checks_and_pings_until_it_ends(svc, followups, clock):
    """A snooze by the owner skips every check until it ends; a stranger may not snooze."""
    start = clock.now
    ep = _published(svc, followups)
    _run_at(followups, clock, 10, start)
    assert len(svc.people.named("ping_owner")) == 1
    with pytest.raises(NotAllowed):
        actions.snooze(svc, ep.id, STRANGER, 120)
    until = actions.snooze(svc, ep.id, OWNER, 120)
    assert until == start + timedelta(minutes=130)
    assert _run_at(followups, clock, 30, start) == [] and _run_at(followups, clock, 129, start) == []
    [outcome] = _run_at(followups, clock, 130, start)
    assert outcome.action == "pinged" and len(svc.people.named("ping_owner")) == 2


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


def test_i_fixed_it_checks_now_without_a_state_change(svc, followups, clock, site):
    """'I fixed it' checks at once: not live yet means a reply and a quick re-check; live means shipped."""
    start = clock.now
    ep = _published(svc, followups)
    clock.now = start + timedelta(minutes=20)
    check = actions.i_fixed_it(svc, ep.id, OWNER)
    assert not check.shipped and svc.store.get(ep.id).state == State.PUBLISHED
    assert followups.get(ep.id).due_at == clock.now + timedelta(minutes=1)
    assert "still not live" in svc.people.named("say")[-1][1]
    site.tick()
    assert actions.check_now(svc, ep.id, OWNER).shipped
    assert svc.store.get(ep.id).state == State.SHIPPED and followups.get(ep.id) is None


def test_publish_manually_posts_exact_paths_and_verifies_the_same_way(data_dir, db_url, store, clock, site):
    """Choosing manual publish posts each file with its repo path and URL, then follow-ups verify the live bytes."""
    live = MisbehavingSite(site.live_dir)
    try:
        svc = make_services(data_dir, db_url, store, clock, repo=str(site.remote_url), base_url=live.base_url)
        fu = FollowUps(svc).start(paused=True)
        ep = ready_episode(svc)
        with pytest.raises(NotAllowed):
            actions.publish_manually(svc, ep.id, STRANGER)
        actions.publish_manually(svc, ep.id, OWNER)
        assert svc.store.get(ep.id).state == State.MANUAL_PUBLISH
        text = svc.people.named("say")[-1][1]
        arts = svc.store.artifacts(ep.id)
        for name in ("episode.mp3", "transcript.vtt", "notes.md"):
            assert f"`static/episodes/{ep.slug}/{name}`" in text and f"{live.base_url}/episodes/{ep.slug}/{name}" in text
        assert arts["audio"].sha256 in text and "static/feed.xml" in text
        clock.advance(minutes=1)
        assert [o.action for o in fu.run_due(clock.now)] == ["checked"]
        for a in arts.values():
            live.answers[f"/episodes/{ep.slug}/{a.filename}"] = Answer(200, a.path.read_bytes())
        live.answers["/feed.xml"] = Answer(200, f"<rss version='2.0'><channel><item><guid>{ep.id}</guid></item></channel></rss>".encode())
        clock.advance(minutes=1)
        assert [o.action for o in fu.run_due(clock.now)] == ["shipped"]
        assert svc.store.get(ep.id).state == State.SHIPPED
        fu.shutdown()
    finally:
        live.close()


def test_follow_ups_survive_a_scheduler_restart(svc, clock, db_url, data_dir):
    """Jobs and due times live in the database: a new process's scheduler has them and sends the due ping."""
    first = FollowUps(svc).start(paused=True)
    start = clock.now
    ep = _published(svc, first)
    job = first.scheduler.get_job(first.job_id(first.get(ep.id)))
    assert job is not None and job.next_run_time == start + timedelta(minutes=1)
    first.shutdown()

    store2 = EpisodeStore(make_engine(db_url), clock=clock)  # as a restarted process would open it
    svc2 = make_services(data_dir, db_url, store2, clock, site=svc.overrides["local_site"])
    second = FollowUps(svc2).start(paused=True)
    try:
        job = second.scheduler.get_job(second.job_id(second.get(ep.id)))
        assert job is not None and job.next_run_time == start + timedelta(minutes=1)
        assert second.scheduler.get_job("papercast-followups-tick") is not None
        clock.now = start + timedelta(minutes=10)
        [outcome] = second.run_due(clock.now)
        assert outcome.action == "pinged" and len(svc2.people.named("ping_owner")) == 1
    finally:
        second.shutdown()


def test_a_due_follow_up_is_done_by_one_instance_only(svc, clock, db_url, data_dir):
    """Two instances running the same due time: one pings, the other finds it claimed and skips."""
    start = clock.now
    a = FollowUps(svc)
    ep = _published(svc, a)
    svc_b = make_services(data_dir, db_url, EpisodeStore(make_engine(db_url), clock=clock), clock,
                          site=svc.overrides["local_site"])
    b = FollowUps(svc_b)
    clock.now = start + timedelta(minutes=10)
    # Both read the same due row; b's claim comes second.
    [first] = a.run_due(clock.now)
    with svc_b.store.engine.begin() as conn:  # put the row back as b would have seen it
        from sqlalchemy import update

        from workflows.ship.schema import ship_followups
        conn.execute(update(ship_followups).where(ship_followups.c.episode_id == ep.id)
                     .values(due_at=(start + timedelta(minutes=1)).isoformat(timespec="microseconds")))
    [second] = b.run_due(clock.now)
    assert (first.action, second.action) == ("pinged", "skipped")
    assert len(svc.people.named("ping_owner")) + len(svc_b.people.named("ping_owner")) == 1


def test_a_published_episode_without_follow_ups_gets_them_at_start(svc, clock):
    """An episode published just before a crash (no follow-up row yet) is followed up when the scheduler starts."""
    ep = publish_now(svc, ready_episode(svc))
    fu = FollowUps(svc)
    assert fu.get(ep.id) is None
    fu.start(paused=True)
    try:
        assert fu.get(ep.id).due_at == clock.now + timedelta(minutes=1)
    finally:
        fu.shutdown()
