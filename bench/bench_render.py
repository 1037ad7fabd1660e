"""Render a 10-minute, two-host episode (about 1800 words) with the offline voices, end to end.

Runs the production path: render_in_worker (a spawned process) with an empty
speech cache. Prints wall time, compute seconds per second of audio (CPU of
this process and its children), and peak memory (largest resident set of this
process and of any child, i.e. the worker and ffmpeg).

Targets on a 2-core machine: under 60 s wall and under 1.2 GB peak.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workflows.audio.render import render_in_worker  # noqa: E402
from workflows.script.model import Chapter, Line, Script  # noqa: E402
from workflows.settings import Environment, Show  # noqa: E402

TARGET_WALL_SECONDS = 60.0
TARGET_PEAK_MB = 1200.0

_SUBJECTS = ["The authors", "This paper", "Their model", "The baseline", "The new method", "Our listeners", "The dataset", "The ablation"]
_VERBS = ["shows", "suggests", "measures", "compares", "improves", "questions", "explains", "reports"]
_OBJECTS = [
    "how small models learn from forty thousand careful examples",
    "a clear gain on the reasoning benchmark",
    "why data quality matters more than raw scale",
    "the cost of training on a single graphics card",
    "an error rate that drops by almost a third",
    "what happens when the labels are noisy",
    "the limits of the evaluation they chose",
    "results that other groups could reproduce",
]
_TAILS = ["", " which surprised me", " and that is worth a closer look", " at least on paper", " if you read the appendix"]


def _sentence(i: int) -> str:
    return (f"{_SUBJECTS[i % 8]} {_VERBS[(i * 3) % 8]} {_OBJECTS[(i * 5) % 8]}{_TAILS[(i * 7) % 5]}.").capitalize()


def ten_minute_script(words: int = 1800) -> Script:
    lines, count, i = [], 0, 0
    while count < words:
        text = " ".join(_sentence(i + k) for k in range(3))
        i += 3
        lines.append(Line(speaker="a" if len(lines) % 2 == 0 else "b", text=text))
        count += len(text.split())
    quarter = len(lines) // 4
    chapters = [Chapter(title=t, start_line=n * quarter) for n, t in enumerate(["Opening", "Method", "Results", "Takeaways"])]
    return Script(
        title="Benchmark episode", summary="A ten-minute benchmark episode.", show_notes="Generated for bench_render.py.",
        chapters=chapters, lines=lines, hosts={"a": "Ada", "b": "Ben"},
    )


def main() -> int:
    script = ten_minute_script()
    show = Show()  # the built-in demo show: two hosts with the offline voices "heart" and "joe"
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        tmp_path = Path(tmp)
        env = Environment(papercast_data_dir=tmp_path / "var")
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if done == total or now - last[0] > 5:
                last[0] = now
                print(f"  speech {done}/{total} lines", file=sys.stderr)

        start_wall = time.perf_counter()
        result = render_in_worker(script, show, env, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", progress=progress)
        wall = time.perf_counter() - start_wall

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime
    peak_mb = max(me.ru_maxrss, children.ru_maxrss) / 1024  # Linux reports KiB
    audio_s = result.duration_seconds
    voices = " and ".join(f"{h.name} = {h.speech} {h.voice!r}" for h in show.hosts)
    print(f"script:            {script.word_count} words, {len(script.lines)} lines, 2 hosts ({voices})")
    print(f"audio:             {audio_s:.1f} s ({audio_s / 60:.1f} min), {result.loudness_lufs} LUFS, {result.true_peak_dbtp} dBTP")
    print(f"wall time:         {wall:.1f} s (target < {TARGET_WALL_SECONDS:.0f} s)")
    print(f"compute:           {cpu:.1f} CPU s = {cpu / audio_s:.3f} CPU s per s of audio; {wall / audio_s:.3f} wall s per s of audio")
    print(f"peak memory:       {peak_mb:.0f} MB (largest process: this one {me.ru_maxrss / 1024:.0f} MB, "
          f"worker/ffmpeg {children.ru_maxrss / 1024:.0f} MB; target < {TARGET_PEAK_MB:.0f} MB)")
    ok = wall < TARGET_WALL_SECONDS and peak_mb < TARGET_PEAK_MB
    print("result:            " + ("within targets" if ok else "MISSED A TARGET"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
