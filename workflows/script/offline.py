"""The offline writer: a deterministic two-host conversation about the paper, no network.

The raw material is the paper's own sentences as a host says them
(:func:`workflows.script.sentences.for_the_ear`), chosen by score within a word
budget (``target_minutes × words_per_minute``) and kept in paper order. The arc:

- **Opening**: the brand intro, the paper and its authors, the plan (the sections
  the episode covers), the problem (the abstract's, or the first section's,
  opening sentences) and the headline claim. No abstract dump: two short answers.
- **One chapter per main section** (references, acknowledgements and appendices
  are skipped; the best-scoring sections are kept when there are more than the
  budget allows). The hosts take turns explaining, chapter by chapter: the other
  one asks questions built from what the answer says
  (:mod:`workflows.script.phrasing`), pushes back before a "but", and sometimes
  adds a point of their own. No turn is longer than two sentences (at most
  :data:`sentences.MAX_WORDS` words).
- **Wrap-up**: a limitation (unless one was already said) and one takeaway, then
  the brand sign-off.

Each line's ``support`` holds the paper sentences it rests on, as written. An
acronym is expanded at its first use, as the paper expands it. Every script says
it is an offline draft. Revisions are :mod:`workflows.script.revision`'s.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from workflows.intake.paper import Paper
from workflows.script import phrasing, revision, spoken
from workflows.script.brand import apply_pronunciations, banned_pattern
from workflows.script.model import MAX_SUPPORT_CHARS, Chapter, Line, Script, Usage
from workflows.script.prompts import word_budget
from workflows.script.sentences import Sentence, for_the_ear, run_in_heading, score_sentence, split_sentences
from workflows.script.writers import ScriptWriter, WriteResult, writers
from workflows.settings import Show

_SKIPPED = re.compile(r"reference|bibliograph|acknowledg|appendix|supplement|funding|conflicts? of interest|"
                      r"author contributions|data availability|ethics statement", re.IGNORECASE)
_WORDS_PER_CHAPTER = 120
#: Two sentences share a turn only when together they are this short.
_PAIR_WORDS = 45
_LIMITATION = re.compile(r"\blimit(?:s|ation|ations)?\b|\bfail(?:s|ed)?\b|\bweakness", re.IGNORECASE)
_DEFINITION = re.compile(r"((?:[A-Za-z][\w'’]*(?:-[A-Za-z]+)*\s+){1,8})\(([A-Z]{2,5})s?\)")
NOTICE = "Offline draft: written by papercast's offline writer from the paper's own sentences, without a language model."


@writers.register("offline")
class OfflineWriter(ScriptWriter):
    id = "offline"

    def write(
        self,
        paper: Paper,
        show: Show,
        *,
        target_minutes: float,
        previous: Script | None = None,
        notes: str | None = None,
    ) -> WriteResult:
        pool = sentence_pool(paper, show)
        if previous is None:
            previous = _draft(paper, show, pool, word_budget(target_minutes, show.writer.words_per_minute))
            if not notes:
                return WriteResult(script=previous, usage=Usage())
        headings = [heading for heading, _ in main_sections(paper)]
        script = revision.revise(previous, notes or "", paper, pool, show, finish, headings=headings)
        return WriteResult(script=script, usage=Usage())


def sentence_pool(paper: Paper, show: Show) -> list[Sentence]:
    """Every sayable sentence of the abstract (section -1) and the main sections, as the hosts say it."""
    banned = [banned_pattern(p) for p in show.brand.banned_phrases]
    known = definitions(paper)
    pool: list[Sentence] = []
    for index, text in [(-1, paper.abstract), *enumerate(t for _, t in main_sections(paper))]:
        run_in = part = ""
        for position, source in enumerate(split_sentences(text)):
            if heading := run_in_heading(source):
                run_in = part = heading
                continue
            if _SKIPPED.search(part):
                continue  # "Acknowledgements." and what follows it
            said = for_the_ear(re.sub(r"^[A-Z][a-z]+(?: [a-z]+){0,3}\. (?=[A-Z])", "", source), known)
            if said and not any(b.search(said) for b in banned):
                pool.append(Sentence(apply_pronunciations(said, show.brand.pronunciations), index, position,
                                     score_sentence(source, position), spoken.unmarked(source)[:MAX_SUPPORT_CHARS], run_in))
            run_in = ""
    return pool


def definitions(paper: Paper) -> dict[str, str]:
    """Acronym → long form, for every acronym the paper expands ("retrieval-augmented generation (RAG)")."""
    found: dict[str, str] = {}
    for m in _DEFINITION.finditer(f"{paper.abstract}\n{paper.body_text}"):
        words, acronym = m.group(1).split(), m.group(2)
        for start in range(len(words)):
            if spoken._letters(words[start:]) == acronym:
                found.setdefault(acronym, " ".join(words[start:]))
                break
    return found


def main_sections(paper: Paper) -> list[tuple[str, str]]:
    """(heading, text) of the sections a script is about: not references, acknowledgements or appendices."""
    sections = [(_heading(s.heading), s.text) for s in paper.sections if not _SKIPPED.search(s.heading)]
    return [s for s in sections if s[1].strip()] or [("Main Points", paper.body_text)]


def _heading(text: str) -> str:
    return re.sub(r"^\s*(?:[IVX]+\.|\d+(?:\.\d+)*\.?)\s*", "", text).strip() or "this part"


class _Conversation:
    """Lines and chapters being written, with who spoke last and which frames were used."""

    def __init__(self, show: Show, names: frozenset[str]) -> None:
        self.show, self.names = show, names
        self.keys = [h.key for h in show.hosts]
        self.lines: list[Line] = []
        self.chapters: list[Chapter] = []
        self.frames: Counter = Counter()
        self.used: set[str] = set()

    def say(self, speaker: str, text: str, support: Sequence[Sentence] = ()) -> None:
        sources = list(dict.fromkeys(s.source for s in support if s.source))[:3]
        self.lines.append(Line(speaker=speaker, text=text, support=sources))
        self.used.update(s.text for s in support)

    def other(self, speaker: str) -> str:
        return self.keys[1] if speaker == self.keys[0] else self.keys[0]

    @property
    def last(self) -> str:
        return self.lines[-1].speaker

    def exchange(self, sentences: list[Sentence], heading: str, *, first_chapter: bool = False) -> None:
        """A chapter's talk: the host who did not speak last asks, the other explains, in turns.

        With two turns or more, the asker says the last point themselves, so the
        next chapter is explained by the other host.
        """
        asker = self.other(self.last)
        explainer = self.other(asker)
        turns = _turns(sentences)
        for i, turn in enumerate(turns):
            lead = turn[0]
            kind = phrasing.kind_of(lead.text, heading, first_chapter and i == 0)
            if i and i == len(turns) - 1 and kind != "contrast":
                self.say(asker, f"{phrasing.adding(len(self.lines))} {' '.join(s.text for s in turn)}", turn)
                continue
            question = phrasing.ask(lead.text, heading, self.frames, run_in=lead.topic, kind=kind, names=self.names)
            self.say(asker, question)
            self.say(explainer, " ".join(s.text for s in turn), turn)


def _draft(paper: Paper, show: Show, pool: list[Sentence], budget: int) -> Script:
    a, b = (h.key for h in show.hosts)
    talk = _Conversation(show, phrasing.plain_words(f"{paper.abstract}\n{paper.body_text}"))
    sections = main_sections(paper)
    chosen = _chosen_sections(sections, pool, max(1, budget // _WORDS_PER_CHAPTER))

    talk.chapters.append(Chapter(title="Opening", start_line=0))
    talk.say(a, phrasing.opening_line(show))
    by = f", by {_authors(paper.authors)}" if paper.authors else ""
    talk.say(b, spoken.without_apparatus(f"Hi {show.hosts[0].name}. Today's paper is \"{paper.title}\"{by}."))
    opening = [s for s in pool if s.section == -1] or [s for s in pool if s.section == (chosen or [0])[0]]
    problem = _best(sorted(opening, key=lambda s: s.position)[:2], _PAIR_WORDS, by_position=True)
    plan = phrasing.plan_line([sections[i][0] for i in chosen])
    if problem:
        talk.say(a, f"{plan} So, what problem are they tackling?")
        talk.say(b, " ".join(s.text for s in problem), problem)
    headline = next((s for s in sorted(opening, key=lambda s: (not re.search(r"\d", s.text), *_rank(s)))
                     if s.text not in talk.used and s.score > 0), None)
    if headline is not None:
        question = phrasing.HEADLINE[len(paper.title) % len(phrasing.HEADLINE)]
        talk.say(a, question if problem else f"{plan} {question}")
        talk.say(b, headline.text, [headline])
    elif not problem:
        talk.say(a, plan)

    rest = [s for s in pool if s.text not in talk.used]
    per_section = max(25, (budget - _words(talk.lines) - 60) // max(1, len(chosen)))
    for turn, index in enumerate(chosen):
        picked = _best([s for s in rest if s.section == index], per_section)
        if not picked:
            continue
        talk.chapters.append(Chapter(title=sections[index][0][:80], start_line=len(talk.lines)))
        talk.exchange(picked, sections[index][0], first_chapter=turn == 0)

    talk.chapters.append(Chapter(title="Wrap-up", start_line=len(talk.lines)))
    unused = sorted((s for s in pool if s.text not in talk.used and s.score > -1), key=_rank)
    said_limit = any(_LIMITATION.search(t) for t in talk.used)
    limit = None if said_limit else next((s for s in unused if _LIMITATION.search(s.text)), None)
    if limit is not None:
        talk.exchange([limit], "limitations")
    heading_of = {i: h for i, (h, _) in enumerate(sections)}
    closing = [s for s in unused if s is not limit and s.text not in talk.used]
    concluding = [s for s in pool if re.search(r"conclu", heading_of.get(s.section, ""), re.IGNORECASE)]
    fallback = closing or concluding or [s for s in pool if s.section == -1] or pool
    takeaway = next((s for s in closing if s in concluding), fallback[0] if fallback else None)
    if takeaway is not None:
        talk.say(talk.other(talk.last), "So if listeners remember one thing from this paper, what should it be?")
        talk.say(talk.other(talk.last), takeaway.text, [takeaway])
    talk.say(talk.other(talk.last), phrasing.closing_line(paper.title, show))
    return finish(paper.title, paper.authors, talk.lines, talk.chapters, show, notes=None, paper=paper)


def finish(title: str, authors: list[str], lines: list[Line], chapters: list[Chapter], show: Show,
           notes: str | None, change: str | None = None, paper: Paper | None = None) -> Script:
    """The script with acronyms expanded at first use and its offline-draft labels, summary and show notes.

    ``change`` says what a revision did, e.g. "shortened from 1,210 to 860 words".
    """
    if paper is not None:
        lines = expand_acronyms(lines, definitions(paper))
    by = f" by {_authors(authors)}" if authors else ""
    summary = f"Offline draft (no language model): {show.hosts[0].name} and {show.hosts[1].name} talk through " \
              f"\"{title}\"{by}, from the paper's own sentences."
    if notes:
        summary += f" Revised after reviewer notes: {notes.strip()}"
        if change:
            summary += f" ({change})"
    chapter_list = "\n".join(f"- {c.title}" for c in chapters)
    show_notes = f"**{NOTICE}** Review it before approving.\n\nPaper: \"{title}\"{by}.\n\nChapters:\n{chapter_list}\n"
    return Script(
        title=title, summary=summary, show_notes=show_notes, chapters=chapters, lines=lines,
        hosts={h.key: h.name for h in show.hosts}, writer="offline", offline_draft=True,
    )


def expand_acronyms(lines: list[Line], known: dict[str, str]) -> list[Line]:
    """Lines with each acronym's long form added where it is first used without one; other lines as they were."""
    introduced: set[str] = set()
    out: list[Line] = []
    for line in lines:
        text = line.text
        for acronym in spoken.acronyms(text):
            if acronym in introduced or acronym not in known or spoken._expanded(acronym, text):
                continue
            text = re.sub(rf"(?<!\w){acronym}(?!\w)", f"{known[acronym]} ({acronym})", text, count=1)
        introduced |= set(spoken.acronyms(text))
        out.append(line if text == line.text else line.model_copy(update={"text": text}))
    return out


def _turns(sentences: list[Sentence]) -> list[list[Sentence]]:
    """Sentences in turns: two short neighbours share one, a contrast starts its own."""
    turns: list[list[Sentence]] = []
    for s in sentences:
        last = turns[-1] if turns else None
        if (last and len(last) == 1 and phrasing.kind_of(s.text, "") != "contrast" and not s.topic
                and len(last[0].text.split()) + len(s.text.split()) <= _PAIR_WORDS and len(turns) % 2 == 1):
            last.append(s)
        else:
            turns.append([s])
    return turns


def _chosen_sections(sections: list[tuple[str, str]], pool: list[Sentence], limit: int) -> list[int]:
    """Indexes of the sections that get a chapter: all of them, or the best ``limit`` in paper order."""
    indexes = [i for i in range(len(sections)) if any(s.section == i for s in pool)]
    if len(indexes) <= limit:
        return indexes
    strength = {i: max(s.score for s in pool if s.section == i) for i in indexes}
    return sorted(sorted(indexes, key=lambda i: (-strength[i], i))[:limit])


def _best(sentences: list[Sentence], words: int, by_position: bool = False) -> list[Sentence]:
    """The highest-scoring (or earliest) sentences that fit in ``words`` (at least one), in paper order."""
    picked: list[Sentence] = []
    used = 0
    usable = [s for s in sentences if s.score > -1] or sentences[:1]
    for s in (usable if by_position else sorted(usable, key=_rank)):
        size = len(s.text.split())
        if picked and used + size > words:
            continue
        picked.append(s)
        used += size
    return sorted(picked, key=lambda s: (s.section, s.position))


def _rank(s: Sentence) -> tuple[float, int, int]:
    return (-s.score, s.section, s.position)


def _words(lines: list[Line]) -> int:
    return sum(len(l.text.split()) for l in lines)


def _authors(authors: list[str]) -> str:
    if len(authors) > 2:
        return f"{authors[0]} and colleagues"
    return " and ".join(authors)
