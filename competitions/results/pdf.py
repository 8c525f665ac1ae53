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
from competitions.pdf_layout import cell, column_widths, numbered_canvas, wrapping_style
from competitions.results.exports import ResultsData


def results_pdf(data: ResultsData) -> bytes:
    """A landscape A4 notice: a heading, one table per event (place, code, name, parts, total, prize), signatures.

    The heading says the results version and the notice period; every page is
    numbered "page n of m"; the last page has lines for the chief judge's and
    the organizer's signatures. Tables fit the page width and wrap long names.
    """
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
        story += [_table(data, table, fonts, doc.width), Spacer(1, 4 * mm)]
    if data.signatures:
        story += [Spacer(1, 8 * mm), _signatures(data, fonts, doc.width)]
    doc.build(story, canvasmaker=numbered_canvas(fonts, data.page_label))
    return out.getvalue()


def _signatures(data: ResultsData, fonts: FontChain, width: float) -> Table:
    """One line per signer: the label, then room to sign."""
    style = wrapping_style(fonts, 10.5, name="sign")
    gap = 10 * mm
    count = len(data.signatures)
    row, widths, lines = [], [], []
    for index, signer in enumerate(data.signatures):
        if index:
            row.append("")
            widths.append(gap)
        lines.append(("LINEBELOW", (len(row), 0), (len(row), 0), 0.6, colors.black))
        row.append(cell(fonts, f"{signer}:", style))
        widths.append((width - gap * (count - 1)) / count)
    result = Table([row], colWidths=widths, rowHeights=[16 * mm], hAlign="LEFT")
    result.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), *lines]))
    return result


def _table(data: ResultsData, table, fonts: FontChain, width: float) -> Table:
    """One event's standing, fitted to ``width``: figures keep their width, name and employer wrap."""
    h = data.headings
    parts = len(table.part_names)
    size = 9 if parts <= 4 else 8 if parts <= 6 else 7
    fixed: list[float | None] = [13 * mm, 16 * mm]
    header = [h["rank"], h["code"]]
    if data.revealed:
        header += [h["name"], h["employer"]]
        fixed += [None, None]
    header += [*table.part_names, h["deductions"], h["time"], h["total"], h["prize"]]
    fixed += [19 * mm] * parts + [15 * mm, 17 * mm, 17 * mm, 22 * mm]
    widths = column_widths(width, fixed, (2, 3) if data.revealed else ())
    text = wrapping_style(fonts, size)
    figure = wrapping_style(fonts, size, align=2, name="figure")
    head = wrapping_style(fonts, size, name="head")
    first_figure = len(header) - 4 - parts
    rows = [[cell(fonts, value, head) for value in header]]
    for row in table.rows:
        line = [row["rank"], row["code"]]
        if data.revealed:
            line += [row["name"], row["employer"]]
        line += [*row["parts"], row["deductions"], row["time"], row["total"], row["prize"]]
        rows.append([cell(fonts, value, figure if first_figure <= i < len(line) - 1 else text)
                     for i, value in enumerate(line)])
    result = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    result.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f3")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8ccd2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return result


def _team_table(data: ResultsData, table, fonts: FontChain) -> Table:
    h = data.headings
    font = fonts.primary
    members = ParagraphStyle("members", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    wrap = wrapping_style(fonts, 9, name="team")
    rows = [[h["rank"], h["team"], h["members"], h["team_score"], h["prize"]]]
    for team in table.teams:
        rows.append([team["rank"], cell(fonts, team["team"], wrap),
                     Paragraph("<br/>".join(fonts.markup(m) for m in team["members"]), members),
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
