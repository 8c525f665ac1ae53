"""The annual statistics report as a PDF: the headline, then each breakdown as a chart and a table.

The charts are drawn by reportlab's own graphics (bar charts and pies) from
the very figures the dashboard plots (``figures.YearReport``), so the PDF and
the screen cannot disagree. Every text goes through the font chain of
``competitions/pdf_fonts.py``. Takes plain data, returns bytes.
"""

from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from competitions.domain import statistics as rules
from competitions.pdf_fonts import FontChain, font_chain
from competitions.pdf_layout import cell, numbered_canvas, wrapping_style
from competitions.stats.api import CHART_ROWS, HORIZONTAL, PIE_CHARTS
from competitions.stats.exports import subtitle
from competitions.stats.figures import Breakdown, YearReport, headline_lines, metric_label

PALETTE = [colors.HexColor(c) for c in ("#2f6fb3", "#e0873a", "#3a9b6a", "#c44e52", "#8172b2", "#937860",
                                         "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd")]
THIS_YEAR, LAST_YEAR = colors.HexColor("#2f6fb3"), colors.HexColor("#b9c9dc")
WIDTH = A4[0] - 28 * mm


def _label(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _bar_chart(breakdown: Breakdown, font: str) -> Drawing:
    rows = breakdown.rows if breakdown.name == "years" else breakdown.rows[:CHART_ROWS]
    metric = breakdown.plotted
    values = [row.figures[metric] or 0 for row in rows]
    previous = [(row.previous or {}).get(metric) or 0 for row in rows]
    with_previous = any(row.previous for row in rows)
    if not rows:
        drawing = Drawing(WIDTH, 10 * mm)
        drawing.add(String(0, 3 * mm, _("No figures"), fontName=font, fontSize=9, fillColor=colors.grey))
        return drawing
    horizontal = breakdown.name in HORIZONTAL
    height = max(60 * mm if not horizontal else 14 * mm + len(rows) * (9 if with_previous else 6) * mm / 1.2,
                 45 * mm)
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    left = 42 * mm if horizontal else 12 * mm
    chart.x, chart.y = left, 8 * mm if horizontal else 14 * mm
    chart.width, chart.height = WIDTH - left - 8 * mm, height - (16 * mm if horizontal else 22 * mm)
    if horizontal:
        rows, values, previous = rows[::-1], values[::-1], previous[::-1]
    # Last year's bars before this year's, as on the dashboard (reading left to right, top to bottom).
    chart.data = ([values, previous] if horizontal else [previous, values]) if with_previous else [values]
    chart.categoryAxis.categoryNames = [_label(row.label) for row in rows]
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, 7
    if not horizontal and len(rows) > 6:
        chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 30, "ne"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    this_year = 1 if with_previous and not horizontal else 0  # a horizontal chart draws its first series lowest
    chart.bars[this_year].fillColor = THIS_YEAR
    if with_previous:
        chart.bars[1 - this_year].fillColor = LAST_YEAR
    chart.valueAxis.valueStep = None if max(values + previous + [0]) > 5 else 1  # whole competitions: no 0.2
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName, chart.barLabels.fontSize = font, 6
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(String(0, height - 4 * mm, metric_label(metric), fontName=font, fontSize=8,
                       fillColor=colors.grey))
    return drawing


def _pie_chart(breakdown: Breakdown, font: str) -> Drawing:
    metric = breakdown.plotted
    rows = [row for row in breakdown.rows if row.figures[metric]]
    drawing = Drawing(WIDTH, 50 * mm)
    drawing.add(String(0, 46 * mm, metric_label(metric), fontName=font, fontSize=8, fillColor=colors.grey))
    if not rows:
        return drawing
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 10 * mm, 4 * mm, 38 * mm, 38 * mm
    pie.data = [row.figures[metric] for row in rows]
    pie.labels = [str(row.figures[metric]) for row in rows]
    pie.slices.fontName, pie.slices.fontSize = font, 7
    for i in range(len(rows)):
        pie.slices[i].fillColor = PALETTE[i % len(PALETTE)]
        pie.slices[i].strokeColor = colors.white
    drawing.add(pie)
    legend = Legend()
    legend.fontName, legend.fontSize = font, 8
    legend.x, legend.y = 62 * mm, 40 * mm
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], f"{row.label}  {row.figures[metric]}")
                             for i, row in enumerate(rows)]
    drawing.add(legend)
    return drawing


def chart_drawing(breakdown: Breakdown, font: str) -> Drawing:
    """The chart of one breakdown, as the dashboard draws it (pie or bars; last year's bars beside this year's)."""
    if breakdown.name in PIE_CHARTS:
        return _pie_chart(breakdown, font)
    return _bar_chart(breakdown, font)


def _cell(value) -> str:
    return "—" if value is None else f"{value:,}"


def _table(breakdown: Breakdown, fonts: FontChain) -> Table:
    header = [""] + [metric_label(m) for m in breakdown.metrics]
    many = len(breakdown.metrics) >= 7  # narrow columns: a smaller header and a narrower name column, so
    head_style = wrapping_style(fonts, 6 if many else 7, name="th")  # "Participations" fits whole
    label_style = wrapping_style(fonts, 8, name="label")  # long union and trade names wrap, never overflow
    rows = [[cell(fonts, text, head_style) for text in header]]
    for row in breakdown.rows:
        rows.append([cell(fonts, row.label, label_style), *[_cell(row.figures[m]) for m in breakdown.metrics]])
    if len(rows) == 1:
        rows.append([fonts.cell(_("No figures"), 8)] + [""] * len(breakdown.metrics))
    first = (38 if many else 46) * mm
    widths = [first] + [(WIDTH - first) / len(breakdown.metrics)] * len(breakdown.metrics)
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.primary, 8),
        ("LEFTPADDING", (1, 0), (-1, 0), 3), ("RIGHTPADDING", (1, 0), (-1, 0), 3),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f3")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8ccd2")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return table


def _headline(report: YearReport, fonts: FontChain) -> Table:
    rows = [["", str(report.year), str(report.year - 1), _("Change")]]
    for title, metric in headline_lines():
        if metric is None:  # a group: labour competitions, innovation contests
            rows.append([fonts.cell(title, 9), "", "", ""])
            continue
        value = report.headline.figures[metric]
        previous = report.headline.previous[metric] if report.headline.previous else None
        change = rules.change(value, previous)
        rows.append([fonts.cell(metric_label(metric), 9), _cell(value), _cell(previous),
                     "" if change.percent is None else f"{change.percent:+.1f}%"])
    table = Table(rows, colWidths=[70 * mm, 32 * mm, 32 * mm, 28 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.primary, 9),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f3")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8ccd2")),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
    ]))
    return table


def report_pdf(report: YearReport) -> bytes:
    """Portrait A4: title, headline against last year, then per breakdown its chart and its table."""
    fonts = font_chain()
    font = fonts.primary
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=4)
    sub = ParagraphStyle("sub", fontName=font, fontSize=9, leading=13, textColor=colors.grey, spaceAfter=6)
    head = ParagraphStyle("head", fontName=font, fontSize=12, leading=16, spaceBefore=8, spaceAfter=3)
    heading = _("Annual statistics of labour and skills competitions")
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=12 * mm,
                            bottomMargin=14 * mm, title=f"{heading} {report.year}")

    story = [Paragraph(fonts.markup(f"{heading} · {report.year}"), title),
             Paragraph(fonts.markup(subtitle(report)), sub), _headline(report, fonts)]
    if not report.promotions_counted:
        story.append(Paragraph(fonts.markup(
            _("Promotions through competitions are counted once promotion reviews are recorded.")), sub))
    legend = _("Dark bars: %(this)s; light bars: %(last)s.", this=report.year, last=report.year - 1)
    for breakdown in report.breakdowns:
        note = " · ".join(filter(None, [breakdown.note, legend if any(r.previous for r in breakdown.rows)
                                        and breakdown.name not in PIE_CHARTS else ""]))
        block = [Paragraph(fonts.markup(breakdown.title), head)]
        if note:
            block.append(Paragraph(fonts.markup(note), sub))
        block += [chart_drawing(breakdown, font), Spacer(1, 2 * mm)]
        story += [CondPageBreak(90 * mm), KeepTogether(block), _table(breakdown, fonts), Spacer(1, 3 * mm)]
    doc.build(story, canvasmaker=numbered_canvas(fonts, _("Page %(page)d of %(pages)d")))
    return out.getvalue()
