"""Numbers as a listener hears them, and what of the paper counts as saying them."""

from __future__ import annotations

import pytest

from tests.script._papers import make_paper, make_script
from tests.script._study import write_study_paper
from workflows.intake.extract import extract_paper
from workflows.script.grounding import check_grounding
from workflows.script.numbers import quantities
from workflows.settings import Show


@pytest.mark.parametrize("text, value, family", [
    ("sixty-four percent of them", 0.64, "%"),
    ("three hundred and twelve papers", 312, ""),
    ("about a fifth of the abstracts", 0.2, "%"),
    ("three quarters of the papers", 0.75, "%"),
    ("one in four ran", 0.25, "%"),
    ("twice as fast", 2, "x"),
    ("three times as often", 3, "x"),
    ("a threefold gain", 3, "x"),
    ("by a factor of 3.5", 3.5, "x"),
    ("12x fewer tokens", 12, "x"),
    ("3.1K words", 3100, ""),
    ("1.5 million rows", 1_500_000, ""),
    ("US$15 a week", 15, "USD"),
    ("fifteen dollars", 15, "USD"),
    ("84.6 seconds", 84.6, "s"),
    ("two minutes", 120, "s"),
    ("2.3 hours", 8280, "s"),
])
def test_numbers_in_words_digits_fractions_and_multipliers_are_read_with_their_unit(text, value, family):
    """Each way of saying a number gives its value in base units and its unit family."""
    q = quantities(text)[0]
    assert (round(q.value, 6), q.family) == (value, family)


def test_hedges_and_written_precision_are_kept():
    """"almost 89 percent" is hedged below with a step of one point; "about 90" implies a step of ten."""
    almost, about = quantities("almost 89 percent, and about 90 papers")
    assert (almost.hedge, round(almost.step, 4)) == ("below", 0.01)
    assert (about.hedge, about.step, about.exact_step) == ("about", 10.0, 1.0)


def test_an_ordinary_twice_is_not_a_multiplier():
    """"I read it twice." compares nothing, so it is not read as a number."""
    assert quantities("I read it twice.") == []


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The field-study paper, extracted from its PDF: 41 citations, sections, a table, a figure."""
    return extract_paper(write_study_paper(tmp_path_factory.mktemp("p") / "study.pdf"), Show().intake)


@pytest.mark.parametrize("sentence, culprit", [
    ("The team looked at 41 participants.", "41"),  # only a citation marker, [41]
    ("They cite 27 earlier studies.", "27"),  # only in [23]-[27]
])
def test_citation_markers_and_reference_numbers_do_not_ground_a_number(study, sentence, culprit):
    """A number the paper has only as a citation marker is reported as not in the paper."""
    found = check_grounding(make_script(["Welcome.", "Hi.", "So?", sentence, "Bye."]), study)
    assert [(f.line, f.severity) for f in found] == [(3, "error")] and f"\"{culprit}\"" in found[0].message


def test_a_changed_number_shows_what_the_paper_says_in_that_context(study):
    """A wrong percentage is an error that names the paper's value for the same thing."""
    found = check_grounding(make_script(["Welcome.", "Hi.", "So?", "They opened 27% of the abstracts.", "Bye."]), study)
    assert len(found) == 1 and found[0].severity == "error" and "21%" in found[0].message


def test_a_value_from_another_context_is_a_warning(study):
    """162 is the number of papers, not of participants: a warning that shows what the paper says instead."""
    found = check_grounding(make_script(["Welcome.", "Hi.", "So?", "They recruited 162 participants.", "Bye."]), study)
    assert [(f.severity, f.line) for f in found] == [("warning", 3)]
    assert "\"ten\"" in found[0].message and "We recruited ten participants" in found[0].evidence


def test_the_title_summary_and_show_notes_are_checked():
    """A wrong number in the public title, summary or show notes is reported with the part it is in."""
    script = make_script(["Welcome to Paper Trail.", "SkimQA keeps 97.5% of the accuracy.", "Bye."])
    script = script.model_copy(update={"title": "Skim 12 Books", "summary": "It keeps 99% of the accuracy.",
                                       "show_notes": "Tested on 5,000 questions."})
    found = check_grounding(script, make_paper())
    assert [(f.part, f.severity) for f in found] == [("title", "error"), ("summary", "error"), ("show_notes", "error")]


def test_quotes_match_across_typographic_quotes_and_hyphenation():
    """Curly quotes, a dash for a hyphen and different case still match the paper's quotation."""
    script = make_script(["Welcome.", "They say “Most of a book is scenery for most questions”.", "Bye."])
    assert check_grounding(script, make_paper()) == []
