"""Qualification from a preliminary to the final: top N with ties at the N-th place, top fractions, exclusions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competitions.domain.awards import FractionRounding
from competitions.domain.errors import RuleViolation
from competitions.domain.qualification import QualificationReason as R
from competitions.domain.qualification import QualificationRule, qualifiers
from competitions.domain.ranking import RankEntry, rank_with_ties


def standing(*totals, failed=(), absent=(), dq=()):
    return rank_with_ties([RankEntry(i, None if i in absent else Decimal(t), passed=False if i in failed else None,
                                     absent=i in absent, disqualified=i in dq)
                           for i, t in enumerate(totals, start=1)])


def outcome(ranking, rule):
    return {q.competitor_id: (q.qualified, q.reason) for q in qualifiers(ranking, rule)}


@pytest.mark.parametrize("totals, top, qualified", [
    ([90, 80, 70, 60, 50], 3, {1, 2, 3}),
    ([90, 80, 70, 70, 50], 3, {1, 2, 3, 4}),      # tied at the 3rd place: both go (4 qualify)
    ([90, 80, 80, 80, 50], 2, {1, 2, 3, 4}),      # three share 2nd: all go
    ([90, 90, 80, 70, 50], 1, {1, 2}),
    ([90, 80, 70, 70, 50], 2, {1, 2}),            # a tie just below the cut stays out
    ([90, 80], 5, {1, 2}),                        # fewer entrants than places
])
def test_top_n_with_ties_at_every_cut(totals, top, qualified):
    result = outcome(standing(*totals), QualificationRule(top=top))
    assert {cid for cid, (ok, _) in result.items() if ok} == qualified


def test_reasons_say_who_goes_by_the_tie():
    result = outcome(standing(90, 80, 70, 70, 50), QualificationRule(top=3))
    assert result == {1: (True, R.WITHIN_CUT), 2: (True, R.WITHIN_CUT), 3: (True, R.TIED_AT_CUT),
                      4: (True, R.TIED_AT_CUT), 5: (False, R.BELOW_CUT)}
    first = qualifiers(standing(90, 80, 70, 70, 50), QualificationRule(top=3))[0]
    assert (first.cut, first.qualifiers) == (3, 4)


@pytest.mark.parametrize("entrants, percent, rounding, cut", [
    (11, 50, FractionRounding.DOWN, 5), (11, 50, FractionRounding.UP, 6), (11, 50, FractionRounding.NEAREST, 6),
    (10, 50, FractionRounding.DOWN, 5), (10, 50, FractionRounding.UP, 5), (7, 10, FractionRounding.DOWN, 1),
])
def test_top_fraction_rounding_odd_and_even(entrants, percent, rounding, cut):
    totals = [100 - i for i in range(entrants)]
    result = qualifiers(standing(*totals), QualificationRule(percent=percent, rounding=rounding))
    assert sum(q.qualified for q in result) == cut and result[0].cut == cut


def test_did_not_pass_absent_and_disqualified_never_qualify_and_move_the_cut_down():
    ranking = standing(95, 90, 80, 70, 60, 0, failed=(1,), absent=(6,), dq=(5,))
    result = outcome(ranking, QualificationRule(top=2))
    assert result == {2: (True, R.WITHIN_CUT), 3: (True, R.WITHIN_CUT), 1: (False, R.DID_NOT_PASS),
                      4: (False, R.BELOW_CUT), 6: (False, R.ABSENT), 5: (False, R.DISQUALIFIED)}


def test_absent_count_for_a_fraction_only_when_the_rule_says():
    ranking = standing(90, 80, 70, 0, 0, absent=(4, 5))
    assert sum(q.qualified for q in qualifiers(ranking, QualificationRule(percent=50))) == 1
    assert sum(q.qualified for q in qualifiers(ranking, QualificationRule(percent=50, absent_are_entrants=True))) == 2


@pytest.mark.parametrize("kwargs", [{}, {"top": 3, "percent": 50}, {"top": 0}, {"percent": 0}, {"percent": 101}])
def test_a_rule_must_say_one_cut(kwargs):
    with pytest.raises(RuleViolation):
        QualificationRule(**kwargs)
