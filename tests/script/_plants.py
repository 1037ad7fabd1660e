"""Fabrications to plant into the faithful scripts: what a careless or inventive writer might get wrong.

Each :class:`Plant` changes one place of one faithful script (a line's text or
support, or the title, summary or show notes) and names the check that must
catch it. ``kind`` groups plants for the recall figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.script import _faithful as F
from workflows.script.model import Script


@dataclass(frozen=True)
class Plant:
    kind: str
    paper: str  # "study" | "audit" | "skim"
    where: int | str  # a line index, or "title" | "summary" | "show_notes"
    old: str
    new: str
    check: str  # the check that must report it
    #: Replace the line's support instead of its text (``old`` is then ignored).
    support: tuple[str, ...] | None = None
    #: Also take the line's support away (a claim with nothing to rest on).
    drop_support: bool = False

    @property
    def id(self) -> str:
        return f"{self.paper}-{self.kind}-{self.where}"

    def apply(self, script: Script) -> Script:
        """A copy of ``script`` with this fabrication in it."""
        data = script.model_dump()
        if isinstance(self.where, str):
            assert self.old in data[self.where], (self.old, data[self.where])
            data[self.where] = data[self.where].replace(self.old, self.new)
        elif self.support is not None:
            data["lines"][self.where]["support"] = list(self.support)
        else:
            line = data["lines"][self.where]
            assert self.old in line["text"], (self.old, line["text"])
            line["text"] = line["text"].replace(self.old, self.new)
            if self.drop_support:
                line["support"] = []
        return Script.model_validate(data)


def faithful(paper: str) -> Script:
    """The faithful script of one test paper."""
    return {"study": lambda: F.build(F.STUDY_LINES, F.STUDY_META),
            "audit": lambda: F.build(F.AUDIT_LINES, F.AUDIT_META),
            "skim": lambda: F.build(F.SKIM_LINES, F.SKIM_META)}[paper]()


PLANTS: list[Plant] = [
    # Numbers and percentages, changed, invented, spelled out, swapped.
    Plant("changed percentage", "study", 5, "73 percent", "78 percent", "grounding"),
    Plant("changed fraction in words", "study", 5, "about a fifth", "about a third", "grounding"),
    Plant("changed count in words", "study", 3, "ten participants", "twenty-five participants", "grounding"),
    Plant("changed N=", "study", 3, "with ten participants", "with N=25 participants", "grounding"),
    Plant("changed count", "study", 3, "162 recent papers", "119 recent papers", "grounding"),
    Plant("changed percentage", "study", 11, "60 percent", "80 percent", "grounding"),
    Plant("swapped numbers", "study", 11, "almost 89 percent of the papers they had heard, against 60 percent",
          "60 percent of the papers they had heard, against almost 89 percent", "grounding"),
    Plant("invented percentage", "study", 17, "listened.", "listened. Only 64% of them finished the study.",
          "grounding"),
    Plant("invented percentage in words", "study", 17, "listened.",
          "listened. Sixty-four percent of them were students.", "grounding"),
    Plant("right number, wrong claim", "study", 5, "but opened only about a fifth of the text abstracts",
          "and they opened 73 percent of the text abstracts", "grounding"),
    Plant("rounding beyond the ear", "study", 11, "almost 89 percent", "about 95 percent", "grounding"),
    Plant("changed multiplier", "study", 19, "more than three times", "more than five times", "grounding"),
    Plant("invented year", "study", 3, "text abstracts.", "text abstracts. The study ran in 1987.", "grounding"),
    # Money and durations.
    Plant("changed money in words", "study", 15, "About fifteen dollars", "About fifty dollars", "grounding"),
    Plant("changed money in the show notes", "study", "show_notes", "four weeks\n", "four weeks, US$50 a month\n",
          "grounding"),
    Plant("changed duration in words", "study", 7, "About 85 seconds", "About three minutes", "grounding"),
    Plant("changed duration", "study", 7, "116 seconds", "160 seconds", "grounding"),
    # The public text around the lines.
    Plant("number in the title", "study", "title", "Listen to Papers", "Listen to 500 Papers", "grounding"),
    Plant("number in the summary", "study", "summary", "73% of the summaries", "93% of the summaries", "grounding"),
    # Quotations.
    Plant("invented quotation", "study", 13, "\"I finally hear about papers I would never have opened.\"",
          "\"Audio is the future of every lab.\"", "grounding"),
    Plant("altered quotation", "study", 13, "never have opened", "never have read", "grounding"),
    # Brand slips.
    Plant("misspelled host name", "study", 1, "Hi Ada.", "Hi Adda.", "brand"),
    Plant("3-letter host name off by two letters", "study", 0, "as always is Ben", "as always is Bne", "brand"),
    Plant("misspelled show name", "study", "summary", "Ada and Ben discuss", "On Paper Trial, Ada and Ben discuss",
          "brand"),
    # Claims and their support.
    Plant("unsupported claim", "study", 17, "The study is small, and the volunteers were curious about audio, which "
          "may inflate how often they listened.", "The participants also slept better and published more papers "
          "during those weeks.", "support", drop_support=True),
    Plant("invented support", "study", 19, "", "", "support",
          support=("Audio summaries doubled the citation count of the papers they described.",)),
    Plant("support with an altered number", "study", 9, "", "", "support",
          support=("A summary drew on 4.1K words of its paper on average.",)),
    Plant("claim contradicting its support", "study", 17, "which may inflate how often they listened",
          "which does not inflate how often they listened", "support"),
    Plant("claim beyond its support", "study", 9, "of its paper.", "of its paper, and professional actors recorded "
          "each voice in a studio in Berlin over several expensive sessions.", "support"),
    # The audit paper: a script without supports, as a reviewer's hand edit might be.
    Plant("changed percentage", "audit", 15, "48 percent", "58 percent", "grounding"),
    Plant("changed count", "audit", 7, "Another 47 ran", "Another 57 ran", "grounding"),
    Plant("changed duration", "audit", 9, "2.3 hours", "3.2 hours", "grounding"),
    Plant("changed fraction in words", "audit", 13, "roughly three quarters", "roughly one in ten", "grounding"),
    Plant("changed count in words", "audit", 11, "caused eleven", "caused fourteen", "grounding"),
    Plant("changed small count", "audit", 17, "six items", "nine items", "grounding"),
    Plant("unsupported claim", "audit", 17, "Follow their checklist of six items, starting with pinning every "
          "dependency.", "Always ship a Docker container, which fixed every broken repository they tried.",
          "support"),
    # The SkimQA paper.
    Plant("changed decimal percentage", "skim", 9, "97.5 percent", "98.5 percent", "grounding"),
    Plant("changed multiplier", "skim", 11, "a factor of 3.5", "a factor of 5", "grounding"),
    Plant("changed large number", "skim", 9, "182,000", "1.5 million", "grounding"),
    Plant("claim contradicting its support", "skim", 7, "No part of the method needs training, so",
          "The method needs training for every model, and", "support"),
]
