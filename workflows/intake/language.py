"""Which language a paper is written in, told offline by langdetect (Apache-2.0; its profiles ship in the wheel).

langdetect guesses by sampling, so the detector is seeded: the same text always gets
the same answer. Only a sample of the text is read (about a thousand characters from
the abstract and from across the body), which keeps it to a few milliseconds.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from workflows.intake.errors import WrongLanguage
from workflows.intake.paper import Paper
from workflows.settings import Intake

#: Languages told by their script, not by langdetect's profiles.
_BY_SCRIPT = {"zh", "ja", "ko"}
#: Characters of text the detector reads, taken from this many places in the body.
SAMPLE_CHARS, SAMPLE_PLACES = 900, 3
#: Random trials langdetect averages (its default is 7; the sample is long enough for fewer).
TRIALS = 3
#: Below this probability the language is not told ("").
MIN_PROBABILITY = 0.8

NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "pl": "Polish",
    "cs": "Czech", "ru": "Russian", "uk": "Ukrainian", "tr": "Turkish", "zh": "Chinese", "ja": "Japanese",
    "ko": "Korean", "ar": "Arabic", "he": "Hebrew", "el": "Greek", "hu": "Hungarian", "ro": "Romanian",
}  # fmt: skip


def language_name(code: str) -> str:
    return NAMES.get(code, code or "an unknown language")


@cache
def _factory():
    """A seeded detector factory with the profiles of the alphabetic languages in :data:`NAMES` (~13 MB; all 55,
    Chinese, Japanese and Korean among them, take ~60 MB, and those three are told by their script instead)."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    wanted = set(NAMES) - _BY_SCRIPT
    profiles = [(Path(PROFILES_DIRECTORY) / code).read_text(encoding="utf-8") for code in sorted(wanted)]
    factory = DetectorFactory()
    factory.load_json_profile(profiles)
    factory.set_seed(0)
    return factory


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in ("en", "de", ...), or "" if it cannot be told."""
    sample = _sample(text)
    if by_script := _script_language(sample):
        return by_script
    if len(sample.split()) < 20:
        return ""
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory().create()
    detector.n_trial = TRIALS
    detector.append(sample)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return ""
    return best.lang.split("-")[0] if best.prob >= MIN_PROBABILITY else ""


def _script_language(text: str) -> str:
    """"zh", "ja" or "ko" when most letters are Han, kana or Hangul; else ""."""
    letters = [c for c in text if c.isalpha()]
    han = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff")
    kana = sum(1 for c in letters if "\u3040" <= c <= "\u30ff")
    hangul = sum(1 for c in letters if "\uac00" <= c <= "\ud7af")
    if len(letters) < 20 or (han + kana + hangul) * 2 < len(letters):
        return ""
    return "ko" if hangul >= max(han, kana) else "ja" if kana * 5 >= han else "zh"


def _sample(text: str) -> str:
    if len(text) <= SAMPLE_CHARS:
        return text
    size = SAMPLE_CHARS // SAMPLE_PLACES
    step = (len(text) - size) // max(1, SAMPLE_PLACES - 1)
    return " ".join(text[i * step : i * step + size] for i in range(SAMPLE_PLACES))


def check_language(paper: Paper, show_language: str, intake: Intake) -> None:
    """Refuse a paper whose detected language is not the show's, unless ``intake.allow_other_languages``."""
    wanted = show_language.split("-")[0].lower()
    if intake.allow_other_languages or not paper.language or not wanted or paper.language == wanted:
        return
    raise WrongLanguage(paper.language, wanted)
