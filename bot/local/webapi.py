"""The Web API: ``POST /api/<method>`` with a bearer token, answered like slack.com/api.

Bodies may be form-encoded, JSON or multipart, and the token may come in the
``Authorization`` header or a ``token`` parameter, as with the real API. Every
call is recorded (:class:`ApiCall`), and a test can make the next calls of a
method fail (:meth:`WebApi.fail_next`) to exercise the bot's retry handlers.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, Literal
from urllib.parse import parse_qsl

from bot.local import api_chat, api_files, api_history, api_views
from bot.local.api_params import ApiError, Params
from bot.local.reply import Reply
from bot.local.state import WorkspaceState

METHODS = {**api_chat.METHODS, **api_history.METHODS, **api_files.METHODS, **api_views.METHODS}

#: How an injected failure answers: HTTP 429 + Retry-After, HTTP 500, or ok=false with this error code.
Failure = Literal["429", "500"] | str


@dataclass(frozen=True)
class ApiCall:
    """One Web API call as the workspace saw it (the token is never recorded)."""

    method: str
    params: dict[str, Any]
    status: int
    ok: bool
    error: str | None
    at: float = field(default_factory=time.time)


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Form, JSON or multipart parameters of a request body."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        data = json.loads(body.decode("utf-8") or "{}")
        return data if isinstance(data, dict) else {}
    if kind == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        params: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name:
                payload = part.get_payload(decode=True) or b""
                params[name] = payload if part.get_filename() else payload.decode("utf-8")
        return params
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


class WebApi:
    """Answers Web API calls against one :class:`WorkspaceState` for one bot token."""

    def __init__(self, state: WorkspaceState, bot_token: str) -> None:
        self.state = state
        self.bot_token = bot_token
        self._lock = threading.Lock()
        self._calls: list[ApiCall] = []
        self._failures: dict[str, deque[tuple[Failure, int]]] = {}

    def fail_next(self, method: str, times: int = 1, how: Failure = "429", retry_after: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` fail: "429" (HTTP 429 + Retry-After),
        "500" (HTTP 500), or any other string as ``{"ok": false, "error": how}`` (e.g. "ratelimited")."""
        with self._lock:
            queue = self._failures.setdefault(method, deque())
            queue.extend([(how, retry_after)] * times)

    def calls(self, method: str | None = None) -> list[ApiCall]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def authorized(self, headers: dict[str, str], params: dict[str, Any] | None = None) -> str | None:
        """None if the request carries the bot token, else Slack's error code."""
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else (params or {}).get("token")
        if not token:
            return "not_authed"
        return None if hmac.compare_digest(str(token), self.bot_token) else "invalid_auth"

    def handle(self, method: str, headers: dict[str, str], body: bytes, query: str) -> Reply:
        try:
            params = Params(parse_qsl(query, keep_blank_values=True))
            params.update(parse_body(headers.get("content-type", ""), body))
        except ValueError:
            return self._record(method, {}, Reply.json({"ok": False, "error": "invalid_json"}))
        error = self.authorized(headers, params)
        params.pop("token", None)
        if error:
            return self._record(method, params, Reply.json({"ok": False, "error": error}))
        injected = self._injected(method)
        if injected:
            return self._record(method, params, injected)
        handler = METHODS.get(method)
        if handler is None:
            return self._record(method, params, Reply.json({"ok": False, "error": "unknown_method"}, status=404))
        try:
            result = handler(self.state, params)
        except ApiError as e:
            return self._record(method, params, Reply.json({"ok": False, "error": e.code, **e.extra}))
        return self._record(method, params, Reply.json({"ok": True, **result}))

    def _injected(self, method: str) -> Reply | None:
        with self._lock:
            queue = self._failures.get(method)
            if not queue:
                return None
            how, retry_after = queue.popleft()
        if how == "429":
            return Reply.json({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)})
        if how == "500":
            return Reply.text("Internal Server Error", status=500, content_type="text/html; charset=utf-8")
        return Reply.json({"ok": False, "error": how})

    def _record(self, method: str, params: dict[str, Any], reply: Reply) -> Reply:
        ok, error = False, None
        if reply.headers.get("Content-Type", "").startswith("application/json"):
            data = json.loads(reply.body)
            ok, error = bool(data.get("ok")), data.get("error")
        clean = {k: (v if not isinstance(v, bytes) else f"<{len(v)} bytes>") for k, v in params.items()}
        with self._lock:
            self._calls.append(ApiCall(method, clean, reply.status, ok, error))
        return reply
