"""The results notice as a PDF: plain data in, bytes out (never a database query).

Every text goes through the font chain of competitions/pdf_fonts.py (names with rare
characters such as 王𫖯 print and can be searched): Paragraphs take ``fonts.markup``,
plain table cells ``fonts.cell``.
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from competitions.pdf_fonts import FontChain, font_chain
from competitions.results.exports import ResultsData


def results_pdf(data: ResultsData) -> bytes:
    """A landscape A4 notice: a heading, then one table per event (place, code, name, parts, total, prize)."""
    fonts = font_chain()
    font = fonts.primary
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=4)
    sub = ParagraphStyle("sub", fontName=font, fontSize=10, leading=14, textColor=colors.grey, spaceAfter=8)
    head = ParagraphStyle("head", fontName=font, fontSize=13, leading=18, spaceBefore=6, spaceAfter=4)
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=14 * mm, rightMargin=14 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=data.title)
    story = [Paragraph(fonts.markup(data.title), title), Paragraph(fonts.markup(data.subtitle), sub)]
    for index, table in enumerate(data.events):
        if index:
            story.append(PageBreak())
        story.append(Paragraph(fonts.markup(table.title), head))
        if table.teams:
            story += [Paragraph(fonts.markup(f"{data.headings['team_standing']} · {table.team_note}"), sub),
                      _team_table(data, table, fonts), Spacer(1, 3 * mm),
                      Paragraph(fonts.markup(data.headings["individual_standing"]), sub)]
        story += [_table(data, table, fonts), Spacer(1, 4 * mm)]
    doc.build(story)
    return out.getvalue()


def _table(data: ResultsData, table, fonts: FontChain) -> Table:
    h = data.headings
    header = [h["rank"], h["code"]]
    if data.revealed:
        header += [h["name"], h["employer"]]
    header += [*table.part_names, h["deductions"], h["time"], h["total"], h["prize"]]
    rows = [header]
    for row in table.rows:
        line = [row["rank"], row["code"]]
        if data.revealed:
            line += [row["name"], row["employer"]]
        line += [*row["parts"], row["deductions"], row["time"], row["total"], row["prize"]]
        rows.append([fonts.cell(value, 9) for value in line])
    result = Table(rows, repeatRows=1, hAlign="LEFT")
    result.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.primary, 9),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f3")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8ccd2")),
        ("ALIGN", (-4, 1), (-2, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return result


def _team_table(data: ResultsData, table, fonts: FontChain) -> Table:
    h = data.headings
    font = fonts.primary
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12)
    rows = [[h["rank"], h["team"], h["members"], h["team_score"], h["prize"]]]
    for team in table.teams:
        rows.append([team["rank"], fonts.cell(team["team"], 9),
                     Paragraph("<br/>".join(fonts.markup(m) for m in team["members"]), cell),
                     team["score"], fonts.cell(team["prize"], 9)])
    result = Table(rows, repeatRows=1, hAlign="LEFT", colWidths=[18 * mm, 50 * mm, 90 * mm, 40 * mm, 30 * mm])
    result.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 9),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f3")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8ccd2")),
        ("ALIGN", (3, 1), (3, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return result
