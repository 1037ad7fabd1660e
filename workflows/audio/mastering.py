"""From the assembled samples to an MP3 at the target loudness, measured as listeners hear it.

1. Low-pass at ``audio.lowpass_hz``: clicks near the Nyquist frequency (the
   neural vocoder makes a few) are what the MP3 encoder rebuilds up to ~2 dB
   higher than the limiter left them; without that band the peaks survive.
2. Calibrate the codec on an excerpt: LAME through ffmpeg plays back about
   0.45 dB quieter than its input, so loudness and ceiling are offset by what
   the excerpt shows.
3. Normalise and limit (``codec_headroom_db`` under the true-peak ceiling),
   encode, decode and measure. If the decoded MP3 misses the loudness by more
   than half a LU or its true peak exceeds the ceiling, correct once and encode
   again.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
from pydantic import BaseModel
from scipy.signal import firwin

from workflows.audio import codec, loudness
from workflows.settings import Audio

_EXCERPT_SECONDS = 30.0
_LOUDNESS_SLACK_LU = 0.5
_PEAK_MARGIN_DB = 0.3


class Master(BaseModel):
    """The encoded episode as measured after decoding it."""

    loudness_lufs: float
    true_peak_dbtp: float
    decoded_seconds: float
    codec_offset_db: float
    passes: int


def master_mp3(samples: np.ndarray, rate: int, audio: Audio, target: Path) -> Master:
    """Write ``target`` (an untagged MP3) at ``audio.target_lufs`` with true peak under ``audio.true_peak_dbtp``."""
    x = lowpass(samples, rate, audio.lowpass_hz)
    offset = _codec_offset(x, rate, audio)
    loudness_aim = audio.target_lufs - offset
    ceiling = audio.true_peak_dbtp - audio.codec_headroom_db - offset
    passes = 0
    while True:
        passes += 1
        y, _, _ = loudness.normalize(x, rate, loudness_aim, ceiling)
        codec.encode_mp3(y, rate, target, audio.bitrate)
        del y
        heard = codec.decode(target, rate)
        measured, peak = loudness.integrated_loudness(heard, rate), loudness.true_peak_dbtp(heard)
        seconds = len(heard) / rate
        del heard
        off_target = math.isfinite(measured) and abs(measured - audio.target_lufs) > _LOUDNESS_SLACK_LU
        over_peak = peak > audio.true_peak_dbtp
        if passes >= 2 or not (off_target or over_peak):
            break
        if off_target:
            loudness_aim += audio.target_lufs - measured
        if over_peak:
            ceiling -= peak - audio.true_peak_dbtp + _PEAK_MARGIN_DB
    return Master(
        loudness_lufs=round(measured, 2), true_peak_dbtp=round(peak, 2), decoded_seconds=seconds,
        codec_offset_db=round(offset, 2), passes=passes,
    )


def lowpass(samples: np.ndarray, rate: int, cutoff_hz: int) -> np.ndarray:
    """Linear-phase low-pass (101-tap windowed sinc, no delay); unchanged when ``cutoff_hz`` is 0 or too high."""
    x = np.asarray(samples, dtype=np.float32)
    if not cutoff_hz or cutoff_hz >= 0.95 * rate / 2:
        return x
    taps = firwin(101, cutoff_hz, fs=rate, window=("kaiser", 8.0)).astype(np.float32)
    half, chunk = len(taps) // 2, 1 << 18
    out = np.empty_like(x)
    for start in range(0, len(x), chunk):  # in chunks: no full-length temporaries
        lo, hi = max(0, start - half), min(len(x), start + chunk + half)
        n = min(chunk, len(x) - start)
        out[start:start + n] = np.convolve(x[lo:hi], taps, mode="same")[start - lo:start - lo + n]
    return out


def _codec_offset(x: np.ndarray, rate: int, audio: Audio) -> float:
    """How many dB louder (negative: quieter) the MP3 of a representative excerpt decodes."""
    n = int(_EXCERPT_SECONDS * rate)
    start = max(0, (len(x) - n) // 2)
    excerpt = x[start:start + n]
    before = loudness.integrated_loudness(excerpt, rate)
    if not math.isfinite(before):
        return 0.0
    # Bring the excerpt near the target first: the encoder's behaviour depends on the level.
    excerpt = excerpt * np.float32(10 ** ((audio.target_lufs - before) / 20))
    with tempfile.TemporaryDirectory(prefix="papercast-calibrate-") as tmp:
        mp3 = Path(tmp) / "excerpt.mp3"
        codec.encode_mp3(excerpt, rate, mp3, audio.bitrate)
        after = loudness.integrated_loudness(codec.decode(mp3, rate), rate)
    if not math.isfinite(after):
        return 0.0
    return float(np.clip(after - audio.target_lufs, -3.0, 3.0))
