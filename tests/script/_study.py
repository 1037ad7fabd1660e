"""A second real test paper, as a PDF: a small field study with the numbers that used to trip the checks.

It has 41 numbered citations ([1]…[41]), section, figure and table references,
ages, a table with a caption, money (US$15), a duration with a decimal
(84.6 seconds), a "3.1K" word count, percentages (21%, 73%, 88.6%, 60%) and a
quotation, so a script of it exercises every kind of number the checks read.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

TITLE = "Listening Instead of Reading: A Field Study of Audio Summaries for Research Papers"
AUTHORS = ["Hana Novak", "Diego Alvarez", "Ruth Mbeki"]
ABSTRACT = (
    "Researchers cannot read every paper in their field, and most abstracts they are sent go unopened. We asked "
    "whether short audio summaries change what researchers take in. In a four-week field study with ten "
    "participants (N=10), we sent each participant summaries of papers from a pool of 162 recent papers, either "
    "as audio or as a text abstract. Participants listened to 73% of the audio summaries but opened only 21% of "
    "the text abstracts. A summary played for 84.6 seconds on average and drew on 3.1K words of its paper. One "
    "week later, participants recalled the main result of 88.6% of the papers they had heard, against 60% of "
    "those they had read. Running the service cost about US$15 per participant per month."
)
SECTIONS: list[tuple[str, list[str]]] = [
    ("1 Introduction", [
        "The number of papers published every year keeps growing [1, 2], and researchers report that they "
        "skim far more than they read [3]-[5]. Abstracts are the usual way to decide what to read, but a mailing "
        "list of abstracts is easy to ignore [6]. Tools that summarise papers as text are now common [7], [8], "
        "and a few produce audio [9]. Little is known about whether researchers use audio summaries when they "
        "have the choice, or whether they remember what they heard [12], [23]-[27].",
        "We ran a field study in which the same researchers received both formats for four weeks. Section 2 "
        "describes the study, Section 3 reports what participants opened and remembered, and Section 4 "
        "discusses its limits. Our main finding is that audio summaries were opened far more often than "
        "abstracts and were remembered better [35], [41].",
    ]),
    ("2 Method", [
        "We recruited ten participants (N=10) from three research groups, aged 24 to 51. Each participant named "
        "a field of interest, and we collected a pool of 162 recent papers in these fields from preprint "
        "servers. For every paper we produced an audio summary, read by two synthetic voices, and kept its text "
        "abstract.",
        "Over four weeks, each participant received four items per working day, chosen at random to be audio "
        "or text. Participants were paid US$15 per week for their time. We logged which items were opened, and "
        "one week after each item a short quiz asked for the main result of the paper (Figure 1).",
    ]),
    ("3 Results", [
        "Table 1 summarises the use of both formats. Participants listened to 73% of the audio summaries and "
        "opened 21% of the text abstracts. The average summary lasted 84.6 seconds, and the average listening "
        "session lasted 115.6 seconds, because participants often replayed parts. A summary drew on 3.1K words "
        "of its paper on average.",
        "TABLE",
        "Participants recalled the main result of 88.6% of the papers they had heard and of 60% of the papers "
        "they had read (Figure 2). Eight of the ten participants preferred audio at the end of the study, and "
        "the two who preferred text said that they read faster than the voices spoke. As one participant put "
        "it, \"I finally hear about papers I would never have opened.\"",
    ]),
    ("4 Limitations", [
        "The study is small: ten participants cannot stand for every field. All participants were volunteers "
        "who were curious about audio, which may inflate the listening rate. The summaries were written by a "
        "language model and checked by one author, who found errors in 9 of the 162 summaries (5.6%).",
    ]),
    ("5 Conclusion", [
        "Audio summaries were opened more than three times as often as text abstracts, and what participants "
        "heard they remembered better. We conclude that short audio summaries are a practical way to keep up "
        "with a field, at a cost of about US$15 per participant per month.",
    ]),
]
TABLE_ROWS = [
    ["Format", "Items sent", "Opened", "Recall"],
    ["Audio", "400", "292 (73%)", "88.6%"],
    ["Text", "400", "84 (21%)", "60%"],
]
TABLE_CAPTION = "Table 1: Use of each format over the four weeks."
REFERENCES = [f"[{n}] A. Author{n} and B. Writer. A study of reading habits, part {n}. Journal of Reading, "
              f"{n}({n % 4 + 1}):{n * 3}-{n * 3 + 9}, {1990 + n % 30}." for n in range(1, 42)]

_STYLES = {
    "title": ParagraphStyle("title", fontName="Times-Bold", fontSize=17, leading=21, alignment=1, spaceAfter=10),
    "authors": ParagraphStyle("authors", fontName="Times-Roman", fontSize=11.5, leading=14, alignment=1, spaceAfter=12),
    "abstract_head": ParagraphStyle("abstract_head", fontName="Times-Bold", fontSize=11, leading=14, alignment=1),
    "abstract": ParagraphStyle("abstract", fontName="Times-Roman", fontSize=10, leading=12.5, leftIndent=36,
                               rightIndent=36, spaceAfter=10),
    "heading": ParagraphStyle("heading", fontName="Times-Bold", fontSize=12, leading=15, spaceBefore=10, spaceAfter=5),
    "body": ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=14.5, spaceAfter=6),
    "caption": ParagraphStyle("caption", fontName="Times-Italic", fontSize=9, leading=11, alignment=1, spaceAfter=10),
    "ref": ParagraphStyle("ref", fontName="Times-Roman", fontSize=9, leading=11, spaceAfter=3),
}


def write_study_paper(path: Path) -> Path:
    """Write the field-study paper as a one-column PDF (the same bytes every time) and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(path), pagesize=letter, title=TITLE, author=", ".join(AUTHORS), invariant=1)
    s = _STYLES
    story: list = [Paragraph(TITLE, s["title"]), Paragraph(", ".join(AUTHORS), s["authors"]),
                   Paragraph("Abstract", s["abstract_head"]), Paragraph(ABSTRACT, s["abstract"])]
    for heading, paragraphs in SECTIONS:
        story.append(Paragraph(heading, s["heading"]))
        for para in paragraphs:
            if para == "TABLE":
                table = Table(TABLE_ROWS)
                table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Times-Roman", 9),
                                           ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.black),
                                           ("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.black)]))
                story += [Spacer(1, 4), table, Paragraph(TABLE_CAPTION, s["caption"])]
            else:
                story.append(Paragraph(para.replace("&", "&amp;"), s["body"]))
    story.append(Paragraph("References", s["heading"]))
    story += [Paragraph(ref, s["ref"]) for ref in REFERENCES]
    doc.build(story)
    return path
