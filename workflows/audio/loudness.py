"""Loudness per ITU-R BS.1770-4 (mono), true peak, and normalisation to a target.

- Integrated loudness: K-weighting (a high shelf, then a high pass), mean square
  over 400 ms blocks overlapping by 75 %, an absolute gate at -70 LUFS and a
  relative gate 10 LU below the loudness of the blocks that passed the first.
- True peak: the largest absolute sample after 4x oversampling, in dBTP.
- :func:`normalize`: gain to the target, then a look-ahead true-peak limiter
  if the peaks exceed the ceiling, repeated until both hold.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.ndimage import minimum_filter1d
from scipy.signal import resample_poly, sosfilt

# The K-weighting filters, as analog prototypes; the bilinear transform gives the
# BS.1770 coefficients exactly at 48 kHz and equivalent ones at any other rate.
_SHELF_HZ, _SHELF_GAIN_DB, _SHELF_Q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
_HIGHPASS_HZ, _HIGHPASS_Q = 38.13547087602444, 0.5003270373238773
_BLOCK_S, _STEP_S = 0.4, 0.1
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0
_OVERSAMPLE = 4
_CHUNK = 1 << 18


def k_weighting(rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The two K-weighting biquads for ``rate``: [(b, a) of the shelf, (b, a) of the high pass]."""
    k = math.tan(math.pi * _SHELF_HZ / rate)
    vh = 10.0 ** (_SHELF_GAIN_DB / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / _SHELF_Q + k * k
    shelf_b = np.array([vh + vb * k / _SHELF_Q + k * k, 2.0 * (k * k - vh), vh - vb * k / _SHELF_Q + k * k]) / a0
    shelf_a = np.array([1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / _SHELF_Q + k * k) / a0])
    k = math.tan(math.pi * _HIGHPASS_HZ / rate)
    a0 = 1.0 + k / _HIGHPASS_Q + k * k
    high_b = np.array([1.0, -2.0, 1.0])
    high_a = np.array([1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / _HIGHPASS_Q + k * k) / a0])
    return [(shelf_b, shelf_a), (high_b, high_a)]


def block_loudness(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mean square of the K-weighted signal in each 400 ms block (step 100 ms); complete blocks only.

    Filtered in chunks (the filter state carries over), summing squares per
    100 ms step, so memory stays small however long the episode is.
    """
    x = np.asarray(samples)
    step = int(round(_STEP_S * rate))
    per_block = int(round(_BLOCK_S / _STEP_S))
    steps = len(x) // step
    if steps < per_block:
        return np.zeros(0)
    sos = np.array([np.concatenate([b, a]) for b, a in k_weighting(rate)])
    state = np.zeros((len(sos), 2))
    energy = np.empty(steps)
    chunk_steps = max(1, _CHUNK // step)
    for first in range(0, steps, chunk_steps):
        last = min(steps, first + chunk_steps)
        y, state = sosfilt(sos, x[first * step:last * step].astype(np.float64), zi=state)
        energy[first:last] = np.einsum("ij,ij->i", y.reshape(-1, step), y.reshape(-1, step))
    cumulative = np.concatenate([[0.0], np.cumsum(energy)])
    return (cumulative[per_block:] - cumulative[:-per_block]) / (per_block * step)


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Gated integrated loudness in LUFS; ``-inf`` for silence or audio shorter than one block."""
    z = block_loudness(samples, rate)
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10.0 * np.log10(z)
    z = z[levels > _ABSOLUTE_GATE]
    if len(z) == 0:
        return float("-inf")
    relative = -0.691 + 10.0 * math.log10(z.mean()) + _RELATIVE_GATE
    z = z[-0.691 + 10.0 * np.log10(z) > relative]
    return -0.691 + 10.0 * math.log10(z.mean())


def true_peak(samples: np.ndarray) -> float:
    """The true peak as a linear amplitude (largest absolute value of the 4x oversampled signal)."""
    x = np.asarray(samples, dtype=np.float32)
    if len(x) == 0:
        return 0.0
    pad = 64  # enough context for the polyphase filter at chunk edges
    peak = 0.0
    for start in range(0, len(x), _CHUNK):
        lo, hi = max(0, start - pad), min(len(x), start + _CHUNK + pad)
        up = resample_poly(x[lo:hi], _OVERSAMPLE, 1)
        first = (start - lo) * _OVERSAMPLE
        last = first + (min(len(x), start + _CHUNK) - start) * _OVERSAMPLE
        peak = max(peak, float(np.max(np.abs(up[first:last]))))
    return max(peak, float(np.max(np.abs(x))))


def true_peak_dbtp(samples: np.ndarray) -> float:
    peak = true_peak(samples)
    return 20.0 * math.log10(peak) if peak > 0 else float("-inf")


def limit(samples: np.ndarray, rate: int, ceiling_dbtp: float, *, envelope: np.ndarray | None = None) -> np.ndarray:
    """Reduce gain around peaks so the true peak stays at or under ``ceiling_dbtp``."""
    x = np.asarray(samples, dtype=np.float32)
    env = _peak_envelope(x) if envelope is None else envelope
    return (x * limiter_gain(env, rate, ceiling_dbtp)).astype(np.float32)


def limiter_gain(envelope: np.ndarray, rate: int, ceiling_dbtp: float, lookahead_ms: float = 5.0) -> np.ndarray:
    """The gain curve of a look-ahead peak limiter for a signal with this true-peak ``envelope``.

    The running minimum of the needed gain over +/- lookahead, smoothed by two
    moving averages whose combined width is no wider than that: the result never
    exceeds the needed gain anywhere, and changes smoothly (no clicks).
    """
    ceiling = 10.0 ** (ceiling_dbtp / 20.0)
    needed = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-12)).astype(np.float32)
    if needed.min() >= 1.0:
        return np.ones(len(envelope), np.float32)
    half = max(1, int(rate * lookahead_ms / 1000.0))
    gain = minimum_filter1d(needed, size=2 * half + 1, mode="nearest")
    width = half + 1  # two boxes of half+1 samples span 2*half+1: inside the minimum's window
    for _ in range(2):
        gain = _moving_average(gain, width)
    return np.minimum(gain, needed)


def _moving_average(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average (edges extended), via a cumulative sum: O(n)."""
    left = width // 2
    padded = np.pad(x.astype(np.float64), (left + 1, width - left - 1), mode="edge")
    padded[0] = 0.0
    c = np.cumsum(padded)
    return ((c[width:] - c[:-width]) / width).astype(np.float32)


def _peak_envelope(x: np.ndarray) -> np.ndarray:
    """Per original sample, the largest oversampled magnitude within one sample of it."""
    out = np.empty(len(x), dtype=np.float32)
    pad = 64
    for start in range(0, len(x), _CHUNK):
        lo, hi = max(0, start - pad), min(len(x), start + _CHUNK + pad)
        up = np.abs(resample_poly(x[lo:hi], _OVERSAMPLE, 1))
        n = min(len(x), start + _CHUNK) - start
        first = (start - lo) * _OVERSAMPLE
        per_sample = up[first:first + n * _OVERSAMPLE].reshape(n, _OVERSAMPLE).max(axis=1)
        # Also cover the oversampled points just before this sample (towards the previous one).
        before = up[max(first - 1, 0):first - 1 + n * _OVERSAMPLE:_OVERSAMPLE]
        per_sample[:len(before)] = np.maximum(per_sample[:len(before)], before)
        out[start:start + n] = per_sample
    np.maximum(out, np.abs(x), out=out)
    return out


def normalize(
    samples: np.ndarray, rate: int, target_lufs: float, ceiling_dbtp: float, *, tolerance_lu: float = 0.1, rounds: int = 5
) -> tuple[np.ndarray, float, float]:
    """Bring ``samples`` to ``target_lufs`` with true peak <= ``ceiling_dbtp``.

    Returns (samples, measured loudness, measured true peak in dBTP). Limiting
    lowers the loudness a little, so the gain grows by what was lost and the
    limiter (always applied to the original, never stacked) runs again until
    the loudness is within ``tolerance_lu``. The peak envelope scales with the
    gain, so it is computed once.
    """
    x = np.asarray(samples, dtype=np.float32)
    measured = integrated_loudness(x, rate)
    if not math.isfinite(measured):
        return x, measured, true_peak_dbtp(x)
    envelope = _peak_envelope(x)
    gain_db = target_lufs - measured
    y = x
    for _ in range(rounds):
        gain = np.float32(10.0 ** (gain_db / 20.0))
        y = x * gain * limiter_gain(envelope * gain, rate, ceiling_dbtp)
        measured = integrated_loudness(y, rate)
        if abs(measured - target_lufs) <= tolerance_lu:
            break
        gain_db += target_lufs - measured
    return y.astype(np.float32), measured, true_peak_dbtp(y)
