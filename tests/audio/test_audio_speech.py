"""The speech registry, the built-in voices and the pieces that turn lines into a timed episode."""

from __future__ import annotations

import numpy as np
import pytest

from tests.audio.samples import make_script, make_show, median_f0
from workflows.audio import speech
from workflows.audio.assembly import assemble
from workflows.audio.transcript import timestamp, webvtt
from workflows.audio.wavfile import parse_wav, wav_bytes
from workflows.settings import Audio, Environment
from workflows.testing.speech import ToneSpeech


def test_builtin_backends_are_registered():
    """offline, hosted and tone are all available by id, the test's tone registered like the real ones."""
    assert {"offline", "hosted", "tone"} <= set(speech.backends.ids())


def test_unknown_backend_is_a_clear_error(tmp_path):
    """A host with an unregistered speech id gets an error listing the ids that exist."""
    show = make_show("nonexistent")
    with pytest.raises(speech.UnknownSpeechBackend) as caught:
        speech.backend_for(show.hosts[0], show, Environment(papercast_data_dir=tmp_path))
    assert "offline" in caught.value.message and caught.value.hint


def test_offline_backend_refuses_voices_that_would_need_a_download(tmp_path):
    """hibari voices outside the wheel (e.g. "fenrir") are refused, never downloaded."""
    show = make_show("offline", voices=("heart", "fenrir"))
    backend = speech.backend_for(show.hosts[1], show, Environment(papercast_data_dir=tmp_path))
    with pytest.raises(speech.UnknownVoice) as caught:
        backend.synthesize("Hello.", "fenrir")
    assert "heart-low" in caught.value.message


def test_default_show_uses_two_distinct_offline_voices():
    """With nothing configured, the two hosts speak with different offline voices."""
    from workflows.settings import Show

    hosts = Show().hosts
    assert [h.speech for h in hosts] == ["offline", "offline"]
    assert hosts[0].voice != hosts[1].voice


def test_tone_voices_are_deterministic_and_distinct():
    """The tone fake gives identical samples for identical input, a length that grows with words, and distinct pitches."""
    tone = ToneSpeech()
    a1, rate = tone.synthesize("one two three four", "heart")
    a2, _ = tone.synthesize("one two three four", "heart")
    b, _ = tone.synthesize("one two three four", "heart-low")
    longer, _ = tone.synthesize("one two three four five six seven eight", "heart")
    assert np.array_equal(a1, a2)
    assert len(longer) == 2 * len(a1)
    assert median_f0(b, rate) < 0.7 * median_f0(a1, rate)


def test_streamed_wav_header_is_read_to_the_end():
    """A WAV whose sizes are the streaming placeholder 0xFFFFFFFF is read in full (as OpenAI sends it)."""
    samples = (np.sin(np.arange(2400) / 10) * 0.5).astype(np.float32)
    data = bytearray(wav_bytes(samples, 24_000, pcm16=True))
    data[4:8] = b"\xff\xff\xff\xff"
    data[40:44] = b"\xff\xff\xff\xff"
    decoded, rate = parse_wav(bytes(data))
    assert rate == 24_000 and len(decoded) == 2400
    assert np.allclose(decoded, samples, atol=1e-4)


def test_assembly_puts_longer_pauses_between_chapters():
    """Lines are joined with pause_ms, and with chapter_pause_ms before a line that opens a chapter."""
    script = make_script()
    audio = Audio(pause_ms=300, chapter_pause_ms=800)
    rate = 1000
    lines = [np.ones(1000, np.float32) for _ in script.lines]
    episode, timeline = assemble(lines, script, audio, rate)
    gaps = [round(b.start - a.end, 3) for a, b in zip(timeline.segments, timeline.segments[1:])]
    assert gaps == [0.3, 0.8, 0.3, 0.8, 0.3]
    assert timeline.chapter_starts == [0.0, timeline.segments[2].start, timeline.segments[4].start]
    assert len(episode) / rate == timeline.duration_seconds == 6 + 0.3 * 3 + 0.8 * 2


def test_webvtt_escapes_text_and_tags_voices():
    """Cue text is escaped (&, <, >) and wrapped in a <v Host> voice tag; timestamps are hh:mm:ss.mmm."""
    script = make_script(lines=[("a", "Is 3 < 4 & 5 > 2?"), ("b", "Yes.")], chapters=[])
    _, timeline = assemble([np.ones(3723, np.float32)] * 2, script, Audio(pause_ms=0), 1)
    vtt = webvtt(script, timeline)
    assert "<v Ada>Is 3 &lt; 4 &amp; 5 &gt; 2?</v>" in vtt
    assert "01:02:03.000 --> 02:04:06.000" in vtt
    assert timestamp(3723.5) == "1:02:03" and timestamp(62.4) == "1:02"
