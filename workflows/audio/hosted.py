"""The "hosted" speech backend: OpenAI's ``POST {base}/audio/speech`` over httpx.

Works with OpenAI and with compatible servers. The key comes from
``HOSTED_TTS_API_KEY`` only and never appears in a message. Rate limits (429,
honouring ``Retry-After``), server errors and timeouts are retried a bounded
number of times; at most ``audio.hosted_tts_concurrency`` requests are in flight.
"""

from __future__ import annotations

import email.utils
import re
import threading
import time
from typing import Callable

import httpx
import numpy as np
from pydantic import SecretStr

from workflows.audio import speech
from workflows.audio.wavfile import WavFormatError, parse_wav
from workflows.errors import AudioError, NeedsKey
from workflows.settings import Audio, Environment, Show

#: OpenAI accepts up to 4096 characters per request; longer lines are split at sentences.
MAX_INPUT_CHARS = 4000
_MAX_WAIT_SECONDS = 60.0
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class HostedSpeechError(AudioError):
    """The hosted TTS service failed or answered something unusable."""

    kind = "hosted_tts"
    retryable = True


class HostedSpeechAuthError(HostedSpeechError):
    """The hosted TTS service refused the API key."""

    kind = "hosted_tts_auth"
    retryable = False


class HostedSpeech:
    """One configured hosted TTS endpoint, shared by every line of a render."""

    id = "hosted"

    def __init__(
        self,
        audio: Audio,
        api_key: SecretStr | None,
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if api_key is None:
            raise NeedsKey("HOSTED_TTS_API_KEY", "the hosted speech backend (speech = \"hosted\")")
        self._key = api_key
        self._url = audio.hosted_tts_url.rstrip("/") + "/audio/speech"
        self._model = audio.hosted_tts_model
        self._retries = audio.hosted_tts_max_retries
        self._sleep = sleep
        self._client = client or httpx.Client(timeout=httpx.Timeout(audio.hosted_tts_timeout_seconds, connect=10.0))
        self.parallelism = audio.hosted_tts_concurrency
        self._slots = threading.BoundedSemaphore(audio.hosted_tts_concurrency)

    def cache_identity(self, voice: str) -> str:
        return f"{self._url}|{self._model}"

    def synthesize(self, text: str, voice: str) -> tuple[np.ndarray, int]:
        parts = [self._speak(chunk, voice) for chunk in _chunks(text)]
        rate = parts[0][1]
        if any(r != rate for _, r in parts):
            raise HostedSpeechError(f"{self._url} answered one line at different sample rates.", "Report this to the TTS provider.")
        return np.concatenate([p for p, _ in parts]).astype(np.float32), rate

    def close(self) -> None:
        self._client.close()

    def _speak(self, text: str, voice: str) -> tuple[np.ndarray, int]:
        body = {"model": self._model, "input": text, "voice": voice, "response_format": "wav"}
        headers = {"Authorization": f"Bearer {self._key.get_secret_value()}"}
        problem = ""
        for attempt in range(self._retries + 1):
            wait = min(2.0**attempt, 30.0)
            try:
                with self._slots:
                    response = self._client.post(self._url, json=body, headers=headers)
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as e:
                problem = f"could not be reached ({type(e).__name__})"
            else:
                if response.status_code == 200:
                    return self._decode(response)
                if response.status_code in (401, 403):
                    raise HostedSpeechAuthError(
                        f"The hosted TTS service at {self._url} refused the API key (HTTP {response.status_code}).",
                        "Check HOSTED_TTS_API_KEY: it must be a valid key for that service with access to "
                        f"the model {self._model!r}.",
                    )
                if response.status_code != 429 and response.status_code < 500:
                    raise HostedSpeechError(
                        f"The hosted TTS service at {self._url} rejected the request (HTTP {response.status_code}): "
                        f"{self._explain(response)}",
                        "Check the host's voice and audio.hosted_tts_model in papercast.toml.",
                    )
                problem = f"answered HTTP {response.status_code}"
                retry_after = _retry_after(response) if response.status_code == 429 else None
                if retry_after is not None:
                    wait = retry_after
            if attempt < self._retries:
                self._sleep(min(wait, _MAX_WAIT_SECONDS))
        raise HostedSpeechError(
            f"The hosted TTS service at {self._url} {problem}, {self._retries + 1} times in a row.",
            "Wait a few minutes and render again, or lower audio.hosted_tts_concurrency.",
        )

    def _decode(self, response: httpx.Response) -> tuple[np.ndarray, int]:
        try:
            return parse_wav(response.content)
        except WavFormatError as e:
            raise HostedSpeechError(
                f"The hosted TTS service at {self._url} did not return a WAV ({e}).",
                "Check audio.hosted_tts_url: it must be an OpenAI-compatible API that supports response_format \"wav\".",
            ) from None

    def _explain(self, response: httpx.Response) -> str:
        try:
            detail = str(response.json()["error"]["message"])
        except Exception:  # noqa: BLE001 - any non-JSON body: show a short excerpt
            detail = response.text[:200]
        return detail.replace(self._key.get_secret_value(), "[redacted]")


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if there is one."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _chunks(text: str) -> list[str]:
    """Split text at sentence ends into pieces the API accepts (hard cut only inside one huge sentence)."""
    if len(text) <= MAX_INPUT_CHARS:
        return [text]
    out, cur = [], ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > MAX_INPUT_CHARS:
            out.append(sentence[:MAX_INPUT_CHARS])
            sentence = sentence[MAX_INPUT_CHARS:]
        if cur and len(cur) + 1 + len(sentence) > MAX_INPUT_CHARS:
            out.append(cur)
            cur = sentence
        else:
            cur = f"{cur} {sentence}" if cur else sentence
    if cur:
        out.append(cur)
    return out


def _factory(show: Show, env: Environment) -> HostedSpeech:
    return HostedSpeech(show.audio, env.hosted_tts_api_key)


speech.backends.register("hosted", _factory)
