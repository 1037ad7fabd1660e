"""Planted fabrications: every one is caught where it was planted; the faithful scripts stay (nearly) clean."""

from __future__ import annotations

import pytest

from tests.script._papers import make_paper
from tests.script._plants import PLANTS, Plant, faithful
from tests.script._settings import make_settings
from tests.script._study import write_study_paper
from workflows.intake.extract import extract_paper
from workflows.intake.paper import Paper
from workflows.intake.sample import write_sample_paper
from workflows.script.checks import check_script
from workflows.script.draft import draft_script
from workflows.script.model import Finding, Script
from workflows.settings import Show

SHOW = Show()


@pytest.fixture(scope="module")
def papers(tmp_path_factory) -> dict[str, Paper]:
    """The three test papers: two real PDFs extracted by intake, and the SkimQA paper built in code."""
    folder = tmp_path_factory.mktemp("papers")
    return {
        "study": extract_paper(write_study_paper(folder / "study.pdf"), SHOW.intake),
        "audit": extract_paper(write_sample_paper(folder / "audit.pdf"), SHOW.intake),
        "skim": make_paper(),
    }


def _check(script: Script, paper: Paper) -> list[Finding]:
    return check_script(script, paper, SHOW, script.word_count / SHOW.writer.words_per_minute)


def _key(f: Finding) -> tuple:
    return f.check, f.severity, f.line, f.part, f.message


@pytest.mark.parametrize("name", ["study", "audit", "skim"])
def test_a_faithful_script_raises_no_error_and_no_warning(papers, name):
    """A faithful paraphrase, with ear roundings, spelled-out numbers and real quotes, raises notes at most."""
    found = _check(faithful(name), papers[name])
    assert [f for f in found if f.severity != "note"] == []


def test_roundings_for_the_ear_are_notes_that_show_the_papers_value(papers):
    """"About 85 seconds", "116 seconds", "almost 89 percent" and "about a fifth" are notes naming the real value."""
    notes = {f.message.split('"')[1]: f for f in _check(faithful("study"), papers["study"]) if f.severity == "note"}
    assert {"85 seconds", "116 seconds", "89 percent", "a fifth"} <= set(notes)
    assert "84.6 seconds" in notes["85 seconds"].message and "88.6%" in notes["89 percent"].evidence


def test_at_least_twenty_kinds_of_fabrication_are_planted():
    """The plants cover twenty kinds or more, across the three papers."""
    assert len({p.kind for p in PLANTS}) >= 20 and {p.paper for p in PLANTS} == {"study", "audit", "skim"}


@pytest.mark.parametrize("plant", PLANTS, ids=lambda p: p.id)
def test_a_planted_fabrication_is_caught_where_it_was_planted(papers, plant: Plant):
    """Each fabrication gets a new error or warning, from the expected check, on the line or part it was put in."""
    base = faithful(plant.paper)
    before = {_key(f) for f in _check(base, papers[plant.paper])}
    found = [f for f in _check(plant.apply(base), papers[plant.paper])
             if _key(f) not in before and f.severity in ("error", "warning")]
    here = [f for f in found if (f.line == plant.where if isinstance(plant.where, int) else f.part == plant.where)]
    assert [f.check for f in here if f.check == plant.check], found


@pytest.mark.parametrize("name", ["study", "audit", "skim"])
def test_an_offline_draft_raises_no_grounding_support_or_brand_finding_beyond_notes(papers, name):
    """The offline writer's draft, built from the paper's own sentences with their supports, passes the checks."""
    draft = draft_script(papers[name], make_settings(), writer="offline", target_minutes=5)
    assert any(line.support for line in draft.script.lines)
    assert [f for f in draft.findings if f.check in ("grounding", "support", "brand") and f.severity != "note"] == []
