"""Engine creation and numbered migrations.

SQLite (under the data directory) by default, PostgreSQL when ``DATABASE_URL``
says so. Migrations are plain functions registered with :func:`migration` and
applied in order, each recorded in ``schema_migrations``; applying is safe to run
from several processes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text

from workflows.errors import ConfigError

MIGRATIONS: dict[int, tuple[str, Callable[[Connection], None]]] = {}


def migration(number: int, name: str):
    """Register a migration. Numbers are applied in ascending order, once."""

    def register(fn: Callable[[Connection], None]):
        if number in MIGRATIONS:
            raise RuntimeError(f"migration {number} is registered twice")
        MIGRATIONS[number] = (name, fn)
        return fn

    return register


def normalise_url(url: str) -> str:
    """Accept the URLs platforms hand out (postgres://) and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN below take over
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of deadlocking.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql+psycopg://"):
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    raise ConfigError(
        f"DATABASE_URL uses an unsupported database ({url.split(':', 1)[0]}).",
        "Use postgresql://user@host/db, or unset DATABASE_URL for SQLite under the data directory.",
    )


def migrate(engine: Engine) -> list[int]:
    """Apply pending migrations; returns the numbers applied now."""
    from workflows.store import schema  # noqa: F401  (registers the migrations)
    from workflows.ship import schema as _ship_schema  # noqa: F401  (the shipping stage's tables)

    applied_now: list[int] = []
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # One migrator at a time across instances; released at commit.
            conn.execute(text("SELECT pg_advisory_xact_lock(7248331001)"))
        conn.execute(text(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " number INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at VARCHAR(40) NOT NULL)"
        ))
        done = {row[0] for row in conn.execute(text("SELECT number FROM schema_migrations"))}
        for number in sorted(MIGRATIONS):
            if number in done:
                continue
            name, fn = MIGRATIONS[number]
            fn(conn)
            conn.execute(
                text("INSERT INTO schema_migrations (number, name, applied_at) VALUES (:n, :name, CURRENT_TIMESTAMP)"),
                {"n": number, "name": name},
            )
            applied_now.append(number)
    return applied_now
