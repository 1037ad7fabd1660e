"""ffmpeg and pydub: finding the encoder, reading any audio file, writing the MP3.

The ffmpeg on PATH wins; otherwise the one that ``imageio-ffmpeg`` installs.
That one ships no ffprobe, so nothing here asks pydub to probe a file: other
formats are decoded to WAV by ffmpeg first, and pydub only reads WAVs.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np

from workflows.audio.wavfile import wav_bytes
from workflows.errors import AudioError


class FfmpegFailed(AudioError):
    """ffmpeg could not decode or encode a file."""

    kind = "ffmpeg"


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary papercast uses."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@functools.cache
def audio_segment():
    """pydub's AudioSegment, with its converter set to our ffmpeg."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # pydub warns at import when ffmpeg is not on PATH
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg_exe()
    return AudioSegment


def _run(args: list[str], what: str) -> bytes:
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args], capture_output=True)
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise FfmpegFailed(f"ffmpeg could not {what}: {detail[0]}", "Check that the file is a valid audio file.")
    return proc.stdout


def decode(source: Path, rate: int) -> np.ndarray:
    """Any audio file ffmpeg reads -> mono float32 samples at ``rate``."""
    if not Path(source).is_file():
        raise FfmpegFailed(f"The audio file {source} does not exist.", "Fix the path in papercast.toml.")
    raw = _run(["-i", str(source), "-vn", "-ac", "1", "-ar", str(rate), "-f", "f32le", "pipe:1"], f"decode {source}")
    return np.frombuffer(raw, dtype="<f4")  # read-only, no copy


def load_clip(source: Path, rate: int) -> np.ndarray:
    """An intro or outro file as mono float32 at ``rate``; WAVs go through pydub, others through :func:`decode`."""
    source = Path(source)
    if not source.is_file():
        raise FfmpegFailed(f"The audio file {source} does not exist.", "Fix audio.intro_file or audio.outro_file in papercast.toml.")
    if source.suffix.lower() != ".wav":
        return decode(source, rate)
    try:
        clip = audio_segment().from_wav(str(source)).set_channels(1)
    except Exception:  # noqa: BLE001 - pydub reads 8/16/32-bit PCM only; anything else goes through ffmpeg
        return decode(source, rate)
    samples = np.array(clip.get_array_of_samples(), dtype=np.float32) / float(1 << (8 * clip.sample_width - 1))
    if clip.frame_rate != rate:
        from workflows.audio.assembly import resample

        samples = resample(samples, clip.frame_rate, rate)
    return samples


def encode_mp3(samples: np.ndarray, rate: int, target: Path, bitrate: str) -> Path:
    """Mono float32 samples -> an MP3 (libmp3lame, constant bitrate) at ``target``, without tags."""
    segment = audio_segment()(data=wav_bytes(samples, rate, pcm16=True))
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        segment.export(str(target), format="mp3", codec="libmp3lame", bitrate=bitrate, parameters=["-map_metadata", "-1"])
    except Exception as e:  # noqa: BLE001 - pydub raises CouldntEncodeError with ffmpeg's whole log
        raise FfmpegFailed(f"ffmpeg could not encode the MP3 ({type(e).__name__}).", "Check that ffmpeg supports libmp3lame.") from None
    return target
