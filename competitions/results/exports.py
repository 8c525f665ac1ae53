"""Results as plain data for exports, and the spreadsheet export.

``results_data`` turns a snapshot into plain rows (no ORM objects) that the
spreadsheet and the PDF (``pdf.py``) render; names and employers are included
only when the snapshot is published or final, as on every other page. No ID
number ever appears in a results export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from flask_babel import gettext as _

from competitions.domain.points import plain_decimal
from competitions.labels import label
from competitions.organize.models import Competition
from competitions.results.display import figure
from competitions.results.labels import format_time_used, outcome_label, prize_label, results_label
from competitions.results.models import ResultSnapshot
from competitions.results.services import entries_by_event
from competitions.results.teams import TeamRow, team_rows
from competitions.spreadsheets import Book
from competitions.timezone import to_local


@dataclass(frozen=True)
class EventTable:
    """One event's standing as plain rows."""

    title: str
    part_codes: tuple[str, ...]
    part_names: tuple[str, ...]
    rows: tuple[dict, ...]
    teams: tuple[dict, ...] = ()     # a team event's team standing (place, team, members, score, prize)
    team_note: str = ""              # how the team score is made (sum or mean of the members' totals)


@dataclass(frozen=True)
class ResultsData:
    """A competition's results as plain data, with the column headings in the user's language."""

    title: str
    subtitle: str
    headings: dict
    events: tuple[EventTable, ...] = field(default_factory=tuple)
    revealed: bool = False
    filename: str = "results"
    # The notice's last lines: signature lines (label per signer) and the page label ("Page %(page)d of %(pages)d").
    signatures: tuple[str, ...] = ()
    page_label: str = "%(page)d / %(pages)d"


def results_data(competition: Competition, snapshot: ResultSnapshot | None) -> ResultsData:
    """The snapshot's standings as plain data (empty when nothing has been computed)."""
    revealed = snapshot is not None and snapshot.status in ("published", "final")
    grouped = entries_by_event(snapshot) if snapshot else {}
    team_groups = team_rows(snapshot) if snapshot is not None and any(e.is_team for e in competition.events) else {}
    tables = []
    for event in competition.results_events:
        parts = tuple(event.parts)
        precision = 2 if event.precision is None else event.precision
        rows = []
        for e in grouped.get(event.id, []):
            rows.append({
                "rank": "" if e.rank is None else (f"{e.rank}=" if e.tied else str(e.rank)),
                "code": e.anonymous_code, "name": e.name if revealed else "",
                "employer": e.employer if revealed else "",
                # 缺考 for a part: its column says "absent" (the part scored 0), in the PDF and the workbook alike.
                "parts": [_("Absent") if p.code in (e.absent_parts or ()) else (e.part_marks or e.part_scores).get(
                    p.code, "") for p in parts],
                "deductions": figure(e.deductions, precision) if e.deductions else "",
                "time": format_time_used(e.time_used_seconds),
                "total": figure(e.total, precision),
                "prize": outcome_label(e) if e.round_reached != "preliminary" else  # rounds: did not qualify
                outcome_label(e) + " · " + _("preliminary: place %(rank)s, %(total)s", rank=e.preliminary_rank or "—",
                                             total=figure(e.preliminary_total, precision) or "—"),
            })
        title = f"{event.trade_name} · {label('group', event.group)}"
        teams = tuple(_team_line(t, revealed) for t in team_groups.get(event.id, []))
        note = ""
        if teams:
            note = _("Team score: sum of the members' totals") if team_groups[event.id][0].aggregation == "sum" \
                else _("Team score: mean of the members' totals")
        # Part columns carry each part's own mark out of 100; the weight is in the heading, so the row adds up.
        names = tuple(f"{p.name} ({plain_decimal(p.weight)}%)" for p in parts)
        tables.append(EventTable(title, tuple(p.code for p in parts), names, tuple(rows), teams, note))
    status = results_label("snapshot", snapshot.status) if snapshot else _("Not computed yet")
    subtitle = status
    if snapshot is not None:
        subtitle = _("Results version %(version)d", version=snapshot.version) + " · " + status
    if snapshot is not None and snapshot.notice_ends_at and snapshot.status in ("published", "final"):
        subtitle += " · " + _("Notice period: %(days)s working days, from %(start)s to %(end)s",
                              days=snapshot.notice_days or "", start=_local(snapshot.published_at),
                              end=_local(snapshot.notice_ends_at))
    headings = {"rank": _("Place"), "code": _("Code"), "name": _("Name"), "employer": _("Employer"),
                "deductions": _("Deductions"), "time": _("Time used"), "total": _("Total"), "prize": _("Prize"),
                "team": _("Team"), "members": _("Members"), "team_score": _("Team score"),
                "team_standing": _("Team standing"), "individual_standing": _("Individual standing")}
    signatures = (_("Chief judge (signature)"), _("Organizer (signature and seal)"), _("Date"))
    return ResultsData(title=f"{competition.name} — {_('Results')}", subtitle=subtitle, headings=headings,
                       events=tuple(tables), revealed=revealed, filename=f"results-{competition.id}",
                       signatures=signatures, page_label=_("Page %(page)d of %(pages)d"))


def _team_line(team: TeamRow, revealed: bool) -> dict:
    """One team as plain data; before results are public the team is known by its members' codes only."""
    members = []
    for m in team.members:
        shown = f"{m.name} ({m.code})" if revealed and m.name else m.code
        figure = _("disqualified") if m.disqualified else ("" if m.total is None else f"{m.total:.2f}")
        members.append(f"{shown} {figure}".strip())
    return {
        "rank": "—" if team.disqualified else ("" if team.rank is None else f"{team.rank}{'=' if team.tied else ''}"),
        "team": team.team_name if revealed else "",
        "members": members,
        "score": _("Disqualified (a member was disqualified)") if team.disqualified
        else ("" if team.score is None else f"{team.score:.2f}"),
        "prize": prize_label(team.prize) if team.prize else "",
    }


def _local(value: datetime) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M")


def disposition(data: ResultsData, ext: str) -> str:
    """A Content-Disposition header value for the download."""
    name = f"{data.filename}.{ext}"
    return f"attachment; filename={name}; filename*=UTF-8''{quote(name)}"


def results_xlsx(data: ResultsData) -> bytes:
    """One worksheet per event: place, code, name, employer, part scores, deductions, time, total, prize."""
    book = Book()
    for index, table in enumerate(data.events, start=1):
        sheet = book.sheet(f"{index} {table.title}", widths=(8, 10, 14, 28))
        sheet.row([data.title])
        sheet.row([table.title, data.subtitle])
        h = data.headings
        sheet.header([h["rank"], h["code"], h["name"], h["employer"], *table.part_names, h["deductions"], h["time"],
                      h["total"], h["prize"]])
        for row in table.rows:
            sheet.row([row["rank"], row["code"], row["name"], row["employer"],
                       *[_number(v) for v in row["parts"]], _number(row["deductions"]), row["time"],
                       _number(row["total"]), row["prize"]])
        if table.teams:
            sheet.blank()
            sheet.row([h["team_standing"], table.team_note])
            sheet.header([h["rank"], h["team"], h["members"], h["team_score"], h["prize"]])
            for team in table.teams:
                sheet.row([team["rank"], team["team"], "; ".join(team["members"]), _number(team["score"]),
                           team["prize"]])
    if not data.events:
        book.sheet("results").row([data.title, data.subtitle])
    return book.to_bytes()


def _number(text):
    """A figure as a number cell that keeps its places ("90.50" stays 90.50), or the text as it is."""
    if isinstance(text, Decimal) or text in ("", None):
        return text if text != "" else None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return text
