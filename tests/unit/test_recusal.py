"""Recusal (回避): who may not mark whom, and panels left short by it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competitions.domain.recusal import (
    CompetitorAffiliation,
    JudgeAffiliation,
    Recusal,
    RecusalPolicy,
    RecusalReason,
    Shortfall,
    eligible_judges,
    is_recused,
    panel_shortfalls,
    recused_pairs,
)

# Union tree used below: district federations 4 and 5; enterprises 17 and 18 under 4, 19 under 5.
OFF = RecusalPolicy()
ON = RecusalPolicy(recuse_same_parent=True)
INTERNAL = RecusalPolicy(recuse_same_employer=False)


def judge(employer, parent, id=1):
    return JudgeAffiliation(id, employer, parent)


def competitor(employer, parent, id=100):
    return CompetitorAffiliation(id, employer, parent)


EMP, PAR, DEC = RecusalReason.SAME_EMPLOYER, RecusalReason.SAME_PARENT, RecusalReason.DECLARED_CONFLICT
J1_C100 = {(1, 100)}


@pytest.mark.parametrize(
    ("case", "j", "c", "policy", "conflicts", "overrides", "expected"),
    [
        ("same employer", judge(17, 4), competitor(17, 4), OFF, (), (), EMP),
        ("same employer, parent rule on", judge(17, 4), competitor(17, 4), ON, (), (), EMP),
        ("sibling enterprises, parent rule off", judge(17, 4), competitor(18, 4), OFF, (), (), None),
        ("sibling enterprises, parent rule on", judge(17, 4), competitor(18, 4), ON, (), (), PAR),
        ("judge works for the competitor's district", judge(4, 1), competitor(17, 4), ON, (), (), PAR),
        ("competitor works for the judge's district", judge(17, 4), competitor(4, 1), ON, (), (), PAR),
        ("judge's district, parent rule off", judge(4, 1), competitor(17, 4), OFF, (), (), None),
        ("different districts", judge(17, 4), competitor(19, 5), ON, (), (), None),
        ("different employers, no parents known", judge(17, None), competitor(19, None), ON, (), (), None),
        ("unknown employers never match", judge(None, None), competitor(None, None), ON, (), (), None),
        ("declared conflict", judge(17, 4), competitor(19, 5), OFF, J1_C100, (), DEC),
        ("conflicts of other pairs", judge(17, 4), competitor(19, 5), OFF, {(1, 101), (2, 100)}, (), None),
        ("override lifts same employer", judge(17, 4), competitor(17, 4), ON, (), J1_C100, None),
        ("override lifts same parent", judge(17, 4), competitor(18, 4), ON, (), J1_C100, None),
        ("override lifts declared conflict", judge(17, 4), competitor(19, 5), OFF, J1_C100, J1_C100, None),
        ("override of another pair", judge(17, 4), competitor(17, 4), OFF, (), {(1, 101)}, EMP),
        ("employer reason wins over conflict", judge(17, 4), competitor(17, 4), OFF, J1_C100, (), EMP),
        ("enterprise-internal contest", judge(17, 4), competitor(17, 4), INTERNAL, (), (), None),
        ("internal contest, declared conflict", judge(17, 4), competitor(17, 4), INTERNAL, J1_C100, (), DEC),
    ],
)
def test_is_recused(case, j, c, policy, conflicts, overrides, expected):
    assert is_recused(j, c, policy, conflicts, overrides) == expected, case


def test_reason_codes_are_the_stored_strings():
    assert [r.value for r in RecusalReason] == ["same_employer", "same_parent", "declared_conflict"]


def test_recused_pairs_for_a_panel_in_judge_then_competitor_order():
    judges = [JudgeAffiliation(2, 19, 5), JudgeAffiliation(1, 17, 4)]
    competitors = [
        CompetitorAffiliation(102, 19, 5),
        CompetitorAffiliation(100, 17, 4),
        CompetitorAffiliation(101, 18, 4),
    ]
    pairs = recused_pairs(judges, competitors, ON, conflicts={(2, 101)}, overrides={(1, 101)})
    assert pairs == [
        Recusal(1, 100, RecusalReason.SAME_EMPLOYER),
        Recusal(2, 101, RecusalReason.DECLARED_CONFLICT),
        Recusal(2, 102, RecusalReason.SAME_EMPLOYER),
    ]


def test_eligible_judges_leaves_out_recused_ones_only_for_that_competitor():
    recusals = [
        Recusal(1, 100, RecusalReason.SAME_EMPLOYER),
        Recusal(3, 101, RecusalReason.DECLARED_CONFLICT),
    ]
    assert eligible_judges([3, 1, 2], 100, recusals) == [2, 3]
    assert eligible_judges([3, 1, 2], 102, recusals) == [1, 2, 3]


# Criterion 10 needs 3 judges (1-3 assigned), criterion 11 needs 1 (judge 4), criterion 12 needs 2 (judge 5).
REQUIRED = {10: 3, 11: 1, 12: 2}
ASSIGNED = {10: [1, 2, 3], 11: [4], 12: [5]}


@pytest.mark.parametrize(
    ("recusals", "expected"),
    [
        ([], [Shortfall(100, 12, 1, 2), Shortfall(101, 12, 1, 2)]),
        (
            [Recusal(1, 100, RecusalReason.SAME_EMPLOYER)],
            [Shortfall(100, 10, 2, 3), Shortfall(100, 12, 1, 2), Shortfall(101, 12, 1, 2)],
        ),
        (
            [Recusal(4, 101, RecusalReason.SAME_PARENT), Recusal(5, 101, RecusalReason.DECLARED_CONFLICT)],
            [Shortfall(100, 12, 1, 2), Shortfall(101, 11, 0, 1), Shortfall(101, 12, 0, 2)],
        ),
    ],
)
def test_panel_shortfalls(recusals, expected):
    assert panel_shortfalls(REQUIRED, ASSIGNED, [101, 100], recusals) == expected


def test_no_shortfall_when_every_panel_is_full():
    recusal = [Recusal(9, 100, RecusalReason.SAME_EMPLOYER)]  # judge 9 is not on any panel here
    assert panel_shortfalls({10: 2}, {10: [1, 2, 3]}, [100], recusal) == []


def test_shortfall_unpacks_as_the_tuple_the_chief_judge_is_shown():
    competitor_id, criterion_id, available, required = panel_shortfalls({10: 1}, {}, [100], [])[0]
    assert (competitor_id, criterion_id, available, required) == (100, 10, 0, 1)


ids = st.integers(min_value=1, max_value=4)
maybe_ids = st.none() | ids


@given(ids, maybe_ids, ids, maybe_ids, st.booleans())
def test_an_override_always_lifts_the_recusal(je, jp, ce, cp, parent_rule):
    policy = RecusalPolicy(recuse_same_parent=parent_rule)
    j, c = JudgeAffiliation(1, je, jp), CompetitorAffiliation(100, ce, cp)
    assert is_recused(j, c, policy, {(1, 100)}, {(1, 100)}) is None


@given(ids, maybe_ids, ids, maybe_ids)
def test_turning_the_parent_rule_on_only_adds_recusals(je, jp, ce, cp):
    j, c = JudgeAffiliation(1, je, jp), CompetitorAffiliation(100, ce, cp)
    if is_recused(j, c, OFF, (), ()) is not None:
        assert is_recused(j, c, ON, (), ()) is not None
