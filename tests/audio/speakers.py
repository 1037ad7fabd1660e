"""Speaker similarity with Resemblyzer's voice encoder, computed offline in numpy.

Resemblyzer (Apache-2.0) ships its trained encoder (``resemblyzer/pretrained.pt``, a
3-layer LSTM over 40-band mel frames, trained on LibriSpeech, VoxCeleb 1 and 2) inside
its wheel. Its own code needs torch, librosa and webrtcvad; this module reads the same
weights with the standard library (the legacy torch pickle format) and runs the same
network in numpy, so `make test` installs the wheel alone (``pip install --no-deps``).

    similarity(samples_a, rate_a, samples_b, rate_b) -> cosine of the two voice embeddings

Resemblyzer's embeddings are non-negative and L2-normed: two takes of one speaker score
about 0.85-0.95, two different people usually well under 0.7.
"""

from __future__ import annotations

import functools
import importlib.util
import pickle
import struct
from collections import OrderedDict
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly
from scipy.special import expit

RATE = 16_000
_N_FFT, _HOP, _N_MELS = 400, 160, 40  # 25 ms window, 10 ms step, as resemblyzer/hparams.py
_PARTIAL_FRAMES = 160  # 1.6 s per partial utterance
_PARTIALS_PER_SECOND, _MIN_COVERAGE = 1.3, 0.75
_TARGET_DBFS = -30.0


def weights_path() -> Path:
    """The encoder weights inside the installed resemblyzer wheel (found without importing it: no torch)."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("resemblyzer is not installed: `make test` installs it (pip install --no-deps resemblyzer)")
    return Path(list(spec.submodule_search_locations)[0]) / "pretrained.pt"


class _Storage:
    def __init__(self, dtype: np.dtype) -> None:
        self.dtype, self.data = dtype, None


_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "LongStorage": np.int64}


def _rebuild(storage: _Storage, offset: int, size: tuple, stride: tuple, *_args):
    return ("tensor", storage, offset, tuple(size), tuple(stride))


class _Unpickler(pickle.Unpickler):
    """torch's legacy format: tensors point at storages that follow the pickle as raw bytes."""

    def __init__(self, file, storages: dict) -> None:
        super().__init__(file)
        self.storages = storages

    def find_class(self, module, name):
        if module == "torch._utils" and name.startswith("_rebuild_tensor"):
            return _rebuild
        if module == "torch" and name in _DTYPES:
            return name
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in the weights file")

    def persistent_load(self, pid):
        _kind, storage_type, key, _location, _size, *_ = pid
        return self.storages.setdefault(key, _Storage(np.dtype(_DTYPES[storage_type])))


@functools.cache
def _weights() -> dict[str, np.ndarray]:
    storages: dict[str, _Storage] = {}
    with open(weights_path(), "rb") as f:
        for _ in range(3):  # magic number, protocol version, system info
            pickle.load(f)
        checkpoint = _Unpickler(f, storages).load()
        keys = pickle.load(f)
        for key in keys:
            (count,) = struct.unpack("<q", f.read(8))
            s = storages[key]
            s.data = np.frombuffer(f.read(count * s.dtype.itemsize), dtype=s.dtype)
    out = {}
    for name, (_t, storage, offset, size, stride) in checkpoint["model_state"].items():
        flat = storage.data
        out[name] = np.lib.stride_tricks.as_strided(
            flat[offset:], shape=size, strides=[st * flat.itemsize for st in stride]
        ).astype(np.float32)
    return out


@functools.cache
def _mel_filters() -> np.ndarray:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40): Slaney mel scale and area normalisation."""

    def hz_to_mel(f):
        f = np.asarray(f, dtype=np.float64)
        lin = f / (200.0 / 3)
        log = 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
        return np.where(f >= 1000.0, log, lin)

    def mel_to_hz(m):
        m = np.asarray(m, dtype=np.float64)
        lin = m * (200.0 / 3)
        log = 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0))
        return np.where(m >= 15.0, log, lin)

    fft_freqs = np.linspace(0, RATE / 2, 1 + _N_FFT // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(RATE / 2), _N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    return (weights * (2.0 / (mel_f[2:_N_MELS + 2] - mel_f[:_N_MELS]))[:, None]).astype(np.float32)


def _preprocess(samples: np.ndarray, rate: int) -> np.ndarray:
    x = np.asarray(samples, dtype=np.float64)
    if rate != RATE:
        r = Fraction(RATE, rate).limit_denominator(1000)
        x = resample_poly(x, r.numerator, r.denominator)
    # Resemblyzer drops long pauses with a VAD; here: 30 ms windows more than 40 dB under the loudest.
    win = RATE * 30 // 1000
    x = x[: len(x) - len(x) % win]
    frames = x.reshape(-1, win)
    energy = np.sqrt(np.mean(frames**2, axis=1)) + 1e-12
    x = frames[energy > energy.max() * 10 ** (-40 / 20)].ravel()
    rms = np.sqrt(np.mean((x * 32767) ** 2))
    change = _TARGET_DBFS - 20 * np.log10(rms / 32767)
    return x * 10 ** (change / 20) if change > 0 else x


def _mel_frames(x: np.ndarray) -> np.ndarray:
    """Power mel spectrogram, (frames, 40), framed like librosa (centred, zero-padded, periodic Hann)."""
    padded = np.pad(x, _N_FFT // 2)
    n = 1 + (len(padded) - _N_FFT) // _HOP
    idx = np.arange(_N_FFT)[None, :] + _HOP * np.arange(n)[:, None]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(_N_FFT) / _N_FFT)
    spectrum = np.abs(np.fft.rfft(padded[idx] * window, axis=1)) ** 2
    return (spectrum @ _mel_filters().T).astype(np.float32)


def _embed_partials(mels: np.ndarray) -> np.ndarray:
    """The encoder on a batch (batch, 160, 40): the last layer's final hidden state, linear, ReLU, L2 norm."""
    w = _weights()
    h_seq = mels
    for layer in range(3):
        w_ih, w_hh = w[f"lstm.weight_ih_l{layer}"], w[f"lstm.weight_hh_l{layer}"]
        bias = w[f"lstm.bias_ih_l{layer}"] + w[f"lstm.bias_hh_l{layer}"]
        batch, steps, _ = h_seq.shape
        hidden = w_hh.shape[1]
        h = np.zeros((batch, hidden), np.float32)
        c = np.zeros((batch, hidden), np.float32)
        pre = h_seq @ w_ih.T + bias
        outs = np.empty((batch, steps, hidden), np.float32)
        for t in range(steps):
            g = pre[:, t] + h @ w_hh.T
            i, f, cell, o = np.split(g, 4, axis=1)  # torch's gate order
            c = expit(f) * c + expit(i) * np.tanh(cell)
            h = expit(o) * np.tanh(c)
            outs[:, t] = h
        h_seq = outs
    raw = np.maximum(0, h_seq[:, -1] @ w["linear.weight"].T + w["linear.bias"])
    return raw / np.linalg.norm(raw, axis=1, keepdims=True)


def embed(samples: np.ndarray, rate: int) -> np.ndarray:
    """A voice's 256-value embedding: the normalised mean of 1.6 s partials, as VoiceEncoder.embed_utterance."""
    x = _preprocess(samples, rate)
    frame_step = int(np.round((RATE / _PARTIALS_PER_SECOND) / _HOP))
    n_frames = int(np.ceil((len(x) + 1) / _HOP))
    starts = list(range(0, max(1, n_frames - _PARTIAL_FRAMES + frame_step + 1), frame_step))
    last = starts[-1] * _HOP
    if len(starts) > 1 and (len(x) - last) / (_PARTIAL_FRAMES * _HOP) < _MIN_COVERAGE:
        starts = starts[:-1]
    need = (starts[-1] + _PARTIAL_FRAMES) * _HOP
    mels = _mel_frames(np.pad(x, (0, max(0, need - len(x)))))
    batch = np.stack([mels[s:s + _PARTIAL_FRAMES] for s in starts])
    mean = _embed_partials(batch).mean(axis=0)
    return mean / np.linalg.norm(mean)


def similarity(a: np.ndarray, rate_a: int, b: np.ndarray, rate_b: int) -> float:
    """Cosine similarity of two recordings' voice embeddings (1.0: the same voice)."""
    return float(embed(a, rate_a) @ embed(b, rate_b))
