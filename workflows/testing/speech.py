"""The "tone" speech backend: fast, deterministic synthetic speech for tests.

Not a built-in: nothing in papercast imports this module, and ``speech = "tone"`` works
only while a test has registered it (``tests/conftest.py`` does, for the test run)::

    speech.backends.register("tone", ToneSpeech)

Each word becomes one or two syllable-like bursts of a few harmonics at a pitch
that depends on the voice, so two voices are measurably different, durations
grow with the word count (about 170 words a minute), and nothing is loaded.
"""

from __future__ import annotations

import hashlib

import numpy as np

from workflows.settings import Environment, Show

SAMPLE_RATE = 24_000
_WORD_SECONDS = 0.35
_KNOWN_PITCHES = {"heart": 210.0, "joe": 115.0, "heart-low": 120.0}


def _pitch(voice: str) -> float:
    """Fundamental frequency in Hz: fixed for the demo voices, else derived from the name (90-250 Hz)."""
    if voice in _KNOWN_PITCHES:
        return _KNOWN_PITCHES[voice]
    h = int.from_bytes(hashlib.sha256(voice.encode()).digest()[:4], "big")
    return 90.0 + (h % 1600) / 10.0


class ToneSpeech:
    """Synthetic voices: any voice name works; the pitch is stable per name."""

    id = "tone"
    parallelism = 1

    def __init__(self, show: Show | None = None, env: Environment | None = None) -> None:
        """Built like every speech backend, from the show and the environment; needs neither."""

    def cache_identity(self, voice: str) -> str:
        return f"tone-v1:{voice}"

    def synthesize(self, text: str, voice: str) -> tuple[np.ndarray, int]:
        words = text.split() or ["…"]
        f0 = _pitch(voice)
        word_n = int(_WORD_SECONDS * SAMPLE_RATE)
        t = np.arange(word_n, dtype=np.float64) / SAMPLE_RATE
        out = np.empty(len(words) * word_n, dtype=np.float32)
        for i, word in enumerate(words):
            syllables = 1 + (len(word) > 5)
            # A slight pitch contour per word keeps it from sounding like a test tone.
            glide = f0 * (1.0 + 0.04 * np.sin(2 * np.pi * t / _WORD_SECONDS + i))
            phase = 2 * np.pi * np.cumsum(glide) / SAMPLE_RATE
            wave = sum(np.sin(k * phase) / k for k in (1, 2, 3, 4))
            envelope = np.sin(np.pi * syllables * t / _WORD_SECONDS) ** 2
            envelope[int(0.85 * word_n):] = 0.0  # a short gap between words
            out[i * word_n:(i + 1) * word_n] = 0.3 * wave * envelope
        return out, SAMPLE_RATE

