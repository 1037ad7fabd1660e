"""What the store knows about an episode beyond its columns: one typed model, one owner per field.

Facts are kept as one JSON document per episode. Every field is declared here,
with the one module that writes it; everyone else only reads it, by attribute
(``episode.facts.commit``). Writes go through the store
(:meth:`~workflows.store.episodes.EpisodeStore.update_facts`, or ``facts=`` on a
transition), which refuses a name that is not a field here and a value of the
wrong type, before anything is written.

What the People implementation (``bot/`` for Slack) records about its own
messages is its business: it is kept whole in :attr:`EpisodeFacts.people`, whose
shape ``bot/`` declares (``bot/slack_facts.py``), and written with
:meth:`~workflows.store.episodes.EpisodeStore.update_people_facts`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class _Facts(BaseModel):
    # Reading is lenient (a field a newer release wrote and this one does not know is dropped, not fatal);
    # writing is strict: the store checks names against the model before it writes.
    model_config = ConfigDict(extra="ignore", frozen=True)


class SourceFile(_Facts):
    """The dropped file, as Slack's ``files.info`` described it."""

    id: str | None = None
    name: str | None = None
    title: str | None = None
    url_private_download: str | None = None
    size: int | None = None
    mimetype: str | None = None


class CheckSummary(_Facts):
    """The last live check: when, whether the site served the committed bytes, and what is wrong if not."""

    at: datetime | None = None
    shipped: bool = False
    #: ``"shipped"``, or the diagnosis kind (``not_deployed``, ``stale_cache``, ``site_down``...).
    kind: str
    diagnosis: str = ""


class FirstMatch(_Facts):
    """The first of the two matching checks an episode needs to ship: when, and the sha256 of each kind it matched."""

    at: datetime
    sha256: dict[str, str]


class Artwork(_Facts):
    """The episode's artwork as it was published: its content hash and file extension."""

    sha256: str
    ext: str = "png"


class PublishedFile(_Facts):
    """One published artifact: where it is on the website and its live URL."""

    path: str
    url: str


class EpisodeFacts(_Facts):
    """Every fact about an episode, by the module that writes it."""

    # workflows/review.py (start_episode): the dropped file.
    source: SourceFile = SourceFile()
    # workflows/review.py: the reviewer's notes of the last "request changes", and who dismissed the episode.
    review_notes: str | None = None
    dismissed_by: str | None = None
    # workflows/runner.py: why the last step failed, and whether running it again may succeed.
    error_kind: str | None = None
    retryable: bool | None = None
    # workflows/pipeline.py (render step): lines rendered so far, and the finished episode's loudness.
    render_progress: tuple[int, int] | None = None
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    # workflows/ship/ (publish step, publish by hand, publish again): what was published, where, when.
    artwork: Artwork | None = None
    commit: str | None = None
    #: What identifies a publication on a website without commits (the s3 bucket's publication id).
    publication: str | None = None
    branch: str | None = None
    repo: str | None = None
    push_attempts: int | None = None
    published_at: datetime | None = None
    published_files: dict[str, PublishedFile] | None = None
    saved_local_work: str | None = None
    feed_url: str | None = None
    site_url: str | None = None
    page_url: str | None = None
    # workflows/ship/ (confirm, follow-ups): the live checks and their outcome.
    last_check: CheckSummary | None = None
    first_match: FirstMatch | None = None
    live_url: str | None = None
    shipped_at: datetime | None = None
    reopened_at: datetime | None = None
    # The People implementation's own records (bot/slack_facts.py declares their shape for Slack).
    people: dict[str, Any] = {}

    @property
    def published_by_papercast(self) -> bool:
        """Whether papercast itself published the episode (a git commit, or a bucket publication), not a person."""
        return bool(self.commit or self.publication)

    @property
    def publication_label(self) -> str:
        """How people are told what was published: the short commit, the publication, or "published by hand"."""
        if self.commit:
            return f"commit {self.commit[:10]}"
        return f"publication {self.publication[:12]}" if self.publication else "published by hand"


#: The names a write may use (everything but ``people``, which has its own write).
FIELDS = frozenset(EpisodeFacts.model_fields) - {"people"}


def merged(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``current`` (the stored JSON) with ``changes`` applied, checked against the model; raises on a bad write.

    A value of None removes the fact. Raises ``TypeError`` for a name that is no field
    (a programming error) and pydantic's ``ValidationError`` for a value of the wrong type.
    Only the changed facts are checked and rewritten: the others stay exactly as stored,
    including facts this release does not know (another instance, newer, wrote them).
    """
    unknown = set(changes) - FIELDS
    if unknown:
        raise TypeError(f"not episode facts: {', '.join(sorted(unknown))} (declare them in workflows/store/facts.py)")
    given = {name: value.model_dump(mode="json") if isinstance(value, BaseModel) else value
             for name, value in changes.items() if value is not None}
    checked = EpisodeFacts.model_validate(given).model_dump(mode="json", include=set(given))
    out = {name: value for name, value in current.items() if name not in changes}
    return {**out, **checked}


def merged_people(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``current`` with the People implementation's ``changes`` merged into ``people`` (None removes one)."""
    people = {**(current.get("people") or {})}
    for name, value in changes.items():
        if value is None:
            people.pop(name, None)
        else:
            people[name] = value
    return {**current, "people": people}
