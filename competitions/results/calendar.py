"""The working-day calendar notice periods count on: the ``holidays`` library plus the administrator's table.

* The statutory holidays (法定节假日) and make-up working days (调休上班日) of
  China come from the ``holidays`` package (``holidays.China``: its holidays,
  days off in lieu and ``weekend_workdays``), pinned in requirements.txt and
  updated with it each year once the State Council publishes the next year's
  schedule (usually in November).
* For a year the library does not know yet (no make-up working days listed),
  or to correct it, the administrator enters extra holidays and working days
  (``WorkCalendarDay``, page "Working-day calendar", or
  ``flask --app wsgi results calendar-set``); the table wins over the library.
* A year counts as known when the library lists make-up working days for it
  or the table has any day in it; publishing into an unknown year still counts
  (Monday to Friday for that year) but the organizer is warned.

The counting itself is ``domain.workdays``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from competitions.audit.services import record
from competitions.domain import workdays
from competitions.domain.errors import RuleViolation
from competitions.extensions import db
from competitions.results.models import CALENDAR_DAY_KINDS, WorkCalendarDay


def library_calendar(years: Iterable[int]) -> workdays.WorkCalendar:
    """China's holidays and make-up working days of ``years`` from the ``holidays`` library."""
    import holidays

    years = sorted(set(years))
    china = holidays.China(years=years)
    extra_workdays = {d for d in getattr(china, "weekend_workdays", ()) if d.year in years}
    known = {year for year in years if any(d.year == year for d in extra_workdays)}
    return workdays.WorkCalendar(holidays=set(china.keys()), workdays=extra_workdays, known_years=known)


def work_calendar(years: Iterable[int]) -> workdays.WorkCalendar:
    """The calendar of ``years``: the library's, with the administrator's table laid over it."""
    years = set(years)
    rows = db.session.execute(select(WorkCalendarDay.day, WorkCalendarDay.kind)).all()
    mine = [(day, kind) for day, kind in rows if day.year in years]
    return workdays.merge(
        library_calendar(years),
        holidays=[d for d, kind in mine if kind == "holiday"],
        workdays=[d for d, kind in mine if kind == "workday"],
        years={d.year for d, _ in mine},
    )


def notice_end(published_at: datetime, working_days: int, zone: ZoneInfo,
               calendar: workdays.WorkCalendar | None = None) -> datetime:
    """When a notice period of ``working_days`` Chinese working days published at ``published_at`` ends (UTC).

    Counting starts the day after publication (local date); the period ends at
    local midnight after its last working day (``domain.workdays.notice_period_end``).
    """
    published_on = published_at.astimezone(zone).date()
    if calendar is None:
        calendar = work_calendar(range(published_on.year, published_on.year + 2))
    end_day = workdays.notice_period_end(published_on, working_days, calendar)
    return datetime.combine(end_day, datetime.min.time(), zone).astimezone(UTC)


def unknown_years_of(published_at: datetime, ends_at: datetime, zone: ZoneInfo) -> list[int]:
    """Years a notice period touches for which neither the library nor the table has a schedule."""
    start, end = published_at.astimezone(zone).date(), ends_at.astimezone(zone).date()
    return workdays.unknown_years(start, end, work_calendar(range(start.year, end.year + 1)))


@dataclass(frozen=True)
class CalendarLine:
    """One listed day of a year: the date, holiday or workday, its name, and where it comes from."""

    day: date
    kind: str
    name: str
    source: str  # "library" or "table"


def calendar_lines(year: int, *, language: str = "en_US") -> list[CalendarLine]:
    """Every holiday and make-up working day of ``year`` that differs from Monday to Friday, in date order."""
    import holidays

    china = holidays.China(years=year, language=language)
    table = {row.day: row for row in db.session.execute(
        select(WorkCalendarDay).where(WorkCalendarDay.day >= date(year, 1, 1),
                                      WorkCalendarDay.day <= date(year, 12, 31))
    ).scalars()}
    lines = {d: CalendarLine(d, "holiday", str(name), "library") for d, name in china.items() if d.weekday() < 5}
    for d in getattr(china, "weekend_workdays", ()):
        if d.year == year:
            lines[d] = CalendarLine(d, "workday", "", "library")
    for d, row in table.items():
        lines[d] = CalendarLine(d, row.kind, row.name, "table")
    return [lines[d] for d in sorted(lines)]


def set_calendar_day(day: date, kind: str, name: str, *, actor_id: int | None) -> WorkCalendarDay:
    """Enter (or change) an extra holiday or make-up working day in the administrator's table (audited)."""
    if kind not in CALENDAR_DAY_KINDS:
        raise RuleViolation("Choose a day off or a make-up working day.", field="kind")
    if not 2000 <= day.year <= 2100:
        raise RuleViolation("Choose a date between 2000 and 2100.", field="day")
    name = name.strip()[:100]
    row = db.session.execute(select(WorkCalendarDay).where(WorkCalendarDay.day == day)).scalar_one_or_none()
    old = {"kind": row.kind, "name": row.name} if row else None
    if row is None:
        row = WorkCalendarDay(day=day)
        db.session.add(row)
    row.kind, row.name, row.updated_by_id = kind, name, actor_id
    db.session.flush()
    record("calendar_day_set", actor_id=actor_id, object_type="work_calendar_day", object_id=row.id,
           old=old, new={"day": day.isoformat(), "kind": kind, "name": name})
    return row


def remove_calendar_day(day: date, *, actor_id: int | None) -> bool:
    """Remove a day from the administrator's table; False when it was not there."""
    row = db.session.execute(select(WorkCalendarDay).where(WorkCalendarDay.day == day)).scalar_one_or_none()
    if row is None:
        return False
    record("calendar_day_removed", actor_id=actor_id, object_type="work_calendar_day", object_id=row.id,
           old={"day": day.isoformat(), "kind": row.kind, "name": row.name})
    db.session.delete(row)
    db.session.flush()
    return True
