"""A word broken at a line end: joined, or kept hyphenated when the paper shows it is a compound."""

from __future__ import annotations

import pytest

from tests import pdfs
from workflows.intake.extract import extract_paper
from workflows.settings import Intake

#: "pre-" + "training" and "high-" + "light" break at line ends; the first line says what the paper writes elsewhere.
EVIDENCE_LINES = (
    "{evidence}, and then light on its own,",
    "before two words break at the end of a line: pre-",
    "training and high-",
    "light, which the paper decides about by itself.",
)

#: Breaks with no other spelling in the paper: the shape of the word decides.
SHAPE_LINES = (
    "Nothing below is written elsewhere on this page, so the breaks follow the shape",
    "of the word alone: a non-",
    "Gaussian prior, the COVID-",
    "19 data, the state-of-",
    "the-art result, a well-",
    "known trick, a two-",
    "fold gain and careful hyphen-",
    "ation repair. What is known is kept.",
)


def _body(pdf) -> str:
    return extract_paper(pdf, Intake(min_words=50)).body_text


def test_compound_broken_at_its_hyphen_keeps_it_when_the_paper_writes_it_so(tmp_path):
    """'two-' + 'column' stays 'two-column' (the paper says two-column in a line); 'extrac-' + 'tion' still joins."""
    body = _body(pdfs.line_break_paper(tmp_path / "p.pdf"))

    assert "typeset in a narrow two-column block" in body
    assert "the long word extraction was split" in body
    assert "twocolumn" not in body and "extrac-" not in body


@pytest.mark.parametrize(
    ("title", "evidence", "expected"),
    [
        ("Notes on Pre-Training", "This page says highlight inside a line", "pre-training and highlight, which"),
        ("Notes on Reading", "This page says nothing inside a line", "pretraining and high-light, which"),
    ],
    ids=["spelled-elsewhere", "no-evidence"],
)
def test_how_the_paper_spells_a_word_elsewhere_decides_first(tmp_path, title, evidence, expected):
    """'Pre-Training' in the title keeps 'pre-training' (any case); 'highlight' in a line joins 'high-' + 'light'.

    Without either, 'pre' + 'training' joins and 'high' + 'light' keeps its hyphen ('light' is a word of the paper).
    """
    lines = tuple(line.format(evidence=evidence) for line in EVIDENCE_LINES)
    body = _body(pdfs.line_break_paper(tmp_path / "p.pdf", lines, title=title))

    assert expected in body


def test_without_evidence_capitals_digits_hyphens_and_compound_words_keep_the_hyphen(tmp_path):
    """non-Gaussian, COVID-19, state-of-the-art and well-known stay; two-fold and hyphen-ation join."""
    body = _body(pdfs.line_break_paper(tmp_path / "p.pdf", SHAPE_LINES))

    assert ("a non-Gaussian prior, the COVID-19 data, the state-of-the-art result, a well-known trick, "
            "a twofold gain and careful hyphenation repair.") in body
