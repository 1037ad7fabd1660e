"""The shipping stage's table: one row per episode whose live site is being followed up."""

from __future__ import annotations

from sqlalchemy import Column, Connection, Index, Integer, MetaData, String, Text, Table

from workflows.store.db import migration

metadata = MetaData()

ship_followups = Table(
    "ship_followups", metadata,
    Column("episode_id", String(40), primary_key=True),
    #: When the follow-ups started (publish time); check_minutes count from here.
    Column("started_at", String(40), nullable=False),
    #: Index into the check schedule of the next check.
    Column("step", Integer, nullable=False, default=0),
    #: The next check, ISO UTC with microseconds (so strings sort as times).
    Column("due_at", String(40), nullable=False),
    Column("pings", Integer, nullable=False, default=0),
    Column("last_kind", String(40), nullable=True),
    Column("last_diagnosis", Text, nullable=True),
    Index("ix_ship_followups_due_at", "due_at"),
)


@migration(2, "ship follow-ups")
def _m2(conn: Connection) -> None:
    metadata.create_all(conn, tables=[ship_followups])
