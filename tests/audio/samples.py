"""Sample scripts and shows, and independent measurements of rendered audio (ffmpeg, autocorrelation)."""

from __future__ import annotations

import re
import subprocess
import wave
from pathlib import Path

import numpy as np

from workflows.audio.codec import ffmpeg_exe
from workflows.script.model import Chapter, Line, Script
from workflows.settings import Audio, Host, Show


def make_script(lines: list[tuple[str, str]] | None = None, chapters: list[tuple[str, int]] | None = None) -> Script:
    lines = lines or [
        ("a", "Welcome to Paper Trail. Today we read a paper about small language models."),
        ("b", "And it turns out they do surprisingly well on reasoning benchmarks."),
        ("a", "The authors trained on forty thousand examples and report ninety one percent accuracy."),
        ("b", "That is close to models ten times their size, which surprised me."),
        ("a", "So what should listeners take away from this?"),
        ("b", "Data quality matters more than scale here. Thanks for listening to Paper Trail."),
    ]
    chapters = chapters if chapters is not None else [("Opening", 0), ("Results", 2), ("Takeaways", 4)]
    return Script(
        title="Small models, big results",
        summary="Ada and Ben read a paper about small language models.",
        show_notes="Paper: *Small models* (2026). Links and figures are on the website.",
        chapters=[Chapter(title=t, start_line=s) for t, s in chapters],
        lines=[Line(speaker=s, text=t) for s, t in lines],
        hosts={"a": "Ada", "b": "Ben"},
        writer="offline",
    )


def make_show(speech: str = "tone", voices: tuple[str, str] = ("heart", "heart-low"), **audio) -> Show:
    return Show(
        hosts=[Host(key="a", name="Ada", speech=speech, voice=voices[0]), Host(key="b", name="Ben", speech=speech, voice=voices[1])],
        audio=Audio(**audio),
    )


def decode_with_ffmpeg(mp3: Path, out_wav: Path) -> tuple[np.ndarray, int]:
    """Decode an MP3 to a 16-bit WAV with ffmpeg, read it with the standard library's wave module."""
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(mp3), "-c:a", "pcm_s16le", str(out_wav)], check=True)
    with wave.open(str(out_wav)) as w:
        rate, channels = w.getframerate(), w.getnchannels()
        x = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768.0
    return x.reshape(-1, channels).mean(axis=1), rate


def median_f0(x: np.ndarray, rate: int) -> float:
    """Median fundamental frequency (Hz) of the voiced 40 ms frames, by normalised autocorrelation."""
    frame, hop = int(0.04 * rate), int(0.01 * rate)
    lo, hi = int(rate / 400), int(rate / 60)
    found = []
    for i in range(0, len(x) - frame, hop):
        w = x[i:i + frame] - x[i:i + frame].mean()
        if np.sqrt(np.mean(w * w)) < 0.02:
            continue
        ac = np.correlate(w, w, "full")[frame - 1:] / np.arange(frame, 0, -1)
        k = lo + int(np.argmax(ac[lo:hi]))
        if ac[k] > 0.5 * ac[0]:
            found.append(rate / k)
    return float(np.median(found)) if found else 0.0


_CUE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})$")


def vtt_cues(text: str) -> list[tuple[float, float, str]]:
    """(start, end, payload) for each cue of a WebVTT file."""
    lines = text.splitlines()
    assert lines[0] == "WEBVTT"
    cues = []
    for i, line in enumerate(lines):
        m = _CUE.match(line)
        if m:
            g = [int(v) for v in m.groups()]
            start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
            end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
            cues.append((start, end, lines[i + 1]))
    return cues
