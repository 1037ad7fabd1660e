"""The crash rig with the ``s3`` website: moto on loopback and a loopback CDN in front of it, in the test process.

Both outlive the bot processes a test kills, as a bucket and its CDN would. The bucket is
versioned, so every upload papercast made stays countable with its bytes' ETag: a key put
twice with other content is visible after the run, not only the last write.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from lxml import etree

from tests.faults.rig import Rig
from tests.ship.bucket_cdn import PREFIX, BucketCDN

#: Keys of the listing (rewritten by every publish) below the prefix; every other key is an artifact.
LISTING = ("episodes/index.json", "feed.xml", "index.html")
DOCTOR_PROBE = ".papercast-doctor"


@dataclass
class BucketSite:
    """What :class:`BucketRig` publishes to: the bucket and the CDN that serves it."""

    cdn: BucketCDN

    @property
    def base_url(self) -> str:
        return self.cdn.base_url

    def stop(self) -> None:
        self.cdn.close()


@dataclass
class BucketRig(Rig):
    s3: Any = None  # tests.standins.s3.MotoS3, started by the test (credentials exported before the instances)
    bucket: str = ""

    def __post_init__(self) -> None:
        self.s3.client().put_bucket_versioning(Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"})
        super().__post_init__()
        with self.config.open("a", encoding="utf-8") as f:
            f.write(f'[publish.bucket]\nname = "{self.bucket}"\nprefix = "{PREFIX}"\n'
                    f'endpoint_url = "{self.s3.endpoint_url}"\nregion = "us-east-1"\ntimeout_seconds = 5\n')

    def start_website(self) -> BucketSite:
        return BucketSite(BucketCDN(self.s3.client(), self.bucket, PREFIX))

    def publish_settings(self) -> str:
        return f'website = "s3"\nbase_url = "{self.website.base_url}"'

    # --- what the bucket holds -----------------------------------------------------------------------

    def object(self, rel: str) -> bytes | None:
        try:
            return self.s3.client().get_object(Bucket=self.bucket, Key=f"{PREFIX}/{rel}")["Body"].read()
        except Exception:  # noqa: BLE001 - NoSuchKey: not there
            return None

    def index_entries(self, episode_id: str) -> int:
        raw = self.object("episodes/index.json")
        return sum(e.get("id") == episode_id for e in json.loads(raw)["episodes"]) if raw else 0

    def feed_items(self, episode_id: str) -> int:
        raw = self.object("feed.xml")
        return [i.findtext("guid") for i in etree.fromstring(raw).iter("item")].count(episode_id) if raw else 0

    def versions(self) -> dict[str, list[str]]:
        """Each key's uploads, oldest first, as their ETags (the bytes' MD5 for a single-part upload)."""
        got: dict[str, list[tuple]] = defaultdict(list)
        pages = self.s3.client().get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix=f"{PREFIX}/")
        for page in pages:
            for v in page.get("Versions", []):
                got[v["Key"]].append((v["LastModified"], v["ETag"]))
        return {k: [etag for _, etag in sorted(vs, key=lambda x: x[0])] for k, vs in got.items()}

    def artifact_puts(self) -> Counter:
        """PUT requests per artifact key (listing and doctor probe left out), from moto's request log."""
        puts = Counter()
        for r in list(self.s3.requests):
            key = r.path.removeprefix(f"/{self.bucket}/").removeprefix(f"{PREFIX}/")
            if r.method == "PUT" and r.path.startswith(f"/{self.bucket}/{PREFIX}/") and key not in (*LISTING, DOCTOR_PROBE):
                puts[key] += 1
        return puts
