"""Issue 10 §4-§5 worked examples: precision and figures that add up, tie-breaks on the part's own mark,
fractions rounded as rules say, honourable mentions in every mode, dense places, decisions only at boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competitions.domain import scoring
from competitions.domain.awards import (
    AwardMethod,
    AwardRule,
    FractionRounding,
    Prize,
    assign_awards,
    boundary_ties,
    prize_counts,
    proportion_count,
    share_undecisive_ties,
)
from competitions.domain.ranking import (
    RankEntry,
    RankStyle,
    TieMode,
    entries_from_scores,
    rank_with_ties,
    renumber,
    standing_chain,
)

D = Decimal
F, S, T, H = Prize.FIRST, Prize.SECOND, Prize.THIRD, Prize.HONOURABLE


def two_part_scheme(precision=2, practical_max=100):
    return scoring.MarkingScheme(
        [scoring.Part("theory", 30), scoring.Part("practical", 70)],
        [scoring.Criterion(1, "theory", 100), scoring.Criterion(2, "practical", practical_max)],
        precision=precision,
    )


# --- §4 ties on the figures the rule names; totals formed from the published part marks ---------


def test_practical_tie_break_compares_the_practical_mark_not_its_rounded_weighted_share():
    # Equal totals (theory adjusted), practical 88.46 and 88.45 at 70 %: weighted 61.922 and 61.915 are both 61.92.
    scheme = two_part_scheme()
    marks = [scoring.Mark(1, 1, 9, D("80.00")), scoring.Mark(1, 2, 9, D("88.46")),
             scoring.Mark(2, 1, 9, D("80.02")), scoring.Mark(2, 2, 9, D("88.45"))]
    scores = scoring.score_event(scheme, marks)
    assert scores.score_of(1).part_scores["practical"] == scores.score_of(2).part_scores["practical"] == D("61.92")
    assert scores.score_of(1).total == scores.score_of(2).total == D("85.92")
    ranking = rank_with_ties(entries_from_scores(scores), standing_chain(["part:practical"]))
    assert [(e.competitor_id, e.rank, e.tied) for e in ranking.entries] == [(1, 1, False), (2, 2, False)]


@pytest.mark.parametrize("precision, theory, practical, marks, total", [
    # The total is formed from the published part marks: 80.33 x 30 % + 88.46 x 70 % = 24.099 + 61.922 = 86.021.
    (2, "80.33", "88.46", {"theory": D("80.33"), "practical": D("88.46")}, D("86.02")),
    (1, "80.33", "88.46", {"theory": D("80.3"), "practical": D("88.5")}, D("86.0")),  # 24.09 + 61.95 = 86.04
    (0, "80.5", "88.4", {"theory": D("81"), "practical": D("88")}, D("86")),  # 24.3 + 61.6 = 85.9 -> 86
    (3, "80.33", "88.46", {"theory": D("80.330"), "practical": D("88.460")}, D("86.021")),
])
def test_precision_rounds_each_published_figure_once(precision, theory, practical, marks, total):
    scheme = two_part_scheme(precision)
    score = scoring.score_event(scheme, [scoring.Mark(1, 1, 9, D(theory)), scoring.Mark(1, 2, 9, D(practical))]
                                ).score_of(1)
    assert score.part_marks == marks
    assert score.total == total
    # Anyone can check the total from the published row: sum of mark x weight, rounded once.
    recomputed = sum(m * w / 100 for m, w in zip(marks.values(), (30, 70), strict=True))
    assert scoring.round_to(recomputed, precision) == total


def test_a_part_out_of_150_is_published_out_of_100():
    score = scoring.score_event(two_part_scheme(practical_max=150),
                                [scoring.Mark(1, 1, 9, 90), scoring.Mark(1, 2, 9, D("132"))]).score_of(1)
    assert score.part_marks["practical"] == D("88.00")
    assert score.total == D("88.60")  # 27 + 61.6


def test_precision_outside_0_to_3_is_refused():
    problems = scoring.validate_scheme(two_part_scheme(precision=4))
    assert any(p["field"] == "precision" for p in problems)


# --- §5 fractions, honourable mentions, dense places, ties that decide something -------------------


@pytest.mark.parametrize("entrants, percent, rounding, count", [
    (11, 50, FractionRounding.DOWN, 5),
    (11, 50, FractionRounding.UP, 6),      # "within the top half, inclusive"
    (11, 50, FractionRounding.NEAREST, 6),  # 5.5 half up
    (10, 50, FractionRounding.DOWN, 5),
    (10, 50, FractionRounding.UP, 5),
    (10, 50, FractionRounding.NEAREST, 5),
    (9, 15, FractionRounding.NEAREST, 1),  # 1.35
    (9, 15, FractionRounding.UP, 2),
    (8, 10, FractionRounding.DOWN, 1),     # 0.8: at least one prize is promised
    (3, 100, FractionRounding.UP, 3),
])
def test_proportion_rounding(entrants, percent, rounding, count):
    assert proportion_count(entrants, D(percent), rounding) == count


@pytest.mark.parametrize("rule, entrants, counts", [
    (AwardRule(AwardMethod.RANK_BANDS, 1, 2, 3, honourable=4), 20, {F: 1, S: 2, T: 3, H: 4}),
    (AwardRule(AwardMethod.PROPORTIONS, 10, 20, 30, honourable=15, rounding="up"), 11, {F: 2, S: 3, T: 4, H: 2}),
    (AwardRule(AwardMethod.MEDALS), 11, {F: 1, S: 1, T: 1, H: 2}),
])
def test_honourable_mention_in_every_mode(rule, entrants, counts):
    assert prize_counts(rule, entrants) == counts


def test_honourable_band_follows_the_third_prize():
    ranking = rank_with_ties([RankEntry(i, D(100 - i)) for i in range(1, 7)])
    rule = AwardRule(AwardMethod.RANK_BANDS, 1, 1, 1, honourable=2)
    assert [a.prize for a in assign_awards(ranking, rule)] == [F, S, T, H, H, None]


@pytest.mark.parametrize("style, ranks", [
    (RankStyle.STANDARD, [1, 2, 2, 4, 5, 5, 5, 8]),
    (RankStyle.DENSE, [1, 2, 2, 3, 4, 4, 4, 5]),
])
def test_standard_and_dense_places(style, ranks):
    totals = [90, 80, 80, 70, 60, 60, 60, 50]
    ranking = rank_with_ties([RankEntry(i, D(t)) for i, t in enumerate(totals, start=1)])
    renumbered = renumber(ranking, style)
    assert [e.rank for e in renumbered.entries] == ranks
    # Prizes go by position whatever the numbering: 1 first, 2 second, 2 third (bands 1/2/3 cover positions 1-6).
    rule = AwardRule(AwardMethod.RANK_BANDS, 1, 2, 3)
    assert [a.prize for a in assign_awards(renumbered, rule)] == [F, S, S, T, T, T, T, None]


def _no_tied_places(totals):
    return rank_with_ties([RankEntry(i, D(t)) for i, t in enumerate(totals, start=1)], mode=TieMode.NO_TIED_PLACES)


@pytest.mark.parametrize("totals, needed", [
    # Bands 1/1/1: a tie at places 1-2 decides first vs second; a tie at 5-6 decides nothing.
    ([90, 90, 80, 70, 60, 60], ((1, 2),)),
    ([90, 80, 70, 60, 50, 50], ()),
    # A tie at places 3-4 straddles third prize / nothing.
    ([90, 80, 70, 70, 60, 50], ((3, 4),)),
    # A tie inside one band (second prize covers 2-3 with bands 1/2/3) decides nothing.
])
def test_no_tied_places_only_where_a_boundary_depends_on_it(totals, needed):
    ranking = _no_tied_places(totals)
    counts = prize_counts(AwardRule(AwardMethod.RANK_BANDS, 1, 1, 1), len(totals))
    assert boundary_ties(ranking, counts) == needed
    relaxed = share_undecisive_ties(ranking, boundary_ties(ranking, counts))
    assert relaxed.unresolved == needed
    shared = [e for e in relaxed.entries if e.tied and not e.unresolved]
    assert all(any(e.competitor_id in g for g in ranking.unresolved) for e in shared)


def test_a_tie_inside_one_band_needs_no_decision():
    ranking = _no_tied_places([90, 80, 80, 70])
    counts = prize_counts(AwardRule(AwardMethod.RANK_BANDS, 1, 2, 3), 4)
    assert boundary_ties(ranking, counts) == ()


def test_a_qualification_boundary_counts_too():
    ranking = _no_tied_places([90, 80, 70, 70, 60])
    counts = prize_counts(AwardRule(AwardMethod.RANK_BANDS, 1, 0, 0), 5)
    assert boundary_ties(ranking, counts) == ()
    assert boundary_ties(ranking, counts, extra_boundaries=(3,)) == ((3, 4),)
