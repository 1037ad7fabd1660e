"""Site faults against a real published episode: each is named precisely, bounded in time, and never shipped."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import pytest

from tests.ship.helpers import AUDIO, make_services, publish_now, ready_episode
from tests.ship.standin_site import (LOGIN_PAGE, Answer, CachedAtPlainURL, Delayed, Flapping, LoginRedirect, MisbehavingSite,
                                     Tarpit, Truncated, WrongType)
from workflows.ship.confirm import check_and_ship
from workflows.ship.verify import ShipChecker, check_episode
from workflows.states import State

DEADLINE = 1.0  # seconds: each HTTP check's overall deadline in these tests
OLD_FEED = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Paper Trail</title>"
            b"<item><guid>older-episode</guid></item></channel></rss>")


@pytest.fixture
def live(site):
    s = MisbehavingSite(site.live_dir)
    yield s
    s.close()


def _services(data_dir, db_url, store, clock, site, live, **followup):
    return make_services(data_dir, db_url, store, clock, repo=str(site.remote_url), base_url=live.base_url,
                         followup={"http_timeout_seconds": 5, "http_deadline_seconds": DEADLINE, **followup})


@pytest.fixture
def fsvc(data_dir, db_url, store, clock, site, live):
    return _services(data_dir, db_url, store, clock, site, live)


@pytest.fixture
def episode(fsvc, site):
    """An episode published to the real bare repository and deployed on the local website."""
    ep = publish_now(fsvc, ready_episode(fsvc))
    site.tick()
    return ep


def _audio(ep) -> str:
    return f"/episodes/{ep.slug}/episode.mp3"


@dataclass(frozen=True)
class Fault:
    kind: str
    apply: Callable[[MisbehavingSite, object], None]
    #: Words the diagnosis must contain.
    says: tuple[str, ...] = ()


def _on_audio(*behaviours):
    return lambda live, ep: live.behave(_audio(ep), *behaviours)


def _on_feed(*behaviours):
    return lambda live, ep: live.behave("/feed.xml", *behaviours)


def _login_page_at(location: str):
    def apply(live, ep):
        live.answers["/users/sign_in"] = Answer(200, LOGIN_PAGE, {"Content-Type": "text/html"})
        live.behave(_audio(ep), LoginRedirect(location))
    return apply


def _redirect_to_a_sign_in_form(live, ep):
    live.answers["/gate"] = Answer(200, LOGIN_PAGE, {"Content-Type": "text/html"})
    live.behave(_audio(ep), LoginRedirect("/gate?next=/episodes&token=s3cr3t"))


def _serves_login_page(live, ep):
    live.answers[_audio(ep)] = Answer(200, LOGIN_PAGE, {"Content-Type": "text/html; charset=utf-8"})


FAULTS = {
    "cdn_keeps_old_mp3": Fault("stale_cache", _on_audio(CachedAtPlainURL(AUDIO[:-7] + b"old-mp3")), ("X-Cache: HIT", "purge")),
    "cdn_keeps_old_feed": Fault("stale_cache", _on_feed(CachedAtPlainURL(OLD_FEED)), ("feed", "purge")),
    "cdn_keeps_old_feed_cf": Fault("stale_cache", _on_feed(CachedAtPlainURL(OLD_FEED, header=("CF-Cache-Status", "HIT"))),
                                   ("CF-Cache-Status: HIT",)),
    "cached_404": Fault("stale_cache", _on_audio(CachedAtPlainURL(status=404)), ("404", "purge")),
    "mp3_as_html": Fault("wrong_type", _on_audio(WrongType("text/html; charset=utf-8")), ("text/html", "audio/mpeg", "MIME")),
    "mp3_as_octet_stream": Fault("wrong_type", _on_audio(WrongType("application/octet-stream")), ("audio/mpeg",)),
    "vtt_as_plain_text": Fault("wrong_type", lambda live, ep: live.behave("*.vtt", WrongType("text/plain")), ("text/vtt",)),
    "feed_as_html": Fault("wrong_type", _on_feed(WrongType("text/html")), ("feed", "text/html")),
    "tarpit_in_headers": Fault("site_slow", _on_audio(Tarpit(1.5, phase="headers")), ("too slow", "1 s")),
    "tarpit_in_body": Fault("site_slow", _on_audio(Tarpit(1.5, phase="body")), ("too slow", "1 s")),
    "tarpit_on_a_reused_connection": Fault("site_slow", lambda live, ep: live.behave("*.vtt", Tarpit(1.5, phase="headers")),
                                           ("transcript.vtt", "too slow")),
    "feed_tarpit": Fault("site_slow", _on_feed(Tarpit(1.5)), ("feed",)),
    "truncated_body": Fault("truncated", _on_audio(Truncated(0.5)), ("cut", "bytes")),
    "truncated_feed": Fault("truncated", _on_feed(Truncated(0.3)), ("feed", "cut")),
    "redirect_to_users_sign_in": Fault("login_redirect", _login_page_at("/users/sign_in"), ("login", "public")),
    "redirect_to_session_new": Fault("login_redirect", _on_audio(LoginRedirect("/session/new")), ("login",)),
    "redirect_to_saml": Fault("login_redirect", _on_audio(LoginRedirect("/saml/auth?SAMLRequest=x")), ("login",)),
    "redirect_to_google": Fault("login_redirect", _on_audio(LoginRedirect("https://accounts.google.com/o/oauth2/v2/auth?x=1")),
                                ("accounts.google.com",)),
    "redirect_to_a_sign_in_form": Fault("login_redirect", _redirect_to_a_sign_in_form, ("sign-in page", "/gate")),
    "login_page_served_as_file": Fault("login_redirect", _serves_login_page, ("login",)),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_each_site_fault_has_its_own_diagnosis_and_is_not_shipped(fsvc, live, episode, name):
    """Each site fault is named by its own kind, with the URL and what to do, and the episode stays published."""
    fault = FAULTS[name]
    fault.apply(live, episode)
    started = time.monotonic()
    verdict = check_and_ship(fsvc, episode.id)
    assert time.monotonic() - started < 5 * DEADLINE
    check = verdict.check
    assert not verdict.shipped and not check.shipped and check.problem.kind == fault.kind, check.diagnosis
    assert check.problem.url and check.problem.url in check.diagnosis
    for words in fault.says:
        assert words in check.diagnosis, check.diagnosis
    assert "papercast-check" not in check.diagnosis and "Traceback" not in check.diagnosis
    assert "?" not in check.diagnosis, "no query string (it may carry a token) in a message"
    assert fsvc.store.get(episode.id).state == State.PUBLISHED and fsvc.people.named("say") == []


def test_no_site_fault_ever_ships_an_episode(fsvc, live, episode, clock):
    """Across every site fault, checked twice a minute apart, the count of falsely shipped episodes is zero."""
    false_shipped = 0
    for fault in FAULTS.values():
        live.answers.clear()
        live.behaviours.clear()
        fault.apply(live, episode)
        for _ in range(2):
            clock.advance(minutes=1)
            false_shipped += check_and_ship(fsvc, episode.id).shipped
    live.answers.clear()
    live.behaviours.clear()
    assert false_shipped == 0 and fsvc.store.get(episode.id).state == State.PUBLISHED
    assert check_and_ship(fsvc, episode.id).confirming  # once the site is right the same checks pass (and confirm)
    clock.advance(minutes=1)
    assert check_and_ship(fsvc, episode.id).shipped


def test_a_flapping_site_does_not_ship_on_one_lucky_sample(fsvc, live, episode, clock):
    """A site that answers right and 404 in turn is never declared shipped, however often it is checked."""
    live.behave(_audio(episode), Flapping(first_right=True))
    kinds = set()
    for _ in range(4):
        clock.advance(minutes=1)
        verdict = check_and_ship(fsvc, episode.id)
        assert not verdict.shipped
        kinds.add(verdict.problem.kind if verdict.problem else "matched once")
    assert fsvc.store.get(episode.id).state == State.PUBLISHED
    assert "matched once" in kinds and kinds - {"matched once"} and kinds <= {"matched once", "not_deployed", "stale_cache"}


def test_the_plain_url_is_what_is_checked_first(fsvc, live, episode):
    """A healthy site costs one plain request per file plus one for the feed: what listeners fetch, no cache-busting."""
    check = check_episode(fsvc, episode)
    assert check.shipped and check.requests == 7  # six files (MP3, transcript, notes, chapters, page, artwork) + feed
    for name in ("episode.mp3", "transcript.vtt", "notes.md", "chapters.json", "index.html"):
        assert live.requests_for(f"/episodes/{episode.slug}/{name}") == [f"/episodes/{episode.slug}/{name}"]
    assert live.requests_for("/feed.xml") == ["/feed.xml"]


ACCEPTABLE = {
    "audio/mp3": ("*.mp3", "audio/mp3"),
    "markdown as text/plain": ("*.md", "text/plain; charset=utf-8"),
    "feed as application/xml": ("/feed.xml", "application/xml"),
    "feed as text/xml": ("/feed.xml", "text/xml; charset=utf-8"),
}


@pytest.mark.parametrize("name", sorted(ACCEPTABLE))
def test_sensible_content_types_are_accepted(fsvc, live, episode, name):
    """Common equivalent types (audio/mp3, text/plain for markdown, XML types for the feed) still ship."""
    pattern, content_type = ACCEPTABLE[name]
    live.behave(pattern, WrongType(content_type))
    assert check_episode(fsvc, episode).shipped


def test_a_tarpit_does_not_hold_up_a_check_of_many_episodes(data_dir, db_url, store, clock, site, live):
    """A site trickling a byte every 1.5 s is diagnosed as too slow for every episode within a bounded time."""
    svc = _services(data_dir, db_url, store, clock, site, live, check_concurrency=2)
    episodes = [publish_now(svc, ready_episode(svc, title=f"Paper {n}", audio=AUDIO + bytes([n]))) for n in range(5)]
    site.tick()
    live.behave("*", Tarpit(1.5, phase="headers"))
    started = time.monotonic()
    with ShipChecker(svc) as checker:
        checks = checker.check_all([store.get(e.id) for e in episodes])
    assert time.monotonic() - started < 5 * DEADLINE
    assert [c.problem.kind for c in checks] == ["site_slow"] * 5 and not any(c.shipped for c in checks)


def test_a_round_of_checks_keeps_to_its_time_budget(data_dir, db_url, store, clock, site, live):
    """A site slow on every file (yet within each deadline) cannot stretch one round beyond its budget."""
    svc = _services(data_dir, db_url, store, clock, site, live, check_concurrency=1, check_budget_seconds=1)
    episodes = [publish_now(svc, ready_episode(svc, title=f"Paper {n}", audio=AUDIO + bytes([n]))) for n in range(3)]
    site.tick()
    live.behave("*", Delayed(0.3))
    started = time.monotonic()
    with ShipChecker(svc) as checker:
        checks = checker.check_all([store.get(e.id) for e in episodes])
    assert time.monotonic() - started < 3 * DEADLINE and not any(c.shipped for c in checks)
    last = checks[-1].problem
    assert last.kind == "site_slow" and "was not checked" in last.message and "1 s" in last.message


def test_git_host_down_is_its_own_diagnosis_and_the_site_is_still_checked(data_dir, db_url, store, clock, site, live,
                                                                          episode):
    """With the git host unreachable, the live site is still checked; the episode is not shipped on that check."""
    with MisbehavingSite(data_dir / "nothing") as gone:
        port = gone.port
    down = make_services(data_dir, db_url, store, clock, repo=f"http://127.0.0.1:{port}/website.git",
                         base_url=live.base_url, followup={"http_deadline_seconds": DEADLINE})
    check = check_and_ship(down, episode.id)
    kinds = [f.kind for f in check.findings]
    assert check.problem.kind == "repo_unreachable" and not check.shipped
    assert "not_pushed" not in kinds and kinds.count("served") == 6 and "in_feed" in kinds
    assert "the live site was still checked" in check.diagnosis and "127.0.0.1" in check.diagnosis
    assert store.get(episode.id).state == State.PUBLISHED

    live.behave(_audio(episode), CachedAtPlainURL(status=404))
    check = check_and_ship(down, episode.id)
    assert check.problem.kind == "stale_cache" and "repo_unreachable" in [f.kind for f in check.findings]
