"""Speech backends: one registry, chosen per host by ``Host.speech`` (id) and ``Host.voice``.

A backend turns one line of text into mono float32 samples::

    backend = speech.backend_for(host, show, env)
    samples, rate = backend.synthesize("Hello there.", host.voice)

Built-in backends are "offline" (the voices "heart" and "joe", shipped in PyPI
wheels), "hosted" (OpenAI-compatible ``/v1/audio/speech`` over httpx) and
"elevenlabs" (ElevenLabs' text-to-speech API). Plugins and the test doubles of
:mod:`workflows.testing` register exactly like them, with a factory that builds the
backend from the show and the environment (see :mod:`workflows.registry`)::

    speech.backends.register("mine", lambda show, env: MySpeech())

The registry remembers where each factory is defined, so that the render worker
(:mod:`workflows.audio.worker`) registers the same backends in its own process.
"""

from __future__ import annotations

from typing import Callable, Protocol, runtime_checkable

import numpy as np

from workflows.errors import AudioError
from workflows.registry import Registry
from workflows.settings import Environment, Host, Show


@runtime_checkable
class SpeechBackend(Protocol):
    """What the renderer needs from a speech backend."""

    #: The registry id, as written in ``Host.speech``.
    id: str
    #: How many lines the renderer may synthesise at once with this backend.
    parallelism: int

    def cache_identity(self, voice: str) -> str:
        """A string that changes whenever the same text in ``voice`` would sound different."""

    def synthesize(self, text: str, voice: str) -> tuple[np.ndarray, int]:
        """Speak ``text`` in ``voice``: (mono float32 samples in [-1, 1], sample rate)."""


BackendFactory = Callable[[Show, Environment], SpeechBackend]


class UnknownSpeechBackend(AudioError):
    """A host names a speech backend id that nobody registered."""

    kind = "unknown_speech_backend"


class UnknownVoice(AudioError):
    """A host names a voice the chosen backend does not have."""

    kind = "unknown_voice"


#: Every speech backend by id, as ``Host.speech`` names it. Each module registers its own on import.
backends: Registry[BackendFactory] = Registry(
    "speech backend", setting="each host's speech", error=UnknownSpeechBackend,
    built_ins=("workflows.audio.offline", "workflows.audio.hosted", "workflows.audio.elevenlabs"),
)


def get(backend_id: str, show: Show, env: Environment) -> SpeechBackend:
    """Build the backend registered as ``backend_id``, or raise :class:`UnknownSpeechBackend`."""
    return backends.get(backend_id)(show, env)


def backend_for(host: Host, show: Show, env: Environment) -> SpeechBackend:
    """The backend that speaks for ``host``."""
    return get(host.speech, show, env)
