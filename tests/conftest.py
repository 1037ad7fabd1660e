"""Shared fixtures: a real database (SQLite and PostgreSQL), a data directory, a clock, the test doubles."""

from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from workflows.audio.speech import backends as speech_backends
from workflows.database import migrate
from workflows.script.writers import writers
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore
from workflows.testing.speech import ToneSpeech
from workflows.testing.writers import FakeWriter

PG_ADMIN_URL = os.environ.get("PAPERCAST_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    try:
        with create_engine(PG_ADMIN_URL).connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as e:  # noqa: BLE001
        return f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({type(e).__name__}); start it (see the README) to run these"


_PG_SKIP = _pg_available()


@pytest.fixture(scope="session", autouse=True)
def tone_voices():
    """``speech = "tone"``, the synthetic voices of workflows.testing, registered for the test run (module and
    session fixtures render with it too) and gone after it; outside tests nothing registers it."""
    speech_backends.register("tone", ToneSpeech)
    yield ToneSpeech
    speech_backends.unregister("tone")


@pytest.fixture
def fake_writer():
    """This test's own fake writer, registered as ``writer.backend = "fake"`` for the test and gone after it."""
    fake = FakeWriter()
    writers.register("fake", lambda settings: fake)
    yield fake
    writers.unregister("fake")


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    if _PG_SKIP:
        pytest.skip(_PG_SKIP)
    schema = "t_" + secrets.token_hex(6)
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """The database URL for one test, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'papercast.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


class Clock:
    """An injected clock: tests move time, they never sleep."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> datetime:
        self.now += timedelta(**kw)
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(engine, clock):
    return EpisodeStore(engine, clock=clock)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    d = tmp_path / "var"
    d.mkdir()
    return d


@pytest.fixture(scope="module")
def moto():
    """A real S3-compatible server (moto, server mode) on a free loopback port, one per test module."""
    from tests.standins.s3 import MotoS3

    server = MotoS3()
    yield server
    server.stop()
