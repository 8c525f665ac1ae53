"""The rotating red flag: holder per period, ties, vetoes, the floor, hand-over history and streaks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competitions.domain.labour_flag import (
    FlagRule,
    FlagTie,
    NoFlagReason,
    current_holders,
    flag_award,
    flag_history,
    flags_won,
    longest_streaks,
)
from competitions.domain.labour_ranking import PeriodRow, rank_period

D = Decimal


def standing(*totals: tuple[int, str] | tuple[int, str, str]):
    """A period ranking from (unit, total[, veto reason]) tuples."""
    rows = [PeriodRow(t[0], D(t[1]), vetoed=len(t) > 2, veto_reasons=t[2:]) for t in totals]
    return rank_period(rows)


@pytest.mark.parametrize(
    ("period", "rule", "holders", "reason"),
    [
        (standing((1, "95"), (2, "90")), FlagRule(), (1,), None),
        # the vetoed top scorer is skipped: the best unit without a veto receives the flag
        (standing((1, "99", "safety accident"), (2, "90"), (3, "80")), FlagRule(), (2,), None),
        # a tie at the top: nobody under NONE, both under SHARED
        (standing((1, "95"), (2, "95"), (3, "90")), FlagRule(FlagTie.NONE), (), NoFlagReason.TIED_TOP),
        (standing((2, "95"), (1, "95"), (3, "90")), FlagRule(FlagTie.SHARED), (1, 2), None),
        # a tie below the top does not matter
        (standing((1, "96"), (2, "95"), (3, "95")), FlagRule(), (1,), None),
        # nobody eligible
        (standing((1, "95", "fight"), (2, "90", "quality accident")), FlagRule(), (), NoFlagReason.NO_ELIGIBLE_UNIT),
        (standing(), FlagRule(), (), NoFlagReason.NO_ELIGIBLE_UNIT),
        # the floor: the best unit scored under it
        (standing((1, "89.99"), (2, "80")), FlagRule(min_total=D("90")), (), NoFlagReason.BELOW_MINIMUM),
        (standing((1, "90.00"), (2, "80")), FlagRule(min_total=D("90")), (1,), None),
    ],
)
def test_flag_award(period, rule, holders, reason):
    award = flag_award(period, rule)
    assert (award.holders, award.reason) == (holders, reason)


def test_history_hands_over_keeps_and_returns_the_flag():
    periods = [
        (1, standing((1, "95"), (2, "90"))),          # unit 1 receives it
        (2, standing((1, "96"), (2, "90"))),          # unit 1 keeps it: two in a row
        (3, standing((1, "97"), (2, "91"))),          # three in a row
        (4, standing((1, "99", "fight"), (2, "92"))),  # unit 1 vetoed: handed over to unit 2
        (5, standing((1, "90", "a"), (2, "91", "b"))),  # nobody eligible: the flag returns to the organizer
        (6, standing((2, "93"), (3, "80"))),          # unit 2 again, the streak starts over
    ]
    history = flag_history(periods)
    assert [(t.period_key, t.holders, t.previous, dict(t.streaks)) for t in history] == [
        (1, (1,), (), {1: 1}),
        (2, (1,), (1,), {1: 2}),
        (3, (1,), (1,), {1: 3}),
        (4, (2,), (1,), {2: 1}),
        (5, (), (2,), {}),
        (6, (2,), (), {2: 1}),
    ]
    assert [t.handed_over for t in history] == [True, False, False, True, False, True]
    assert [t.kept for t in history] == [(), (1,), (1,), (), (), ()]
    assert history[4].reason is NoFlagReason.NO_ELIGIBLE_UNIT
    assert current_holders(history).holders == (2,)
    assert flags_won(history) == {1: 3, 2: 2}
    assert longest_streaks(history) == {1: 3, 2: 1}


def test_shared_flag_streaks_count_per_unit():
    rule = FlagRule(FlagTie.SHARED)
    history = flag_history([(1, standing((1, "95"), (2, "95"))), (2, standing((1, "95"), (2, "90")))], rule)
    assert [dict(t.streaks) for t in history] == [{1: 1, 2: 1}, {1: 2}]
    assert history[1].kept == (1,)
    assert history[1].handed_over is True  # the holders changed: unit 2 gave up its share


def test_no_period_published_means_no_holder():
    assert current_holders(flag_history([])) is None
