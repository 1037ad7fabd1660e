"""Making a script being revised shorter or longer, one line (a :class:`Slot`) at a time.

:func:`shorten` removes the lowest-value content first; :func:`lengthen` adds
unused paper sentences where they belong. The rules are in
:mod:`workflows.script.revision`, which calls both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from workflows.script.brand import apply_pronunciations
from workflows.script.model import Line
from collections import Counter as _Frames

from workflows.script.phrasing import ask
from workflows.script.sentences import Sentence, score_sentence, split_sentences
from workflows.settings import Show


#: About how many words the question before an added answer takes.
_QUESTION_WORDS = 7


@dataclass
class Slot:
    """One line of the script being revised, with the chapter it belongs to."""

    line: Line
    block: int  # index into the previous script's chapters (new chapters get new ones); -1 before the first
    kind: str  # "intro" | "sign-off" | "answer" | "body" | "added"


@dataclass(frozen=True, order=True)
class _Cut:
    """Something shortening may remove: ``count`` lines from ``lines[0]`` on, or one sentence of it (count 0)."""

    value: float
    later_first: int
    count: int
    sentence: str
    size: int
    lines: tuple[Slot, ...] = field(compare=False)


def shorten(slots: list[Slot], budget: int, reading: dict[str, Sentence], one_at_least: bool,
             within: set[int] | None) -> bool:
    """Remove the lowest-value content until the script is nearest ``budget`` words; True if the floor stopped it.

    Cuts are tried in value order, each only if it lands nearer the budget and is still allowed when
    its turn comes. With ``one_at_least``, a first cut is made even when it overshoots the budget;
    with ``within``, only those chapters (blocks) lose anything.
    """
    memo: dict[str, tuple[list[str], float]] = {}
    moved = False
    while (words := words_in(slots)) > budget:
        cuts = sorted(c for c in _cuts(slots, reading, memo) if within is None or c.lines[0].block in within)
        if not cuts:
            return True
        forced = cuts[0] if one_at_least and not moved and all(words - c.size <= 2 * budget - words
                                                                 for c in cuts) else None
        exchange = Counter(s.block for s in slots if s.kind not in ("intro", "sign-off"))
        progress = False
        for cut in cuts:
            if words <= budget:
                break
            if (cut is forced or words - cut.size > 2 * budget - words) and _apply(cut, slots, exchange, memo, reading):
                words -= cut.size
                moved = progress = True
        if not progress:
            return False
    return False


def _apply(cut: _Cut, slots: list[Slot], exchange: Counter, memo: dict[str, tuple[list[str], float]],
           reading: dict[str, Sentence]) -> bool:
    """Make ``cut`` if the script, as it is now, still allows it."""
    start = next((i for i, slot in enumerate(slots) if slot is cut.lines[0]), None)
    if start is None:
        return False
    slot = slots[start]
    if not cut.count:
        parts = memo[slot.line.text][0] if slot.line.text in memo else split_sentences(slot.line.text)
        if len(parts) < 2 or cut.sentence not in parts:
            return False
        rest = list(parts)
        rest.remove(cut.sentence)
        slot.line = without_sentences(slot.line, rest, reading)
        return True
    if (any(a is not b for a, b in zip(slots[start:start + cut.count], cut.lines)) or len(slots) < start + cut.count
            or exchange[slot.block] - cut.count < 2 or _clashes(slots, start, cut.count)):
        return False
    del slots[start:start + cut.count]
    exchange[slot.block] -= cut.count
    return True


def _cuts(slots: list[Slot], reading: dict[str, Sentence], memo: dict[str, tuple[list[str], float]]) -> list[_Cut]:
    """Everything that may go now without breaking the floor, alternation or chapter structure.

    ``memo`` keeps each line text's sentences and value between calls.
    """
    firsts = {slot.block: i for i, slot in reversed(list(enumerate(slots)))}
    exchange = Counter(s.block for s in slots if s.kind not in ("intro", "sign-off"))
    for slot in slots:
        if slot.line.text not in memo:
            parts = split_sentences(slot.line.text)
            memo[slot.line.text] = (parts, _value(parts, reading))
    cuts: list[_Cut] = []
    for i, slot in enumerate(slots):
        if slot.kind != "body":
            continue
        parts = memo[slot.line.text][0]
        if len(parts) > 1 and all(p in reading for p in parts):
            cuts += [_Cut(reading[p].score, -i, 0, p, len(p.split()), (slot,)) for p in parts]
        if firsts[slot.block] == i:
            continue
        for count in (1, 2):
            group = slots[i:i + count]
            if (len(group) < count or any(g.kind != "body" or g.block != slot.block for g in group)
                    or exchange[slot.block] - count < 2 or _clashes(slots, i, count)):
                continue
            value = max(memo[g.line.text][1] for g in group)
            cuts.append(_Cut(value, -i, count, "", sum(len(g.line.text.split()) for g in group), tuple(group)))
    return cuts


def _clashes(slots: list[Slot], start: int, count: int) -> bool:
    """Whether removing ``count`` lines at ``start`` leaves a host answering themselves more often."""
    around = [s.line.speaker for s in slots[max(0, start - 1):start + count + 1]]
    before = sum(x == y for x, y in zip(around, around[1:]))
    outer = [s.line.speaker for s in slots[max(0, start - 1):start] + slots[start + count:start + count + 1]]
    return len(outer) == 2 and outer[0] == outer[1] and before == 0


def _value(parts: list[str], reading: dict[str, Sentence]) -> float:
    """What a line is worth: its best sentence's score (a paper sentence keeps its score in the paper)."""
    return max((reading[p].score if p in reading else score_sentence(p, 2) for p in parts), default=-3.0)


def lengthen(slots: list[Slot], titles: dict[int, str], budget: int, fresh: list[Sentence],
              relevance: Callable[[Sentence], int], reading: dict[str, Sentence], headings: list[str],
              show: Show, one_at_least: bool, within: tuple[set[int], set[int]] | None) -> bool:
    """Add ``fresh`` sentences until the script is nearest ``budget`` words; True if they ran out.

    Those the notes ask about come first, then those for chapters the script already has, each by score.
    With ``one_at_least``, the first sentence is added even when it overshoots the budget; with
    ``within`` (chapters, sections), only sentences for those.
    """
    home, lead = _homes(slots, titles, reading, headings)
    words = words_in(slots)
    added: dict[int | tuple[str, int], list[Sentence]] = {}
    ran_out = True
    for s in sorted(fresh, key=lambda s: (-relevance(s), isinstance(home(s.section), tuple), *rank(s))):
        if words >= budget:
            ran_out = False
            break
        key = home(s.section)
        if key is None or (within is not None and key not in within[0] and s.section not in within[1]):
            continue
        text = apply_pronunciations(s.text, show.brand.pronunciations)
        count = len(added.get(key, []))
        cost = len(text.split())
        if count % 2 == 0:
            cost += _QUESTION_WORDS
        if cost >= 2 * (budget - words) and (added or not one_at_least):  # would land further from the budget
            ran_out = False
            continue
        added.setdefault(key, []).append(s)
        words += cost

    a, b = (h.key for h in show.hosts)
    frames: _Frames = _Frames()
    inserts: list[tuple[int, int, int, list[Slot]]] = []  # (before slot, new chapter?, section, slots)
    next_block = max(titles, default=-1) + 1
    for key, sentences in added.items():
        ordered = sorted(sentences, key=lambda s: (s.section, s.position))
        groups = [ordered[i:i + 2] for i in range(0, len(ordered), 2)]
        if isinstance(key, int):
            own = [i for i, slot in enumerate(slots) if slot.block == key]
            at = 1 + max((i for i in own if slots[i].kind not in ("answer", "sign-off")), default=own[0] - 1)
            block, section = key, -1
        else:
            section = key[1]
            at = _chapter_position(slots, lead, section)
            block, next_block = next_block, next_block + 1
            titles[block] = headings[section][:80]
        reader = slots[at - 1].line.speaker
        asker = a if reader == b else b
        new: list[Slot] = []
        for group in groups:
            heading = headings[group[0].section] if 0 <= group[0].section < len(headings) else ""
            prompt = ask(group[0].text, heading, frames, run_in=group[0].topic)
            support = [s.source for s in group if s.source]
            new += [Slot(Line(speaker=asker, text=prompt), block, "added"),
                    Slot(Line(speaker=reader, text=" ".join(apply_pronunciations(s.text, show.brand.pronunciations)
                                                            for s in group), support=support), block, "added")]
        inserts.append((at, isinstance(key, tuple), section, new))
    for at, _, _, new in sorted(inserts, key=lambda x: x[:3], reverse=True):
        slots[at:at] = new
    return ran_out


def _homes(slots: list[Slot], titles: dict[int, str], reading: dict[str, Sentence], headings: list[str]):
    """Where a section's new sentences go, and the section each middle chapter mostly reads.

    ``home(section)`` is a chapter's block: the one titled like the section, else the middle
    chapter reading most of it; ``("new", section)`` for a new chapter; or None.
    """
    counts: dict[int, Counter] = {}
    for slot in slots:
        for part in split_sentences(slot.line.text):
            if part in reading:
                counts.setdefault(slot.block, Counter())[reading[part].section] += 1
    first, final = slots[0].block, slots[-1].block
    middle = [b for b in dict.fromkeys(s.block for s in slots) if b not in (first, final)]
    lead = {b: min(counts[b], key=lambda s: (-counts[b][s], s)) for b in middle if b in counts}

    def home(section: int) -> int | tuple[str, int] | None:
        if first == final or section == -1:
            return first
        named = [b for b in dict.fromkeys(s.block for s in slots)
                 if section < len(headings) and titles.get(b, "").strip().lower() == headings[section].strip().lower()]
        if named:
            return named[0]
        best = max(middle, key=lambda b: (counts.get(b, Counter())[section], -middle.index(b)), default=None)
        if best is not None and counts.get(best, Counter())[section] > 0:
            return best
        return ("new", section) if 0 <= section < len(headings) else None

    return home, lead


def _chapter_position(slots: list[Slot], lead: dict[int, int], section: int) -> int:
    """Where a new chapter for ``section`` goes: before the first chapter reading a later section, else the last."""
    for i, slot in enumerate(slots):
        if (i == 0 or slots[i - 1].block != slot.block) and lead.get(slot.block, -2) > section:
            return i
    final = slots[-1].block
    return min(i for i, slot in enumerate(slots) if slot.block == final)


def without_sentences(line: Line, kept: list[str], reading: dict[str, Sentence]) -> Line:
    """``line`` saying only the sentences ``kept``, its support cut to theirs."""
    sources = {reading[p].source for p in kept if p in reading}
    support = [s for s in line.support if s in sources] if sources else line.support
    return line.model_copy(update={"text": " ".join(kept), "support": support})


def words_in(slots: list[Slot]) -> int:
    return sum(len(s.line.text.split()) for s in slots)


def rank(s: Sentence) -> tuple[float, int, int]:
    return (-s.score, s.section, s.position)
