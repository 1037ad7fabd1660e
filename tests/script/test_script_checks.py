"""Automated review checks: grounding, brand and length findings, each pointing at its line."""

from __future__ import annotations

import pytest

from tests.script._papers import make_paper, make_script
from workflows.script.checks import check_script
from workflows.settings import Brand, Host, Show

SHOW = Show()
INTRO = "Welcome to Paper Trail. I'm Ada, and with me is Ben."
OUTRO = "That's all for today. Thanks for listening to Paper Trail."


def _script(*middle: str, show: Show = SHOW):
    return make_script([INTRO, *middle, OUTRO], show)


def _findings(script, check: str, show: Show = SHOW, minutes: float | None = None):
    minutes = minutes or script.word_count / show.writer.words_per_minute
    return [f for f in check_script(script, make_paper(), show, minutes) if f.check == check]


def test_a_faithful_script_has_no_findings():
    """A script that only uses the paper's numbers and quotes, with intro and sign-off, passes every check."""
    script = _script(
        "So what did they find?",
        "With the full document the model reaches 71.3 percent accuracy, and SkimQA keeps 97.5% of it.",
        "How many questions?",
        "They used 1200 questions from three benchmarks, and cut tokens from 182,000 to 14,600.",
        "Been there. Did they say anything memorable? Add it to the data, Ben.",
        "Yes: \"Most of a book is scenery, for most questions.\" Passages are 256 tokens long.",
    )
    assert check_script(script, make_paper(), SHOW, script.word_count / 150) == []


@pytest.mark.parametrize(
    "sentence, culprit",
    [
        ("SkimQA keeps 98.5% of the accuracy.", "98.5%"),
        ("It cuts cost by 73 percent.", "73 percent"),
        ("They tested 1,300 questions.", "1,300"),
        ("Input drops to 14,700 tokens.", "14,700"),
        ("A study from 1987 found the same.", "1987"),
    ],
)
def test_an_invented_number_gets_a_grounding_finding_on_its_line(sentence, culprit):
    """A number or percentage that is not in the paper is reported, with the line it is on."""
    found = _findings(_script("What did they find?", "Quite a lot.", sentence), "grounding")
    assert [(f.line, f.severity) for f in found] == [(3, "error")]
    assert culprit in found[0].message


def test_an_invented_quotation_gets_a_grounding_finding():
    """A quotation of three words or more that is not in the paper is reported."""
    found = _findings(_script("They wrote \"reading is for people with too much time\".", "Ha."), "grounding")
    assert [f.line for f in found] == [1] and "reading is for people" in found[0].message


def test_small_counts_and_the_intro_year_are_not_grounding_findings():
    """Small whole numbers and a year in the opening lines are not checked."""
    script = make_script([f"{INTRO} This paper came out in 2025.", "They ran 2 passes over 3 benchmarks.", OUTRO])
    assert _findings(script, "grounding") == []


def test_a_misspelled_host_name_gets_a_brand_finding():
    """Host and show names spelled differently from the config are reported on their line."""
    script = _script("Thanks, Adda.", "You're welcome, ben. This is Paper Trial after all.")
    found = _findings(script, "brand")
    assert [(f.line, f.severity) for f in found] == [(1, "warning"), (2, "warning"), (2, "warning")]
    messages = " ".join(f.message for f in found)
    assert "\"Adda\"" in messages and "\"ben\"" in messages and "\"Paper Trial\"" in messages


def test_long_host_names_allow_two_typos_but_real_words_from_the_paper_are_not_names():
    """A misspelling at edit distance 2 of a long name is caught; a word from the paper is left alone."""
    show = Show(name="Deep Reading Club", hosts=[Host(key="a", name="Konstantin"), Host(key="b", name="Benedetta")])
    script = make_script([
        "Welcome to Deep Reading Club. I'm Konstantin, with Benedetta.",
        "Konstanin here again.",
        "SkimQA is the method.",
        "Thanks for listening to Deep Reading Club.",
    ], show)
    found = _findings(script, "brand", show)
    assert [(f.line, "Konstanin" in f.message) for f in found] == [(1, True)]


def test_a_missing_sign_off_gets_a_brand_error_on_the_last_line():
    """Without the configured sign-off in the last lines, a brand error points at the last line."""
    script = make_script([INTRO, "SkimQA keeps 97.5% of the accuracy.", "Bye now.", "See you."])
    found = _findings(script, "brand")
    assert [(f.line, f.severity) for f in found] == [(3, "error")]
    assert "Thanks for listening to Paper Trail." in found[0].message


def test_a_missing_intro_gets_a_brand_error_on_the_first_line():
    """Without the configured intro in the first lines, a brand error points at line 0."""
    script = make_script(["Hi all.", "Hello.", "Today: skimming.", "Right.", OUTRO])
    found = _findings(script, "brand")
    assert [(f.line, "Welcome to Paper Trail." in f.message) for f in found] == [(0, True)]


def test_a_banned_phrase_gets_a_brand_error():
    """A banned phrase, inflected or hyphenated differently, is reported on its line."""
    show = Show(brand=Brand(banned_phrases=["delve", "game-changer"]))
    script = _script("Let's start.", "The paper delves into retrieval.", "A real game changer.", show=show)
    found = _findings(script, "brand", show)
    assert [(f.line, f.severity) for f in found] == [(2, "error"), (3, "error")]
    assert "delves" in found[0].message and "game changer" in found[1].message


def test_a_word_with_a_pronunciation_hint_written_as_spelled_gets_a_brand_finding():
    """A word listed in brand.pronunciations must be written the way it is said."""
    show = Show(brand=Brand(pronunciations={"SkimQA": "Skim Q A"}))
    script = _script("It is called SkimQA.", "Yes, Skim Q A keeps 97.5% of the accuracy.", show=show)
    found = _findings(script, "brand", show)
    assert [f.line for f in found] == [1] and "Skim Q A" in found[0].message


@pytest.mark.parametrize("minutes, direction", [(10, "shorter"), (0.05, "longer")])
def test_a_script_far_from_the_target_length_gets_a_length_finding(minutes, direction):
    """Beyond ±25% of the target, a length warning says the estimate and by how much it is off."""
    script = _script("SkimQA keeps 97.5% of the accuracy.", "Nice.")
    found = _findings(script, "length", minutes=minutes)
    assert len(found) == 1 and found[0].line is None and found[0].severity == "warning"
    assert direction in found[0].message and "%" in found[0].message and f"{minutes:g}-minute target" in found[0].message


def test_a_script_within_a_quarter_of_the_target_has_no_length_finding():
    """An estimate 20% under the target is not reported."""
    script = _script("SkimQA keeps 97.5% of the accuracy.", "Nice.")
    target = script.word_count / 150 / 0.8
    assert _findings(script, "length", minutes=target) == []
