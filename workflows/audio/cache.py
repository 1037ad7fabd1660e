"""Synthesised lines on disk, keyed by (backend, voice, spoken text).

``<cache_dir>/<sha256 of "backend id|cache identity|voice|text">.wav`` holds the
backend's own output (float32 WAV at its own rate), so re-rendering after a
one-line edit synthesises that one line and reads every other one back, and a
new voice for one host synthesises that host's lines only. The text is what the
voice was given (after the pronunciation lexicon), so a changed pronunciation
re-synthesises the lines that use it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from workflows.audio.speech import SpeechBackend
from workflows.audio.wavfile import WavFormatError, read_wav, write_wav


class SpeechCache:
    """A folder of synthesised lines; safe to share between renders and processes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, backend: SpeechBackend, voice: str, text: str) -> Path:
        key = "|".join([backend.id, backend.cache_identity(voice), voice, text])
        return self.root / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()}.wav"

    def load(self, backend: SpeechBackend, voice: str, text: str) -> tuple[np.ndarray, int] | None:
        """The cached samples and rate, or None if this line was never synthesised (or the file is damaged)."""
        path = self.path_for(backend, voice, text)
        if not path.is_file():
            return None
        try:
            return read_wav(path)
        except (WavFormatError, OSError, ValueError):
            return None

    def synthesize(self, backend: SpeechBackend, voice: str, text: str) -> tuple[np.ndarray, int]:
        """Cached samples if present, else synthesise and store them."""
        hit = self.load(backend, voice, text)
        if hit is not None:
            return hit
        samples, rate = backend.synthesize(text, voice)
        samples = np.asarray(samples, dtype=np.float32)
        write_wav(self.path_for(backend, voice, text), samples, rate)
        return samples, rate
