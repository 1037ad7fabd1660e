"""The "offline" speech backend: hibari voices that ship inside the PyPI wheel.

hibari (Apache-2.0, distilled from Kokoro-82M, also Apache-2.0) bundles one voice,
"heart"; its other voices download from a model hub on first use, which papercast
never allows. So every voice here is made from "heart":

- ``heart``: the bundled voice as it is.
- ``heart-low``: a deeper voice. The line is synthesised faster (speed 1/k) and
  resampled by k, which lowers pitch and formants by k and restores the duration.
- ``heart-deep``: the same with a smaller k, deeper still.

The model is loaded once per process, on first use, and shared by threads (text to
phonemes behind a lock, the network and vocoder concurrently).
"""

from __future__ import annotations

import os

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # before onnxruntime is imported (by hibari)

import threading  # noqa: E402
from fractions import Fraction  # noqa: E402
from importlib import metadata  # noqa: E402

import numpy as np  # noqa: E402
from scipy.signal import resample_poly  # noqa: E402

from workflows.audio import speech  # noqa: E402
from workflows.settings import Environment, Show  # noqa: E402

#: voice name -> pitch factor k (1.0 = the bundled voice unchanged).
VOICES: dict[str, float] = {"heart": 1.0, "heart-low": 0.82, "heart-deep": 0.74}
#: Fixed noise seed: the same text always gives the same samples.
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


def _version() -> str:
    try:
        return metadata.version("hibari-tts")
    except metadata.PackageNotFoundError:  # pragma: no cover - hibari is a hard dependency
        return "unknown"


class OfflineSpeech:
    """hibari's bundled voice and pitch-shifted variants of it."""

    id = "offline"
    #: Lines synthesised at once: one onnxruntime thread each, so this many cores.
    parallelism = max(1, min(2, os.cpu_count() or 1))

    def cache_identity(self, voice: str) -> str:
        self._factor(voice)
        return f"hibari-{_version()}:k={VOICES[voice]}:seed={_SEED}"

    def synthesize(self, text: str, voice: str) -> tuple[np.ndarray, int]:
        k = self._factor(voice)
        model = _hibari()
        # Text to phonemes is pure Python with shared state: one thread at a time. The ONNX
        # session and the numpy vocoder are thread-safe and release the GIL, so lines overlap there.
        with _g2p_lock:
            sentences = [model.ids(p) for p in model.phonemize(text)]
        rng = np.random.default_rng(_SEED)  # as hibari's own __call__ with seed=_SEED does
        parts = [model.from_ids(ids, 1.0 / k, rng) for ids in sentences]
        samples = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        if k != 1.0:
            ratio = Fraction(k).limit_denominator(100)
            samples = resample_poly(samples, ratio.denominator, ratio.numerator).astype(np.float32)
        return np.asarray(samples, dtype=np.float32), int(model.sample_rate)

    @staticmethod
    def _factor(voice: str) -> float:
        if voice not in VOICES:
            raise speech.UnknownVoice(
                f"The offline speech backend has no voice {voice!r}; it has {', '.join(VOICES)}.",
                "Set the host's voice in papercast.toml to one of those, or use speech = \"hosted\".",
            )
        return VOICES[voice]


def _factory(show: Show, env: Environment) -> OfflineSpeech:
    return OfflineSpeech()


speech.register("offline", _factory)
