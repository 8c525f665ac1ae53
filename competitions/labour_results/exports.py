"""The money table of a labour competition as a spreadsheet (through ``competitions.spreadsheets``).

One sheet: a row per unit (code, name), a column per published period with
that period's reward (+) or penalty (−) in yuan and why, and the unit's net
total; a last row sums each column. Amounts are number cells with two
decimals, so the finance office can add them up again.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from flask_babel import gettext as _

from competitions.labels import label
from competitions.labour_results.standings import MoneyTable
from competitions.spreadsheets import Book

ZERO = Decimal("0")


def attachment(name: str) -> str:
    """A Content-Disposition header value for a download named ``name``."""
    return f"attachment; filename={name}; filename*=UTF-8''{quote(name)}"


def money_xlsx(competition, table: MoneyTable) -> bytes:
    """The money table (see the module docstring) as .xlsx bytes."""
    book = Book()
    periods = table.periods
    sheet = book.sheet(_("Money by rank"), widths=(10, 28, *([16] * len(periods)), 16), freeze_rows=3)
    sheet.row([competition.name])
    sheet.row([_("Rewards (+) and penalties (−) in yuan, by published period")])
    sheet.header([_("Unit code"), _("Unit"), *[p.snapshot["period"]["name"] for p in periods], _("Net total")])
    for unit_id, code, name in table.units:
        cells = [table.cells.get((unit_id, p.period_number)) for p in periods]
        sheet.row([code, name, *cells, table.totals.get(unit_id, ZERO)])
    sums = [table.period_total(p.period_number) for p in periods]
    sheet.row(["", _("Total amount"), *sums, table.grand_total])
    reasons = book.sheet(_("Lines"), widths=(14, 10, 28, 8, 14, 24), freeze_rows=1)
    reasons.header([_("Period"), _("Unit code"), _("Unit"), _("Place"), _("Amount (yuan)"), _("Why")])
    names = {unit_id: (code, name) for unit_id, code, name in table.units}
    for publication in periods:
        for line in publication.snapshot["money"]:
            code, name = names.get(line["unit_id"], ("", ""))
            reasons.row([publication.snapshot["period"]["name"], code, name, line["rank"], Decimal(line["amount"]),
                         label("money_reason", line["reason"])])
    return book.to_bytes()
