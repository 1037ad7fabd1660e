"""The tables, and the migrations that create them.

Add a table or a column with a new numbered migration at the bottom; never edit
an applied one.
"""

from __future__ import annotations

import json

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
    text,
    update,
)

from workflows.store.db import migration

metadata = MetaData()

episodes = Table(
    "episodes", metadata,
    Column("id", String(40), primary_key=True),
    Column("slug", String(120), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("state", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("uploader", String(64), nullable=False, default=""),
    Column("owner", String(64), nullable=True),
    Column("approver", String(64), nullable=True),
    Column("approved_at", String(40), nullable=True),
    Column("channel", String(64), nullable=False, default=""),
    Column("thread_ts", String(40), nullable=True),
    Column("status_ts", String(40), nullable=True),
    Column("pdf_sha256", String(64), nullable=True),
    Column("duplicate_of", String(40), nullable=True),
    Column("target_minutes", Float, nullable=True),
    Column("failed_from", String(32), nullable=True),
    Column("failed_step", String(32), nullable=True),
    Column("error", Text, nullable=True),
    Column("lease_holder", String(80), nullable=True),
    Column("lease_until", Float, nullable=True),
    # Stage-specific facts (source file, review message ts, commit, live url...) as JSON.
    Column("facts", Text, nullable=False, default="{}"),
    Index("ix_episodes_state", "state"),
    Index("ix_episodes_pdf_sha256", "pdf_sha256"),
)

transitions = Table(
    "transitions", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("episode_id", String(40), ForeignKey("episodes.id"), nullable=False),
    Column("transition", String(32), nullable=False),
    Column("from_state", String(32), nullable=False),
    Column("to_state", String(32), nullable=False),
    Column("from_version", Integer, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("at", String(40), nullable=False),
    # One row per (episode, version): the database itself refuses a second winner.
    UniqueConstraint("episode_id", "from_version", name="uq_transitions_episode_version"),
)

artifacts = Table(
    "artifacts", metadata,
    Column("episode_id", String(40), ForeignKey("episodes.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("path", Text, nullable=False),
    Column("media_type", String(80), nullable=False),
    Column("filename", String(200), nullable=False, default=""),
    Column("duration_seconds", Float, nullable=True),
    Column("created_at", String(40), nullable=False),
    PrimaryKeyConstraint("episode_id", "kind", "sha256"),
)

script_versions = Table(
    "script_versions", metadata,
    Column("episode_id", String(40), ForeignKey("episodes.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("author", String(64), nullable=False),
    Column("writer", String(80), nullable=False),
    Column("script", Text, nullable=False),
    Column("findings", Text, nullable=False, default="[]"),
    Column("usage", Text, nullable=False, default="{}"),
    Column("notes", Text, nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
    PrimaryKeyConstraint("episode_id", "version"),
)

papers = Table(
    "papers", metadata,
    Column("episode_id", String(40), ForeignKey("episodes.id"), primary_key=True),
    Column("paper", Text, nullable=False),
)

effects = Table(
    "effects", metadata,
    Column("episode_id", String(40), nullable=False),
    Column("key", String(200), nullable=False),
    Column("result", Text, nullable=False, default="null"),
    Column("at", String(40), nullable=False),
    PrimaryKeyConstraint("episode_id", "key"),
)

claims = Table(
    "claims", metadata,
    Column("key", String(200), primary_key=True),
    Column("holder", String(200), nullable=False, default=""),
    Column("at", String(40), nullable=False),
)


@migration(1, "episodes, transitions, artifacts, script versions, papers, effects, claims")
def _m1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[episodes, transitions, artifacts, script_versions, papers, effects, claims])


def _published_at(facts: str | None) -> str:
    try:
        return str(json.loads(facts or "{}").get("published_at") or "")
    except (ValueError, AttributeError):
        return ""


@migration(3, "one slug per episode: duplicates renamed, then a unique index")
def _m3(conn: Connection) -> None:
    rows = conn.execute(select(episodes.c.id, episodes.c.slug, episodes.c.created_at, episodes.c.facts)
                        .order_by(episodes.c.created_at, episodes.c.id)).all()
    taken = {r.slug for r in rows}
    groups: dict[str, list] = {}
    for r in rows:
        groups.setdefault(r.slug, []).append(r)
    for slug, group in groups.items():
        if len(group) < 2:
            continue
        # The one whose files are at the shared paths keeps the slug: the last one published, else the first made.
        keeper = max(group, key=lambda r: _published_at(r.facts))
        for r in group:
            if r is keeper:
                continue
            suffix = r.id.removeprefix("ep_")
            new = next((c for c in (f"{slug}-{suffix[:6]}", f"{slug}-{suffix}") if c not in taken), f"{slug}-{r.id}")
            conn.execute(update(episodes).where(episodes.c.id == r.id).values(slug=new))
            taken.add(new)
    conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS uq_episodes_slug ON episodes (slug)"))


@migration(5, "episode facts typed: the People implementation's own records move under facts.people")
def _m5(conn: Connection) -> None:
    from workflows.store.facts import FIELDS

    for row in conn.execute(select(episodes.c.id, episodes.c.facts)).all():
        try:
            facts = json.loads(row.facts or "{}")
        except ValueError:
            facts = {}
        people = {k: facts.pop(k) for k in [k for k in facts if k not in FIELDS and k != "people"]}
        if people:
            facts["people"] = {**(facts.get("people") or {}), **people}
            conn.execute(update(episodes).where(episodes.c.id == row.id).values(facts=json.dumps(facts)))
