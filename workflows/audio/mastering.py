"""From the assembled samples to an MP3 at the target loudness, measured as listeners hear it.

Normalise and limit the samples (leaving ``codec_headroom_db`` under the true-peak
ceiling for the encoder's overshoot), encode, decode the MP3 again and measure.
MP3 encoders change the level slightly (LAME through ffmpeg plays back about
0.45 dB quieter), so if the decoded loudness misses the target by more than a
fraction of a LU the gain is corrected once and the MP3 encoded again.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydantic import BaseModel

from workflows.audio import codec, loudness
from workflows.settings import Audio

_TOLERANCE_LU = 0.2


class Master(BaseModel):
    """The encoded episode as measured after decoding it."""

    loudness_lufs: float
    true_peak_dbtp: float
    decoded_seconds: float
    passes: int


def master_mp3(samples: np.ndarray, rate: int, audio: Audio, target: Path) -> Master:
    """Write ``target`` (an untagged MP3) at ``audio.target_lufs`` with true peak under ``audio.true_peak_dbtp``."""
    ceiling = audio.true_peak_dbtp - audio.codec_headroom_db
    y, _, _ = loudness.normalize(samples, rate, audio.target_lufs, ceiling)
    heard = _encode_and_decode(y, rate, audio, target)
    measured = loudness.integrated_loudness(heard, rate)
    passes = 1
    if np.isfinite(measured) and abs(measured - audio.target_lufs) > _TOLERANCE_LU:
        correction = audio.target_lufs - measured
        # The codec's level change applies to the peaks too: allow them to move by the correction.
        y = loudness.limit(y * np.float32(10 ** (correction / 20)), rate, min(ceiling + max(correction, 0.0), audio.true_peak_dbtp))
        heard = _encode_and_decode(y, rate, audio, target)
        measured = loudness.integrated_loudness(heard, rate)
        passes = 2
    return Master(
        loudness_lufs=round(measured, 2),
        true_peak_dbtp=round(loudness.true_peak_dbtp(heard), 2),
        decoded_seconds=len(heard) / rate,
        passes=passes,
    )


def _encode_and_decode(samples: np.ndarray, rate: int, audio: Audio, target: Path) -> np.ndarray:
    codec.encode_mp3(samples, rate, target, audio.bitrate)
    return codec.decode(target, rate)
