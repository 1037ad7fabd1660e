"""A short two-host episode rendered with the offline voices, checked by measuring the MP3 and its files."""

from __future__ import annotations

import subprocess
import wave
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from tests.audio.samples import decode_with_ffmpeg, make_script, make_show, median_f0, vtt_cues
from workflows.artifacts import ArtifactStore, sha256_file
from workflows.audio import loudness
from workflows.audio.codec import ffmpeg_exe
from workflows.audio.render import render_episode
from workflows.settings import Environment

pytestmark = pytest.mark.slow

#: Decoding an MP3 reconstructs the waveform slightly differently from the PCM that was encoded,
#: so true-peak measurements of the decoded file get this much tolerance (dB).
MP3_PEAK_TOLERANCE_DB = 0.2


def _write_intro(path: Path, rate: int = 44_100, seconds: float = 1.5) -> None:
    t = np.arange(int(rate * seconds)) / rate
    chord = sum(np.sin(2 * np.pi * f * t) for f in (262, 330, 392)) / 3 * np.minimum(1, (seconds - t) * 4)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        pcm = (0.3 * chord * 32767).astype("<i2")
        w.writeframes(np.repeat(pcm, 2).tobytes())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One render with the offline voices heart and joe, an intro WAV (44.1 kHz stereo) and an outro MP3."""
    tmp = tmp_path_factory.mktemp("offline")
    intro, outro_wav, outro = tmp / "intro.wav", tmp / "outro.wav", tmp / "outro.mp3"
    _write_intro(intro)
    _write_intro(outro_wav, rate=48_000, seconds=1.0)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(outro_wav), "-b:a", "96k", str(outro)], check=True)
    script = make_script()
    show = make_show("offline", voices=("heart", "joe"), intro_file=intro, outro_file=outro)
    env = Environment(papercast_data_dir=tmp / "var")
    result = render_episode(script, show, env, out_dir=tmp / "out", cache_dir=tmp / "cache", released=date(2026, 11, 23))
    store = ArtifactStore(tmp / "var" / "artifacts")
    samples, rate = decode_with_ffmpeg(store.path(result.audio), tmp / "decoded.wav")
    return {"script": script, "show": show, "result": result, "samples": samples, "rate": rate, "tmp": tmp, "store": store}


def test_mp3_decodes_to_the_length_of_its_parts(rendered):
    """The MP3 (128 kbps, 24 kHz mono) decodes, and lasts intro + lines + pauses + outro (within 1 %)."""
    result, show, script = rendered["result"], rendered["show"], rendered["script"]
    a = show.audio
    intro_s, outro_s = 1.5, 1.0
    spoken = sum(s.end - s.start for s in result.segments)
    chapter_lines = {c.start_line for c in script.chapters} - {0}
    gaps = sum(a.chapter_pause_ms if i in chapter_lines else a.pause_ms for i in range(1, len(script.lines))) / 1000
    expected = intro_s + a.pause_ms / 1000 + spoken + gaps + a.pause_ms / 1000 + outro_s
    decoded = len(rendered["samples"]) / rendered["rate"]
    info = MP3(rendered["store"].path(result.audio)).info
    assert (info.bitrate, info.sample_rate, info.channels) == (128_000, 24_000, 1)
    assert decoded == pytest.approx(expected, rel=0.01)
    assert result.duration_seconds == pytest.approx(expected, abs=0.005)
    assert result.segments[0].start == pytest.approx(intro_s + a.pause_ms / 1000, abs=0.005)


def test_loudness_is_minus_16_lufs_with_true_peak_under_minus_1(rendered):
    """Measured on the decoded MP3: -16 LUFS integrated within 1 LU, true peak at most -1 dBTP (+0.2 dB decoding tolerance)."""
    x, rate = rendered["samples"], rendered["rate"]
    measured = loudness.integrated_loudness(x, rate)
    assert measured == pytest.approx(-16.0, abs=1.0)
    assert loudness.true_peak_dbtp(x) <= -1.0 + MP3_PEAK_TOLERANCE_DB
    assert rendered["result"].loudness_lufs == pytest.approx(measured, abs=0.1)


def test_id3_tags_and_chapters(rendered):
    """The MP3 carries title, show, hosts, date, description, and one CHAP per chapter starting at its first line."""
    result, script = rendered["result"], rendered["script"]
    tags = ID3(rendered["store"].path(result.audio))
    assert str(tags["TIT2"]) == script.title
    assert str(tags["TALB"]) == "Paper Trail"
    assert str(tags["TPE1"]) == "Ada & Ben"
    assert str(tags.getall("TDRC")[0]).startswith("2026")  # ID3v2.3 keeps the year (TYER)
    assert tags.getall("COMM")[0].text[0] == script.summary
    toc = tags.getall("CTOC")[0]
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert list(toc.child_element_ids) == [c.element_id for c in chapters]
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == [c.title for c in script.chapters]
    expected_starts = [0] + [round(result.segments[c.start_line].start * 1000) for c in script.chapters[1:]]
    assert [c.start_time for c in chapters] == expected_starts
    assert [c.end_time for c in chapters] == expected_starts[1:] + [round(result.duration_seconds * 1000)]


def test_transcript_cues_follow_the_segments(rendered):
    """The WebVTT has one cue per line, at the line's real start and end (to the millisecond), voiced by its host."""
    result, script = rendered["result"], rendered["script"]
    cues = vtt_cues((rendered["tmp"] / "out" / "transcript.vtt").read_text(encoding="utf-8"))
    assert len(cues) == len(script.lines)
    for (start, end, payload), seg, line in zip(cues, result.segments, script.lines):
        assert start == pytest.approx(seg.start, abs=0.0011)
        assert end == pytest.approx(seg.end, abs=0.0011)
        assert payload == f"<v {script.hosts[line.speaker]}>{line.text}</v>"


def test_the_two_hosts_sound_different(rendered):
    """Ben's voice (joe, a man) has a clearly lower median pitch than Ada's (heart, a woman): under 90 % of it."""
    x, rate, result = rendered["samples"], rendered["rate"], rendered["result"]

    def host_pitch(speaker: str) -> float:
        parts = [x[int(s.start * rate):int(s.end * rate)] for s in result.segments if s.speaker == speaker]
        return median_f0(np.concatenate(parts), rate)

    ada, ben = host_pitch("a"), host_pitch("b")
    assert 150 < ada < 260, ada
    assert ben < 0.9 * ada, (ada, ben)


def test_artifacts_are_stored_with_hash_and_duration(rendered):
    """MP3, transcript and notes are in the artifact store under their sha256, each with the episode's duration."""
    result = rendered["result"]
    for artifact, name in ((result.audio, "episode.mp3"), (result.transcript, "transcript.vtt"), (result.notes, "notes.md")):
        stored = rendered["store"].path(artifact)
        assert stored.name == artifact.sha256 == sha256_file(stored)
        assert artifact.key == f"sha256/{artifact.sha256[:2]}/{artifact.sha256}"
        assert artifact.filename == name
        assert artifact.size == stored.stat().st_size
        assert artifact.duration_seconds == pytest.approx(result.duration_seconds)
        assert sha256_file(rendered["tmp"] / "out" / name) == artifact.sha256


def test_show_notes_list_chapters_with_timestamps(rendered):
    """The notes give the title, summary, each chapter at its start time, the show notes and a transcript link."""
    notes = (rendered["tmp"] / "out" / "notes.md").read_text(encoding="utf-8")
    result, script = rendered["result"], rendered["script"]
    assert notes.startswith(f"# {script.title}\n")
    assert script.summary in notes and script.show_notes in notes
    second = result.chapter_starts[1]
    assert f"- {int(second // 60)}:{int(second % 60):02d} Results" in notes
    assert "(transcript.vtt)" in notes
