"""Labour competition period ranking: totals, declared tie-breaks, shared places, vetoed and unassessed units."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competitions.domain.errors import RuleViolation
from competitions.domain.labour_ranking import (
    ChainKey,
    PeriodRow,
    VetoPlacement,
    parse_chain_key,
    period_chain,
    rank_period,
)

D = Decimal


def row(unit: int, total: str | None, *, ded: str = "0", bonus: str = "0", safety: str | None = None,
        veto: str | None = None) -> PeriodRow:
    """A period row; ``veto`` gives the reason of a veto item."""
    subtotals = {} if safety is None else {"safety": D(safety)}
    return PeriodRow(unit, None if total is None else D(total), subtotals, D(bonus), D(ded),
                     vetoed=veto is not None, veto_reasons=(veto,) if veto else ())


def places(standing) -> list[tuple[int, int | None, bool, bool]]:
    """(unit, rank, tied, eligible) in published order."""
    return [(p.unit_id, p.rank, p.tied, p.eligible) for p in standing.places]


CHAIN = period_chain(["deductions", "group:safety"], ["safety", "progress"])


@pytest.mark.parametrize(
    ("rows", "chain", "expected"),
    [
        # by total alone, ties share the better place: 1, 2, 2, 4
        ([row(1, "92"), row(2, "88.5"), row(3, "88.5"), row(4, "80")], (),
         [(1, 1, False, True), (2, 2, True, True), (3, 2, True, True), (4, 4, False, True)]),
        # fewer deductions breaks a tie on the total
        ([row(1, "90", ded="3"), row(2, "90", ded="1"), row(3, "95")], CHAIN,
         [(3, 1, False, True), (2, 2, False, True), (1, 3, False, True)]),
        # equal deductions: the higher safety subtotal wins
        ([row(1, "90", ded="2", safety="18"), row(2, "90", ded="2", safety="19.5")], CHAIN,
         [(2, 1, False, True), (1, 2, False, True)]),
        # equal on the whole chain: a shared place, listed by unit id
        ([row(7, "90", ded="2", safety="18"), row(3, "90", ded="2", safety="18"), row(5, "70")], CHAIN,
         [(3, 1, True, True), (7, 1, True, True), (5, 3, False, True)]),
        # a missing safety subtotal sorts after a present one
        ([row(1, "90", safety=None), row(2, "90", safety="1")], CHAIN,
         [(2, 1, False, True), (1, 2, False, True)]),
        # the vetoed top scorer is listed after the placed units, unplaced and not eligible
        ([row(1, "99", veto="safety accident"), row(2, "90"), row(3, "85")], (),
         [(2, 1, False, True), (3, 2, False, True), (1, None, False, False)]),
        # a unit not assessed is listed last
        ([row(1, None), row(2, "90", veto="fight"), row(3, "85")], (),
         [(3, 1, False, True), (2, None, False, False), (1, None, False, False)]),
        # nobody eligible: all vetoed
        ([row(1, "90", veto="a"), row(2, "91", veto="b")], (),
         [(2, None, False, False), (1, None, False, False)]),
        # empty period
        ([], (), []),
    ],
)
def test_period_ranking(rows, chain, expected):
    assert places(rank_period(rows, chain or period_chain([]))) == expected


def test_vetoed_units_treated_as_last_continue_the_numbering_and_stay_ineligible():
    standing = rank_period([row(1, "99", veto="quality accident"), row(2, "90"), row(3, "85"),
                            row(4, "95", veto="fight")], veto_placement=VetoPlacement.LAST)
    assert places(standing) == [(2, 1, False, True), (3, 2, False, True), (1, 3, False, False),
                                (4, 4, False, False)]
    assert standing.place_of(1).veto_reasons == ("quality accident",)
    assert [p.unit_id for p in standing.eligible()] == [2, 3]


def test_a_unit_twice_is_refused():
    with pytest.raises(RuleViolation):
        rank_period([row(1, "90"), row(1, "80")])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("deductions", ChainKey("deductions", False)),
        ("deductions desc", ChainKey("deductions", True)),
        ("bonus", ChainKey("bonus", True)),
        ("group:safety", ChainKey("group:safety", True)),
        ("group:safety asc", ChainKey("group:safety", False)),
    ],
)
def test_chain_keys_read_with_their_natural_direction(text, expected):
    assert parse_chain_key(text, {"total": True, "deductions": False, "bonus": True}, ["safety"]) == expected


@pytest.mark.parametrize("texts", [["time_used"], ["group:unknown"], ["deductions up"], [""], ["group:"],
                                   ["deductions", "deductions asc"], ["a b c"]])
def test_bad_chains_are_refused(texts):
    with pytest.raises(RuleViolation):
        period_chain(texts, ["safety"])


def test_the_total_leads_unless_the_rules_name_it():
    assert [str(k) for k in period_chain(["deductions"])] == ["total desc", "deductions asc"]
    assert [str(k) for k in period_chain(["deductions", "total"])] == ["deductions asc", "total desc"]


def test_input_order_never_changes_the_standing():
    rows = [row(i, str(80 + i % 3), ded=str(i % 2)) for i in range(1, 10)]
    assert places(rank_period(rows, CHAIN)) == places(rank_period(list(reversed(rows)), CHAIN))
