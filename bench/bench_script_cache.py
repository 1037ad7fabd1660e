"""What a regeneration costs in input tokens, against the first generation, with prompt caching.

Drives the Claude writer through the real ``anthropic`` client against the loopback
Messages API stand-in (tests/standins/anthropic_api.py), which bills input tokens
as ceil(len/4) per block and reports the cached prefix (tools + system + paper
block) as cache creation the first time and cache read afterwards. Prints the
figures for a paper of about 27,000 characters (about 7,000 tokens) and a
script of about 1,200 words, and the billed-equivalent input
cost using Anthropic's multipliers: the paper block is cached for one hour, and a
one-hour cache write bills 2x the base input price (a five-minute one 1.25x), a
cache read 0.1x. The ratio with the five-minute multiplier is printed too, for
comparison with earlier runs. Also times the offline writer on a 300-page-sized paper.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.script._papers import SECTIONS, make_paper, script_input  # noqa: E402
from tests.script._settings import make_settings  # noqa: E402
from tests.standins.anthropic_api import AnthropicStandIn  # noqa: E402
from workflows.script.writers import get_writer  # noqa: E402
from workflows.settings import Show, Writer  # noqa: E402

KEY = "sk-ant-bench"


def _paper(copies: int):
    sections = {f"{n}.{i} {h.split(' ', 1)[1]}": t for n in range(1, copies + 1) for i, (h, t) in enumerate(SECTIONS.items())}
    return make_paper(sections)


def _full_script() -> dict:
    """A tool input the size of an 8-minute script (about 1,200 words)."""
    sentences = [t for text in SECTIONS.values() for t in text.split(". ")]
    lines = [{"speaker": "ab"[i % 2], "text": sentences[i % len(sentences)]} for i in range(75)]
    lines[0]["text"] = "Welcome to Paper Trail."
    lines[-1]["text"] = "Thanks for listening to Paper Trail."
    return script_input(lines=lines)


def _billed(u, write: float = 2.0) -> float:
    """Input billed at base-price equivalents; ``write`` is the cache-write multiplier (2.0 for one hour)."""
    return u.input_tokens + write * u.cache_creation_input_tokens + 0.1 * u.cache_read_input_tokens


def main() -> None:
    paper = _paper(10)
    with AnthropicStandIn(valid_keys=(KEY,)) as standin:
        show = Show(writer=Writer(backend="claude", model="claude-sonnet-4-6"))
        settings = make_settings(key=KEY, base_url=standin.base_url, show=show)
        writer = get_writer("claude", settings)
        standin.reply_tool(_full_script())
        first = writer.write(paper, show, target_minutes=8)
        standin.reply_tool(_full_script())
        second = writer.write(paper, show, target_minutes=8, previous=first.script,
                              notes="Line 4 overstates the result; say 69.5% and add the limitation about English-only benchmarks.")
    print(f"paper: {len(paper.body_text):,} characters")
    for name, u in (("first generation", first.usage), ("regeneration", second.usage)):
        print(f"{name:17s} input={u.input_tokens:6,d} cache_write={u.cache_creation_input_tokens:6,d} "
              f"cache_read={u.cache_read_input_tokens:6,d} output={u.output_tokens:5,d} billed_input_equiv={_billed(u):8,.0f}")
    print(f"regeneration / first generation, billed input: {_billed(second.usage) / _billed(first.usage):.1%} "
          f"(counting the cache write at the five-minute 1.25x: "
          f"{_billed(second.usage, 1.25) / _billed(first.usage, 1.25):.1%})")
    uncached = second.usage.input_tokens + second.usage.cache_read_input_tokens
    print(f"regeneration without caching would bill {uncached:,} input tokens; with caching {_billed(second.usage):,.0f} "
          f"({_billed(second.usage) / uncached:.1%})")

    long_paper = _paper(60)
    offline = get_writer("offline", settings)
    start = time.perf_counter()
    script = offline.write(long_paper, show, target_minutes=8).script
    print(f"offline writer: {len(long_paper.body_text):,}-character paper -> {script.word_count} words "
          f"in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
