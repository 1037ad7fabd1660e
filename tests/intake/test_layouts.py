"""Intake on papers laid out like real ones: ACL, ACM CHI, ACM journal, arXiv preprint (see _layouts.py)."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest

from tests import pdfs
from tests.intake import _layouts
from workflows.intake.extract import extract_paper
from workflows.intake.paper import Paper
from workflows.settings import Intake

NAMES = [m.__name__ for m in _layouts.MAKERS]


@pytest.fixture(scope="module")
def papers(pdf_dir) -> dict[str, tuple[_layouts.Layout, Paper]]:
    made = {}
    for make in _layouts.MAKERS:
        layout = make(pdf_dir / f"{make.__name__}.pdf")
        made[make.__name__] = (layout, extract_paper(layout.path, Intake()))
    return made


def _raw(layout: _layouts.Layout) -> str:
    """All the text pdfium finds in the PDF, spaces normalised: what a naive reader would put in the body."""
    doc = pdfium.PdfDocument(str(layout.path))
    try:
        return " ".join(" ".join(page.get_textpage().get_text_range() for page in doc).split())
    finally:
        doc.close()


@pytest.mark.parametrize("name", NAMES)
def test_author_names_come_out_exactly_as_printed(papers, name):
    """Names are exact: markers and emails stripped, initials kept, ALL-CAPS names title-cased."""
    layout, paper = papers[name]
    assert paper.authors == layout.authors
    assert [a.name for a in paper.author_details] == layout.authors
    got = {a.name: a.affiliations for a in paper.author_details}
    for author, affiliations in layout.affiliations.items():
        assert got[author] == affiliations, author


@pytest.mark.parametrize("name", NAMES)
def test_abstract_is_found_without_boilerplate_labelled_or_not(papers, name):
    """The abstract is the abstract: no label, no CCS concepts, keywords, reference format or stamp in it."""
    layout, paper = papers[name]
    assert paper.abstract == layout.abstract


@pytest.mark.parametrize("name", NAMES)
def test_no_caption_footnote_header_or_venue_line_reaches_the_body(papers, name):
    """Captions, table cells, footnote URLs, running headers and venue lines are in the PDF but not in the body."""
    layout, paper = papers[name]
    raw = _raw(layout)
    body = " ".join(f"{paper.abstract} {paper.body_text}".split())
    for leak in layout.captions + layout.footnote_urls + layout.running + layout.venue:
        assert leak in raw, f"precondition: {leak!r} is printed in the PDF"
        assert leak not in body, leak


@pytest.mark.parametrize("name", NAMES)
def test_every_body_sentence_is_whole_and_in_order(papers, name):
    """Footnotes and floats between columns do not cut a sentence: every numbered sentence reads whole, in order."""
    layout, paper = papers[name]
    assert pdfs.finding_numbers(paper.body_text) == list(range(1, layout.findings + 1))


@pytest.mark.parametrize("name", NAMES)
def test_headings_are_whole_even_over_two_lines(papers, name):
    """A heading set on two lines, or starting with a bracket or a number, is one whole section heading."""
    layout, paper = papers[name]
    assert [s.heading for s in paper.sections] == layout.headings


@pytest.mark.parametrize("name", NAMES)
def test_detached_accents_are_joined_to_their_letters(papers, name):
    """An accent typeset as its own glyph ("Farber ̈") reads as one letter ("Färber"), NFC."""
    layout, paper = papers[name]
    assert "Farber" in _raw(layout), "precondition: the accent is drawn apart from its letter"
    assert "As Färber and José argue" in paper.body_text
    assert not re.search("[\u0300-\u036f\u00a8\u00b4]", paper.body_text + paper.references)


@pytest.mark.parametrize("name", NAMES)
def test_captions_tables_and_footnotes_are_kept_apart(papers, name):
    """What left the body is not lost: captions, table rows and footnotes are in their own fields."""
    layout, paper = papers[name]
    captions = " ".join(c.text for c in paper.captions)
    assert _layouts.FIG in captions
    if _layouts.TAB in layout.captions:
        (table,) = paper.tables
        assert table.caption == _layouts.TAB
        assert table.rows == [" ".join(r) for r in _layouts.TABLE]
    notes = " ".join(f.text for f in paper.footnotes + paper.front_matter)
    for url in layout.footnote_urls:
        assert url in notes


def test_acm_front_matter_is_kept_apart_from_abstract_and_body(papers):
    """CCS concepts, keywords, the ACM reference format and the permission block go to front_matter."""
    _, paper = papers["chi_paper"]
    front = " ".join(n.text for n in paper.front_matter)
    for part in ("CCS CONCEPTS", "KEYWORDS", "ACM Reference Format", "Permission to make digital", "ACM ISBN"):
        assert part in front


def test_sections_know_their_pages(papers):
    """Each section says on which pages it is, in order, within the paper."""
    _, paper = papers["acl_paper"]
    pages = [(s.first_page, s.last_page) for s in paper.sections]
    assert pages[0][0] == 1 and all(1 <= a <= b <= paper.page_count for a, b in pages)
    assert [a for a, _ in pages] == sorted(a for a, _ in pages)
