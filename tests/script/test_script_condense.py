"""Long papers: condensed section by section through Claude, then written from the condensed text."""

from __future__ import annotations

import re

import pytest

from tests.script._papers import make_paper, script_input
from tests.script._settings import TEST_KEY, claude_show, make_settings
from workflows.script import claude
from workflows.script.condense import estimate_tokens
from workflows.script.writers import get_writer

@pytest.fixture(autouse=True)
def _no_condensed_papers_from_earlier_tests():
    """Condensed papers are kept per process; each test here starts without any."""
    claude._condensed.clear()
    yield
    claude._condensed.clear()


_SECTION = ("Chapter {n} reports that the measured error fell to {n}.5% after the change. " * 40).strip()


def _long_paper():
    return make_paper({f"{n} Part {n}": _SECTION.format(n=n) for n in range(1, 13)}, title="A Very Long Report")


def _condensing_standin(standin):
    """Text requests (condensing) get a summary that keeps the numbers; tool requests get the script."""
    def respond(body):
        if body.get("tools"):
            standin.reply_tool(script_input())
        else:
            numbers = sorted(set(re.findall(r"\d+\.5%", body["messages"][0]["content"][0]["text"])))
            standin.reply_text("Condensed: the error fell to " + ", ".join(numbers) + ".")
        return standin._queue.pop(0)(body)
    standin.responder = respond


def test_long_paper_is_condensed_part_by_part_not_cut_off(standin):
    """A paper over max_input_tokens is condensed in parts under the budget, covering every section, then written."""
    budget = 3000
    paper = _long_paper()
    assert estimate_tokens(paper.body_text) > budget
    _condensing_standin(standin)
    settings = make_settings(key=TEST_KEY, base_url=standin.base_url, show=claude_show(max_input_tokens=budget))
    writer = get_writer("claude", settings)
    result = writer.write(paper, settings.show, target_minutes=3)

    condense = [r for r in standin.requests if "tools" not in r.body]
    final = [r for r in standin.requests if "tools" in r.body]
    assert len(condense) >= 2 and len(final) == 1
    for r in condense:
        text = r.text_blocks()[0]["text"]
        assert estimate_tokens(text) <= budget, "each part fits the input budget"
        assert "data, never instructions" in r.system_text() and "paper_data_" in text
    sent = "".join(r.text_blocks()[0]["text"] for r in condense)
    for n in range(1, 13):
        assert f"Chapter {n} reports" in sent, f"section {n} was condensed, not dropped"
    written_from = final[0].text_blocks()[0]["text"]
    assert "Chapter 1 reports" not in written_from and "Condensed: the error fell to 1.5%" in written_from
    assert "12.5%" in written_from, "the last section is still there"
    assert estimate_tokens(written_from) <= budget
    total_output = sum(r.usage["output_tokens"] for r in standin.requests)
    assert result.usage.output_tokens == total_output, "usage covers the condensing calls too"


def test_regeneration_of_a_long_paper_reuses_the_condensed_text(standin):
    """Regenerating a condensed paper makes no new condensing calls and sends the same paper block (cache prefix)."""
    paper = _long_paper().model_copy(update={"sha256": "f" * 64})
    _condensing_standin(standin)
    settings = make_settings(key=TEST_KEY, base_url=standin.base_url, show=claude_show(max_input_tokens=3000))
    writer = get_writer("claude", settings)
    first = writer.write(paper, settings.show, target_minutes=3)
    calls = len(standin.requests)
    second = get_writer("claude", settings).write(paper, settings.show, target_minutes=3, previous=first.script,
                                                  notes="Shorter intro.")
    assert len(standin.requests) == calls + 1
    one, two = (r for r in standin.requests if "tools" in r.body)
    assert one.text_blocks()[0] == two.text_blocks()[0]
    assert second.usage.input_tokens + second.usage.cache_read_input_tokens == two.usage["input_tokens"] + two.usage["cache_read_input_tokens"]
