"""Every period ranking and cumulative standing of many labour competitions at once (a city's year).

A federation's year holds thousands of labour competitions (2,000 × 20 units × 12 periods × 30
indicators is 14.4 million assessor entries); ranking them period by period through
``labour.services.period_scores`` would read every entry through the ORM. This is the batch path
used for the year's figures (``bench/bench_labour.py``) and wherever many competitions are ranked
together: the database adds the entries up, Python applies the rules.

* One SQL statement per chunk of competitions adds each unit's indicator points up per period and
  indicator group. Where every indicator has one assessor (the usual case), the sum is exact:
  ``combine_assessors`` of a single entry is the entry. Where an indicator has several assessors'
  entries, that unit's period is recomputed exactly from its entries with the labour core's own rule
  (``domain.scorecards.score_unit``: mean or trimmed mean rounded once to 0.01), so both paths agree.
* Group caps, bonus and deduction caps and the floor at 0 are the labour core's
  (``domain.scorecards.group_subtotal``, ``capped_sum``); figures are handled as whole fen (cents)
  while summing, so no float ever reaches a total.
* Then the publication rules as published periods use them: ``rank_period`` per signed-off period,
  the red flag's history, money by rank, and the cumulative standing with the periods' weights
  (``domain.labour_*``), under each competition's publication rules.

A unit with no entry in a period counts as not assessed there. The results are plain data; nothing
is written (publishing stays a per-period decision of the organizer).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from competitions.domain import labour_cumulative as cumulative
from competitions.domain import scorecards as rules
from competitions.domain.labour_flag import FlagTerm, flag_history, flags_won
from competitions.domain.labour_money import MoneyLine, money_by_rank
from competitions.domain.labour_ranking import PeriodRow, PeriodStanding, VetoPlacement, rank_period
from competitions.extensions import db
from competitions.labour.models import LabourScorecard
from competitions.labour_results import rules as rules_mod
from competitions.labour_results.models import LabourPublicationRules

CHUNK = 50  # competitions per statement: bounds memory (50 x 20 x 12 x 6 groups = 72,000 rows)

SLOTS_TABLE = "CREATE TEMP TABLE IF NOT EXISTS labour_bulk_slot (indicator_id INTEGER PRIMARY KEY, slot INTEGER)"
# Each unit's entries per period, summed per indicator group (the group's slot 0..k-1 in the competition's
# order): one pass in the unique index's order (period, unit), no sort. COUNT(*) against the distinct
# indicators tells whether an indicator had more than one assessor's entry.
GROUP_SUMS = """
SELECT s.period_id, s.unit_id, COUNT(*), COUNT(DISTINCT s.indicator_id), {slots}
FROM labour_score s JOIN labour_bulk_slot t ON t.indicator_id = s.indicator_id
WHERE s.period_id IN (SELECT id FROM labour_period WHERE competition_id BETWEEN :first AND :last
                      AND status = 'signed_off')
GROUP BY s.period_id, s.unit_id
"""
INDICATORS = """
SELECT i.id, i.group_id FROM labour_indicator i WHERE i.competition_id BETWEEN :first AND :last
"""
ADJUSTMENTS = """
SELECT a.period_id, a.unit_id, a.kind, a.points FROM labour_adjustment a JOIN labour_period p ON p.id = a.period_id
WHERE p.competition_id BETWEEN :first AND :last AND p.status = 'signed_off' AND a.voided_at IS NULL
"""
VETOES = """
SELECT v.period_id, v.unit_id, v.reason, v.document_ref FROM labour_veto v JOIN labour_period p ON p.id = v.period_id
WHERE p.competition_id BETWEEN :first AND :last AND p.status = 'signed_off' AND v.voided_at IS NULL
ORDER BY v.id
"""
PERIODS = """
SELECT id, competition_id, number, weight FROM labour_period
WHERE competition_id BETWEEN :first AND :last AND status = 'signed_off' ORDER BY competition_id, number
"""
GROUPS = """
SELECT g.id, g.competition_id, g.code, g.max_points, COUNT(i.id) FROM labour_indicator_group g
LEFT JOIN labour_indicator i ON i.group_id = g.id
WHERE g.competition_id BETWEEN :first AND :last GROUP BY g.id, g.competition_id, g.code, g.max_points
ORDER BY g.competition_id, g.position, g.id
"""
RAW = """
SELECT s.unit_id, s.indicator_id, s.points FROM labour_score s WHERE s.period_id = :period AND s.unit_id = :unit
ORDER BY s.id
"""


def cents(value) -> int:
    """A figure of points as whole hundredths (exact for the two-place figures the tables hold)."""
    if isinstance(value, Decimal):
        return int((value * 100).to_integral_value())
    return round(float(value) * 100)


_DECIMALS: dict[int, Decimal] = {}


def _points(value: int) -> Decimal:
    """Hundredths as a two-place Decimal (cached: a year's totals take few distinct values)."""
    found = _DECIMALS.get(value)
    if found is None:
        found = _DECIMALS[value] = Decimal(value).scaleb(-2)
    return found


@dataclass(frozen=True)
class CompetitionYear:
    """One competition's rankings: per signed-off period (by number), the flag's history, money, standing."""

    competition_id: int
    periods: tuple[tuple[int, PeriodStanding], ...]
    flag: tuple[FlagTerm, ...]
    money: tuple[tuple[int, tuple[MoneyLine, ...]], ...]
    standing: cumulative.CumulativeStanding


def rank_year(competition_ids: Sequence[int]) -> list[CompetitionYear]:
    """Every signed-off period and the cumulative standing of each competition, in id order."""
    ids = sorted(set(competition_ids))
    conn = db.session.connection()
    conn.execute(db.text(SLOTS_TABLE))
    out: list[CompetitionYear] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        out += _rank_chunk(chunk[0], chunk[-1], set(chunk))
    return out


@dataclass
class _Card:
    """A competition's scorecard as the batch needs it: groups in order (id, code, cap in hundredths)."""

    groups: list[tuple[int, str, int]]
    indicators: dict[int, int]   # indicator id -> group id
    bonus_cap: int | None = None
    deduction_cap: int | None = None
    card: LabourScorecard | None = None


def _cards(conn, params, first: int, last: int) -> dict[int, _Card]:
    cards: dict[int, _Card] = defaultdict(lambda: _Card([], {}))
    group_competition = {}
    for group_id, competition_id, code, max_points, _count in conn.execute(db.text(GROUPS), params):
        cards[competition_id].groups.append((group_id, code, cents(max_points)))
        group_competition[group_id] = competition_id
    for indicator_id, group_id in conn.execute(db.text(INDICATORS), params):
        cards[group_competition[group_id]].indicators[indicator_id] = group_id
    for card in db.session.execute(select(LabourScorecard).where(
            LabourScorecard.competition_id.between(first, last))).scalars():
        entry = cards[card.competition_id]
        entry.card = card
        entry.bonus_cap = None if card.bonus_cap is None else cents(card.bonus_cap)
        entry.deduction_cap = None if card.deduction_cap is None else cents(card.deduction_cap)
    return cards


def _rank_chunk(first: int, last: int, wanted: set[int]) -> list[CompetitionYear]:
    conn = db.session.connection()
    params = {"first": first, "last": last}
    periods: dict[int, list[tuple[int, int, Decimal]]] = defaultdict(list)   # competition -> (period, number, w)
    for period_id, competition_id, number, weight in conn.execute(db.text(PERIODS), params):
        periods[competition_id].append((period_id, number, Decimal(str(weight if weight is not None else 1))))
    cards = _cards(conn, params, first, last)
    slots = [{"indicator_id": i, "slot": [g[0] for g in card.groups].index(group_id)}
             for card in cards.values() for i, group_id in card.indicators.items()]
    conn.execute(db.text("DELETE FROM labour_bulk_slot"))
    if slots:
        conn.execute(db.text("INSERT INTO labour_bulk_slot (indicator_id, slot) VALUES (:indicator_id, :slot)"), slots)
    width = max((len(card.groups) for card in cards.values()), default=0)
    sums: dict[int, dict[int, tuple[int, ...]]] = defaultdict(dict)       # period -> unit -> cents per slot
    several: set[tuple[int, int]] = set()
    if width:
        columns = ", ".join(f"SUM(CASE WHEN t.slot = {k} THEN s.points ELSE 0 END)" for k in range(width))
        for row in conn.execute(db.text(GROUP_SUMS.format(slots=columns)), params):
            period_id, unit_id, count, distinct = row[0], row[1], row[2], row[3]
            sums[period_id][unit_id] = tuple(cents(v) for v in row[4:])
            if count != distinct:
                several.add((period_id, unit_id))
    bonus: dict[tuple[int, int], int] = defaultdict(int)
    deduction: dict[tuple[int, int], int] = defaultdict(int)
    for period_id, unit_id, kind, points in conn.execute(db.text(ADJUSTMENTS), params):
        (bonus if kind == "bonus" else deduction)[(period_id, unit_id)] += cents(points)
    vetoes: dict[tuple[int, int], list[str]] = defaultdict(list)
    for period_id, unit_id, reason, document in conn.execute(db.text(VETOES), params):
        vetoes[(period_id, unit_id)].append(f"{reason} ({document})")
    publication = {r.competition_id: r for r in db.session.execute(select(LabourPublicationRules).where(
        LabourPublicationRules.competition_id.between(first, last))).scalars()}
    out = []
    for competition_id in sorted(wanted):
        stored = publication.get(competition_id) or rules_mod.rules_of(competition_id)
        context = _Context(cards[competition_id], several, sums, bonus, deduction, vetoes)
        out.append(_competition_year(competition_id, periods.get(competition_id, []), context, stored))
    return out


@dataclass
class _Context:
    card: _Card
    several: set[tuple[int, int]]
    sums: dict[int, dict[int, tuple[int, ...]]]
    bonus: dict[tuple[int, int], int]
    deduction: dict[tuple[int, int], int]
    vetoes: dict[tuple[int, int], list[str]]


def _competition_year(competition_id: int, periods: Iterable[tuple[int, int, Decimal]], ctx: _Context,
                      stored) -> CompetitionYear:
    codes = [code for _g, code, _cap in ctx.card.groups]
    chain = rules_mod.period_chain(stored, codes)
    placement = VetoPlacement(stored.veto_placement or "unplaced")
    flag_rule, money_rule = rules_mod.flag_rule(stored), rules_mod.money_rule(stored)
    named = {key.group_code for key in chain if key.group_code}
    standings: list[tuple[int, PeriodStanding]] = []
    rows_by_period: list[tuple[int, list[PeriodRow]]] = []
    weights: dict[int, Decimal] = {}
    for period_id, number, weight in periods:
        units = ctx.sums.get(period_id, {})
        rows = [_row(period_id, unit_id, units[unit_id], ctx, named) for unit_id in sorted(units)]
        standings.append((number, rank_period(rows, chain, veto_placement=placement)))
        rows_by_period.append((number, rows))
        weights[number] = weight
    history = flag_history(standings, flag_rule)
    money = tuple((number, money_by_rank(standing, money_rule)) for number, standing in standings)
    rule = rules_mod.cumulative_rule(stored, weights)
    standing = cumulative.cumulative_standing(rows_by_period, rule, flags=flags_won(history))
    return CompetitionYear(competition_id, tuple(standings), history, money, standing)


def _row(period_id: int, unit_id: int, slots: tuple[int, ...], ctx: _Context, named: set[str]) -> PeriodRow:
    key = (period_id, unit_id)
    if key in ctx.several:
        return _exact_row(period_id, unit_id, ctx)
    card = ctx.card
    subtotals = {}
    indicator_points = 0
    for (_group_id, code, cap), raw in zip(card.groups, slots, strict=False):
        subtotal = raw if raw < cap else cap
        indicator_points += subtotal
        if code in named:
            subtotals[code] = _points(subtotal)
    bonus = ctx.bonus.get(key, 0)
    if card.bonus_cap is not None and bonus > card.bonus_cap:
        bonus = card.bonus_cap
    deduction = ctx.deduction.get(key, 0)
    if card.deduction_cap is not None and deduction > card.deduction_cap:
        deduction = card.deduction_cap
    total = max(indicator_points + bonus - deduction, 0)
    reasons = tuple(ctx.vetoes.get(key, ()))
    return PeriodRow(unit_id, _points(total), subtotals, _points(bonus), _points(deduction), bool(reasons), reasons)


def _exact_row(period_id: int, unit_id: int, ctx: _Context) -> PeriodRow:
    """A unit's period with several assessors on an indicator: the labour core's own arithmetic."""
    points: dict[int, list[Decimal]] = defaultdict(list)
    for _unit, indicator_id, value in db.session.connection().execute(
            db.text(RAW), {"period": period_id, "unit": unit_id}):
        points[indicator_id].append(_points(cents(value)))
    card = ctx.card
    rules_card = rules.Scorecard(
        groups=tuple(rules.GroupSpec(g, code, _points(cap)) for g, code, cap in card.groups),
        indicators=tuple(rules.IndicatorSpec(i, g) for i, g in card.indicators.items()),
        bonus_cap=None if card.bonus_cap is None else _points(card.bonus_cap),
        deduction_cap=None if card.deduction_cap is None else _points(card.deduction_cap),
        aggregation=card.card.aggregation if card.card is not None else "mean")
    key = (period_id, unit_id)
    reasons = tuple(ctx.vetoes.get(key, ()))
    # bonus and deduction entries are already summed per unit; as one entry each they cap the same way
    score = rules.score_unit(rules_card, rules.UnitEntries(
        unit_id=unit_id, points=points, bonuses=(_points(ctx.bonus.get(key, 0)),),
        deductions=(_points(ctx.deduction.get(key, 0)),), veto_reasons=reasons))
    return PeriodRow(unit_id, score.total, {g.code: g.subtotal for g in score.groups}, score.bonus, score.deduction,
                     score.vetoed, score.veto_reasons)
