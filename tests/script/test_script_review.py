"""Reviewers see the paper's support next to flagged lines, and `papercast review` checks a script file."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from bot.blocks.review import numbered_script, review_message
from tests.script._faithful import SKIM_LINES, SKIM_META, build
from tests.script._papers import make_paper
from tests.script._study import write_study_paper
from tests.script.test_script_cli import _run
from workflows.script.checks import check_script
from workflows.settings import Show
from workflows.states import State
from workflows.store.records import Episode, ScriptVersion

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)


def _version(script, findings) -> tuple[Episode, ScriptVersion]:
    version = ScriptVersion(episode_id="ep_1", version=1, author="papercast", writer="test",
                            script=script.model_dump(mode="json"), findings=[f.model_dump(mode="json") for f in findings],
                            usage={}, notes="", created_at=NOW)
    episode = Episode(id="ep_1", slug="t", title="T", state=State.IN_REVIEW, version=1, created_at=NOW,
                      updated_at=NOW, uploader="U1", channel="C1")
    return episode, version


def test_a_flagged_line_is_shown_with_the_paper_sentence_it_rests_on():
    """The review message shows a flagged line's support, errors first, and the title findings by part."""
    lines = list(SKIM_LINES)
    lines[9] = (lines[9][0].replace("97.5 percent", "98.5 percent"), lines[9][1])
    script = build(lines, {**SKIM_META, "title": "Skim 12 Books"})
    findings = check_script(script, make_paper(), Show(), 0.5)[::-1]  # the length warning comes first
    _, blocks = review_message(*_version(script, findings))
    text = "\n".join(b["text"]["text"] for b in blocks if b.get("block_id", "").startswith("findings"))
    assert ":red_circle: *grounding*: \"98.5 percent\"" in text and "line 10:" in text
    assert "_Paper:_ On 1,200 questions from three benchmarks, SkimQA keeps 97.5%" in text
    assert "in the title" in text and text.index(":red_circle:") < text.index(":large_orange_circle:")


def test_the_full_script_file_carries_each_lines_support_and_the_show_notes():
    """The attached Markdown quotes the paper under each supported line and ends with the public show notes."""
    text = numbered_script(build(SKIM_LINES, SKIM_META))
    assert "10. **Ben:** On 1,200 questions" in text
    assert "    > Paper: \"On 1,200 questions from three benchmarks, SkimQA keeps 97.5%" in text
    assert text.rstrip().endswith("Kofi Mensah and Lena Vogt.") and "## Show notes" in text


def test_review_command_prints_findings_as_json_with_severity_and_line_from_one(tmp_path):
    """`papercast review` reads `papercast script`-style JSON, exits 0 and prints check, severity, line, message."""
    pdf = write_study_paper(tmp_path / "study.pdf")
    script = build(["Welcome to Paper Trail.", "Hi Ada.", "So?", "They opened 27% of the abstracts, Bne.",
                    "Thanks for listening to Paper Trail."], {"title": "T", "summary": "", "show_notes": ""})
    (tmp_path / "script.json").write_text(json.dumps({"script": script.model_dump(mode="json"), "findings": []}))
    done = _run(["review", "script.json", "--paper", str(pdf), "--minutes", "0.5"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert {"check", "severity", "line", "message"} <= set(found[0])
    assert ("grounding", "error", 4) in {(f["check"], f["severity"], f["line"]) for f in found}
    assert ("brand", "warning", 4) in {(f["check"], f["severity"], f["line"]) for f in found}
    assert all(f["severity"] in ("error", "warning", "note") for f in found)


def test_review_command_explains_a_missing_or_invalid_file_with_exit_2(tmp_path):
    """A missing paper, a file that is not JSON and JSON that is not a script each get a clear message and exit 2."""
    pdf = write_study_paper(tmp_path / "study.pdf")
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "empty.json").write_text(json.dumps({"script": {"title": "T"}}))
    missing = _run(["review", "bad.json", "--paper", "nowhere.pdf"], cwd=tmp_path)
    broken = _run(["review", "bad.json", "--paper", str(pdf)], cwd=tmp_path)
    invalid = _run(["review", "empty.json", "--paper", str(pdf)], cwd=tmp_path)
    assert missing.returncode == 2 and "nowhere.pdf" in missing.stderr
    assert broken.returncode == 2 and "is not a readable JSON file" in broken.stderr and "papercast script" in broken.stderr
    assert invalid.returncode == 2 and "is not a valid script" in invalid.stderr
    assert "Traceback" not in missing.stderr + broken.stderr + invalid.stderr
