"""Scorecards of labour competitions (劳动竞赛考评办法): from assessors' entries to a unit's period score.

The practice, as the assessment rules of key-project labour competitions state it (a metro line, a
hospital, "100 days of all-out work"): the leading group publishes a scorecard of weighted **indicator
groups** — organization and leadership 20 points, construction progress 30, quality 20, safety 15,
civilized construction 10, technical innovation 5 — each made of **indicators**. Every period
(half-month, month, quarter or milestone 节点) each participating unit (a project section 标段, an
enterprise, a workshop, a team 班组) is assessed against it:

* A **judged** indicator gets points from 0 to its maximum in the rule's steps (e.g. 0.5), given by an
  assessor who inspected the site or the records (``check_judged_points``).
* A **measured** indicator records a value (progress against plan in %, days ahead of a milestone, the
  share of hidden dangers rectified on time) within its stated range (``check_measured_value``) and
  turns it into points by the formula the rules state (``AboveTarget``, ``Linear``, ``Bands``), never
  below 0 nor above the indicator's maximum (``measured_points``).
* When several assessors score one indicator, their points are combined by the rules' aggregation: the
  plain mean, or the trimmed mean that drops one highest and one lowest when at least five assessed
  (``combine_assessors``). The combined figure is rounded once, half up, to 0.01 — it is the figure the
  published score sheet shows per indicator — and every sum after it is exact.
* A group's subtotal is the sum of its indicators, capped at the group's points (``group_subtotal``):
  extra points on one progress indicator never spill into quality.
* **Bonus** entries (加分: a commendation from the owner, the supervisor or a higher authority) and
  **deduction** entries (扣分: a notice of criticism) each carry a source and a document reference; the
  rules commonly cap them per period (e.g. bonus at most 5 points). The period total is
  indicator points + bonus − deductions, never below 0 (``score_unit``).
* A **veto item** (一票否决: a serious safety or quality accident, a fight, an environmental incident)
  takes the unit out of that period's awards — the red flag, the reward money — whatever its score; its
  score is still computed and shown, flagged ``vetoed`` with the reasons.
* A unit's period is **complete** when every indicator has at least one assessor's points; sign-off
  further asks that every assigned, non-recused assessor has entered theirs (``missing_entries``).

Periods of a competition are generated from its dates by cadence (``regular_periods``): half-months
(1st–15th, 16th–end), calendar months or calendar quarters, clipped to the competition's first and last
day; milestone periods run from the day after the previous milestone to the milestone's date
(``milestone_periods``).

Shapes: points and values are ``Decimal``; ids are ints; everything here is pure (no database).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from competitions.domain.errors import N_, RuleViolation
from competitions.domain.inputs import InputError, parse_decimal
from competitions.domain.points import ZERO, has_at_most_two_places, round_points

AGGREGATIONS = ("mean", "trimmed")
TRIM_MIN_ASSESSORS = 5
CADENCES = ("half_month", "month", "quarter", "milestone")
MAX_FORMULA_BANDS = 20


# ---- formulas of measured indicators ----------------------------------------------------------------

@dataclass(frozen=True)
class AboveTarget:
    """Points for a value against a target, e.g. progress against plan (完成计划进度):

    at the target the unit gets ``base`` points; each unit of value above the target (a percentage
    point) adds ``per_unit_above``, each unit below takes away ``per_unit_below``; the result is kept
    within 0 and the indicator's maximum ("24 points at plan, +1 per point above, capped at 30;
    −2 per point below").
    """

    target: Decimal
    base: Decimal
    per_unit_above: Decimal
    per_unit_below: Decimal

    def raw_points(self, value: Decimal) -> Decimal:
        """The uncapped points for ``value``."""
        if value >= self.target:
            return self.base + (value - self.target) * self.per_unit_above
        return self.base - (self.target - value) * self.per_unit_below


@dataclass(frozen=True)
class Linear:
    """Points linear between two values, flat beyond them: ``from_points`` at ``from_value``, ``to_points``
    at ``to_value`` ("a quality acceptance rate of 90 % gives 0 points, 100 % gives 15"). Either end may
    be the higher value (for a measure where less is better, like days of delay)."""

    from_value: Decimal
    from_points: Decimal
    to_value: Decimal
    to_points: Decimal

    def raw_points(self, value: Decimal) -> Decimal:
        """The points for ``value``, clamped to the segment's ends."""
        low, high = sorted((self.from_value, self.to_value))
        value = min(max(value, low), high)
        share = (value - self.from_value) / (self.to_value - self.from_value)
        return self.from_points + share * (self.to_points - self.from_points)


@dataclass(frozen=True)
class Band:
    """One threshold band: a value ``at_least`` (or ``at_most``) the bound earns ``points``."""

    points: Decimal
    at_least: Decimal | None = None
    at_most: Decimal | None = None

    def matches(self, value: Decimal) -> bool:
        """True when ``value`` falls in the band."""
        if self.at_least is not None:
            return value >= self.at_least
        return value <= self.at_most


@dataclass(frozen=True)
class Bands:
    """Thresholds read in the order the rules list them; the first band the value falls in gives the
    points, ``otherwise`` when none does ("hidden dangers rectified on time: 100 % → 10, at least 95 % → 8,
    at least 90 % → 5, otherwise 0"; "lost-time injuries: at most 0 → 10, at most 1 → 4")."""

    bands: tuple[Band, ...]
    otherwise: Decimal = ZERO

    def raw_points(self, value: Decimal) -> Decimal:
        """The points of the first matching band."""
        for band in self.bands:
            if band.matches(value):
                return band.points
        return self.otherwise


Formula = AboveTarget | Linear | Bands
FORMULA_TYPES = ("above_target", "linear", "bands")


def measured_points(formula: Formula, value: Decimal, *, max_points: Decimal) -> Decimal:
    """The points a measured ``value`` earns: the formula's result kept within 0..``max_points``,
    rounded once half up to 0.01."""
    return round_points(min(max(formula.raw_points(value), ZERO), max_points))


def _number(data: Mapping, key: str, *, minimum=None, maximum=None) -> Decimal:
    if key not in data:
        raise RuleViolation(N_("The formula needs '%(key)s'."), field="formula", key=key)
    try:
        return parse_decimal(data[key], field=key, minimum=minimum, maximum=maximum, places=4)
    except InputError as exc:
        raise RuleViolation(N_("The formula's '%(key)s' is not a valid number in range."),
                            field="formula", key=key) from exc


def formula_from_dict(data: object, *, max_points: Decimal) -> Formula:
    """Read a formula as stored on the indicator (JSON), checking its shape and that its points lie
    within 0..``max_points``.

    Shapes (numbers as JSON numbers or text):
    ``{"type": "above_target", "target": 100, "base": 24, "per_unit_above": 1, "per_unit_below": 2}``;
    ``{"type": "linear", "from_value": 90, "from_points": 0, "to_value": 100, "to_points": 15}``;
    ``{"type": "bands", "bands": [{"at_least": 100, "points": 10}, {"at_most": 1, "points": 4}],
    "otherwise": 0}`` (each band has exactly one of ``at_least`` / ``at_most``).
    """
    if not isinstance(data, Mapping) or data.get("type") not in FORMULA_TYPES:
        raise RuleViolation(N_("A measured indicator needs a formula: above target, linear or bands."),
                            field="formula")
    pts = {"minimum": 0, "maximum": max_points}
    kind = data["type"]
    if kind == "above_target":
        return AboveTarget(target=_number(data, "target"), base=_number(data, "base", **pts),
                           per_unit_above=_number(data, "per_unit_above", minimum=0),
                           per_unit_below=_number(data, "per_unit_below", minimum=0))
    if kind == "linear":
        formula = Linear(from_value=_number(data, "from_value"), from_points=_number(data, "from_points", **pts),
                         to_value=_number(data, "to_value"), to_points=_number(data, "to_points", **pts))
        if formula.from_value == formula.to_value:
            raise RuleViolation(N_("A linear formula needs two different values."), field="formula")
        return formula
    raw_bands = data.get("bands")
    if not isinstance(raw_bands, list) or not 1 <= len(raw_bands) <= MAX_FORMULA_BANDS:
        raise RuleViolation(N_("A bands formula needs between 1 and %(max)d bands."), field="formula",
                            max=MAX_FORMULA_BANDS)
    bands = []
    for raw in raw_bands:
        if not isinstance(raw, Mapping) or ("at_least" in raw) == ("at_most" in raw):
            raise RuleViolation(N_("Each band needs exactly one of 'at least' or 'at most', and its points."),
                                field="formula")
        bound = "at_least" if "at_least" in raw else "at_most"
        bands.append(Band(points=_number(raw, "points", **pts), **{bound: _number(raw, bound)}))
    otherwise = _number(data, "otherwise", **pts) if "otherwise" in data else ZERO
    return Bands(bands=tuple(bands), otherwise=otherwise)


_BAND_LINE = re.compile(r"^\s*(>=|≥|<=|≤)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*[:：=]\s*([0-9]+(?:\.[0-9]+)?)\s*$")


def bands_from_text(text: str) -> list[dict]:
    """Bands typed one per line, in order: ``>= 100 : 8`` (at least 100 earns 8), ``<= 1 : 4`` (at most 1
    earns 4); ``≥``/``≤`` and a full-width colon are read too; blank lines are skipped. The result is the
    ``bands`` list of ``formula_from_dict``."""
    bands = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _BAND_LINE.match(line)
        if match is None:
            raise RuleViolation(N_("Band line %(line)d is not like '>= 100 : 8' or '<= 1 : 4'."), field="bands",
                                line=number)
        bound = "at_least" if match.group(1) in (">=", "≥") else "at_most"
        bands.append({bound: match.group(2), "points": match.group(3)})
    return bands


def bands_to_text(bands: Sequence[Band]) -> str:
    """The lines ``bands_from_text`` reads, for editing."""
    return "\n".join(f">= {b.at_least} : {b.points}" if b.at_least is not None else f"<= {b.at_most} : {b.points}"
                     for b in bands)


def formula_to_dict(formula: Formula) -> dict:
    """The JSON form of ``formula`` (numbers as text, so nothing is lost to floats)."""
    def s(value: Decimal) -> str:
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")

    if isinstance(formula, AboveTarget):
        return {"type": "above_target", "target": s(formula.target), "base": s(formula.base),
                "per_unit_above": s(formula.per_unit_above), "per_unit_below": s(formula.per_unit_below)}
    if isinstance(formula, Linear):
        return {"type": "linear", "from_value": s(formula.from_value), "from_points": s(formula.from_points),
                "to_value": s(formula.to_value), "to_points": s(formula.to_points)}
    return {"type": "bands", "otherwise": s(formula.otherwise), "bands": [
        {("at_least" if b.at_least is not None else "at_most"):
         s(b.at_least if b.at_least is not None else b.at_most), "points": s(b.points)} for b in formula.bands]}


# ---- checking one entry -----------------------------------------------------------------------------

def check_judged_points(points: Decimal, *, max_points: Decimal, step: Decimal) -> Decimal:
    """A judged indicator's points: within 0..``max_points`` and a whole number of ``step``\\ s."""
    if points < ZERO or points > max_points:
        raise RuleViolation(N_("The points must be between 0 and %(max)s."), field="value", max=max_points)
    if not has_at_most_two_places(points) or (step > ZERO and points % step != ZERO):
        raise RuleViolation(N_("The points must be in steps of %(step)s."), field="value", step=step)
    return points


def check_measured_value(value: Decimal, *, value_min: Decimal | None, value_max: Decimal | None) -> Decimal:
    """A measured value within the indicator's stated range (either end may be open)."""
    if (value_min is not None and value < value_min) or (value_max is not None and value > value_max):
        raise RuleViolation(N_("The value must be between %(min)s and %(max)s."), field="value",
                            min="…" if value_min is None else value_min, max="…" if value_max is None else value_max)
    return value


# ---- combining, capping, totalling ------------------------------------------------------------------

def combine_assessors(points: Sequence[Decimal], aggregation: str = "mean") -> Decimal:
    """Several assessors' points on one indicator as one figure, rounded once half up to 0.01: the mean,
    or (``trimmed``) the mean without one highest and one lowest when at least five assessed."""
    if not points:
        return ZERO
    values = sorted(points)
    if aggregation == "trimmed" and len(values) >= TRIM_MIN_ASSESSORS:
        values = values[1:-1]
    return round_points(sum(values, ZERO) / len(values))


def group_subtotal(points: Iterable[Decimal], cap: Decimal) -> Decimal:
    """A group's subtotal: the sum of its indicators' points, at most the group's points."""
    return min(sum(points, ZERO), cap)


def capped_sum(points: Iterable[Decimal], cap: Decimal | None) -> Decimal:
    """The sum of bonus (or deduction) entries, at most ``cap`` when the rules set one."""
    total = sum(points, ZERO)
    return total if cap is None else min(total, cap)


@dataclass(frozen=True)
class GroupSpec:
    """An indicator group: its id, code and the points that cap its subtotal."""

    id: int
    code: str
    max_points: Decimal


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator: its id and its group's id."""

    id: int
    group_id: int


@dataclass(frozen=True)
class Scorecard:
    """A competition's scorecard as the arithmetic needs it."""

    groups: tuple[GroupSpec, ...]
    indicators: tuple[IndicatorSpec, ...]
    bonus_cap: Decimal | None = None
    deduction_cap: Decimal | None = None
    aggregation: str = "mean"

    @property
    def max_total(self) -> Decimal:
        """The most indicator points a unit can earn (the sum of the group caps)."""
        return sum((g.max_points for g in self.groups), ZERO)


@dataclass(frozen=True)
class UnitEntries:
    """What was entered for one unit in one period: each indicator's points by assessor, the live (not
    voided) bonus and deduction points, and the live veto reasons."""

    unit_id: int
    unit_code: str = ""
    unit_name: str = ""
    points: Mapping[int, Sequence[Decimal]] = field(default_factory=dict)
    bonuses: tuple[Decimal, ...] = ()
    deductions: tuple[Decimal, ...] = ()
    veto_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupSubtotal:
    """A group's figures for one unit: the sum of its indicators and the capped subtotal that counts."""

    group_id: int
    code: str
    raw: Decimal
    subtotal: Decimal


@dataclass(frozen=True)
class UnitPeriodScore:
    """One unit's score in one period (not ranked; the publication side ranks).

    ``indicator_points`` is the sum of the capped group subtotals; ``bonus`` and ``deduction`` are after
    their caps; ``total`` = indicator_points + bonus − deduction, never below 0. ``vetoed`` units keep their
    figures but take no award; ``complete`` is False while an indicator has no points yet
    (``missing`` of them).
    """

    unit_id: int
    unit_code: str
    unit_name: str
    groups: tuple[GroupSubtotal, ...]
    indicator_points: Decimal
    bonus: Decimal
    deduction: Decimal
    total: Decimal
    vetoed: bool
    veto_reasons: tuple[str, ...]
    complete: bool
    missing: int
    indicators: Mapping[int, Decimal] = field(default_factory=dict)

    def group(self, code: str) -> Decimal:
        """The subtotal of the group with ``code`` (0 when the scorecard has no such group)."""
        return next((g.subtotal for g in self.groups if g.code == code), ZERO)


def score_unit(card: Scorecard, entries: UnitEntries) -> UnitPeriodScore:
    """One unit's period score from its entries under ``card`` (see the module docstring)."""
    combined = {i.id: combine_assessors(entries.points.get(i.id, ()), card.aggregation) for i in card.indicators}
    missing = sum(1 for i in card.indicators if not entries.points.get(i.id))
    by_group: dict[int, list[Decimal]] = {g.id: [] for g in card.groups}
    for indicator in card.indicators:
        by_group.setdefault(indicator.group_id, []).append(combined[indicator.id])
    groups = tuple(GroupSubtotal(group_id=g.id, code=g.code, raw=sum(by_group[g.id], ZERO),
                                 subtotal=group_subtotal(by_group[g.id], g.max_points)) for g in card.groups)
    indicator_points = sum((g.subtotal for g in groups), ZERO)
    bonus = capped_sum(entries.bonuses, card.bonus_cap)
    deduction = capped_sum(entries.deductions, card.deduction_cap)
    total = max(indicator_points + bonus - deduction, ZERO)
    return UnitPeriodScore(
        unit_id=entries.unit_id, unit_code=entries.unit_code, unit_name=entries.unit_name, groups=groups,
        indicator_points=indicator_points, bonus=bonus, deduction=deduction, total=round_points(total),
        vetoed=bool(entries.veto_reasons), veto_reasons=tuple(entries.veto_reasons),
        complete=missing == 0, missing=missing, indicators=combined)


def score_period(card: Scorecard, units: Iterable[UnitEntries]) -> list[UnitPeriodScore]:
    """Every unit's period score, in the order given (the caller orders units; nothing is ranked here)."""
    return [score_unit(card, entries) for entries in units]


# ---- recusal by unit -------------------------------------------------------------------------------

def _parent_path(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return "/" + "/".join(parts[:-1]) + "/" if len(parts) > 1 else ""


def assessor_recused_from_unit(assessor_org_path: str | None, unit_org_path: str | None, *,
                               assessor_org_is_enterprise: bool = False, same_parent: bool = False) -> bool:
    """Recusal (回避) by unit: an assessor employed anywhere in the unit's organization subtree (the
    section's project department, its teams) never scores the unit; nor does an assessor of an enterprise
    score a unit below that enterprise (its own workshop or project department). With ``same_parent`` (the
    competition's "recuse within the same parent organization" setting, as for judges), an assessor whose
    organization sits under the same parent as the unit's (two enterprises of one district, or the district
    above the unit's enterprise) is recused too. An assessor of a federation above every unit is not.
    Paths are the union tree's materialised paths ("/1/4/17/").
    """
    if not assessor_org_path or not unit_org_path:
        return False
    if assessor_org_path.startswith(unit_org_path):
        return True
    if assessor_org_is_enterprise and unit_org_path.startswith(assessor_org_path):
        return True
    if same_parent:
        unit_parent = _parent_path(unit_org_path)
        return bool(unit_parent) and unit_parent in (_parent_path(assessor_org_path), assessor_org_path)
    return False


# ---- completeness for sign-off ----------------------------------------------------------------------

Slot = tuple[int, int, int]  # (unit id, indicator id, assessor user id)


def missing_entries(expected: Iterable[Slot], entered: Iterable[Slot]) -> list[Slot]:
    """The expected (unit, indicator, assessor) entries not yet made, sorted (for the chief's list)."""
    return sorted(set(expected) - set(entered))


def uncovered(pairs: Iterable[tuple[int, int]], expected: Iterable[Slot]) -> list[tuple[int, int]]:
    """The (unit, indicator) pairs no assessor may score (none assigned, or all recused), sorted."""
    covered = {(unit, indicator) for unit, indicator, _ in expected}
    return sorted(set(pairs) - covered)


# ---- periods ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PeriodSpan:
    """One generated period: its number (1, 2, ...), a language-neutral name, kind and dates (inclusive)."""

    number: int
    name: str
    kind: str
    starts_on: date
    ends_on: date


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _cuts(starts_on: date, ends_on: date, cadence: str) -> Iterable[tuple[date, date, str]]:
    day = starts_on
    while day <= ends_on:
        if cadence == "half_month":
            end = day.replace(day=15) if day.day <= 15 else _month_end(day)
            name = f"{day:%Y-%m} {'1-15' if day.day <= 15 else f'16-{_month_end(day).day}'}"
        elif cadence == "month":
            end, name = _month_end(day), f"{day:%Y-%m}"
        else:
            quarter = (day.month - 1) // 3 + 1
            end, name = _month_end(date(day.year, quarter * 3, 1)), f"{day.year} Q{quarter}"
        end = min(end, ends_on)
        yield day, end, name
        day = end + timedelta(days=1)


def regular_periods(starts_on: date, ends_on: date, cadence: str) -> list[PeriodSpan]:
    """The periods from ``starts_on`` to ``ends_on`` (inclusive) by ``cadence``: half-months (1-15 and
    16-end), calendar months or calendar quarters, the first and last clipped to the competition's dates.
    Names are language-neutral ("2026-03", "2026-03 16-31", "2026 Q2")."""
    if cadence not in ("half_month", "month", "quarter"):
        raise RuleViolation(N_("Periods are generated by half-month, month or quarter."), field="cadence")
    if ends_on < starts_on:
        raise RuleViolation(N_("The competition ends before it starts."), field="ends_on")
    return [PeriodSpan(number=n, name=name, kind=cadence, starts_on=start, ends_on=end)
            for n, (start, end, name) in enumerate(_cuts(starts_on, ends_on, cadence), start=1)]


def milestone_periods(starts_on: date, milestones: Sequence[tuple[date, str]]) -> list[PeriodSpan]:
    """Periods ending at milestone dates (节点): each runs from the day after the previous milestone (the
    competition's start for the first) to its milestone's date. Dates must be strictly increasing and not
    before the start."""
    spans, day = [], starts_on
    for number, (milestone, name) in enumerate(milestones, start=1):
        if milestone < day:
            raise RuleViolation(N_("Milestone dates must be in order and within the competition."),
                                field="milestones")
        spans.append(PeriodSpan(number=number, name=name, kind="milestone", starts_on=day, ends_on=milestone))
        day = milestone + timedelta(days=1)
    return spans


def overlapping(spans: Sequence[tuple[date, date]]) -> bool:
    """True when two of the (start, end) spans share a day."""
    ordered = sorted(spans)
    return any(later[0] <= earlier[1] for earlier, later in zip(ordered, ordered[1:], strict=False))
