"""Money rewards and penalties by rank: places, ties (each / share), the last place, vetoed units."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competitions.domain.errors import RuleViolation
from competitions.domain.labour_money import (
    MoneyReason,
    MoneyRule,
    TieMoney,
    VetoMoney,
    check_money_rule,
    money_by_rank,
    money_totals,
)
from competitions.domain.labour_ranking import PeriodRow, VetoPlacement, rank_period

D = Decimal
RULE = MoneyRule(rewards=(D(5000), D(3000)), last_place_penalty=D(2000))


def standing(*totals, veto_placement=VetoPlacement.UNPLACED):
    """A period ranking from (unit, total[, veto reason]) tuples."""
    rows = [PeriodRow(t[0], D(t[1]), vetoed=len(t) > 2, veto_reasons=t[2:]) for t in totals]
    return rank_period(rows, veto_placement=veto_placement)


def lines(period, rule):
    """(unit, rank, yuan, reason) lines."""
    return [(m.unit_id, m.rank, m.amount, m.reason.value) for m in money_by_rank(period, rule)]


@pytest.mark.parametrize(
    ("period", "rule", "expected"),
    [
        # 1st +5,000, 2nd +3,000, last -2,000, the middle nothing
        (standing((1, "95"), (2, "90"), (3, "85"), (4, "80")), RULE,
         [(1, 1, D(5000), "place"), (2, 2, D(3000), "place"), (4, 4, D(-2000), "last_place")]),
        # tied 1st, EACH: both receive 5,000; the next unit is 3rd and receives nothing
        (standing((1, "95"), (2, "95"), (3, "85"), (4, "80")), RULE,
         [(1, 1, D(5000), "place"), (2, 1, D(5000), "place"), (4, 4, D(-2000), "last_place")]),
        # tied 1st, SHARE: they split 5,000 + 3,000
        (standing((1, "95"), (2, "95"), (3, "85"), (4, "80")), MoneyRule((D(5000), D(3000)), D(2000),
                                                                         ties=TieMoney.SHARE),
         [(1, 1, D(4000), "place"), (2, 1, D(4000), "place"), (4, 4, D(-2000), "last_place")]),
        # tied 2nd across the rewarded places, SHARE: 3,000 + 0 split
        (standing((1, "95"), (2, "90"), (3, "90"), (4, "80")), MoneyRule((D(5000), D(3000)), D(2000),
                                                                         ties=TieMoney.SHARE),
         [(1, 1, D(5000), "place"), (2, 2, D(1500), "place"), (3, 2, D(1500), "place"),
          (4, 4, D(-2000), "last_place")]),
        # three share 1st of 5,000 + 3,000 + 1,000: 3,000 each; a third share is rounded to the fen
        (standing((1, "95"), (2, "95"), (3, "95")), MoneyRule((D(5000), D(3000), D(1000)), ties=TieMoney.SHARE),
         [(1, 1, D(3000), "place"), (2, 1, D(3000), "place"), (3, 1, D(3000), "place")]),
        (standing((1, "95"), (2, "95"), (3, "95")), MoneyRule((D(5000), D(3000), D(2000)), ties=TieMoney.SHARE),
         [(1, 1, D("3333.33"), "place"), (2, 1, D("3333.33"), "place"), (3, 1, D("3333.33"), "place")]),
        # tied for last: each pays the whole penalty
        (standing((1, "95"), (2, "90"), (3, "85"), (4, "80"), (5, "80")), RULE,
         [(1, 1, D(5000), "place"), (2, 2, D(3000), "place"), (4, 4, D(-2000), "last_place"),
          (5, 4, D(-2000), "last_place")]),
        # two units: the last place is rewarded, nobody pays
        (standing((1, "95"), (2, "90")), RULE, [(1, 1, D(5000), "place"), (2, 2, D(3000), "place")]),
        # a single unit: no last place
        (standing((1, "60")), MoneyRule(last_place_penalty=D(2000)), []),
        # the vetoed top scorer gets nothing (NOTHING), the last eligible unit still pays
        (standing((1, "99", "fight"), (2, "90"), (3, "85"), (4, "80")), RULE,
         [(2, 1, D(5000), "place"), (3, 2, D(3000), "place"), (4, 3, D(-2000), "last_place")]),
        # PENALTY: the vetoed unit pays the veto penalty and the last unit its own
        (standing((1, "99", "fight"), (2, "90"), (3, "85"), (4, "80")),
         MoneyRule((D(5000), D(3000)), D(2000), VetoMoney.PENALTY, D(10000)),
         [(2, 1, D(5000), "place"), (3, 2, D(3000), "place"), (4, 3, D(-2000), "last_place"),
          (1, None, D(-10000), "vetoed")]),
        # LAST_PLACE: the vetoed unit is treated as last; the worst eligible unit is no longer last
        (standing((1, "99", "fight"), (2, "90"), (3, "85"), (4, "80")),
         MoneyRule((D(5000), D(3000)), D(2000), VetoMoney.LAST_PLACE),
         [(2, 1, D(5000), "place"), (3, 2, D(3000), "place"), (1, None, D(-2000), "vetoed")]),
        # the same with the vetoed placed last in the ranking itself
        (standing((1, "99", "fight"), (2, "90"), (3, "85"), veto_placement=VetoPlacement.LAST),
         MoneyRule((D(5000),), D(2000), VetoMoney.LAST_PLACE),
         [(2, 1, D(5000), "place"), (1, 3, D(-2000), "vetoed")]),
        # no rule, no money
        (standing((1, "95"), (2, "90")), MoneyRule(), []),
    ],
)
def test_money_by_rank(period, rule, expected):
    assert lines(period, check_money_rule(rule)) == expected


def test_totals_over_periods_net_rewards_and_penalties():
    first = money_by_rank(standing((1, "95"), (2, "90"), (3, "85")), RULE)
    second = money_by_rank(standing((3, "95"), (2, "90"), (1, "85")), RULE)
    assert money_totals([first, second]) == {1: D(3000), 2: D(6000), 3: D(3000)}


@pytest.mark.parametrize(
    "rule",
    [
        MoneyRule(rewards=(D(-1),)),
        MoneyRule(rewards=(D("0.001"),)),
        MoneyRule(rewards=(D("1E+9"),)),
        MoneyRule(rewards=(D("NaN"),)),
        MoneyRule(rewards=(D(3000), D(5000))),  # 2nd worth more than 1st
        MoneyRule(last_place_penalty=D(-2000)),
        MoneyRule(veto_penalty=D("Infinity")),
    ],
)
def test_bad_amounts_are_refused(rule):
    with pytest.raises(RuleViolation):
        check_money_rule(rule)


def test_rule_that_moves_no_money_is_empty():
    assert MoneyRule().is_empty
    assert not RULE.is_empty
    assert MoneyRule(veto=VetoMoney.NOTHING, veto_penalty=D(5)).is_empty
    assert not MoneyRule(veto=VetoMoney.PENALTY, veto_penalty=D(5)).is_empty


def test_reason_is_a_stored_code():
    assert MoneyReason("last_place") is MoneyReason.LAST_PLACE
