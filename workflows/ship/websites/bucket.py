"""The ``s3`` website: an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO) whose public URL, typically a CDN,
serves the episodes.

Object keys come from the same path templates as the git website: ``publish.*_path``
below ``publish.served_root``, under ``[publish.bucket] prefix`` (``static/feed.xml`` →
``<prefix>/feed.xml``, served at ``{base_url}/feed.xml``). Each upload sets Content-Type and
Cache-Control (short for the feed, index and pages, which change; immutable for a path with
the content's digest in it, the artwork) and carries the bytes' sha256 in its metadata.

A publish writes the artifacts first: an object already holding the same bytes and headers
is not uploaded again; one this episode uploaded before (its metadata names the episode) is
replaced, as after a re-render; any other object at the key stops the publish, naming it.
Then the index, then the feed and the show page, rebuilt from what the bucket holds (items
others added stay; the episode's own item is replaced, never doubled). Each of those three is
written only where it differs from the bucket's (a publish that failed halfway is completed by
Retry, not repeated), and only if it is still what was read (a conditional PUT: If-Match on
the ETag read, If-None-Match for one that was not there), so two instances publishing at once
never drop each other's episode: the loser reads again and rebuilds. The publication is named
by a digest of the episode and its files' sha256s (``publication`` in the episode's facts and
the index entry), so a re-run after a crash writes nothing that is already there. Each request
waits ``[publish.bucket] timeout_seconds`` and is tried ``attempts`` times, so a stalled bucket
fails a publish (with Retry) in bounded time. Conditional writes need botocore 1.35.69 or later.
Credentials are boto3's (the environment); papercast never reads, logs or prints them.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from workflows.doctor import Check
from workflows.errors import ConfigError, PublishError
from workflows.people import Code, Notice
from workflows.settings import Settings
from workflows.ship.feed import load_index, parse_feed
from workflows.ship.targets import PATH_SETTING, PublishTarget, feed_file, index_file, served_path, show_page_file
from workflows.ship.websites import site_check, websites
from workflows.ship.websites.bucket_record import BucketRecord, bucket_call
from workflows.ship.websites.contents import Published, check_show_page, earlier_entry, parsed, prepare, rebuilt
from workflows.store.records import Episode

if TYPE_CHECKING:
    from workflows.services import Services

log = logging.getLogger(__name__)
_WHERE = "the website bucket"
#: Files that change with every publish: caches and CDNs keep them a minute.
SHORT_CACHE = "public, max-age=60"
#: Artifacts at a path of their own (the episode's slug): a re-render may replace them, so not for long.
ARTIFACT_CACHE = "public, max-age=3600"
#: A path with the content's digest in it (the artwork) never holds other bytes.
IMMUTABLE = "public, max-age=31536000, immutable"
_TYPES = {"text/html": "text/html; charset=utf-8", "text/vtt": "text/vtt; charset=utf-8",
          "text/markdown": "text/markdown; charset=utf-8"}
#: The metadata naming the episode that uploaded an artifact: papercast replaces only its own objects.
EPISODE_TAG = "papercast-episode"
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def content_type(media_type: str) -> str:
    """What the object is served as: the artifact's type, with the charset for text."""
    return _TYPES.get(media_type.split(";")[0].strip(), media_type)


def publication_id(episode_id: str, shas: dict[str, str]) -> str:
    """The same episode with the same files is the same publication (a re-run finds it)."""
    text = episode_id + "".join(f"\n{kind} {sha}" for kind, sha in sorted(shas.items()))
    return "pub-" + hashlib.sha256(text.encode()).hexdigest()[:20]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BucketWebsite:
    """An S3-compatible bucket served at ``publish.base_url``."""

    id: ClassVar[str] = "s3"

    def __init__(self, settings: Settings, *, bucket: str, prefix: str = "", endpoint_url: str = "",
                 region: str = "") -> None:
        publish = settings.show.publish
        if not bucket or not publish.base_url:
            raise ConfigError("publish.website is \"s3\" but publish.bucket.name or publish.base_url is empty.",
                              "Set [publish.bucket] name and publish.base_url (the bucket's public URL) in the "
                              "show file, or website = \"git\".")
        self.settings, self.bucket, self.prefix = settings, bucket, prefix.strip("/")
        self.endpoint_url, self.region = endpoint_url or None, region or None
        self.target = PublishTarget(f"s3://{bucket}/{self.prefix}", "", publish.base_url.rstrip("/"))
        self._client_: Any = None
        self._client_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, *, local_site=None) -> "BucketWebsite":
        b = settings.show.publish.bucket
        return cls(settings, bucket=b.name, prefix=b.prefix, endpoint_url=b.endpoint_url, region=b.region)

    def describe(self) -> str:
        where = f"s3://{self.bucket}/{self.prefix + '/' if self.prefix else ''}"
        return where + (f" at {self.endpoint_url}" if self.endpoint_url else "")

    def key(self, repo_path: str) -> str:
        """The object key of a publish path (``static/x`` → ``<prefix>/x``)."""
        rel = served_path(self.settings.show.publish, repo_path)
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def by_hand(self, paths: Sequence[str]) -> tuple[Notice, list[str]]:
        """Each file at its object key in the bucket (``s3://bucket/key``)."""
        at = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return (Notice.of("its key in the bucket ", Code(f"s3://{self.bucket}"), at),
                [f"s3://{self.bucket}/{self.key(p)}" for p in paths])

    def record(self, services: Services) -> BucketRecord:
        return BucketRecord(self)

    # --- talking to the bucket -----------------------------------------------------------------------

    def client(self) -> Any:
        with self._client_lock:
            if self._client_ is None:
                import boto3
                from botocore.config import Config

                b = self.settings.show.publish.bucket  # a stalled bucket holds a call ~attempts x timeout_seconds
                config = Config(connect_timeout=b.timeout_seconds, read_timeout=b.timeout_seconds,
                                retries={"total_max_attempts": b.attempts, "mode": "standard"},
                                s3={"addressing_style": "path" if self.endpoint_url else "auto"})
                self._client_ = boto3.session.Session().client("s3", endpoint_url=self.endpoint_url,
                                                               region_name=self.region, config=config)
            return self._client_

    def call(self, operation: str, **params: Any) -> Any:
        """One S3 call; None for a key that is not there; failures as PublishError saying what to do."""
        return bucket_call(self, operation, **params)

    def head(self, key: str) -> dict | None:
        return self.call("head_object", Bucket=self.bucket, Key=key)

    def read(self, key: str) -> bytes | None:
        return self.read_tagged(key)[0]

    def read_tagged(self, key: str) -> tuple[bytes | None, str | None]:
        """The object's bytes and its ETag (what a conditional write names); (None, None) when it is not there."""
        got = self.call("get_object", Bucket=self.bucket, Key=key)
        return (None, None) if got is None else (got["Body"].read(), got.get("ETag"))

    def _put(self, key: str, data: bytes, *, media_type: str, cache: str, sha: str, extra: dict | None = None,
             unchanged_since: tuple[bytes | None, str | None] | None = None) -> None:
        """Upload; with ``unchanged_since`` (what :meth:`read_tagged` gave), only if nobody wrote the key since."""
        condition: dict[str, str] = {}
        if unchanged_since is not None:
            before, etag = unchanged_since
            if before is None:
                condition["IfNoneMatch"] = "*"
            elif etag:
                condition["IfMatch"] = etag
        self.call("put_object", Bucket=self.bucket, Key=key, Body=data, ContentType=content_type(media_type),
                  CacheControl=cache, Metadata={"sha256": sha, **(extra or {})}, **condition)

    def _same(self, head: dict | None, sha: str, media_type: str, cache: str) -> bool:
        """The object already holds these bytes (its recorded sha256) with these headers: nothing to upload."""
        return (head is not None and (head.get("Metadata") or {}).get("sha256") == sha
                and head.get("ContentType") == content_type(media_type) and head.get("CacheControl") == cache)

    # --- publish -------------------------------------------------------------------------------------

    def publish(self, services: Services, episode: Episode, *, checkpoint: Callable[[str], None]) -> Published:
        """Upload what is not there yet, then the index, then the feed and show page; checks what it wrote."""
        from workflows import failpoints

        def reached(stage: str) -> None:
            checkpoint(stage)
            failpoints.reach(f"publish.{stage}")

        publish, target = services.show.publish, self.target
        prep = prepare(services, episode, target)
        pub = publication_id(prep.episode.id, prep.shas)
        index_target, feed_target = index_file(publish, target), feed_file(publish, target)
        with _lock(self.describe()):
            for attempt in range(1, publish.push_attempts + 1):
                read = {"index": self.read_tagged(self.key(index_target.path)),
                        "feed": self.read_tagged(self.key(feed_target.path))}
                _, index = parsed(read["index"][0], index_target, load_index, "papercast's episode index", _WHERE)
                index = index or {"episodes": []}
                feed_raw, _ = parsed(read["feed"][0], feed_target, parse_feed, "an RSS feed", _WHERE)
                uploaded = self._upload_artifacts(services, prep, index)
                reached("copied")
                try:  # each of the index, feed and show page only where it is not already what it should be
                    wrote = self._write_listing(services, prep, index, feed_raw, pub, reached, read)
                except PublishError as e:
                    if getattr(e, "bucket_kind", "") != "moved":
                        raise
                    log.info("Another publish changed %s meanwhile; reading it again.", self.describe())
                    continue
                check = self.read(self.key(index_target.path))
                if check is not None and (earlier_entry(load_index(check), prep.episode.id) or {}).get("publication") == pub:
                    reused = not uploaded and not wrote
                    how = ("found the publication already in" if reused else f"uploaded {len(uploaded)} file(s)"
                           f"{' and the ' + ', '.join(wrote) if wrote else ''} to")
                    reason = f"{how} {self.describe()} as {pub}"
                    return Published(pub, reused, attempt, {"publication": pub, "repo": self.describe()}, reason,
                                     prep.files, prep.built, prep.facts)
                log.warning("The index in %s lost this episode's entry (another publish at the same time); "
                            "writing it again.", self.describe())
        raise PublishError(f"Publishing failed: the index in {self.describe()} kept changing; "
                           f"{publish.push_attempts} writes were replaced by others.",
                           "Press Retry in a minute, or pause other publishes to the bucket.")

    def _upload_artifacts(self, services: Services, prep, index: dict) -> list[str]:
        """Upload each artifact whose object is not already these bytes with these headers; the keys uploaded."""
        earlier = (earlier_entry(index, prep.episode.id) or {}).get("files", {})
        done = []
        for f in prep.files:
            art, key = prep.arts[f.kind], self.key(f.path)
            cache = IMMUTABLE if "{sha}" in getattr(services.show.publish, PATH_SETTING[f.kind]) else ARTIFACT_CACHE
            head = self.head(key)
            if self._same(head, art.sha256, art.media_type, cache):
                continue
            if head is not None:  # ours: this episode uploaded it (an earlier render), or it holds these bytes
                meta = head.get("Metadata") or {}
                theirs, listed = meta.get("sha256"), earlier.get(f.kind) or {}
                ours = (meta.get(EPISODE_TAG) == prep.episode.id or theirs == art.sha256
                        or (listed.get("path") == f.path and listed.get("sha256") == theirs and theirs is not None))
                if not ours and _sha(self.read(key) or b"") != art.sha256:
                    raise PublishError(
                        f"{key} is already in {self.describe()} with other content, and papercast did not write it "
                        "there; publishing would replace it.",
                        f"Move or delete that object in the bucket, or change publish.{PATH_SETTING[f.kind]} in the "
                        "show file so episodes go elsewhere; then press Retry.")
            data = services.artifacts.path(art).read_bytes()
            self._put(key, data, media_type=art.media_type, cache=cache, sha=art.sha256,
                      extra={EPISODE_TAG: prep.episode.id})
            done.append(key)
        return done

    def _write_listing(self, services: Services, prep, index: dict, feed_raw: bytes | None, pub: str, reached,
                       read: dict[str, tuple[bytes | None, str | None]]) -> list[str]:
        """The index (with this publication), then the feed and the show page, rebuilt over the bucket's; each
        written unless it already holds those bytes (a publish that failed halfway is completed, not repeated),
        and only if it is still what was ``read`` (else PublishError with ``bucket_kind`` "moved"). The names
        written."""
        publish = services.show.publish
        page = show_page_file(publish, self.target)
        if page is not None:
            read["show_page"] = self.read_tagged(self.key(page.path))
            check_show_page(read["show_page"][0], page, _WHERE)
        files = rebuilt(services, self.target, prep, index, feed_raw, publication=pub)
        types = {"index": "application/json", "feed": "application/rss+xml; charset=utf-8", "show_page": "text/html"}
        wrote: list[str] = []
        for name, (file, data) in files.items():  # the index first: it names the publication a re-run looks for
            if read.get(name, (None, None))[0] != data:
                self._put(self.key(file.path), data, media_type=types[name], cache=SHORT_CACHE, sha=_sha(data),
                          unchanged_since=read.get(name))
                wrote.append(name)
            if name == "index":
                reached("committed")
        reached("pushed")
        return wrote

    # --- doctor --------------------------------------------------------------------------------------

    def doctor(self) -> list[Check]:
        return [self._bucket_check(), site_check(self.settings, self.target)]

    def _bucket_check(self) -> Check:
        """The bucket answers to these credentials, and papercast may write to it (one small probe object)."""
        name = "website bucket"
        probe = b"papercast doctor: this object checks that papercast can write to the website bucket.\n"
        try:
            if self.call("head_bucket", Bucket=self.bucket) is None:
                raise PublishError(f"The bucket {self.bucket!r} does not exist at {self.describe()}.",
                                   "Create it, or fix [publish.bucket] name / endpoint_url in the show file.")
            key = f"{self.prefix}/.papercast-doctor" if self.prefix else ".papercast-doctor"
            self._put(key, probe, media_type="text/plain", cache=SHORT_CACHE, sha=_sha(probe))
        except PublishError as e:
            return Check(name, False, e.message, e.hint)
        return Check(name, True, f"{self.describe()}: bucket reachable and writable (wrote a probe object); "
                                 "credentials from the environment (not shown)")


def _lock(where: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(where, threading.Lock())


websites.register("s3", BucketWebsite.from_settings)
