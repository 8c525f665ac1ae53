"""Ranking: shared places, tie-break chains, the chief judge's decisions, disqualification."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competitions.domain.errors import RuleViolation
from competitions.domain.ranking import (
    DEFAULT_CHAIN,
    RankEntry,
    TieBreakKey,
    TieMode,
    apply_chief_judge_decision,
    entries_from_scores,
    parse_tie_break_chain,
    parse_tie_break_key,
    rank_with_ties,
    standing_chain,
)
from competitions.domain.scoring import Criterion, Mark, MarkingScheme, Part, score_event

D = Decimal


def entry(cid: int, total: str | None, practical: str | None = None, theory: str | None = None,
          time: int | None = None, dq: bool = False) -> RankEntry:
    """A rank entry with optional part scores and time used (seconds)."""
    parts = {code: D(v) for code, v in (("practical", practical), ("theory", theory)) if v is not None}
    return RankEntry(cid, None if total is None else D(total), parts, time, dq)


def places(ranking) -> list[tuple[int, int | None, bool]]:
    """(competitor, rank, tied) in standing order."""
    return [(e.competitor_id, e.rank, e.tied) for e in ranking.entries]


CHAIN = standing_chain(["part:practical", "time_used", "part:theory"])


@pytest.mark.parametrize(
    ("entries", "chain", "expected"),
    [
        # totals alone: 1, 2, 2, 4
        (
            [entry(1, "90"), entry(2, "85"), entry(3, "85"), entry(4, "80")],
            DEFAULT_CHAIN,
            [(1, 1, False), (2, 2, True), (3, 2, True), (4, 4, False)],
        ),
        # the higher practical part breaks the tie on total
        (
            [entry(1, "85", practical="60"), entry(2, "85", practical="62"), entry(3, "90", practical="50")],
            CHAIN,
            [(3, 1, False), (2, 2, False), (1, 3, False)],
        ),
        # equal practical: less time used wins
        (
            [entry(1, "85", "60", time=3600), entry(2, "85", "60", time=3500)],
            CHAIN,
            [(2, 1, False), (1, 2, False)],
        ),
        # equal time too: the higher theory part
        (
            [entry(1, "85", "60", "25", time=3500), entry(2, "85", "60", "24.5", time=3500)],
            CHAIN,
            [(1, 1, False), (2, 2, False)],
        ),
        # equal on the whole chain: a shared place
        (
            [
                entry(5, "85", "60", "25", 3500),
                entry(4, "85", "60", "25", 3500),
                entry(6, "70", "50", "20", 100),
            ],
            CHAIN,
            [(4, 1, True), (5, 1, True), (6, 3, False)],
        ),
        # no recorded time ranks after a recorded one
        (
            [entry(1, "85", "60", time=None), entry(2, "85", "60", time=4000)],
            CHAIN,
            [(2, 1, False), (1, 2, False)],
        ),
        # the chain is only consulted for equal totals
        (
            [entry(1, "85.01", "10"), entry(2, "85", "70")],
            CHAIN,
            [(1, 1, False), (2, 2, False)],
        ),
    ],
)
def test_rank_with_ties(entries, chain, expected):
    assert places(rank_with_ties(entries, chain)) == expected


def test_disqualified_have_no_rank_and_come_last():
    entries = [entry(1, "99", dq=True), entry(2, "80"), entry(3, None, dq=True), entry(4, "85")]
    ranking = rank_with_ties(entries)
    assert places(ranking) == [(4, 1, False), (2, 2, False), (1, None, False), (3, None, False)]
    assert [e.disqualified for e in ranking.entries] == [False, False, True, True]
    assert ranking.rank_of(1) is None


def test_a_competitor_without_total_cannot_be_ranked():
    with pytest.raises(RuleViolation, match="no total"):
        rank_with_ties([entry(1, "80"), entry(2, None)])


def test_a_competitor_listed_twice_is_refused():
    with pytest.raises(RuleViolation):
        rank_with_ties([entry(1, "80"), entry(1, "70")])


# --- no tied places: the chief judge decides ---------------------------------------------------------


def tied_field():
    """Totals 90, 85, 85, 85, 80, 80: two groups still tied after the chain."""
    return [entry(1, "90"), entry(2, "85"), entry(3, "85"), entry(4, "85"), entry(5, "80"), entry(6, "80")]


def test_ties_without_shared_places_go_to_the_chief_judge():
    ranking = rank_with_ties(tied_field(), mode=TieMode.NO_TIED_PLACES)
    assert not ranking.is_final
    assert ranking.unresolved == ((2, 3, 4), (5, 6))
    assert [(e.competitor_id, e.rank, e.unresolved) for e in ranking.entries] == [
        (1, 1, False), (2, 2, True), (3, 2, True), (4, 2, True), (5, 5, True), (6, 5, True),
    ]


def test_the_chief_judges_order_gives_the_final_places():
    ranking = rank_with_ties(tied_field(), mode="no_tied_places")
    ranking = apply_chief_judge_decision(ranking, [4, 2, 3])
    assert ranking.unresolved == ((5, 6),)
    ranking = apply_chief_judge_decision(ranking, [6, 5])
    assert ranking.is_final
    assert places(ranking) == [
        (1, 1, False), (4, 2, False), (2, 3, False), (3, 4, False), (6, 5, False), (5, 6, False),
    ]
    assert [e.decided_by_chief_judge for e in ranking.entries] == [False, True, True, True, True, True]


def test_recorded_decisions_apply_while_ranking():
    ranking = rank_with_ties(tied_field(), mode=TieMode.NO_TIED_PLACES, decisions=[[6, 5], [3, 4, 2]])
    assert ranking.is_final
    assert [e.competitor_id for e in ranking.entries] == [1, 3, 4, 2, 6, 5]
    assert [e.rank for e in ranking.entries] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    "decision",
    [
        [2, 3],  # the group is 2, 3, 4: the decision is stale
        [2, 3, 4, 5],
        [2, 2, 3, 4],
        [1, 2],  # 1 is not tied
    ],
)
def test_a_decision_that_does_not_match_a_tied_group_is_refused(decision):
    ranking = rank_with_ties(tied_field(), mode=TieMode.NO_TIED_PLACES)
    with pytest.raises(RuleViolation) as raised:
        apply_chief_judge_decision(ranking, decision)
    assert "2, 3, 4; 5, 6" in str(raised.value)


def test_shared_places_take_no_decision():
    with pytest.raises(RuleViolation):
        rank_with_ties(tied_field(), decisions=[[2, 3, 4]])


def test_disqualified_stay_last_after_a_decision():
    entries = [entry(1, "85"), entry(2, "85"), entry(3, "99", dq=True)]
    ranking = rank_with_ties(entries, mode=TieMode.NO_TIED_PLACES, decisions=[[2, 1]])
    assert places(ranking) == [(2, 1, False), (1, 2, False), (3, None, False)]


# --- the chain -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("total", TieBreakKey("total", True)),
        ("part:practical", TieBreakKey("part:practical", True)),
        ("time_used", TieBreakKey("time_used", False)),
        ("time_used desc", TieBreakKey("time_used", True)),
        ("part:theory asc", TieBreakKey("part:theory", False)),
    ],
)
def test_parse_tie_break_key(text, expected):
    assert parse_tie_break_key(text, ["theory", "practical"]) == expected


@pytest.mark.parametrize("text", ["", "speed", "part:", "part:welding", "total upward", "total desc now"])
def test_unknown_tie_breaks_are_refused(text):
    with pytest.raises(RuleViolation):
        parse_tie_break_key(text, ["theory", "practical"])


def test_a_repeated_tie_break_is_refused():
    with pytest.raises(RuleViolation, match="twice"):
        parse_tie_break_chain(["time_used", "time_used asc"])


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ([], ["total desc"]),
        (["part:practical", "time_used"], ["total desc", "part:practical desc", "time_used asc"]),
        (["part:practical", "total"], ["part:practical desc", "total desc"]),
    ],
)
def test_standing_chain_puts_the_total_first(declared, expected):
    assert [str(k) for k in standing_chain(declared, ["practical"])] == expected


def test_a_chain_need_not_start_with_the_total():
    chain = parse_tie_break_chain(["part:practical", "total"])
    ranking = rank_with_ties([entry(1, "90", "60"), entry(2, "80", "65")], chain)
    assert places(ranking) == [(2, 1, False), (1, 2, False)]


# --- from scores ---------------------------------------------------------------------------------


def test_entries_from_scores():
    scheme = MarkingScheme((Part("practical", D(100)),), (Criterion(1, "practical", D(10)),))
    marks = [Mark(1, 1, 1, D(8)), Mark(2, 1, 1, D(9)), Mark(3, 1, 1, D(10))]
    scores = score_event(scheme, marks, disqualified=[3])
    chain = standing_chain(["part:practical", "time_used"])
    ranking = rank_with_ties(entries_from_scores(scores, {1: 300}), chain)
    assert places(ranking) == [(2, 1, False), (1, 2, False), (3, None, False)]
    assert ranking.entries[0].total == D("90.00")


def test_incomplete_scores_cannot_be_ranked():
    scheme = MarkingScheme((Part("practical", D(100)),), (Criterion(1, "practical", D(10)),))
    scores = score_event(scheme, [Mark(1, 1, 1, D(8))], competitor_ids=[1, 2])
    with pytest.raises(RuleViolation, match="scoring problems"):
        entries_from_scores(scores)


# --- properties ----------------------------------------------------------------------------------

totals = st.decimals(min_value=0, max_value=5, places=1)
fields = st.lists(
    st.tuples(totals, totals, st.one_of(st.none(), st.integers(0, 3)), st.booleans()),
    min_size=1, max_size=12,
)


def build(field) -> list[RankEntry]:
    """Entries from (total, practical, time, disqualified) tuples."""
    return [RankEntry(i, t, {"practical": p}, time, dq) for i, (t, p, time, dq) in enumerate(field, start=1)]


@given(fields)
def test_ranks_agree_with_totals(field):
    entries = build(field)
    ranking = rank_with_ties(entries, CHAIN)
    rank = {e.competitor_id: e.rank for e in ranking.entries}
    ranked = [e for e in entries if not e.disqualified]
    for a in ranked:
        # a place is 1 + the number of entrants strictly better on the chain
        assert 1 <= rank[a.competitor_id] <= len(ranked)
        for b in ranked:
            if a.total > b.total:
                assert rank[a.competitor_id] < rank[b.competitor_id]
    assert all(rank[e.competitor_id] is None for e in entries if e.disqualified)


@given(fields)
def test_shared_places_follow_competition_ranking(field):
    ranking = rank_with_ties(build(field), DEFAULT_CHAIN)
    ranked = [e for e in ranking.entries if not e.disqualified]
    for position, e in enumerate(ranked, start=1):
        better = sum(1 for other in ranked if other.total > e.total)
        assert e.rank == better + 1
        assert e.tied == (sum(1 for other in ranked if other.total == e.total) > 1)
        assert e.rank <= position


@given(fields, st.randoms(use_true_random=False))
def test_input_order_changes_nothing(field, rng):
    entries = build(field)
    shuffled = list(entries)
    rng.shuffle(shuffled)
    for mode in TieMode:
        assert rank_with_ties(shuffled, CHAIN, mode=mode) == rank_with_ties(entries, CHAIN, mode=mode)


@given(fields, st.randoms(use_true_random=False))
def test_resolved_places_are_one_to_n(field, rng):
    ranking = rank_with_ties(build(field), DEFAULT_CHAIN, mode=TieMode.NO_TIED_PLACES)
    for group in ranking.unresolved:
        ranking = apply_chief_judge_decision(ranking, rng.sample(group, len(group)))
    ranks = [e.rank for e in ranking.entries if not e.disqualified]
    assert ranks == list(range(1, len(ranks) + 1))
