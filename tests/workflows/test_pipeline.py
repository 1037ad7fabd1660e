"""The automatic steps wired to the real stages: a dropped PDF becomes a script waiting for review."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler

import pytest

from tests.standins.loopback import LoopbackServer
from workflows import review
from workflows.actor import Actor
from workflows.errors import ConcurrentTransition, NotAllowed
from workflows.intake.sample import write_sample_paper
from workflows.people import RecordingPeople
from workflows.pipeline import start
from workflows.services import build_services
from workflows.settings import load_settings
from workflows.states import State

REVIEWER = Actor("U_REV", is_reviewer=True)


@pytest.fixture
def files(tmp_path):
    """A loopback file server standing in for Slack's file host; yields (directory, base URL)."""
    root = tmp_path / "files"
    root.mkdir()
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *a) -> None:
            pass

    with LoopbackServer(functools.partial(Quiet, directory=str(root))) as server:
        yield root, server.base_url


@pytest.fixture
def svc(tmp_path, db_url):
    cfg = tmp_path / "show.toml"
    cfg.write_text('name = "Paper Trail"\n[writer]\nbackend = "offline"\ntarget_minutes = 3\n')
    settings = load_settings({"PAPERCAST_CONFIG": str(cfg), "PAPERCAST_DATA_DIR": str(tmp_path / "var"),
                              "DATABASE_URL": db_url})
    services = build_services(settings, RecordingPeople())
    services.file_hosts = {"127.0.0.1"}
    services.file_token = "xoxb-local-test"
    start(services)
    yield services
    services.runner.shutdown()


def _drop(svc, files, name="paper.pdf", ts="1700000000.000100"):
    root, base = files
    if not (root / name).exists():
        write_sample_paper(root / name)
    episode = review.start_episode(svc, uploader="U_UP", channel="C1", thread_ts=ts,
                                   file={"id": "F1", "name": name, "url_private_download": f"{base}/{name}"})
    svc.runner.kick(episode.id).result(timeout=120)
    return svc.store.get(episode.id)


def test_a_dropped_pdf_reaches_review_with_a_checked_script(svc, files):
    """The sample paper is downloaded, extracted, drafted offline, checked and posted for review once."""
    ep = _drop(svc, files)
    assert ep.state == State.IN_REVIEW
    assert ep.title and ep.pdf_sha256 and ep.slug != ep.id
    paper = svc.store.paper(ep.id)
    assert paper["page_count"] >= 4 and paper["abstract"]
    [v1] = svc.store.script_versions(ep.id)
    assert v1.writer == "offline" and v1.script["offline_draft"] is True
    assert isinstance(v1.findings, list)
    assert svc.people.named("ask_review") == [(ep.id, 1)]
    assert [a.transition for a in svc.store.audit(ep.id)] == ["extract", "draft", "submit"]
    assert set(svc.store.artifacts(ep.id)) == {"pdf"}


def test_the_same_pdf_dropped_twice_links_to_the_first_episode(svc, files):
    """A second drop of identical bytes starts nothing new and points at the existing episode."""
    first = _drop(svc, files)
    second = _drop(svc, files, ts="1700000000.000200")
    assert second.state == State.DUPLICATE and second.duplicate_of == first.id
    assert any("already episode" in text for _, text in svc.people.named("say"))
    assert svc.store.script_versions(second.id) == []


def test_request_changes_regenerates_and_edit_adds_a_human_version(svc, files):
    """Notes go back to the writer (version 2), a hand edit is version 3 by the reviewer; all are kept."""
    ep = _drop(svc, files)
    review.request_changes(svc, ep.id, REVIEWER, notes="Explain the method more slowly.", expected_version=ep.version)
    svc.runner.kick(ep.id).result(timeout=120)
    ep = svc.store.get(ep.id)
    assert ep.state == State.IN_REVIEW
    v2 = svc.store.latest_script(ep.id)
    assert v2.version == 2 and v2.notes == "Explain the method more slowly."
    text = review.script_to_text(review.Script.model_validate(v2.script))
    edited = text.replace(text.splitlines()[-1], text.splitlines()[-1] + " See you next time.")
    review.edit_script(svc, ep.id, REVIEWER, text=edited, expected_version=ep.version)
    versions = svc.store.script_versions(ep.id)
    assert [(v.version, v.author) for v in versions] == [(1, "papercast"), (2, "papercast"), (3, "U_REV")]
    assert versions[-1].script["lines"][-1]["text"].endswith("See you next time.")
    assert svc.people.named("ask_review")[-1] == (ep.id, 3)


def test_only_reviewers_decide_and_a_stale_click_is_told_who_won(svc, files):
    """A non-reviewer cannot approve; a second approval on the same version names the first approver."""
    ep = _drop(svc, files)
    with pytest.raises(NotAllowed):
        review.approve(svc, ep.id, Actor("U_NOBODY"), owner="U_OWN", expected_version=ep.version)
    assert svc.store.get(ep.id).state == State.IN_REVIEW
    review.reject(svc, ep.id, REVIEWER, reason="off topic", expected_version=ep.version)
    with pytest.raises(ConcurrentTransition) as err:
        review.approve(svc, ep.id, Actor("U_REV2", True), owner="U_OWN", expected_version=ep.version)
    assert "reject by U_REV" in err.value.winner
    assert svc.store.get(ep.id).state == State.REJECTED
