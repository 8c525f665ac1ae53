"""Spreadsheet exports: the registrations list (with the page's filters) and the check-in list.

Union staff keep their records in Excel, so every list they can see they can
download. National ID numbers are masked in every export, as on every page.
Builders take plain rows and return bytes; they never query the database.
"""

from __future__ import annotations

import io
from collections.abc import Sequence


def xlsx_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
               widths: Sequence[int] = ()) -> bytes:
    """A one-sheet workbook: a bold, frozen header row and the rows below it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
