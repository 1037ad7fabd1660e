"""The sample paper that newcomers drop and the demo uses."""

from __future__ import annotations

from tests import pdfs
from workflows.intake import _sample_text as text
from workflows.intake.extract import extract_paper
from workflows.intake.sample import write_sample_paper
from workflows.settings import Intake


def test_sample_paper_is_the_same_bytes_every_time(tmp_path, sample_pdf):
    """Writing the sample twice gives identical files, so its sha256 is stable."""
    again = write_sample_paper(tmp_path / "again.pdf")
    assert again.read_bytes() == sample_pdf.read_bytes()


def test_sample_paper_looks_like_a_two_column_research_paper(sample_pdf):
    """It has several pages, a title, three authors, an abstract, five numbered sections and references."""
    paper = extract_paper(sample_pdf, Intake())

    assert pdfs.pages_of(sample_pdf) >= 5
    assert paper.title == text.TITLE
    assert paper.authors == text.AUTHORS
    assert paper.abstract == text.ABSTRACT
    assert [s.heading for s in paper.sections] == [heading for heading, _ in text.SECTIONS]
    assert paper.references.count("[") >= len(text.REFERENCES)
    assert paper.warnings == []


def test_every_sample_paragraph_survives_extraction_whole(sample_pdf):
    """Each paragraph of the sample reads back verbatim: columns, pages and header removal lose nothing."""
    paper = extract_paper(sample_pdf, Intake())
    body = " ".join(paper.body_text.split())

    paragraphs = [p for _, ps in text.SECTIONS for p in ps if p.isupper() is False]
    assert len(paragraphs) > 20
    for paragraph in paragraphs:
        assert paragraph in body, paragraph[:60]
    assert "Northbridge Working Papers" not in paper.body_text
    assert "25.8%" in body and "74.4%" in body


def test_sample_authors_have_their_affiliation_and_tables_stay_out_of_the_body(sample_pdf):
    """The sample's authors carry their institute (emails gone); its tables and captions are kept apart."""
    paper = extract_paper(sample_pdf, Intake())
    body = " ".join(paper.body_text.split())

    assert {a.affiliations[0] for a in paper.author_details} == {"Institute for Research Software, Northbridge University"}
    assert [t.caption for t in paper.tables] == [text.TABLE_CAPTION, text.FIXES_CAPTION]
    for caption in (text.TABLE_CAPTION, text.FIXES_CAPTION, text.YEAR_FIGURE_CAPTION, text.FIGURE_CAPTION):
        assert caption not in body
    assert "2021 6 15 19 40" in paper.tables[0].rows and "2021 6 15 19 40" not in body
