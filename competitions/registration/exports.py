"""Spreadsheet exports: the registrations list (with the page's filters) and the check-in list.

Union staff keep their records in Excel, so every list they can see they can
download. National ID numbers are masked in every export, as on every page.
The workbook itself is written by the one spreadsheet writer,
``competitions.spreadsheets`` (formula-safe cells, numbers that keep their places).
"""

from __future__ import annotations

from competitions.spreadsheets import xlsx_table

__all__ = ["xlsx_table"]
