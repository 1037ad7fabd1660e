"""One HTTP reply, as the local workspace's route handlers return it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> "Reply":
        return cls(status, {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
                   json.dumps(data).encode("utf-8"))

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain; charset=utf-8") -> "Reply":
        return cls(status, {"Content-Type": content_type}, text.encode("utf-8"))
