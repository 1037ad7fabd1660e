"""The episode store: episodes, their audited transitions, artifacts and script versions.

The one rule: an episode's state only changes through :meth:`EpisodeStore.transition`,
a compare-and-set on (state, version) committed in the same database transaction as
its audit row (and, when a step produced them, its artifacts, paper or script version).
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from workflows.artifacts import Artifact
from workflows.errors import ConcurrentTransition, EpisodeNotFound, TransitionNotAllowed
from workflows.states import RESUME, RESUME_PUBLISHED, SAME, STEP_FOR_STATE, TRANSITIONS, State
from workflows.store.facts import merged, merged_people
from workflows.store.guards import StepGuards
from workflows.store.records import AuditRow, Episode, ScriptVersion, audit_from_row, episode_from_row
from workflows.store.schema import artifacts, episodes, papers, script_versions, transitions
from workflows.store.times import Clock, iso_utc, utcnow

__all__ = ["Clock", "EpisodeStore", "iso_utc", "slugify", "unique_slug", "utcnow"]


def slugify(title: str, fallback: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:60].strip("-")
    return slug or fallback


def unique_slug(conn, title: str, episode_id: str) -> str:
    """The title's slug; if another episode has it, with a short suffix from this episode's id (never shared)."""
    base = slugify(title, episode_id)
    suffix = episode_id.removeprefix("ep_")
    for slug in (base, f"{base}-{suffix[:6]}", f"{base}-{suffix}"):
        taken = conn.execute(select(episodes.c.id).where(episodes.c.slug == slug, episodes.c.id != episode_id)
                             .limit(1)).first()
        if taken is None:
            return slug
    return f"{base}-{episode_id}"  # "_" never comes out of slugify, so no other episode can have this one


class EpisodeStore(StepGuards):
    """Episodes, their audited transitions, artifacts and script versions; leases, effects and claims
    (:class:`~workflows.store.guards.StepGuards`)."""

    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.clock = clock

    # --- episodes -------------------------------------------------------------------

    def create(self, *, uploader: str, channel: str, thread_ts: str | None = None, title: str = "",
               facts: dict[str, Any] | None = None, target_minutes: float | None = None) -> Episode:
        now = iso_utc(self.clock())
        episode_id = "ep_" + secrets.token_hex(5)
        with self.engine.begin() as conn:
            conn.execute(insert(episodes).values(
                id=episode_id, slug=unique_slug(conn, title, episode_id), title=title, state=State.RECEIVED.value,
                version=1, created_at=now, updated_at=now, uploader=uploader, channel=channel,
                thread_ts=thread_ts, target_minutes=target_minutes, facts=json.dumps(merged({}, facts or {})),
            ))
        return self.get(episode_id)

    def get(self, episode_id: str) -> Episode:
        with self.engine.connect() as conn:
            row = conn.execute(select(episodes).where(episodes.c.id == episode_id)).mappings().first()
        if row is None:
            raise _not_found(episode_id)
        return episode_from_row(row)

    def all(self) -> list[Episode]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(episodes)).mappings().all()
        return [episode_from_row(r) for r in rows]

    def ledger(self) -> list[Episode]:
        """Every episode: unshipped first (oldest first, they matter most), then the finished, newest first."""
        eps = self.all()
        open_ = sorted((e for e in eps if e.is_unshipped), key=lambda e: e.created_at)
        done = sorted((e for e in eps if not e.is_unshipped), key=lambda e: e.updated_at, reverse=True)
        return open_ + done

    def unfinished(self) -> list[Episode]:
        """Episodes that an automatic step should move on (what a restart resumes)."""
        states = [s.value for s in STEP_FOR_STATE]
        with self.engine.connect() as conn:
            rows = conn.execute(select(episodes).where(episodes.c.state.in_(states))).mappings().all()
        return [episode_from_row(r) for r in rows]

    def in_states(self, *states: State) -> list[Episode]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(episodes).where(episodes.c.state.in_([s.value for s in states]))).mappings().all()
        return [episode_from_row(r) for r in rows]

    def find_by_pdf(self, sha256: str, *, excluding: str) -> Episode | None:
        """The earliest other episode made from the same PDF, if any (duplicates and rejected ones aside)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(episodes)
                .where(episodes.c.pdf_sha256 == sha256, episodes.c.id != excluding,
                       episodes.c.state.not_in([State.DUPLICATE.value, State.REJECTED.value, State.DISMISSED.value]))
                .order_by(episodes.c.created_at).limit(1)
            ).mappings().first()
        return episode_from_row(row) if row else None

    def update_facts(self, episode_id: str, **facts: Any) -> Episode:
        """Record facts that are not a state change (the last check, render progress); None removes one.

        Names and types are those of :class:`~workflows.store.facts.EpisodeFacts`; anything else raises before
        anything is written.
        """
        return self._merge_facts(episode_id, lambda current: merged(current, facts))

    def update_people_facts(self, episode_id: str, **facts: Any) -> Episode:
        """Record what the People implementation wants to remember about its messages (``facts.people``)."""
        return self._merge_facts(episode_id, lambda current: merged_people(current, facts))

    def _merge_facts(self, episode_id: str, change: Callable[[dict[str, Any]], dict[str, Any]]) -> Episode:
        with self.engine.begin() as conn:
            row = conn.execute(select(episodes.c.facts).where(episodes.c.id == episode_id)).first()
            if row is None:
                raise _not_found(episode_id)
            after = change(json.loads(row[0] or "{}"))
            conn.execute(update(episodes).where(episodes.c.id == episode_id).values(facts=json.dumps(after)))
        return self.get(episode_id)

    def set_status_ts(self, episode_id: str, thread_ts: str | None, status_ts: str | None) -> None:
        values = {k: v for k, v in {"thread_ts": thread_ts, "status_ts": status_ts}.items() if v}
        with self.engine.begin() as conn:
            conn.execute(update(episodes).where(episodes.c.id == episode_id).values(**values))

    # --- the transition ---------------------------------------------------------------

    def transition(self, episode_id: str, name: str, *, actor: str, reason: str = "",
                   expected_version: int | None = None, updates: dict[str, Any] | None = None,
                   facts: dict[str, Any] | None = None, artifacts_: Iterable[Artifact] = (),
                   paper: dict[str, Any] | None = None, script: dict[str, Any] | None = None) -> Episode:
        """Move the episode along ``TRANSITIONS[name]``, atomically, with its audit row.

        ``expected_version`` is the version the caller decided on; if the episode moved
        since, :class:`ConcurrentTransition` says who moved it. A transition that is not
        allowed from the current state raises :class:`TransitionNotAllowed`.
        ``script`` adds a script version: keys author, writer, script, findings, usage, notes.
        """
        t = TRANSITIONS[name]
        now = self.clock()
        with self.engine.begin() as conn:
            row = conn.execute(select(episodes).where(episodes.c.id == episode_id)).mappings().first()
            if row is None:
                raise _not_found(episode_id)
            current = episode_from_row(row)
            if expected_version is not None and current.version != expected_version:
                raise self._lost(conn, current, name)
            if current.state not in t.sources:
                raise TransitionNotAllowed(
                    f"Episode {episode_id} is {current.state.value}; '{name}' is only possible from "
                    f"{', '.join(sorted(s.value for s in t.sources))}.",
                    "Check the episode's status card for what happens next.",
                )
            if t.target is SAME:
                target = current.state
            elif t.target == RESUME:
                target = current.failed_from or State.RECEIVED
            elif t.target == RESUME_PUBLISHED:
                target = State.PUBLISHED if current.facts.published_by_papercast else State.MANUAL_PUBLISH
            else:
                target = State(t.target)

            values: dict[str, Any] = dict(updates or {})
            if "title" in values and values["title"] and not current.title:
                values["slug"] = unique_slug(conn, values["title"], episode_id)
            if target == State.FAILED:
                values.setdefault("failed_from", current.state.value)
            elif current.state == State.FAILED:
                values.update(failed_from=None, failed_step=None, error=None)
            if facts:
                values["facts"] = json.dumps(merged(json.loads(row["facts"] or "{}"), facts))
            result = conn.execute(
                update(episodes)
                .where(and_(episodes.c.id == episode_id, episodes.c.version == current.version,
                            episodes.c.state == current.state.value))
                .values(state=target.value, version=current.version + 1, updated_at=iso_utc(now), **values)
            )
            if result.rowcount != 1:
                raise self._lost(conn, current, name)
            try:
                conn.execute(insert(transitions).values(
                    episode_id=episode_id, transition=name, from_state=current.state.value,
                    to_state=target.value, from_version=current.version, actor=actor, reason=reason, at=iso_utc(now),
                ))
            except IntegrityError:
                raise self._lost(conn, current, name) from None
            for a in artifacts_:
                self._put_artifact(conn, episode_id, a, now)
            if paper is not None:
                conn.execute(delete(papers).where(papers.c.episode_id == episode_id))
                conn.execute(insert(papers).values(episode_id=episode_id, paper=json.dumps(paper)))
            if script is not None:
                self._add_script_version(conn, episode_id, script, now)
        return self.get(episode_id)

    def _lost(self, conn, seen: Episode, name: str) -> ConcurrentTransition:
        row = conn.execute(
            select(transitions).where(transitions.c.episode_id == seen.id)
            .order_by(transitions.c.from_version.desc()).limit(1)
        ).mappings().first()
        now_row = conn.execute(select(episodes.c.state, episodes.c.version).where(episodes.c.id == seen.id)).first()
        lost = ConcurrentTransition(
            f"Episode {seen.id} changed while '{name}' was being applied.",
            current_state=now_row[0] if now_row else seen.state.value,
            current_version=now_row[1] if now_row else seen.version,
            last_move=audit_from_row(row) if row else None,
        )
        if lost.winner:
            lost.message = f"Episode {seen.id} changed while '{name}' was being applied: {lost.winner}."
        return lost

    def audit(self, episode_id: str) -> list[AuditRow]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(transitions).where(transitions.c.episode_id == episode_id).order_by(transitions.c.from_version)
            ).mappings().all()
        return [audit_from_row(r) for r in rows]

    def last_decision(self, episode_id: str, names: Iterable[str]) -> AuditRow | None:
        rows = [r for r in self.audit(episode_id) if r.transition in set(names)]
        return rows[-1] if rows else None

    # --- artifacts, papers, script versions ---------------------------------------------

    def _put_artifact(self, conn, episode_id: str, a: Artifact, now: datetime) -> None:
        exists = conn.execute(select(artifacts.c.sha256).where(and_(
            artifacts.c.episode_id == episode_id, artifacts.c.kind == a.kind, artifacts.c.sha256 == a.sha256))).first()
        if exists is None:
            conn.execute(insert(artifacts).values(
                episode_id=episode_id, kind=a.kind, sha256=a.sha256, size=a.size, path=a.key,
                media_type=a.media_type, filename=a.filename, duration_seconds=a.duration_seconds, created_at=iso_utc(now),
            ))

    def artifacts(self, episode_id: str) -> dict[str, Artifact]:
        """The newest artifact of each kind, by content key.

        The ``path`` column holds the key (``sha256/ab/…``); rows written before it held an
        absolute path on the rendering machine, which is ignored: every row resolves by its sha256.
        """
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(artifacts).where(artifacts.c.episode_id == episode_id).order_by(artifacts.c.created_at)
            ).mappings().all()
        out: dict[str, Artifact] = {}
        for r in rows:
            out[r["kind"]] = Artifact(kind=r["kind"], sha256=r["sha256"], size=r["size"],
                                      media_type=r["media_type"], filename=r["filename"],
                                      duration_seconds=r["duration_seconds"])
        return out

    def paper(self, episode_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(papers.c.paper).where(papers.c.episode_id == episode_id)).first()
        return json.loads(row[0]) if row else None

    def _add_script_version(self, conn, episode_id: str, v: dict[str, Any], now: datetime) -> None:
        n = conn.execute(select(func.coalesce(func.max(script_versions.c.version), 0))
                         .where(script_versions.c.episode_id == episode_id)).scalar_one() + 1
        conn.execute(insert(script_versions).values(
            episode_id=episode_id, version=n, author=v["author"], writer=v.get("writer", ""),
            script=json.dumps(v["script"]), findings=json.dumps(v.get("findings", [])),
            usage=json.dumps(v.get("usage", {})), notes=v.get("notes", ""), created_at=iso_utc(now),
        ))

    def script_versions(self, episode_id: str) -> list[ScriptVersion]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(script_versions).where(script_versions.c.episode_id == episode_id)
                                .order_by(script_versions.c.version)).mappings().all()
        return [ScriptVersion(episode_id=r["episode_id"], version=r["version"], author=r["author"], writer=r["writer"],
                              script=json.loads(r["script"]), findings=json.loads(r["findings"]),
                              usage=json.loads(r["usage"]), notes=r["notes"], created_at=r["created_at"]) for r in rows]

    def latest_script(self, episode_id: str) -> ScriptVersion | None:
        versions = self.script_versions(episode_id)
        return versions[-1] if versions else None

    def current_script(self, episode_id: str) -> ScriptVersion:
        """The latest script version of an episode that has one (past drafting); raises if it has none."""
        if (latest := self.latest_script(episode_id)) is None:
            raise EpisodeNotFound(f"Episode {episode_id} has no script yet.", "Wait for the draft, or press Retry.")
        return latest


def _not_found(episode_id: str) -> EpisodeNotFound:
    return EpisodeNotFound(f"There is no episode {episode_id}.", "Run `papercast status` to list the episodes.")
