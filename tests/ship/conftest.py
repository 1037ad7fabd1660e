"""Shipping fixtures: a real local website (bare repo + loopback server) and services wired to it."""

from __future__ import annotations

import pytest

from tests.ship.helpers import make_services
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
