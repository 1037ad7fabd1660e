"""What every Web API method shares: its parameters and its error."""

from __future__ import annotations

import json
from typing import Any


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


def check_blocks(blocks: Any) -> list[dict[str, Any]] | None:
    """Blocks as Slack accepts them: a list of at most 50 objects each with a type."""
    if blocks is None:
        return None
    if not isinstance(blocks, list) or len(blocks) > 50 or not all(isinstance(b, dict) and isinstance(b.get("type"), str) for b in blocks):
        raise ApiError("invalid_blocks")
    return blocks
