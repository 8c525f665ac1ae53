"""The counting rules of the yearly statistics (no app, no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from competitions.domain import statistics as rules


def _p(status="approved", final=None, competition_status="results", **extra):
    base = dict(registration_id=1, worker_id=1, employer_id=3, status=status, gender="male", birth_year=1990,
                level="city", competition_class="I", kind="skills", trade="ELEC",
                competition_status=competition_status, final=final)
    base.update(extra)
    return rules.Participation(**base)


SCORED = rules.FinalLine(scored=True)


@pytest.mark.parametrize("participation, counted, finalist, awarded", [
    (_p(final=SCORED), True, True, False),
    (_p(final=rules.FinalLine(scored=True, prize="first")), True, True, True),
    (_p(final=rules.FinalLine(scored=True, prize="honourable")), True, True, True),
    (_p(final=rules.FinalLine(scored=False)), True, False, False),                       # absent: no score
    (_p(final=rules.FinalLine(scored=True, absent=True)), True, False, False),           # marked absent
    (_p(final=rules.FinalLine(scored=False, disqualified=True)), True, True, False),     # sat, then disqualified
    (_p(final=None), True, False, False),                                                # no final results yet
    (_p(status="withdrawn", final=SCORED), False, False, False),
    (_p(status="rejected"), False, False, False),
    (_p(status="pending"), False, False, False),
    (_p(status="waitlisted"), False, False, False),
    (_p(competition_status="draft"), False, False, False),
])
def test_what_a_registration_counts_as(participation, counted, finalist, awarded):
    assert rules.is_participation(participation) is counted
    assert rules.is_finalist(participation) is finalist
    assert rules.is_awarded(participation) is awarded


@pytest.mark.parametrize("ends_on, year", [
    (date(2026, 1, 5), 2026), (date(2025, 12, 31), 2025), (date(2027, 1, 1), 2027),
])
def test_a_competition_counts_in_the_year_it_ends(ends_on, year):
    assert rules.statistics_year(ends_on) == year


@pytest.mark.parametrize("age, band", [
    (17, "to25"), (25, "to25"), (26, "26_35"), (35, "26_35"), (36, "36_45"), (45, "36_45"), (46, "46_55"),
    (55, "46_55"), (56, "56up"), (70, "56up"),
])
def test_age_bands(age, band):
    assert rules.age_band(age) == band


def test_age_is_the_age_reached_in_the_year():
    assert rules.age_in_year(1990, 2026) == 36


@pytest.mark.parametrize("current, previous, difference, percent", [
    (120, 100, 20, Decimal("20.0")), (90, 120, -30, Decimal("-25.0")), (1, 3, -2, Decimal("-66.7")),
    (5, 0, 5, None), (None, 4, None, None), (4, None, None, None),
])
def test_change_from_last_year(current, previous, difference, percent):
    result = rules.change(current, previous)
    assert (result.difference, result.percent) == (difference, percent)


@pytest.mark.parametrize("path, ancestors", [("/1/", (1,)), ("/1/4/17/", (1, 4, 17)), ("", ())])
def test_ancestors_of_path(path, ancestors):
    assert rules.ancestors_of_path(path) == ancestors


def test_tally_counts_a_worker_in_three_events_as_three_participations_and_one_worker():
    facts = [_p(registration_id=n, trade=trade, final=SCORED) for n, trade in enumerate(("ELEC", "WELD", "CNC"))]
    held = [rules.Held(10, 1, "results", "city", "I", "skills", ("ELEC", "WELD", "CNC"))]
    figures = rules.tally(2026, facts, held, {1: "/1/", 3: "/1/3/"}, {1: "", 3: "电力"})
    city, enterprise = figures[(1, "total", "")], figures[(3, "total", "")]
    assert (city.competitions, city.events, city.participations, city.workers, city.enterprises) == (1, 3, 3, 1, 1)
    assert (enterprise.competitions, enterprise.participations, enterprise.finalists) == (0, 3, 3)
    assert figures[(1, "gender", "male")].competitions is None
    assert figures[(1, "trade", "WELD")].participations == 1


@pytest.mark.parametrize("status, submitted, realized, expected", [
    ("draft", False, None, (0, 0, 0, Decimal(0))),                      # never sent
    ("submitted", True, None, (1, 0, 0, Decimal(0))),
    ("returned", True, None, (1, 0, 0, Decimal(0))),                   # back with the entrant, still submitted
    ("withdrawn", True, None, (0, 0, 0, Decimal(0))),                  # withdrawn after submission: not counted
    ("passed", True, None, (1, 0, 0, Decimal(0))),
    ("not_adopted", True, None, (1, 0, 0, Decimal(0))),
    ("adopted", True, Decimal("500"), (1, 1, 0, Decimal(0))),          # a benefit before implementation: not yet
    ("implemented", True, Decimal("12000.50"), (1, 1, 1, Decimal("12000.50"))),
    ("implemented", True, None, (1, 1, 1, Decimal(0))),                # implemented, no benefit recorded
])
def test_innovation_entry_counts(status, submitted, realized, expected):
    count = rules.innovation_count(status, submitted, realized)
    assert (count.submitted, count.adopted, count.implemented, count.benefit) == expected


@pytest.mark.parametrize("withdrawn, assessed, took_part", [
    (False, False, True), (False, True, True), (True, True, True), (True, False, False),
])
def test_a_labour_unit_withdrawn_before_any_assessment_did_not_take_part(withdrawn, assessed, took_part):
    assert rules.unit_took_part(withdrawn, assessed) is took_part


@pytest.mark.parametrize("status, assessed", [("open", False), ("assessed", True), ("signed_off", True)])
def test_periods_assessed(status, assessed):
    assert rules.period_assessed(status) is assessed


@pytest.mark.parametrize("period_years, ends_year, years", [
    ((2026, 2026, 2027), 2027, (2026, 2027)),   # a campaign over the turn of the year: both years
    ((), 2026, (2026,)),                         # no periods: the year it ends
    ((2025,), 2026, (2025,)),                    # only periods of 2025 so far
])
def test_labour_years(period_years, ends_year, years):
    assert rules.labour_years(period_years, ends_year) == years


@pytest.mark.parametrize("named, headcount, participations",
                         [(3, 50, 50), (1, 420, 420), (0, 30, 30), (5, 2, 5), (0, 0, 0)])
def test_a_unit_counts_the_larger_of_its_headcount_and_its_named_members(named, headcount, participations):
    assert rules.unit_participations(named, headcount) == participations
