"""The offline writer writes a conversation in spoken English, on real papers, with or without an abstract."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.pdfs import two_column_paper
from tests.script._messy import messy_paper
from tests.script._papers import make_paper
from tests.script._settings import make_settings
from workflows.intake.extract import extract_paper
from workflows.intake.sample import write_sample_paper
from workflows.script import phrasing, spoken
from workflows.script.checks import check_script
from workflows.script.writers import get_writer
from workflows.settings import Intake, Show

_SHOW = Show()
_FRAMES = [f for frames in phrasing.FRAMES.values() for f in frames] + list(phrasing.HEADLINE)


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    """Real papers: two PDFs made and read by intake, the SkimQA paper, and a messy one without an abstract."""
    folder = tmp_path_factory.mktemp("pdf")
    sample = write_sample_paper(folder / "sample.pdf") or folder / "sample.pdf"
    return {
        "sample-pdf": extract_paper(sample, Intake()),
        "two-column-pdf": extract_paper(two_column_paper(folder / "two.pdf"), Intake()),
        "skimqa": make_paper(),
        "messy-no-abstract": messy_paper(),
    }


def _write(paper, minutes):
    return get_writer("offline", make_settings()).write(paper, _SHOW, target_minutes=minutes).script


def _shares(script):
    words = Counter()
    for line in script.lines:
        words[line.speaker] += len(line.text.split())
    total = sum(words.values())
    return {k: words[k] / total for k in script.hosts}


def _frame(question: str) -> str | None:
    for frame in _FRAMES:
        pattern = "^" + re.escape(frame).replace(re.escape("{t}"), ".+") + "$"
        if re.match(pattern, question):
            return frame
    return None


@pytest.mark.parametrize("name", ["sample-pdf", "two-column-pdf", "skimqa", "messy-no-abstract"])
@pytest.mark.parametrize("minutes", [3, 8])
def test_offline_scripts_keep_the_spoken_contract_and_sound_like_a_conversation(papers, name, minutes):
    """Zero contract breaches, both hosts 30-70% of the words, no turn over 90 words, alternating hosts."""
    paper = papers[name]
    script = _write(paper, minutes)
    assert spoken.script_violations([l.text for l in script.lines]) == []
    assert [f for f in check_script(script, paper, _SHOW, minutes) if f.check == "spoken"] == []
    assert all(0.3 <= share <= 0.7 for share in _shares(script).values()), _shares(script)
    assert max(len(l.text.split()) for l in script.lines) <= 90
    speakers = [l.speaker for l in script.lines]
    assert all(x != y for x, y in zip(speakers, speakers[1:]))
    text = " ".join(l.text for l in script.lines)
    assert not re.search(r"\b[Ww]e\b|\bour\b", text)


@pytest.mark.parametrize("name", ["sample-pdf", "two-column-pdf", "skimqa", "messy-no-abstract"])
def test_questions_come_from_many_frames_and_both_hosts_ask(papers, name):
    """No question frame is more than 15% of the first host's lines, and both hosts ask questions."""
    script = _write(papers[name], 8)
    a, b = (h.key for h in _SHOW.hosts)
    first = [l.text for l in script.lines if l.speaker == a]
    used = Counter(f for f in map(_frame, first) if f)
    assert used and max(used.values()) <= 0.15 * len(first), used.most_common(3)
    assert any(l.text.endswith("?") for l in script.lines if l.speaker == b)


def test_the_opening_says_the_sections_and_the_arc_ends_with_a_limitation_and_a_takeaway(papers):
    """The first lines say which sections the episode covers; a limitation and one takeaway come before the end."""
    script = _write(papers["skimqa"], 8)
    opening = " ".join(l.text for l in script.lines[:3]).lower()
    for part in ("introduction", "method", "results"):
        assert part in opening
    texts = [l.text for l in script.lines]
    assert any("fails when the answer depends on the whole plot" in t for t in texts)
    takeaway = next(i for i, t in enumerate(texts) if "remember one thing" in t)
    assert takeaway >= len(texts) - 3 and script.lines[takeaway + 1].support


def test_no_abstract_dump_and_every_answer_rests_on_paper_sentences(papers):
    """The opening answers are short, and each answer's support is the paper's own sentences."""
    paper = papers["sample-pdf"]
    script = _write(paper, 8)
    assert all(len(l.text.split()) <= 60 for l in script.lines[:6])
    body = " ".join(f"{paper.abstract} {paper.body_text}".split())
    answers = [l for l in script.lines if l.support]
    assert len(answers) > 10
    for line in answers:
        for source in line.support:
            assert all(w in body for w in source.split()[:4])


def test_a_paper_without_an_abstract_still_gets_an_opening(papers):
    """With no abstract, the problem comes from the first section, and the script still says its plan."""
    script = _write(papers["messy-no-abstract"], 4)
    assert "Here's the plan" in script.lines[2].text
    assert "Readers of scientific papers meet the same citations again and again." in script.lines[3].text
    assert "[3, 7]" not in script.lines[3].text and "Longeval" in " ".join(l.text for l in script.lines)


def test_the_authors_we_becomes_they_and_formulas_are_left_out(papers):
    """"We study" is said as "They study"; a sentence that is a formula or p-value is not read at all."""
    text = " ".join(l.text for l in _write(papers["messy-no-abstract"], 8).lines)
    assert "They study what happens" in text
    assert "σ" not in text and "3.91" not in text and "p =" not in text


def test_offline_conversation_is_deterministic(papers):
    """The same paper gives the byte-identical script twice."""
    paper = papers["sample-pdf"]
    assert _write(paper, 5).model_dump_json() == _write(paper.model_copy(deep=True), 5).model_dump_json()
