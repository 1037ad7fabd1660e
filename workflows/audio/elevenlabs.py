"""The "elevenlabs" speech backend: ElevenLabs' text-to-speech API over httpx.

    POST {audio.elevenlabs_url}/v1/text-to-speech/{voice_id}?output_format=pcm_24000
    xi-api-key: $ELEVENLABS_API_KEY
    {"text": "...", "model_id": "eleven_multilingual_v2"}

answers raw 16-bit little-endian mono PCM at the rate the format names. Each host's
``voice`` is an ElevenLabs voice id. The key comes from ``ELEVENLABS_API_KEY`` only
and never appears in a message. 429 (too many concurrent requests, system busy; its
``Retry-After`` honoured), 5xx and timeouts are retried a bounded number of times; at
most ``audio.elevenlabs_concurrency`` requests are in flight (free plans allow two).
A refused key and an exhausted quota (both 401, told apart by ``detail.status``) stop
the render at once with what to do.
"""

from __future__ import annotations

import threading
import time
from typing import Callable
from urllib.parse import quote

import httpx
import numpy as np
from pydantic import SecretStr

from workflows.audio import speech
from workflows.audio.hosted import _chunks, _retry_after
from workflows.errors import AudioError, NeedsKey
from workflows.settings import Audio, Environment, Show

_MAX_WAIT_SECONDS = 60.0


class ElevenLabsError(AudioError):
    """ElevenLabs failed or answered something unusable."""

    kind = "elevenlabs"
    retryable = True


class ElevenLabsAuthError(ElevenLabsError):
    """ElevenLabs refused the API key."""

    kind = "elevenlabs_auth"
    retryable = False


class ElevenLabsQuotaError(ElevenLabsError):
    """The ElevenLabs account has no credits left for this request."""

    kind = "elevenlabs_quota"
    retryable = False


class ElevenLabsSpeech:
    """One ElevenLabs account, shared by every line (and both hosts) of a render."""

    id = "elevenlabs"

    def __init__(
        self,
        audio: Audio,
        api_key: SecretStr | None,
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if api_key is None:
            raise NeedsKey("ELEVENLABS_API_KEY", "the ElevenLabs speech backend (speech = \"elevenlabs\")")
        self._key = api_key
        self._base = audio.elevenlabs_url.rstrip("/")
        self._model = audio.elevenlabs_model
        self._format = audio.elevenlabs_output_format
        self._rate = int(self._format.split("_")[1])
        self._retries = audio.elevenlabs_max_retries
        self._sleep = sleep
        self._client = client or httpx.Client(timeout=httpx.Timeout(audio.elevenlabs_timeout_seconds, connect=10.0))
        self.parallelism = audio.elevenlabs_concurrency
        self._slots = threading.BoundedSemaphore(audio.elevenlabs_concurrency)

    def cache_identity(self, voice: str) -> str:
        return f"{self._base}|{self._model}|{self._format}"

    def synthesize(self, text: str, voice: str) -> tuple[np.ndarray, int]:
        parts = [self._speak(chunk, voice) for chunk in _chunks(text)]
        return np.concatenate(parts).astype(np.float32), self._rate

    def close(self) -> None:
        self._client.close()

    def _speak(self, text: str, voice: str) -> np.ndarray:
        url = f"{self._base}/v1/text-to-speech/{quote(voice, safe='')}"
        body = {"text": text, "model_id": self._model}
        headers = {"xi-api-key": self._key.get_secret_value(), "accept": "audio/pcm"}
        problem = ""
        for attempt in range(self._retries + 1):
            wait = min(2.0**attempt, 30.0)
            try:
                with self._slots:
                    response = self._client.post(url, params={"output_format": self._format}, json=body, headers=headers)
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as e:
                problem = f"could not be reached ({type(e).__name__})"
            else:
                if response.status_code == 200:
                    return self._decode(response)
                status, detail = _detail(response)
                self._refuse(response.status_code, status, detail, voice)
                problem = f"answered HTTP {response.status_code}" + (f" ({status})" if status else "")
                told = _retry_after(response) if response.status_code == 429 else None
                wait = told if told is not None else wait
            if attempt < self._retries:
                self._sleep(min(wait, _MAX_WAIT_SECONDS))
        raise ElevenLabsError(
            f"ElevenLabs at {self._base} {problem}, {self._retries + 1} times in a row.",
            "Wait a few minutes and render again, or lower audio.elevenlabs_concurrency (free plans allow 2).",
        )

    def _refuse(self, code: int, status: str, detail: str, voice: str) -> None:
        """Raise at once for answers that no retry can fix; return for 429 and 5xx."""
        if code == 429 or code >= 500:
            return
        detail = detail.replace(self._key.get_secret_value(), "[redacted]")
        if status == "quota_exceeded" or code == 402:
            raise ElevenLabsQuotaError(
                f"ElevenLabs refused the request: the account's quota is used up ({detail or f'HTTP {code}'}).",
                "Add credits or upgrade the plan at elevenlabs.io, wait for the monthly reset, "
                "or switch these hosts to speech = \"offline\" in papercast.toml.",
            )
        if code in (401, 403):
            raise ElevenLabsAuthError(
                f"ElevenLabs refused the API key (HTTP {code}{', ' + status if status else ''}).",
                "Check ELEVENLABS_API_KEY: copy a valid key from elevenlabs.io (Developers, API keys) "
                "with text-to-speech access.",
            )
        raise ElevenLabsError(
            f"ElevenLabs rejected the request for voice {voice!r} (HTTP {code}): {detail or 'no detail'}",
            "Check the host's voice (an ElevenLabs voice id) and audio.elevenlabs_model in papercast.toml.",
        )

    def _decode(self, response: httpx.Response) -> np.ndarray:
        pcm = response.content
        kind = response.headers.get("content-type", "")
        if len(pcm) % 2 or kind.startswith(("application/json", "text/")):
            raise ElevenLabsError(
                f"ElevenLabs did not return {self._format} audio (got {kind or 'no content type'}, {len(pcm)} bytes).",
                "Check audio.elevenlabs_url: it must be the ElevenLabs API (https://api.elevenlabs.io).",
            )
        return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def _detail(response: httpx.Response) -> tuple[str, str]:
    """(status, message) from ElevenLabs' error JSON: ``{"detail": {"status", "message"}}`` or a 422 list."""
    try:
        detail = response.json().get("detail")
    except Exception:  # noqa: BLE001 - any non-JSON body: show a short excerpt
        return "", response.text[:200]
    if isinstance(detail, dict):
        return str(detail.get("status", "")), str(detail.get("message", ""))
    if isinstance(detail, list):  # FastAPI validation errors
        return "invalid_request", "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
    return "", str(detail or "")[:200]


def _factory(show: Show, env: Environment) -> ElevenLabsSpeech:
    return ElevenLabsSpeech(show.audio, env.elevenlabs_api_key)


speech.backends.register("elevenlabs", _factory)
