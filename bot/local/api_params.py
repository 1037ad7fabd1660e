"""What every Web API method shares: its parameters and its error."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from bot.local.state import WorkspaceState


class ApiError(Exception):
    """A Web API method refused: answered as ``{"ok": false, "error": code}``."""

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra


class Params(dict):
    """A method's parameters, from a form or a JSON body, with Slack's lenient typing."""

    def required(self, name: str) -> Any:
        value = self.get(name)
        if value in (None, ""):
            raise ApiError("invalid_arguments", response_metadata={"messages": [f"[ERROR] missing required field: {name}"]})
        return value

    def structured(self, name: str, error: str = "invalid_arguments") -> Any:
        """A JSON-valued parameter (blocks, view, files): a JSON string in a form, a value in a JSON body."""
        value = self.get(name)
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise ApiError(error) from None
        return value

    def flag(self, name: str) -> bool:
        value = self.get(name)
        return value in (True, 1, "1", "true", "True")


#: A Web API method: the workspace and the call's parameters in, the ``ok`` answer's fields out.
Method = Callable[["WorkspaceState", Params], dict[str, Any]]


def check_blocks(blocks: Any) -> list[dict[str, Any]] | None:
    """Blocks as Slack accepts them: a list of at most 50 objects each with a type."""
    if blocks is None:
        return None
    if not isinstance(blocks, list) or len(blocks) > 50 or not all(isinstance(b, dict) and isinstance(b.get("type"), str) for b in blocks):
        raise ApiError("invalid_blocks")
    return blocks


def thread_root(state: WorkspaceState, channel_id: str, thread_ts: Any) -> str | None:
    """The thread a ``thread_ts`` parameter names (None without one); ApiError when there is no such message."""
    if not thread_ts:
        return None
    root = state.thread_root(channel_id, str(thread_ts))
    if root is None:
        raise ApiError("thread_not_found")
    return root
