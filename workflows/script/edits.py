"""Content edits a revision makes for reviewer notes: drop a part, explain a part more, use less jargon.

Rules (see :func:`workflows.script.notes.content_request` for how notes are read):

- **Drop Y** ("drop the related work", "remove the part about BM25"): a chapter
  titled like Y goes whole (not the opening or the wrap-up); otherwise each
  question-and-answer whose answer is about Y goes. Nothing about Y comes back
  as an added sentence. When nothing is about Y, the summary says so.
- **Explain X more** ("explain the method more", "more on the threshold"):
  unused paper sentences about X join the chapter reading X (or a new one), at
  least two or a third of that chapter's words; that chapter then loses nothing
  to shortening. When the paper has nothing more on X, the summary says so.
- **Less jargon** ("less jargon", "too technical", "simpler"): sentences with
  :data:`JARGON` technical terms or more (acronyms, coined names, very long
  words) go from lines that keep another sentence, and a jargon-heavy answer
  goes with its question where the chapter keeps an exchange; no added sentence
  is jargon-heavy. The summary says how many went and how many had to stay.

Every line these rules do not touch stays byte-identical. Where a removal leaves
one host speaking twice in a row, the other host says a short bridge.
"""

from __future__ import annotations

from workflows.script.model import Line, Script
from workflows.script.notes import ContentRequest, jargon, stems
from workflows.script.resize import Slot, lengthen, without_sentences, words_in
from workflows.script.sentences import Sentence, split_sentences
from workflows.settings import Show

#: A sentence with this many technical terms is jargon-heavy.
JARGON = 2
_BRIDGES = ("Okay, let's move on.", "Right.", "Got it.", "Makes sense.")
_FIXED_CHAPTERS = ("Opening", "Wrap-up")


def drops(content: ContentRequest, script: Script, owner: list[int], titles: dict[int, str]) -> tuple[set[int], list[str]]:
    """The line indexes "drop Y" removes, and what the summary says about it."""
    gone: set[int] = set()
    said: list[str] = []
    last = len(script.lines) - 1
    for words, name in zip(content.drop, content.drop_names):
        chapters = [b for b, t in titles.items() if stems(t) & words and t not in _FIXED_CHAPTERS]
        if chapters:
            lines = {i for i, b in enumerate(owner) if b in chapters and 0 < i < last}
            gone |= lines
            said.append(f"dropped {', '.join(titles[b] for b in chapters)} ({len(lines)} lines)")
            continue
        pairs = set()
        for i, line in enumerate(script.lines[1:last], start=1):
            if line.support and _about(line.text, words):
                pairs.add(i)
        pairs = with_questions(pairs, script.lines)
        gone |= pairs
        said.append(f"dropped {len(pairs)} lines about {name}" if pairs else f"nothing in the script is about {name}, "
                    "so nothing was dropped for it")
    return gone, said


def with_questions(lines_out: set[int], lines: list[Line]) -> set[int]:
    """``lines_out`` with the question before each answer in it: a question loses its point without its answer."""
    found = set(lines_out)
    for i in lines_out:
        before = lines[i - 1] if i > 1 else None
        if before and lines[i].support and not before.support and before.text.endswith("?") \
                and before.speaker != lines[i].speaker:
            found.add(i - 1)
    return found


def dropped(s: Sentence, content: ContentRequest, headings: list[str]) -> bool:
    """Whether a paper sentence is about something the notes asked to drop."""
    heading = stems(headings[s.section]) if 0 <= s.section < len(headings) else set()
    return any(words & heading or _about(s.text, words) for words in content.drop)


def bridge(slots: list[Slot]) -> None:
    """Where one host would speak twice in a row, a short line by the other host between."""
    i = 1
    while i < len(slots):
        first, second = slots[i - 1].line, slots[i].line
        if first.speaker == second.speaker:
            other = next(s.line.speaker for s in slots if s.line.speaker != first.speaker) \
                if any(s.line.speaker != first.speaker for s in slots) else first.speaker
            slots.insert(i, Slot(Line(speaker=other, text=_BRIDGES[i % len(_BRIDGES)]), slots[i].block, "added"))
        i += 1


def plainer(slots: list[Slot], reading: dict[str, Sentence]) -> str:
    """Take jargon-heavy sentences out; what the summary says about it."""
    taken = kept = 0
    for slot in [s for s in slots if s.kind == "body" and s.line.support]:
        parts = split_sentences(slot.line.text)
        plain = [p for p in parts if jargon(p) < JARGON]
        if plain and len(plain) < len(parts):
            taken += len(parts) - len(plain)
            slot.line = without_sentences(slot.line, plain, reading)
        elif not plain:
            i = slots.index(slot)
            question = slots[i - 1] if i > 0 else None
            same = [s for s in slots if s.block == slot.block]
            if question and question.line.text.endswith("?") and question.block == slot.block and len(same) > 3 \
                    and (i + 1 >= len(slots) or i < 2 or slots[i - 2].line.speaker != slots[i + 1].line.speaker):
                del slots[i - 1:i + 1]
                taken += len(parts)
            else:
                kept += len(parts)
    if not taken and not kept:
        return "less jargon: no sentence had enough technical terms to take out"
    note = f"less jargon: took out {taken} sentence{'s' * (taken != 1)} heavy with technical terms"
    return note + (f"; {kept} more stayed, because their chapter has nothing else to say" if kept else "")


def explain(content: ContentRequest, slots: list[Slot], titles: dict[int, str], fresh: list[Sentence],
            topics: dict[int, set[str]], reading: dict[str, Sentence], headings: list[str], show: Show,
            done: list[str]) -> set[int]:
    """Add paper sentences on what the notes ask explained; the chapters (blocks) shortening must spare."""
    spared: set[int] = set()
    for words, name in zip(content.explain, content.explain_names):
        blocks = {s.block for s in slots if stems(titles.get(s.block, "")) & words
                  and titles.get(s.block) not in _FIXED_CHAPTERS}
        sections = {i for i, h in enumerate(headings) if stems(h) & words}

        def relevance(s: Sentence, words: frozenset[str] = words) -> int:
            return len(words & (stems(s.text) | topics.get(s.section, set())))

        candidates = [s for s in fresh if relevance(s) > 0 and s.text not in "\n".join(x.line.text for x in slots)]
        before = {id(s) for s in slots}
        chapter_words = words_in([s for s in slots if s.block in blocks])
        extra = max(chapter_words // 3, sum(len(s.text.split()) for s in candidates[:2]) + 14)
        if candidates:
            lengthen(slots, titles, words_in(slots) + extra, candidates, relevance, reading, headings, show, True,
                     (blocks, sections) if blocks or sections else None)
        added = [s for s in slots if id(s) not in before]
        spared |= blocks | {s.block for s in added}
        count = sum(1 for s in added if s.line.support)
        where = ", ".join(dict.fromkeys(titles[s.block] for s in added)) if added else ""
        done.append(f"explained {name} more: {count} more answer{'s' * (count != 1)} in {where}" if added else
                    f"the paper has nothing more on {name} than the script already says")
    return spared


def _about(text: str, words: frozenset[str]) -> bool:
    found = stems(text) & words
    return len(found) >= max(1, (len(words) + 1) // 2)
