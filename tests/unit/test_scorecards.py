"""Labour competition scorecards: formulas, caps, bonus and deduction, veto, completeness, periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competitions.domain.errors import RuleViolation
from competitions.domain.scorecards import (
    AboveTarget,
    GroupSpec,
    IndicatorSpec,
    Linear,
    Scorecard,
    UnitEntries,
    assessor_recused_from_unit,
    check_judged_points,
    check_measured_value,
    combine_assessors,
    formula_from_dict,
    formula_to_dict,
    measured_points,
    milestone_periods,
    missing_entries,
    overlapping,
    regular_periods,
    score_unit,
    uncovered,
)

D = Decimal

PROGRESS = AboveTarget(target=D(100), base=D(24), per_unit_above=D(1), per_unit_below=D(2))
QUALITY = Linear(from_value=D(90), from_points=D(0), to_value=D(100), to_points=D(15))
DELAY = Linear(from_value=D(0), from_points=D(10), to_value=D(10), to_points=D(0))
SAFETY = formula_from_dict({"type": "bands", "bands": [{"at_least": 100, "points": 10}, {"at_least": 95, "points": 8},
                                                       {"at_least": "90", "points": 5}], "otherwise": 0},
                           max_points=D(10))
INJURIES = formula_from_dict({"type": "bands", "bands": [{"at_most": 0, "points": 10}, {"at_most": 1, "points": 4}]},
                             max_points=D(10))


@pytest.mark.parametrize(("formula", "value", "max_points", "points"), [
    (PROGRESS, "100", 30, "24.00"),      # at plan: the base
    (PROGRESS, "103.5", 30, "27.50"),    # +1 per percentage point above
    (PROGRESS, "110", 30, "30.00"),      # capped at the indicator's maximum
    (PROGRESS, "98", 30, "20.00"),       # -2 per point below
    (PROGRESS, "80", 30, "0.00"),        # never below 0
    (QUALITY, "90", 15, "0.00"),
    (QUALITY, "95", 15, "7.50"),
    (QUALITY, "99.99", 15, "14.99"),     # 14.985 rounded half up once
    (QUALITY, "100", 15, "15.00"),
    (QUALITY, "85", 15, "0.00"),         # flat beyond the ends
    (DELAY, "0", 10, "10.00"),           # less is better: days of delay
    (DELAY, "3", 10, "7.00"),
    (DELAY, "12", 10, "0.00"),
    (SAFETY, "100", 10, "10.00"),
    (SAFETY, "96", 10, "8.00"),
    (SAFETY, "90", 10, "5.00"),
    (SAFETY, "89.9", 10, "0.00"),        # otherwise
    (INJURIES, "0", 10, "10.00"),
    (INJURIES, "1", 10, "4.00"),
    (INJURIES, "2", 10, "0.00"),
])
def test_measured_points(formula, value, max_points, points):
    assert measured_points(formula, D(value), max_points=D(max_points)) == D(points)


@given(st.decimals(min_value=-1000, max_value=1000, allow_nan=False, places=3))
def test_measured_points_stay_within_zero_and_the_maximum(value):
    for formula in (PROGRESS, QUALITY, DELAY, SAFETY, INJURIES):
        assert D(0) <= measured_points(formula, value, max_points=D(10)) <= D(10)


@pytest.mark.parametrize("formula", [PROGRESS, QUALITY, SAFETY, INJURIES])
def test_formula_round_trips_through_json(formula):
    assert formula_from_dict(formula_to_dict(formula), max_points=D(30)) == formula


@pytest.mark.parametrize(("data", "message"), [
    (None, "needs a formula"),
    ({"type": "square"}, "needs a formula"),
    ({"type": "above_target", "target": 100, "base": 24, "per_unit_above": 1}, "needs 'per_unit_below'"),
    ({"type": "above_target", "target": 100, "base": 40, "per_unit_above": 1, "per_unit_below": 1}, "'base'"),
    ({"type": "above_target", "target": "1e400", "base": 4, "per_unit_above": 1, "per_unit_below": 1}, "'target'"),
    ({"type": "linear", "from_value": 5, "from_points": 0, "to_value": 5, "to_points": 10}, "two different"),
    ({"type": "bands", "bands": []}, "between 1 and"),
    ({"type": "bands", "bands": [{"points": 3}]}, "exactly one"),
    ({"type": "bands", "bands": [{"at_least": 1, "at_most": 3, "points": 3}]}, "exactly one"),
    ({"type": "bands", "bands": [{"at_least": 1, "points": 31}]}, "'points'"),
])
def test_bad_formulas_are_refused_with_a_reason(data, message):
    with pytest.raises(RuleViolation) as caught:
        formula_from_dict(data, max_points=D(30))
    assert message in str(caught.value)


@pytest.mark.parametrize(("points", "ok"), [("0", True), ("8.5", True), ("10", True), ("10.5", False),
                                            ("-0.5", False), ("8.25", False), ("8.001", False)])
def test_judged_points_within_the_maximum_in_steps(points, ok):
    if ok:
        assert check_judged_points(D(points), max_points=D(10), step=D("0.5")) == D(points)
    else:
        with pytest.raises(RuleViolation):
            check_judged_points(D(points), max_points=D(10), step=D("0.5"))


@pytest.mark.parametrize(("value", "low", "high", "ok"), [
    ("100", "0", "200", True), ("200.1", "0", "200", False), ("-1", "0", None, False), ("1e3", None, None, True)])
def test_measured_value_within_its_range(value, low, high, ok):
    low = None if low is None else D(low)
    high = None if high is None else D(high)
    if ok:
        check_measured_value(D(value), value_min=low, value_max=high)
    else:
        with pytest.raises(RuleViolation, match="between"):
            check_measured_value(D(value), value_min=low, value_max=high)


@pytest.mark.parametrize(("points", "aggregation", "combined"), [
    ([], "mean", "0"),
    (["8"], "mean", "8.00"),
    (["8", "9", "9"], "mean", "8.67"),                    # rounded once, half up
    (["2", "8", "9", "9", "10"], "trimmed", "8.67"),       # five: drop one highest and one lowest
    (["2", "8", "9", "10"], "trimmed", "7.25"),            # four: plain mean
])
def test_combine_assessors(points, aggregation, combined):
    assert combine_assessors([D(p) for p in points], aggregation) == D(combined)


CARD = Scorecard(
    groups=(GroupSpec(1, "org", D(20)), GroupSpec(2, "progress", D(30)), GroupSpec(3, "safety", D(15))),
    indicators=(IndicatorSpec(11, 1), IndicatorSpec(12, 1), IndicatorSpec(21, 2), IndicatorSpec(22, 2),
                IndicatorSpec(31, 3)),
    bonus_cap=D(5), deduction_cap=D(10))


def entries(unit_id=1, *, bonuses=(), deductions=(), vetoes=(), **points):
    return UnitEntries(unit_id=unit_id, unit_code=f"S{unit_id}", unit_name=f"Section {unit_id}",
                       points={int(k[1:]): [D(p) for p in v] for k, v in points.items()},
                       bonuses=tuple(D(b) for b in bonuses), deductions=tuple(D(d) for d in deductions),
                       veto_reasons=tuple(vetoes))


FULL = {"i11": ["10"], "i12": ["8"], "i21": ["20"], "i22": ["15"], "i31": ["12"]}


@pytest.mark.parametrize(("kwargs", "groups", "bonus", "deduction", "total"), [
    # progress 20 + 15 = 35 is capped at the group's 30: extra points never spill into another group
    ({}, {"org": "18", "progress": "30", "safety": "12"}, "0", "0", "60.00"),
    ({"bonuses": ["2", "1.5"]}, {"org": "18"}, "3.5", "0", "63.50"),
    ({"bonuses": ["4", "3"]}, {}, "5", "0", "65.00"),                 # the bonus cap (5 a period)
    ({"deductions": ["2"]}, {}, "0", "2", "58.00"),
    ({"deductions": ["8", "6"]}, {}, "0", "10", "50.00"),             # the deduction cap
    ({"bonuses": ["3"], "deductions": ["1"]}, {}, "3", "1", "62.00"),
])
def test_score_unit_caps_groups_bonus_and_deduction(kwargs, groups, bonus, deduction, total):
    score = score_unit(CARD, entries(**FULL, **kwargs))
    for code, subtotal in groups.items():
        assert score.group(code) == D(subtotal)
    assert (score.bonus, score.deduction, score.total) == (D(bonus), D(deduction), D(total))
    assert score.complete and not score.vetoed
    assert score.indicator_points == D("60")


def test_total_never_below_zero():
    card = Scorecard(groups=CARD.groups, indicators=CARD.indicators, deduction_cap=None)
    score = score_unit(card, entries(i11=["1"], deductions=["5"]))
    assert score.total == D("0.00")


def test_a_veto_keeps_the_score_and_its_reasons():
    score = score_unit(CARD, entries(**FULL, vetoes=("Fall from height, one injured (supervisor notice 12)",)))
    assert score.vetoed and score.total == D("60.00")
    assert score.veto_reasons == ("Fall from height, one injured (supervisor notice 12)",)


def test_missing_indicators_make_the_unit_incomplete():
    score = score_unit(CARD, entries(i11=["10"], i21=["20", "22"]))
    assert not score.complete and score.missing == 3
    assert score.group("progress") == D("21") and score.total == D("31.00")


def test_several_assessors_are_combined_per_indicator_before_the_group_sum():
    score = score_unit(CARD, entries(i11=["9", "10", "10"], i12=["8"]))
    assert score.indicators[11] == D("9.67") and score.group("org") == D("17.67")


def test_missing_and_uncovered_entries():
    expected = [(1, 11, 7), (1, 11, 8), (2, 11, 7)]
    assert missing_entries(expected, [(1, 11, 7)]) == [(1, 11, 8), (2, 11, 7)]
    assert uncovered([(1, 11), (2, 11), (2, 12)], expected) == [(2, 12)]


@pytest.mark.parametrize(("start", "end", "cadence", "names", "last_end"), [
    (date(2026, 1, 10), date(2026, 3, 31), "month", ["2026-01", "2026-02", "2026-03"], date(2026, 3, 31)),
    (date(2026, 2, 1), date(2026, 3, 20), "half_month", ["2026-02 1-15", "2026-02 16-28", "2026-03 1-15",
                                                           "2026-03 16-31"], date(2026, 3, 20)),
    (date(2028, 2, 16), date(2028, 2, 29), "half_month", ["2028-02 16-29"], date(2028, 2, 29)),
    (date(2026, 2, 15), date(2026, 12, 31), "quarter", ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"],
     date(2026, 12, 31)),
])
def test_regular_periods(start, end, cadence, names, last_end):
    spans = regular_periods(start, end, cadence)
    assert [s.name for s in spans] == names
    assert spans[0].starts_on == start and spans[-1].ends_on == last_end
    assert [s.number for s in spans] == list(range(1, len(names) + 1))
    assert not overlapping([(s.starts_on, s.ends_on) for s in spans])
    assert all((b.starts_on - a.ends_on).days == 1 for a, b in zip(spans, spans[1:], strict=False))


def test_regular_periods_refuse_a_bad_cadence_or_dates():
    with pytest.raises(RuleViolation):
        regular_periods(date(2026, 1, 1), date(2026, 2, 1), "week")
    with pytest.raises(RuleViolation):
        regular_periods(date(2026, 3, 1), date(2026, 2, 1), "month")


def test_milestone_periods():
    spans = milestone_periods(date(2026, 1, 1), [(date(2026, 3, 15), "Station 3 topped out"),
                                                 (date(2026, 6, 30), "Tunnel holed through")])
    assert [(s.starts_on, s.ends_on) for s in spans] == [(date(2026, 1, 1), date(2026, 3, 15)),
                                                         (date(2026, 3, 16), date(2026, 6, 30))]
    with pytest.raises(RuleViolation):
        milestone_periods(date(2026, 1, 1), [(date(2026, 3, 15), "a"), (date(2026, 3, 15), "b")])


@pytest.mark.parametrize(("assessor", "unit", "enterprise", "recused"), [
    ("/1/4/17/", "/1/4/17/", True, True),        # employed by the unit's own organization
    ("/1/4/17/30/", "/1/4/17/", False, True),    # a team below the unit's organization
    ("/1/4/", "/1/4/17/", False, False),         # a district federation above the unit
    ("/1/4/", "/1/4/17/", True, True),           # the group company above its project department
    ("/1/5/", "/1/4/17/", True, False),          # another enterprise
    (None, "/1/4/17/", False, False),            # no organization known
    ("/1/4/17/", None, False, False),            # the unit has no organization in the tree
    ("/1/41/", "/1/4/", True, False),            # a path prefix by digits is not a subtree
])
def test_assessor_recused_from_unit(assessor, unit, enterprise, recused):
    assert assessor_recused_from_unit(assessor, unit, assessor_org_is_enterprise=enterprise) is recused


@pytest.mark.parametrize(("assessor", "unit", "recused"), [
    ("/1/4/18/", "/1/4/17/", True),     # another enterprise of the same district
    ("/1/4/", "/1/4/17/", True),        # the district federation above the unit's enterprise
    ("/1/5/18/", "/1/4/17/", False),    # an enterprise of another district
    ("/1/", "/1/4/17/", False),         # the city federation
    ("/1/5/", "/1/4/", True),           # two districts of one city: siblings under the city
])
def test_same_parent_recusal_when_the_competition_asks_for_it(assessor, unit, recused):
    assert assessor_recused_from_unit(assessor, unit, same_parent=True) is recused
    assert assessor_recused_from_unit(assessor, unit, same_parent=False) is (assessor.startswith(unit))


def test_bands_typed_one_per_line():
    from competitions.domain.scorecards import bands_from_text, bands_to_text

    bands = bands_from_text(">= 100 : 8\n\n≥95：6\n<= 1 = 4\n")
    assert bands == [{"at_least": "100", "points": "8"}, {"at_least": "95", "points": "6"},
                     {"at_most": "1", "points": "4"}]
    formula = formula_from_dict({"type": "bands", "bands": bands}, max_points=D(10))
    assert bands_from_text(bands_to_text(formula.bands)) == bands
    with pytest.raises(RuleViolation, match="line 2"):
        bands_from_text(">= 100 : 8\nabove 95 gives 6")
