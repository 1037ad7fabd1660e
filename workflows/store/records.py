"""What the store hands out: plain pydantic records, never live rows."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from workflows.states import TERMINAL, State
from workflows.store.facts import EpisodeFacts


class Episode(BaseModel):
    id: str
    slug: str
    title: str
    state: State
    version: int
    created_at: datetime
    updated_at: datetime
    uploader: str
    owner: str | None = None
    approver: str | None = None
    approved_at: datetime | None = None
    channel: str
    thread_ts: str | None = None
    status_ts: str | None = None
    pdf_sha256: str | None = None
    duplicate_of: str | None = None
    target_minutes: float | None = None
    failed_from: State | None = None
    failed_step: str | None = None
    error: str | None = None
    facts: EpisodeFacts = EpisodeFacts()

    @property
    def is_unshipped(self) -> bool:
        return self.state not in TERMINAL


class AuditRow(BaseModel):
    episode_id: str
    transition: str
    from_state: State
    to_state: State
    from_version: int
    actor: str
    reason: str
    at: datetime


class ScriptVersion(BaseModel):
    episode_id: str
    version: int
    author: str
    writer: str
    script: dict[str, Any]
    findings: list[dict[str, Any]]
    usage: dict[str, Any]
    notes: str
    created_at: datetime


def episode_from_row(row: Any) -> Episode:
    """An ``episodes`` row (a mapping) as a record; the lease columns are the runner's, not the record's."""
    data = dict(row)
    data["facts"] = json.loads(data.get("facts") or "{}")
    data.pop("lease_holder", None)
    data.pop("lease_until", None)
    return Episode(**data)


def audit_from_row(row: Any) -> AuditRow:
    return AuditRow(**{k: row[k] for k in AuditRow.model_fields})
