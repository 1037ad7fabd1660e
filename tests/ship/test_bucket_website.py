"""The s3 website against a real S3-compatible server on loopback (moto), behind a loopback CDN: published once,
verified live like the git website, never over someone else's object, and every way of not being live named."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from tests.ship.bucket_cdn import PREFIX
from tests.ship.helpers import make_services, make_settings, publish_now, ready_episode
from workflows.errors import PublishError
from workflows.registry import UnknownBackend
from workflows.ship.confirm import check_and_ship
from workflows.ship.doctor import website_checks
from workflows.ship.publish import publish_episode
from workflows.ship.verify import check_episode
from workflows.ship.websites import build_website, websites
from workflows.ship.websites.bucket import BucketWebsite
from workflows.states import State

def _bucket_settings(moto, bucket, cdn) -> dict:
    return dict(website="s3", base_url=cdn.base_url,
                bucket={"name": bucket, "prefix": PREFIX, "endpoint_url": moto.endpoint_url, "region": "us-east-1"})


@pytest.fixture
def bsvc(data_dir, db_url, store, clock, moto, bucket, cdn):
    svc = make_services(data_dir, db_url, store, clock, **_bucket_settings(moto, bucket, cdn))
    svc.website = build_website(svc.settings)
    return svc


def _key(ep, name: str) -> str:
    return f"{PREFIX}/episodes/{ep.slug}/{name}"


def _audio(ep) -> str:
    return f"/episodes/{ep.slug}/episode.mp3"


def _puts(moto, bucket: str) -> int:
    return sum(r.method == "PUT" and r.path.startswith(f"/{bucket}/") for r in list(moto.requests))


def test_publish_uploads_with_types_and_cache_headers_and_ships_once_live(bsvc, moto, bucket, clock):
    """Objects at the publish paths with their Content-Type, Cache-Control and sha256; live twice → shipped."""
    ep = publish_now(bsvc, ready_episode(bsvc))
    assert ep.state == State.PUBLISHED and ep.facts.publication.startswith("pub-") and ep.facts.commit is None
    s3 = moto.client()
    audio = s3.head_object(Bucket=bucket, Key=_key(ep, "episode.mp3"))
    assert audio["ContentType"] == "audio/mpeg" and audio["Metadata"]["sha256"] == bsvc.store.artifacts(ep.id)["audio"].sha256
    assert s3.head_object(Bucket=bucket, Key=f"{PREFIX}/feed.xml")["CacheControl"] == "public, max-age=60"
    artwork = bsvc.store.artifacts(ep.id)["artwork"]
    art = s3.head_object(Bucket=bucket, Key=f"{PREFIX}/artwork-{artwork.sha256[:16]}.png")
    assert "immutable" in art["CacheControl"] and art["ContentType"] == "image/png"
    assert s3.head_object(Bucket=bucket, Key=_key(ep, "transcript.vtt"))["ContentType"] == "text/vtt; charset=utf-8"
    check = check_episode(bsvc, bsvc.store.get(ep.id))
    assert check.shipped and [f.kind for f in check.findings] == ["uploaded"] + ["served"] * 6 + ["in_feed"]
    first = check_and_ship(bsvc, ep.id)
    assert first.confirming
    clock.now = first.confirm_at
    assert check_and_ship(bsvc, ep.id).shipped and bsvc.store.get(ep.id).state == State.SHIPPED


def test_a_cdn_serving_old_bytes_is_stale_cache_not_shipped(bsvc, cdn):
    """The CDN's cached old MP3 at the plain URL, while the bucket has the approved one: stale cache, with the URL."""
    ep = publish_now(bsvc, ready_episode(bsvc))
    cdn.stale[_audio(ep)] = b"ID3 the old episode"
    check = check_and_ship(bsvc, ep.id)
    assert not check.shipped and check.problem.kind == "stale_cache" and _audio(ep) in check.diagnosis
    assert bsvc.store.get(ep.id).facts.last_check.kind == "stale_cache"


def test_an_object_the_cdn_does_not_have_yet_is_not_deployed(bsvc, cdn):
    """In the bucket but not served (the edge answers 404): not deployed, like a git site whose deploy lags."""
    ep = publish_now(bsvc, ready_episode(bsvc))
    cdn.hidden.add(_audio(ep))
    check = check_and_ship(bsvc, ep.id)
    assert [f.kind for f in check.findings][0] == "uploaded" and check.problem.kind == "not_deployed"
    assert "404" in check.diagnosis and not check.shipped


def test_an_object_deleted_from_the_bucket_is_named_and_publish_again_is_offered(bsvc, moto, bucket):
    """A deleted object: the bucket finding names the key (Publish again), and the live site says 404."""
    from workflows.ship.actions import ways_out

    ep = publish_now(bsvc, ready_episode(bsvc))
    moto.client().delete_object(Bucket=bucket, Key=_key(ep, "episode.mp3"))
    check = check_and_ship(bsvc, ep.id)
    assert check.problem.kind == "commit_gone" and _key(ep, "episode.mp3") in check.diagnosis
    assert "Publish again" in check.diagnosis and not check.shipped
    assert any(f.kind == "not_deployed" for f in check.findings)
    assert "publish_again" in ways_out(bsvc.store.get(ep.id))


def test_an_object_served_with_the_wrong_content_type_is_wrong_type(bsvc, moto, bucket):
    """The right bytes with application/octet-stream (the object's type was changed): wrong_type, not shipped."""
    ep = publish_now(bsvc, ready_episode(bsvc))
    s3, key = moto.client(), _key(ep, "episode.mp3")
    head = s3.head_object(Bucket=bucket, Key=key)
    s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key}, MetadataDirective="REPLACE",
                   ContentType="application/octet-stream", Metadata=head["Metadata"])
    check = check_and_ship(bsvc, ep.id)
    assert check.problem.kind == "wrong_type" and "audio/mpeg" in check.diagnosis and not check.shipped


@pytest.mark.parametrize("stage", ["copied", "committed"])
def test_a_publish_repeated_after_a_crash_uploads_nothing_twice_and_lists_the_episode_once(bsvc, moto, bucket, stage):
    """Crashed after the artifacts (or the index) went up, the re-run re-uploads no artifact and the feed has one item."""
    ep = ready_episode(bsvc)

    def crash(at: str) -> None:
        if at == stage:
            raise SystemExit(f"crashed at {at}")

    with pytest.raises(SystemExit):
        publish_episode(bsvc, ep, checkpoint=crash)
    seen = len(moto.requests)
    done = publish_episode(bsvc, bsvc.store.get(ep.id))
    puts = [r.path for r in list(moto.requests)[seen:] if r.method == "PUT"]
    assert not [p for p in puts if "/episodes/" in p and not p.endswith("index.json")] and len(puts) <= 3  # the listing
    feed = etree.fromstring(moto.client().get_object(Bucket=bucket, Key=f"{PREFIX}/feed.xml")["Body"].read())
    assert [i.findtext("guid") for i in feed.iter("item")] == [ep.id]
    seen = len(moto.requests)
    again = publish_episode(bsvc, bsvc.store.get(ep.id))
    assert again.reused and again.id == done.id and not [r for r in list(moto.requests)[seen:] if r.method == "PUT"]


def test_a_second_publish_of_the_same_files_writes_nothing(bsvc, moto, bucket):
    """Published once, publishing the same episode again finds the publication and sends no PUT."""
    ep = ready_episode(bsvc)
    first = publish_episode(bsvc, ep)
    before = _puts(moto, bucket)
    again = publish_episode(bsvc, bsvc.store.get(ep.id))
    assert again.reused and again.id == first.id and _puts(moto, bucket) == before


def test_the_feed_keeps_items_others_added_to_the_bucket(bsvc, moto, bucket):
    """A feed already in the bucket with someone's item keeps it; the episode's item is added beside it."""
    feed = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Ours</title>"
            b"<item><guid>their-trailer</guid><title>Trailer</title></item></channel></rss>")
    moto.client().put_object(Bucket=bucket, Key=f"{PREFIX}/feed.xml", Body=feed, ContentType="application/rss+xml")
    ep = publish_now(bsvc, ready_episode(bsvc))
    got = etree.fromstring(moto.client().get_object(Bucket=bucket, Key=f"{PREFIX}/feed.xml")["Body"].read())
    assert sorted(i.findtext("guid") for i in got.iter("item")) == sorted([ep.id, "their-trailer"])


@pytest.mark.parametrize("metadata", [{}, {"papercast-episode": "ep_0000000other"}], ids=["untagged", "other-episode"])
def test_another_object_at_an_artifact_key_stops_the_publish_naming_the_key(bsvc, moto, bucket, metadata):
    """An object papercast did not write for this episode (no tag, or another episode's) at the MP3's key stops the
    publish, names it, and is left as it was."""
    ep = ready_episode(bsvc)
    key = _key(ep, "episode.mp3")
    moto.client().put_object(Bucket=bucket, Key=key, Body=b"someone's own mp3", Metadata=metadata)
    with pytest.raises(PublishError) as e:
        publish_episode(bsvc, ep)
    assert key in e.value.message and "publish.audio_path" in e.value.hint
    assert moto.client().get_object(Bucket=bucket, Key=key)["Body"].read() == b"someone's own mp3"


def test_a_retry_after_the_files_changed_replaces_the_episodes_own_objects(
        bsvc, data_dir, db_url, store, clock, moto, bucket, cdn):
    """The artifacts went up, the publish crashed before the index, then base_url was fixed (so the page and chapters
    changed): the retry replaces the objects this episode uploaded (their metadata names it) and the episode ships."""
    wrong = make_services(data_dir, db_url, store, clock,
                          **{**_bucket_settings(moto, bucket, cdn), "base_url": "https://old.example.org"})
    wrong.website = build_website(wrong.settings)
    ep = ready_episode(bsvc)

    def crash(at: str) -> None:
        if at == "copied":
            raise SystemExit("crashed before the index")

    with pytest.raises(SystemExit):
        publish_episode(wrong, ep, checkpoint=crash)
    s3, page = moto.client(), _key(ep, "index.html")
    assert b"old.example.org" in s3.get_object(Bucket=bucket, Key=page)["Body"].read()
    done = publish_now(bsvc, bsvc.store.get(ep.id))
    assert done.state == State.PUBLISHED
    served = s3.get_object(Bucket=bucket, Key=page)["Body"].read()
    assert b"old.example.org" not in served and cdn.base_url.encode() in served
    assert check_episode(bsvc, bsvc.store.get(ep.id)).shipped


def test_doctor_checks_the_bucket_and_the_site(data_dir, db_url, moto, bucket, cdn, monkeypatch):
    """Reachable and writable passes; a missing bucket and missing credentials each fail saying what to do."""
    settings = make_settings(data_dir, db_url, **_bucket_settings(moto, bucket, cdn))
    assert [(c.name, c.ok) for c in website_checks(settings)] == [("website bucket", True), ("website live site", True)]
    gone = make_settings(data_dir, db_url, **{**_bucket_settings(moto, bucket, cdn),
                                             "bucket": {"name": "no-such-bucket-here", "endpoint_url": moto.endpoint_url,
                                                        "region": "us-east-1"}})
    missing = website_checks(gone)[0]
    assert not missing.ok and "does not exist" in missing.detail and "Create it" in missing.fix
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(data_dir / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(data_dir / "none"))
    nocreds = website_checks(settings)[0]
    assert not nocreds.ok and "no credentials" in nocreds.detail and "AWS_ACCESS_KEY_ID" in nocreds.fix


def test_an_unregistered_website_id_is_a_clear_error_naming_the_known_ones(data_dir, db_url, moto, bucket, cdn):
    """With s3 unregistered, a show file asking for it gets an error that lists the website ids there are."""
    settings = make_settings(data_dir, db_url, **_bucket_settings(moto, bucket, cdn))
    websites.unregister("s3")
    try:
        with pytest.raises(UnknownBackend) as e:
            build_website(settings)
        assert "'s3'" in e.value.message and "git" in e.value.message and "[publish] website" in e.value.hint
        assert "s3" not in websites.ids()
    finally:
        websites.register("s3", BucketWebsite.from_settings)
    assert isinstance(build_website(settings), BucketWebsite)


def test_two_instances_publishing_at_once_keep_both_episodes_in_the_index_and_feed(bsvc, moto, bucket, monkeypatch):
    """Another instance lists its episode between this publish's read and write: the conditional write loses, this
    publish reads again, and both episodes stay in the index and the feed (no lost update)."""
    import json
    import threading

    from workflows.ship.websites import bucket as bucket_module

    mine, theirs = ready_episode(bsvc, title="Mine"), ready_episode(bsvc, title="Theirs")
    raced = []

    def other_instance_publishes(at: str) -> None:
        if at == "copied" and not raced:
            raced.append(at)  # another process: its own lock, its own view of the bucket
            monkeypatch.setattr(bucket_module, "_lock", lambda where: threading.Lock())
            publish_episode(bsvc, theirs)

    done = publish_episode(bsvc, mine, checkpoint=other_instance_publishes)
    assert raced and done.attempts == 2
    s3 = moto.client()
    index = json.loads(s3.get_object(Bucket=bucket, Key=f"{PREFIX}/episodes/index.json")["Body"].read())
    assert sorted(e["id"] for e in index["episodes"]) == sorted([mine.id, theirs.id])
    feed = etree.fromstring(s3.get_object(Bucket=bucket, Key=f"{PREFIX}/feed.xml")["Body"].read())
    assert sorted(i.findtext("guid") for i in feed.iter("item")) == sorted([mine.id, theirs.id])


def _gitty(text: str) -> list[str]:
    """Words that are true of a git website only."""
    return re.findall(r"\b(?:git|commits?|committed|push(?:ed)?|branch|repository)\b", text, flags=re.I)


def test_publish_by_hand_names_the_bucket_keys_not_repository_paths(bsvc, bucket):
    """Publish by hand for a bucket says where each file goes as s3://bucket/key, with no branch or repository path."""
    from workflows.ship.actions import manual_instructions

    ep = publish_now(bsvc, ready_episode(bsvc))
    text = str(manual_instructions(bsvc, ep))
    for name in ("episode.mp3", "transcript.vtt", "notes.md", "chapters.json", "index.html"):
        assert f"`s3://{bucket}/{_key(ep, name)}` → {bsvc.show.publish.base_url}/episodes/{ep.slug}/{name}" in text
    assert f"the feed `s3://{bucket}/{PREFIX}/feed.xml`" in text and f"the bucket `s3://{bucket}`" in text
    assert "`static/" not in text and not _gitty(text), _gitty(text)


def test_a_bucket_website_is_told_in_words_that_are_true_for_a_bucket(bsvc, moto, bucket, cdn):
    """Not deployed, a deleted object, the Publish again button and its notice speak of publishing, not git."""
    from bot.blocks.status_card import way_out_buttons
    from workflows.actor import Actor
    from workflows.ship.actions import publish_again

    ep = publish_now(bsvc, ready_episode(bsvc))
    cdn.hidden.add(_audio(ep))
    lagging = check_and_ship(bsvc, ep.id)
    assert lagging.check.problem.kind == "not_deployed" and not _gitty(lagging.diagnosis), lagging.diagnosis
    cdn.hidden.clear()
    moto.client().delete_object(Bucket=bucket, Key=_key(ep, "episode.mp3"))
    gone = check_and_ship(bsvc, ep.id)
    assert gone.check.problem.kind == "commit_gone" and not _gitty(gone.diagnosis), gone.diagnosis
    button = str(way_out_buttons(bsvc.store.get(ep.id)))
    assert "Publish again" in button and not _gitty(button), button
    publish_again(bsvc, ep.id, Actor("UOWNER"))
    said = str(bsvc.people.named("say")[-1][1])
    assert "publish the episode again" in said and not _gitty(said), said
