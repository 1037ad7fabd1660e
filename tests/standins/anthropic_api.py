"""A loopback stand-in of the Anthropic Messages API (``POST /v1/messages``).

A real HTTP server on 127.0.0.1, in a thread, that the official ``anthropic``
client talks to through ``base_url``. It answers in the real wire format: a
``message`` object (tool use or text) with a ``usage`` block, or an error body
``{"type": "error", "error": {"type": ..., "message": ...}}`` with the real status.

Usage is computed the way the API bills it, roughly: every block of the request
(tools, then system, then messages) costs ``ceil(len/4)`` tokens; the prefix up
to and including a block marked ``cache_control`` is written to the cache the
first time (``cache_creation_input_tokens``) and read from it when an identical
prefix for the same model comes again (``cache_read_input_tokens``); the rest is
``input_tokens``. Prefixes under ``min_cacheable_tokens`` are not cached, as in
the real API. A cache entry lives for its breakpoint's ``ttl`` ("5m" by default,
or "1h") on the stand-in's ``clock`` (injectable), refreshed by every read; the
creation is also split by lifetime in ``usage.cache_creation``.

A request with ``"stream": true`` is answered as the API streams: server-sent
events ``message_start``, ``content_block_start``, ``content_block_delta``
(``text_delta`` or ``input_json_delta``), ``content_block_stop``,
``message_delta`` (stop reason, output tokens) and ``message_stop``.

Replies are queued with :meth:`reply_tool`, :meth:`reply_text` and
:meth:`reply_error`; with an empty queue, ``responder(body)`` decides (by
default: an error saying nothing was queued). Every request is recorded.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable

from tests.standins.loopback import LoopbackServer

Reply = tuple[int, dict[str, Any], dict[str, str]]  # status, body, headers

_ERROR_TYPES = {
    400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error",
    413: "request_too_large", 429: "rate_limit_error", 500: "api_error", 529: "overloaded_error",
}


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int = 0
    usage: dict[str, Any] = field(default_factory=dict)

    @property
    def streamed(self) -> bool:
        """Whether the client asked for server-sent events."""
        return bool(self.body.get("stream"))

    @property
    def api_key(self) -> str | None:
        """The key the client sent, as ``x-api-key`` or as ``Authorization: Bearer``."""
        bearer = self.headers.get("authorization", "")
        return self.headers.get("x-api-key") or (bearer[7:] if bearer.lower().startswith("bearer ") else None)

    def text_blocks(self) -> list[dict[str, Any]]:
        """The user message's content blocks, in order."""
        blocks: list[dict[str, Any]] = []
        for m in self.body.get("messages", []):
            content = m.get("content")
            blocks += [{"type": "text", "text": content}] if isinstance(content, str) else content
        return blocks

    def system_text(self) -> str:
        system = self.body.get("system", "")
        return system if isinstance(system, str) else "".join(b.get("text", "") for b in system)


class AnthropicStandIn:
    def __init__(self, *, valid_keys: tuple[str, ...] = ("sk-ant-test-key",), min_cacheable_tokens: int = 1024,
                 retry_after_ms: int = 5, clock: Callable[[], float] = time.monotonic) -> None:
        self.valid_keys = set(valid_keys)
        self.min_cacheable_tokens = min_cacheable_tokens
        self.retry_after_ms = retry_after_ms
        self.requests: list[RecordedRequest] = []
        self.responder: Callable[[dict[str, Any]], Reply] = lambda body: self._error(
            500, "api_error", "the stand-in has no reply queued for this request")
        self._queue: list[Callable[[dict[str, Any]], Reply]] = []
        self.clock = clock
        self._seen_prefixes: dict[str, float] = {}  # prefix digest -> when it expires on ``clock``
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._handler(), poll_interval=0.02)

    # --- lifecycle ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._server.base_url

    def __enter__(self) -> "AnthropicStandIn":
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.close()

    # --- queuing replies -----------------------------------------------------------------

    def reply_tool(self, tool_input: Any, *, name: str = "submit_script", stop_reason: str = "tool_use") -> None:
        self._queue.append(lambda body: self._message(body, [
            {"type": "tool_use", "id": f"toolu_{next(self._ids):024d}", "name": name, "input": tool_input}], stop_reason))

    def reply_text(self, text: str, *, stop_reason: str = "end_turn") -> None:
        self._queue.append(lambda body: self._message(body, [{"type": "text", "text": text}], stop_reason))

    def reply_error(self, status: int, message: str = "", *, error_type: str | None = None) -> None:
        kind = error_type or _ERROR_TYPES.get(status, "api_error")
        self._queue.append(lambda body: self._error(status, kind, message or kind.replace("_", " ")))

    # --- what a reply looks like ----------------------------------------------------------------

    def _message(self, body: dict[str, Any], content: list[dict[str, Any]], stop_reason: str) -> Reply:
        usage = self._usage(body)
        usage["output_tokens"] = _tokens(json.dumps(content))
        return 200, {
            "id": f"msg_{next(self._ids):024d}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", ""),
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {**usage, "service_tier": "standard"},
        }, {}

    def _error(self, status: int, kind: str, message: str) -> Reply:
        headers = {"retry-after-ms": str(self.retry_after_ms)} if status in (429, 529) or status >= 500 else {}
        body = {"type": "error", "error": {"type": kind, "message": message}, "request_id": f"req_{next(self._ids):024d}"}
        return status, body, headers

    def _usage(self, body: dict[str, Any]) -> dict[str, int]:
        """Input, cache write and cache read tokens for this request, as the API would bill them."""
        blocks = _blocks_in_cache_order(body)
        costs = [_tokens(json.dumps(b["block"], sort_keys=True) if b["kind"] == "tool" else b["text"]) for b in blocks]
        total = sum(costs)
        read = created = 0
        prefix_tokens = 0
        lifetimes = {"5m": 0, "1h": 0}
        now = self.clock()
        digest = hashlib.sha256(str(body.get("model")).encode())
        for block, cost in zip(blocks, costs):
            prefix_tokens += cost
            digest.update(json.dumps(_without_cache_control(block["block"]), sort_keys=True).encode())
            if not block["cached"] or prefix_tokens < self.min_cacheable_tokens:
                continue
            key = digest.hexdigest()
            ttl = block["ttl"]
            if self._seen_prefixes.get(key, -1.0) > now:
                read, created = prefix_tokens, 0
                lifetimes = {"5m": 0, "1h": 0}
            else:
                created = prefix_tokens - read
                lifetimes[ttl] = created
            self._seen_prefixes[key] = now + {"5m": 300.0, "1h": 3600.0}[ttl]
        return {"input_tokens": total - read - created, "cache_creation_input_tokens": created,
                "cache_read_input_tokens": read, "output_tokens": 0,
                "cache_creation": {"ephemeral_5m_input_tokens": lifetimes["5m"],
                                   "ephemeral_1h_input_tokens": lifetimes["1h"]}}

    # --- HTTP ----------------------------------------------------------------------------------

    def _respond(self, path: str, headers: dict[str, str], raw: bytes) -> Reply:
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            return self._error(400, "invalid_request_error", "request body is not valid JSON")
        record = RecordedRequest(path=path, headers=headers, body=body)
        with self._lock:
            self.requests.append(record)
            if path != "/v1/messages":
                reply = self._error(404, "not_found_error", f"no route {path}")
            elif record.api_key not in self.valid_keys:
                reply = self._error(401, "authentication_error", "invalid x-api-key")
            elif problem := _invalid(body):
                reply = self._error(400, "invalid_request_error", problem)
            else:
                reply = (self._queue.pop(0) if self._queue else self.responder)(body)
            record.status = reply[0]
            record.usage = reply[1].get("usage", {})
        return reply

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, body, extra = stand_in._respond(self.path.split("?")[0], headers, raw)
                streamed = status == 200 and json.loads(raw or b"{}").get("stream")
                data = _events(body) if streamed else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "text/event-stream" if streamed else "application/json")
                self.send_header("content-length", str(len(data)))
                self.send_header("request-id", body.get("request_id") or body.get("id", "req_0"))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def _blocks_in_cache_order(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Tools, then system, then message blocks: the order the API caches prefixes in."""
    blocks = [{"kind": "tool", "block": t, "text": "", "cached": "cache_control" in t, "ttl": _ttl(t)}
              for t in body.get("tools", [])]
    system = body.get("system", [])
    if isinstance(system, str):
        system = [{"type": "text", "text": system}] if system else []
    for b in system:
        blocks.append({"kind": "text", "block": b, "text": b.get("text", ""), "cached": "cache_control" in b, "ttl": _ttl(b)})
    for m in body.get("messages", []):
        content = m.get("content", [])
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        for b in content:
            text = b.get("text") if b.get("type") == "text" else json.dumps(b, sort_keys=True)
            blocks.append({"kind": "text", "block": {"role": m.get("role"), **b}, "text": text,
                           "cached": "cache_control" in b, "ttl": _ttl(b)})
    return blocks


def _ttl(block: dict[str, Any]) -> str:
    return (block.get("cache_control") or {}).get("ttl", "5m")


def _without_cache_control(block: dict[str, Any]) -> dict[str, Any]:
    """A block as the cache keys it: its content, not its breakpoint's lifetime."""
    return {k: v for k, v in block.items() if k != "cache_control"}


def _events(message: dict[str, Any]) -> bytes:
    """A message as the server-sent events the streaming API sends."""
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    events: list[tuple[str, dict[str, Any]]] = [("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            events.append(("content_block_start", {"type": "content_block_start", "index": index,
                                                   "content_block": {"type": "text", "text": ""}}))
            text = block["text"]
            deltas = [{"type": "text_delta", "text": text[i:i + 200]} for i in range(0, len(text), 200)]
        else:
            events.append(("content_block_start", {"type": "content_block_start", "index": index,
                                                   "content_block": {**block, "input": {}}}))
            raw = json.dumps(block["input"])
            deltas = [{"type": "input_json_delta", "partial_json": raw[i:i + 200]} for i in range(0, len(raw), 200)]
        events += [("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d}) for d in deltas]
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(("message_delta", {"type": "message_delta",
                                     "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                                     "usage": {"output_tokens": usage["output_tokens"]}}))
    events.append(("message_stop", {"type": "message_stop"}))
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events).encode()


def _invalid(body: dict[str, Any]) -> str | None:
    """The first thing the real API would reject this request for, if any."""
    for required in ("model", "max_tokens", "messages"):
        if required not in body:
            return f"{required}: Field required"
    if not isinstance(body["max_tokens"], int) or body["max_tokens"] < 1:
        return "max_tokens: must be a positive integer"
    choice = body.get("tool_choice")
    if choice and choice.get("type") == "tool" and choice.get("name") not in {t.get("name") for t in body.get("tools", [])}:
        return f"tool_choice: tool {choice.get('name')!r} is not among the tools"
    return None
