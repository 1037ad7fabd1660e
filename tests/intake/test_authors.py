"""Author lines as pdfium hands them over, read into exact names."""

from __future__ import annotations

from workflows.intake._authors import clean_name, read_authors
from workflows.intake._chars import Span
from workflows.intake._pages import Line


def _line(text: str, top: float, size: float = 11, spans: list[Span] | None = None) -> Line:
    return Line(text=text, page=0, x0=72, x1=72 + 5 * len(text), top=top, size=size, spans=spans)


def test_markers_glued_to_names_on_one_line_are_stripped():
    """'Kyle Loα Zejiang Shenα, Pao Siangliulue□' is three names, without their markers."""
    authors, used = read_authors([_line("Kyle Loα, Zejiang Shenα, Pao Siangliulue□", 700), _line("αAllen Institute for AI", 686)])
    assert [a.name for a in authors] == ["Kyle Lo", "Zejiang Shen", "Pao Siangliulue"]
    assert used == 2


def test_names_apart_in_a_row_split_at_the_gaps_and_keep_initials():
    """Names set apart by wide gaps (one pdfium line) are split at the gaps; 'Daniel S. Weld' keeps its initial."""
    spans = [Span("Ann Example", 100, 160, 710, 11), Span("1", 160.5, 163, 714, 6.6), Span("Daniel S. Weld", 200, 270, 710, 11),
             Span("1,2", 270.5, 276, 714, 6.6)]
    affil = [Span("1", 100, 103, 698, 6.6), Span("Example University", 104, 190, 694, 11), Span("2", 220, 223, 698, 6.6),
             Span("Another Institute", 224, 300, 694, 11)]
    authors, _ = read_authors([_line("Ann Example1 Daniel S. Weld1,2", 710, spans=spans), _line("1Example University 2Another Institute", 694, spans=affil)])
    assert [(a.name, a.affiliations) for a in authors] == [
        ("Ann Example", ["Example University"]), ("Daniel S. Weld", ["Example University", "Another Institute"])]


def test_all_caps_author_lines_are_title_cased_with_their_affiliation():
    """'TAL AUGUST, University of Washington, USA' is Tal August of the University of Washington, USA."""
    authors, _ = read_authors([_line("TAL AUGUST, University of Washington, USA", 700, 9.5), _line("JEAN-LUC O'NEIL, Example Lab, France", 688, 9.5)])
    assert [(a.name, a.affiliations) for a in authors] == [
        ("Tal August", ["University of Washington, USA"]), ("Jean-Luc O'Neil", ["Example Lab, France"])]


def test_a_sentence_ends_the_author_block():
    """The first line that is not names, affiliations or emails ends the block and is not counted."""
    authors, used = read_authors([_line("Ann Example and Bob Sample", 700), _line("ann@example.org", 688),
                                  _line("We study how a listener hears a research paper that was read aloud by two hosts today.", 660, 10)])
    assert [a.name for a in authors] == ["Ann Example", "Bob Sample"] and used == 2


def test_clean_name_keeps_accents_and_particles():
    """Composed accents, particles and initials survive cleaning; emails and stars go."""
    assert clean_name("Jose\u0301 van der Berg*") == "José van der Berg"
    assert clean_name("M. A. HEARST") == "M. A. Hearst"
