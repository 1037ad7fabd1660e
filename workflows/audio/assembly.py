"""Putting the episode together: one sample rate, pauses, intro and outro, exact timings.

Every boundary is counted in samples, so the transcript and the chapters agree
with the audio to the sample, whatever the MP3 encoder does afterwards.
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel
from scipy.signal import resample_poly

from workflows.script.model import Script
from workflows.settings import Audio

_SILENCE_DB = -45.0
_KEEP_MS = 40


class Segment(BaseModel):
    """Where one script line sits in the episode, in seconds."""

    line: int
    speaker: str
    start: float
    end: float


class Timeline(BaseModel):
    """The assembled episode's layout: the lines, the chapters and the total length."""

    segments: list[Segment]
    chapter_starts: list[float]
    duration_seconds: float


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Polyphase resampling (anti-aliased) to ``to_rate``."""
    if from_rate == to_rate:
        return np.asarray(samples, dtype=np.float32)
    g = math.gcd(from_rate, to_rate)
    return resample_poly(np.asarray(samples, dtype=np.float32), to_rate // g, from_rate // g).astype(np.float32)


def trim_silence(samples: np.ndarray, rate: int) -> np.ndarray:
    """Cut leading and trailing near-silence (keeping 40 ms), so the configured pauses are the pauses."""
    x = np.asarray(samples, dtype=np.float32)
    loud = np.flatnonzero(np.abs(x) > 10 ** (_SILENCE_DB / 20))
    if len(loud) == 0:
        return x
    keep = int(rate * _KEEP_MS / 1000)
    return x[max(0, loud[0] - keep): loud[-1] + 1 + keep]


def assemble(
    lines: list[np.ndarray], script: Script, audio: Audio, rate: int, *, intro: np.ndarray | None = None, outro: np.ndarray | None = None
) -> tuple[np.ndarray, Timeline]:
    """Join the spoken lines (already at ``rate``) with pauses, intro and outro."""
    pause = np.zeros(int(rate * audio.pause_ms / 1000), np.float32)
    chapter_pause = np.zeros(int(rate * audio.chapter_pause_ms / 1000), np.float32)
    chapter_lines = {c.start_line for c in script.chapters}
    pieces: list[np.ndarray] = []
    cursor = 0
    segments: list[Segment] = []

    def add(x: np.ndarray) -> None:
        nonlocal cursor
        pieces.append(x)
        cursor += len(x)

    if intro is not None and len(intro):
        add(intro)
        add(pause)
    for i, (samples, line) in enumerate(zip(lines, script.lines, strict=True)):
        if i > 0:
            add(chapter_pause if i in chapter_lines else pause)
        start = cursor
        add(samples)
        segments.append(Segment(line=i, speaker=line.speaker, start=start / rate, end=cursor / rate))
    if outro is not None and len(outro):
        add(pause)
        add(outro)

    chapter_starts = [0.0 if c.start_line == 0 else segments[c.start_line].start for c in script.chapters]
    episode = np.concatenate(pieces).astype(np.float32)
    return episode, Timeline(segments=segments, chapter_starts=chapter_starts, duration_seconds=len(episode) / rate)
