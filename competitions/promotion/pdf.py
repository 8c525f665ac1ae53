"""The promotion roster as a PDF: plain data in, bytes out (never a database query).

Every text goes through the font chain of ``competitions/pdf_fonts.py`` (Chinese,
and names with rare characters such as 王𫖯, print and can be searched):
Paragraphs take ``fonts.markup``, the page number ``fonts.draw``.
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from competitions.pdf_fonts import FontChain, font_chain
from competitions.pdf_layout import wrapping_style
from competitions.promotion.exports import RosterData

WIDTHS = (22, 36, 40, 32, 12, 16, 24, 34, 34, 24)


def roster_pdf(data: RosterData) -> bytes:
    """A landscape A4 roster: heading, then one table of every line, headings repeated on each page."""
    fonts = font_chain()
    font = fonts.primary
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20, spaceAfter=3)
    sub = ParagraphStyle("sub", fontName=font, fontSize=9, leading=12, textColor=colors.grey, spaceAfter=6)
    cell = wrapping_style(fonts, 8)  # a long name or union name wraps in its column, never over the next one
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=10 * mm, bottomMargin=12 * mm, title=data.title)
    rows = [[Paragraph(fonts.markup(h), cell) for h in data.headings]]
    rows += [[Paragraph(fonts.markup(text), cell) for text in row] for row in data.rows]
    table = Table(rows, repeatRows=1, hAlign="LEFT", colWidths=[w * mm for w in WIDTHS])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f3")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8ccd2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    doc.build([Paragraph(fonts.markup(data.title), title), Paragraph(fonts.markup(data.subtitle), sub), table],
              onFirstPage=_page_number(fonts), onLaterPages=_page_number(fonts))
    return out.getvalue()


def _page_number(fonts: FontChain):
    def draw(canvas, doc):
        canvas.saveState()
        fonts.draw(canvas, doc.pagesize[0] - 10 * mm, 6 * mm, str(doc.page), 8, align="right")
        canvas.restoreState()
    return draw
