"""A paper written the way papers are, not the way hosts talk: markers, "we", formulas, SHOUTING, no abstract."""

from __future__ import annotations

import hashlib

from workflows.intake.paper import Paper, Section

TITLE = "LONGEVAL: Measuring How Readers Re-Encounter Citations"
SECTIONS = {
    "1 Introduction": (
        "Readers of scientific papers meet the same citations again and again [3, 7]. "
        "We study what happens when a reader re-encounters a paper they have already seen (Chang et al., 2023). "
        "Prior tools such as CiteSee (Chang et al., 2023) highlight familiar citations, e.g. by colouring them. "
        "Our main contribution is LONGEVAL, a benchmark of 1,450 reading sessions collected from 38 researchers. "
        "Retrieval-augmented generation (RAG) is often used to explain citations, but RAG systems rarely know what a "
        "reader has already seen."
    ),
    "2 Method": (
        "We recruited 38 researchers through a mailing list (see https://example.org/longeval). "
        "Each participant read 12 papers over 4 weeks, i.e. three papers a week. "
        "We logged every citation click, as shown in Figure 2 and Table 1. "
        "The model is a logistic regression with σ = 0.97 and a learning rate of 0.0125. "
        "Sessions lasted between 14-38 minutes, with a median of 23 minutes. "
        "We excluded sessions shorter than 5 minutes (Section 3.2)."
    ),
    "3 Results": (
        "Re-encountered citations were clicked 2.4 times as often as new ones (βreencountered − βspecter = 1.59, "
        "p = 3.91e-8 < 0.001***). "
        "Participants clicked 61% of re-encountered citations and 25% of new ones. "
        "The effect was largest for citations the reader had saved earlier, where the click rate reached 74%. "
        "However, the effect faded after about two weeks, when the click rate fell back to 31%. "
        "Smith and Jones (2019) reported a similar pattern for web search, etc."
    ),
    "4 Limitations": (
        "Our participants were all computer scientists, so the results may not hold in other fields. "
        "The study lasted only 4 weeks, which is NOT long enough to see how habits change over a semester. "
        "We did not measure whether clicks led to better understanding."
    ),
    "5 Conclusion": (
        "Readers return to citations they have met before, and reading tools should help them do so. "
        "We release LONGEVAL and our analysis code at https://github.com/example/longeval. "
        "Future tools should remember what each reader has already seen."
    ),
}


def messy_paper(*, abstract: str = "") -> Paper:
    """The messy paper as intake might give it: by default with no abstract at all."""
    body = "\n\n".join(f"{h}\n{t}" for h, t in SECTIONS.items())
    digest = hashlib.sha256(f"{TITLE}\n{abstract}\n{body}".encode()).hexdigest()
    return Paper(title=TITLE, authors=["Joseph Chee Chang", "Amy Zhang"], abstract=abstract,
                 sections=[Section(heading=h, text=t) for h, t in SECTIONS.items()],
                 body_text=body, references="[3] A. Author. 2020.", page_count=6, pages_kept=6, sha256=digest)
