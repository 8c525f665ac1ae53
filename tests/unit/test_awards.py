"""Awards: rank bands, proportions and medals, ties at band boundaries, rule validation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competitions.domain.awards import (
    PRIZE_ORDER,
    AwardMethod,
    AwardRule,
    Prize,
    assign_awards,
    prize_counts,
    proportion_count,
    validate_award_rule,
)
from competitions.domain.errors import InvalidState, RuleViolation
from competitions.domain.ranking import RankEntry, TieMode, rank_with_ties

D = Decimal
F, S, T, H = Prize.FIRST, Prize.SECOND, Prize.THIRD, Prize.HONOURABLE


def ranking_of(*totals: int | str, disqualified: tuple[int, ...] = (), mode: TieMode = TieMode.SHARED):
    """A shared-places ranking of competitors 1, 2, ... with these totals."""
    entries = [RankEntry(i, D(str(t)), disqualified=i in disqualified) for i, t in enumerate(totals, start=1)]
    return rank_with_ties(entries, mode=mode)


def prizes(ranking, rule) -> list[Prize | None]:
    """Prizes by competitor id."""
    awards = sorted(assign_awards(ranking, rule), key=lambda a: a.competitor_id)
    return [a.prize for a in awards]


BANDS_1_2_3 = AwardRule(AwardMethod.RANK_BANDS, first=1, second=2, third=3)


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        # no ties: places 1 | 2-3 | 4-6
        ((90, 89, 88, 87, 86, 85, 84, 83), [F, S, S, T, T, T, None, None]),
        # a shared 3rd place straddles the second/third boundary: both get the second prize
        ((90, 89, 88, 88, 86, 85, 84, 83), [F, S, S, S, T, T, None, None]),
        # a shared 6th place at the end of the last band: both get the third prize
        ((90, 89, 88, 87, 86, 85, 85, 83), [F, S, S, T, T, T, T, None]),
        # a shared first place pushes the others down: 1, 1, 3, ...
        ((90, 90, 88, 87, 86, 85, 84), [F, F, S, T, T, T, None]),
        # fewer entrants than prizes
        ((70, 60), [F, S]),
    ],
)
def test_rank_bands(totals, expected):
    assert prizes(ranking_of(*totals), BANDS_1_2_3) == expected


def test_rank_bands_may_skip_a_prize_and_include_honourable_mentions():
    rule = AwardRule("rank_bands", first=0, second=1, third=1, honourable=2)
    assert prizes(ranking_of(90, 80, 70, 60, 50), rule) == [S, T, H, H, None]


@pytest.mark.parametrize(
    ("entrants", "percent", "expected"),
    [
        (20, "10", 2),
        (25, "10", 2),  # 2.5 -> 2: the quota is never exceeded
        (25, "30", 7),  # 7.5 -> 7
        (19, "20", 3),  # 3.8 -> 3
        (8, "10", 1),  # 0.8 -> at least one
        (1, "5", 1),
        (10, "0", 0),
        (0, "10", 0),
        (10, "100", 10),
        (3, "33.33", 1),
    ],
)
def test_proportion_count(entrants, percent, expected):
    assert proportion_count(entrants, D(percent)) == expected


def test_proportions_are_per_prize():
    # 20 entrants, 10 / 20 / 30 per cent: 2 first, 4 second, 6 third
    rule = AwardRule(AwardMethod.PROPORTIONS, first=10, second=20, third=30)
    assert prize_counts(rule, 20) == {F: 2, S: 4, T: 6, H: 0}
    got = prizes(ranking_of(*range(100, 80, -1)), rule)
    assert got == [F] * 2 + [S] * 4 + [T] * 6 + [None] * 8


def test_disqualified_win_nothing_and_are_not_counted_as_entrants():
    rule = AwardRule(AwardMethod.PROPORTIONS, first=10, second=20, third=30)
    # 11 competitors, the best disqualified: 10 entrants -> 1 first, 2 second, 3 third
    got = prizes(ranking_of(*range(100, 89, -1), disqualified=(1,)), rule)
    assert got == [None, F, S, S, T, T, T, None, None, None, None]


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        # 10 entrants: medals to places 1-3, honourable mention to places 4-5 (top half)
        ((10, 9, 8, 7, 6, 5, 4, 3, 2, 1), [F, S, T, H, H, None, None, None, None, None]),
        # 5 entrants: the top half (2) is within the medals
        ((5, 4, 3, 2, 1), [F, S, T, None, None]),
        # 9 entrants: floor(4.5) = 4
        ((9, 8, 7, 6, 5, 4, 3, 2, 1), [F, S, T, H, None, None, None, None, None]),
        # two share first: places 1, 1, 3
        ((10, 10, 8, 7, 6, 5, 4, 3, 2, 1), [F, F, T, H, H, None, None, None, None, None]),
        # a shared 5th place at the edge of the top half: both honourable
        ((10, 9, 8, 7, 6, 6, 4, 3, 2, 1), [F, S, T, H, H, H, None, None, None, None]),
    ],
)
def test_medals(totals, expected):
    assert prizes(ranking_of(*totals), AwardRule(AwardMethod.MEDALS)) == expected


def test_prizes_wait_for_the_chief_judge():
    ranking = ranking_of(90, 85, 85, mode=TieMode.NO_TIED_PLACES)
    with pytest.raises(InvalidState):
        assign_awards(ranking, BANDS_1_2_3)


def test_an_empty_event_awards_nothing():
    assert assign_awards(ranking_of(), BANDS_1_2_3) == ()


# --- rule validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "messages"),
    [
        (AwardRule("proportions", first=10, second=20, third=30), []),
        (AwardRule("rank_bands", first=1, second=2, third=3), []),
        (AwardRule("medals"), []),
        (
            AwardRule("proportions", first=50, second=40, third=20),
            ["The prize shares add up to 110 per cent; at most 100 is possible."],
        ),
        (AwardRule("proportions", first=-10, second=20), ["The amount for first cannot be negative."]),
        (AwardRule("proportions", first=150), [
            "The share for first cannot exceed 100 per cent.",
            "The prize shares add up to 150 per cent; at most 100 is possible.",
        ]),
        (AwardRule("rank_bands", first="1.5"), ["The number of places for first must be a whole number."]),
        (AwardRule("rank_bands", third=-1, first=1), ["The amount for third cannot be negative."]),
        (AwardRule("rank_bands"), ["This rule awards no prize at all."]),
    ],
)
def test_validate_award_rule(rule, messages):
    assert [p["message"] % p["params"] for p in validate_award_rule(rule)] == messages


def test_a_rule_that_does_not_fit_is_refused_when_applied():
    rule = AwardRule("proportions", first=50, second=40, third=20)
    with pytest.raises(RuleViolation) as raised:
        assign_awards(ranking_of(90, 80), rule)
    assert str(raised.value) == "The prize shares add up to 110 per cent; at most 100 is possible."
    assert raised.value.field == "method"


def test_an_unknown_method_is_refused():
    with pytest.raises(RuleViolation, match="Unknown award method"):
        AwardRule("lottery")


def test_prize_values_are_the_stored_strings():
    assert [p.value for p in PRIZE_ORDER] == ["first", "second", "third", "honourable"]


# --- property --------------------------------------------------------------------------------------

def rule_of(method: AwardMethod):
    """Build a rule with at least one honourable mention, so it always awards something."""
    return lambda a, b, c, d: AwardRule(method, a, b, c, d + 1)


rules = st.one_of(
    st.just(AwardRule(AwardMethod.MEDALS)),
    st.builds(rule_of(AwardMethod.RANK_BANDS), *[st.integers(0, 4)] * 4),
    st.builds(rule_of(AwardMethod.PROPORTIONS), *[st.integers(0, 24)] * 4),
)


@given(st.lists(st.integers(0, 6), max_size=25), st.sets(st.integers(1, 25)), rules)
def test_awards_are_monotone_in_rank(totals, disqualified, rule):
    ranking = ranking_of(*totals, disqualified=tuple(disqualified))
    awards = assign_awards(ranking, rule)

    def worth(prize):
        return len(PRIZE_ORDER) if prize is None else PRIZE_ORDER.index(prize)

    ranked = [a for a in awards if a.rank is not None]
    for a in ranked:
        for b in ranked:
            if a.rank < b.rank:
                assert worth(a.prize) <= worth(b.prize)
            if a.rank == b.rank:
                assert a.prize == b.prize
    assert all(a.prize is None for a in awards if a.rank is None)
