"""Loudness per ITU-R BS.1770-4 (mono), true peak, and normalisation to a target.

- Integrated loudness: pyloudnorm's BS.1770-4 meter (K-weighting, 400 ms blocks
  overlapping by 75 %, the absolute gate at -70 LUFS and the relative gate 10 LU
  under the loudness of the blocks that passed it), with its "DeMan" filters:
  the bilinear transform of the standard's analog prototypes, so exactly the
  printed coefficients at 48 kHz and equivalent ones at papercast's 24 kHz.
- True peak: pyloudnorm has no true-peak meter, so this module keeps its own: the
  largest absolute sample after 4x oversampling, in dBTP.
- :func:`normalize`: gain to the target, then a look-ahead true-peak limiter
  if the peaks exceed the ceiling, repeated until both hold.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import firwin, upfirdn

_BLOCK_S = 0.4
_FILTERS = "DeMan"
#: pyloudnorm's parameters of that filter class: (gain dB, Q, frequency Hz, filter type).
_K_WEIGHTING = (
    (3.99984385397, 0.7071752369554193, 1681.9744509555319, "high_shelf_DeMan"),
    (0.0, 0.5003270373253953, 38.13547087613982, "high_pass_DeMan"),
)
_OVERSAMPLE = 4
#: Interpolation filter for 4x oversampling: 49 taps (12 per phase, as in BS.1770-4 Annex 2), odd so the delay is whole.
_TAPS = (firwin(49, 1.0 / _OVERSAMPLE, window=("kaiser", 8.0)) * _OVERSAMPLE).astype(np.float32)
_DELAY = (len(_TAPS) - 1) // 2
_PAD = 16
_CHUNK = 1 << 18
_T = TypeVar("_T")


def k_weighting(rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The two K-weighting biquads the meter uses at ``rate``: [(b, a) of the shelf, (b, a) of the high pass]."""
    filters = [pyloudnorm.IIRfilter(gain, q, hz, rate, kind) for gain, q, hz, kind in _K_WEIGHTING]
    return [(np.asarray(f.b), np.asarray(f.a)) for f in filters]


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Gated integrated loudness in LUFS; ``-inf`` for silence or audio shorter than one block.

    The samples go to the meter as float32: it copies and filters its input in
    the input's type, and a float64 copy took four times the peak memory (10
    minutes at 24 kHz: 220 MB instead of 55 MB) for a difference of < 0.0001 LU.
    """
    x = np.asarray(samples, dtype=np.float32)
    if len(x) < _BLOCK_S * rate:
        return float("-inf")
    return float(pyloudnorm.Meter(rate, filter_class=_FILTERS, block_size=_BLOCK_S).integrated_loudness(x))


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


def _map_chunks(x: np.ndarray, work: Callable[[int, int], _T]) -> list[_T]:
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
        del y  # free the previous attempt before making the next
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
