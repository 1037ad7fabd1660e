"""Verification against a real loopback site: each way of not being live has its own diagnosis, never a pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ship.helpers import git, make_services, publish_now, ready_episode
from tests.ship.standin_site import Answer, MisbehavingSite
from workflows.ship.confirm import check_and_ship
from workflows.ship.verify import check_episode
from workflows.states import State


@pytest.fixture
def live(site):
    s = MisbehavingSite(site.live_dir)
    yield s
    s.close()


@pytest.fixture
def vsvc(data_dir, db_url, store, clock, site, live):
    """Services publishing to the local bare repo, with the misbehaving site as the live URL."""
    return make_services(data_dir, db_url, store, clock, repo=str(site.remote_url), base_url=live.base_url,
                         followup={"http_timeout_seconds": 0.5})


def _published_and_deployed(vsvc, site):
    ep = publish_now(vsvc, ready_episode(vsvc))
    site.tick()
    return ep


def _audio_path(ep) -> str:
    return f"/episodes/{ep.slug}/episode.mp3"


def test_live_bytes_are_fetched_at_the_plain_url_as_listeners_do(vsvc, site, live):
    """A healthy site is checked with one plain request per file (no cache-busting, no no-cache headers), and passes."""
    ep = _published_and_deployed(vsvc, site)
    check = check_episode(vsvc, ep)
    assert check.shipped and [f.kind for f in check.findings] == ["committed", "pushed"] + ["served"] * 6 + ["in_feed"]
    audio_requests = [(p, h) for p, h in live.requests if p.startswith(_audio_path(ep))]
    assert [p for p, _ in audio_requests] == [_audio_path(ep)] and "Cache-Control" not in audio_requests[0][1]
    assert check.requests == 7  # MP3, transcript, notes, chapters, page, artwork, and the feed


SCRIPTED = {
    "stale": Answer(200, b"ID3 old episode bytes", {"Content-Type": "audio/mpeg"}),
    "stale_cache": Answer(200, b"ID3 old episode bytes", {"Content-Type": "audio/mpeg", "Age": "3600", "X-Cache": "HIT"}),
    "html_error_page": Answer(200, b"<!DOCTYPE html><html><body>Oops, something went wrong</body></html>",
                              {"Content-Type": "text/html; charset=utf-8"}),
    "login_redirect": Answer(302, b"", {"Location": "/login?next=/episodes"}),
    "site_down": Answer(503, b"<html>Service Unavailable</html>", {"Content-Type": "text/html"}),
}


@pytest.mark.parametrize("kind", sorted(SCRIPTED))
def test_each_wrong_answer_from_the_site_has_its_own_diagnosis(vsvc, site, live, kind):
    """Old bytes, a cached copy, an HTML error page, a login redirect and a 5xx are each named, and never shipped."""
    ep = _published_and_deployed(vsvc, site)
    live.answers[_audio_path(ep)] = SCRIPTED[kind]
    check = check_and_ship(vsvc, ep.id)
    assert not check.shipped and check.problem.kind == kind
    assert _audio_path(ep) in check.diagnosis
    assert vsvc.store.get(ep.id).state == State.PUBLISHED and vsvc.people.named("say") == []
    assert vsvc.store.get(ep.id).facts.last_check.kind == kind


def test_not_deployed_is_a_404_after_the_push(vsvc, site):
    """Pushed but not yet deployed answers 404: the diagnosis says the commit is pushed and the site lacks the file."""
    ep = publish_now(vsvc, ready_episode(vsvc))
    check = check_and_ship(vsvc, ep.id)
    assert [f.kind for f in check.findings][:3] == ["committed", "pushed", "not_deployed"]
    assert "404" in check.diagnosis and "deploy" in check.diagnosis


def test_a_site_that_hangs_is_a_timeout(vsvc, site, live):
    """A site that does not answer within the timeout is reported as down (timeout), not waited on forever."""
    ep = _published_and_deployed(vsvc, site)
    live.answers[_audio_path(ep)] = Answer(200, b"late", delay=2.0)
    check = check_episode(vsvc, ep)
    assert check.problem.kind == "site_down" and "timeout" in check.diagnosis


def test_connection_refused_is_site_down(data_dir, db_url, store, clock, site, live):
    """When nothing listens at the site's address the diagnosis is site down (connection refused)."""
    live.close()
    svc = make_services(data_dir, db_url, store, clock, repo=str(site.remote_url), base_url=live.base_url)
    ep = publish_now(svc, ready_episode(svc))
    check = check_and_ship(svc, ep.id)
    assert check.problem.kind == "site_down" and "connection refused" in check.diagnosis
    assert svc.store.get(ep.id).state == State.PUBLISHED


def test_feed_without_the_episode_is_reported(vsvc, site, live):
    """The files may be live, but if the served feed does not list the episode it is not shipped."""
    ep = _published_and_deployed(vsvc, site)
    live.answers["/feed.xml"] = Answer(200, b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title></channel></rss>",
                                       {"Content-Type": "application/rss+xml"})
    check = check_and_ship(vsvc, ep.id)
    assert check.problem.kind == "not_in_feed" and not check.shipped


def test_no_recorded_commit_is_not_committed(vsvc, site):
    """An episode with no recorded commit is diagnosed as not committed, before anything about the site."""
    ep = _published_and_deployed(vsvc, site)
    vsvc.store.update_facts(ep.id, commit=None)
    check = check_episode(vsvc, vsvc.store.get(ep.id))
    assert check.findings[0].kind == "not_committed" and check.problem.kind == "not_committed" and not check.shipped


def _work_clone(site, tmp_path) -> Path:
    work = tmp_path / "human"
    git("clone", "-q", str(site.remote_url), str(work))
    return work


def test_a_content_identical_rewrite_of_the_commit_is_still_published(vsvc, site, tmp_path):
    """A force-pushed rewrite with the same files counts: the check names the new commit and the one it replaced."""
    ep = _published_and_deployed(vsvc, site)
    work = _work_clone(site, tmp_path)
    git("commit", "-q", "--amend", "-m", "Publish episode (reworded by a human)", cwd=work)
    git("push", "-q", "--force", "origin", "main", cwd=work)
    rewritten = git("rev-parse", "HEAD", cwd=work)
    check = check_episode(vsvc, vsvc.store.get(ep.id))
    assert check.shipped and rewritten != ep.facts.commit
    assert check.findings[0].message == (f"The approved files are committed as {rewritten[:10]} "
                                         f"(rewritten from {ep.facts.commit[:10]}).")
    assert check.findings[1].commit == rewritten


def test_a_commit_force_pushed_away_is_commit_gone_with_publish_again(vsvc, site):
    """When the recorded commit left the branch and the files with it, the advice is Publish again, not Retry."""
    ep = _published_and_deployed(vsvc, site)
    remote = site.remote_url
    git(f"--git-dir={remote}", "update-ref", "refs/heads/main", git(f"--git-dir={remote}", "rev-parse", "main~1"))
    check = check_and_ship(vsvc, ep.id)
    assert check.problem.kind == "commit_gone" and not check.shipped
    assert "Publish again" in check.diagnosis and "Retry" not in check.diagnosis
    assert ep.facts.commit[:10] in check.diagnosis and "episode.mp3" in check.diagnosis


def test_files_changed_by_a_later_commit_are_replaced_on_remote(vsvc, site, tmp_path):
    """A later commit that overwrites an approved file on the branch is named, with the path, even if it is served."""
    ep = _published_and_deployed(vsvc, site)
    work = _work_clone(site, tmp_path)
    notes = ep.facts.published_files["notes"].path
    (work / notes).write_text("# Edited by hand\n", encoding="utf-8")
    git("commit", "-q", "-am", "Fix a typo", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    check = check_episode(vsvc, vsvc.store.get(ep.id))
    assert check.problem.kind == "replaced_on_remote" and notes in check.diagnosis and "revert" in check.diagnosis
    assert not check.shipped and [f.kind for f in check.findings if f.ok] == ["served"] * 6 + ["in_feed"]


def test_manual_publish_checks_only_the_live_bytes(vsvc, site, live, clock):
    """For a manual publish, no commit is needed: the episode ships when the site serves the approved bytes."""
    ep = ready_episode(vsvc)
    vsvc.store.transition(ep.id, "publish_manually", actor="UOWNER")
    check = check_and_ship(vsvc, ep.id)
    assert check.problem.kind == "not_deployed" and all(f.kind not in ("committed", "pushed") for f in check.findings)
    publish_now_files = {f"/episodes/{ep.slug}/{a.filename}": a for a in vsvc.store.artifacts(ep.id).values()}
    for path, art in publish_now_files.items():
        live.answers[path] = Answer(200, vsvc.artifacts.path(art).read_bytes(), {"Content-Type": art.media_type})
    from workflows.ship.feed import feed_bytes
    index = {"episodes": [{"id": ep.id, "title": ep.title, "published_at": "2026-11-23T09:00:00+00:00",
                           "files": {"audio": {"url": f"{live.base_url}/episodes/{ep.slug}/episode.mp3", "size": 1}}}]}
    live.answers["/feed.xml"] = Answer(200, feed_bytes(index, vsvc.show, site_url=live.base_url, feed_url=live.base_url + "/feed.xml"))
    assert check_and_ship(vsvc, ep.id).confirming
    clock.advance(seconds=vsvc.show.followup.confirm_seconds)
    check = check_and_ship(vsvc, ep.id)
    assert check.shipped and vsvc.store.get(ep.id).state == State.SHIPPED
    [(_, line)] = vsvc.people.named("say")
    assert "published by hand" in line
