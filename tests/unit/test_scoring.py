"""Scoring: panel aggregation, part weighting, deductions, problems, teams and standardisation."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competitions.domain.errors import RuleViolation
from competitions.domain.scoring import (
    Aggregation,
    Criterion,
    CriterionKind,
    Deduction,
    Mark,
    MarkingScheme,
    MeasurementMode,
    Part,
    ProblemCode,
    ScoreStatus,
    TeamAggregation,
    aggregate_panel,
    mean,
    median,
    score_event,
    standardise,
    team_score,
    trimmed_mean,
    validate_scheme,
)

D = Decimal


def ds(*values: str | int) -> list[Decimal]:
    """Decimals from literals."""
    return [D(str(v)) for v in values]


# --- aggregation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (ds(8, 9, 10), D("9")),
        (ds("7.5"), D("7.5")),
        (ds("8.5", "9.5"), D("9")),
        (ds(1, 2, 2), D("5") / 3),
    ],
)
def test_mean(values, expected):
    assert mean(values) == expected


@pytest.mark.parametrize(
    ("values", "min_judges", "expected"),
    [
        # five judges: drop 7 and 10, keep 8, 8.5, 9
        (ds(7, 8, "8.5", 9, 10), 5, D("8.5")),
        # seven judges: drop 5 and 10, keep 6 7 7 8 9 -> 37 / 5
        (ds(10, 5, 7, 6, 7, 9, 8), 5, D("7.4")),
        # four judges is below five: plain mean
        (ds(7, 8, 9, 10), 5, D("8.5")),
        # the scheme may drop extremes from three judges
        (ds(6, 8, 10), 3, D("8")),
        # tied extremes: only one of each is dropped -> (8 + 9 + 9) / 3
        (ds(9, 9, 9, 8, 8), 5, D("26") / 3),
        # a wild mark is dropped; the mean would have been 7.6
        (ds(9, 9, 9, 9, 2), 5, D("9")),
    ],
)
def test_trimmed_mean(values, min_judges, expected):
    assert trimmed_mean(values, min_judges) == expected


def test_trimmed_mean_needs_a_panel_of_three():
    with pytest.raises(ValueError):
        trimmed_mean(ds(1, 2, 3), 2)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (ds(3, 9, 7), D("7")),
        (ds(1, 2, 4, 10), D("3")),
        (ds("8.5", "9.5"), D("9")),
        (ds(5), D("5")),
        (ds(9, 9, 2, 9, 1), D("9")),
    ],
)
def test_median(values, expected):
    assert median(values) == expected


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [(Aggregation.MEAN, D("7.6")), (Aggregation.TRIMMED, D("9")), (Aggregation.MEDIAN, D("9"))],
)
def test_aggregate_panel_follows_the_scheme(aggregation, expected):
    assert aggregate_panel(ds(9, 9, 9, 9, 2), aggregation) == expected


def test_aggregation_values_are_the_stored_strings():
    assert [a.value for a in Aggregation] == ["mean", "trimmed", "median"]
    assert Aggregation("trimmed") is Aggregation.TRIMMED


@given(
    value=st.decimals(min_value=0, max_value=100, places=2),
    judges=st.integers(min_value=1, max_value=15),
    aggregation=st.sampled_from(list(Aggregation)),
)
def test_a_unanimous_panel_scores_its_mark(value, judges, aggregation):
    assert aggregate_panel([value] * judges, aggregation, 3) == value


@given(st.lists(st.decimals(min_value=0, max_value=10, places=2), min_size=1, max_size=9),
       st.sampled_from(list(Aggregation)))
def test_an_aggregate_lies_within_the_panel(values, aggregation):
    assert min(values) <= aggregate_panel(values, aggregation) <= max(values)


# --- schemes used below ----------------------------------------------------------------------------


def scheme_30_70(**criterion_options) -> MarkingScheme:
    """Theory 30 (one exam out of 100), practical 70 (two tasks out of 50)."""
    return MarkingScheme(
        parts=(Part("theory", D(30)), Part("practical", D(70))),
        criteria=(
            Criterion(1, "theory", D(100), kind=CriterionKind.MEASUREMENT, code="T1"),
            Criterion(2, "practical", D(50), code="P1", **criterion_options),
            Criterion(3, "practical", D(50), code="P2", **criterion_options),
        ),
    )


def panel(competitor: int, criterion: int, *values: str | int, first_judge: int = 1) -> list[Mark]:
    """Marks by judges first_judge, first_judge + 1, ..."""
    return [Mark(competitor, criterion, first_judge + i, D(str(v))) for i, v in enumerate(values)]


def marks_30_70(competitor: int = 1) -> list[Mark]:
    """Theory 80; practical 40 and 45 from a three-judge panel each -> 24 + 59.5."""
    return panel(competitor, 1, 80) + panel(competitor, 2, 39, 40, 41) + panel(competitor, 3, 45, 45, 45)


# --- weighting -------------------------------------------------------------------------------------


def test_parts_are_scaled_to_their_weights_30_70():
    score = score_event(scheme_30_70(), marks_30_70()).score_of(1)
    assert score.status is ScoreStatus.SCORED
    assert score.part_scores == {"theory": D("24.00"), "practical": D("59.50")}
    assert score.total == D("83.50")
    assert score.criterion_scores == {1: D("80.00"), 2: D("40.00"), 3: D("45.00")}


@pytest.mark.parametrize(
    ("parts", "criteria", "marks", "expected_parts", "expected_total"),
    [
        # 20 / 80: theory 90 of 100 -> 18; practical 50 + 30 of 60 + 40 -> 64
        (
            (("theory", 20), ("practical", 80)),
            ((1, "theory", 100), (2, "practical", 60), (3, "practical", 40)),
            {1: 90, 2: 50, 3: 30},
            {"theory": "18.00", "practical": "64.00"},
            "82.00",
        ),
        # 25 / 55 / 20: 70 of 100 -> 17.5; 33 of 40 -> 45.375; 9 of 10 -> 18
        (
            (("theory", 25), ("practical", 55), ("conduct", 20)),
            ((1, "theory", 100), (2, "practical", 40), (3, "conduct", 10)),
            {1: 70, 2: 33, 3: 9},
            {"theory": "17.50", "practical": "45.38", "conduct": "18.00"},
            "80.88",
        ),
        # one part of weight 100 marked out of 20
        (
            (("practical", 100),),
            ((1, "practical", 20),),
            {1: "17.5"},
            {"practical": "87.50"},
            "87.50",
        ),
    ],
)
def test_part_weighting_table(parts, criteria, marks, expected_parts, expected_total):
    scheme = MarkingScheme(
        parts=tuple(Part(code, D(w)) for code, w in parts),
        criteria=tuple(Criterion(cid, part, D(mx)) for cid, part, mx in criteria),
    )
    score = score_event(scheme, [Mark(1, cid, 9, D(str(v))) for cid, v in marks.items()]).score_of(1)
    assert score.part_scores == {code: D(v) for code, v in expected_parts.items()}
    assert score.total == D(expected_total)


def test_total_is_rounded_once_from_exact_part_scores():
    # each part is 36.3 / 40 x 50 = 45.375, shown 45.38; the total is 90.75, not 90.76
    scheme = MarkingScheme(
        parts=(Part("a", D(50)), Part("b", D(50))),
        criteria=(Criterion(1, "a", D(40)), Criterion(2, "b", D(40))),
    )
    score = score_event(scheme, panel(1, 1, "36.3") + panel(1, 2, "36.3")).score_of(1)
    assert score.part_scores == {"a": D("45.38"), "b": D("45.38")}
    assert score.total == D("90.75")


def test_stored_criterion_score_is_rounded_half_up():
    scheme = MarkingScheme((Part("p", D(100)),), (Criterion(1, "p", D(10)),))
    # (8 + 8 + 9) / 3 = 8.333..., (8 + 9 + 9) / 3 = 8.666...
    scores = score_event(scheme, panel(1, 1, 8, 8, 9) + panel(2, 1, 8, 9, 9))
    assert scores.score_of(1).criterion_scores[1] == D("8.33")
    assert scores.score_of(2).criterion_scores[1] == D("8.67")


def test_panels_use_each_criteria_aggregation():
    scheme = MarkingScheme(
        parts=(Part("p", D(100)),),
        criteria=(
            Criterion(1, "p", D(10), aggregation=Aggregation.TRIMMED),
            Criterion(2, "p", D(10), aggregation="median"),
            Criterion(3, "p", D(10), aggregation="mean"),
        ),
    )
    marks = panel(1, 1, 9, 9, 9, 9, 2) + panel(1, 2, 9, 9, 9, 9, 2) + panel(1, 3, 9, 9, 9, 9, 2)
    score = score_event(scheme, marks).score_of(1)
    assert score.criterion_scores == {1: D("9.00"), 2: D("9.00"), 3: D("7.60")}
    assert score.total == D("85.33")  # 25.6 / 30 x 100


@pytest.mark.parametrize(
    ("mode", "values", "expected"),
    [
        (MeasurementMode.ONCE, (72,), D("72.00")),
        (MeasurementMode.ONCE, (72, 72), D("72.00")),  # two judges recorded the same reading
        (MeasurementMode.AVERAGED, ("0.12", "0.15", "0.15"), D("0.14")),
    ],
)
def test_measurement_criteria(mode, values, expected):
    scheme = MarkingScheme(
        (Part("p", D(100)),),
        (Criterion(1, "p", D(100), kind="measurement", aggregation="trimmed", measurement_mode=mode),),
    )
    assert score_event(scheme, panel(1, 1, *values)).score_of(1).criterion_scores[1] == expected


def test_disagreeing_readings_of_a_single_measurement_are_a_problem():
    scheme = MarkingScheme((Part("p", D(100)),), (Criterion(1, "p", D(100), kind="measurement"),))
    score = score_event(scheme, panel(1, 1, 72, 74)).score_of(1)
    assert score.total is None
    assert [p.code for p in score.problems] == [ProblemCode.CONFLICTING_MEASUREMENTS]


# --- deductions and disqualification -------------------------------------------------------------


@pytest.mark.parametrize(
    ("deductions", "expected_total", "expected_deducted"),
    [
        ((), "83.50", "0.00"),
        (("5",), "78.50", "5.00"),
        (("2", "1.5"), "80.00", "3.50"),
        (("90",), "0.00", "90.00"),  # never below zero
    ],
)
def test_deductions_are_subtracted_from_the_total(deductions, expected_total, expected_deducted):
    scores = score_event(scheme_30_70(), marks_30_70(), deductions=[Deduction(1, D(d)) for d in deductions])
    score = scores.score_of(1)
    assert score.total == D(expected_total)
    assert score.deductions == D(expected_deducted)
    assert score.part_scores == {"theory": D("24.00"), "practical": D("59.50")}


def test_a_negative_deduction_is_a_problem():
    scores = score_event(scheme_30_70(), marks_30_70(), deductions=[Deduction(1, D("-3"))])
    assert scores.score_of(1).total is None
    assert [p.code for p in scores.problems] == [ProblemCode.NEGATIVE_DEDUCTION]


def test_a_disqualified_competitor_has_no_figures_and_no_problems():
    # competitor 2 was stopped after the theory exam: unfinished criteria are not chased
    marks = marks_30_70(1) + panel(2, 1, 95)
    scores = score_event(scheme_30_70(), marks, disqualified=[2])
    stopped = scores.score_of(2)
    assert stopped.status is ScoreStatus.DISQUALIFIED
    assert stopped.total is None
    assert stopped.part_scores == {}
    assert scores.is_complete


# --- problems --------------------------------------------------------------------------------------


def test_a_panel_short_after_recusal_is_reported_not_scored():
    scheme = scheme_30_70(judges_required=3)
    marks = panel(1, 1, 80) + panel(1, 2, 40, 41) + panel(1, 3, 45, 45, 45)
    scores = score_event(scheme, marks)
    score = scores.score_of(1)
    assert score.status is ScoreStatus.INCOMPLETE
    assert score.total is None
    assert score.too_few_judges and not score.missing_marks
    (problem,) = scores.problems
    assert problem.code is ProblemCode.TOO_FEW_JUDGES
    assert (problem.competitor_id, problem.criterion_id) == (1, 2)
    assert problem.params["count"] == 2 and problem.params["required"] == 3
    assert "needs 3" in problem.message % problem.params
    # the complete part is still shown, the incomplete one is not
    assert score.part_scores == {"theory": D("24.00")}
    assert score.criterion_scores == {1: D("80.00"), 3: D("45.00")}


def test_a_checked_in_competitor_without_marks_is_missing_every_criterion():
    scores = score_event(scheme_30_70(), marks_30_70(1), competitor_ids=[1, 2])
    missing = scores.score_of(2)
    assert missing.missing_marks
    assert [p.criterion_id for p in missing.problems] == [1, 2, 3]
    assert not scores.is_complete
    assert scores.score_of(1).status is ScoreStatus.SCORED


@pytest.mark.parametrize(
    ("extra_marks", "expected_codes"),
    [
        ([Mark(1, 2, 1, D("39.5"))], [ProblemCode.DUPLICATE_MARK]),  # judge 1 marked criterion 2 twice
        ([Mark(1, 2, 4, D("51"))], [ProblemCode.MARK_OUT_OF_RANGE]),
        ([Mark(1, 2, 4, D("-1"))], [ProblemCode.MARK_OUT_OF_RANGE]),
        ([Mark(1, 99, 1, D("5"))], [ProblemCode.UNKNOWN_CRITERION]),
        ([Mark(7, 2, 1, D("5"))], [ProblemCode.UNKNOWN_COMPETITOR]),
    ],
)
def test_bad_marks_are_problems(extra_marks, expected_codes):
    scores = score_event(scheme_30_70(), marks_30_70() + extra_marks, competitor_ids=[1])
    assert [p.code for p in scores.problems] == expected_codes
    assert all(p.message % p.params for p in scores.problems)


def test_competitors_come_from_the_marks_when_no_roster_is_given():
    scores = score_event(scheme_30_70(), marks_30_70(3) + marks_30_70(2), deductions=[Deduction(5, D(1))])
    assert [s.competitor_id for s in scores.scores] == [2, 3, 5]
    assert scores.score_of(5).missing_marks


@given(st.randoms(use_true_random=False))
def test_permuting_judges_and_marks_changes_nothing(rng: random.Random):
    scheme = scheme_30_70(aggregation=Aggregation.TRIMMED)
    marks = [
        Mark(c, k, j, D(rng.randint(0, 100)) / 2)
        for c in (1, 2, 3) for k in (2, 3) for j in range(1, 6)
    ] + [Mark(c, 1, 1, D(rng.randint(0, 100))) for c in (1, 2, 3)]
    relabel = dict(zip(range(1, 6), rng.sample(range(10, 20), 5), strict=True))
    permuted = [
        Mark(m.competitor_id, m.criterion_id, relabel.get(m.judge_id, m.judge_id), m.value) for m in marks
    ]
    rng.shuffle(permuted)
    assert score_event(scheme, permuted) == score_event(scheme, marks)


# --- scheme checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        (
            MarkingScheme(
                (Part("t", D(30)), Part("p", D(60))), (Criterion(1, "t", D(10)), Criterion(2, "p", D(10)))
            ),
            "Weights must add up to 100; they add up to 90.",
        ),
        (
            MarkingScheme((Part("t", D(30)), Part("p", D(70))), (Criterion(1, "t", D(10)),)),
            "The part p has no criteria.",
        ),
        (
            MarkingScheme(
                (Part("p", D(100)),), (Criterion(1, "x", D(10), code="X1"), Criterion(2, "p", D(10)))
            ),
            "Criterion X1 belongs to no part of this scheme.",
        ),
        (
            MarkingScheme((Part("p", D(100)),), (Criterion(1, "p", D(0)),)),
            "The maximum mark of 1 must be above 0.",
        ),
        (
            MarkingScheme((Part("p", D(100)),), (Criterion(1, "p", D(5)), Criterion(1, "p", D(5)))),
            "A criterion is listed twice.",
        ),
        (
            MarkingScheme((Part("p", D(100)),), (Criterion(1, "p", D(5)),), trim_min_judges=2),
            "Dropping the highest and lowest mark needs at least 3 judges.",
        ),
    ],
)
def test_unusable_schemes_are_refused(scheme, message):
    problems = validate_scheme(scheme)
    assert [p["message"] % p["params"] for p in problems] == [message]
    with pytest.raises(RuleViolation) as raised:
        score_event(scheme, [])
    assert str(raised.value) == message


def test_scheme_rows_build_from_stored_values():
    criterion = Criterion(
        4, "p", "10.5", kind="measurement", aggregation="median", measurement_mode="averaged"
    )
    assert criterion.max_mark == D("10.5")
    assert criterion.kind is CriterionKind.MEASUREMENT
    assert criterion.measurement_mode is MeasurementMode.AVERAGED
    assert Mark(1, 4, 2, 7.1).value == D("7.1")


# --- teams and standardisation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("totals", "mode", "expected"),
    [
        (ds("80.5", "70.25", "90"), TeamAggregation.SUM, D("240.75")),
        (ds("80.5", "70.25", "90"), "mean", D("80.25")),
        (ds("80", "81", "81"), TeamAggregation.MEAN, D("80.67")),
        (ds("77.7"), "sum", D("77.70")),
    ],
)
def test_team_scores(totals, mode, expected):
    assert team_score(totals, mode) == expected


def test_an_empty_team_has_no_score():
    with pytest.raises(RuleViolation):
        team_score([], TeamAggregation.SUM)


@pytest.mark.parametrize(
    ("totals", "centre", "spread", "expected"),
    [
        ({1: "60", 2: "80"}, 700, 100, {1: "600.00", 2: "800.00"}),
        # mean 70, population sd sqrt(800 / 3) = 16.3299...: z = -1.2247..., 0, 1.2247...
        ({1: "50", 2: "70", 3: "90"}, 700, 100, {1: "577.53", 2: "700.00", 3: "822.47"}),
        ({1: "60", 2: "80"}, 500, 10, {1: "490.00", 2: "510.00"}),
        ({1: "75", 2: "75", 3: "75"}, 700, 100, {1: "700.00", 2: "700.00", 3: "700.00"}),  # no spread
        ({1: "75"}, 700, 100, {1: "700.00"}),
        ({}, 700, 100, {}),
    ],
)
def test_standardise(totals, centre, spread, expected):
    result = standardise({k: D(v) for k, v in totals.items()}, centre=D(centre), spread=D(spread))
    assert result == {k: D(v) for k, v in expected.items()}


@given(st.dictionaries(st.integers(1, 50), st.decimals(min_value=0, max_value=100, places=2), min_size=2))
def test_standardising_keeps_the_order_of_totals(totals):
    standard = standardise(totals)
    for a in totals:
        for b in totals:
            if totals[a] > totals[b]:
                assert standard[a] >= standard[b]
