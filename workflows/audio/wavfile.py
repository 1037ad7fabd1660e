"""WAV in and out, without ffprobe: every intermediate papercast keeps is a WAV.

:func:`parse_wav` also reads *streamed* WAVs, whose RIFF and data sizes are
placeholders (0 or 0xFFFFFFFF) because the sender did not know the length yet:
OpenAI's ``/v1/audio/speech`` answers ``response_format: "wav"`` that way.
"""

from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path

import numpy as np

_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


class WavFormatError(ValueError):
    """The bytes are not a WAV this module can read."""


def parse_wav(data: bytes) -> tuple[np.ndarray, int]:
    """WAV bytes -> (mono float32 samples, sample rate); channels are averaged."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavFormatError("not a RIFF/WAVE file")
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        chunk_id, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body_start = pos + 8
        if chunk_id == b"fmt ":
            fmt = list(struct.unpack("<HHIIHH", data[body_start:body_start + 16]))
            if fmt[0] == _EXTENSIBLE and size >= 40:  # the real format tag opens the SubFormat GUID
                fmt[0] = struct.unpack("<H", data[body_start + 24:body_start + 26])[0]
        elif chunk_id == b"data":
            if fmt is None:
                raise WavFormatError("data chunk before fmt chunk")
            end = len(data) if size in (0, 0xFFFFFFFF) or body_start + size > len(data) else body_start + size
            return _decode(data[body_start:end], fmt)
        pos = body_start + size + (size & 1)
    raise WavFormatError("no data chunk")


def _decode(raw: bytes, fmt: list[int]) -> tuple[np.ndarray, int]:
    tag, channels, rate, _, block_align, bits = fmt
    raw = raw[: len(raw) - len(raw) % block_align] if block_align else raw
    if tag == _FLOAT and bits == 32:
        x = np.frombuffer(raw, "<f4").astype(np.float32)
    elif tag == _FLOAT and bits == 64:
        x = np.frombuffer(raw, "<f8").astype(np.float32)
    elif tag == _PCM and bits == 16:
        x = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    elif tag == _PCM and bits == 32:
        x = (np.frombuffer(raw, "<i4").astype(np.float64) / 2**31).astype(np.float32)
    elif tag == _PCM and bits == 24:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        x = (np.where(v >= 1 << 23, v - (1 << 24), v) / 2**23).astype(np.float32)
    elif tag == _PCM and bits == 8:
        x = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    else:
        raise WavFormatError(f"unsupported WAV encoding (format {tag}, {bits} bits)")
    if channels > 1:
        x = x.reshape(-1, channels).mean(axis=1).astype(np.float32)
    return x, rate


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    return parse_wav(Path(path).read_bytes())


def wav_bytes(samples: np.ndarray, rate: int, *, pcm16: bool = False) -> bytes:
    """Mono samples -> WAV bytes (32-bit float, or 16-bit PCM for tools that want it)."""
    x = np.asarray(samples, dtype=np.float32)
    if pcm16:
        body = (np.clip(x, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()
        tag, bits = _PCM, 16
    else:
        body = x.astype("<f4").tobytes()
        tag, bits = _FLOAT, 32
    block = bits // 8
    fmt = struct.pack("<HHIIHH", tag, 1, rate, rate * block, block, bits)
    return b"".join([
        b"RIFF", struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(body)), b"WAVE",
        b"fmt ", struct.pack("<I", len(fmt)), fmt,
        b"data", struct.pack("<I", len(body)), body,
    ])


def write_wav(path: Path, samples: np.ndarray, rate: int, *, pcm16: bool = False) -> Path:
    """Write atomically (temp file in the same folder, then rename), so readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".wav")
    with os.fdopen(fd, "wb") as f:
        f.write(wav_bytes(samples, rate, pcm16=pcm16))
    os.replace(tmp, path)
    return path
