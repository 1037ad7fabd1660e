"""Extraction of well-formed papers: the fields a script writer relies on."""

from __future__ import annotations

import hashlib
import re

import pypdfium2 as pdfium
from pypdf import PdfReader

from tests import pdfs
from workflows.intake.extract import extract_paper
from workflows.settings import Intake

SECTION_HEADINGS = [f"{i} {name}" for i, name in enumerate(pdfs.SECTIONS, start=1)]


def test_one_column_paper_gives_title_authors_abstract_sections_and_references(tmp_path):
    """A plain one-column paper comes out with every part in its own field."""
    pdf = pdfs.one_column_paper(tmp_path / "one.pdf", findings=60)
    paper = extract_paper(pdf, Intake())

    assert paper.title == pdfs.TITLE
    assert paper.authors == pdfs.AUTHORS
    assert paper.abstract == pdfs.ABSTRACT
    assert [s.heading for s in paper.sections] == SECTION_HEADINGS
    assert pdfs.finding_numbers(paper.body_text) == list(range(1, 61))
    assert "[1] A. Author and B. Writer" in paper.references
    assert "Reading PDFs at scale" not in paper.body_text
    assert paper.page_count == paper.pages_kept == pdfs.pages_of(pdf)
    assert paper.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert paper.warnings == []


def test_two_column_paper_reads_every_sentence_whole_and_in_order(tmp_path):
    """Two columns are read left then right, and no sentence is cut or lost."""
    pdf = pdfs.two_column_paper(tmp_path / "two.pdf", findings=150)
    paper = extract_paper(pdf, Intake())

    assert pdfs.pages_of(pdf) >= 3
    assert pdfs.finding_numbers(paper.body_text) == list(range(1, 151))
    assert [s.heading for s in paper.sections] == SECTION_HEADINGS
    assert paper.abstract == pdfs.ABSTRACT


def test_running_header_and_page_numbers_are_removed(tmp_path):
    """The header on every page and the page numbers do not end up in the text."""
    pdf = pdfs.two_column_paper(tmp_path / "two.pdf", findings=150)
    paper = extract_paper(pdf, Intake())
    everything = "\n".join([paper.abstract, paper.body_text, paper.references])

    assert "Preprint." not in everything
    assert not re.search(r"(^|\n)\d{1,3}(\n|$)", everything), "a lone page number survived"
    # The header was really there on each page, so the test can fail.
    assert all(pdfs.HEADER in page.extract_text() for page in PdfReader(str(pdf)).pages)


def test_columns_drawn_right_first_are_still_read_left_first(tmp_path):
    """A PDF whose content stream draws the right column first is put back in reading order."""
    pdf = pdfs.two_column_paper(tmp_path / "reversed.pdf", findings=150, right_column_first=True)
    raw = pdfium.PdfDocument(str(pdf))[1].get_textpage().get_text_range()
    raw_order = pdfs.finding_numbers(raw)
    assert raw_order != sorted(raw_order), "precondition: pdfium's own order is backwards here"

    paper = extract_paper(pdf, Intake())
    assert pdfs.finding_numbers(paper.body_text) == list(range(1, 151))


def test_line_end_hyphenation_is_joined_and_real_hyphens_kept(tmp_path):
    """'hyphen-' + 'ation' on the next line becomes 'hyphenation'; 'two-column' inside a line stays."""
    paper = extract_paper(pdfs.hyphenated_paper(tmp_path / "h.pdf"), Intake(min_words=50))

    assert "careful hyphenation repair" in paper.body_text
    assert "the word extraction, is joined" in paper.body_text
    assert "two-column" in paper.body_text
    assert "state-of-the-art" in paper.body_text
    assert "hyphen-" not in paper.body_text and "extrac-" not in paper.body_text


def test_ligatures_come_out_as_plain_letters(tmp_path):
    """Words set with fi/fl ligature glyphs read as ordinary letters."""
    paper = extract_paper(pdfs.ligature_paper(tmp_path / "lig.pdf"), Intake(min_words=50))

    for word in ("fine-tuning", "flow", "significant", "benefits", "field", "flexible", "files"):
        assert word in paper.body_text
    assert not re.search("[\ufb00-\ufb06]", paper.body_text)
    assert paper.title == "Ligature Test Paper"


def test_long_paper_is_condensed_and_says_what_was_kept(long_pdf):
    """A 120-page paper keeps its first 100 pages and a warning names the pages left out."""
    paper = extract_paper(long_pdf, Intake(long_paper_pages=100))

    assert paper.page_count == 120
    assert paper.pages_kept == 100
    assert any("pages 1-100" in w and "101-120" in w for w in paper.warnings)
    page_101 = PdfReader(str(long_pdf)).pages[100].extract_text()
    first_left_out = min(pdfs.finding_numbers(page_101))
    found = pdfs.finding_numbers(paper.body_text)
    assert found == list(range(1, len(found) + 1))
    assert max(found) < first_left_out


def test_paper_without_abstract_or_headings_says_so(tmp_path):
    """A page of plain text still extracts, with warnings saying what was not found."""
    paper = extract_paper(pdfs.hyphenated_paper(tmp_path / "h.pdf"), Intake(min_words=50))

    assert paper.abstract == ""
    assert any("No abstract" in w for w in paper.warnings)
    assert any("No section headings" in w for w in paper.warnings)
