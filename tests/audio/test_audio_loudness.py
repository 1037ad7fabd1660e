"""The BS.1770-4 loudness meter, the true-peak meter and the limiter, against signals with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from workflows.audio import loudness


def _sine(freq: float, amplitude: float, rate: int, seconds: float = 5.0, phase: float = 0.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def test_k_weighting_matches_the_bs1770_coefficients_at_48k():
    """At 48 kHz the K-weighting filters are exactly the ones printed in ITU-R BS.1770-4 (Tables 1 and 2)."""
    (shelf_b, shelf_a), (high_b, high_a) = loudness.k_weighting(48_000)
    assert np.allclose(shelf_b, [1.53512485958697, -2.69169618940638, 1.19839281085285], atol=1e-9)
    assert np.allclose(shelf_a, [1.0, -1.69065929318241, 0.73248077421585], atol=1e-9)
    assert np.allclose(high_b, [1.0, -2.0, 1.0])
    assert np.allclose(high_a, [1.0, -1.99004745483398, 0.99007225036621], atol=1e-9)


@pytest.mark.parametrize("rate", [48_000, 44_100, 24_000])
def test_full_scale_997_hz_sine_reads_minus_3_01_lufs(rate):
    """A 0 dBFS 997 Hz sine reads -3.01 LUFS, the standard's calibration point (within 0.05 LU at lower rates)."""
    measured = loudness.integrated_loudness(_sine(997, 1.0, rate), rate)
    assert measured == pytest.approx(-3.01, abs=0.01 if rate == 48_000 else 0.05)


def test_minus_20_dbfs_rms_1_khz_sine_reads_about_minus_20_lufs():
    """A 1 kHz sine at -20 dBFS RMS reads -20 LUFS (+0.69 dB of K-weighting gain at 1 kHz, -0.691 offset)."""
    amplitude = 10 ** (-20 / 20) * np.sqrt(2)
    assert loudness.integrated_loudness(_sine(1000, amplitude, 48_000), 48_000) == pytest.approx(-20.0, abs=0.05)


def test_silence_is_gated_out():
    """Silence between speech hardly changes the integrated loudness (absolute gate), though it halves the mean power."""
    rate = 48_000
    tone = _sine(1000, 0.1, rate, 10.0)
    with_gaps = np.concatenate([tone, np.zeros(rate * 20, np.float32), tone])
    assert loudness.integrated_loudness(with_gaps, rate) == pytest.approx(loudness.integrated_loudness(tone, rate), abs=0.1)


def test_quiet_passages_fall_under_the_relative_gate():
    """Blocks more than 10 LU under the ungated level are left out (relative gate), quieter ones inside 10 LU are not."""
    rate = 48_000
    loud = _sine(1000, 0.5, rate, 10.0)
    very_quiet = _sine(1000, 0.5 * 10 ** (-30 / 20), rate, 10.0)  # -30 dB: gated out
    assert loudness.integrated_loudness(np.concatenate([loud, very_quiet]), rate) == pytest.approx(
        loudness.integrated_loudness(loud, rate), abs=0.1
    )
    slightly_quiet = _sine(1000, 0.5 * 10 ** (-6 / 20), rate, 10.0)  # -6 dB: kept, lowers the mean
    assert loudness.integrated_loudness(np.concatenate([loud, slightly_quiet]), rate) < loudness.integrated_loudness(loud, rate) - 1.0


def test_shorter_than_one_block_has_no_loudness():
    """Audio shorter than one 400 ms block has no integrated loudness (-inf), not a made-up number."""
    assert loudness.integrated_loudness(_sine(1000, 0.5, 48_000, 0.3), 48_000) == float("-inf")


def test_true_peak_finds_the_peak_between_samples():
    """A sine at a quarter of the rate sampled at 45 degrees peaks at 0.707 in the samples but 1.0 (0 dBTP) between them."""
    x = _sine(6000, 1.0, 24_000, 1.0, phase=np.pi / 4)
    fade = np.hanning(480)[:240].astype(np.float32)  # 10 ms fades: no onset transient to ring
    x[:240] *= fade
    x[-240:] *= fade[::-1]
    assert np.max(np.abs(x)) == pytest.approx(0.7071, abs=1e-3)
    assert loudness.true_peak_dbtp(x) == pytest.approx(0.0, abs=0.1)


def test_cross_check_against_pyloudnorm():
    """On a speech-like signal with pauses, our meter agrees with pyloudnorm (an independent BS.1770 implementation)."""
    pyln = pytest.importorskip("pyloudnorm", reason="pyloudnorm is in the dev extra; install it to cross-check the meter")
    rate = 48_000
    rng = np.random.default_rng(7)
    noise = rng.standard_normal(rate * 12).astype(np.float32) * 0.1
    envelope = (np.sin(2 * np.pi * 3 * np.arange(len(noise)) / rate) > 0).astype(np.float32)
    envelope[rate * 5:rate * 7] = 0.0
    x = noise * envelope
    assert loudness.integrated_loudness(x, rate) == pytest.approx(pyln.Meter(rate).integrated_loudness(x.astype(np.float64)), abs=0.1)


def test_normalize_reaches_the_target_and_limits_true_peak():
    """Speech-like audio with sharp peaks ends at the target loudness with its true peak under the ceiling."""
    rate = 24_000
    rng = np.random.default_rng(1)
    x = (rng.standard_normal(rate * 20) * 0.02).astype(np.float32)
    x[::2400] = 0.9  # clicks 30 dB above the body
    y, lufs, peak = loudness.normalize(x, rate, -16.0, -2.0)
    assert lufs == pytest.approx(-16.0, abs=0.2)
    assert peak <= -2.0 + 0.1
    assert loudness.integrated_loudness(y, rate) == pytest.approx(lufs, abs=1e-6)
    assert loudness.true_peak_dbtp(y) == pytest.approx(peak, abs=1e-6)


def test_limiting_only_near_peaks_equals_limiting_everything():
    """The limiter works only on stretches around peaks, and gives the same samples as running it on the whole signal."""
    rate = 24_000
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(rate * 10) * 0.05).astype(np.float32)
    x[rng.integers(0, len(x), 40)] = 0.8
    y, _, _ = loudness.normalize(x, rate, -16.0, -3.0, rounds=1)
    gain = 10 ** ((-16.0 - loudness.integrated_loudness(x, rate)) / 20)
    whole = x * np.float32(gain) * loudness.limiter_gain(loudness._peak_envelope(x), rate, -3.0, scale=gain)
    assert np.allclose(y, whole, atol=1e-6)
    assert not np.allclose(y, x * np.float32(gain), atol=1e-3)  # the limiter did act
