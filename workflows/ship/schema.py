"""The shipping stage's tables: one row per watched episode, and the scheduler leader's lease."""

from __future__ import annotations

from sqlalchemy import Column, Connection, Index, Integer, MetaData, String, Table, Text, text

from workflows.store.db import migration

metadata = MetaData()

ship_followups = Table(
    "ship_followups", metadata,
    Column("episode_id", String(40), primary_key=True),
    #: When the follow-ups started (publish time); check_minutes count from here.
    Column("started_at", String(40), nullable=False),
    #: Index into the check schedule of the next check (phase "watch": misses in a row).
    Column("step", Integer, nullable=False, default=0),
    #: The next check, ISO UTC with microseconds (so strings sort as times).
    Column("due_at", String(40), nullable=False),
    Column("pings", Integer, nullable=False, default=0),
    Column("last_kind", String(40), nullable=True),
    Column("last_diagnosis", Text, nullable=True),
    # Added by migration 4:
    #: "follow" until the episode ships (checks and reminders), then "watch" (re-checks, no reminders).
    Column("phase", String(16), nullable=False, server_default="follow"),
    #: No reminder before this time (the checks go on).
    Column("snoozed_until", String(40), nullable=True),
    #: The instance working on the due check now, until when, and under which leader term (fencing).
    Column("claimed_by", String(200), nullable=True),
    Column("claim_until", String(40), nullable=True),
    Column("claim_term", Integer, nullable=True),
    Index("ix_ship_followups_due_at", "due_at"),
)

#: One row per leader role: who holds it, until when (ISO UTC), and its term (raised by every takeover).
ship_leader = Table(
    "ship_leader", metadata,
    Column("name", String(40), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("until", String(40), nullable=False),
    Column("term", Integer, nullable=False),
)

_M4_COLUMNS = (
    "phase VARCHAR(16) NOT NULL DEFAULT 'follow'",
    "snoozed_until VARCHAR(40)",
    "claimed_by VARCHAR(200)",
    "claim_until VARCHAR(40)",
    "claim_term INTEGER",
)


@migration(2, "ship follow-ups")
def _m2(conn: Connection) -> None:
    # The table as migration 2 made it; migration 4 adds the other columns.
    Table("ship_followups", MetaData(),
          Column("episode_id", String(40), primary_key=True), Column("started_at", String(40), nullable=False),
          Column("step", Integer, nullable=False, default=0), Column("due_at", String(40), nullable=False),
          Column("pings", Integer, nullable=False, default=0), Column("last_kind", String(40), nullable=True),
          Column("last_diagnosis", Text, nullable=True), Index("ix_ship_followups_due_at", "due_at")).create(conn)


@migration(4, "follow-up claims with a lease, snooze, re-checks after shipping, the scheduler leader's lease")
def _m4(conn: Connection) -> None:
    for column in _M4_COLUMNS:
        conn.execute(text(f"ALTER TABLE ship_followups ADD COLUMN {column}"))
    ship_leader.create(conn)
    # The wake-ups no longer live in the database (the ship_followups rows are the source of truth).
    conn.execute(text("DROP TABLE IF EXISTS papercast_scheduler_jobs"))
