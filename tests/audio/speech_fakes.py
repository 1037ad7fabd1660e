"""Speech backends for tests, registered through the real registry when imported (and so also in worker processes)."""

from __future__ import annotations

import multiprocessing
import os
import signal

import numpy as np

from workflows.audio import speech
from workflows.testing.speech import ToneSpeech


class CountingSpeech(ToneSpeech):
    """The tone voices, remembering every text it was asked to synthesise."""

    id = "counting"
    calls: list[tuple[str, str]] = []

    def synthesize(self, text: str, voice: str) -> tuple[np.ndarray, int]:
        CountingSpeech.calls.append((voice, text))
        return super().synthesize(text, voice)


class ExplodingSpeech(ToneSpeech):
    """Raises an unexpected (non-papercast) error on a line that contains "explode"."""

    id = "exploding"

    def cache_identity(self, voice: str) -> str:
        return "exploding"

    def synthesize(self, text: str, voice: str) -> tuple[np.ndarray, int]:
        if "explode" in text:
            raise RuntimeError("the synthesizer exploded")
        return super().synthesize(text, voice)


class DyingSpeech(ToneSpeech):
    """Kills its own process (SIGKILL, like the OOM killer) on a line that contains "die"; only in a worker."""

    id = "dying"

    def cache_identity(self, voice: str) -> str:
        return "dying"

    def synthesize(self, text: str, voice: str) -> tuple[np.ndarray, int]:
        if "die" in text.split():
            if multiprocessing.parent_process() is None:
                raise RuntimeError("DyingSpeech only kills worker processes, never the test runner")
            os.kill(os.getpid(), signal.SIGKILL)
        return super().synthesize(text, voice)


# Each class is its own factory (the constructor takes the show and the environment), so a worker finds it by name.
speech.backends.register("counting", CountingSpeech)
speech.backends.register("exploding", ExplodingSpeech)
speech.backends.register("dying", DyingSpeech)
