"""The ways writing a script can fail, each with what to do about it.

All are :class:`~workflows.errors.ScriptError` subclasses (or a config error for a
writer name that does not exist). Messages never contain the API key.
"""

from __future__ import annotations

from workflows.errors import ConfigError, ScriptError


class MalformedScript(ScriptError):
    """The writer answered, but not with a script of the agreed shape."""

    kind = "malformed_script"
    retryable = True

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(
            message,
            hint or "Regenerate the script; if it keeps happening, try another model in writer.model.",
        )


class KeyRefused(ScriptError):
    """The Anthropic API refused the configured key (HTTP 401/403)."""

    kind = "key_refused"

    def __init__(self, status: int, api_message: str) -> None:
        super().__init__(
            f"The Anthropic API refused the key in ANTHROPIC_API_KEY (HTTP {status}: {api_message}).",
            "Check that ANTHROPIC_API_KEY holds a current key of your Anthropic workspace, "
            "or set writer.backend = \"offline\" in the show file.",
        )
        self.status = status


class RequestRejected(ScriptError):
    """The Anthropic API rejected the request itself (HTTP 400, 404, 413, ...)."""

    kind = "request_rejected"

    def __init__(self, status: int, api_message: str) -> None:
        super().__init__(
            f"The Anthropic API rejected the script request (HTTP {status}): {api_message}",
            "Check writer.model in the show file; if the paper is too long, lower writer.max_input_tokens.",
        )
        self.status = status
        self.api_message = api_message


class WriterUnavailable(ScriptError):
    """The writer could not be reached or stayed overloaded after the retries."""

    kind = "writer_unavailable"
    retryable = True


class UnknownWriter(ConfigError):
    """writer.backend (or --writer) names a writer that is not registered."""

    kind = "unknown_writer"
