"""Offline revision does what reviewer notes ask of the content: drop, explain more, less jargon, with lengths."""

from __future__ import annotations

from tests.script._papers import make_paper
from tests.script._settings import make_settings
from workflows.script import spoken
from workflows.script.checks import check_script
from workflows.script.notes import jargon
from workflows.script.sentences import split_sentences
from workflows.script.writers import get_writer
from workflows.settings import Show

_SHOW = Show()


def _draft(paper, minutes=5):
    return get_writer("offline", make_settings()).write(paper, _SHOW, target_minutes=minutes).script


def _revise(paper, previous, notes, minutes=5):
    return get_writer("offline", make_settings()).write(paper, _SHOW, target_minutes=minutes, previous=previous,
                                                        notes=notes).script


def _chapters(script):
    starts = [c.start_line for c in script.chapters] + [len(script.lines)]
    return {c.title: script.lines[s:e] for c, s, e in zip(script.chapters, starts, starts[1:])}


def _clean(script, paper):
    assert spoken.script_violations([l.text for l in script.lines]) == []
    speakers = [l.speaker for l in script.lines]
    assert all(x != y for x, y in zip(speakers, speakers[1:])), "the hosts still alternate"
    assert [f for f in check_script(script, paper, _SHOW, 5) if f.check in ("grounding", "brand", "spoken")
            and getattr(f, "part", None) != "summary"] == []


def test_shorter_and_explain_the_method_more_does_both():
    """"Make it shorter and explain the method more": fewer words overall, more method, summary says both."""
    paper = make_paper()
    first = _draft(paper, 3)
    assert "Method" not in _chapters(first)
    revised = _revise(paper, first, "Make it shorter and explain the method more", minutes=3)
    assert revised.word_count <= 0.85 * first.word_count
    method = " ".join(l.text for l in _chapters(revised)["Method"])
    assert "SkimQA splits each document into passages of 256 tokens." in method
    assert "shortened from" in revised.summary and "explained the method more" in revised.summary
    _clean(revised, paper)
    fully = _draft(paper, 5)  # every method sentence is already read: the summary says so, nothing is padded in
    again = _revise(paper, fully, "Make it shorter and explain the method more")
    assert all(l in _chapters(again)["Method"] for l in _chapters(fully)["Method"]), "the method chapter is spared"
    assert "nothing more on the method" in again.summary


def test_drop_a_part_removes_that_chapter_and_keeps_every_other_line_byte_identical():
    """"Drop the related work" removes that chapter; every other line is exactly as it was."""
    paper = make_paper()
    first = _draft(paper)
    revised = _revise(paper, first, "Drop the related work.")
    assert "Related Work" not in [c.title for c in revised.chapters]
    kept = [l for title, lines in _chapters(first).items() if title != "Related Work" for l in lines]
    assert [l for l in revised.lines if l in kept] == kept, "the rest, in order, byte-identical"
    assert "dropped Related Work" in revised.summary
    assert "BM25 need none" not in " ".join(l.text for l in revised.lines)
    _clean(revised, paper)


def test_drop_something_the_script_does_not_say_is_reported_not_guessed():
    """Asking to drop what the script never mentions changes nothing and the summary says so."""
    paper = make_paper()
    first = _draft(paper)
    revised = _revise(paper, first, "Remove the appendix about hyperparameters")
    assert [l.text for l in revised.lines] == [l.text for l in first.lines]
    assert "nothing in the script is about the appendix about hyperparameters" in revised.summary


def test_less_jargon_takes_out_jargon_heavy_sentences_and_says_how_many():
    """"Less jargon, please": sentences full of technical terms go; the plain ones stay as they were."""
    paper = make_paper()
    first = _draft(paper, 8)
    revised = _revise(paper, first, "Less jargon, please.", minutes=8)
    heavy = lambda script: sum(jargon(s) >= 2 for l in script.lines if l.support for s in split_sentences(l.text))  # noqa: E731
    assert heavy(first) > 0 and heavy(revised) < heavy(first)
    plain = [l for l in first.lines if not any(jargon(s) >= 2 for s in split_sentences(l.text))]
    texts = [l.text for l in revised.lines]
    assert all(l.text in texts for l in plain[1:-1] if l.support), "plain answers are untouched"
    assert "less jargon: took out" in revised.summary
    _clean(revised, paper)


def test_a_duration_with_an_explain_and_a_drop_does_all_three():
    """"About 3 minutes, drop the related work, and explain the limitations more": each is done and reported."""
    paper = make_paper()
    first = _draft(paper, 5)
    notes = "About 3 minutes. Drop the related work. Explain the limitations more."
    revised = _revise(paper, first, notes)
    assert abs(revised.word_count - 450) <= 0.2 * 450
    assert "Related Work" not in [c.title for c in revised.chapters]
    assert len(_chapters(revised)["Limitations"]) >= len(_chapters(first)["Limitations"])
    for said in ("dropped Related Work", "limitations more", "minutes at 150 words per minute"):
        assert said in revised.summary
    _clean(revised, paper)


def test_revised_lines_carry_the_support_of_what_they_say():
    """After a revision, every answer's support still matches its sentences."""
    paper = make_paper()
    revised = _revise(paper, _draft(paper), "Make it shorter and explain the method more")
    for line in revised.lines:
        if line.support:
            assert len(line.support) <= len(split_sentences(line.text))
