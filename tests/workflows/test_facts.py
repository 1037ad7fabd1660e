"""Episode facts are one typed model: writes are checked before anything is stored, reads are attributes."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from pydantic import ValidationError
from sqlalchemy import select, update

from workflows.store.facts import CheckSummary, EpisodeFacts
from workflows.store.schema import episodes


def _stored(store, episode_id: str) -> dict:
    with store.engine.connect() as conn:
        return json.loads(conn.execute(select(episodes.c.facts).where(episodes.c.id == episode_id)).scalar_one())


def test_a_fact_nobody_declared_is_refused_and_nothing_is_written(store):
    """A misspelt fact name is a programming error, raised before the row changes."""
    ep = store.create(uploader="U1", channel="C1")
    with pytest.raises(TypeError, match="not episode facts: comit"):
        store.update_facts(ep.id, comit="abc", live_url="https://example.org/a.mp3")
    assert _stored(store, ep.id) == {} and store.get(ep.id).facts.live_url is None


def test_a_fact_of_the_wrong_type_is_refused(store):
    """render_progress is (done, total); a string is refused and the stored facts stay as they were."""
    ep = store.create(uploader="U1", channel="C1")
    store.update_facts(ep.id, render_progress=(1, 4))
    with pytest.raises(ValidationError):
        store.update_facts(ep.id, render_progress="half")
    assert store.get(ep.id).facts.render_progress == (1, 4)


def test_typed_values_round_trip_and_none_removes_a_fact(store):
    """A model value is stored as JSON and read back as the model; None removes the fact."""
    ep = store.create(uploader="U1", channel="C1")
    at = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    store.update_facts(ep.id, last_check=CheckSummary(at=at, shipped=False, kind="not_deployed", diagnosis="404"))
    facts = store.get(ep.id).facts
    assert isinstance(facts, EpisodeFacts) and facts.last_check.kind == "not_deployed" and facts.last_check.at == at
    store.update_facts(ep.id, last_check=None)
    assert store.get(ep.id).facts.last_check is None and "last_check" not in _stored(store, ep.id)


def test_facts_this_release_does_not_know_survive_its_writes(store):
    """A newer instance's fact (rolling upgrade) is kept byte for byte when this one records its own."""
    ep = store.create(uploader="U1", channel="C1")
    with store.engine.begin() as conn:
        conn.execute(update(episodes).where(episodes.c.id == ep.id)
                     .values(facts=json.dumps({"from_a_newer_release": {"x": [1, 2]}, "commit": "abc"})))
    store.update_facts(ep.id, live_url="https://example.org/a.mp3")
    store.transition(ep.id, "extract", actor="papercast", facts={"error_kind": None, "retryable": None})
    stored = _stored(store, ep.id)
    assert stored["from_a_newer_release"] == {"x": [1, 2]} and stored["commit"] == "abc"
    assert store.get(ep.id).facts.live_url == "https://example.org/a.mp3"


def test_the_slack_layers_own_records_stay_under_people(store):
    """update_people_facts merges into facts.people and leaves the typed facts alone."""
    ep = store.create(uploader="U1", channel="C1")
    store.update_facts(ep.id, live_url="https://example.org/a.mp3")
    store.update_people_facts(ep.id, review_messages={"1": "111.222"})
    store.update_people_facts(ep.id, audio_shared=True)
    facts = store.get(ep.id).facts
    assert facts.people == {"review_messages": {"1": "111.222"}, "audio_shared": True}
    assert facts.live_url == "https://example.org/a.mp3"
