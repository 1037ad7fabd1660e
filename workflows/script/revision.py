"""How the offline writer answers reviewer notes, deterministically.

Lines the notes point at:

- A line is *criticised* when the notes name it ("line 4", "lines 4-6"; numbers
  as people see them, starting at 1) or quote part of it in double quotes.
- Criticised lines are dropped, an answer with the question before it; lines
  nobody criticised are kept byte for byte. The first and last lines are rebuilt
  instead (they carry the brand intro and sign-off). A chapter whose lines are
  all dropped goes with them.

Content ("drop the related work", "explain the method more", "less jargon"):
the rules are :mod:`workflows.script.edits`'s; a chapter being explained more
loses nothing to shortening, and with such notes no generic answer is added.

Length (in words: minutes × the show's ``words_per_minute``):

- "shorter", "shorten", "too long", "cut", "trim", "tighten", "condense" and
  "more concise" ask for about 28% fewer words than the previous script;
  "longer", "lengthen", "too short", "not long enough", "expand", "more
  detail", "go deeper" and "elaborate" for about 30% more; any case.
- A duration wins over those words: "about 3 minutes", "a 5-minute episode",
  "3 to 4 minutes" (the middle), "90 seconds", "an hour", numbers in words up
  to twenty and the tens. After "under", "at most", "within" or "no longer
  than" the aim is 90% of it; after "at least" or "over", 110%.
- Words in a clause that names or quotes one line ("line 6 is too long", "this
  line is too long", "cut" before a quoted line) are about that line, unless it also
  names the script ("cut line 4 to shorten the episode"); negated ones ("not too
  long", "no longer", "don't cut") do not count. Notes asking for both shorter
  and longer, with no duration, leave the length alone.
- Shortening removes the lowest-value content first, the value being the paper
  sentence's score (:mod:`workflows.script.sentences`): one sentence of a line
  that reads two or more paper sentences, or an answer with its neighbouring
  question. It never removes the first two lines, the sign-off, a chapter's
  first line, the answer to the notes, a chapter's last exchange, or a line
  whose removal would leave a host answering themselves.
- Lengthening adds paper sentences not yet in the script (nor in a criticised
  line): first those sharing words with the notes or with their section's
  heading ("expand on the method"), then the best-scoring. Each goes to the
  chapter already reading its section (the opening one for the abstract), after
  a follow-up question, two sentences an answer; a section with no chapter gets
  a new one, in paper order, before the closing chapter.
- A vague request naming a part ("shorter intro", "trim the related work",
  "expand on the method": a chapter title, a section heading, or intro, opening,
  outro, ending) changes only that part: shortening takes about 28% of that
  chapter's words, lengthening adds only sentences for it (up to the 30%).
- Either way it stops at the step that lands nearest the word budget. The
  summary gives the word counts before and after, and says so when the floor
  or the paper's supply of sentences stopped it short of the request.

The answer to the notes:

- Before the sign-off, the hosts add (a question built from it, then) the paper sentence not yet in the script
  (nor in a criticised line) that shares the most words with the notes or with
  its section's heading (or the best-scoring one): an observable answer to the
  notes. When shortening, only a sentence that shares words other than the
  part's name is added; when lengthening, the added sentences are the answer.
- The summary says the script was revised, quotes the notes, and says what
  changed and what could not be done.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

from workflows.intake.paper import Paper
from workflows.script import edits
from workflows.script.brand import apply_pronunciations
from workflows.script.model import Chapter, Line, Script
from workflows.script.notes import (
    SHORTER,
    LengthRequest,
    content_request,
    criticised_lines,
    jargon,
    length_request,
    stems,
    topic_words,
)
from workflows.script.phrasing import ask, closing_line, opening_line
from workflows.script.resize import Slot, lengthen, rank, shorten, words_in
from workflows.script.sentences import Sentence
from workflows.settings import Show

#: Words naming the opening or the closing chapter, cut like :func:`stems` cuts them.
_OPENING_WORDS = frozenset({"intro", "openin", "opener", "beginn"})
_CLOSING_WORDS = frozenset({"outro", "ending", "closin", "wrap", "sign"})

#: How far from the budget a revision may land before the summary explains why.
_CLOSE_ENOUGH = 0.1


def revise(previous: Script, notes: str, paper: Paper, pool: list[Sentence], show: Show,
           finish: Callable[..., Script], *, headings: list[str] | None = None) -> Script:
    """The previous script with criticised lines dropped, its content and length as asked, and an answer to the notes.

    ``headings`` are the headings of the sections the pool's sentences come from
    (``Sentence.section`` indexes them); a section needs one to get a new chapter.
    """
    headings = headings or []
    last = len(previous.lines) - 1
    titles = {i: c.title for i, c in enumerate(previous.chapters)}
    owner = _owners(previous)
    content = content_request(notes)
    criticised = edits.with_questions(criticised_lines(notes, previous.lines), previous.lines)
    dropping, done = edits.drops(content, previous, owner, titles)
    slots: list[Slot] = []
    for index, line in enumerate(previous.lines):
        if (index in criticised or index in dropping) and index not in (0, last):
            continue
        if index == 0 and index in criticised:
            line = Line(speaker=line.speaker, text=opening_line(show))
        elif index == last and index in criticised:
            line = Line(speaker=line.speaker, text=closing_line(previous.title, show))
        kind = "sign-off" if index == last else "intro" if index <= 1 else "body"
        slots.append(Slot(line, owner[index], kind))
    edits.bridge(slots)

    def spoken(text: str) -> str:
        return apply_pronunciations(text, show.brand.pronunciations)

    reading: dict[str, Sentence] = {}  # a paper sentence as the hosts say it → the sentence
    for s in sorted(pool, key=rank):
        reading.setdefault(spoken(s.text), s)
    said = "\n".join(l.text for l in previous.lines)  # kept lines, and criticised ones: neither comes back
    supported = {source for line in previous.lines for source in line.support}
    fresh = [s for text, s in reading.items() if text not in said and s.source not in supported and s.score > -1
             and not edits.dropped(s, content, headings) and not (content.plainer and jargon(s.text) >= edits.JARGON)]
    wanted = topic_words(notes)
    topics = {i: stems(h) for i, h in enumerate(headings)} | {-1: {"abstra", "summar"}}

    def relevance(s: Sentence) -> int:
        return len(wanted & (stems(s.text) | topics.get(s.section, set())))

    if content.plainer:
        done.append(edits.plainer(slots, reading))
    protected = edits.explain(content, slots, titles, fresh, topics, reading, headings, show, done)

    words_per_minute = show.writer.words_per_minute
    request = length_request(notes)
    budget = request.budget(previous.word_count, words_per_minute) if request else None
    about = request.about if request else frozenset()
    words = words_in(slots)
    grow = budget is not None and budget > words
    shrink = budget is not None and budget < words

    asked_content = content.drop or content.explain or content.plainer
    answer = None if grow or asked_content else \
        max(fresh, key=lambda s: (relevance(s), s.score, -s.section, -s.position), default=None)
    if shrink:  # "trim the related work" asks for nothing new: naming the part to cut is no question
        wanted -= about
    if answer is not None and (not shrink or relevance(answer) > 0):
        asker, reader = slots[-1].line.speaker, slots[-2].line.speaker
        heading = headings[answer.section] if 0 <= answer.section < len(headings) else ""
        question = ask(answer.text, heading, Counter(), run_in=answer.topic)
        block = slots[-2].block
        slots[-1:-1] = [
            Slot(Line(speaker=asker if asker != reader else slots[-3].line.speaker, text=question), block, "answer"),
            Slot(Line(speaker=reader, text=spoken(answer.text), support=[answer.source] if answer.source else []),
                 block, "answer"),
        ]

    vague = request is not None and request.minutes is None  # "shorter" must change something when it can
    blocks, sections = _named_part(about, slots, titles, headings) if vague else (set(), set())
    where = [titles[b] for b in dict.fromkeys(s.block for s in slots) if b in blocks]  # named chapters, in order
    stopped = False
    if shrink and budget is not None:
        if blocks:  # "shorter intro": a quarter of that part goes, nothing else
            budget = words_in(slots) - round((1 - SHORTER) * words_in([s for s in slots if s.block in blocks]))
        allowed = (blocks or {s.block for s in slots}) - protected
        stopped = shorten(slots, budget, reading, vague, allowed if (blocks or protected) else None)
    elif grow and budget is not None:
        within = (blocks, sections) if blocks or sections else None  # "expand on the method": method only
        where += [h[:80] for i, h in enumerate(headings) if i in sections and h[:80] not in where]
        stopped = lengthen(slots, titles, budget, fresh, relevance, reading, headings, show, vague, within)

    lines = [s.line for s in slots]
    chapters: list[Chapter] = []
    for index, slot in enumerate(slots):
        if slot.block >= 0 and (index == 0 or slots[index - 1].block != slot.block):
            chapters.append(Chapter(title=titles[slot.block], start_line=index))
    length = None if request is None else _length_note(request, previous.word_count, words_in(slots), budget,
                                                       stopped, words_per_minute, where)
    change = "; ".join(c for c in [length, *done] if c) or None
    return finish(previous.title, paper.authors, lines, chapters, show, notes=notes, change=change, paper=paper)


def _length_note(request: LengthRequest, before: int, after: int, budget: int | None, stopped: bool,
                 words_per_minute: int, where: list[str]) -> str:
    """What the revision did to the length, for the summary; ``where`` names the only chapters changed."""
    if budget is None:
        return f"length left at {after:,} words: the notes ask for both shorter and longer"
    if after < before:
        change = f"shortened from {before:,} to {after:,} words"
    elif after > before:
        change = f"lengthened from {before:,} to {after:,} words"
    else:
        change = f"length kept at {after:,} words"
    if where and after != before:
        change += f", in {', '.join(where)}"
    asked = f"{budget:,} words" if request.minutes is None else \
        f"about {round(request.minutes * request.aim, 2):g} minutes ({budget:,} words)"
    if stopped and after > budget * (1 + _CLOSE_ENOUGH):
        return (f"{change}; it cannot get nearer {asked} without dropping a chapter's last exchange, "
                "the intro or the sign-off")
    if stopped and after < budget * (1 - _CLOSE_ENOUGH):
        about = f" on {', '.join(where)}" if where else ""
        return f"{change}; the paper has no more sentences{about} to add toward {asked}"
    if request.minutes is not None:
        return f"{change}, about {after / words_per_minute:.1f} minutes at {words_per_minute} words per minute"
    return change


# --- helpers ----------------------------------------------------------------------------


def _named_part(about: frozenset[str], slots: list[Slot], titles: dict[int, str],
                headings: list[str]) -> tuple[set[int], set[int]]:
    """The chapters (blocks) and sections a vague request names by title or heading, or as intro or ending."""
    if not about:
        return set(), set()
    order = list(dict.fromkeys(s.block for s in slots))
    blocks = {b for b in order if b in titles and stems(titles[b]) & about}
    if about & _OPENING_WORDS:
        blocks.add(order[0])
    if about & _CLOSING_WORDS:
        blocks.add(order[-1])
    return blocks, {i for i, heading in enumerate(headings) if stems(heading) & about}


def _owners(script: Script) -> list[int]:
    """For each line, the index of the chapter it is in (-1 before the first chapter)."""
    starts = [c.start_line for c in script.chapters]
    return [max((k for k, start in enumerate(starts) if start <= i), default=-1) for i in range(len(script.lines))]


