"""How the offline writer answers reviewer notes, deterministically.

- A line is *criticised* when the notes name it ("line 4", "lines 4-6"; numbers
  as people see them, starting at 1) or quote part of it in double quotes.
- Criticised lines are dropped; lines nobody criticised are kept as they were. The
  first and last lines are rebuilt instead (they carry the brand intro and
  sign-off).
- Before the sign-off, the hosts add the paper sentence not yet in the script
  (nor in a criticised line) that shares the most words with the notes (or the
  best-scoring one): an observable answer to the notes.
- The summary says the script was revised and quotes the notes.
"""

from __future__ import annotations

import re
from typing import Callable

from workflows.intake.paper import Paper
from workflows.script.brand import apply_pronunciations, brand_text
from workflows.script.model import Chapter, Line, Script
from workflows.script.sentences import Sentence
from workflows.settings import Show

_LINE_REFERENCE = re.compile(r"\blines?\s+(\d+)(?:\s*(?:-|–|to|and|,)\s*(\d+))?", re.IGNORECASE)
_QUOTED = re.compile(r"\"([^\"]{3,})\"|“([^”]{3,})”")
_STOPWORDS = frozenset(
    "about above after again also because been before being below between both could does doing down during each "
    "from further have having here into just more most other over please same should some such than that their "
    "them then there these they this those through under until very what when where which while will with would "
    "your line lines script episode host hosts remove change explain mention talk discuss wrong better less paper "
    "authors needs need make sure".split()
)


def revise(previous: Script, notes: str, paper: Paper, pool: list[Sentence], show: Show,
           finish: Callable[..., Script]) -> Script:
    """The previous script with criticised lines dropped and an answer to the notes added."""
    a, b = (h.key for h in show.hosts)
    last = len(previous.lines) - 1
    criticised = criticised_lines(notes, previous.lines)
    kept: dict[int, int] = {}  # old index → new index
    lines: list[Line] = []
    for index, line in enumerate(previous.lines):
        if index in criticised and index not in (0, last):
            continue
        if index == 0 and index in criticised:
            line = Line(speaker=a, text=opening_line(show))
        elif index == last and index in criticised:
            line = Line(speaker=a, text=closing_line(previous.title, show))
        kept[index] = len(lines)
        lines.append(line)

    said = "\n".join(l.text for l in previous.lines)  # kept lines, and criticised ones: neither comes back
    answer = _answer(notes, [s for s in pool if apply_pronunciations(s.text, show.brand.pronunciations) not in said])
    extra = [] if answer is None else [
        Line(speaker=a, text="Before we finish, one more point from the paper."),
        Line(speaker=b, text=apply_pronunciations(answer.text, show.brand.pronunciations)),
    ]
    insert_at = len(lines) - 1
    lines[insert_at:insert_at] = extra

    chapters: list[Chapter] = []
    for chapter in previous.chapters:
        start = next((kept[i] for i in sorted(kept) if i >= chapter.start_line), None)
        if start is None:
            continue
        start += len(extra) if start >= insert_at else 0
        if chapters and chapters[-1].start_line >= start:
            continue
        chapters.append(Chapter(title=chapter.title, start_line=start))
    return finish(previous.title, paper.authors, lines, chapters, show, notes=notes)


def opening_line(show: Show) -> str:
    """The first host's opening: the brand intro and the two hosts' names."""
    a, b = show.hosts
    return f"{brand_text(show.brand.intro, show)} I'm {a.name}, and with me is {b.name}.".strip()


def closing_line(title: str, show: Show) -> str:
    """The first host's last line: the paper's title and the brand sign-off."""
    return f"That was \"{title}\". {brand_text(show.brand.sign_off, show)}".strip()


def criticised_lines(notes: str, lines: list[Line]) -> set[int]:
    """Indexes of the lines the notes point at, by number or by quoting them."""
    found: set[int] = set()
    for match in _LINE_REFERENCE.finditer(notes):
        first = int(match.group(1))
        final = int(match.group(2) or first)
        found.update(n - 1 for n in range(first, min(final, first + 50) + 1) if 1 <= n <= len(lines))
    for match in _QUOTED.finditer(notes):
        quote = (match.group(1) or match.group(2)).strip().lower()
        found.update(i for i, line in enumerate(lines) if quote in line.text.lower())
    return found


def _answer(notes: str, pool: list[Sentence]) -> Sentence | None:
    """The unused sentence sharing the most words with the notes; ties go to the higher score."""
    wanted = {w[:6] for w in re.findall(r"[a-z][a-z0-9]{3,}", notes.lower()) if w not in _STOPWORDS}

    def fit(s: Sentence) -> tuple[int, float, int, int]:
        words = {w[:6] for w in re.findall(r"[a-z][a-z0-9]{3,}", s.text.lower())}  # a crude stem: "limitations" ~ "limitation"
        return (len(wanted & words), s.score, -s.section, -s.position)

    usable = [s for s in pool if s.score > -1]
    return max(usable, key=fit) if usable else None
