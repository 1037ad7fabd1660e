"""The offline writer: a deterministic two-host reading of the paper, no network.

The first host introduces the paper and asks; the second answers with the
paper's own sentences (see :mod:`workflows.script.sentences`), chosen by score
within a word budget (``target_minutes × words_per_minute``) and kept in paper
order. One chapter per main section (references, acknowledgements and appendices
are skipped; the best-scoring sections are kept when there are more than the
budget allows). The brand intro opens the script and the brand sign-off closes
it. Every script says it is an offline draft.

Regeneration (see :mod:`workflows.script.revision`) keeps the previous lines the
notes do not criticise, acts on what they ask of the length ("make it shorter",
"a bit longer", "about 3 minutes": lowest-value lines go, or unused paper
sentences come in) and adds an answer to the notes; the summary says how the word
count changed. Notes without a previous script revise a fresh draft the same way.
"""

from __future__ import annotations

import re

from workflows.intake.paper import Paper
from workflows.script import phrasing, revision
from workflows.script.brand import apply_pronunciations, banned_pattern
from workflows.script.model import Chapter, Line, Script, Usage
from workflows.script.prompts import word_budget
from workflows.script.sentences import Sentence, scored_sentences
from workflows.script.writers import ScriptWriter, WriteResult, register_writer
from workflows.settings import Show

_SKIPPED = re.compile(r"reference|bibliograph|acknowledg|appendix|supplement|funding|conflicts? of interest|"
                      r"author contributions|data availability|ethics statement", re.IGNORECASE)
_WORDS_PER_CHAPTER = 120
NOTICE = "Offline draft: written by papercast's offline writer from the paper's own sentences, without a language model."


@register_writer
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
        pool = _sentence_pool(paper, show)
        if previous is None:
            previous = _draft(paper, show, pool, word_budget(target_minutes, show.writer.words_per_minute))
            if not notes:
                return WriteResult(script=previous, usage=Usage())
        headings = [heading for heading, _ in _main_sections(paper)]
        script = revision.revise(previous, notes or "", paper, pool, show, _finish, headings=headings)
        return WriteResult(script=script, usage=Usage())


def _sentence_pool(paper: Paper, show: Show) -> list[Sentence]:
    """Every usable sentence of the abstract (section -1) and the main sections."""
    banned = [banned_pattern(p) for p in show.brand.banned_phrases]
    pool = scored_sentences(paper.abstract, -1)
    for index, section in enumerate(_main_sections(paper)):
        pool += scored_sentences(section[1], index)
    return [s for s in pool if not any(b.search(s.text) for b in banned)]


def _main_sections(paper: Paper) -> list[tuple[str, str]]:
    sections = [(_heading(s.heading), s.text) for s in paper.sections if not _SKIPPED.search(s.heading)]
    return [s for s in sections if s[1].strip()] or [("Main Points", paper.body_text)]


def _heading(text: str) -> str:
    return re.sub(r"^\s*(?:[IVX]+\.|\d+(?:\.\d+)*\.?)\s*", "", text).strip() or "this part"


def _draft(paper: Paper, show: Show, pool: list[Sentence], budget: int) -> Script:
    a, b = (h.key for h in show.hosts)
    lines: list[Line] = []
    chapters: list[Chapter] = []

    def say(speaker: str, text: str) -> None:
        lines.append(Line(speaker=speaker, text=apply_pronunciations(text, show.brand.pronunciations)))

    chapters.append(Chapter(title="Opening", start_line=0))
    say(a, phrasing.opening_line(show))
    by = f" by {_authors(paper.authors)}" if paper.authors else ""
    say(b, f"Hi {show.hosts[0].name}. Today's paper is \"{paper.title}\"{by}.")
    say(a, "So what is it about, in a nutshell?")
    abstract = [s for s in pool if s.section == -1]
    summary = _best(abstract, max(40, budget // 6))
    used = {s.text for s in summary}
    say(b, " ".join(s.text for s in summary) or f"It is called \"{paper.title}\".")

    sections = _main_sections(paper)
    chosen = _chosen_sections(sections, pool, max(1, budget // _WORDS_PER_CHAPTER))
    per_section = max(25, (budget - _words(lines) - 40) // max(1, len(chosen)))
    for turn, index in enumerate(chosen):
        picked = _best([s for s in pool if s.section == index], per_section)
        if not picked:
            continue
        chapters.append(Chapter(title=sections[index][0][:80], start_line=len(lines)))
        used.update(s.text for s in picked)
        say(a, phrasing.question(turn, sections[index][0]))
        for pair in range(0, len(picked), 2):
            if pair:
                say(a, phrasing.follow_up(turn + pair // 2))
            say(b, " ".join(s.text for s in picked[pair:pair + 2]))

    chapters.append(Chapter(title="Wrap-up", start_line=len(lines)))
    closing = next((s for s in sorted(pool, key=_rank) if s.text not in used and s.score > 0), None)
    if closing is not None:
        say(a, "Before we wrap up: what is the one thing to remember?")
        say(b, closing.text)
    say(a, phrasing.closing_line(paper.title, show))
    return _finish(paper.title, paper.authors, lines, chapters, show, notes=None)


def _finish(title: str, authors: list[str], lines: list[Line], chapters: list[Chapter], show: Show,
            notes: str | None, change: str | None = None) -> Script:
    """The script with its offline-draft labels, summary and show notes.

    ``change`` says what a revision did to the length, e.g. "shortened from 1,210 to 860 words".
    """
    by = f" by {_authors(authors)}" if authors else ""
    summary = f"Offline draft (no language model): {show.hosts[0].name} and {show.hosts[1].name} read \"{title}\"{by}, " \
              "using the paper's abstract and key sentences."
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


def _chosen_sections(sections: list[tuple[str, str]], pool: list[Sentence], limit: int) -> list[int]:
    """Indexes of the sections that get a chapter: all of them, or the best ``limit`` in paper order."""
    indexes = [i for i in range(len(sections)) if any(s.section == i for s in pool)]
    if len(indexes) <= limit:
        return indexes
    strength = {i: max(s.score for s in pool if s.section == i) for i in indexes}
    return sorted(sorted(indexes, key=lambda i: (-strength[i], i))[:limit])


def _best(sentences: list[Sentence], words: int) -> list[Sentence]:
    """The highest-scoring sentences that fit in ``words`` (at least one), in paper order."""
    picked, used = [], 0
    usable = [s for s in sentences if s.score > -1] or sentences[:1]
    for s in sorted(usable, key=_rank):
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
