"""Rounds as pure rules: qualification at every cut, and a part carried from the preliminary into the final."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competitions.domain import scoring
from competitions.domain.awards import FractionRounding
from competitions.domain.qualification import QualificationReason as R
from competitions.domain.qualification import QualificationRule, qualifiers
from competitions.domain.ranking import RankEntry, rank_with_ties
from competitions.domain.schemes import CriterionDraft, PartDraft, SchemeDraft, validate_scheme


def standing(*totals, failed=(), absent=(), dq=()):
    return rank_with_ties([RankEntry(i, None if i in absent else Decimal(t), passed=False if i in failed else None,
                                     absent=i in absent, disqualified=i in dq)
                           for i, t in enumerate(totals, start=1)])


def qualified(ranking, rule):
    return {q.competitor_id for q in qualifiers(ranking, rule) if q.qualified}


# --- qualification: top N and top per cent, ties at the cut, odd and even counts ------------------


@pytest.mark.parametrize("totals, percent, rounding, expected", [
    # 10 entrants, 30 % -> 3; the 3rd place is shared by two: both go (4 qualify)
    ([99, 98, 97, 97, 95, 94, 93, 92, 91, 90], 30, FractionRounding.DOWN, {1, 2, 3, 4}),
    # 9 entrants (odd), 50 % = 4.5 -> down 4 / up 5 / nearest 5
    ([99, 98, 97, 96, 95, 94, 93, 92, 91], 50, FractionRounding.DOWN, {1, 2, 3, 4}),
    ([99, 98, 97, 96, 95, 94, 93, 92, 91], 50, FractionRounding.UP, {1, 2, 3, 4, 5}),
    ([99, 98, 97, 96, 95, 94, 93, 92, 91], 50, FractionRounding.NEAREST, {1, 2, 3, 4, 5}),
    # 8 entrants (even), 50 % = 4 whatever the rounding; a tie at the 4th place takes both
    ([99, 98, 97, 96, 96, 94, 93, 92], 50, FractionRounding.UP, {1, 2, 3, 4, 5}),
    # a tie straddling the cut from above: places 2-4 shared, cut 3 -> all three go
    ([99, 98, 98, 98, 95], 60, FractionRounding.DOWN, {1, 2, 3, 4}),
    # a fraction below one competitor still sends one
    ([99, 98, 97], 10, FractionRounding.DOWN, {1}),
])
def test_top_fraction_with_ties_at_the_cut(totals, percent, rounding, expected):
    assert qualified(standing(*totals), QualificationRule(percent=Decimal(percent), rounding=rounding)) == expected


def test_fraction_counts_the_absent_only_when_the_rule_says():
    ranking = standing(90, 80, 70, 60, 0, 0, absent=(5, 6))
    assert qualified(ranking, QualificationRule(percent=Decimal(50))) == {1, 2}  # 4 entrants -> 2
    assert qualified(ranking, QualificationRule(percent=Decimal(50), absent_are_entrants=True)) == {1, 2, 3}  # 6 -> 3


def test_did_not_pass_absent_disqualified_each_with_its_reason_and_the_next_moves_up():
    ranking = standing(95, 90, 85, 80, 75, 0, failed=(2,), absent=(6,), dq=(1,))
    result = {q.competitor_id: (q.qualified, q.reason) for q in qualifiers(ranking, QualificationRule(top=2))}
    assert result == {1: (False, R.DISQUALIFIED), 2: (False, R.DID_NOT_PASS), 3: (True, R.WITHIN_CUT),
                      4: (True, R.WITHIN_CUT), 5: (False, R.BELOW_CUT), 6: (False, R.ABSENT)}


# --- a part carried from the preliminary ---------------------------------------------------------


FINAL = scoring.MarkingScheme(
    parts=[scoring.Part("theory", 30, carried=True), scoring.Part("practical", 70)],
    criteria=[scoring.Criterion(1, "practical", Decimal(60)), scoring.Criterion(2, "practical", Decimal(40))])


def test_carried_part_counts_with_the_finals_weight():
    marks = [scoring.Mark(7, 1, 1, Decimal("51")), scoring.Mark(7, 2, 1, Decimal("37.5"))]  # practical 88.50
    scores = scoring.score_event(FINAL, marks, competitor_ids=[7], carried={7: {"theory": Decimal("92.25")}})
    score = scores.score_of(7)
    # 92.25 x 30 % + 88.50 x 70 % = 27.675 + 61.95 = 89.625 -> 89.63
    assert score.part_marks == {"theory": Decimal("92.25"), "practical": Decimal("88.50")}
    assert score.total == Decimal("89.63")


def test_a_finalist_without_a_carried_mark_is_a_problem_not_a_zero():
    marks = [scoring.Mark(7, 1, 1, Decimal("51")), scoring.Mark(7, 2, 1, Decimal("37.5"))]
    scores = scoring.score_event(FINAL, marks, competitor_ids=[7], carried={})
    assert scores.score_of(7).total is None
    assert [p.code for p in scores.problems] == [scoring.ProblemCode.MISSING_CARRIED]


def test_a_carried_part_takes_no_criteria_and_others_still_need_them():
    bad = scoring.MarkingScheme(parts=[scoring.Part("theory", 30, carried=True), scoring.Part("practical", 70)],
                                criteria=[scoring.Criterion(1, "theory", Decimal(100)),
                                          scoring.Criterion(2, "practical", Decimal(100))])
    assert [p["params"]["code"] for p in scoring.validate_scheme(bad)] == ["theory"]
    assert scoring.validate_scheme(FINAL) == []
    draft = SchemeDraft(parts=(PartDraft("theory", "理论", Decimal(30), carried_from="theory"),
                               PartDraft("practical", "实操", Decimal(70))),
                        criteria=(CriterionDraft("practical", "P1", "实操", Decimal(100)),))
    assert validate_scheme(draft) == []
    with_criteria = SchemeDraft(parts=draft.parts, criteria=draft.criteria + (
        CriterionDraft("theory", "T1", "笔试", Decimal(100)),))
    assert [p.message for p in validate_scheme(with_criteria)] == [
        "The part %(code)s is carried from the preliminary; it takes no criteria."]
