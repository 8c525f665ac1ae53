"""Cumulative standings over periods: weighted sum and mean, missing and vetoed periods, ties, honours bars."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competitions.domain.errors import RuleViolation
from competitions.domain.labour_cumulative import (
    Combine,
    CumulativeRule,
    HonoursBar,
    Missing,
    VetoCount,
    check_cumulative_rule,
    cumulative_standing,
)
from competitions.domain.labour_ranking import PeriodRow

D = Decimal


def r(unit: int, total: str, veto: bool = False, ded: str = "0") -> PeriodRow:
    """A period row."""
    return PeriodRow(unit, D(total), deductions=D(ded), vetoed=veto, veto_reasons=("accident",) if veto else ())


# three months; unit 1 joined in month 2; unit 2 was vetoed in month 3; month 3 weighs 2
PERIODS = [
    (1, [r(2, "90"), r(3, "80")]),
    (2, [r(1, "95"), r(2, "90"), r(3, "85")]),
    (3, [r(1, "95"), r(2, "96", veto=True), r(3, "88")]),
]
WEIGHTS = {3: D(2)}


def figures(standing):
    """(unit, total, rank, tied, honours eligible) in order."""
    return [(p.unit_id, p.row.total, p.rank, p.tied, p.honours_eligible) for p in standing.places]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # weighted sum, missing = 0, veto = 0: unit 1 95 + 190; unit 2 90 + 90 + 0; unit 3 80 + 85 + 176
        (CumulativeRule(Combine.WEIGHTED_SUM, WEIGHTS),
         [(3, D("341.00"), 1, False, True), (1, D("285.00"), 2, False, True), (2, D("180.00"), 3, False, False)]),
        # the vetoed period keeps its score (the veto removed only that period's awards)
        (CumulativeRule(Combine.WEIGHTED_SUM, WEIGHTS, veto=VetoCount.SCORE),
         [(2, D("372.00"), 1, False, False), (3, D("341.00"), 2, False, True), (1, D("285.00"), 3, False, True)]),
        # weighted mean, missing = 0: unit 1 (0 + 95 + 190) / 4 = 71.25
        (CumulativeRule(Combine.WEIGHTED_MEAN, WEIGHTS),
         [(3, D("85.25"), 1, False, True), (1, D("71.25"), 2, False, True), (2, D("45.00"), 3, False, False)]),
        # weighted mean, missing skipped: unit 1 (95 + 190) / 3 = 95; vetoed period skipped: unit 2 (90+90)/2
        (CumulativeRule(Combine.WEIGHTED_MEAN, WEIGHTS, Missing.SKIP, VetoCount.SKIP),
         [(1, D("95.00"), 1, False, True), (2, D("90.00"), 2, False, False), (3, D("85.25"), 3, False, True)]),
        # vetoes bar nobody from honours when the rules say so
        (CumulativeRule(Combine.WEIGHTED_MEAN, WEIGHTS, Missing.SKIP, VetoCount.SKIP, honours_veto_limit=None),
         [(1, D("95.00"), 1, False, True), (2, D("90.00"), 2, False, True), (3, D("85.25"), 3, False, True)]),
    ],
)
def test_cumulative_standing(rule, expected):
    assert figures(cumulative_standing(PERIODS, check_cumulative_rule(rule))) == expected


def test_counts_and_bars_are_reported():
    standing = cumulative_standing(PERIODS, CumulativeRule(weights=WEIGHTS), flags={3: 2, 1: 1})
    unit2 = standing.place_of(2).row
    assert (unit2.periods, unit2.vetoes, unit2.bars) == (3, 1, (HonoursBar.VETOED,))
    assert standing.place_of(1).row.periods == 2
    assert standing.place_of(3).row.flags == 2


def test_a_mean_is_rounded_once():
    # (1 x 90.01 + 2 x 90.02) / 3 = 90.01666.. -> 90.02
    periods = [(1, [r(1, "90.01")]), (2, [r(1, "90.02")])]
    rule = CumulativeRule(Combine.WEIGHTED_MEAN, {2: D(2)})
    assert cumulative_standing(periods, rule).place_of(1).row.total == D("90.02")


def test_ties_share_a_place_unless_the_chain_breaks_them():
    periods = [(1, [r(1, "90", ded="2"), r(2, "90", ded="1"), r(3, "80")])]
    assert figures(cumulative_standing(periods))[:2] == [(1, D("90.00"), 1, True, True), (2, D("90.00"), 1, True, True)]
    by_flags = cumulative_standing(periods, CumulativeRule(tie_break=("flags",)), flags={2: 1})
    assert [p.unit_id for p in by_flags.places] == [2, 1, 3]
    by_deductions = cumulative_standing(periods, CumulativeRule(tie_break=("deductions",)))
    assert [(p.unit_id, p.rank) for p in by_deductions.places] == [(2, 1), (1, 2), (3, 3)]


def test_a_unit_never_assessed_is_listed_without_a_place():
    standing = cumulative_standing([(1, [r(1, "90")])], units=[1, 9])
    assert figures(standing) == [(1, D("90.00"), 1, False, True), (9, None, None, False, False)]


def test_zero_weights_in_a_mean_give_no_total():
    standing = cumulative_standing([(1, [r(1, "90")])], CumulativeRule(Combine.WEIGHTED_MEAN, {1: D(0)}))
    assert standing.place_of(1).rank is None


def test_no_periods_no_standing():
    assert cumulative_standing([]).places == ()


@pytest.mark.parametrize(
    "rule",
    [
        CumulativeRule(weights={1: D(-1)}),
        CumulativeRule(weights={1: D("101")}),
        CumulativeRule(weights={1: D("0.0001")}),
        CumulativeRule(weights={1: D("NaN")}),
        CumulativeRule(honours_veto_limit=0),
        CumulativeRule(tie_break=("group:safety",)),
        CumulativeRule(tie_break=("flags", "flags")),
        CumulativeRule(combine="median"),
    ],
)
def test_bad_rules_are_refused(rule):
    with pytest.raises((RuleViolation, ValueError)):
        check_cumulative_rule(rule)


@pytest.mark.parametrize("withdrawn, expected", [
    # nobody withdrew: unit 2 leads on 90 + 90
    ((), [(2, D("180.00"), 1, False, True), (1, D("175.00"), 2, False, True), (3, D("165.00"), 3, False, True),
          (9, None, None, False, False)]),
    # the leader withdrew: listed apart after the placed units, with its figures, no place, no honour
    ((2,), [(1, D("175.00"), 1, False, True), (3, D("165.00"), 2, False, True), (2, D("180.00"), None, False, False),
            (9, None, None, False, False)]),
    # two withdrew: apart in the order of their totals; a unit withdrawn without a period stays with no total
    ((3, 2, 9), [(1, D("175.00"), 1, False, True), (2, D("180.00"), None, False, False),
                 (3, D("165.00"), None, False, False), (9, None, None, False, False)]),
])
def test_a_withdrawn_unit_is_listed_apart_without_a_place(withdrawn, expected):
    periods = [(1, [r(1, "80"), r(2, "90"), r(3, "80")]), (2, [r(1, "95"), r(2, "90"), r(3, "85")])]
    standing = cumulative_standing(periods, units=[1, 2, 3, 9], withdrawn=withdrawn)
    assert figures(standing) == expected
    assert {p.unit_id for p in standing.places if p.withdrawn} == set(withdrawn)
    assert all(HonoursBar.WITHDRAWN in p.row.bars for p in standing.places if p.unit_id in withdrawn)
