"""The statistics as spreadsheets: one chart's data, and the annual report with a sheet per breakdown.

Builders take the plain ``YearReport`` (``figures.py``) and return bytes. The
annual report lists every enterprise, not only the dashboard's top twenty.
Names typed by people (enterprises, trades, industries) are written as text
cells that are never evaluated, whatever they start with.
"""

from __future__ import annotations

from urllib.parse import quote

from flask_babel import gettext as _

from competitions.domain import statistics as rules
from competitions.spreadsheets import Book
from competitions.stats.figures import Breakdown, YearReport, headline_lines, metric_label
from competitions.timezone import to_local

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def disposition(filename: str) -> str:
    """A Content-Disposition header value for a download called ``filename``."""
    return f"attachment; filename={quote(filename)}; filename*=UTF-8''{quote(filename)}"


def filename(report: YearReport, what: str, ext: str) -> str:
    """``statistics-2026-<scope id>-<what>.<ext>``."""
    return f"statistics-{report.year}-{report.scope.id}-{what}.{ext}"


def subtitle(report: YearReport) -> str:
    """Which union, which year, when compiled and whether final (for the top of every sheet and the PDF)."""
    if report.compiled_at is None:
        state = _("not compiled yet")
    else:
        when = to_local(report.compiled_at).strftime("%Y-%m-%d %H:%M")
        state = (_("final figures, compiled %(when)s", when=when) if report.final
                 else _("provisional figures, compiled %(when)s", when=when))
        if not report.final and report.waiting_for():
            state += f" ({report.waiting_for()})"
    return f"{report.scope.name} · {report.year} · {state}"


def _change_text(current, previous) -> str:
    change = rules.change(current, previous)
    return "" if change.percent is None else f"{change.percent:+.1f}%"


def _write_breakdown(book: Book, report: YearReport, breakdown: Breakdown) -> None:
    sheet = book.sheet(breakdown.title, widths=(28,) + (14,) * (len(breakdown.metrics) + 2), freeze_rows=3)
    sheet.header([breakdown.title])
    sheet.row([subtitle(report) + (f" · {breakdown.note}" if breakdown.note else "")])
    with_previous = any(row.previous for row in breakdown.rows)
    plotted = metric_label(breakdown.plotted)
    extra = [_("%(figure)s last year", figure=plotted), _("Change")] if with_previous else []
    sheet.header(["", *[metric_label(m) for m in breakdown.metrics], *extra], wrap=True)
    for row in breakdown.rows:
        values = [row.figures[m] for m in breakdown.metrics]
        if with_previous:
            previous = row.previous[breakdown.plotted] if row.previous else None
            values += [previous, _change_text(row.figures[breakdown.plotted], previous)]
        sheet.row([row.label, *values])


def chart_xlsx(report: YearReport, breakdown: Breakdown) -> bytes:
    """One chart's figures as a one-sheet workbook."""
    book = Book()
    _write_breakdown(book, report, breakdown)
    return book.to_bytes()


def report_xlsx(report: YearReport) -> bytes:
    """The annual report: the headline with last year's figures, then one sheet per breakdown."""
    book = Book()
    sheet = book.sheet(_("Summary"), widths=(32, 14, 14, 12), freeze_rows=3)
    sheet.header([_("Annual statistics of labour and skills competitions")])
    sheet.row([subtitle(report)])
    sheet.header(["", str(report.year), str(report.year - 1), _("Change")])
    for title, metric in headline_lines():
        if metric is None:  # a group: labour competitions, innovation contests
            sheet.header([title])
            continue
        value = report.headline.figures[metric]
        previous = report.headline.previous[metric] if report.headline.previous else None
        sheet.row([metric_label(metric), value, previous, _change_text(value, previous)])
    if not report.promotions_counted:
        sheet.blank()
        sheet.row([_("Promotions through competitions are counted once promotion reviews are recorded.")])
    for breakdown in report.breakdowns:
        _write_breakdown(book, report, breakdown)
    return book.to_bytes()
