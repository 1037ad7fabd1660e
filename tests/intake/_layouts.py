"""Test papers in the layouts real papers use: ACL, ACM CHI, ACM journal, arXiv preprint, German.

Each maker writes a PDF and returns it with a :class:`Layout`: what a careful reader
finds in it (title, exact author list, abstract, headings, language) and what must
never reach the body (captions, footnote URLs, running headers, venue lines). The
body is built from numbered sentences (:func:`tests.pdfs.finding`), so a test can
also check that every sentence came out whole and in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests.intake._typeset import Composer, Page, arxiv_stamp, bottom_block, marked_name, venue_footer
from tests.pdfs import finding


@dataclass
class Layout:
    name: str
    path: Path
    title: str
    authors: list[str]
    abstract: str
    headings: list[str]
    findings: int
    language: str = "en"
    affiliations: dict[str, list[str]] = field(default_factory=dict)
    #: Text that must not be in the body: captions, table cells, footnotes, headers, venue lines.
    captions: list[str] = field(default_factory=list)
    footnote_urls: list[str] = field(default_factory=list)
    running: list[str] = field(default_factory=list)
    venue: list[str] = field(default_factory=list)
    #: Words that the typesetter drew with a separate accent glyph, as they must read.
    accented: list[str] = field(default_factory=list)


ABSTRACT = (
    "We study how a listener hears a research paper that was read aloud by two hosts. "
    "A careful reader keeps every sentence whole, leaves out what was never meant to be read, "
    "and says which parts of the paper an episode covers. On our papers it does all three."
)
ACCENT_SENTENCE = "As Fa\u0308rber and Jose\u0301 argue, a listener notices every word that is read wrongly."


def _body(t: Composer, headings: list[tuple[str, ...]], findings: int, extras: dict[int, list]) -> None:
    """Numbered sentences under ``headings``; ``extras[k]`` (figures, tables, footnotes) go before sentence k."""
    per = findings // len(headings)
    n = 0
    for i, heading in enumerate(headings):
        t.heading(*heading)
        last = findings if i == len(headings) - 1 else n + per
        while n < last:
            chunk = list(range(n + 1, min(last, n + 5) + 1))
            note = ""
            for k in chunk:
                for extra in extras.get(k, []):
                    if isinstance(extra, str):
                        note = extra
                    else:
                        extra(t)
            text = " ".join(finding(k) for k in chunk)
            if chunk[0] == 1:
                text = ACCENT_SENTENCE + " " + text
            t.paragraph(text, footnote=note)
            n = chunk[-1]


def _references(t: Composer, heading: str = "References") -> None:
    t.heading(heading)
    t.paragraph("Jonas Fa\u0308rber and Ana Jose\u0301. 2021. Reading aloud. In Proceedings of Speech, pages 1-9.")
    t.paragraph("Lea Wong. 2022. Two columns. Journal of Layout, 4(2):11-20.")


FIG = "Figure 1: The reading pipeline: a PDF goes in, and a clean body, a list of captions and the footnotes come out."
TAB = "Table 1: Sentences kept whole by each reader on the test papers."
TABLE = [["Reader", "Kept", "Lost", "F1"], ["pdfium", "0.91", "0.09", "88.2"], ["ours", "0.99", "0.01", "97.5"]]
CELLS = ["0.91 0.09 88.2", "0.99 0.01 97.5"]
URL1, URL2 = "https://github.com/example/papercast-intake", "https://huggingface.co/datasets/example/longeval"


def acl_paper(path: Path) -> Layout:
    """ACL two-column: a row of names with superscript markers, marked affiliations, a proceedings footer."""
    title = "LongEval: Guidelines for Human Evaluation of Faithfulness in Long-form Summarization"
    authors = [("Kyle Lo", "1"), ("Zejiang Shen", "2"), ("Pao Siangliulue", "1,*"), ("Daniel S. Weld", "1,3")]
    venue = ["Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics",
             "Volume 1: Long Papers, pages 1-12, July 9-14, 2023 \u00a92023 Association for Computational Linguistics"]
    t = Composer(Path(path), Page(columns=2), title=title, first_page_extras=[venue_footer(venue)])
    t.text(t.width / 2, 720, "LongEval: Guidelines for Human Evaluation of", "Times-Bold", 15, centre=True)
    t.text(t.width / 2, 702, "Faithfulness in Long-form Summarization", "Times-Bold", 15, centre=True)
    x = 120
    for name, mark in authors:
        x = marked_name(t, x, 676, name, mark, "Times-Roman", 12) + 22
    x = 110
    for mark, place in [("1", "Allen Institute for AI"), ("2", "Massachusetts Institute of Technology"), ("3", "University of Washington")]:
        t.text(x, 664, mark, "Times-Roman", 7)
        t.text(x + 4, 660, place, "Times-Roman", 11)
        x += 4 + 7 * len(place) * 0.62 + 14
    t.text(t.width / 2, 646, "{kylel, paos}@allenai.org   zshen@mit.edu", "Courier", 9, centre=True)
    t.start_columns(626)
    t.heading("Abstract")
    t.paragraph(ABSTRACT)
    headings = [("1 Introduction",), ("2 Related Work",), ("3 The LONGEVAL guidelines for faithful", "human evaluation"),
                ("4 [MASK] tokens and what they hide",), ("5 2D layouts",), ("6 Conclusion",)]
    _body(t, headings, 120, {4: [f"1{URL1}"], 30: [lambda t: t.figure(FIG)], 44: [f"2Our annotations: {URL2}"], 70: [lambda t: t.table(TAB, TABLE)]})
    _references(t)
    t.save()
    return Layout("acl", Path(path), title, [a for a, _ in authors], ABSTRACT,
                  ["1 Introduction", "2 Related Work", "3 The LONGEVAL guidelines for faithful human evaluation",
                   "4 [MASK] tokens and what they hide", "5 2D layouts", "6 Conclusion"], 120,
                  affiliations={"Kyle Lo": ["Allen Institute for AI"], "Zejiang Shen": ["Massachusetts Institute of Technology"],
                                "Daniel S. Weld": ["Allen Institute for AI", "University of Washington"]},
                  captions=[FIG, TAB, *CELLS], footnote_urls=[URL1, URL2], venue=venue,
                  accented=["Färber", "José"])


CHI_VENUE = "CHI '23, April 23-28, 2023, Hamburg, Germany"
PERMISSION = (
    "Permission to make digital or hard copies of all or part of this work for personal or classroom use is granted "
    "without fee provided that copies are not made or distributed for profit or commercial advantage and that copies "
    "bear this notice and the full citation on the first page. Copyrights for third-party components of this work "
    "must be honored. For all other uses, contact the owner/author(s).\n" + CHI_VENUE + "\n"
    "\u00a9 2023 Copyright held by the owner/author(s).\nACM ISBN 978-1-4503-9421-5/23/04.\n"
    "https://doi.org/10.1145/3544548.3581010"
)


def chi_paper(path: Path) -> Layout:
    """ACM CHI (sigconf): names over affiliation blocks, three per row, CCS/KEYWORDS/reference format, permission block."""
    title = "Paper Plain: Making Medical Research Papers Approachable to Healthcare Consumers"
    people = [("Tal August", ["University of Washington", "Seattle, WA, USA"], "taugust@cs.washington.edu"),
              ("Lucy Lu Wang", ["University of Washington", "Seattle, WA, USA"], "lucylw@uw.edu"),
              ("Jonathan Bragg", ["Allen Institute for AI", "Seattle, WA, USA"], "jbragg@allenai.org"),
              ("Marti A. Hearst", ["UC Berkeley", "Berkeley, CA, USA"], "hearst@berkeley.edu")]
    header = lambda page: [] if page == 1 else [  # noqa: E731
        f"{CHI_VENUE}                                                                                  August et al."
        if page % 2 == 0 else "Paper Plain: Making Medical Research Papers Approachable                                      " + CHI_VENUE]
    t = Composer(Path(path), Page(columns=2, header=header), title=title)
    t.text(t.width / 2, 722, "Paper Plain: Making Medical Research Papers", "Helvetica-Bold", 16, centre=True)
    t.text(t.width / 2, 703, "Approachable to Healthcare Consumers", "Helvetica-Bold", 16, centre=True)
    for i, (name, places, email) in enumerate(people):
        row, col = divmod(i, 3)
        cx = t.width / 2 + (col - 1) * 170 if row == 0 else t.width / 2
        y = 676 - row * 62
        t.text(cx, y, name, "Helvetica", 11, centre=True)
        for j, s in enumerate([*places, email]):
            t.text(cx, y - 12 * (j + 1), s, "Helvetica", 9, centre=True)
    t.start_columns(556)
    bottom_block(t, 0, PERMISSION)
    t.heading("ABSTRACT")
    t.paragraph(ABSTRACT)
    t.heading("CCS CONCEPTS")
    t.paragraph("\u2022 Human-centered computing \u2192 Empirical studies in HCI.")
    t.heading("KEYWORDS")
    t.paragraph("reading, medical papers, plain language")
    t.line("ACM Reference Format:", "Times-Bold")
    reference = ("Tal August, Lucy Lu Wang, Jonathan Bragg, and Marti A. Hearst. 2023. Paper Plain: Making Medical "
                 "Research Papers Approachable to Healthcare Consumers. In Proceedings of the 2023 CHI Conference on "
                 "Human Factors in Computing Systems (CHI '23), April 23-28, 2023, Hamburg, Germany. ACM, New York, NY, "
                 "USA, 12 pages. https://doi.org/10.1145/3544548.3581010")
    t.paragraph(reference)
    headings = [("1 INTRODUCTION",), ("2 RELATED WORK",), ("3 DESIGNING PAPER PLAIN FOR READERS", "WITHOUT MEDICAL TRAINING"),
                ("4 STUDY",), ("5 DISCUSSION",)]
    _body(t, headings, 110, {12: [f"1{URL1}"], 25: [lambda t: t.figure(FIG)], 60: [lambda t: t.table(TAB, TABLE)], 80: [f"2See {URL2}"]})
    _references(t, "REFERENCES")
    t.save()
    return Layout("chi", Path(path), title, [p[0] for p in people], ABSTRACT,
                  ["1 INTRODUCTION", "2 RELATED WORK", "3 DESIGNING PAPER PLAIN FOR READERS WITHOUT MEDICAL TRAINING",
                   "4 STUDY", "5 DISCUSSION"], 110,
                  affiliations={p[0]: [", ".join(p[1])] for p in people},
                  captions=[FIG, TAB, *CELLS], footnote_urls=[URL1, URL2], running=["August et al.", "Paper Plain: Making Medical Research Papers Approachable"],
                  venue=["Permission to make digital", "ACM ISBN", "Copyright held by", "ACM Reference Format", "CCS CONCEPTS",
                         "Empirical studies in HCI", "KEYWORDS", "doi.org"])


def acm_journal_paper(path: Path) -> Layout:
    """ACM journal (acmsmall): ALL-CAPS author lines with affiliations, no 'Abstract' label, journal footer."""
    title = "Writing Strategies for Science Communication: Data and Computational Analysis"
    people = [("TAL AUGUST", "University of Washington, USA"), ("LUCY LU WANG", "Allen Institute for AI, USA"),
              ("DANIEL S. WELD", "University of Washington and Allen Institute for AI, USA")]
    journal = "ACM Trans. Comput.-Hum. Interact., Vol. 30, No. 2, Article 21. Publication date: April 2023."
    header = lambda page: [] if page == 1 else [f"21:{page}  \u2022  T. August et al."]  # noqa: E731
    t = Composer(Path(path), Page(columns=1, header=header), title=title,
                 first_page_extras=[venue_footer([journal])])
    t.text(t.page.margin, 720, title, "Helvetica-Bold", 14)
    for i, (name, place) in enumerate(people):
        t.text(t.page.margin, 698 - 13 * i, f"{name}, {place}", "Helvetica", 9.5)
    t.start_columns(652)
    t.paragraph(ABSTRACT)
    t.paragraph("CCS Concepts: \u2022 Human-centered computing \u2192 Empirical studies in HCI.")
    t.paragraph("Additional Key Words and Phrases: science communication, writing strategies")
    t.paragraph("ACM Reference Format: Tal August, Lucy Lu Wang, and Daniel S. Weld. 2023. Writing Strategies for Science "
                "Communication. ACM Trans. Comput.-Hum. Interact. 30, 2, Article 21 (April 2023), 25 pages. "
                "https://doi.org/10.1145/3589955")
    bottom_block(t, 0, "Authors' addresses: Tal August, taugust@cs.washington.edu; Lucy Lu Wang; Daniel S. Weld.\n"
                 "Permission to make digital or hard copies of all or part of this work for personal or classroom use is granted "
                 "without fee provided that copies are not made or distributed for profit.\n\u00a9 2023 Association for Computing Machinery.\n"
                 "1073-0516/2023/04-ART21 $15.00\nhttps://doi.org/10.1145/3589955")
    headings = [("1 INTRODUCTION",), ("2 DATA",), ("3 ANALYSIS",), ("4 CONCLUSION",)]
    _body(t, headings, 90, {20: [lambda t: t.figure(FIG)], 40: [f"1Code: {URL1}"]})
    _references(t, "REFERENCES")
    t.save()
    return Layout("acm-journal", Path(path), title, ["Tal August", "Lucy Lu Wang", "Daniel S. Weld"], ABSTRACT,
                  [h[0] for h in headings], 90,
                  affiliations={"Tal August": ["University of Washington, USA"]},
                  captions=[FIG], footnote_urls=[URL1], running=["T. August et al."],
                  venue=["ACM Trans. Comput.-Hum. Interact.", "Permission to make digital", "Authors' addresses",
                         "Association for Computing Machinery", "doi.org", "CCS Concepts", "Additional Key Words"])


def arxiv_preprint(path: Path) -> Layout:
    """An arXiv preprint: the arXiv stamp in the margin, stacked author blocks, a two-line running header."""
    title = "Careful Reading of Research Papers for Listeners"
    stamp = "arXiv:2305.14251v2  [cs.CL]  12 Jun 2023"
    running = ["Careful Reading of Research Papers for Listeners: what intake keeps", "and what it leaves out (preprint, under review)"]
    header = lambda page: [] if page == 1 else running  # noqa: E731
    t = Composer(Path(path), Page(columns=1, margin=90, header=header), title=title,
                 first_page_extras=[arxiv_stamp(stamp), venue_footer(["Preprint. Under review."])])
    t.text(t.width / 2, 716, title, "Times-Bold", 17, centre=True)
    for cx, (name, mark, place, email) in zip((200, 412), [("Maria Lindqvist", "\u2217", "Example University", "maria@example.edu"),
                                                          ("Wen Zhao", "\u2020", "Example Institute of Technology", "wen.zhao@example.org")]):
        marked_name(t, cx - 40, 684, name, mark, "Times-Bold", 10.5)
        t.text(cx, 671, place, "Times-Roman", 10, centre=True)
        t.text(cx, 659, email, "Courier", 9, centre=True)
    t.start_columns(630)
    t.heading("Abstract")
    t.paragraph(ABSTRACT, footnote="\u2217Equal contribution. \u2020Work done at https://example.org/lab.")
    headings = [("1 Introduction",), ("2 Method",), ("3 Results on papers with long, multi-line", "section headings"),
                ("4 Conclusion",)]
    _body(t, headings, 100, {10: [f"1{URL1}"], 30: [lambda t: t.figure(FIG)], 50: [lambda t: t.table(TAB, TABLE)]})
    _references(t)
    t.save()
    return Layout("arxiv", Path(path), title, ["Maria Lindqvist", "Wen Zhao"], ABSTRACT,
                  ["1 Introduction", "2 Method", "3 Results on papers with long, multi-line section headings", "4 Conclusion"], 100,
                  affiliations={"Wen Zhao": ["Example Institute of Technology"]},
                  captions=[FIG, TAB, *CELLS], footnote_urls=[URL1, "https://example.org/lab"], running=running,
                  venue=["arXiv:2305.14251", "Preprint. Under review.", "Equal contribution"])


GERMAN_ABSTRACT = ("Wir untersuchen, wie ein wissenschaftlicher Aufsatz vorgelesen wird. Ein sorgfältiger Leser "
                   "erhält jeden Satz vollständig und lässt weg, was nie zum Vorlesen gedacht war.")


def german_finding(n: int) -> str:
    return f"Befund {n:04d} zeigt, dass sorgfältiges Lesen jeden Satz vollständig und in der richtigen Reihenfolge erhält."


def german_paper(path: Path) -> Layout:
    """A German paper: 'Zusammenfassung', German headings and body, a name with a separately drawn umlaut."""
    title = "Sorgfältiges Lesen wissenschaftlicher Aufsätze"
    t = Composer(Path(path), Page(columns=1), title=title)
    t.text(t.width / 2, 716, title, "Times-Bold", 17, centre=True)
    t.text(t.width / 2, 694, "Jonas Fa\u0308rber, Anna Schmidt", "Times-Roman", 12, centre=True)
    t.text(t.width / 2, 680, "Institut für Informatik, Universität Beispielstadt", "Times-Italic", 10, centre=True)
    t.start_columns(660)
    t.heading("Zusammenfassung")
    t.paragraph(GERMAN_ABSTRACT)
    headings = ["1 Einleitung", "2 Verwandte Arbeiten", "3 Methode", "4 Ergebnisse", "5 Fazit"]
    n = 0
    for heading in headings:
        t.heading(heading)
        for _ in range(4):
            t.paragraph(" ".join(german_finding(k) for k in range(n + 1, n + 6)))
            n += 5
    t.heading("Literatur")
    t.paragraph("Lea Wong. 2022. Zwei Spalten. Zeitschrift für Satz, 4(2):11-20.")
    t.save()
    return Layout("german", Path(path), title, ["Jonas Färber", "Anna Schmidt"], GERMAN_ABSTRACT, headings, n, language="de",
                  affiliations={"Jonas Färber": ["Institut für Informatik, Universität Beispielstadt"]})


MAKERS = [acl_paper, chi_paper, acm_journal_paper, arxiv_preprint]
