"""Working days in China (工作日): counting a notice period as the State Council's holiday schedule says.

Counting Monday to Friday is wrong in China. Each year the General Office of
the State Council publishes the statutory holidays (法定节假日) and the
make-up working days (调休上班日): National Day is a week off, paid for by
working one or two weekend days around it, and the Spring Festival likewise.
A "five working days" notice period (公示期) therefore counts:

* every Monday to Friday that is not a statutory holiday or a day off in lieu,
* plus every Saturday or Sunday declared a make-up working day,

starting the day after publication, and ends at local midnight after the last
counted day (``notice_period_end``).

Worked example (the case that went wrong): published Tuesday 30 September
2025, five working days. 1–8 October 2025 are all days off (National Day with
the Mid-Autumn Festival); Saturday 11 October is a make-up working day. Counted:
9, 10, 11, 13, 14 October; the period ends at midnight starting 15 October —
not on 8 October, as Monday-to-Friday counting said, with every counted day
inside the holiday.

The calendar (``WorkCalendar``) is data, not code: the service builds it from
a maintained calendar library plus the administrator's table of extra
holidays and working days for years the library does not know yet; this module
only counts. ``known_years`` lets the caller warn when a period runs into a
year for which no schedule is known (counting then falls back to Monday to
Friday for that year, plus whatever the administrator entered).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

MAX_DAYS_SEARCHED = 366  # no schedule has ever closed more than a few weeks in a row; a bad table cannot loop


@dataclass(frozen=True)
class WorkCalendar:
    """Days off that would otherwise be working days, make-up working days on weekends, and the years known.

    ``holidays``: statutory holidays and days off in lieu (a weekday listed here is not worked).
    ``workdays``: make-up working days (a Saturday or Sunday listed here is worked); a day in both counts
    as a working day, since the make-up day is the later, more specific announcement.
    """

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    known_years: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        """Accept any iterables (sets, lists, library dicts' keys) and keep frozensets."""
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "known_years", frozenset(self.known_years))

    def is_working_day(self, day: date) -> bool:
        """True when people work on ``day``: a make-up day, or a weekday that is not a day off."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


MONDAY_TO_FRIDAY = WorkCalendar()


def merge(base: WorkCalendar, *, holidays: Iterable[date] = (), workdays: Iterable[date] = (),
          years: Iterable[int] = ()) -> WorkCalendar:
    """``base`` with extra days off and make-up working days (the administrator's table) laid over it.

    A date the table lists as a working day is worked even if the library has it as a holiday, and the
    other way round: the table is the organizer's correction of the library.
    """
    extra_holidays, extra_workdays = frozenset(holidays), frozenset(workdays)
    return WorkCalendar(
        holidays=(base.holidays - extra_workdays) | extra_holidays,
        workdays=(base.workdays - extra_holidays) | extra_workdays,
        known_years=base.known_years | frozenset(years),
    )


def working_days_after(start: date, count: int, calendar: WorkCalendar) -> list[date]:
    """The first ``count`` working days after ``start`` (the publication day itself never counts)."""
    if count < 1:
        raise ValueError("count working days must be at least 1")
    days: list[date] = []
    day = start
    for _ in range(MAX_DAYS_SEARCHED + count):
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            days.append(day)
            if len(days) == count:
                return days
    raise ValueError("no working days found within a year; check the calendar's holidays")


def notice_period_end(published_on: date, working_days: int, calendar: WorkCalendar) -> date:
    """The local date at whose midnight (00:00) a notice period of ``working_days`` ends.

    That is the day after the last counted working day: a period published on
    30 September 2025 for 5 working days ends at 00:00 on 15 October 2025.
    """
    return working_days_after(published_on, working_days, calendar)[-1] + timedelta(days=1)


def unknown_years(published_on: date, end: date, calendar: WorkCalendar) -> list[int]:
    """The years a period from ``published_on`` to ``end`` touches for which no schedule is known."""
    return [year for year in range(published_on.year, end.year + 1) if year not in calendar.known_years]
