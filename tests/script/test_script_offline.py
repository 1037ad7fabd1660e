"""The offline writer: a real two-host conversation from the paper, deterministic, labelled as a draft."""

from __future__ import annotations

import pytest

from tests.pdfs import TITLE as PDF_TITLE
from tests.pdfs import two_column_paper
from tests.script._papers import KEY_CLAIM, make_paper
from tests.script._settings import make_settings
from workflows.intake.extract import extract_paper
from workflows.script.checks import check_length, check_script
from workflows.script.writers import get_writer
from workflows.settings import Brand, Intake, Show

_SHOW = Show()


def _offline():
    return get_writer("offline", make_settings())


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """A real PDF, made with reportlab and read by intake's extractor."""
    pdf = two_column_paper(tmp_path_factory.mktemp("pdf") / "paper.pdf")
    return extract_paper(pdf, Intake())


def test_offline_script_from_a_real_pdf_has_both_hosts_the_title_and_the_claims(extracted):
    """From an extracted PDF, both hosts speak, the title and the abstract's claims appear, and checks pass."""
    script = _offline().write(extracted, _SHOW, target_minutes=3).script
    speakers = [l.speaker for l in script.lines]
    assert set(speakers) == {"a", "b"}
    assert all(x != y for x, y in zip(speakers, speakers[1:])), "the hosts alternate"
    text = "\n".join(l.text for l in script.lines)
    assert PDF_TITLE in text
    assert "A small extractor keeps every sentence whole" in text
    assert script.lines[0].text.startswith("Welcome to Paper Trail.") and script.lines[0].speaker == "a"
    assert script.lines[-1].text.endswith("Thanks for listening to Paper Trail.")
    assert check_script(script, extracted, _SHOW, 3) == []


def test_offline_script_is_identical_for_identical_input(extracted):
    """Writing twice from the same paper gives byte-identical scripts."""
    one = _offline().write(extracted, _SHOW, target_minutes=4).script
    two = _offline().write(extracted.model_copy(deep=True), _SHOW, target_minutes=4).script
    assert one.model_dump_json() == two.model_dump_json()


def test_offline_script_is_marked_as_an_offline_draft(paper):
    """The script says it is an offline draft: flag, writer, summary and show notes."""
    script = _offline().write(paper, _SHOW, target_minutes=4).script
    assert script.offline_draft and script.writer == "offline"
    assert "Offline draft" in script.summary and "Offline draft" in script.show_notes


def test_offline_script_has_a_chapter_per_main_section_and_the_key_claim(paper):
    """Each main section gets a chapter (references skipped), and the headline claim is read out."""
    script = _offline().write(paper, _SHOW, target_minutes=8).script
    titles = [c.title for c in script.chapters]
    assert titles == ["Opening", "Introduction", "Related Work", "Method", "Experiments", "Results",
                      "Limitations", "Conclusion", "Wrap-up"]
    text = " ".join(l.text for l in script.lines)
    assert KEY_CLAIM in text
    assert "With the full document the model reaches 71.3% exact-match accuracy." in text
    assert [f for f in check_script(script, paper, _SHOW, 8) if f.check != "length"] == []


def test_offline_script_follows_the_brand_guide(paper):
    """Banned phrases in the paper are not read out, and pronunciations are written as spoken."""
    show = Show(brand=Brand(pronunciations={"BM25": "B M twenty-five"}))
    script = _offline().write(paper, show, target_minutes=8).script
    text = " ".join(l.text for l in script.lines)
    assert "groundbreaking" not in text.lower()
    assert "B M twenty-five" in text and "BM25" not in text
    assert [f for f in check_script(script, paper, show, 8) if f.check == "brand"] == []


@pytest.mark.parametrize("minutes", [2, 4])
def test_offline_script_length_follows_the_target(extracted, minutes):
    """When the paper has enough to say, the script's estimated length is within 25% of the target."""
    script = _offline().write(extracted, _SHOW, target_minutes=minutes).script
    assert check_length(script, _SHOW, minutes) == []


def test_offline_writer_handles_a_long_paper_by_selection():
    """A paper far longer than the target still gives a script near the target length, from all over the paper."""
    sections = {f"{n} Study {n}": " ".join(
        f"In study {n} the team measured effect {n}.{k} across {100 + k} participants with a clear result."
        for k in range(40)) for n in range(1, 41)}
    paper = make_paper(sections)
    script = _offline().write(paper, _SHOW, target_minutes=6).script
    assert paper.word_count > 10 * script.word_count
    assert check_length(script, _SHOW, 6) == []


def test_regeneration_keeps_uncriticised_lines_and_answers_the_notes(paper):
    """With notes, criticised lines go, every other line stays, and a paper sentence answering the notes is added."""
    first = _offline().write(paper, _SHOW, target_minutes=2).script
    criticised = first.lines[5].text
    notes = "Line 6 is too dry. Please explain how the method splits documents into passages."
    revised = _offline().write(paper, _SHOW, target_minutes=2, previous=first, notes=notes).script

    texts = [l.text for l in revised.lines]
    assert criticised not in texts
    kept = [l.text for i, l in enumerate(first.lines) if i not in (4, 5)]  # line 6 is an answer: its question goes too
    iterator = iter(texts)
    assert all(t in iterator for t in kept), "every uncriticised line is kept, in order"
    added = [t for t in texts if t not in kept]
    assert any("SkimQA splits each document into passages of 256 tokens." in t for t in added), added
    assert revised.lines[-1].text == first.lines[-1].text
    assert "Revised after reviewer notes" in revised.summary and revised.offline_draft
    again = _offline().write(paper, _SHOW, target_minutes=2, previous=first, notes=notes).script
    assert again.model_dump_json() == revised.model_dump_json()


def test_regeneration_drops_lines_quoted_in_the_notes(paper):
    """A quoted answer is criticised and removed with its question; chapters still point at real lines."""
    first = _offline().write(paper, _SHOW, target_minutes=5).script
    index, target = next((i, l.text) for i, l in enumerate(first.lines) if i > 4 and l.support
                         and first.lines[i - 1].text.endswith("?"))
    notes = f"Cut \"{target[:40]}\", it repeats the abstract."
    revised = _offline().write(paper, _SHOW, target_minutes=5, previous=first, notes=notes).script
    texts = [l.text for l in revised.lines]
    assert target not in texts and first.lines[index - 1].text not in texts[index - 2:index + 1]
    assert all(c.start_line < len(revised.lines) for c in revised.chapters)
    assert len(revised.lines) == len(first.lines), "an answer and its question dropped, a question and answer added"
