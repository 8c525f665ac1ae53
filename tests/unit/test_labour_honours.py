"""Final honours from the cumulative standing: counts, kinds, vetoes, ties at the cut, individual nominations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competitions.domain.errors import InvalidState, RuleViolation
from competitions.domain.labour_cumulative import CumulativeRule, VetoCount, cumulative_standing
from competitions.domain.labour_honours import (
    CutTies,
    HonourKind,
    HonourRule,
    IndividualQuota,
    NominationState,
    check_honour_rule,
    check_nominations,
    final_honours,
    individual_quotas,
    nomination_move,
)
from competitions.domain.labour_ranking import PeriodRow

D = Decimal
AC = HonourKind.ADVANCED_COLLECTIVE
WP = HonourKind.WORKERS_PIONEER


def standing(*totals):
    """A one-period cumulative standing from (unit, total[, vetoed]) tuples; a vetoed period keeps its score."""
    rows = [PeriodRow(t[0], D(t[1]), vetoed=len(t) > 2) for t in totals]
    return cumulative_standing([(1, rows)], CumulativeRule(veto=VetoCount.SCORE))


KINDS = {1: "unit", 2: "unit", 3: "team", 4: "team", 5: "unit", 6: "team"}


@pytest.mark.parametrize(
    ("period", "rules", "expected"),
    [
        # the first two units are advanced collectives
        (standing((1, "95"), (2, "90"), (3, "85"), (5, "80")), [HonourRule(AC, 2)], [(1, AC, 1), (2, AC, 2)]),
        # Workers' Pioneer goes down the standing among teams only
        (standing((1, "95"), (2, "90"), (3, "85"), (4, "80"), (6, "70")), [HonourRule(WP, 2, ("team",))],
         [(3, WP, 3), (4, WP, 4)]),
        # a vetoed unit is skipped: the honour goes to the next
        (standing((1, "95", True), (2, "90"), (5, "85")), [HonourRule(AC, 1, ("unit",))], [(2, AC, 2)]),
        # tied across the cut: both included (INCLUDE) or neither (EXCLUDE)
        (standing((1, "95"), (2, "90"), (5, "90")), [HonourRule(AC, 2, ("unit",))],
         [(1, AC, 1), (2, AC, 2), (5, AC, 2)]),
        (standing((1, "95"), (2, "90"), (5, "90")), [HonourRule(AC, 2, ("unit",), ties_at_cut=CutTies.EXCLUDE)],
         [(1, AC, 1)]),
        # a floor stops the honours early
        (standing((1, "95"), (2, "84.99"), (5, "80")), [HonourRule(AC, 3, ("unit",), min_total=D(85))], [(1, AC, 1)]),
        # two rules at once, a team may hold both when both are open to it
        (standing((3, "95"), (1, "90"), (4, "85")), [HonourRule(AC, 2), HonourRule(WP, 1, ("team",))],
         [(3, AC, 1), (1, AC, 2), (3, WP, 1)]),
        # more honours than units
        (standing((1, "95")), [HonourRule(AC, 5)], [(1, AC, 1)]),
    ],
)
def test_final_honours(period, rules, expected):
    awards = final_honours(period, [check_honour_rule(rule) for rule in rules], KINDS)
    assert [(a.unit_id, a.kind, a.rank) for a in awards] == expected


def test_a_unit_of_unknown_kind_is_never_honoured():
    assert final_honours(standing((99, "100")), [HonourRule(AC, 1)], KINDS) == ()


@pytest.mark.parametrize("rule", [HonourRule(AC, 0), HonourRule(AC, 1001), HonourRule(AC, 1, ()),
                                  HonourRule(HonourKind.ADVANCED_INDIVIDUAL, 3)])
def test_bad_honour_rules_are_refused(rule):
    with pytest.raises(RuleViolation):
        check_honour_rule(rule)


def test_individual_quotas_favour_honoured_units_and_skip_barred_ones():
    period = standing((1, "95"), (2, "90"), (5, "85", True))
    honours = final_honours(period, [HonourRule(AC, 1)], KINDS)
    assert individual_quotas(period, honours, IndividualQuota(3, 1)) == {1: 3, 2: 1}
    assert individual_quotas(period, honours, IndividualQuota(2, 0)) == {1: 2}


@pytest.mark.parametrize(
    ("people", "already", "quota", "ok"),
    [
        ([10, 11], [], 2, True),
        ([10, 11, 12], [], 2, False),  # over the quota
        ([11], [10], 2, True),
        ([11, 12], [10], 2, False),  # over the quota with the earlier nomination
        ([10], [10], 3, False),  # already named
        ([10, 10], [], 3, False),  # named twice
        ([99], [], 3, False),  # not a member
        ([], [], 0, True),
    ],
)
def test_nominations(people, already, quota, ok):
    members = {10, 11, 12}
    if ok:
        assert check_nominations(people, members, quota, already) == tuple(people)
    else:
        with pytest.raises(RuleViolation):
            check_nominations(people, members, quota, already)


@pytest.mark.parametrize(
    ("state", "action", "reason", "expected"),
    [
        ("nominated", "confirm", "", NominationState.CONFIRMED),
        ("nominated", "reject", "not a member at the time", NominationState.REJECTED),
        ("confirmed", "reject", "disciplinary case", NominationState.REJECTED),
        ("nominated", "withdraw", "", NominationState.WITHDRAWN),
        ("rejected", "reopen", "rejected by mistake", NominationState.NOMINATED),
        ("nominated", "reject", "  ", RuleViolation),
        ("confirmed", "confirm", "", InvalidState),
        ("withdrawn", "confirm", "", InvalidState),
        ("confirmed", "withdraw", "", InvalidState),
    ],
)
def test_nomination_moves(state, action, reason, expected):
    if isinstance(expected, type) and issubclass(expected, Exception):
        with pytest.raises(expected):
            nomination_move(state, action, reason)
    else:
        assert nomination_move(state, action, reason) is expected
