"""Engine creation and numbered migrations.

SQLite (under the data directory) by default, PostgreSQL when ``DATABASE_URL``
says so. Migrations are plain functions registered with :func:`migration` by the
module that owns the tables (the store's own ``workflows/store/schema.py``, each
stage's ``schema.py``); the store knows no stage. Whoever wires the application
names the modules (:mod:`workflows.database`), and :func:`migrate` applies theirs
in number order, each once, recorded in ``schema_migrations``; applying is safe to
run from several processes at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from sqlalchemy import Connection, Engine, create_engine, event, text

from workflows.errors import ConfigError


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    apply: Callable[[Connection], None]
    #: The module that registered it (the one that owns its tables).
    module: str


#: Every migration registered so far, by number (one number space for all modules).
MIGRATIONS: dict[int, Migration] = {}


def migration(number: int, name: str):
    """Register a migration of the calling module. Numbers are applied in ascending order, once."""

    def register(fn: Callable[[Connection], None]):
        known = MIGRATIONS.get(number)
        if known is not None and (known.module, known.apply.__qualname__) != (fn.__module__, fn.__qualname__):
            raise RuntimeError(f"migration {number} is registered twice ({known.module} and {fn.__module__})")
        MIGRATIONS[number] = Migration(number, name, fn, fn.__module__)
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


def migrate(engine: Engine, modules: Iterable[ModuleType]) -> list[int]:
    """Apply the pending migrations of ``modules`` (the schema modules, imported); returns the numbers applied now.

    Only the migrations those modules registered are applied, whatever else was imported,
    so what a database gets does not depend on import order.
    """
    names = {m.__name__ for m in modules}
    if not names:
        raise TypeError("migrate() needs the schema modules (workflows.database.migrate names papercast's)")
    wanted = sorted((m for m in MIGRATIONS.values() if m.module in names), key=lambda m: m.number)
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
        for m in wanted:
            if m.number in done:
                continue
            m.apply(conn)
            conn.execute(
                text("INSERT INTO schema_migrations (number, name, applied_at) VALUES (:n, :name, CURRENT_TIMESTAMP)"),
                {"n": m.number, "name": m.name},
            )
            applied_now.append(m.number)
    return applied_now
