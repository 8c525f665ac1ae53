"""Chinese working days for notice periods: statutory holidays and make-up working days (调休)."""

from __future__ import annotations

from datetime import date

import pytest

from competitions.domain.workdays import (
    MONDAY_TO_FRIDAY,
    WorkCalendar,
    merge,
    notice_period_end,
    unknown_years,
    working_days_after,
)

# The State Council's schedules, as published (only the days that differ from Monday to Friday):
# 2025 National Day + Mid-Autumn: 1-8 Oct off; Sun 28 Sep and Sat 11 Oct worked.
NATIONAL_DAY_2025 = WorkCalendar(
    holidays={date(2025, 10, d) for d in range(1, 9)}, workdays={date(2025, 9, 28), date(2025, 10, 11)},
    known_years={2025})
# 2026 Spring Festival: 15-23 Feb off; Sat 14 Feb and Sat 28 Feb worked.
SPRING_FESTIVAL_2026 = WorkCalendar(
    holidays={date(2026, 2, d) for d in range(15, 24)}, workdays={date(2026, 2, 14), date(2026, 2, 28)},
    known_years={2026})


@pytest.mark.parametrize("calendar, published, days, ends", [
    # The reported case: published Tue 30 Sep 2025, 5 working days. Mon-Fri counting ended on 8 October,
    # every counted day inside the holiday; counted properly: 9, 10, 11 (make-up Saturday), 13, 14 October.
    (MONDAY_TO_FRIDAY, date(2025, 9, 30), 5, date(2025, 10, 8)),
    (NATIONAL_DAY_2025, date(2025, 9, 30), 5, date(2025, 10, 15)),
    # Published on Friday 26 Sep: the make-up Sunday 28 Sep counts, then Mon 29, Tue 30, then 9 and 10 Oct.
    (NATIONAL_DAY_2025, date(2025, 9, 26), 5, date(2025, 10, 11)),
    # Published during the holiday: counting starts after it.
    (NATIONAL_DAY_2025, date(2025, 10, 3), 1, date(2025, 10, 10)),
    # Spring Festival 2026: published Fri 13 Feb; Sat 14 Feb is worked, then nothing until Tue 24 Feb.
    (SPRING_FESTIVAL_2026, date(2026, 2, 13), 3, date(2026, 2, 26)),
    (SPRING_FESTIVAL_2026, date(2026, 2, 13), 5, date(2026, 2, 28)),
    # The make-up Saturday 28 Feb is the sixth working day.
    (SPRING_FESTIVAL_2026, date(2026, 2, 13), 6, date(2026, 3, 1)),
    # An ordinary week: Friday publication, five days end at midnight after the next Friday.
    (MONDAY_TO_FRIDAY, date(2026, 12, 18), 5, date(2026, 12, 26)),
])
def test_notice_period_end(calendar, published, days, ends):
    assert notice_period_end(published, days, calendar) == ends


def test_the_counted_days_are_listed():
    assert working_days_after(date(2025, 9, 30), 5, NATIONAL_DAY_2025) == [
        date(2025, 10, 9), date(2025, 10, 10), date(2025, 10, 11), date(2025, 10, 13), date(2025, 10, 14)]


def test_the_administrators_table_wins_over_the_library():
    table = merge(NATIONAL_DAY_2025, holidays={date(2025, 10, 9)}, workdays={date(2025, 10, 8)}, years={2027})
    assert table.is_working_day(date(2025, 10, 8)) and not table.is_working_day(date(2025, 10, 9))
    assert table.known_years == {2025, 2027}


def test_unknown_years_are_reported():
    assert unknown_years(date(2025, 12, 30), date(2026, 1, 8), NATIONAL_DAY_2025) == [2026]
    assert unknown_years(date(2025, 9, 30), date(2025, 10, 15), NATIONAL_DAY_2025) == []


def test_a_calendar_with_no_working_day_does_not_loop():
    every_day = WorkCalendar(holidays={date(2030, 1, 1).fromordinal(date(2030, 1, 1).toordinal() + n)
                                       for n in range(800)})
    with pytest.raises(ValueError):
        working_days_after(date(2029, 12, 31), 1, every_day)
