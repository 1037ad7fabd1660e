"""Shipping fixtures: a real local website (bare repo + loopback server) and services wired to it."""

from __future__ import annotations

import secrets

import pytest

from tests.ship.bucket_cdn import PREFIX, BucketCDN
from tests.ship.helpers import make_services
from tests.standins.s3 import export_credentials
from workflows.ship.local_site import LocalWebsite


@pytest.fixture
def db_url(tmp_path):
    """Shipping tests run on SQLite; the multi-instance tests take PostgreSQL explicitly (pg_url)."""
    return f"sqlite:///{tmp_path / 'papercast.db'}"


@pytest.fixture
def site(data_dir, clock):
    """The embedded local website, deploying only when a test calls tick() (no watcher thread)."""
    s = LocalWebsite(data_dir, delay=0, clock=clock).start(watch=False)
    yield s
    s.stop()


@pytest.fixture
def svc(data_dir, db_url, store, clock, site):
    return make_services(data_dir, db_url, store, clock, site=site)


@pytest.fixture
def bucket(moto, monkeypatch):
    """A fresh bucket on the moto server, with its credentials in the environment (boto3 reads them there)."""
    export_credentials(monkeypatch)
    return moto.create_bucket("papercast-site-" + secrets.token_hex(4))


@pytest.fixture
def cdn(moto, bucket):
    """A loopback CDN serving the bucket's objects under PREFIX (tests make it stale or hide objects)."""
    c = BucketCDN(moto.client(), bucket, PREFIX)
    yield c
    c.close()
