"""Test papers built in code: a realistic one with numbers, quotes and a banned word."""

from __future__ import annotations

import hashlib

from workflows.intake.paper import Paper, Section
from workflows.script.model import Chapter, Line, Script
from workflows.settings import Show

TITLE = "Sparse Retrieval Makes Long-Context Question Answering Cheaper"
AUTHORS = ["Ines Moreau", "Kofi Mensah", "Lena Vogt"]
ABSTRACT = (
    "Long-context language models answer questions over whole books, but reading every token is slow and expensive. "
    "We propose SkimQA, a sparse retrieval step that selects the 8% of passages most likely to hold the answer. "
    "On 1,200 questions from three benchmarks, SkimQA keeps 97.5% of the full-context accuracy while cutting the cost "
    "by a factor of 3.5. We show that the remaining errors come mostly from questions that need the whole plot."
)
SECTIONS = {
    "1 Introduction": (
        "Question answering over long documents is now possible with models that read 200,000 tokens at once. "
        "Reading all of them for every question is wasteful, since most answers sit in a few passages. "
        "In this paper we ask how much of a book a model really needs to see. "
        "Our main contribution is a retrieval step that is cheap, simple and easy to add to existing systems. "
        "Some have called long-context models a groundbreaking shift, but the cost of using them remains high."
    ),
    "2 Related Work": (
        "Retrieval-augmented generation selects passages before the model reads them. "
        "Earlier systems retrieved a fixed number of passages, usually between 5 and 20, regardless of the question. "
        "Dense retrievers need a trained encoder, while sparse retrievers such as BM25 need none. "
        "We build on sparse retrieval because it is fast and transparent."
    ),
    "3 Method": (
        "SkimQA splits each document into passages of 256 tokens. "
        "It scores every passage against the question with BM25 and keeps the highest-scoring 8% of passages. "
        "The kept passages are given to the model in their original order, with markers where text was skipped. "
        "The threshold of 8% was chosen on a held-out set of 150 questions. "
        "No part of the method needs training, so it works with any model that accepts long inputs."
    ),
    "4 Experiments": (
        "We evaluate on 1,200 questions drawn from three long-document benchmarks. "
        "Each question is answered twice: once from the full document and once from the passages SkimQA keeps. "
        "We report exact-match accuracy and the number of input tokens per question. "
        "All runs use the same model and the same prompt, so only the input differs."
    ),
    "5 Results": (
        "With the full document the model reaches 71.3% exact-match accuracy. "
        "With SkimQA it reaches 69.5%, which is 97.5% of the full-context accuracy. "
        "The number of input tokens drops from 182,000 to 14,600 on average, a factor of 12.5. "
        "Because output length is unchanged, the total cost falls by a factor of 3.5. "
        "As the authors put it, \"most of a book is scenery for most questions\". "
        "The gain is largest on factual questions and smallest on questions about the ending."
    ),
    "6 Limitations": (
        "SkimQA fails when the answer depends on the whole plot rather than on a few passages. "
        "About 40% of its remaining errors are questions of this kind. "
        "It also inherits the weaknesses of BM25, which misses paraphrases that share no words with the question. "
        "A limitation of our study is that all three benchmarks are in English."
    ),
    "7 Conclusion": (
        "A simple sparse retrieval step recovers almost all of the accuracy of reading the full document. "
        "We conclude that long-context models should skim before they read. "
        "Future work should combine sparse and dense retrieval for questions that need paraphrase matching."
    ),
}
REFERENCES = "[1] S. Robertson and H. Zaragoza. The probabilistic relevance framework: BM25 and beyond. 2009."
#: A claim the offline writer must carry: the abstract's headline result.
KEY_CLAIM = "On 1,200 questions from three benchmarks, SkimQA keeps 97.5% of the full-context accuracy"


def make_paper(sections: dict[str, str] | None = None, *, title: str = TITLE, abstract: str = ABSTRACT) -> Paper:
    """A Paper as intake would produce it, with a sha256 of its content."""
    sections = SECTIONS if sections is None else sections
    body = "\n\n".join(f"{h}\n{t}" for h, t in sections.items())
    digest = hashlib.sha256(f"{title}\n{abstract}\n{body}".encode()).hexdigest()
    return Paper(
        title=title, authors=AUTHORS, abstract=abstract,
        sections=[Section(heading=h, text=t) for h, t in sections.items()],
        body_text=body, references=REFERENCES, page_count=9, pages_kept=9, sha256=digest,
    )


def script_input(show: Show | None = None, **overrides) -> dict:
    """A valid ``submit_script`` tool input, as Claude would send it."""
    show = show or Show()
    a, b = (h.key for h in show.hosts)
    data = {
        "title": "Skim Before You Read",
        "summary": "Ada and Ben discuss SkimQA, a cheap retrieval step for long-context question answering.",
        "show_notes": "Paper: Sparse Retrieval Makes Long-Context Question Answering Cheaper.",
        "chapters": [{"title": "Opening", "start_line": 0}, {"title": "Results", "start_line": 2}],
        "lines": [
            {"speaker": a, "text": "Welcome to Paper Trail. Today: a paper about skimming books."},
            {"speaker": b, "text": "SkimQA keeps 97.5% of the full-context accuracy."},
            {"speaker": a, "text": "And what does it cost?"},
            {"speaker": b, "text": "The total cost falls by a factor of 3.5."},
            {"speaker": a, "text": "Thanks for listening to Paper Trail."},
        ],
    }
    data.update(overrides)
    return data


def make_script(texts: list[str], show: Show | None = None, chapters: list[Chapter] | None = None) -> Script:
    """A script whose lines alternate between the two hosts."""
    show = show or Show()
    keys = [h.key for h in show.hosts]
    return Script(
        title="Test episode", summary="", show_notes="",
        chapters=chapters or [Chapter(title="All", start_line=0)],
        lines=[Line(speaker=keys[i % 2], text=t) for i, t in enumerate(texts)],
        hosts={h.key: h.name for h in show.hosts}, writer="test",
    )
