"""A loopback stand-in of OpenAI's speech API (``POST /v1/audio/speech``).

A real HTTP server on 127.0.0.1, in a thread. It speaks the real wire format:
a JSON body ``{"model", "input", "voice", "response_format"}`` with
``Authorization: Bearer <key>``; a WAV answer streamed the way OpenAI streams
it (RIFF and data sizes set to 0xFFFFFFFF, 24 kHz, 16-bit mono); errors as
``{"error": {"message", "type", "param", "code"}}`` with the real status codes
(401 for a bad key, 429 with ``Retry-After``, 5xx).

Failures are planned with :meth:`plan` (one per request, in order); every
request is recorded; ``in_flight`` and ``max_in_flight`` count concurrent
requests, and ``hold_until_in_flight`` keeps each request open until that many
are in flight (or ``hold_timeout`` passes), so a concurrency limit is visible.
"""

from __future__ import annotations

import json
import struct
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import numpy as np

from tests.standins.loopback import LoopbackServer

RATE = 24_000
VOICES = ("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse")


@dataclass
class Planned:
    """One planned answer: an HTTP error status (with optional Retry-After), or a stall."""

    status: int = 200
    retry_after: str | None = None
    stall: bool = False


@dataclass
class Recorded:
    authorization: str
    body: dict[str, Any]


@dataclass
class HostedTTSStandIn:
    api_key: str = "sk-standin-key"
    hold_until_in_flight: int = 0
    hold_timeout: float = 2.0
    requests: list[Recorded] = field(default_factory=list)
    max_in_flight: int = 0
    in_flight: int = 0

    def __post_init__(self) -> None:
        self._plans: list[Planned] = []
        self._lock = threading.Condition()
        self.release_stalled = threading.Event()
        self._server = LoopbackServer(_handler(self))

    @property
    def base_url(self) -> str:
        return f"{self._server.base_url}/v1"

    def plan(self, *answers: Planned) -> None:
        with self._lock:
            self._plans.extend(answers)

    def __enter__(self) -> "HostedTTSStandIn":
        return self

    def __exit__(self, *exc) -> None:
        self.release_stalled.set()
        self._server.close()

    # -- called by the handler --------------------------------------------------------
    def _next_plan(self) -> Planned:
        with self._lock:
            return self._plans.pop(0) if self._plans else Planned()

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._lock.notify_all()
            if self.hold_until_in_flight:
                self._lock.wait_for(lambda: self.in_flight >= self.hold_until_in_flight, timeout=self.hold_timeout)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1


def speech_wav(text: str, voice: str) -> bytes:
    """A streamed-style WAV: a voice-dependent tone, 0.3 s per word."""
    pitch = 100.0 + 15.0 * (sum(voice.encode()) % 10)
    n = int(0.3 * RATE * max(1, len(text.split())))
    t = np.arange(n) / RATE
    pcm = (0.3 * np.sin(2 * np.pi * pitch * t) * 32767).astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHH", 1, 1, RATE, RATE * 2, 2, 16)
    return b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVEfmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", 0xFFFFFFFF) + pcm


def _error(message: str, kind: str, code: str | None = None) -> bytes:
    return json.dumps({"error": {"message": message, "type": kind, "param": None, "code": code}}).encode()


def _handler(standin: HostedTTSStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                self.close_connection = True

        def do_POST(self) -> None:  # noqa: N802 - http.server naming
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if self.path != "/v1/audio/speech":
                self._send(404, _error(f"Invalid URL (POST {self.path})", "invalid_request_error"), "application/json")
                return
            auth = self.headers.get("Authorization", "")
            try:
                body = json.loads(raw)
            except json.JSONDecodeError:
                body = {}
            standin.requests.append(Recorded(authorization=auth, body=body))
            standin._enter()
            try:
                self._answer(auth, body)
            finally:
                standin._leave()

        def _answer(self, auth: str, body: dict[str, Any]) -> None:
            if auth != f"Bearer {standin.api_key}":
                shown = auth.removeprefix("Bearer ")
                msg = f"Incorrect API key provided: {shown[:3]}***{shown[-4:]}. You can find your API key at https://platform.openai.com/account/api-keys."
                self._send(401, _error(msg, "invalid_request_error", "invalid_api_key"), "application/json")
                return
            plan = standin._next_plan()
            if plan.stall:
                standin.release_stalled.wait(timeout=10)
            if plan.status != 200:
                headers = {"Retry-After": plan.retry_after} if plan.retry_after is not None else {}
                kind = "rate_limit_exceeded" if plan.status == 429 else "server_error"
                self._send(plan.status, _error(f"planned {plan.status}", kind), "application/json", headers)
                return
            missing = [k for k in ("model", "input", "voice") if not body.get(k)]
            if missing or body.get("voice") not in VOICES or len(body.get("input", "")) > 4096:
                self._send(400, _error(f"Invalid request: {missing or body.get('voice')}", "invalid_request_error"), "application/json")
                return
            self._send(200, speech_wav(body["input"], body["voice"]), "audio/wav")

    return Handler
