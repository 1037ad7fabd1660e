"""The paper's language is detected offline; a paper in another language than the show's is refused."""

from __future__ import annotations

import re

import pytest

from tests.intake import _layouts
from workflows.intake import errors
from workflows.intake.extract import extract_paper
from workflows.intake.language import detect_language
from workflows.settings import Intake


@pytest.fixture(scope="module")
def german(pdf_dir) -> _layouts.Layout:
    return _layouts.german_paper(pdf_dir / "german.pdf")


def test_a_german_paper_is_refused_for_an_english_show_with_how_to_change_it(german):
    """The refusal names the detected language and says how to set show.language (or allow other languages)."""
    with pytest.raises(errors.WrongLanguage) as caught:
        extract_paper(german.path, Intake(), show_language="en")
    err = caught.value
    assert err.kind == "wrong_language" and (err.detected, err.show_language) == ("de", "en")
    assert "written in German (de)" in err.message and "show is in English (en)" in err.message
    assert 'language = "de"' in err.hint and "allow_other_languages = true" in err.hint


def test_a_german_paper_is_read_whole_for_a_german_show(german):
    """For a show in German the same paper is accepted, with its authors, abstract, headings and every sentence."""
    paper = extract_paper(german.path, Intake(), show_language="de")

    assert paper.language == "de"
    assert paper.authors == german.authors == ["Jonas Färber", "Anna Schmidt"]
    assert paper.abstract == german.abstract
    assert [s.heading for s in paper.sections] == german.headings
    numbers = [int(n) for n in re.findall(r"Befund (\d{4}) zeigt, dass sorgfältiges Lesen jeden Satz vollständig und "
                                          r"in der richtigen Reihenfolge erhält\.", " ".join(paper.body_text.split()))]
    assert numbers == list(range(1, german.findings + 1))
    assert "Zeitschrift für Satz" in paper.references


def test_a_show_that_allows_other_languages_takes_the_paper(german):
    """show.intake.allow_other_languages = true accepts a German paper for an English show."""
    paper = extract_paper(german.path, Intake(allow_other_languages=True), show_language="en")
    assert paper.language == "de"


def test_an_english_paper_is_english(pdf_dir):
    """An English paper is detected as "en" and accepted for an English show."""
    layout = _layouts.acl_paper(pdf_dir / "acl-lang.pdf")
    assert extract_paper(layout.path, Intake(), show_language="en").language == "en"


def test_too_little_text_has_no_language():
    """A few words are not enough to tell a language: the answer is "" and nothing is refused for it."""
    assert detect_language("Table 3") == ""
    assert detect_language("Die Ergebnisse zeigen, dass die Methode zuverlässig ist und für die meisten Aufsätze "
                           "gut funktioniert, auch wenn die Spalten eng gesetzt sind und viele Fußnoten haben.") == "de"


def test_chinese_japanese_and_korean_are_told_by_their_script():
    """Han, kana and Hangul text is told apart without loading the large CJK profiles."""
    assert detect_language("我们研究如何把一篇研究论文读给听众听，并且保证每一个句子都是完整的。" * 3) == "zh"
    assert detect_language("私たちは研究論文を読み上げる方法を調べました。すべての文が完全に保たれます。" * 3) == "ja"
    assert detect_language("우리는 연구 논문을 소리 내어 읽는 방법을 연구했습니다. 모든 문장이 온전하게 유지됩니다." * 3) == "ko"
