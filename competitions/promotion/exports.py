"""The promotion roster for the labour department as plain data, and its spreadsheet.

``roster_data`` turns a competition's flags into plain rows with headings in
the reader's language (the PDF in ``pdf.py`` renders the same data). ID
numbers are always masked (first 6 and last 4 characters shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from flask_babel import gettext as _

from competitions.labels import label
from competitions.organize.models import Competition
from competitions.promotion.history import roster_rows
from competitions.spreadsheets import Book


@dataclass(frozen=True)
class RosterData:
    """The roster: title, column headings and one list of cell texts per flag."""

    title: str
    subtitle: str
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    filename: str


def roster_data(competition: Competition) -> RosterData:
    """The roster of a competition's flags awaiting review or approved, in the reader's language."""
    headings = (_("Name"), _("ID number"), _("Employer"), _("Event"), _("Place"), _("Score"), _("Current level"),
                _("Proposed level or title"), _("Rule"), _("Review status"))
    rows = []
    for r in roster_rows(competition):
        proposed = label("promotion_level", r.proposed_level) if r.kind == "level" else \
            _("%(kind)s: %(title)s", kind=label("flag_kind", r.kind), title=r.title)
        status = _("%(status)s (contested)", status=label("flag_status", r.status)) if r.contested \
            else label("flag_status", r.status)
        rows.append((r.name, r.masked_id, r.employer, f"{r.event} · {label('group', r.group)}",
                     "" if r.rank is None else str(r.rank), "" if r.total is None else f"{r.total:.2f}",
                     label("promotion_level", r.current_level), proposed, r.rule, status))
    # English needs the singular; Chinese has one form (一项 / 共 n 项): two messages, no "(s)".
    subtitle = _("Promotion roster · one proposal") if len(rows) == 1 else \
        _("Promotion roster · %(count)s proposals", count=len(rows))
    return RosterData(_("%(competition)s — promotion roster", competition=competition.name), subtitle, headings,
                      tuple(rows), f"promotion-roster-{competition.id}")


def disposition(data: RosterData, ext: str) -> str:
    """A Content-Disposition header value for the download."""
    name = f"{data.filename}.{ext}"
    return f"attachment; filename={name}; filename*=UTF-8''{quote(name)}"


def roster_xlsx(data: RosterData) -> bytes:
    """One sheet through the shared writer (``competitions/spreadsheets.py``: nothing typed into a name or an
    employer ever runs as a formula): title, subtitle, headings, one row per flag; place and score as numbers."""
    book = Book()
    sheet = book.sheet(_("Promotion roster"), widths=(12, 22, 28, 20, 8, 10, 16, 24, 24, 14), freeze_rows=3)
    sheet.row([data.title], bold=True)
    sheet.row([data.subtitle])
    sheet.header(list(data.headings))
    for row in data.rows:
        place, score = row[4], row[5]
        sheet.row([*row[:4], int(place) if place else None, Decimal(score) if score else None, *row[6:]])
    return book.to_bytes()
