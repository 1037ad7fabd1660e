"""Which sections and pages an episode covers, and which it leaves out, from the sections a script used."""

from __future__ import annotations

from types import SimpleNamespace

from workflows.intake.coverage import coverage, coverage_note
from workflows.intake.paper import Paper, Section
from workflows.people import Icon

SECTIONS = [("1 Introduction", 1, 1), ("2 Related Work", 1, 2), ("3 The LONGEVAL guidelines for faithful human evaluation", 2, 3),
            ("4 Results", 3, 4), ("5 Conclusion", 4, 4)]


def _paper(pages_kept: int = 4, page_count: int = 4, abstract: str = "We study things.") -> Paper:
    return Paper(title="A Paper", abstract=abstract, body_text="...", page_count=page_count, pages_kept=pages_kept, sha256="0" * 64,
                 sections=[Section(heading=h, text=f"The text of {h} says something long enough to quote here.", first_page=a,
                                   last_page=b) for h, a, b in SECTIONS])


def test_sections_named_by_the_script_are_covered_and_the_rest_left_out():
    """Chapter titles match headings without their numbers; the others are listed as left out with their pages."""
    cov = coverage(_paper(), ["Introduction", "The LongEval guidelines", "Results and what they mean"])

    assert [s.heading for s in cov.covered] == ["1 Introduction", "3 The LONGEVAL guidelines for faithful human evaluation", "4 Results"]
    assert [s.heading for s in cov.left_out] == ["2 Related Work", "5 Conclusion"]
    assert cov.pages_covered == [1, 2, 3, 4] and cov.pages_left_out == []
    lines = cov.lines()
    assert lines[0].startswith("Covers 3 of 5 sections (pages 1-4): 1 Introduction, 3 The LONGEVAL")
    assert lines[1] == "Left out: 2 Related Work (pages 1-2), 5 Conclusion (page 4)."


def test_a_section_quoted_as_support_counts_as_covered():
    """A line whose support quotes a section's sentence covers that section, whatever the chapter is called."""
    cov = coverage(_paper(), ["Opening"], quotes=["The text of 5 Conclusion says something long enough to quote here."])
    assert [s.heading for s in cov.covered] == ["5 Conclusion"]
    assert cov.pages_covered == [4] and cov.pages_left_out == [1, 2, 3]


def test_pages_never_read_and_a_missing_abstract_are_said():
    """A condensed long paper says which pages were never read; a paper without abstract says so."""
    lines = coverage(_paper(pages_kept=4, page_count=9, abstract=""), ["Introduction"]).lines()
    assert "Not read at all: pages 5-9 (the paper is longer than papercast reads)." in lines
    assert "The paper has no abstract that papercast could find." in lines


def test_the_review_note_reads_a_stored_paper_and_a_script():
    """The review message's note takes the paper as stored (JSON) and the script's chapters and support quotes."""
    script = SimpleNamespace(chapters=[SimpleNamespace(title="Introduction")],
                             lines=[SimpleNamespace(support=["The text of 4 Results says something long enough to quote here."])])
    notice = coverage_note(_paper().model_dump(mode="json"), script)
    note = str(notice)
    assert notice.icon is Icon.COVERAGE
    assert note.startswith("Covers 2 of 5 sections (pages 1, 3-4): 1 Introduction, 4 Results.")
    assert "Left out: 2 Related Work (pages 1-2), 3 The LONGEVAL" in note
