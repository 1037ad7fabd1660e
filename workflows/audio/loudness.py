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
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import firwin, sosfilt, upfirdn

# The K-weighting filters, as analog prototypes; the bilinear transform gives the
# BS.1770 coefficients exactly at 48 kHz and equivalent ones at any other rate.
_SHELF_HZ, _SHELF_GAIN_DB, _SHELF_Q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
_HIGHPASS_HZ, _HIGHPASS_Q = 38.13547087602444, 0.5003270373238773
_BLOCK_S, _STEP_S = 0.4, 0.1
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0
_OVERSAMPLE = 4
#: Interpolation filter for 4x oversampling: 49 taps (12 per phase, as in BS.1770-4 Annex 2), odd so the delay is whole.
_TAPS = (firwin(49, 1.0 / _OVERSAMPLE, window=("kaiser", 8.0)) * _OVERSAMPLE).astype(np.float32)
_DELAY = (len(_TAPS) - 1) // 2
_PAD = 16
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
    return float(max(_map_chunks(x, lambda start, n: float(_oversampled_abs(x, start, n).max()))))


def true_peak_dbtp(samples: np.ndarray) -> float:
    peak = true_peak(samples)
    return 20.0 * math.log10(peak) if peak > 0 else float("-inf")


def limit(samples: np.ndarray, rate: int, ceiling_dbtp: float) -> np.ndarray:
    """Reduce gain around peaks so the true peak stays at or under ``ceiling_dbtp``."""
    x = np.asarray(samples, dtype=np.float32)
    return x * limiter_gain(_peak_envelope(x), rate, ceiling_dbtp)


def limiter_gain(envelope: np.ndarray, rate: int, ceiling_dbtp: float, *, scale: float = 1.0, lookahead_ms: float = 5.0) -> np.ndarray:
    """The gain curve of a look-ahead peak limiter for a signal whose true-peak envelope is ``envelope * scale``.

    The running minimum of the needed gain over +/- lookahead, smoothed by two
    moving averages whose combined width is no wider than that: the result never
    exceeds the needed gain anywhere, and changes smoothly (no clicks).
    """
    needed = np.maximum(envelope, 1e-12, dtype=np.float32)
    needed *= np.float32(scale / 10.0 ** (ceiling_dbtp / 20.0))
    np.reciprocal(needed, out=needed)
    np.minimum(needed, 1.0, out=needed)
    if needed.min() >= 1.0:
        return needed
    half = max(1, int(rate * lookahead_ms / 1000.0))
    width = half + 1 if half % 2 == 0 else half  # odd, so centred: two boxes span 2*width-1 <= 2*half+1
    gain = minimum_filter1d(needed, size=2 * half + 1, mode="nearest")
    smoothed = uniform_filter1d(gain, size=width, mode="nearest")
    uniform_filter1d(smoothed, size=width, mode="nearest", output=gain)
    del smoothed
    return np.minimum(gain, needed, out=gain)


def _peak_envelope(x: np.ndarray) -> np.ndarray:
    """Per original sample, the largest oversampled magnitude between it and its neighbours."""
    out = np.empty(len(x), dtype=np.float32)

    def fill(start: int, n: int) -> None:
        out[start:start + n] = _oversampled_abs(x, start, n).max(axis=1)

    _map_chunks(x, fill)
    out[1:] = np.maximum(out[1:], out[:-1])  # the points between a sample and the one before it
    return out


def _oversampled_abs(x: np.ndarray, start: int, n: int) -> np.ndarray:
    """|4x oversampled signal| at samples start..start+n-1 and the 3 points after each: shape (n, 4)."""
    lo, hi = max(0, start - _PAD), min(len(x), start + n + _PAD)
    up = upfirdn(_TAPS, x[lo:hi], _OVERSAMPLE)
    first = (start - lo) * _OVERSAMPLE + _DELAY
    return np.abs(up[first:first + n * _OVERSAMPLE]).reshape(n, _OVERSAMPLE)


def _map_chunks(x: np.ndarray, work):
    """``work(start, n)`` over chunks of ``x``, on two threads (scipy's filters release the GIL)."""
    starts = range(0, len(x), _CHUNK)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="loudness") as pool:
        return list(pool.map(lambda start: work(start, min(_CHUNK, len(x) - start)), starts))


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
        y = None  # free the previous attempt before making the next
        gain = 10.0 ** (gain_db / 20.0)
        y = x * np.float32(gain)
        for lo, hi in _regions_over(envelope, 10.0 ** (ceiling_dbtp / 20.0) / gain, rate):
            y[lo:hi] *= limiter_gain(envelope[lo:hi], rate, ceiling_dbtp, scale=gain)
        measured = integrated_loudness(y, rate)
        if abs(measured - target_lufs) <= tolerance_lu:
            break
        gain_db += target_lufs - measured
    return y, measured, true_peak_dbtp(y)


def _regions_over(envelope: np.ndarray, threshold: float, rate: int, lookahead_ms: float = 5.0) -> list[tuple[int, int]]:
    """Stretches of the signal the limiter must touch: peaks over ``threshold`` plus enough context that
    limiting each stretch on its own gives exactly what limiting the whole signal would."""
    over = np.flatnonzero(envelope > threshold)
    if len(over) == 0:
        return []
    reach = 2 * max(1, int(rate * lookahead_ms / 1000.0)) + 2  # the minimum filter plus both moving averages
    breaks = np.flatnonzero(np.diff(over) > 2 * reach)
    starts = np.concatenate([[over[0]], over[breaks + 1]])
    ends = np.concatenate([over[breaks], [over[-1]]])
    return [(max(0, int(a) - reach), min(len(envelope), int(b) + reach + 1)) for a, b in zip(starts, ends)]
