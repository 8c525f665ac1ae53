"""The check-in list (检录表) as PDF: station, code, name, masked ID, employer and a signature column.

On the morning of the contest the check-in desk prints one list per event,
sorted by station; each competitor signs next to their row. The builder takes
plain data and returns bytes; it never queries the database. Every text goes
through the font chain of competitions/pdf_fonts.py, so rare characters of a
name (王𫖯, 刘䶮) print and can be searched.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from competitions.pdf_fonts import font_chain
from competitions.pdf_layout import column_widths, numbered_canvas


@dataclass(frozen=True)
class CheckinSheet:
    """Everything printed on a check-in list; ``headers`` and ``labels`` are already in the user's language."""

    title: str
    subtitle: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: str = ""
    page_label: str = "%(page)d / %(pages)d"


def checkin_pdf(sheet: CheckinSheet) -> bytes:
    """An A4 landscape check-in list with a header row repeated on every page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    fonts = font_chain()
    font = fonts.primary
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=14 * mm, rightMargin=14 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=sheet.title)
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=4)
    small = ParagraphStyle("small", fontName=font, fontSize=10, leading=14)
    cell = ParagraphStyle("cell", fontName=font, fontSize=10.5, leading=14, wordWrap="CJK")  # long names wrap
    data = [[Paragraph(fonts.markup(h), cell) for h in sheet.headers]]
    data += [[Paragraph(fonts.markup(v), cell) for v in row] for row in sheet.rows]
    widths = column_widths(doc.width, [20 * mm, 26 * mm, None, 48 * mm, None, 45 * mm][: len(sheet.headers)], (2, 3))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f7f7")]),
        ("TOPPADDING", (0, 1), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
    ]))
    story = [Paragraph(fonts.markup(sheet.title), title), Paragraph(fonts.markup(sheet.subtitle), small),
             Spacer(1, 4 * mm), table]
    if sheet.footer:
        story += [Spacer(1, 6 * mm), Paragraph(fonts.markup(sheet.footer), small)]
    doc.build(story, canvasmaker=numbered_canvas(fonts, sheet.page_label))
    return out.getvalue()
