"""Speech backends: one registry, chosen per host by ``Host.speech`` (id) and ``Host.voice``.

A backend turns one line of text into mono float32 samples::

    backend = speech.backend_for(host, show, env)
    samples, rate = backend.synthesize("Hello there.", host.voice)

Built-in backends are "offline" (the voices "heart" and "joe", shipped in PyPI
wheels), "hosted" (OpenAI-compatible ``/v1/audio/speech`` over httpx),
"elevenlabs" (ElevenLabs' text-to-speech API) and "tone" (a fast synthetic fake
for tests). Fakes and plugins register exactly like the real ones::

    speech.register("mine", lambda show, env: MySpeech())

The registry remembers the module of each factory so that a worker process
(:mod:`workflows.audio.worker`) can import it and find the same backends.
"""

from __future__ import annotations

import threading
from typing import Callable, Protocol, runtime_checkable

import numpy as np

from workflows.errors import AudioError
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


_factories: dict[str, BackendFactory] = {}
_modules: dict[str, str] = {}
_lock = threading.Lock()
_builtins_loaded = False


def register(backend_id: str, factory: BackendFactory) -> None:
    """Make ``backend_id`` available to ``Host.speech``; a later registration replaces an earlier one."""
    with _lock:
        _factories[backend_id] = factory
        _modules[backend_id] = getattr(factory, "__module__", "") or ""


def unregister(backend_id: str) -> None:
    """Forget ``backend_id`` (tests use this to clean up their fakes)."""
    with _lock:
        _factories.pop(backend_id, None)
        _modules.pop(backend_id, None)


def available() -> list[str]:
    """Registered backend ids, sorted."""
    _load_builtins()
    return sorted(_factories)


def plugin_modules(backend_ids: list[str] | None = None) -> list[str]:
    """Modules that registered these backends (default: all), so another process can import them."""
    _load_builtins()
    ids = _modules if backend_ids is None else [i for i in backend_ids if i in _modules]
    return sorted({_modules[i] for i in ids if _modules[i] and _modules[i] != "__main__"})


def get(backend_id: str, show: Show, env: Environment) -> SpeechBackend:
    """Build the backend registered as ``backend_id``, or raise :class:`UnknownSpeechBackend`."""
    _load_builtins()
    factory = _factories.get(backend_id)
    if factory is None:
        raise UnknownSpeechBackend(
            f"No speech backend is called {backend_id!r}; the available ones are {', '.join(available())}.",
            "Set each host's speech = \"offline\", \"hosted\" or \"elevenlabs\" in papercast.toml.",
        )
    return factory(show, env)


def backend_for(host: Host, show: Show, env: Environment) -> SpeechBackend:
    """The backend that speaks for ``host``."""
    return get(host.speech, show, env)


def _load_builtins() -> None:
    global _builtins_loaded
    if _builtins_loaded:
        return
    _builtins_loaded = True
    # Each module registers itself on import; the offline one loads its model lazily.
    from workflows.audio import elevenlabs, hosted, offline, tone  # noqa: F401
