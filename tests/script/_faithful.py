"""Faithful hand-written scripts of the three test papers, as a careful writer would say them.

They paraphrase, round for the ear ("about 85 seconds", "almost 89 percent",
"about a fifth"), spell numbers out and quote the paper. The study script gives
every factual line its support (as Claude is asked to); the audit script gives
none (as a reviewer's hand edit might); the SkimQA script gives some.
"""

from __future__ import annotations

from workflows.script.model import Chapter, Line, Script

_HOSTS = {"a": "Ada", "b": "Ben"}

#: (text, support) per line; speakers alternate a, b.
STUDY_LINES: list[tuple[str, list[str]]] = [
    ("Welcome to Paper Trail. I'm Ada, and with me as always is Ben.", []),
    ("Hi Ada. Today's paper asks whether researchers would rather listen to papers than read them.", []),
    ("So how did they find out?", []),
    ("They ran a four-week field study with ten participants, who got summaries of papers from a pool of 162 "
     "recent papers, some as audio and some as text abstracts.",
     ["In a four-week field study with ten participants (N=10), we sent each participant summaries of papers from "
      "a pool of 162 recent papers, either as audio or as a text abstract."]),
    ("And did people actually listen?", []),
    ("They did. Participants listened to 73 percent of the audio summaries, but opened only about a fifth of the "
     "text abstracts.",
     ["Participants listened to 73% of the audio summaries but opened only 21% of the text abstracts."]),
    ("How long is one of these summaries?", []),
    ("About 85 seconds on average, and a listening session ran to 116 seconds, because people replayed parts.",
     ["The average summary lasted 84.6 seconds, and the average listening session lasted 115.6 seconds, because "
      "participants often replayed parts."]),
    ("That's short. How much of the paper goes into it?", []),
    ("Each summary drew on about 3,100 words of its paper.",
     ["A summary drew on 3.1K words of its paper on average."]),
    ("And the big question: do people remember what they heard?", []),
    ("Better than what they read. A week later they recalled the main result of almost 89 percent of the papers "
     "they had heard, against 60 percent of those they had read.",
     ["Participants recalled the main result of 88.6% of the papers they had heard and of 60% of the papers they "
      "had read (Figure 2)."]),
    ("Did the participants like it?", []),
    ("Eight of the ten preferred audio by the end. As one of them put it, \"I finally hear about papers I would "
     "never have opened.\"",
     ["Eight of the ten participants preferred audio at the end of the study, and the two who preferred text said "
      "that they read faster than the voices spoke."]),
    ("What does it cost to run?", []),
    ("About fifteen dollars per participant per month.",
     ["Running the service cost about US$15 per participant per month."]),
    ("Any catches?", []),
    ("The study is small, and the volunteers were curious about audio, which may inflate how often they listened.",
     ["All participants were volunteers who were curious about audio, which may inflate the listening rate."]),
    ("So what's the takeaway?", []),
    ("Audio summaries were opened more than three times as often as abstracts, and remembered better.",
     ["Audio summaries were opened more than three times as often as text abstracts, and what participants heard "
      "they remembered better."]),
    ("That's all for today. Thanks for listening to Paper Trail.", []),
]
STUDY_META = {
    "title": "Would You Rather Listen to Papers?",
    "summary": "Ada and Ben discuss a field study in which ten researchers got audio summaries and abstracts, "
               "and listened to 73% of the summaries.",
    "show_notes": "Paper: \"Listening Instead of Reading: A Field Study of Audio Summaries for Research Papers\" by "
                  "Hana Novak, Diego Alvarez and Ruth Mbeki.\n\n- Ten participants, four weeks\n- Recall: 88.6% after "
                  "listening, 60% after reading\n",
}

AUDIT_LINES: list[str] = [
    "Welcome to Paper Trail. I'm Ada, here with Ben.",
    "Hi Ada. Today: does the code behind small machine learning papers still run?",
    "Who asked that?",
    "A team that audited 120 small machine learning papers published between 2021 and 2023, each with a public "
    "repository.",
    "And how did they test them?",
    "They tried to reproduce one headline number per paper within four working hours.",
    "So, the verdict?",
    "Only 31 repositories, about a quarter, ran as documented. Another 47 ran after fixes, and 42 could not be run "
    "at all.",
    "How long did the fixes take?",
    "A median of 2.3 hours per repository, and the most common fix was pinning an older library version.",
    "Why did the failures fail?",
    "Dependency versions caused 17 of them, and data that could no longer be found caused eleven.",
    "When the code did run, did it give the paper's number?",
    "For 58 of the 78 papers that ran, the headline number came within 2 percent of the reported value, which is "
    "roughly three quarters.",
    "What predicted success?",
    "Pinned dependencies: 48 percent of repositories with a lock file ran out of the box, against 10 percent of "
    "those without one.",
    "What should authors do?",
    "Follow their checklist of six items, starting with pinning every dependency.",
    "That's all for today. Thanks for listening to Paper Trail.",
]
AUDIT_META = {
    "title": "Does It Still Run?",
    "summary": "Ada and Ben on an audit of 120 small machine learning papers: only 31 ran as documented.",
    "show_notes": "Paper: \"Does It Still Run? An Audit of Artifact Reproducibility in 120 Small Machine Learning "
                  "Papers\" by Lena Marchetti, Samuel Osei and Priya Raman.\n",
}

SKIM_LINES: list[tuple[str, list[str]]] = [
    ("Welcome to Paper Trail. I'm Ada, with Ben.", []),
    ("Hi Ada. Today's paper is about making models skim before they read.", []),
    ("What's the problem?", []),
    ("Reading every token of a whole book for every question is slow and expensive.",
     ["Long-context language models answer questions over whole books, but reading every token is slow and "
      "expensive."]),
    ("And the fix?", []),
    ("SkimQA scores passages with BM25 and keeps only the top 8 percent, in their original order.",
     ["It scores every passage against the question with BM25 and keeps the highest-scoring 8% of passages."]),
    ("Does it need training?", []),
    ("No part of the method needs training, so it works with any model that takes long inputs.",
     ["No part of the method needs training, so it works with any model that accepts long inputs."]),
    ("And the results?", []),
    ("On 1,200 questions it keeps 97.5 percent of the full-context accuracy, and input tokens drop from 182,000 to "
     "14,600.",
     ["On 1,200 questions from three benchmarks, SkimQA keeps 97.5% of the full-context accuracy while cutting "
      "the cost by a factor of 3.5."]),
    ("So how much cheaper is it?", []),
    ("The total cost falls by a factor of 3.5.",
     ["Because output length is unchanged, the total cost falls by a factor of 3.5."]),
    ("Where does it fail?", []),
    ("About 40 percent of its remaining errors are questions that need the whole plot.",
     ["About 40% of its remaining errors are questions of this kind."]),
    ("Thanks for listening to Paper Trail.", []),
]
SKIM_META = {
    "title": "Skim Before You Read",
    "summary": "Ada and Ben discuss SkimQA, which keeps 97.5% of the accuracy and cuts the cost by a factor of 3.5.",
    "show_notes": "Paper: \"Sparse Retrieval Makes Long-Context Question Answering Cheaper\" by Ines Moreau, Kofi "
                  "Mensah and Lena Vogt.\n",
}


def build(lines: list[tuple[str, list[str]]] | list[str], meta: dict[str, str]) -> Script:
    """A Script of these lines (speakers alternating Ada, Ben), one chapter, and the given title and notes."""
    pairs = [(l, []) if isinstance(l, str) else l for l in lines]
    return Script(
        title=meta["title"], summary=meta["summary"], show_notes=meta["show_notes"],
        chapters=[Chapter(title="All", start_line=0)],
        lines=[Line(speaker="ab"[i % 2], text=t, support=s) for i, (t, s) in enumerate(pairs)],
        hosts=dict(_HOSTS), writer="human:test",
    )
