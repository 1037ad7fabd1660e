"""The website bucket as an outside service that is absent, slow or wrong: each publish fails in bounded time with a
message that says what to do and leaves nothing claimed, the retry converges, and a secret never shows.

The bucket is moto on loopback (tests/standins/s3.py), reached by papercast through a proxy that injects faults
(tests/faults/bucket_standins.py); the CDN reads moto directly, so it keeps serving while papercast's way to the
bucket is broken. Publishes go through the real runner step, as in production.
"""

from __future__ import annotations

import json
import logging
import secrets
import time

import pytest
from lxml import etree

from tests.faults.bucket_standins import FaultyBucket, StalledBucket, closed_port
from tests.ship.bucket_cdn import PREFIX
from tests.ship.helpers import make_services, publish_now, ready_episode
from workflows.runner import StepRunner
from workflows.settings import Bucket
from workflows.ship.confirm import check_and_ship, inconclusive
from workflows.ship.publish import publish_episode, publish_step
from workflows.ship.verify import ShipChecker
from workflows.ship.websites import build_website
from workflows.states import TRANSITIONS, State

TIMEOUT = 0.3  # seconds: [publish.bucket] timeout_seconds in these tests


@pytest.fixture
def proxy(moto):
    p = FaultyBucket(moto.endpoint_url)
    yield p
    p.close()


@pytest.fixture
def services(data_dir, db_url, store, clock, bucket, cdn):
    """Services whose website bucket is at the endpoint given (one attempt per request, TIMEOUT seconds)."""
    def at(endpoint: str, **bucket_settings):
        svc = make_services(data_dir, db_url, store, clock, website="s3", base_url=cdn.base_url, bucket={
            "name": bucket, "prefix": PREFIX, "endpoint_url": endpoint, "region": "us-east-1",
            "timeout_seconds": TIMEOUT, "attempts": 1, **bucket_settings})
        svc.website = build_website(svc.settings)
        return svc
    return at


def _run(svc, episode_id: str):
    """The runner advances the episode as in production: publish, or fail the step with its error."""
    runner = StepRunner(svc.store, {"publish": publish_step}, svc.people, svc, workers=1, clock=svc.clock)
    try:
        return runner.advance(episode_id)
    finally:
        runner.shutdown(wait=True)


def _retry(svc, episode_id: str):
    svc.store.transition(episode_id, "retry", actor="UOWNER")
    return _run(svc, episode_id)


def _listed(moto, bucket: str, episode_id: str) -> tuple[list[str], list[str]]:
    """The episode ids in the bucket's index and its feed's guids (empty where there is none)."""
    s3 = moto.client()
    names = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    index = feed = []
    if f"{PREFIX}/episodes/index.json" in names:
        raw = s3.get_object(Bucket=bucket, Key=f"{PREFIX}/episodes/index.json")["Body"].read()
        index = [e["id"] for e in json.loads(raw)["episodes"]]
    if f"{PREFIX}/feed.xml" in names:
        raw = s3.get_object(Bucket=bucket, Key=f"{PREFIX}/feed.xml")["Body"].read()
        feed = [i.findtext("guid") for i in etree.fromstring(raw).iter("item")]
    return index, feed


def _failed_retryably(ep, *words: str) -> None:
    assert ep.state == State.FAILED and ep.failed_step == "publish" and ep.facts.error_kind == "publish"
    assert ep.facts.retryable is True and State.FAILED in TRANSITIONS["retry"].sources
    assert ep.facts.publication is None and ep.facts.published_at is None
    assert all(w in ep.error for w in words), ep.error
    assert "Traceback" not in ep.error


def test_a_bucket_that_refuses_connections_fails_with_retry_and_the_retry_lists_the_episode_once(
        services, moto, bucket):
    """Nothing listens at the endpoint: publish fails retryable saying the bucket did not answer; back, Retry lists it once."""
    port = closed_port()
    svc = services(f"http://127.0.0.1:{port}")
    ep = ready_episode(svc)
    started = time.monotonic()
    failed = _run(svc, ep.id)
    assert time.monotonic() - started < 5
    _failed_retryably(failed, "did not answer", "reading site/episodes/index.json", "press Retry")
    assert _listed(moto, bucket, ep.id) == ([], [])
    back = FaultyBucket(moto.endpoint_url, port=port)  # the endpoint is up again, at the same address
    try:
        done = _retry(svc, ep.id)
        assert done.state == State.PUBLISHED and done.facts.publication.startswith("pub-")
        assert _listed(moto, bucket, ep.id) == ([ep.id], [ep.id])
        seen = len(back.puts())
        assert publish_episode(svc, svc.store.get(ep.id)).reused and len(back.puts()) == seen  # nothing left to write
    finally:
        back.close()


def test_a_bucket_that_accepts_but_never_answers_fails_within_the_configured_timeout(services):
    """A stalled endpoint holds the publish attempts x timeout_seconds (plus backoff), then fails retryable naming both."""
    stalled = StalledBucket()
    try:
        svc = services(stalled.endpoint_url, attempts=2)
        ep = ready_episode(svc)
        started = time.monotonic()
        failed = _run(svc, ep.id)
        took = time.monotonic() - started
        _failed_retryably(failed, "did not answer within 0.3 seconds (2 attempts)", "timeout_seconds", "press Retry")
        assert 2 * TIMEOUT <= took < 2 * TIMEOUT + 1 + 1.5  # two attempts, at most 1 s of botocore's backoff, slack
        assert stalled.connections == 2
    finally:
        stalled.close()


def test_the_default_bucket_timeouts_bound_a_stalled_publish_to_under_a_minute(services):
    """By default a request waits 20 s and is tried twice: a stalled bucket fails a publish in about 41 s, not minutes."""
    assert (Bucket().timeout_seconds, Bucket().attempts) == (20, 2)
    svc = services("http://127.0.0.1:9", timeout_seconds=20, attempts=2)
    config = svc.website.client().meta.config
    assert (config.connect_timeout, config.read_timeout, config.retries["total_max_attempts"]) == (20, 20, 2)


@pytest.mark.parametrize("suffix, named", [
    ("/episodes/index.json", "writing site/episodes/index.json"),
    ("/feed.xml", "writing site/feed.xml"),
    (f"/{PREFIX}/index.html", "writing site/index.html"),
    ("/episode.mp3", "episode.mp3"),
], ids=["index", "feed", "show-page", "audio"])
def test_a_bucket_answering_503_to_one_put_fails_retryable_and_the_retry_converges(
        services, proxy, moto, bucket, suffix, named):
    """503 to one PUT: failed with Retry naming what was written, not published; lifted, Retry lists the episode once
    and uploads no artifact that was already there."""
    svc = services(proxy.endpoint_url)
    ep = ready_episode(svc)
    proxy.fail("PUT", suffix, 503, "ServiceUnavailable")
    failed = _run(svc, ep.id)
    _failed_retryably(failed, named, "503 ServiceUnavailable", "usually brief", "press Retry")
    index, feed = _listed(moto, bucket, ep.id)
    if suffix != f"/{PREFIX}/index.html":  # the feed is written before the show page
        assert ep.id not in feed
    first_puts = proxy.puts()
    proxy.lift()
    done = _retry(svc, ep.id)
    assert done.state == State.PUBLISHED
    assert _listed(moto, bucket, ep.id) == ([ep.id], [ep.id])
    again = proxy.puts()[len(first_puts):]
    artifacts = [p for p in again if "/episodes/" in p and not p.endswith("index.json")]
    assert not set(artifacts) & set(first_puts)  # no artifact uploaded twice
    assert bool(artifacts) == (suffix == "/episode.mp3")  # only what the failed publish did not get to
    page = moto.client().get_object(Bucket=bucket, Key=f"{PREFIX}/index.html")["Body"].read()
    assert ep.slug.encode() in page  # the show page a failed publish missed is written by the retry


def test_credentials_the_bucket_refuses_say_check_them_and_never_show_the_secret(
        services, proxy, moto, bucket, monkeypatch, caplog):
    """403 InvalidAccessKeyId: failed, not retryable, "check the credentials"; the secret is in no message, log or fact."""
    secret = "sekr1t-" + secrets.token_hex(12)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    caplog.set_level(logging.DEBUG)
    for method in ("GET", "HEAD", "PUT"):
        proxy.fail(method, "", 403, "InvalidAccessKeyId")
    svc = services(proxy.endpoint_url)
    ep = ready_episode(svc)
    failed = _run(svc, ep.id)
    assert failed.state == State.FAILED and failed.facts.retryable is False
    assert "refused the credentials" in failed.error and "InvalidAccessKeyId" in failed.error
    assert "Check the credentials" in failed.error and "AWS_SECRET_ACCESS_KEY" in failed.error
    assert proxy.refused and not proxy.puts()
    told = [str(args) for _, args in svc.people.calls]
    assert any(secret not in t and "credentials" in t for t in told)  # the owner was told, without the secret
    audit = [a.reason or "" for a in svc.store.audit(ep.id)]
    for text in (failed.error, caplog.text, failed.facts.model_dump_json(), *told, *audit):
        assert secret not in text


def test_an_unreadable_bucket_with_the_right_bytes_live_is_inconclusive_and_ships_only_once_it_is_read(
        services, proxy, clock):
    """Bucket unreadable, CDN right: repo_unreachable, neither shipped nor the first match cleared; readable, it ships."""
    svc = services(proxy.endpoint_url)
    ep = publish_now(svc, ready_episode(svc))
    first = check_and_ship(svc, ep.id)
    assert first.confirming
    clock.now = first.confirm_at
    proxy.fail("HEAD", "", 503, "ServiceUnavailable")
    blind = check_and_ship(svc, ep.id)
    assert not blind.shipped and inconclusive(blind.check)
    assert [f.kind for f in blind.check.findings if not f.ok] == ["repo_unreachable"]
    assert "503" in blind.diagnosis and "live site was still checked" in blind.diagnosis
    after = svc.store.get(ep.id)
    assert after.state == State.PUBLISHED and after.facts.first_match is not None
    proxy.lift()
    assert check_and_ship(svc, ep.id).shipped and svc.store.get(ep.id).state == State.SHIPPED


def test_an_unreadable_bucket_and_wrong_bytes_live_is_never_shipped(services, proxy, cdn, clock):
    """Bucket unreadable and the CDN serving old bytes: the live problem is named, the first match cleared, not shipped."""
    svc = services(proxy.endpoint_url)
    ep = publish_now(svc, ready_episode(svc))
    first = check_and_ship(svc, ep.id)
    clock.now = first.confirm_at
    proxy.fail("HEAD", "", 503, "ServiceUnavailable")
    cdn.stale[f"/episodes/{ep.slug}/episode.mp3"] = b"ID3 the old episode"
    check = check_and_ship(svc, ep.id)
    assert not check.shipped and not inconclusive(check.check) and check.problem.kind == "stale_cache"
    assert "repo_unreachable" in [f.kind for f in check.check.findings]
    after = svc.store.get(ep.id)
    assert after.state == State.PUBLISHED and after.facts.first_match is None


def test_a_stalled_bucket_holds_a_verification_session_once_not_once_per_episode(services, proxy):
    """Three episodes checked in one session while the bucket stalls: one bounded wait, then each is inconclusive."""
    svc = services(proxy.endpoint_url)
    eps = [publish_now(svc, ready_episode(svc, title=f"Paper {i}")) for i in range(3)]
    stalled = StalledBucket()
    try:
        blind = services(stalled.endpoint_url)
        started = time.monotonic()
        with ShipChecker(blind) as checker:
            checks = [checker.check(blind.store.get(ep.id)) for ep in eps]
        assert time.monotonic() - started < TIMEOUT + 2 and stalled.connections == 1
        assert all(inconclusive(c) and "did not answer within 0.3 seconds" in c.diagnosis for c in checks)
    finally:
        stalled.close()


def test_a_bucket_that_is_gone_is_named_not_read_as_deleted_objects(services, moto, bucket):
    """The bucket deleted (S3 answers each object with a bare 404): the check says the bucket does not exist and to fix
    the name or create it, asks about the bucket once per session, and never offers Publish again."""
    from workflows.ship.actions import ways_out

    svc = services(moto.endpoint_url)
    eps = [publish_now(svc, ready_episode(svc, title=f"Paper {i}")) for i in range(2)]
    s3 = moto.client()
    for o in s3.list_objects_v2(Bucket=bucket)["Contents"]:
        s3.delete_object(Bucket=bucket, Key=o["Key"])
    s3.delete_bucket(Bucket=bucket)
    asked = moto.count("HEAD", f"/{bucket}")
    with ShipChecker(svc) as checker:
        checks = [checker.check(svc.store.get(ep.id)) for ep in eps]
    assert moto.count("HEAD", f"/{bucket}") - asked == 1
    for check in checks:
        assert check.problem.kind == "repo_unreachable" and not check.shipped
        assert f"bucket {bucket!r} does not exist" in check.diagnosis and "[publish.bucket] name" in check.diagnosis
        assert "create the bucket" in check.diagnosis and "Publish again" not in check.diagnosis
    verdict = check_and_ship(svc, eps[0].id)
    assert verdict.check.problem.kind == "repo_unreachable" and "publish_again" not in ways_out(svc.store.get(eps[0].id))


@pytest.fixture
def botocore_without_conditional_writes(tmp_path, monkeypatch):
    """The S3 model as botocore had it before 1.35.69 (put_object without IfMatch / IfNoneMatch), loaded by the real
    botocore from AWS_DATA_PATH, which it reads before its own data."""
    import gzip
    from pathlib import Path

    import botocore

    model_dir = "s3/2006-03-01"
    shipped = Path(botocore.__file__).parent / "data" / model_dir / "service-2.json.gz"
    model = json.loads(gzip.decompress(shipped.read_bytes()))
    for name in ("IfMatch", "IfNoneMatch"):
        del model["shapes"]["PutObjectRequest"]["members"][name]
    old = tmp_path / "botocore-data"
    (old / model_dir).mkdir(parents=True)
    (old / model_dir / "service-2.json").write_text(json.dumps(model))
    monkeypatch.setenv("AWS_DATA_PATH", str(old))


def test_a_botocore_too_old_for_conditional_writes_fails_saying_upgrade_not_retry(
        services, moto, bucket, botocore_without_conditional_writes):
    """botocore refuses IfNoneMatch before sending it: failed, not retryable, "upgrade boto3", not "did not answer"."""
    svc = services(moto.endpoint_url)
    ep = ready_episode(svc)
    failed = _run(svc, ep.id)
    assert failed.state == State.FAILED and failed.facts.retryable is False and failed.facts.publication is None
    assert "too old for conditional writes" in failed.error and "writing site/episodes/index.json" in failed.error
    assert "Upgrade boto3 to 1.35.69 or later" in failed.error and "did not answer" not in failed.error
    assert _listed(moto, bucket, ep.id) == ([], [])
