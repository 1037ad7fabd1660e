"""The Claude writer: the Anthropic Messages API through the official SDK.

Structured output by tool use: one tool, ``submit_script``, forced with
``tool_choice``; its input is validated against the script's shape, and anything
else is refused with :class:`MalformedScript`. The SDK retries 408/409/429/5xx
(529 "overloaded" included) and connection errors with exponential backoff,
``writer.max_retries`` times; what still fails becomes a typed error.

- The paper block carries the cache breakpoint with the one-hour lifetime
  (``{"type": "ephemeral", "ttl": "1h"}``), so a regeneration after a reviewer's
  read, minutes or most of an hour later, still reads the cache.
- A request that may write more than :data:`STREAM_ABOVE_TOKENS` output tokens is
  streamed (``messages.stream``), so a long episode does not hit the request timeout.
- A regeneration sends the previous script numbered as reviewers see it, with the
  automated findings on it, after the cached prefix.
- ``stop_reason`` "refusal" raises :class:`Declined`; "max_tokens" and a full
  context window raise :class:`MalformedScript`; each says what to do.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from workflows.errors import NeedsKey, ScriptError
from workflows.intake.paper import Paper
from workflows.script import prompts
from workflows.script.checks import check_script
from workflows.script.condense import add_usage, condense_paper, needs_condensing
from workflows.script.errors import KeyRefused, MalformedScript, RequestRejected, WriterUnavailable
from workflows.script.model import Script, Usage
from workflows.script.writers import ScriptWriter, WriteResult, writers
from workflows.settings import Settings, Show

if TYPE_CHECKING:
    import anthropic

#: The paper block's cache breakpoint: one hour, so a reviewer can read before asking for changes.
CACHE_CONTROL = {"type": "ephemeral", "ttl": "1h"}
_MAX_OUTPUT_TOKENS = 32_000
#: Requests that may write more output tokens than this are streamed.
STREAM_ABOVE_TOKENS = 4_096
#: Condensed papers by (sha256, model, budget), so a regeneration reuses them (and the prompt cache).
_condensed: OrderedDict[tuple[str, str, int], tuple[Paper, Usage]] = OrderedDict()
_CONDENSED_KEPT = 16


class Declined(ScriptError):
    """Claude declined to write the script (``stop_reason`` "refusal")."""

    kind = "writer_declined"
    retryable = False

    def __init__(self) -> None:
        super().__init__(
            "Claude declined to write a script for this paper (the API stopped with a refusal).",
            "Check the paper for content a safety filter may object to; reject the episode, edit the script by hand, "
            "or set writer.backend = \"offline\" for an offline draft.",
        )


@writers.register("claude")
class ClaudeWriter(ScriptWriter):
    id = "claude"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        key = settings.env.anthropic_api_key
        if key is None:
            raise NeedsKey("ANTHROPIC_API_KEY", "the Claude script writer")
        import anthropic  # here, not at module level: the SDK takes seconds to import

        writer = settings.show.writer
        self._base_url = settings.env.anthropic_base_url or None
        self._client = anthropic.Anthropic(
            api_key=key.get_secret_value(),
            base_url=self._base_url,
            max_retries=writer.max_retries,
            timeout=writer.timeout_seconds,
        )

    def write(
        self,
        paper: Paper,
        show: Show,
        *,
        target_minutes: float,
        previous: Script | None = None,
        notes: str | None = None,
    ) -> WriteResult:
        model = show.writer.model
        source, usage = self._fitting_paper(paper, model, show.writer.max_input_tokens)
        content: list[dict[str, Any]] = [
            {"type": "text", "text": prompts.paper_block(source), "cache_control": CACHE_CONTROL},
            {"type": "text", "text": prompts.task_text(target_minutes, show.writer.words_per_minute)},
        ]
        if previous is not None:
            findings = check_script(previous, paper, show, target_minutes)
            content.append({"type": "text", "text": prompts.revision_text(previous, notes or "(no notes given)", findings)})
        elif notes:
            content.append({"type": "text", "text": prompts.notes_text(notes)})
        words = prompts.word_budget(target_minutes, show.writer.words_per_minute)
        message = self._create(
            model=model,
            max_tokens=min(_MAX_OUTPUT_TOKENS, words * 2 + 2048),
            system=[{"type": "text", "text": prompts.system_prompt(show)}],
            messages=[{"role": "user", "content": content}],
            tools=[prompts.script_tool(show)],
            tool_choice={"type": "tool", "name": prompts.TOOL_NAME},
        )
        usage = add_usage(usage, _usage(message))
        return WriteResult(script=_script_from(message, show, model), usage=usage)

    # --- long papers ----------------------------------------------------------------

    def _fitting_paper(self, paper: Paper, model: str, budget: int) -> tuple[Paper, Usage]:
        if not needs_condensing(paper, budget):
            return paper, Usage()
        key = (paper.sha256, model, budget)
        if key in _condensed:
            return _condensed[key][0], Usage()
        condensed = condense_paper(paper, lambda system, text, max_tokens: self._ask(model, system, text, max_tokens), budget)
        _condensed[key] = condensed
        while len(_condensed) > _CONDENSED_KEPT:
            _condensed.popitem(last=False)
        return condensed

    def _ask(self, model: str, system: str, text: str, max_tokens: int) -> tuple[str, Usage]:
        message = self._create(
            model=model, max_tokens=max_tokens, system=system,
            messages=[{"role": "user", "content": [{"type": "text", "text": text}]}],
        )
        answer = "".join(b.text for b in message.content if b.type == "text").strip()
        if not answer:
            raise MalformedScript("Claude returned an empty summary while condensing a long paper.")
        return answer, _usage(message)

    # --- the API call and its failures ---------------------------------------------------

    def _create(self, **request: Any) -> Any:
        import anthropic

        try:
            if request["max_tokens"] > STREAM_ABOVE_TOKENS:
                with self._client.messages.stream(**request) as stream:
                    return stream.get_final_message()
            return self._client.messages.create(**request)
        except (anthropic.AuthenticationError, anthropic.PermissionDeniedError) as e:
            raise KeyRefused(e.status_code, _api_message(e)) from None
        except anthropic.RateLimitError as e:
            raise WriterUnavailable(
                f"The Anthropic API is rate-limiting papercast (HTTP 429: {_api_message(e)}), even after the retries.",
                "Wait a few minutes and regenerate, or raise writer.max_retries in the show file.",
            ) from None
        except anthropic.InternalServerError as e:
            raise WriterUnavailable(
                f"The Anthropic API is overloaded or failing (HTTP {e.status_code}: {_api_message(e)}), even after the retries.",
                "Regenerate the script later; status.anthropic.com shows outages.",
            ) from None
        except anthropic.APIStatusError as e:
            raise RequestRejected(e.status_code, _api_message(e)) from None
        except anthropic.APITimeoutError:
            raise WriterUnavailable(
                f"The Anthropic API did not answer within {self.settings.show.writer.timeout_seconds:g} seconds.",
                "Regenerate later, or raise writer.timeout_seconds in the show file.",
            ) from None
        except anthropic.APIConnectionError:
            raise WriterUnavailable(
                f"papercast could not reach the Anthropic API at {self._base_url or 'its default address'}.",
                "Check the network (and ANTHROPIC_BASE_URL if set), then regenerate.",
            ) from None


def _api_message(error: "anthropic.APIStatusError") -> str:
    message = getattr(error, "api_message", None)
    if not message and isinstance(error.body, dict):
        inner = error.body.get("error")
        message = inner.get("message") if isinstance(inner, dict) else None
    return str(message or "no message")


def _usage(message: Any) -> Usage:
    u = message.usage
    return Usage(
        input_tokens=u.input_tokens or 0,
        output_tokens=u.output_tokens or 0,
        cache_creation_input_tokens=getattr(u, "cache_creation_input_tokens", 0) or 0,
        cache_read_input_tokens=getattr(u, "cache_read_input_tokens", 0) or 0,
    )


def _script_from(message: Any, show: Show, model: str) -> Script:
    """The tool input as a validated Script, or :class:`MalformedScript`."""
    if message.stop_reason == "refusal":
        raise Declined()
    if message.stop_reason == "max_tokens":
        raise MalformedScript(
            "Claude's script was cut off at the output limit, so it is incomplete.",
            "Ask for fewer minutes, or regenerate.",
        )
    if message.stop_reason == "model_context_window_exceeded":
        raise MalformedScript(
            "Claude's script was cut off because the paper and the script together filled the model's context window.",
            "Lower writer.max_input_tokens in the show file so long papers are condensed, or ask for fewer minutes.",
        )
    calls = [b for b in message.content if b.type == "tool_use"]
    if len(calls) != 1 or calls[0].name != prompts.TOOL_NAME:
        names = [c.name for c in calls] or ["no tool"]
        raise MalformedScript(f"Claude answered with {', '.join(names)} instead of one {prompts.TOOL_NAME} call.")
    try:
        draft = prompts.ScriptDraft.model_validate(calls[0].input)
        return Script(
            **draft.model_dump(),
            hosts={h.key: h.name for h in show.hosts},
            writer=f"claude:{model}",
            offline_draft=False,
        )
    except ValidationError as e:
        raise MalformedScript(f"Claude's script does not have the agreed shape: {_describe(e)}.") from None


def _describe(error: ValidationError) -> str:
    problems = []
    for e in error.errors(include_input=False)[:3]:
        where = ".".join(str(p) for p in e["loc"]) or "script"
        problems.append(f"{where}: {e['msg']}")
    more = error.error_count() - len(problems)
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")
