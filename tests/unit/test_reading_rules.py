"""Readings that must not be averaged, check readings within a tolerance, and absence from one part (issue 10 §6-7).

Worked examples: a length read as 72.00 mm and checked as 72.05 / 72.06 with a
tolerance of 0.05; a written test (theory) missed by a competitor who sat the
practical, with and without a pass mark on the theory.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from competitions.domain import passing, scoring
from competitions.domain.readings import (
    CheckCounts,
    CheckOutcome,
    ReadingMode,
    ReadingRule,
    check_readings,
    decided_value,
    reading_refused,
    rule_problems,
)

CHECK = ReadingRule(ReadingMode.CHECK, 2, D("0.05"))


@pytest.mark.parametrize("first, second, outcome, value", [
    ("72.00", "72.00", CheckOutcome.AGREE, "72.00"),
    ("72.00", "72.05", CheckOutcome.AGREE, "72.00"),      # exactly the tolerance: agrees (inclusive)
    ("72.05", "72.00", CheckOutcome.AGREE, "72.05"),      # the first reading counts, whichever is higher
    ("72.00", "72.06", CheckOutcome.DISAGREE, None),      # 0.01 beyond: the chief judge decides
    ("72.00", "71.94", CheckOutcome.DISAGREE, None),
    ("0", "0.05", CheckOutcome.AGREE, "0"),
])
def test_check_reading_tolerance_edges(first, second, outcome, value):
    result = check_readings(CHECK, [D(first), D(second)])
    assert result.outcome is outcome
    assert result.value == (None if value is None else D(value))
    assert result.difference == abs(D(first) - D(second))


def test_check_reading_mean_and_zero_tolerance_and_waiting():
    mean = ReadingRule(ReadingMode.CHECK, 2, D("0.5"), CheckCounts.MEAN)
    assert check_readings(mean, [D("72"), D("72.5")]).value == D("72.25")
    exact = ReadingRule(ReadingMode.CHECK, 2, D("0"))
    assert check_readings(exact, [D("8"), D("8")]).outcome is CheckOutcome.AGREE
    assert check_readings(exact, [D("8"), D("8.5")]).outcome is CheckOutcome.DISAGREE
    assert check_readings(CHECK, [D("72")]).outcome is CheckOutcome.WAITING


@pytest.mark.parametrize("rule, others, own, refused", [
    (ReadingRule(), 0, False, False),          # the first reading
    (ReadingRule(), 1, False, True),           # a second judge's reading of a criterion read once
    (ReadingRule(), 1, True, False),           # the first judge corrects their own reading
    (CHECK, 1, False, False),                  # the check reading
    (CHECK, 2, False, True),                   # a third reading
])
def test_reading_refused(rule, others, own, refused):
    assert reading_refused(rule, others, own_reading=own) is refused


def test_decision_holds_only_while_the_readings_are_those_decided_on():
    seen = {7: D("72"), 8: D("73")}
    assert decided_value(seen, {7: D("72"), 8: D("73")}, 8) == D("73")
    assert decided_value(seen, {7: D("72"), 8: D("72.5")}, 8) is None   # re-read since: open again
    assert decided_value(seen, {7: D("72")}, 8) is None


@pytest.mark.parametrize("kind, mode, judges, tolerance, counts, problems", [
    ("measurement", "once", 1, None, "first", []),
    ("measurement", "check", 2, D("0.05"), "mean", []),
    ("judgement", "check", 2, D("1"), "first", ["Only a measurement criterion can have a check reading."]),
    ("measurement", "check", 1, D("1"), "first", ["A check reading needs exactly 2 judges on the criterion."]),
    ("measurement", "check", 2, None, "first", ["Give the tolerance between the reading and the check reading."]),
    ("measurement", "check", 2, D("-1"), "first",
     ["The tolerance must be from 0 up to the criterion's maximum mark."]),
    ("measurement", "check", 2, D("101"), "first",
     ["The tolerance must be from 0 up to the criterion's maximum mark."]),
    ("measurement", "twice", 2, None, "first", ["Unknown reading mode %(value)s."]),
])
def test_reading_settings_are_checked(kind, mode, judges, tolerance, counts, problems):
    assert [m for m, _ in rule_problems(kind, mode, judges, tolerance, counts, D(100))] == problems


# --- scoring with check readings and absent parts ---------------------------------------------------

def _scheme(check: ReadingRule | None = None):
    return scoring.MarkingScheme(
        parts=[scoring.Part("theory", 30), scoring.Part("practical", 70)],
        criteria=[scoring.Criterion(1, "theory", D(100), "measurement", judges_required=2 if check else 1,
                                    code="T1", reading=check),
                  scoring.Criterion(2, "practical", D(100), "judgement", code="P1")])


def test_agreeing_check_readings_count_the_first_and_disagreeing_ones_are_named():
    rule = ReadingRule(ReadingMode.CHECK, 2, D("0.5"))
    marks = [scoring.Mark(1, 1, 10, D("80")), scoring.Mark(1, 1, 11, D("80.5")), scoring.Mark(1, 2, 12, D("90")),
             scoring.Mark(2, 1, 10, D("80")), scoring.Mark(2, 1, 11, D("83")), scoring.Mark(2, 2, 12, D("90"))]
    scores = scoring.score_event(_scheme(rule), marks, competitor_ids=[1, 2])
    first, second = scores.scores
    assert first.total == D("87.00")   # 80 x 30 % + 90 x 70 %: the first reading, not the mean
    assert second.total is None
    (problem,) = scores.problems
    assert problem.code is scoring.ProblemCode.CHECK_DISAGREEMENT and problem.competitor_id == 2
    assert problem.params["readings"] == "10: 80, 11: 83" and problem.params["judges"] == (10, 11)
    assert problem.params["difference"] == D(3) and problem.params["tolerance"] == D("0.5")
    # The chief judge kept the check reading: 83 counts.
    decided = scoring.score_event(_scheme(rule), marks, competitor_ids=[1, 2], decided={2: {1: D("83")}})
    assert not decided.problems and decided.scores[1].total == D("87.90")


def test_a_check_reading_still_missing_is_a_missing_mark_not_a_disagreement():
    rule = ReadingRule(ReadingMode.CHECK, 2, D("0.5"))
    scores = scoring.score_event(_scheme(rule), [scoring.Mark(1, 1, 10, D("80")), scoring.Mark(1, 2, 12, D("90"))],
                                 competitor_ids=[1])
    assert [p.code for p in scores.problems] == [scoring.ProblemCode.TOO_FEW_JUDGES]


def test_absent_from_the_theory_part_scores_zero_there_and_owes_no_marks():
    # Competitor 1 missed the written test but sat the practical (90): 0 x 30 % + 90 x 70 % = 63.
    marks = [scoring.Mark(1, 2, 12, D("90")), scoring.Mark(2, 1, 10, D("80")), scoring.Mark(2, 2, 12, D("90"))]
    scores = scoring.score_event(_scheme(), marks, competitor_ids=[1, 2], absent_parts={1: {"theory"}})
    assert not scores.problems
    away = scores.scores[0]
    assert away.status is scoring.ScoreStatus.SCORED and away.total == D("63.00")
    assert away.part_marks == {"theory": D("0.00"), "practical": D("90.00")}
    # Without a pass mark on the theory they are ranked on 63; with one (60) they did not pass.
    no_pass = passing.PassRule(part_marks={})
    assert not no_pass.applies
    with_pass = passing.PassRule(part_marks={"theory": D(60)})
    outcome = passing.judge_pass(with_pass, away.part_marks, away.total)
    assert outcome.passed is False and outcome.parts == {"theory": False}


def test_a_reading_recorded_for_an_absent_part_does_not_count():
    marks = [scoring.Mark(1, 1, 10, D("80")), scoring.Mark(1, 2, 12, D("90"))]
    scores = scoring.score_event(_scheme(), marks, competitor_ids=[1], absent_parts={1: ["theory"]})
    assert scores.scores[0].total == D("63.00")


def test_a_third_check_reading_is_a_problem_never_ignored():
    rule = ReadingRule(ReadingMode.CHECK, 2, D("0.5"))
    marks = [scoring.Mark(1, 1, 10, D("80")), scoring.Mark(1, 1, 11, D("80")), scoring.Mark(1, 1, 13, D("60")),
             scoring.Mark(1, 2, 12, D("90"))]
    scores = scoring.score_event(_scheme(rule), marks, competitor_ids=[1])
    assert [p.code for p in scores.problems] == [scoring.ProblemCode.TOO_MANY_READINGS]
    assert scores.problems[0].params["readings"] == "10: 80, 11: 80, 13: 60"
