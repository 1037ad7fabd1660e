"""The spoken-style contract: every kind of breach in a hand-edited script is a finding, and is made speakable."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.script._papers import make_paper, make_script
from workflows.script import spoken
from workflows.script.checks import check_script
from workflows.settings import Show

INTRO = "Welcome to Paper Trail. I'm Ada, and with me is Ben."
OUTRO = "Thanks for listening to Paper Trail."
PLANTED = [
    ("marker", "SkimQA keeps most of the accuracy [12].", "[12]"),
    ("marker", "Sparse retrieval is old (Robertson et al., 2009).", "(Robertson et al., 2009)"),
    ("marker", "Robertson and Zaragoza (2009) describe it.", "Robertson and Zaragoza (2009)"),
    ("marker", "[laughs] That is a lot of scenery.", "[laughs]"),
    ("reference", "Figure 3 shows the cost falling.", "Figure 3"),
    ("reference", "The numbers are in Table 2.", "Table 2"),
    ("reference", "As described in Sec. 4.2, passages are short.", "Sec. 4.2"),
    ("reference", "The score follows Eq. (3).", "Eq. (3)"),
    ("formula", "The gain is significant (p < 0.001).", "p < 0"),
    ("formula", "They fit the model with σ = 0.97.", "σ = 0"),
    ("formula", "The score is x_i for each passage.", "x_i"),
    ("number", "The p-value was 3.91e-8.", "3.91e-8"),
    ("number", "Fixes took 1.4-3.1 hours.", "1.4-3.1"),
    ("number", "Accuracy reached 0.9734 on the held-out set.", "0.9734"),
    ("url", "The code is at https://github.com/example/skimqa.", "https://github.com/example/skimqa"),
    ("url", "Write to ines@example.org for the data.", "ines@example.org"),
    ("abbreviation", "Some questions, e.g. about the ending, are hard.", "e.g."),
    ("abbreviation", "It uses sparse retrieval, i.e. word overlap.", "i.e."),
    ("abbreviation", "Moreau et al. built it.", "et al."),
    ("acronym", "It beats RAG on cost.", "RAG"),
    ("shouted", "LONGEVAL is the benchmark.", "LONGEVAL"),
    ("shouted", "It is NOT a dense retriever.", "NOT"),
    ("symbol", "Cost and/or accuracy → both matter.", "/"),
    ("symbol", "**Bold** claims need care.", "*"),
    ("we", "We propose SkimQA.", "We"),
    ("we", "Our results are strong.", "Our"),
]


@pytest.mark.parametrize("rule, text, culprit", PLANTED, ids=[f"{r}:{c}" for r, _, c in PLANTED])
def test_each_planted_breach_is_a_finding_on_its_line(rule, text, culprit):
    """A hand-edited line breaking one rule gets a "spoken" finding on that line that names the culprit."""
    script = make_script([INTRO, "So what did they do?", text, OUTRO])
    findings = [f for f in check_script(script, make_paper(), Show(), 0.2) if f.check == "spoken"]
    assert findings and {f.line for f in findings} == {2}
    assert any(v.rule == rule and culprit in v.found for v in spoken.violations(text))


@pytest.mark.parametrize("rule, text, culprit", [p for p in PLANTED if p[0] not in ("we", "acronym")],
                         ids=[f"{r}:{c}" for r, _, c in PLANTED if r not in ("we", "acronym")])
def test_speakable_removes_every_breach_a_rewrite_can_fix(rule, text, culprit):
    """Before synthesis, speakable() leaves nothing a voice cannot say, and keeps the words around it."""
    said = spoken.speakable(text)
    assert spoken.violations(said) == [], said
    assert culprit not in said


def test_speakable_says_symbols_and_numbers_in_words():
    """Statistic notation, scientific notation, ranges and Greek letters come out as words."""
    assert spoken.speakable("With σ = 0.97 (p < 0.001).") == "With sigma equals 0.97 (p less than 0.001)."
    assert spoken.speakable("It was 3.91e-8.") == "It was 3.91 times ten to the minus 8."
    assert spoken.speakable("Fixes took 1.4–3.1 hours.") == "Fixes took 1.4 to 3.1 hours."
    assert spoken.speakable("See [33], e.g. LONGEVAL.") == "See, for example Longeval."


def test_an_acronym_expanded_once_is_fine_afterwards():
    """An acronym is reported only at its first use, and not when the line expands it."""
    texts = ["Retrieval-augmented generation (RAG) selects passages.", "RAG is cheap.", "And the GPU is common."]
    assert spoken.script_violations(texts) == []
    assert [(i, v.rule) for i, v in spoken.script_violations(texts[1:])] == [(0, "acronym")]


def test_clean_spoken_text_has_no_violations():
    """Ordinary spoken sentences with numbers, percentages and names pass."""
    for text in ("They used 1,200 questions and kept 97.5% of the accuracy.", "Between 2021 and 2023, 25.8% ran.",
                 "BM25 needs no training, and SkimQA works with any model.", "Python 3.11 ran on one GPU with 24 GB."):
        assert spoken.violations(text) == [], text


def test_the_contract_module_imports_nothing_heavy():
    """speakable() is a pure function the audio stage can call: importing it loads no third-party package."""
    code = ("import sys; import workflows.script.spoken as s; s.speakable('x [1]'); "
            "print(sorted(m for m in ('pydantic', 'numpy', 'anthropic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
