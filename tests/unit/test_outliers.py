"""Review before sign-off: outlying marks and the completeness matrix."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competitions.domain.errors import InvalidState, RuleViolation
from competitions.domain.marks import Mark
from competitions.domain.outliers import (
    Centre,
    OutlierFlag,
    OutlierThreshold,
    check_can_sign_off,
    completeness_matrix,
    flag_outliers,
)
from competitions.domain.recusal import Recusal, RecusalReason


def panel(*values, competitor=100, criterion=10):
    """Marks of judges 1, 2, 3 ... on one competitor and criterion."""
    return [Mark(j, competitor, criterion, D(v)) for j, v in enumerate(values, start=1)]


TWO_POINTS = OutlierThreshold(points=D(2))
TWENTY_PERCENT = OutlierThreshold(fraction_of_max=D("0.2"))
MAX = {10: D(10), 11: D(20)}


MED, MEAN = Centre.MEDIAN, Centre.MEAN
TWO_AND_A_HALF = OutlierThreshold(points=D("2.5"))


@pytest.mark.parametrize(
    ("case", "criterion", "values", "threshold", "centre", "expected"),
    [
        ("one slip among five", 10, "8 8.5 3 8 7.5", TWO_POINTS, MED, [(3, "3", "-5", "8")]),
        ("all close", 10, "8 8.5 7 8 7.5", TWO_POINTS, MED, []),
        ("exactly at the threshold is not flagged", 10, "8 8 6 8", TWO_POINTS, MED, []),
        ("just beyond it is", 10, "8 8 5.99 8", TWO_POINTS, MED, [(3, "5.99", "-2.01", "8")]),
        ("too generous", 10, "6 6.5 9 6", TWO_POINTS, MED, [(3, "9", "3", "6")]),
        ("median of an even number of others", 10, "5 6 9 7 5", TWO_POINTS, MED, [(3, "9", "3.5", "5.5")]),
        # Judge 3's others are 4, 4, 10: median 4 (their 7 is 3 off), mean 6 (their 7 is 1 off).
        (
            "mean of the others",
            10,
            "4 4 7 10",
            TWO_AND_A_HALF,
            MEAN,
            [(1, "4", "-3", "7"), (2, "4", "-3", "7"), (4, "10", "5", "5")],
        ),
        (
            "median of the others",
            10,
            "4 4 7 10",
            TWO_AND_A_HALF,
            MED,
            [(1, "4", "-3", "7"), (2, "4", "-3", "7"), (3, "7", "3", "4"), (4, "10", "6", "4")],
        ),
        ("two marks: both flagged", 10, "2 9", TWO_POINTS, MED, [(1, "2", "-7", "9"), (2, "9", "7", "2")]),
        ("a lone mark is never flagged", 10, "2", TWO_POINTS, MED, []),
        ("20 % of max 10 is 2 points", 10, "8 8 5.5 8", TWENTY_PERCENT, MED, [(3, "5.5", "-2.5", "8")]),
        ("20 % of max 20 is 4 points", 11, "16 16 12.5 16", TWENTY_PERCENT, MED, []),
    ],
)
def test_flag_outliers(case, criterion, values, threshold, centre, expected):
    flags = flag_outliers(panel(*values.split(), criterion=criterion), threshold, MAX, centre)
    got = [(f.judge_id, f.value, f.deviation, f.centre) for f in flags]
    assert got == [(j, D(v), D(dev), D(c)) for j, v, dev, c in expected], case


def test_flags_name_the_judge_competitor_and_criterion():
    marks = panel("8", "8", "8") + panel("5", "5", "9", competitor=101, criterion=11)
    assert flag_outliers(marks, TWO_POINTS) == [OutlierFlag(3, 101, 11, D(9), D(4), D(5))]


def test_panels_are_judged_separately():
    # Pooled together the 8s and the 3s would be far apart; each panel on its own is unanimous.
    marks = panel("8", "8", "8", competitor=100) + panel("3", "3", "3", competitor=101)
    assert flag_outliers(marks, TWO_POINTS) == []


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"points": D(2), "fraction_of_max": D("0.2")}, {"points": D(0)}, {"fraction_of_max": D("-0.1")}],
)
def test_threshold_takes_exactly_one_positive_form(kwargs):
    with pytest.raises(RuleViolation):
        OutlierThreshold(**kwargs)


def test_two_marks_by_one_judge_on_one_panel_is_a_data_error():
    with pytest.raises(ValueError, match="two marks"):
        flag_outliers([Mark(1, 100, 10, D(5)), Mark(1, 100, 10, D(6))], TWO_POINTS)


panel_values = st.lists(st.decimals(min_value=0, max_value=10, places=1), min_size=1, max_size=7)


@given(panel_values, st.randoms(use_true_random=False), st.sampled_from(list(Centre)))
def test_permuting_judges_does_not_change_the_flags(values, rnd, centre):
    marks = [Mark(j, 100, 10, v) for j, v in enumerate(values, start=1)]
    shuffled = marks[:]
    rnd.shuffle(shuffled)
    # Relabel judges too: a flag follows the mark, not the judge's position in the list.
    relabel = dict(
        zip(range(1, len(values) + 1), rnd.sample(range(1, len(values) + 1), len(values)), strict=True)
    )
    renamed = [Mark(relabel[m.judge_id], 100, 10, m.value) for m in shuffled]

    def flagged(ms):
        return sorted((f.value, f.deviation) for f in flag_outliers(ms, TWO_POINTS, MAX, centre))

    assert flag_outliers(shuffled, TWO_POINTS, MAX, centre) == flag_outliers(marks, TWO_POINTS, MAX, centre)
    assert flagged(renamed) == flagged(marks)


# --- completeness ---------------------------------------------------------------------------------------

# Criterion 10: judges 1, 2, 3. Criterion 11: judge 4. Judge 1 is recused from competitor 101.
ASSIGNED = {10: [1, 2, 3], 11: [4]}
RECUSALS = [Recusal(1, 101, RecusalReason.SAME_EMPLOYER)]


def marks_of(*cells):
    """Marks from (judge, competitor, criterion) triples, all worth 5."""
    return [Mark(j, comp, crit, D(5)) for j, comp, crit in cells]


ALL_IN = marks_of(
    (1, 100, 10), (2, 100, 10), (3, 100, 10), (4, 100, 11), (2, 101, 10), (3, 101, 10), (4, 101, 11)
)


def test_completeness_matrix_cells():
    matrix = completeness_matrix(
        [101, 100], [11, 10], ASSIGNED, RECUSALS, ALL_IN[:-1] + marks_of((1, 101, 10))
    )
    cells = {(c.competitor_id, c.criterion_id): c for c in matrix.cells}
    assert list(cells) == [(100, 10), (100, 11), (101, 10), (101, 11)]
    assert cells[(101, 10)].expected == (2, 3)
    assert cells[(101, 10)].marked == (2, 3)
    assert cells[(101, 10)].unexpected == (1,)  # the recused judge's mark does not count
    assert cells[(101, 11)].missing == (4,)
    assert matrix.fraction == Fraction(6, 7)
    assert not matrix.is_complete


@pytest.mark.parametrize(
    ("case", "marks", "recusals", "fraction", "complete"),
    [
        ("all in", ALL_IN, RECUSALS, Fraction(1), True),
        ("nothing in", [], RECUSALS, Fraction(0), False),
        ("one missing", ALL_IN[1:], RECUSALS, Fraction(6, 7), False),
        ("without the recusal judge 1 owes one more", ALL_IN, [], Fraction(7, 8), False),
        (
            "marks outside the event are ignored",
            ALL_IN + marks_of((1, 999, 10), (1, 100, 99)),
            RECUSALS,
            Fraction(1),
            True,
        ),
        # Judge 4 recused from 100 leaves nobody on criterion 11 for them: one mark owed, never given.
        (
            "a cell with no judge blocks",
            ALL_IN[:3] + ALL_IN[4:],
            RECUSALS + [Recusal(4, 100, RecusalReason.SAME_PARENT)],
            Fraction(6, 7),
            False,
        ),
    ],
)
def test_completeness_fraction(case, marks, recusals, fraction, complete):
    matrix = completeness_matrix([100, 101], [10, 11], ASSIGNED, recusals, marks)
    assert (matrix.fraction, matrix.is_complete) == (fraction, complete), case


def test_sign_off_allowed_when_complete():
    assert check_can_sign_off(completeness_matrix([100, 101], [10, 11], ASSIGNED, RECUSALS, ALL_IN)) is None


def test_sign_off_refused_with_counts_of_missing_marks():
    marks = marks_of((1, 100, 10), (2, 100, 10), (2, 101, 10))  # judges 3 and 4 have marked nothing yet
    with pytest.raises(InvalidState) as err:
        check_can_sign_off(completeness_matrix([100, 101], [10, 11], ASSIGNED, RECUSALS, marks))
    assert str(err.value) == (
        "The event cannot be signed off yet: 4 mark(s) are missing for 2 competitor(s), owed by 2 judge(s)."
    )
    assert err.value.params["missing_by_judge"] == {3: 2, 4: 2}


def test_sign_off_refused_when_a_competitor_has_no_judge_allowed():
    recusals = RECUSALS + [Recusal(4, 101, RecusalReason.DECLARED_CONFLICT)]
    with pytest.raises(InvalidState) as err:
        check_can_sign_off(completeness_matrix([100, 101], [10, 11], ASSIGNED, recusals, ALL_IN))
    assert str(err.value) == (
        "The event cannot be signed off yet: 1 competitor/criterion pair(s) have no judge allowed "
        "to mark them; assign a judge or override a recusal."
    )


def test_sign_off_refused_for_both_reasons_at_once():
    recusals = RECUSALS + [Recusal(4, 101, RecusalReason.DECLARED_CONFLICT)]
    with pytest.raises(InvalidState) as err:
        check_can_sign_off(completeness_matrix([100, 101], [10, 11], ASSIGNED, recusals, ALL_IN[1:]))
    assert err.value.params["missing"] == 1
    assert err.value.params["unjudged"] == 1
    assert "1 mark(s) are missing for 1 competitor(s), owed by 1 judge(s), and 1 competitor/criterion" in str(
        err.value
    )


judge_ids = st.integers(1, 5)
cell = st.tuples(judge_ids, st.sampled_from([100, 101]), st.sampled_from([10, 11]))


@given(st.sets(cell), st.sets(st.tuples(judge_ids, st.sampled_from([100, 101]))))
def test_complete_exactly_when_nothing_is_missing(marked, recused_pairs):
    recusals = [Recusal(j, c, RecusalReason.DECLARED_CONFLICT) for j, c in sorted(recused_pairs)]
    matrix = completeness_matrix([100, 101], [10, 11], ASSIGNED, recusals, marks_of(*sorted(marked)))
    assert 0 <= matrix.fraction <= 1
    nothing_missing = all(c.expected and not c.missing for c in matrix.cells)
    assert matrix.is_complete == nothing_missing
