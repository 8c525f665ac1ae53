"""Pass marks: per part on the part's own scale, a minimum total, placement of those who did not pass, prizes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competitions.domain import scoring
from competitions.domain.awards import AwardMethod, AwardRule, Prize, assign_awards
from competitions.domain.passing import FailedPlacement, PassRule, judge_pass, part_mark, validate_pass_rule
from competitions.domain.ranking import RankEntry, entries_from_scores, rank_with_ties

D = Decimal
F, S, T = Prize.FIRST, Prize.SECOND, Prize.THIRD
PASS_60 = PassRule({"theory": 60, "practical": 60, "safety": 60})


@pytest.mark.parametrize("marks, total, rule, passed, parts", [
    # The reported case: 97 / 96 / 52 with weights 25 / 55 / 20 → total 87.45, but the third part is below 60.
    ({"theory": "97", "practical": "96", "safety": "52"}, "87.45", PASS_60, False,
     {"theory": True, "practical": True, "safety": False}),
    # Exactly the pass mark passes (">=", on the published figures).
    ({"theory": "60", "practical": "60", "safety": "60"}, "60", PASS_60, True,
     {"theory": True, "practical": True, "safety": True}),
    ({"theory": "59.99", "practical": "100", "safety": "100"}, "89.99", PASS_60, False,
     {"theory": False, "practical": True, "safety": True}),
    # A part with no pass mark is not judged; a part without a mark cannot be passed.
    ({"theory": "10", "practical": "70"}, "40", PassRule({"practical": 60}), True, {"practical": True}),
    ({"theory": "90"}, "27", PassRule({"practical": 60}), False, {"practical": False}),
    # Minimum total only.
    ({"theory": "50", "practical": "70"}, "64", PassRule(min_total=60), True, {}),
    ({"theory": "50", "practical": "60"}, "57", PassRule(min_total=60), False, {}),
    # No rule: nothing required, passed is None.
    ({"theory": "10"}, "3", PassRule(), None, {}),
])
def test_judge_pass(marks, total, rule, passed, parts):
    outcome = judge_pass(rule, {k: D(v) for k, v in marks.items()}, D(total))
    assert outcome.passed is passed
    assert outcome.parts == parts


def test_failed_parts_and_total_flag():
    outcome = judge_pass(PassRule({"theory": 60, "safety": 60}, min_total=90),
                         {"theory": D(55), "safety": D(50)}, D(70))
    assert outcome.failed_parts == ("theory", "safety")
    assert outcome.total_passed is False


def test_part_mark_is_on_the_parts_own_scale():
    # A practical part of 150 raw points: 132/150 is 88 out of 100 whatever the part's weight.
    assert part_mark(D(132), D(150)) == D(88)


def test_scoring_reports_each_parts_own_mark_beside_its_weighted_score():
    scheme = scoring.MarkingScheme(
        [scoring.Part("theory", 25), scoring.Part("practical", 55), scoring.Part("safety", 20)],
        [scoring.Criterion(1, "theory", 100), scoring.Criterion(2, "practical", 100),
         scoring.Criterion(3, "safety", 50)],
    )
    marks = [scoring.Mark(7, 1, 1, 97), scoring.Mark(7, 2, 1, 96), scoring.Mark(7, 3, 1, 26)]
    score = scoring.score_event(scheme, marks).score_of(7)
    assert score.part_scores == {"theory": D("24.25"), "practical": D("52.80"), "safety": D("10.40")}
    assert score.part_marks == {"theory": D("97.00"), "practical": D("96.00"), "safety": D("52.00")}
    assert score.total == D("87.45")
    assert judge_pass(PASS_60, score.part_marks, score.total).passed is False


# Four competitors: totals 87.45 (did not pass), 80, 71.25, 60; bands of one first, one second, one third.
TOTALS = {1: ("87.45", False), 2: ("80", True), 3: ("71.25", True), 4: ("60", True)}
BANDS = AwardRule(AwardMethod.RANK_BANDS, first=1, second=1, third=1)


def _ranking(placement: FailedPlacement, totals=TOTALS):
    entries = [RankEntry(cid, D(t), passed=ok) for cid, (t, ok) in totals.items()]
    return rank_with_ties(entries, failed_after=placement is FailedPlacement.AFTER)


@pytest.mark.parametrize("placement, places, prizes", [
    # Ranked among the others: keeps place 1, no prize; the prizes go down to those who passed.
    (FailedPlacement.RANKED, {1: 1, 2: 2, 3: 3, 4: 4}, {1: None, 2: F, 3: S, 4: T}),
    # Listed after everyone who passed.
    (FailedPlacement.AFTER, {2: 1, 3: 2, 4: 3, 1: 4}, {1: None, 2: F, 3: S, 4: T}),
])
def test_those_who_did_not_pass_get_no_prize(placement, places, prizes):
    ranking = _ranking(placement)
    assert {e.competitor_id: e.rank for e in ranking.entries} == places
    assert [e.competitor_id for e in ranking.entries] == sorted(places, key=places.get)
    assert {a.competitor_id: a.prize for a in assign_awards(ranking, BANDS)} == prizes
    assert {e.competitor_id: e.passed for e in ranking.entries} == {1: False, 2: True, 3: True, 4: True}


def test_a_tie_straddling_a_failed_competitor_keeps_the_shared_prize():
    # 2 and 3 share place 2 behind a failed leader: both take the first prize (the first passing place).
    totals = {1: ("90", False), 2: ("80", True), 3: ("80", True), 4: ("70", True)}
    ranking = _ranking(FailedPlacement.RANKED, totals)
    assert {a.competitor_id: a.prize for a in assign_awards(ranking, BANDS)} == {1: None, 2: F, 3: F, 4: T}


def test_failed_after_ranks_the_failed_among_themselves():
    totals = {1: ("90", False), 2: ("95", False), 3: ("50", True)}
    ranking = _ranking(FailedPlacement.AFTER, totals)
    assert [(e.competitor_id, e.rank) for e in ranking.entries] == [(3, 1), (2, 2), (1, 3)]


def test_entries_from_scores_carries_passed():
    scheme = scoring.MarkingScheme([scoring.Part("p", 100)], [scoring.Criterion(1, "p", 100)])
    scores = scoring.score_event(scheme, [scoring.Mark(1, 1, 1, 50), scoring.Mark(2, 1, 1, 70)])
    entries = entries_from_scores(scores, passed={1: False, 2: True})
    assert {e.competitor_id: e.passed for e in entries} == {1: False, 2: True}


@pytest.mark.parametrize("rule, message", [
    (PassRule({"welding": 60}), "which is no part of this scheme"),
    (PassRule({"theory": 0}), "must be above 0 and at most 100"),
    (PassRule({"theory": 101}), "must be above 0 and at most 100"),
    (PassRule(min_total=120), "The minimum total must be above 0 and at most 100."),
])
def test_validate_pass_rule(rule, message):
    problems = validate_pass_rule(rule, ["theory", "practical"])
    assert problems and message in problems[0]["message"]


def test_valid_pass_rule_has_no_problems():
    assert validate_pass_rule(PassRule({"theory": 60}, min_total=60), ["theory"]) == []
