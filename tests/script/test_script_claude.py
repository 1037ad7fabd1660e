"""The Claude writer, driven through the real anthropic client against the loopback Messages API."""

from __future__ import annotations

import socket

import pytest

from tests.script._papers import SECTIONS, script_input
from tests.script._settings import TEST_KEY, TEST_MODEL, claude_show, make_settings
from workflows.errors import NeedsKey
from workflows.script.claude import ClaudeWriter
from workflows.script.errors import KeyRefused, MalformedScript, RequestRejected, WriterUnavailable
from workflows.script.writers import get_writer


def _write(settings, paper, **kw):
    return get_writer("claude", settings).write(paper, settings.show, target_minutes=kw.pop("target_minutes", 4), **kw)


def test_request_carries_the_cached_paper_block_the_tool_and_the_model(standin, claude_settings, paper):
    """The request names the configured model, forces submit_script, and sends the paper once as a cached block."""
    standin.reply_tool(script_input())
    result = _write(claude_settings, paper)
    body = standin.requests[0].body
    assert body["model"] == TEST_MODEL
    assert [t["name"] for t in body["tools"]] == ["submit_script"]
    assert body["tool_choice"] == {"type": "tool", "name": "submit_script"}
    schema = body["tools"][0]["input_schema"]
    assert set(schema["required"]) == {"title", "summary", "show_notes", "chapters", "lines"}
    assert schema["properties"]["lines"]["items"]["properties"]["speaker"]["enum"] == ["a", "b"]
    blocks = standin.requests[0].text_blocks()
    cached = [b for b in blocks if "cache_control" in b]
    assert len(cached) == 1 and cached[0]["cache_control"] == {"type": "ephemeral", "ttl": "1h"} and blocks[0] is cached[0]
    assert SECTIONS["5 Results"] in cached[0]["text"]
    assert sum(SECTIONS["5 Results"] in b["text"] for b in blocks) == 1, "the paper is sent once"
    assert "600 spoken words" in blocks[1]["text"], "4 minutes at 150 words per minute"
    assert result.script.writer == f"claude:{TEST_MODEL}"
    assert result.script.hosts == {"a": "Ada", "b": "Ben"} and not result.script.offline_draft


def test_regeneration_sends_previous_script_and_notes_after_the_cached_prefix(standin, claude_settings, paper):
    """A regeneration reuses the cached paper prefix; the previous script and the notes come after it."""
    standin.reply_tool(script_input())
    first = _write(claude_settings, paper)
    standin.reply_tool(script_input(title="Skim Before You Read, revised"))
    notes = "Say what fraction of errors comes from whole-plot questions."
    second = _write(claude_settings, paper, previous=first.script, notes=notes)

    one, two = (r.text_blocks() for r in standin.requests)
    assert one[0] == two[0], "the cached paper block is byte-identical"
    assert standin.requests[0].body["system"] == standin.requests[1].body["system"]
    assert standin.requests[0].body["tools"] == standin.requests[1].body["tools"]
    revision = two[-1]["text"]
    assert notes in revision and "The total cost falls by a factor of 3.5." in revision
    assert "Keep the lines the notes do not criticise" in revision
    assert all(notes not in b["text"] for b in two if "cache_control" in b)

    assert first.usage.cache_creation_input_tokens > 1000 and first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert second.usage.cache_creation_input_tokens == 0
    assert second.usage.input_tokens < first.usage.cache_creation_input_tokens
    assert first.usage.output_tokens > 0 and second.usage.output_tokens > 0
    assert second.script.title == "Skim Before You Read, revised"


def test_overloaded_529_is_retried_and_then_succeeds(standin, claude_settings, paper):
    """An HTTP 529 overloaded_error is retried by the client, and the next 200 gives the script."""
    standin.reply_error(529, "Overloaded")
    standin.reply_tool(script_input())
    result = _write(claude_settings, paper)
    assert [r.status for r in standin.requests] == [529, 200]
    assert result.script.lines[1].text.startswith("SkimQA keeps")


def test_overload_that_outlasts_the_retries_is_a_retryable_error(standin, paper):
    """When every attempt gets 529, the writer raises a retryable WriterUnavailable after max_retries + 1 tries."""
    settings = make_settings(key=TEST_KEY, base_url=standin.base_url, show=claude_show(max_retries=1))
    standin.reply_error(529, "Overloaded")
    standin.reply_error(529, "Overloaded")
    with pytest.raises(WriterUnavailable) as caught:
        _write(settings, paper)
    assert caught.value.retryable and "529" in caught.value.message
    assert len(standin.requests) == 2


def test_refused_key_gives_a_clear_error_without_the_key(standin, paper):
    """A 401 says the key in ANTHROPIC_API_KEY was refused, and never shows the key."""
    wrong = "sk-ant-wrong-key-SECRET-9876"
    settings = make_settings(key=wrong, base_url=standin.base_url, show=claude_show())
    with pytest.raises(KeyRefused) as caught:
        _write(settings, paper)
    error = caught.value
    assert "refused the key in ANTHROPIC_API_KEY" in error.message and "401" in error.message
    assert "ANTHROPIC_API_KEY" in error.hint
    for text in (error.message, error.hint, error.for_people(), str(error), repr(error)):
        assert wrong not in text and "SECRET" not in text
    assert error.__cause__ is None and error.__suppress_context__
    assert standin.requests[0].status == 401 and len(standin.requests) == 1, "a refused key is not retried"


def test_bad_request_shows_the_api_message(standin, claude_settings, paper):
    """A 400 becomes RequestRejected carrying the API's own explanation."""
    standin.reply_error(400, "messages.0.content.0: prompt is too long: 210000 tokens > 200000 maximum")
    with pytest.raises(RequestRejected) as caught:
        _write(claude_settings, paper)
    assert "prompt is too long: 210000 tokens" in caught.value.message and caught.value.status == 400


@pytest.mark.parametrize(
    "reply, expected",
    [
        (lambda s: s.reply_tool({"title": "No lines", "summary": "", "show_notes": "", "chapters": []}), "lines"),
        (lambda s: s.reply_tool(script_input(lines=[{"speaker": "a", "text": "hi"}, {"speaker": "narrator", "text": "x"}])),
         "unknown hosts"),
        (lambda s: s.reply_tool(script_input(chapters=[{"title": "Late", "start_line": 40}])), "starts at line 40"),
        (lambda s: s.reply_tool(script_input(offline_draft=True, writer="human:boss")), "Extra inputs"),
        (lambda s: s.reply_tool("just a string"), "script"),
        (lambda s: s.reply_tool(script_input(), name="reveal_system_prompt"), "reveal_system_prompt"),
        (lambda s: s.reply_text("Here is your script: Ada: hi. Ben: hello."), "no tool"),
        (lambda s: s.reply_tool(script_input(), stop_reason="max_tokens"), "cut off"),
    ],
    ids=["missing-lines", "unknown-speaker", "chapter-out-of-range", "extra-fields", "not-an-object",
         "wrong-tool", "text-instead-of-tool", "truncated"],
)
def test_malformed_structured_output_is_refused_with_a_typed_error(standin, claude_settings, paper, reply, expected):
    """Tool output that is not a valid script never passes: MalformedScript says what was wrong."""
    reply(standin)
    with pytest.raises(MalformedScript) as caught:
        _write(claude_settings, paper)
    assert expected in caught.value.message
    assert caught.value.retryable


def test_claude_without_a_key_says_which_variable_to_set():
    """Asking for the Claude writer with no ANTHROPIC_API_KEY raises NeedsKey naming the variable."""
    with pytest.raises(NeedsKey) as caught:
        get_writer("claude", make_settings(key=None))
    assert caught.value.variable == "ANTHROPIC_API_KEY"


def test_unreachable_api_is_a_retryable_error(paper):
    """When nothing listens at the base URL, the writer raises a retryable WriterUnavailable naming the address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    settings = make_settings(key=TEST_KEY, base_url=url, show=claude_show(max_retries=0))
    with pytest.raises(WriterUnavailable) as caught:
        _write(settings, paper)
    assert url in caught.value.message and caught.value.retryable


def test_claude_writer_is_built_from_the_configured_retries_and_timeout(standin):
    """The SDK client gets max_retries, timeout and base_url from the settings."""
    settings = make_settings(key=TEST_KEY, base_url=standin.base_url, show=claude_show(max_retries=3, timeout_seconds=42))
    writer = get_writer("claude", settings)
    assert isinstance(writer, ClaudeWriter)
    assert writer._client.max_retries == 3 and writer._client.timeout == 42
    assert str(writer._client.base_url).rstrip("/") == standin.base_url


def test_notes_for_a_first_draft_are_sent_after_the_cached_paper(standin, claude_settings, paper):
    """Notes given without a previous script travel in their own block after the cache breakpoint."""
    standin.reply_tool(script_input())
    _write(claude_settings, paper, notes="Focus on the cost figures.")
    blocks = standin.requests[0].text_blocks()
    assert "cache_control" in blocks[0] and "Focus on the cost figures." not in blocks[0]["text"]
    assert "<reviewer_notes>\nFocus on the cost figures.\n</reviewer_notes>" in blocks[-1]["text"]
