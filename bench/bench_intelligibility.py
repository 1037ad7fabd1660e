"""How well an offline recogniser understands a rendered offline episode, in this tree and at a base revision.

For one paper (the shipped sample paper, read by intake), each writer's offline
script is spoken line by line with the offline voices (hibari, from the wheel),
resampled to 16 kHz and transcribed by PocketSphinx with the US English model
that ships inside the ``pocketsphinx`` wheel (no download). The figure is the
word error rate of the recogniser's words against the transcript cues (the line
texts, numbers spelled out as a host says them). The current tree applies
:func:`workflows.script.spoken.speakable` before synthesis, as the audio stage
does; the base revision's tree (``--base REV``, default ``a84cf7d``: main before the spoken-script work,
exported with ``git archive``) is spoken as its writer wrote it.

Also printed, for both: contract breaches per 1,000 words
(:func:`workflows.script.spoken.script_violations`), the share of answer
sentences read verbatim from the paper, the first host's share of the words and
the longest turn.

Run: ``.venv/bin/python bench/bench_intelligibility.py [minutes] [--base REV]`` (default 3 minutes).
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from scipy.signal import resample_poly  # noqa: E402

from workflows.script import spoken  # noqa: E402

_WRITE = """
import json, sys
from pathlib import Path
from workflows.intake.paper import Paper
from workflows.script.writers import get_writer
from workflows.settings import Environment, Settings, Show
paper = Paper.model_validate_json(Path(sys.argv[1]).read_text())
env = Environment(anthropic_api_key=None, anthropic_base_url=None, slack_bot_token=None, slack_app_token=None)
script = get_writer("offline", Settings(env=env, show=Show(), show_source="bench")).write(
    paper, Show(), target_minutes=float(sys.argv[2])).script
body = " ".join((paper.abstract + " " + paper.body_text).split())
print(json.dumps({"lines": [[l.speaker, l.text] for l in script.lines], "body": body}))
"""
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
        "seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _number(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            rest = n % size
            return f"{_number(n // size)} {name}" + (f" {_number(rest)}" if rest else "")
    return str(n)


def _said(match: re.Match[str]) -> str:
    whole, _, fraction = match.group(0).replace(",", "").partition(".")
    value = int(whole)
    words = _number(value) if not 1900 <= value <= 2099 or fraction else \
        f"{_number(value // 100)} {_number(value % 100) if value % 100 >= 10 else 'oh ' + _number(value % 100)}"
    return words + ("" if not fraction else " point " + " ".join(_ONES[int(d)] for d in fraction))


def words_of(text: str) -> list[str]:
    """The words a listener should hear: lowercase, numbers spelled out, "%" as "percent", no punctuation."""
    text = re.sub(r"\d[\d,]*(?:\.\d+)?", _said, text.replace("%", " percent"))
    return re.findall(r"[a-z']+", text.lower().replace("-", " "))


def wer(reference: list[str], hypothesis: list[str]) -> float:
    """Word error rate: edits to turn the hypothesis into the reference, per reference word."""
    previous = list(range(len(hypothesis) + 1))
    for i, r in enumerate(reference, 1):
        current = [i]
        for j, h in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1] / max(1, len(reference))


def _script(tree: Path, minutes: float, paper: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _WRITE, str(paper), str(minutes)], cwd=tree, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout.strip().splitlines()[-1])


#: The revision compared against by default: main before the spoken-script and grounded-checks work (issues 14, 15).
BASE = "a84cf7d"


def _base_tree(folder: Path, rev: str) -> Path:
    archive = subprocess.run(["git", "archive", rev, "workflows"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _recognise(lines: list[list[str]], speak: bool) -> tuple[float, int]:
    from pocketsphinx import Decoder

    from workflows.audio.offline import OfflineSpeech

    voice = OfflineSpeech()
    decoder = Decoder(samprate=16000, logfn="/dev/null")
    reference: list[str] = []
    heard: list[str] = []
    for speaker, text in lines:
        said = spoken.speakable(text) if speak else text
        samples, rate = voice.synthesize(said, "heart" if speaker == "a" else "joe")
        common = math.gcd(16000, rate)
        pcm = resample_poly(samples, 16000 // common, rate // common) if rate != 16000 else samples
        decoder.start_utt()
        decoder.process_raw((np.clip(pcm, -1, 1) * 32767).astype(np.int16).tobytes(), full_utt=True)
        decoder.end_utt()
        reference += words_of(text)
        heard += (decoder.hyp().hypstr if decoder.hyp() else "").split()
    return wer(reference, heard), len(reference)


def _style(result: dict) -> str:
    texts = [t for _, t in result["lines"]]
    words = sum(len(t.split()) for t in texts)
    breaches = len(spoken.script_violations(texts))
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s.split()) >= 6]
    verbatim = sum(s in result["body"] for s in sentences) / max(1, len(sentences))
    first = sum(len(t.split()) for k, t in result["lines"] if k == "a") / max(1, words)
    longest = max(len(t.split()) for t in texts)
    return (f"{breaches / words * 1000:5.1f} breaches/1000 words, {verbatim:5.1%} of sentences verbatim from the paper, "
            f"first host {first:4.0%} of {words} words, longest turn {longest} words")


def _papers(folder: Path) -> dict[str, Path]:
    """The shipped sample paper as intake reads it, and the messy test paper (markers, formulas, no abstract)."""
    from tests.script._messy import messy_paper
    from workflows.intake.extract import extract_paper
    from workflows.intake.sample import write_sample_paper
    from workflows.settings import Intake

    write_sample_paper(folder / "sample.pdf")
    found = {"sample paper": extract_paper(folder / "sample.pdf", Intake()), "messy paper": messy_paper()}
    for name, paper in found.items():
        (folder / f"{name}.json").write_text(paper.model_dump_json())
    return {name: folder / f"{name}.json" for name in found}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("minutes", nargs="?", type=float, default=3.0)
    parser.add_argument("--base", default=BASE, help=f"the revision to compare against (default {BASE})")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base_tree = _base_tree(Path(tmp) / "base", args.base)
        for paper_name, paper in _papers(Path(tmp)).items():
            base, now = _script(base_tree, args.minutes, paper), _script(ROOT, args.minutes, paper)
            for name, result, speak in ((f"base {args.base[:10]}", base, False), ("this tree", now, True)):
                error, count = _recognise(result["lines"], speak)
                print(f"{paper_name:12s} {name:20s} WER {error:5.1%} over {count:4d} reference words; {_style(result)}")


if __name__ == "__main__":
    main()
