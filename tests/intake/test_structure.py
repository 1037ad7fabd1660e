"""Finding a paper's parts in its lines, on lines built by hand."""

from __future__ import annotations

from workflows.intake._pages import Line
from workflows.intake._structure import split_paper

BODY = "This sentence is ordinary body text that fills a whole line of a column."


def _lines(*texts: str, title_size: float = 16) -> list[Line]:
    out, top = [], 720.0
    for i, text in enumerate(texts):
        size = title_size if i == 0 else 10
        bold = text[:1].isdigit() and len(text) < 40
        out.append(Line(text=text, page=0, x0=72, x1=72 + 5 * len(text), top=top, size=size, bold=bold))
        top -= 12
    return out


def test_inline_abstract_after_a_dash_is_found():
    """'Abstract—We study...' gives an abstract that starts at 'We study'."""
    parts = split_paper(_lines("A Paper", "Ann Example, Bob Sample", "Abstract—We study things.", "More abstract.", "1 Introduction", BODY), {})
    assert parts.abstract == "We study things. More abstract."
    assert [a.name for a in parts.authors] == ["Ann Example", "Bob Sample"]
    assert [s.heading for s in parts.sections] == ["1 Introduction"]


def test_a_line_starting_with_the_word_abstract_is_not_an_abstract_heading():
    """'Abstract Syntax Notation One...' is body text, not the abstract."""
    parts = split_paper(_lines("A Manual", "Abstract Syntax Notation One is a language.", "1 Introduction", BODY), {})
    assert parts.abstract == ""


def test_references_and_a_following_appendix_are_kept_out_of_the_body():
    """Text after 'References' goes to references; an appendix after them is dropped and noted."""
    parts = split_paper(
        _lines("A Paper", "Abstract", "Short.", "1 Introduction", BODY, "References", "[1] A. Person. A work. 2020.", "Appendix A", "Proofs."), {}
    )
    assert parts.references == "[1] A. Person. A work. 2020."
    assert parts.appendix_dropped
    assert all("Proofs" not in s.text for s in parts.sections)


def test_unstyled_numbered_sentence_is_not_a_heading():
    """'3 The model...' in plain body type is a sentence, not a section heading."""
    lines = _lines("A Paper", "Abstract", "Short.", "1 Introduction", "3 The model was trained twice", BODY)
    lines[4].bold = False
    parts = split_paper(lines, {})
    assert [s.heading for s in parts.sections] == ["1 Introduction"]


def test_title_falls_back_to_document_metadata():
    """With no larger font on page one, the PDF's Title metadata is used."""
    parts = split_paper(_lines(BODY, BODY, title_size=10), {"Title": "A Study of Things"})
    assert parts.title == "A Study of Things"
