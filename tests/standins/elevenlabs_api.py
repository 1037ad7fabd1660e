"""A loopback stand-in of ElevenLabs' text-to-speech API (``POST /v1/text-to-speech/{voice_id}``).

A real HTTP server on 127.0.0.1, in a thread, speaking the real wire format: the
key in the ``xi-api-key`` header, ``output_format`` in the query (``pcm_24000``:
raw 16-bit little-endian mono PCM, ``audio/pcm``), a JSON body ``{"text",
"model_id", ...}``; errors as ElevenLabs sends them, ``{"detail": {"status",
"message"}}``: 401 ``invalid_api_key``, 401 ``quota_exceeded`` once the account's
credits (one per character) run out, 429 ``too_many_concurrent_requests`` past the
plan's concurrency (two on the free plan), 404 ``voice_not_found``, 422 FastAPI
validation lists, and planned 429/5xx answers.

Every request is recorded; ``max_in_flight`` counts concurrent requests and
``hold_until_in_flight`` keeps each request open until that many are in flight (or
``hold_timeout`` passes), so a concurrency limit is visible.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np

from tests.standins.loopback import LoopbackServer

VOICES = {"21m00Tcm4TlvDq8ikWAM": 210.0, "JBFqnCBsd6RMkjVDRZzb": 120.0, "pNInz6obpgDQGcFmaJgB": 110.0}
FORMATS = {"pcm_16000": 16_000, "pcm_22050": 22_050, "pcm_24000": 24_000}
WORD_SECONDS = 0.3


@dataclass
class Planned:
    """One planned answer: an HTTP status with ElevenLabs' detail status and optional Retry-After."""

    status: int = 200
    detail_status: str = ""
    retry_after: str | None = None


@dataclass
class Recorded:
    api_key: str
    voice_id: str
    query: dict[str, str]
    body: dict[str, Any]


@dataclass
class ElevenLabsStandIn:
    api_key: str = "sk_standin"
    #: Characters left on the account (None: unlimited); each request spends len(text).
    credits: int | None = None
    #: Requests the plan allows at once; more get 429 too_many_concurrent_requests.
    concurrency_limit: int = 2
    hold_until_in_flight: int = 0
    hold_timeout: float = 2.0
    requests: list[Recorded] = field(default_factory=list)
    max_in_flight: int = 0
    in_flight: int = 0

    def __post_init__(self) -> None:
        self._plans: list[Planned] = []
        self._lock = threading.Condition()
        self._server = LoopbackServer(_handler(self))

    @property
    def base_url(self) -> str:
        return self._server.base_url

    def plan(self, *answers: Planned) -> None:
        with self._lock:
            self._plans.extend(answers)

    def __enter__(self) -> "ElevenLabsStandIn":
        return self

    def __exit__(self, *exc) -> None:
        self._server.close()

    def _next_plan(self) -> Planned:
        with self._lock:
            return self._plans.pop(0) if self._plans else Planned()

    def _enter(self) -> bool:
        """Count the request in; False when it is over the plan's concurrency."""
        with self._lock:
            if self.in_flight >= self.concurrency_limit:
                return False
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._lock.notify_all()
            if self.hold_until_in_flight:
                self._lock.wait_for(lambda: self.in_flight >= self.hold_until_in_flight, timeout=self.hold_timeout)
            return True

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _spend(self, characters: int) -> int | None:
        """Spend credits; the remaining credits if there were too few (nothing spent), else None."""
        with self._lock:
            if self.credits is None or self.credits >= characters:
                self.credits = None if self.credits is None else self.credits - characters
                return None
            return self.credits


def speech_pcm(text: str, voice_id: str, rate: int) -> bytes:
    """Raw s16le mono PCM: a voice-dependent tone, 0.3 s per word."""
    n = int(WORD_SECONDS * rate * max(1, len(text.split())))
    t = np.arange(n) / rate
    return (0.3 * np.sin(2 * np.pi * VOICES[voice_id] * t) * 32767).astype("<i2").tobytes()


def _detail(status: str, message: str) -> bytes:
    return json.dumps({"detail": {"status": status, "message": message}}).encode()


def _handler(standin: ElevenLabsStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/json",
                  headers: dict[str, str] | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def do_POST(self) -> None:  # noqa: N802 - http.server naming
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            url = urlsplit(self.path)
            parts = url.path.strip("/").split("/")
            if len(parts) != 3 or parts[:2] != ["v1", "text-to-speech"]:
                self._send(404, json.dumps({"detail": "Not Found"}).encode())
                return
            try:
                body = json.loads(raw)
            except json.JSONDecodeError:
                body = {}
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            key = self.headers.get("xi-api-key", "")
            standin.requests.append(Recorded(api_key=key, voice_id=parts[2], query=query, body=body))
            if not standin._enter():
                self._send(429, _detail(
                    "too_many_concurrent_requests",
                    f"Too many concurrent requests. Your current subscription is associated with a maximum of "
                    f"{standin.concurrency_limit} concurrent requests (running in parallel)."))
                return
            try:
                self._answer(key, parts[2], query, body)
            finally:
                standin._leave()

        def _answer(self, key: str, voice_id: str, query: dict[str, str], body: dict[str, Any]) -> None:
            if key != standin.api_key:
                self._send(401, _detail("invalid_api_key", "Invalid API key"))
                return
            plan = standin._next_plan()
            if plan.status != 200:
                headers = {"Retry-After": plan.retry_after} if plan.retry_after is not None else {}
                self._send(plan.status, _detail(plan.detail_status or "system_busy", f"planned {plan.status}"),
                           headers=headers)
                return
            text = body.get("text")
            if not isinstance(text, str) or not text.strip():
                self._send(422, json.dumps({"detail": [{"loc": ["body", "text"], "msg": "field required",
                                                        "type": "value_error.missing"}]}).encode())
                return
            if voice_id not in VOICES:
                self._send(404, _detail("voice_not_found", f"A voice with the voice_id {voice_id} was not found."))
                return
            fmt = query.get("output_format", "mp3_44100_128")
            if fmt not in FORMATS:
                self._send(400, _detail("invalid_output_format", f"The output format {fmt} is not supported here."))
                return
            left = standin._spend(len(text))
            if left is not None:
                self._send(401, _detail("quota_exceeded", f"This request exceeds your quota of 10000. You have {left} "
                                        f"credits remaining, while {len(text)} credits are required for this request."))
                return
            self._send(200, speech_pcm(text, voice_id, FORMATS[fmt]), "audio/pcm")

    return Handler
