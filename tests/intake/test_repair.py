"""Text repair rules, on the strings pdfium hands over."""

from __future__ import annotations

from workflows.intake._pages import Line, PageText
from workflows.intake._repair import clean_line, join_lines, mend_broken_words


def _line(text: str, top: float, x1: float = 300) -> Line:
    return Line(text=text, page=0, x0=72, x1=x1, top=top, size=10)


def _mended(*texts: str) -> list[str]:
    """Lines of pdfium text as extract_paper repairs them: each cleaned, then the breaks mended paper-wide."""
    lines = [_line(clean_line(text), 700 - 12 * i) for i, text in enumerate(texts)]
    page = PageText(index=0, width=612, height=792, lines=lines)
    mend_broken_words([page])
    return [line.text for line in page.lines]


def test_ligature_characters_become_letters():
    """ﬁ, ﬂ, ﬀ, ﬃ and ﬄ are spelled out (NFKC)."""
    assert clean_line("e\ufb03cient \ufb01ne \ufb02ow o\ufb00er ba\ufb04e") == "efficient fine flow offer baffle"


def test_pdfium_soft_hyphen_mark_joins_a_word_but_keeps_a_real_compound():
    """U+FFFE (or U+0002) before a lowercase letter joins the word; before a capital it stays a hyphen."""
    assert _mended("careful hyphen\ufffeation", "non\ufffeEnglish text", "extrac\x02tion") == [
        "careful hyphenation", "non-English text", "extraction"
    ]


def test_soft_hyphen_mark_outside_a_word_is_a_hyphen():
    """A mark with a space or punctuation beside it is an ordinary hyphen."""
    assert clean_line("pages 3 \ufffe 5 and (\ufffe)") == "pages 3 - 5 and (-)"


def test_compound_broken_at_its_hyphen_follows_the_rest_of_the_paper():
    """'two-column' elsewhere keeps the hyphen at a break; 'twocolumn' elsewhere joins it."""
    assert _mended("a two\ufffecolumn page", "Two-Column layouts") == ["a two-column page", "Two-Column layouts"]
    assert _mended("a two\ufffecolumn page", "twocolumn layouts") == ["a twocolumn page", "twocolumn layouts"]


def test_hyphen_at_line_end_joins_only_a_lowercase_continuation():
    """'extrac-' + 'tion' joins; 'Fig-' + 'Ure' and mid-line 'two-column' do not."""
    text = join_lines([_line("good extrac-", 700), _line("tion of two-column text and Fig-", 688), _line("Ure one.", 676)])
    assert text == "good extraction of two-column text and Fig- Ure one."


def test_short_line_ending_a_sentence_ends_the_paragraph():
    """A short last line that ends with a full stop starts a new paragraph."""
    text = join_lines([_line("A full line of text.", 700), _line("Short end.", 688, x1=150), _line("Next paragraph.", 676)])
    assert text == "A full line of text. Short end.\n\nNext paragraph."
