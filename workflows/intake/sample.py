"""The sample paper: a realistic two-column research paper that a newcomer can drop.

``write_sample_paper(path)`` writes the same bytes every time (reportlab's invariant
mode), so the demo and the tests can rely on it. The words are in ``_sample_text``.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate,
    FrameBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from workflows.intake import _sample_text as text

_W, _H = letter
_MARGIN = 66
_GUTTER = 20
_COL_W = (_W - 2 * _MARGIN - _GUTTER) / 2
_TITLE_BLOCK_H = 262
_BODY_TOP = _H - 72

_STYLES = {
    "title": ParagraphStyle("title", fontName="Times-Bold", fontSize=17, leading=21, alignment=TA_CENTER, spaceAfter=10),
    "authors": ParagraphStyle("authors", fontName="Times-Roman", fontSize=11.5, leading=14, alignment=TA_CENTER, spaceAfter=3),
    "affil": ParagraphStyle("affil", fontName="Times-Italic", fontSize=9, leading=11, alignment=TA_CENTER, spaceAfter=3),
    "note": ParagraphStyle("note", fontName="Helvetica", fontSize=7.5, leading=9, alignment=TA_CENTER, textColor=colors.grey, spaceAfter=12),
    "abstract_head": ParagraphStyle("abstract_head", fontName="Times-Bold", fontSize=11, leading=14, alignment=TA_CENTER, spaceAfter=4),
    "abstract": ParagraphStyle("abstract", fontName="Times-Roman", fontSize=10, leading=12.5, alignment=TA_JUSTIFY, leftIndent=36, rightIndent=36),
    "heading": ParagraphStyle("heading", fontName="Times-Bold", fontSize=12, leading=15, spaceBefore=10, spaceAfter=5),
    "body": ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=14.5, alignment=TA_JUSTIFY, spaceAfter=6),
    "caption": ParagraphStyle("caption", fontName="Times-Italic", fontSize=9, leading=11, alignment=TA_CENTER, spaceBefore=4, spaceAfter=10),
    "ref": ParagraphStyle("ref", fontName="Times-Roman", fontSize=9, leading=11, leftIndent=12, firstLineIndent=-12, spaceAfter=4),
}
_DEMO_NOTE = "A sample paper made by papercast for demonstrations: the study, its authors and its numbers are invented."


def write_sample_paper(path: Path) -> Path:
    """Write the ~6-page two-column sample paper to ``path`` and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = BaseDocTemplate(
        str(path),
        pagesize=letter,
        title=text.TITLE,
        author=", ".join(text.AUTHORS),
        subject="papercast sample paper",
        creator="papercast",
        invariant=1,
    )
    title_frame = Frame(_MARGIN, _H - 72 - _TITLE_BLOCK_H, _W - 2 * _MARGIN, _TITLE_BLOCK_H, id="title", showBoundary=0)
    first_cols = _columns(top=_H - 72 - _TITLE_BLOCK_H, id_prefix="first")
    later_cols = _columns(top=_BODY_TOP, id_prefix="later")
    doc.addPageTemplates(
        [
            PageTemplate(id="first", frames=[title_frame, *first_cols], onPage=_decorate),
            PageTemplate(id="later", frames=later_cols, onPage=_decorate),
        ]
    )
    doc.build(_story())
    return path


def _columns(top: float, id_prefix: str) -> list[Frame]:
    height = top - 60
    return [
        Frame(_MARGIN, 60, _COL_W, height, id=f"{id_prefix}-left", leftPadding=0, rightPadding=0),
        Frame(_MARGIN + _COL_W + _GUTTER, 60, _COL_W, height, id=f"{id_prefix}-right", leftPadding=0, rightPadding=0),
    ]


def _decorate(canvas, doc) -> None:
    """Running header and page number, on every page."""
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.setFillColor(colors.dimgrey)
    canvas.drawString(_MARGIN, _H - 45, text.RUNNING_HEADER)
    canvas.drawRightString(_W - _MARGIN, _H - 45, "Northbridge Working Papers 2024")
    canvas.setStrokeColor(colors.lightgrey)
    canvas.line(_MARGIN, _H - 50, _W - _MARGIN, _H - 50)
    canvas.setFont("Times-Roman", 10)
    canvas.setFillColor(colors.black)
    canvas.drawCentredString(_W / 2, 34, str(doc.page))
    canvas.restoreState()


def _story() -> list:
    s = _STYLES
    story: list = [
        Paragraph(text.TITLE, s["title"]),
        Paragraph(", ".join(text.AUTHORS), s["authors"]),
        Paragraph(text.AFFILIATIONS, s["affil"]),
        Paragraph(_DEMO_NOTE, s["note"]),
        Paragraph("Abstract", s["abstract_head"]),
        Paragraph(text.ABSTRACT, s["abstract"]),
        NextPageTemplate("later"),
        FrameBreak(),
    ]
    for heading, paragraphs in text.SECTIONS:
        story.append(Paragraph(heading, s["heading"]))
        for para in paragraphs:
            if para == "TABLE":
                story.append(_table(text.TABLE_ROWS, text.TABLE_CAPTION, [0.13, 0.25, 0.22, 0.2, 0.15]))
            elif para == "FIXES":
                story.append(_table(text.FIXES_ROWS, text.FIXES_CAPTION, [0.56, 0.22, 0.22]))
            elif para == "FIGURE":
                story.append(_failure_figure())
            elif para == "FIGURE2":
                story.append(_year_figure())
            else:
                story.append(Paragraph(para, s["body"]))
    story.append(Paragraph("References", s["heading"]))
    story += [Paragraph(ref, s["ref"]) for ref in text.REFERENCES]
    return story


def _table(rows: list[list[str]], caption: str, shares: list[float]) -> KeepTogether:
    table = Table(rows, colWidths=[share * _COL_W for share in shares])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Times-Roman", 8),
                ("FONT", (0, 0), (-1, 0), "Times-Bold", 8),
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                ("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.black),
                ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                ("ALIGN", (0, 0), (0, -1), "LEFT"),
            ]
        )
    )
    return KeepTogether([Spacer(1, 4), table, Paragraph(caption, _STYLES["caption"])])


def _year_figure() -> KeepTogether:
    drawing = Drawing(_COL_W, 165)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, _COL_W - 40, 120
    rows = text.TABLE_ROWS[1:4]
    chart.data = [[int(row[column]) for row in rows] for column in (1, 2, 3)]
    chart.categoryAxis.categoryNames = [row[0] for row in rows]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 20, 5
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = "Helvetica", 7
    for i, colour in enumerate(("#4a6fa5", "#9bb7d4", "#c96b4b")):
        chart.bars[i].fillColor = colors.HexColor(colour)
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 40, 160, "Helvetica", 7
    legend.alignment, legend.columnMaximum, legend.dx, legend.dy = "right", 1, 6, 6
    legend.colorNamePairs = [(colors.HexColor(c), n) for c, n in zip(("#4a6fa5", "#9bb7d4", "#c96b4b"), text.TABLE_ROWS[0][1:4])]
    drawing.add(legend)
    return KeepTogether([drawing, Paragraph(text.YEAR_FIGURE_CAPTION, _STYLES["caption"])])


def _failure_figure() -> KeepTogether:
    drawing = Drawing(_COL_W, 150)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 95, 20, _COL_W - 110, 120
    chart.data = [[count for _, count in reversed(text.FAILURE_CAUSES)]]
    chart.categoryAxis.categoryNames = [name for name, _ in reversed(text.FAILURE_CAUSES)]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 20, 5
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#4a6fa5")
    drawing.add(chart)
    return KeepTogether([drawing, Paragraph(text.FIGURE_CAPTION, _STYLES["caption"])])
