"""Judge consistency: deviations from the panel and dropped extremes."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from competitions.domain.consistency import judge_consistency_report
from competitions.domain.scoring import Aggregation, Criterion, Mark, MarkingScheme, Part

D = Decimal


def scheme(aggregation: Aggregation = Aggregation.MEAN, kind: str = "judgement") -> MarkingScheme:
    """One criterion (id 1) out of 10."""
    criterion = Criterion(1, "p", D(10), kind=kind, aggregation=aggregation)
    return MarkingScheme((Part("p", D(100)),), (criterion,))


def panel(competitor: int, judged: dict[int, int | str]) -> list[Mark]:
    """Marks on criterion 1 by judge id."""
    return [Mark(competitor, 1, judge, D(str(v))) for judge, v in judged.items()]


def lines(report) -> dict[int, tuple]:
    """judge -> (compared, mean abs, mean signed, trimmed panels, dropped high, dropped low)."""
    return {
        r.judge_id: (r.marks_compared, r.mean_absolute_deviation, r.mean_signed_deviation,
                     r.trimmed_panels, r.dropped_high, r.dropped_low)
        for r in report
    }


def test_deviations_from_the_panel_mean():
    # competitor 1: 7 8 9, panel 8 -> -1 0 +1; competitor 2: 6 6 9, panel 7 -> -1 -1 +2
    marks = panel(1, {11: 7, 12: 8, 13: 9}) + panel(2, {11: 6, 12: 6, 13: 9})
    assert lines(judge_consistency_report(scheme(), marks)) == {
        11: (2, D("1.00"), D("-1.00"), 0, 0, 0),
        12: (2, D("0.50"), D("-0.50"), 0, 0, 0),
        13: (2, D("1.50"), D("1.50"), 0, 0, 0),
    }


def test_deviations_from_the_panel_median():
    # 4 6 9: median 6 -> -2 0 +3
    report = judge_consistency_report(scheme(Aggregation.MEDIAN), panel(1, {1: 4, 2: 6, 3: 9}))
    assert [(r.mean_absolute_deviation, r.mean_signed_deviation) for r in report] == [
        (D("2.00"), D("-2.00")), (D("0.00"), D("0.00")), (D("3.00"), D("3.00")),
    ]


def test_dropped_marks_under_a_trimmed_aggregation():
    # panel 1: 5 7 7 8 10, trimmed mean 22 / 3: judge 21 dropped low, judge 25 dropped high
    # panel 2: 9 9 8 7 6: the highest mark is shared (nobody counted), judge 25 dropped low
    marks = panel(1, {21: 5, 22: 7, 23: 7, 24: 8, 25: 10}) + panel(2, {21: 9, 22: 9, 23: 8, 24: 7, 25: 6})
    report = lines(judge_consistency_report(scheme(Aggregation.TRIMMED), marks))
    assert {judge: line[3:] for judge, line in report.items()} == {
        21: (2, 0, 1), 22: (2, 0, 0), 23: (2, 0, 0), 24: (2, 0, 0), 25: (2, 1, 1),
    }
    # panel 2's trimmed mean is (7 + 8 + 9) / 3 = 8: judge 21 is +1 there, -7/3 in panel 1
    assert report[21][1:3] == (D("1.67"), D("-0.67"))
    assert judge_consistency_report(scheme(Aggregation.TRIMMED), marks)[4].dropped_share == D(1)


def test_a_panel_below_the_trimming_size_drops_nothing():
    report = judge_consistency_report(scheme(Aggregation.TRIMMED), panel(1, {1: 2, 2: 7, 3: 8, 4: 10}))
    assert all(r.trimmed_panels == 0 and r.dropped_high == 0 and r.dropped_low == 0 for r in report)
    assert all(r.dropped_share == 0 for r in report)
    assert [r.mean_signed_deviation for r in report] == [D("-4.75"), D("0.25"), D("1.25"), D("3.25")]


def test_measurements_and_lone_judges_are_left_out():
    assert judge_consistency_report(scheme(kind="measurement"), panel(1, {1: 5, 2: 9})) == ()
    assert judge_consistency_report(scheme(), panel(1, {1: 5}) + panel(2, {2: 9})) == ()


def test_marks_on_unknown_criteria_are_ignored():
    marks = panel(1, {1: 5, 2: 7}) + [Mark(1, 99, 1, D(1)), Mark(1, 99, 2, D(9))]
    report = judge_consistency_report(scheme(), marks)
    assert [r.mean_absolute_deviation for r in report] == [D("1.00"), D("1.00")]


@given(
    st.dictionaries(st.integers(1, 9), st.integers(0, 10), min_size=5, max_size=9),
    st.sampled_from(list(Aggregation)),
)
def test_a_unanimous_judge_never_deviates(judged, aggregation):
    value = next(iter(judged.values()))
    report = judge_consistency_report(scheme(aggregation), panel(1, dict.fromkeys(judged, value)))
    assert all(r.mean_absolute_deviation == 0 and r.dropped_high == 0 and r.dropped_low == 0 for r in report)
    assert all(str(r.mean_signed_deviation) == "0.00" for r in report)


@given(
    st.lists(st.dictionaries(st.integers(1, 7), st.integers(0, 10), min_size=2), min_size=1, max_size=4),
    st.randoms(use_true_random=False),
)
def test_the_order_of_marks_changes_nothing(panels, rng):
    marks = [m for competitor, judged in enumerate(panels) for m in panel(competitor, judged)]
    shuffled = list(marks)
    rng.shuffle(shuffled)
    for aggregation in Aggregation:
        assert judge_consistency_report(scheme(aggregation), shuffled) == judge_consistency_report(
            scheme(aggregation), marks
        )
