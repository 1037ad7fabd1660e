"""Offline revision acts on what reviewers ask of the length: shorter, longer, or a number of minutes."""

from __future__ import annotations

import pytest

from tests.pdfs import two_column_paper
from tests.script._papers import SECTIONS, make_paper, make_script
from tests.script._settings import make_settings
from workflows.intake.extract import extract_paper
from workflows.script.checks import check_script
from workflows.script.notes import LONGER
from workflows.script.prompts import word_budget
from workflows.script.sentences import split_sentences
from workflows.script.writers import get_writer
from workflows.settings import Intake, Show, Writer

_SHOW = Show()


def _offline():
    return get_writer("offline", make_settings())


def _draft(paper, minutes, show=_SHOW):
    return _offline().write(paper, show, target_minutes=minutes).script


def _revise(paper, previous, notes, show=_SHOW, minutes=5):
    return _offline().write(paper, show, target_minutes=minutes, previous=previous, notes=notes).script


def _problems(script, paper, show=_SHOW):
    """Every finding on what listeners hear, except length: grounding, brand and spoken style stay clean.

    The summary is for reviewers (it gives word counts before and after), so findings on it are left out.
    """
    return [f for f in check_script(script, paper, show, 5) if f.check != "length" and getattr(f, "part", None) != "summary"]


def _alternates(script):
    speakers = [l.speaker for l in script.lines]
    return all(x != y for x, y in zip(speakers, speakers[1:]))


def _chapter_lines(script):
    """Chapter title → the texts of its lines."""
    starts = [c.start_line for c in script.chapters] + [len(script.lines)]
    return {c.title: [l.text for l in script.lines[s:e]] for c, s, e in zip(script.chapters, starts, starts[1:])}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """A real PDF, made with reportlab and read by intake's extractor."""
    pdf = two_column_paper(tmp_path_factory.mktemp("pdf") / "paper.pdf")
    return extract_paper(pdf, Intake())


def test_make_it_shorter_cuts_about_a_quarter_and_keeps_the_frame(paper):
    """"Make it shorter" drops 20-35% of the words; intro, sign-off, chapters and grounding survive."""
    first = _draft(paper, 5)
    revised = _revise(paper, first, "Make it shorter.")

    assert 0.65 * first.word_count <= revised.word_count <= 0.8 * first.word_count
    assert revised.lines[0] == first.lines[0] and revised.lines[1] == first.lines[1]
    assert revised.lines[-1] == first.lines[-1]
    assert [c.title for c in revised.chapters] == [c.title for c in first.chapters]
    assert all(len(texts) >= 2 for texts in _chapter_lines(revised).values()), "every chapter keeps an exchange"
    assert _alternates(revised)
    assert _problems(revised, paper) == []
    assert f"(shortened from {first.word_count:,} to {revised.word_count:,} words)" in revised.summary
    assert _revise(paper, first, "Make it shorter.").model_dump_json() == revised.model_dump_json()


def test_shortening_keeps_the_best_sentences_and_drops_weaker_ones(paper):
    """What goes is the paper's weaker material: the headline claim and main result stay, something else leaves."""
    first = _draft(paper, 5)
    revised = _revise(paper, first, "too long")
    text = " ".join(l.text for l in revised.lines)
    assert "97.5% of the full-context accuracy" in text
    assert "With the full document the model reaches 71.3% exact-match accuracy." in text
    before = {s for l in first.lines for s in split_sentences(l.text)}
    after = {s for l in revised.lines for s in split_sentences(l.text)}
    assert after < before, "shortening only removes; nothing new is said"


def test_about_two_minutes_from_a_real_pdf_lands_near_the_budget(extracted):
    """"Cut it to about 2 minutes" on a 4-minute draft of a real PDF lands within 15% of the 2-minute budget."""
    first = _draft(extracted, 4)
    revised = _revise(extracted, first, "Too long, cut it to about 2 minutes", minutes=4)
    budget = word_budget(2, _SHOW.writer.words_per_minute)
    assert first.word_count > 1.5 * budget
    assert abs(revised.word_count - budget) <= 0.15 * budget
    assert _problems(revised, extracted) == []
    assert revised.lines[0] == first.lines[0] and revised.lines[-1] == first.lines[-1]
    assert f"about {revised.word_count / 150:.1f} minutes at 150 words per minute" in revised.summary


def test_minutes_use_the_shows_words_per_minute(paper):
    """A slow show (110 words a minute) gets a 3-minute script of about 330 words, not 450."""
    show = Show(writer=Writer(words_per_minute=110))
    first = _draft(paper, 5, show)
    revised = _revise(paper, first, "Make it a 3-minute episode", show)
    assert abs(revised.word_count - 330) <= 0.15 * 330
    assert "110 words per minute" in revised.summary


def test_an_explicit_duration_wins_over_vague_words(paper):
    """"Trim the filler but make it about 4 minutes overall" on a 2-minute draft grows it to about 4 minutes."""
    first = _draft(paper, 2)
    revised = _revise(paper, first, "Trim the filler but make it about 4 minutes overall.", minutes=2)
    budget = word_budget(4, 150)
    assert first.word_count < 0.6 * budget
    assert abs(revised.word_count - budget) <= 0.15 * budget
    assert _problems(revised, paper) == []


def test_longer_adds_unused_paper_sentences_and_keeps_every_line(paper):
    """"A bit longer please" adds about 30% more words, all paper sentences; no existing line is lost."""
    first = _draft(paper, 3)
    revised = _revise(paper, first, "A bit longer please", minutes=3)

    asked = round(LONGER * first.word_count)
    assert revised.word_count > first.word_count, "a longer script has more words"
    assert abs(revised.word_count - asked) <= 0.15 * first.word_count, f"about {asked} words, not {revised.word_count}"
    texts = [l.text for l in revised.lines]
    iterator = iter(texts)
    assert all(l.text in iterator for l in first.lines), "every previous line is kept, in order"
    assert _alternates(revised)
    assert _problems(revised, paper) == []
    assert f"(lengthened from {first.word_count:,} to {revised.word_count:,} words)" in revised.summary
    paper_text = " ".join([paper.abstract, *SECTIONS.values()])
    old = [l.text for l in first.lines]
    new_answers = [l for l in revised.lines if l.text not in old and l.support]
    assert new_answers and all(s in paper_text for l in new_answers for s in l.support), "answers rest on the paper"
    assert all(len(split_sentences(l.text)) == len(l.support) for l in new_answers), "one paper sentence a sentence"


def test_expand_on_a_section_reads_more_of_that_section_only(paper):
    """"Expand on the method" puts the Method section's unused sentences in a Method chapter, and nothing else."""
    first = _draft(paper, 3)
    assert "Method" not in _chapter_lines(first)
    revised = _revise(paper, first, "Please expand on the method.", minutes=3)
    chapters = _chapter_lines(revised)
    method = " ".join(chapters.pop("Method"))
    assert "SkimQA splits each document into passages of 256 tokens." in method
    assert "The threshold of 8% was chosen on a held-out set of 150 questions." in method
    assert chapters == _chapter_lines(first), "every other chapter is as it was"
    assert _problems(revised, paper) == []
    assert "lengthened from" in revised.summary and "in Method" in revised.summary


def test_shorter_intro_shortens_only_the_opening(paper):
    """"Shorter intro, please." trims the opening's summary; the rest of the episode is untouched."""
    first = _draft(paper, 5)
    revised = _revise(paper, first, "Shorter intro, please.")
    before, after = _chapter_lines(first), _chapter_lines(revised)
    assert len(" ".join(after.pop("Opening")).split()) < 0.85 * len(" ".join(before.pop("Opening")).split())
    assert after == before
    assert revised.lines[0] == first.lines[0] and revised.lines[-1] == first.lines[-1]
    assert _problems(revised, paper) == []


def test_more_on_a_part_the_script_already_covers_fully_says_so(paper):
    """"More detail on the results" when every Results sentence is already read: nothing unrelated is padded in."""
    first = _draft(paper, 5)
    said = {s for l in first.lines for s in l.support}
    assert all(sentence in said for sentence in split_sentences(SECTIONS["5 Results"]))
    revised = _revise(paper, first, "More detail on the results", minutes=5)
    assert revised.word_count == first.word_count
    assert "no more sentences on Results" in revised.summary


def test_a_line_reference_and_shorter_does_both(paper):
    """"Line 6 is wrong, and make it shorter" drops line 6 and cuts the script by about a quarter."""
    first = _draft(paper, 5)
    revised = _revise(paper, first, "Line 6 is wrong, and make it shorter")
    assert first.lines[5].text not in [l.text for l in revised.lines]
    assert revised.word_count <= 0.8 * first.word_count
    assert _problems(revised, paper) == []
    assert "shortened from" in revised.summary


@pytest.mark.parametrize("notes", ["Line 6 is too long.", "cut line 6", "It's not too long, explain the threshold."])
def test_notes_about_one_line_or_negated_do_not_shorten_the_script(paper, notes):
    """Length words about a single line, or negated, only do what they did before: drop that line, add an answer."""
    first = _draft(paper, 5)
    revised = _revise(paper, first, notes)
    dropped = 2 if "6" in notes else 0  # line 6 is an answer: its question goes with it
    if "explain" in notes:  # the script already reads the paper's one sentence on the threshold, and says so
        assert len(revised.lines) == len(first.lines) and "nothing more on the threshold" in revised.summary
    else:
        assert len(revised.lines) == len(first.lines) - dropped + 2
    assert "shortened" not in revised.summary


@pytest.mark.parametrize("notes, direction", [
    ("MAKE IT SHORTER", -1), ("Please trim it", -1), ("tighten this up", -1), ("Condense it.", -1),
    ("Longer please", 1), ("It's too short", 1), ("go deeper", 1), ("More detail, please", 1),
])
def test_length_requests_are_understood_however_phrased(paper, notes, direction):
    """Common ways of asking for a shorter or longer episode, in any case, all change the length that way."""
    first = _draft(paper, 4)
    revised = _revise(paper, first, notes, minutes=4)
    change = revised.word_count / first.word_count
    assert (change <= 0.8) if direction < 0 else (change >= 1.15)


def test_an_impossible_length_adds_what_the_paper_has_and_says_so(paper):
    """"Make it 60 minutes" on a short paper adds every usable sentence, stays grounded and says why it stopped."""
    first = _draft(paper, 2)
    revised = _revise(paper, first, "make it 60 minutes", minutes=2)
    assert first.word_count < revised.word_count < word_budget(60, 150)
    assert "no more sentences to add" in revised.summary and "60 minutes" in revised.summary
    assert _problems(revised, paper) == []
    assert _alternates(revised)
    again = _revise(paper, revised, "longer", minutes=2)
    assert again.word_count == revised.word_count, "nothing is left to add"


def test_shortening_stops_at_one_exchange_per_chapter_and_says_so(paper):
    """"Make it 30 seconds" keeps intro, sign-off and one exchange per chapter, and explains the floor."""
    first = _draft(paper, 5)
    revised = _revise(paper, first, "Make it 30 seconds")
    assert revised.word_count < 0.55 * first.word_count
    assert [c.title for c in revised.chapters] == [c.title for c in first.chapters]
    assert all(len(texts) >= 2 for texts in _chapter_lines(revised).values())
    assert revised.lines[0] == first.lines[0] and revised.lines[-1] == first.lines[-1]
    assert "cannot get nearer" in revised.summary
    assert _problems(revised, paper) == []


def test_tiny_script_still_grows_when_asked_for_longer():
    """Even a script too short for a 30% step gets at least one more paper sentence when asked for longer."""
    paper = make_paper()
    first = make_script(["Welcome to Paper Trail.", "Thanks for listening to Paper Trail."])
    revised = _revise(paper, first, "longer")
    assert revised.word_count > first.word_count
    assert f"(lengthened from {first.word_count} to {revised.word_count} words)" in revised.summary
    assert _problems(revised, paper) == []
    assert revised.lines[0] == first.lines[0] and revised.lines[-1] == first.lines[-1]
