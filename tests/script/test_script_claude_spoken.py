"""The Claude writer's spoken-style prompt, regeneration, streaming, refusal and one-hour cache, on the stand-in."""

from __future__ import annotations

import pytest

from bot.blocks.review import numbered_script
from tests.script._papers import SECTIONS, make_paper, make_script, script_input
from tests.script._settings import TEST_KEY, claude_show, make_settings
from tests.standins.anthropic_api import AnthropicStandIn
from workflows.script import spoken
from workflows.script.claude import Declined
from workflows.script.writers import get_writer


class _Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _big_paper():
    """A paper of about 7,000 tokens: big enough that the cached prefix matters."""
    return make_paper({f"{n}.{i} {h.split(' ', 1)[1]}": t for n in range(1, 11) for i, (h, t) in enumerate(SECTIONS.items())})


def _write(settings, paper, **kw):
    return get_writer("claude", settings).write(paper, settings.show, target_minutes=kw.pop("target_minutes", 4), **kw)


def test_system_prompt_carries_the_spoken_contract_the_arc_and_the_turn_cap(standin, claude_settings, paper):
    """The system prompt states every contract rule, the arc, the turn cap, pushback, attribution, and asks for support."""
    standin.reply_tool(script_input())
    _write(claude_settings, paper)
    system = standin.requests[0].system_text()
    for rule in spoken.CONTRACT:
        assert rule in system
    for phrase in ("the problem the paper tackles", "limitations, and one takeaway", "No turn is longer than 60 words",
                   "gentle pushback", "add no outside facts", "never says less than a third" if False else "a third"):
        assert phrase in system
    line = standin.requests[0].body["tools"][0]["input_schema"]["properties"]["lines"]["items"]["properties"]
    assert "support" in line and "word for word" in line["support"]["description"]


def test_regeneration_sends_the_script_numbered_as_reviewers_see_it_with_its_findings(standin, claude_settings, paper):
    """The previous script goes back numbered exactly as in the review file, with the automated findings on it."""
    previous = make_script(["Welcome to Paper Trail.", "As shown in [3], SkimQA keeps 97.5% of the accuracy.",
                            "Thanks for listening to Paper Trail."])
    standin.reply_tool(script_input())
    _write(claude_settings, paper, previous=previous, notes="Line 2 reads a citation marker.")
    revision = standin.requests[0].text_blocks()[-1]["text"]
    reviewers = [l for l in numbered_script(previous).splitlines() if l[:1].isdigit()]
    assert reviewers and all(l in revision.splitlines() for l in reviewers)
    assert "2. **Ben:** As shown in [3], SkimQA keeps 97.5% of the accuracy." in revision
    findings = revision.split("<automated_findings>")[1].split("</automated_findings>")[0]
    assert "line 2: spoken" in findings and "[3]" in findings
    assert "Line 2 reads a citation marker." in revision


def test_a_refusal_gives_a_clear_message(standin, claude_settings, paper):
    """stop_reason "refusal" raises Declined, which says Claude declined and what to do, and is not retried."""
    standin.reply_tool(script_input(), stop_reason="refusal")
    with pytest.raises(Declined) as caught:
        _write(claude_settings, paper)
    assert "declined" in caught.value.message and "offline" in caught.value.hint
    assert not caught.value.retryable and len(standin.requests) == 1


@pytest.mark.parametrize("minutes, streamed", [(4, False), (20, True)])
def test_long_scripts_are_streamed(standin, claude_settings, paper, minutes, streamed):
    """A 20-minute episode is requested as a stream (server-sent events) and still parses; a short one is not."""
    standin.reply_tool(script_input())
    result = _write(claude_settings, paper, target_minutes=minutes)
    assert standin.requests[0].streamed is streamed
    assert result.script.lines[1].text.startswith("SkimQA keeps")
    assert result.usage.output_tokens > 0 and result.usage.cache_creation_input_tokens > 0


def test_a_streamed_refusal_is_still_a_refusal(standin, claude_settings, paper):
    """The stop reason of a streamed reply is read the same way."""
    standin.reply_tool(script_input(), stop_reason="refusal")
    with pytest.raises(Declined):
        _write(claude_settings, paper, target_minutes=20)
    assert standin.requests[0].streamed


def test_regeneration_twenty_minutes_later_still_reads_the_cache():
    """The paper block's one-hour lifetime keeps it cached while a reviewer reads for 20 minutes."""
    clock = _Clock()
    paper = _big_paper()
    with AnthropicStandIn(valid_keys=(TEST_KEY,), clock=clock) as standin:
        settings = make_settings(key=TEST_KEY, base_url=standin.base_url, show=claude_show())
        standin.reply_tool(script_input())
        first = _write(settings, paper)
        clock.now += 20 * 60
        standin.reply_tool(script_input())
        second = _write(settings, paper, previous=first.script, notes="Say what fraction of errors are whole-plot.")
        assert standin.requests[0].usage["cache_creation"]["ephemeral_1h_input_tokens"] > 1000
        assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens > 1000
        clock.now += 61 * 60
        standin.reply_tool(script_input())
        third = _write(settings, paper, previous=first.script, notes="Again.")
        assert third.usage.cache_read_input_tokens == 0, "after more than an hour the cache is gone"


def test_a_regeneration_costs_at_most_a_quarter_of_the_first_generations_billed_input():
    """Billed input (cache write 2x for one hour, read 0.1x) of a regeneration is at most 25% of the first's."""
    paper = _big_paper()
    with AnthropicStandIn(valid_keys=(TEST_KEY,)) as standin:
        settings = make_settings(key=TEST_KEY, base_url=standin.base_url, show=claude_show())
        lines = [{"speaker": "ab"[i % 2], "text": t} for i, t in
                 enumerate(s for text in SECTIONS.values() for s in text.split(". "))]
        standin.reply_tool(script_input(lines=lines * 3))
        first = _write(settings, paper, target_minutes=8)
        standin.reply_tool(script_input(lines=lines * 3))
        second = _write(settings, paper, target_minutes=8, previous=first.script, notes="Line 4 overstates the result.")

    def billed(u):
        return u.input_tokens + 2.0 * u.cache_creation_input_tokens + 0.1 * u.cache_read_input_tokens

    assert billed(second.usage) <= 0.25 * billed(first.usage)
