"""Cumulative standing of a labour competition over its periods, with period weights.

At the end of a campaign (a year, "100 days of all-out work", the whole
construction period) the assessment rules add up the periods to decide the
final honours. Two practices, both with period weights (e.g. the milestone
months count 1.5, the quarter-end assessment 2, every other month 1):

* ``Combine.WEIGHTED_SUM`` (累计得分): Σ weight × period total;
* ``Combine.WEIGHTED_MEAN`` (加权平均分): Σ weight × period total / Σ weight
  over the periods that count for the unit.

A period the unit was not assessed in (joined late, a period it sat out)
counts, as the rules say (``Missing``), as 0 points (its weight stays in a
mean's denominator: absence costs) or not at all (left out of the sum and of
the mean's weights). A vetoed period (一票否决) counts as the rules say
(``VetoCount``): as 0 points (the usual "that period's score is void"), with
its score (the veto only removed that period's awards), or not at all. Apart
from that, ``honours_veto_limit`` removes a unit with that many vetoes or more
from the final honours (most rules: one veto in the year, no honour); it is
still ranked and listed, with the reason.

A unit that withdrew from the competition (退出竞赛: its contract ended, the
section was handed over) keeps the periods it was assessed in, but it no
longer competes for the standing: it is listed apart, after the placed units,
without a place and with its figures, and no final honour goes to it -- as
period rankings list vetoed units apart -- so the units below move up.

Figures are kept exact while they are combined and rounded once, to 0.01 half
up (``domain.points``), for the standing; places are standard competition
ranking (1, 2, 2, 4) along a chain the rules name, the combined total first,
then e.g. ``flags`` (more periods holding the red flag), ``vetoes`` (fewer),
``deductions`` (fewer points deducted over all periods), ``periods`` (more
periods assessed). A unit with no counted period has no total and no place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import groupby

from competitions.domain.errors import N_, RuleViolation
from competitions.domain.labour_ranking import (
    TOTAL,
    ChainKey,
    PeriodRow,
    chain_sort_key,
    parse_chain_key,
    with_total_first,
)
from competitions.domain.points import round_points

ZERO = Decimal("0")
ONE = Decimal("1")
FLAGS = "flags"
VETOES = "vetoes"
DEDUCTIONS = "deductions"
PERIODS = "periods"
CUMULATIVE_DEFAULT_DIRECTIONS = {TOTAL: True, FLAGS: True, VETOES: False, DEDUCTIONS: False, PERIODS: True}
MAX_WEIGHT = Decimal("100")


class Combine(StrEnum):
    """How period totals are combined (stored as the value)."""

    WEIGHTED_SUM = "weighted_sum"
    WEIGHTED_MEAN = "weighted_mean"


class Missing(StrEnum):
    """How a period without an assessment of the unit counts (stored as the value)."""

    ZERO = "zero"
    SKIP = "skip"


class VetoCount(StrEnum):
    """How a vetoed period counts in the cumulative total (stored as the value)."""

    ZERO = "zero"
    SCORE = "score"
    SKIP = "skip"


class HonoursBar(StrEnum):
    """Why a ranked unit cannot receive a final honour (stored as the value)."""

    VETOED = "vetoed"
    WITHDRAWN = "withdrawn"  # the unit withdrew from the competition: listed apart, without a place


@dataclass(frozen=True)
class CumulativeRule:
    """The rules' cumulative standing: combination, weights by period key, missing and vetoed periods.

    A period the weights do not name weighs 1; weights are 0 to 100 with at
    most three decimals (as periods store them). ``tie_break`` is the declared chain after the total.
    ``honours_veto_limit`` None means vetoes never bar a final honour.
    """

    combine: Combine = Combine.WEIGHTED_SUM
    weights: Mapping[int, Decimal] = field(default_factory=dict)
    missing: Missing = Missing.ZERO
    veto: VetoCount = VetoCount.ZERO
    honours_veto_limit: int | None = 1
    tie_break: tuple[str, ...] = ()

    def weight(self, period_key: int) -> Decimal:
        """The weight of one period."""
        return self.weights.get(period_key, ONE)


@dataclass(frozen=True)
class CumulativeRow:
    """One unit's cumulative figures; ``total`` None when no period counts."""

    unit_id: int
    total: Decimal | None
    periods: int
    vetoes: int
    flags: int
    deductions: Decimal
    bars: tuple[HonoursBar, ...] = ()

    def figure(self, name: str) -> Decimal | None:
        """The value a chain key compares."""
        values = {TOTAL: self.total, FLAGS: self.flags, VETOES: self.vetoes, DEDUCTIONS: self.deductions,
                  PERIODS: self.periods}
        value = values.get(name)
        return None if value is None else Decimal(value)


@dataclass(frozen=True)
class CumulativePlace:
    """One unit in the cumulative standing; ``rank`` None when it has no total."""

    row: CumulativeRow
    rank: int | None
    tied: bool

    @property
    def unit_id(self) -> int:
        """The unit's id."""
        return self.row.unit_id

    @property
    def honours_eligible(self) -> bool:
        """True when the unit is placed and nothing bars it from a final honour."""
        return self.rank is not None and not self.row.bars

    @property
    def withdrawn(self) -> bool:
        """True when the unit withdrew from the competition (listed apart, without a place)."""
        return HonoursBar.WITHDRAWN in self.row.bars


@dataclass(frozen=True)
class CumulativeStanding:
    """The standing in order: placed units, then withdrawn units, then those with no counted period."""

    places: tuple[CumulativePlace, ...]

    def place_of(self, unit_id: int) -> CumulativePlace:
        """The entry of one unit; KeyError when absent."""
        for place in self.places:
            if place.unit_id == unit_id:
                return place
        raise KeyError(unit_id)


def check_cumulative_rule(rule: CumulativeRule) -> CumulativeRule:
    """``rule`` when its weights, settings and chain are valid; RuleViolation otherwise."""
    for key, weight in rule.weights.items():
        if not isinstance(weight, Decimal) or not weight.is_finite() or weight < ZERO or weight > MAX_WEIGHT \
                or weight != weight.quantize(Decimal("0.001")):
            raise RuleViolation(N_("A period weight must be a number from 0 to 100 with at most three decimals:"
                                   " %(value)s."), field="weights", value=str(weight), period=key)
    Combine(rule.combine)
    Missing(rule.missing)
    VetoCount(rule.veto)
    if rule.honours_veto_limit is not None and not 1 <= rule.honours_veto_limit <= 1000:
        raise RuleViolation(N_("The number of vetoes that bars an honour must be at least 1."),
                            field="honours_veto_limit")
    cumulative_chain(rule)
    return rule


def cumulative_chain(rule: CumulativeRule) -> tuple[ChainKey, ...]:
    """The full chain: the combined total first, then the rule's declared tie-breaks."""
    declared = tuple(parse_chain_key(t, CUMULATIVE_DEFAULT_DIRECTIONS, groups=False) for t in rule.tie_break)
    return with_total_first(declared)


def cumulative_standing(periods: Sequence[tuple[int, Iterable[PeriodRow]]], rule: CumulativeRule = CumulativeRule(),
                        *, flags: Mapping[int, int] | None = None,
                        units: Iterable[int] = (), withdrawn: Iterable[int] = ()) -> CumulativeStanding:
    """Combine the periods' rows (period key, rows) into the ranked cumulative standing.

    ``flags`` counts the periods each unit held the red flag
    (``labour_flag.flags_won``); ``units`` adds participants with no row at
    all, so a unit never assessed is still listed. Every unit is considered
    in every given period: absent from a period's rows means not assessed.
    ``withdrawn`` names the units that withdrew from the competition: listed
    apart, after the placed units, without a place (``HonoursBar.WITHDRAWN``).
    """
    flags = flags or {}
    gone = set(withdrawn)
    by_period = [(key, {row.unit_id: row for row in rows}) for key, rows in periods]
    unit_ids = sorted(set(units).union(*(rows.keys() for _, rows in by_period)) if by_period else set(units))
    cumulative = [_combine(unit, by_period, rule, flags.get(unit, 0), unit in gone) for unit in unit_ids]
    chain = cumulative_chain(rule)
    placed = sorted(((chain_sort_key(r, chain), r) for r in cumulative if r.total is not None
                     and HonoursBar.WITHDRAWN not in r.bars), key=lambda pair: pair[0])
    places: list[CumulativePlace] = []
    position = 1
    for _, group_iter in groupby(placed, key=lambda pair: pair[0]):
        group = [r for _key, r in group_iter]
        places += [CumulativePlace(r, position, len(group) > 1) for r in group]
        position += len(group)
    apart = sorted((r for r in cumulative if r.total is not None and HonoursBar.WITHDRAWN in r.bars),
                   key=lambda r: chain_sort_key(r, chain))
    places += [CumulativePlace(r, None, False) for r in apart]
    places += [CumulativePlace(r, None, False) for r in cumulative if r.total is None]
    return CumulativeStanding(tuple(places))


def _combine(unit: int, by_period: Sequence[tuple[int, Mapping[int, PeriodRow]]], rule: CumulativeRule,
             flags: int, withdrawn: bool = False) -> CumulativeRow:
    """One unit's cumulative row over the periods."""
    points = ZERO
    weights = ZERO
    counted = assessed = vetoes = 0
    deductions = ZERO
    for key, rows in by_period:
        row = rows.get(unit)
        weight = rule.weight(key)
        if row is None or row.total is None:
            if Missing(rule.missing) is Missing.ZERO:
                weights += weight
                counted += 1
            continue
        assessed += 1
        deductions += row.deductions
        if row.vetoed:
            vetoes += 1
            veto = VetoCount(rule.veto)
            if veto is VetoCount.SKIP:
                continue
            value = ZERO if veto is VetoCount.ZERO else row.total
        else:
            value = row.total
        points += weight * value
        weights += weight
        counted += 1
    total: Decimal | None
    if counted == 0 or assessed == 0:
        total = None
    elif Combine(rule.combine) is Combine.WEIGHTED_MEAN:
        total = round_points(points / weights) if weights else None
    else:
        total = round_points(points)
    bars = (HonoursBar.VETOED,) if rule.honours_veto_limit is not None and vetoes >= rule.honours_veto_limit else ()
    if withdrawn:
        bars += (HonoursBar.WITHDRAWN,)
    return CumulativeRow(unit, total, assessed, vetoes, flags, deductions, bars)
