"""Assessing a labour competition's period: assessors' scores, bonus and deduction entries, veto items,
the chief assessor's close and sign-off, and the period's scores.

The practice: each period the assessors (考评员) inspect the sites and the records and score every
participating unit on the indicators of their groups — the chief assessor (考评组长) checks that every
score is in, closes the assessment, and signs the period's score sheet off; the competition office then
publishes the ranking (the publication side, ``period_scores``). Rules kept here:

* An assessor scores only the units and groups assigned to them, and never a unit their own
  organization belongs to (recusal by unit, ``domain.scorecards.assessor_recused_from_unit``) — checked
  on the server for every entry, whatever the page showed.
* One entry per period, unit, indicator and assessor (a unique row). Sending it again is refused with
  what is already there; changing it is a **correction**: it names the version it corrects and gives a
  reason, and is audited with the old and new value. A judged indicator's points lie within its maximum
  in its steps; a measured value within its range; the points of a measured value follow the
  indicator's formula and are stored with it. A batch of entries is saved whole or not at all.
* Bonus entries (commendations) and deductions (notices of criticism) carry a source (the owner, the
  supervising engineer, a higher authority, the leading group, a media report) and a document reference;
  veto items (一票否决) a category, a reason and a document. None is deleted: a mistaken one is voided with
  a reason. Both can be recorded until the period is signed off.
* A period moves open → assessed (the chief closes it: every expected entry made, every unit and
  indicator covered by an assessor) → signed off (the chief signs; the scores are final and published).
  The chief may reopen it, with a reason, audited; ``period_signed_off`` / ``period_reopened`` tell the
  publication side.

Services flush; the caller commits once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from competitions.audit.services import record
from competitions.auth.models import User
from competitions.db import utcnow
from competitions.domain import scorecards as rules
from competitions.domain.errors import N_, Conflict, InvalidState, NotAllowed, NotFound, Phrase, RuleViolation
from competitions.domain.inputs import InputError, clean_text, parse_decimal
from competitions.domain.marks import MIN_REASON_WIDTH, reason_width
from competitions.domain.points import plain_decimal
from competitions.extensions import db
from competitions.labour import signals
from competitions.labour.models import (
    ADJUSTMENT_KINDS,
    ADJUSTMENT_SOURCES,
    VETO_CATEGORIES,
    LabourAdjustment,
    LabourAssessor,
    LabourIndicator,
    LabourPeriod,
    LabourPeriodUnit,
    LabourScore,
    LabourUnit,
    LabourVeto,
)
from competitions.labour.setup import groups_of, indicators_of, scorecard_of
from competitions.organize.models import Competition
from competitions.orgs.models import Organization

MAX_ADJUSTMENT = Decimal("100")


# ---- one value -------------------------------------------------------------------------------------

def parse_value(indicator: LabourIndicator, raw: object) -> Decimal:
    """The value typed for ``indicator`` (points for a judged one, at most two decimals; a measured value,
    at most four), checked against its range; RuleViolation with the indicator's code otherwise."""
    try:
        value = parse_decimal(raw, field="value", places=2 if indicator.kind == "judged" else 4)
        if indicator.kind == "judged":
            return rules.check_judged_points(value, max_points=plain_decimal(indicator.max_points),
                                             step=plain_decimal(indicator.step))
        return rules.check_measured_value(
            value, value_min=None if indicator.value_min is None else plain_decimal(indicator.value_min),
            value_max=None if indicator.value_max is None else plain_decimal(indicator.value_max))
    except RuleViolation as exc:
        raise RuleViolation(N_("%(indicator)s: %(problem)s"), field=f"indicator-{indicator.id}",
                            indicator=f"{indicator.code} {indicator.name}",
                            problem=Phrase(exc.message, _named(exc, raw))) from exc


def _named(exc: RuleViolation, raw: object) -> dict:
    """The inner message's parameters, its subject being what was typed (cut to 20 characters: a
    400-digit number is not echoed whole); the indicator is named by the outer message."""
    params = dict(exc.params)
    if isinstance(exc, InputError) and "name" in params:
        typed = str(raw).strip()
        params["name"] = typed if len(typed) <= 20 else typed[:20] + "…"
    return params


def points_for(indicator: LabourIndicator, value: Decimal) -> Decimal:
    """The points ``value`` earns on ``indicator`` (a judged value is its points; a measured one goes
    through the formula)."""
    value = parse_value(indicator, value)
    if indicator.kind == "judged":
        return value
    formula = rules.formula_from_dict(indicator.formula, max_points=indicator.max_points)
    return rules.measured_points(formula, value, max_points=indicator.max_points)


# ---- who may score what -----------------------------------------------------------------------------

def is_recused(user: User, unit: LabourUnit) -> bool:
    """True when ``user`` must not score ``unit`` (recusal by unit; within the same parent organization too
    when the competition says so, ``Competition.recuse_same_parent``)."""
    org: Organization | None = user.organization
    unit_org: Organization | None = unit.organization
    competition = db.session.get(Competition, unit.competition_id)
    return rules.assessor_recused_from_unit(org.path if org else None, unit_org.path if unit_org else None,
                                            assessor_org_is_enterprise=bool(org and org.kind == "enterprise"),
                                            same_parent=bool(competition and competition.recuse_same_parent))


def assignments_of(user: User, competition_id: int) -> list[LabourAssessor]:
    """``user``'s assignments in one competition."""
    return list(db.session.execute(select(LabourAssessor).where(LabourAssessor.competition_id == competition_id,
                                                                LabourAssessor.user_id == user.id)).scalars())


def is_chief(user: User, competition_id: int) -> bool:
    """True when ``user`` is a chief assessor of the competition."""
    return any(a.is_chief for a in assignments_of(user, competition_id))


def units_in_period(period: LabourPeriod) -> list[LabourUnit]:
    """The units taking part in ``period`` -- the one answer completeness, ``period_scores``, the tablet
    pages, publishing and corrections read.

    The rule: a unit takes part from the first period not yet signed off when it is added (or reinstated).
    A period not yet signed off takes the units still in the competition, plus withdrawn ones with entries in
    it. When the chief first signs a period off, that set is frozen (``LabourPeriodUnit``) and kept for good,
    also when the period is reopened for a correction and signed off again: a unit added or reinstated later
    never makes a signed-off month owe marks (nor blocks publishing it again), and a unit withdrawn later stays
    in the periods it took part in."""
    frozen = select(LabourPeriodUnit.unit_id).where(LabourPeriodUnit.period_id == period.id)
    if db.session.execute(select(exists(frozen))).scalar():
        taking_part = LabourUnit.id.in_(frozen)
    else:
        scored = select(LabourScore.unit_id).where(LabourScore.period_id == period.id)
        taking_part = LabourUnit.withdrawn_at.is_(None) | LabourUnit.id.in_(scored)
    return list(db.session.execute(
        select(LabourUnit).where(LabourUnit.competition_id == period.competition_id, taking_part)
        .order_by(LabourUnit.position, LabourUnit.id)).scalars())


def _freeze_units(period: LabourPeriod) -> None:
    """Keep the units ``period`` is signed off with (first sign-off only; see ``units_in_period``)."""
    if not db.session.execute(select(exists().where(LabourPeriodUnit.period_id == period.id))).scalar():
        db.session.add_all(LabourPeriodUnit(period_id=period.id, unit_id=u.id) for u in units_in_period(period))
        db.session.flush()


def _covered(assignment: LabourAssessor, units: Sequence[LabourUnit], indicators: Sequence[LabourIndicator]):
    for unit in units:
        if assignment.unit_id is not None and unit.id != assignment.unit_id:
            continue
        for indicator in indicators:
            if assignment.group_id is None or indicator.group_id == assignment.group_id:
                yield unit, indicator


@dataclass(frozen=True)
class AssessorScope:
    """What one assessor scores in one period: per unit the indicators, and the units they are recused from."""

    units: list[LabourUnit]
    indicators: dict[int, list[LabourIndicator]]   # unit id -> the indicators this assessor scores
    recused: set[int]                               # unit ids


def scope_of(period: LabourPeriod, user: User) -> AssessorScope:
    """The units and indicators ``user`` scores in ``period`` (recused units listed, with no indicators)."""
    units, indicators = units_in_period(period), indicators_of(_competition(period))
    mine: dict[int, dict[int, LabourIndicator]] = defaultdict(dict)
    recused: set[int] = set()
    for assignment in assignments_of(user, period.competition_id):
        for unit, indicator in _covered(assignment, units, indicators):
            if is_recused(user, unit):
                recused.add(unit.id)
            else:
                mine[unit.id][indicator.id] = indicator
    order = {i.id: n for n, i in enumerate(indicators)}
    return AssessorScope(
        units=[u for u in units if u.id in mine or u.id in recused],
        indicators={uid: sorted(found.values(), key=lambda i: order[i.id]) for uid, found in mine.items()},
        recused=recused)


def expected_slots(period: LabourPeriod) -> set[rules.Slot]:
    """Every (unit, indicator, assessor) entry the period needs: each assignment's units and indicators,
    less recused units."""
    units, indicators = units_in_period(period), indicators_of(_competition(period))
    slots: set[rules.Slot] = set()
    assessors = db.session.execute(select(LabourAssessor).where(
        LabourAssessor.competition_id == period.competition_id)).scalars()
    for assignment in assessors:
        for unit, indicator in _covered(assignment, units, indicators):
            if not is_recused(assignment.user, unit):
                slots.add((unit.id, indicator.id, assignment.user_id))
    return slots


def _competition(period: LabourPeriod) -> Competition:
    return db.session.get(Competition, period.competition_id)


# ---- scores ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScoreInput:
    """One entry from the tablet: the indicator, the value typed, and the version it corrects (None: new)."""

    indicator_id: int
    value: object
    version: int | None = None


def scores_by(period: LabourPeriod, unit: LabourUnit, assessor_id: int) -> dict[int, LabourScore]:
    """An assessor's entries for one unit in one period, by indicator id."""
    rows = db.session.execute(select(LabourScore).where(
        LabourScore.period_id == period.id, LabourScore.unit_id == unit.id,
        LabourScore.assessor_id == assessor_id)).scalars()
    return {s.indicator_id: s for s in rows}


def _score_record(score: LabourScore, indicator: LabourIndicator, unit: LabourUnit, period: LabourPeriod) -> dict:
    return {"period": period.number, "unit": unit.code, "indicator": indicator.code,
            "value": _plain(Decimal(score.value)), "points": _plain(Decimal(score.points)), "version": score.version}


def record_scores(period: LabourPeriod, unit: LabourUnit, *, assessor: User, entries: Sequence[ScoreInput],
                  reason: str = "") -> list[LabourScore]:
    """Save an assessor's entries for one unit in one period, all or nothing (see the module docstring).

    A new entry for an indicator already scored by this assessor is refused (Conflict); a correction names
    the version it saw (Conflict when someone changed it meanwhile) and needs ``reason``. An unchanged
    value is left alone. Returns the entries written.
    """
    if period.status != "open":
        raise InvalidState(N_("This period is no longer open for assessment."))
    if period.not_started:
        raise InvalidState(N_("%(period)s starts on %(date)s; it cannot be assessed before it starts."),
                           period=period.name, date=period.starts_on.isoformat())
    if unit.competition_id != period.competition_id or unit not in units_in_period(period):
        raise NotFound(N_("No such unit in this period."))
    scope = scope_of(period, assessor)
    if unit.id in scope.recused:
        raise NotAllowed(N_("You are recused from %(unit)s: your organization belongs to it."), unit=unit.name)
    allowed = {i.id: i for i in scope.indicators.get(unit.id, [])}
    existing = scores_by(period, unit, assessor.id)
    reason = clean_text((reason or "").strip(), field="reason", multiline=True)[:500]
    seen: set[int] = set()
    plan: list[tuple[LabourIndicator, Decimal, LabourScore | None]] = []
    for entry in entries:
        indicator = allowed.get(entry.indicator_id)
        if indicator is None:
            raise NotAllowed(N_("You do not assess this indicator for this unit."))
        if indicator.id in seen:
            raise RuleViolation(N_("%(indicator)s is given twice."), field=f"indicator-{indicator.id}",
                                indicator=indicator.code)
        seen.add(indicator.id)
        value = parse_value(indicator, entry.value)
        current = existing.get(indicator.id)
        if current is not None:
            if entry.version is None:
                raise Conflict(N_("%(indicator)s has already been assessed for %(unit)s in this period (%(value)s). "
                                  "To change it, correct it with a reason."), field=f"indicator-{indicator.id}",
                               indicator=indicator.code, unit=unit.name, value=_plain(current.value))
            if entry.version != current.version:
                raise Conflict(N_("%(indicator)s was changed meanwhile (now %(value)s); look again before "
                                  "correcting it."), field=f"indicator-{indicator.id}", indicator=indicator.code,
                               value=_plain(current.value))
            if current.value == value:
                continue
            if not reason:
                raise RuleViolation(N_("A correction needs a reason."), field="reason")
        elif entry.version is not None:
            raise Conflict(N_("%(indicator)s was removed meanwhile; look again."), field=f"indicator-{indicator.id}",
                           indicator=indicator.code)
        plan.append((indicator, value, current))
    return _write_scores(period, unit, assessor, plan, reason)


def _plain(value: Decimal) -> str:
    return format(plain_decimal(value), "f")


def _write_scores(period, unit, assessor, plan, reason) -> list[LabourScore]:
    written: list[LabourScore] = []
    try:
        with db.session.begin_nested():
            for indicator, value, current in plan:
                points = points_for(indicator, value)
                if current is None:
                    score = LabourScore(period_id=period.id, unit_id=unit.id, indicator_id=indicator.id,
                                        assessor_id=assessor.id, value=value, points=points, version=1)
                    db.session.add(score)
                    db.session.flush()
                    record("labour.score", actor_id=assessor.id, object_type="labour_score", object_id=score.id,
                           competition_id=period.competition_id,
                           new=_score_record(score, indicator, unit, period))
                else:
                    old = _score_record(current, indicator, unit, period)
                    current.value, current.points, current.version = value, points, current.version + 1
                    db.session.flush()
                    score = current
                    record("labour.score_correct", actor_id=assessor.id, object_type="labour_score",
                           object_id=score.id, competition_id=period.competition_id, old=old,
                           new=_score_record(score, indicator, unit, period), reason=reason)
                written.append(score)
    except IntegrityError as exc:
        # Two tablets of one assessor sent the same new entry at once: the other one was stored first.
        raise Conflict(N_("This unit has already been assessed on one of these indicators; look again.")) from exc
    return written


# ---- bonus, deductions and vetoes --------------------------------------------------------------------

def _open_for_entries(period: LabourPeriod) -> None:
    if period.status == "signed_off":
        raise InvalidState(N_("This period has been signed off; reopen it first."))


def _unit_of(period: LabourPeriod, unit_id: int) -> LabourUnit:
    unit = db.session.get(LabourUnit, unit_id)
    if unit is None or unit.competition_id != period.competition_id:
        raise RuleViolation(N_("No such unit in this competition."), field="unit_id")
    return unit


def _required_text(value: str, field: str, message: str, *, limit: int = 200, multiline: bool = False) -> str:
    text = clean_text((value or "").strip(), field=field, multiline=multiline)
    if not text:
        raise RuleViolation(message, field=field)
    if len(text) > limit:
        raise RuleViolation(N_("At most %(max)d characters."), field=field, max=limit)
    return text


@dataclass(frozen=True)
class AdjustmentData:
    """A bonus or deduction entry as typed."""

    unit_id: int
    kind: str
    points: object
    source: str
    document_ref: str
    issuer: str = ""
    reason: str = ""


def add_adjustment(period: LabourPeriod, data: AdjustmentData, *, actor: User | None) -> LabourAdjustment:
    """Record a bonus (commendation) or a deduction (notice of criticism) with its source and document."""
    _open_for_entries(period)
    unit = _unit_of(period, data.unit_id)
    if data.kind not in ADJUSTMENT_KINDS:
        raise RuleViolation(N_("Choose bonus or deduction."), field="kind")
    if data.source not in ADJUSTMENT_SOURCES:
        raise RuleViolation(N_("A bonus or deduction needs its source (who issued it)."), field="source")
    document = _required_text(data.document_ref, "document_ref",
                              N_("A bonus or deduction needs the reference of its document (notice, letter)."))
    try:
        points = parse_decimal(data.points, field="points", places=2)
    except InputError as exc:
        raise RuleViolation(N_("The points must be a number with at most two decimals."), field="points") from exc
    if not Decimal(0) < points <= MAX_ADJUSTMENT:
        raise RuleViolation(N_("The points must be above 0 and at most %(max)s."), field="points",
                            max=MAX_ADJUSTMENT)
    reason = _text(data.reason, "reason", limit=2000, multiline=True)
    if data.kind == "deduction" and not reason:
        raise RuleViolation(N_("A deduction needs its reason (what the notice criticised)."), field="reason")
    _refuse_twice(LabourAdjustment, period, unit, document, LabourAdjustment.kind == data.kind)
    adjustment = LabourAdjustment(
        period_id=period.id, unit_id=unit.id, kind=data.kind, points=points, source=data.source,
        issuer=_text(data.issuer, "issuer"), document_ref=document,
        reason=reason, recorded_by_id=actor.id if actor else None)
    db.session.add(adjustment)
    db.session.flush()
    record(f"labour.{data.kind}", actor_id=actor.id if actor else None, object_type="labour_adjustment",
           object_id=adjustment.id, competition_id=period.competition_id,
           new={"period": period.number, "unit": unit.code, "points": str(points), "source": data.source,
                "issuer": adjustment.issuer, "document_ref": document}, reason=adjustment.reason)
    return adjustment


def _same_document(ref: str) -> str:
    return "".join(ref.split()).casefold()


def _refuse_twice(model, period: LabourPeriod, unit: LabourUnit, document: str, *criteria) -> None:
    """Refuse a second live entry of the same kind for the same unit, period and document (a double tap, a
    browser resending the form on flaky Wi-Fi, a clerk entering a notice already entered): Conflict naming it.

    Document references are compared without spaces and case. A document that really carries two entries for
    one unit is told apart by its item number (〔2026〕12号-2).
    """
    rows = db.session.execute(select(model.id, model.document_ref).where(
        model.period_id == period.id, model.unit_id == unit.id, model.voided_at.is_(None), *criteria)).all()
    key = _same_document(document)
    for row_id, ref in rows:
        if _same_document(ref) == key:
            raise Conflict(N_("%(unit)s already has an entry for document “%(document)s” in this period (entry "
                              "%(id)d). If the document really carries a second one, add its item number to the "
                              "reference; to change the entry, void it and enter it again."),
                           field="document_ref", unit=unit.code, document=ref, id=row_id)


def _text(value: str, field: str, *, limit: int = 200, multiline: bool = False) -> str:
    text = clean_text((value or "").strip(), field=field, multiline=multiline)
    if len(text) > limit:
        raise RuleViolation(N_("At most %(max)d characters."), field=field, max=limit)
    return text


def void_adjustment(adjustment: LabourAdjustment, *, actor: User | None, reason: str) -> None:
    """Void a mistaken bonus or deduction (kept, struck through), with a reason."""
    period = db.session.get(LabourPeriod, adjustment.period_id)
    _open_for_entries(period)
    reason = _required_text(reason, "reason", N_("Give the reason for voiding it."), limit=500, multiline=True)
    if adjustment.voided_at is not None:
        raise InvalidState(N_("This entry has already been voided."))
    adjustment.voided_at, adjustment.void_reason = utcnow(), reason
    adjustment.voided_by_id = actor.id if actor else None
    db.session.flush()
    record("labour.adjustment_void", actor_id=actor.id if actor else None, object_type="labour_adjustment",
           object_id=adjustment.id, competition_id=period.competition_id,
           old={"kind": adjustment.kind, "points": str(adjustment.points), "document_ref": adjustment.document_ref},
           reason=reason)


@dataclass(frozen=True)
class VetoData:
    """A veto item as typed."""

    unit_id: int
    category: str
    reason: str
    document_ref: str
    occurred_on: date | None = None


def add_veto(period: LabourPeriod, data: VetoData, *, actor: User | None) -> LabourVeto:
    """Record a veto item (一票否决): the unit takes no award in this period, whatever its score."""
    _open_for_entries(period)
    unit = _unit_of(period, data.unit_id)
    if data.category not in VETO_CATEGORIES:
        raise RuleViolation(N_("Choose what the veto is for."), field="category")
    reason = _required_text(data.reason, "reason", N_("A veto needs its reason (what happened)."), limit=2000,
                            multiline=True)
    document = _required_text(data.document_ref, "document_ref",
                              N_("A veto needs the reference of its document (accident report, notice)."))
    if data.occurred_on is not None and not period.starts_on <= data.occurred_on <= period.ends_on:
        raise RuleViolation(N_("The date must lie within the period (%(start)s to %(end)s)."), field="occurred_on",
                            start=period.starts_on, end=period.ends_on)
    _refuse_twice(LabourVeto, period, unit, document)
    veto = LabourVeto(period_id=period.id, unit_id=unit.id, category=data.category, reason=reason,
                      document_ref=document, occurred_on=data.occurred_on, recorded_by_id=actor.id if actor else None)
    db.session.add(veto)
    db.session.flush()
    record("labour.veto", actor_id=actor.id if actor else None, object_type="labour_veto", object_id=veto.id,
           competition_id=period.competition_id,
           new={"period": period.number, "unit": unit.code, "category": data.category, "document_ref": document},
           reason=reason)
    return veto


def void_veto(veto: LabourVeto, *, actor: User | None, reason: str) -> None:
    """Void a veto recorded in error (kept, struck through), with a reason."""
    period = db.session.get(LabourPeriod, veto.period_id)
    _open_for_entries(period)
    reason = _required_text(reason, "reason", N_("Give the reason for voiding it."), limit=500, multiline=True)
    if veto.voided_at is not None:
        raise InvalidState(N_("This entry has already been voided."))
    veto.voided_at, veto.voided_by_id, veto.void_reason = utcnow(), actor.id if actor else None, reason
    db.session.flush()
    record("labour.veto_void", actor_id=actor.id if actor else None, object_type="labour_veto", object_id=veto.id,
           competition_id=period.competition_id, old={"category": veto.category, "document_ref": veto.document_ref},
           reason=reason)


def adjustments_of(period: LabourPeriod) -> list[LabourAdjustment]:
    """Every bonus and deduction of the period (voided ones too), oldest first."""
    return list(db.session.execute(select(LabourAdjustment).where(LabourAdjustment.period_id == period.id)
                                   .order_by(LabourAdjustment.id)).scalars())


def vetoes_of(period: LabourPeriod) -> list[LabourVeto]:
    """Every veto item of the period (voided ones too), oldest first."""
    return list(db.session.execute(select(LabourVeto).where(LabourVeto.period_id == period.id)
                                   .order_by(LabourVeto.id)).scalars())


# ---- the period's scores ----------------------------------------------------------------------------

def scorecard_rules(competition: Competition) -> rules.Scorecard:
    """The competition's scorecard as the arithmetic needs it."""
    card = scorecard_of(competition)
    groups = groups_of(competition)
    return rules.Scorecard(
        groups=tuple(rules.GroupSpec(g.id, g.code, g.max_points) for g in groups),
        indicators=tuple(rules.IndicatorSpec(i.id, g.id) for g in groups for i in g.indicators),
        bonus_cap=card.bonus_cap, deduction_cap=card.deduction_cap, aggregation=card.aggregation)


def period_scores(period: LabourPeriod) -> list[rules.UnitPeriodScore]:
    """Every unit's score in ``period`` (``domain.scorecards.UnitPeriodScore``: group subtotals, bonus,
    deductions, total, vetoed with reasons, complete), in the units' order — not ranked."""
    card = scorecard_rules(_competition(period))
    points: dict[int, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for unit_id, indicator_id, value in db.session.execute(
            select(LabourScore.unit_id, LabourScore.indicator_id, LabourScore.points)
            .where(LabourScore.period_id == period.id).order_by(LabourScore.id)):
        points[unit_id][indicator_id].append(value)
    bonuses: dict[int, list[Decimal]] = defaultdict(list)
    deductions: dict[int, list[Decimal]] = defaultdict(list)
    for adjustment in adjustments_of(period):
        if adjustment.voided_at is None:
            (bonuses if adjustment.kind == "bonus" else deductions)[adjustment.unit_id].append(adjustment.points)
    vetoes: dict[int, list[str]] = defaultdict(list)
    for veto in vetoes_of(period):
        if veto.voided_at is None:
            vetoes[veto.unit_id].append(f"{veto.reason} ({veto.document_ref})")
    return rules.score_period(card, (
        rules.UnitEntries(unit_id=u.id, unit_code=u.code, unit_name=u.name, points=points.get(u.id, {}),
                          bonuses=tuple(bonuses[u.id]), deductions=tuple(deductions[u.id]),
                          veto_reasons=tuple(vetoes[u.id]))
        for u in units_in_period(period)))


# ---- completeness, close, sign-off, reopen ----------------------------------------------------------

@dataclass(frozen=True)
class Completeness:
    """How far the period's assessment has come: the entries expected, made, missing (unit, indicator,
    assessor), and the (unit, indicator) pairs no assessor may score."""

    expected: int
    entered: int
    missing: list[rules.Slot]
    uncovered: list[tuple[int, int]]
    units: int
    indicators: int

    @property
    def ok(self) -> bool:
        """True when nothing is missing or uncovered (and there is something to assess)."""
        return not self.missing and not self.uncovered and self.units > 0 and self.indicators > 0


def completeness(period: LabourPeriod) -> Completeness:
    """The period's completeness for the chief assessor."""
    expected = expected_slots(period)
    entered = set(db.session.execute(select(LabourScore.unit_id, LabourScore.indicator_id, LabourScore.assessor_id)
                                     .where(LabourScore.period_id == period.id)).tuples())
    units, indicators = units_in_period(period), indicators_of(_competition(period))
    pairs = [(u.id, i.id) for u in units for i in indicators]
    return Completeness(expected=len(expected), entered=len(expected & entered),
                        missing=rules.missing_entries(expected, entered), uncovered=rules.uncovered(pairs, expected),
                        units=len(units), indicators=len(indicators))


def _require_chief(actor: User, period: LabourPeriod) -> None:
    if not is_chief(actor, period.competition_id):
        raise NotAllowed(N_("Only the chief assessor may do this."))


def _require_complete(period: LabourPeriod) -> None:
    state = completeness(period)
    if state.units == 0 or state.indicators == 0:
        raise InvalidState(N_("There is nothing to assess yet: add units and indicators first."))
    if state.uncovered:
        raise InvalidState(N_("%(count)d unit-indicator pairs have no assessor who may score them; assign "
                              "another assessor."), count=len(state.uncovered))
    if state.missing:
        raise InvalidState(N_("%(count)d entries are still missing."), count=len(state.missing))


def close_assessment(period: LabourPeriod, *, actor: User) -> None:
    """The chief closes the assessment (open → assessed) once every entry is in; assessors can no longer
    change their entries."""
    _require_chief(actor, period)
    if period.status != "open":
        raise InvalidState(N_("This period is not open."))
    _require_complete(period)
    period.status, period.assessed_at, period.assessed_by_id = "assessed", utcnow(), actor.id
    db.session.flush()
    record("labour.period_assessed", actor_id=actor.id, object_type="labour_period", object_id=period.id,
           competition_id=period.competition_id, old={"status": "open"}, new={"status": "assessed"})


def sign_off(period: LabourPeriod, *, actor: User) -> None:
    """The chief signs the period off (assessed → signed off): its scores are final and may be published."""
    _require_chief(actor, period)
    if period.status == "signed_off":   # a double tap: say so, not "close the assessment first"
        raise InvalidState(N_("This period is already signed off."))
    if period.status != "assessed":
        raise InvalidState(N_("Close the assessment before signing the period off."))
    _require_complete(period)
    _freeze_units(period)
    period.status, period.signed_off_at, period.signed_off_by_id = "signed_off", utcnow(), actor.id
    db.session.flush()
    record("labour.period_sign_off", actor_id=actor.id, object_type="labour_period", object_id=period.id,
           competition_id=period.competition_id, old={"status": "assessed"}, new={"status": "signed_off"})
    signals.period_signed_off.send(period)


def reopen(period: LabourPeriod, *, actor: User, reason: str) -> None:
    """The chief reopens an assessed or signed-off period for corrections, with a reason (audited)."""
    _require_chief(actor, period)
    reason = _required_text(reason, "reason", N_("Give the reason for reopening the period."), limit=500,
                            multiline=True)
    if reason_width(reason) < MIN_REASON_WIDTH:   # the same floor as reasons for changing a locked mark
        raise RuleViolation(N_("The reason is too short (at least %(min)d characters); say what must be "
                               "corrected."), field="reason", min=MIN_REASON_WIDTH)
    if period.status == "open":
        raise InvalidState(N_("This period is already open."))
    old = period.status
    period.status, period.reopen_reason = "open", reason
    period.assessed_at = period.assessed_by_id = period.signed_off_at = period.signed_off_by_id = None
    db.session.flush()
    record("labour.period_reopen", actor_id=actor.id, object_type="labour_period", object_id=period.id,
           competition_id=period.competition_id, old={"status": old}, new={"status": "open"}, reason=reason)
    signals.period_reopened.send(period, previous=old)


def has_entries(period: LabourPeriod) -> bool:
    """True when anything has been entered in the period."""
    return bool(db.session.execute(select(exists().where(LabourScore.period_id == period.id))).scalar())


# ---- an assessor's own view -------------------------------------------------------------------------

@dataclass(frozen=True)
class MyPeriod:
    """A period on an assessor's home page: how many of their entries are made, of how many."""

    period: LabourPeriod
    entered: int
    expected: int


@dataclass(frozen=True)
class MyCompetition:
    """A labour competition an assessor is assigned to, with its periods and whether they are chief."""

    competition: Competition
    chief: bool
    periods: list[MyPeriod]


def my_progress(period: LabourPeriod, user: User) -> tuple[int, int]:
    """(entries made, entries expected) of ``user`` in ``period``."""
    mine = {s for s in expected_slots(period) if s[2] == user.id}
    entered = set(db.session.execute(select(LabourScore.unit_id, LabourScore.indicator_id, LabourScore.assessor_id)
                                     .where(LabourScore.period_id == period.id,
                                            LabourScore.assessor_id == user.id)).tuples())
    return len(mine & entered), len(mine)


def my_assessments(user: User) -> list[MyCompetition]:
    """The labour competitions ``user`` assesses, newest first, with their periods and the user's progress
    in the open ones."""
    from competitions.labour.setup import periods_of

    ids = sorted({a.competition_id for a in db.session.execute(
        select(LabourAssessor).where(LabourAssessor.user_id == user.id)).scalars()}, reverse=True)
    out = []
    for competition_id in ids:
        competition = db.session.get(Competition, competition_id)
        periods = []
        for period in periods_of(competition):
            entered, expected = my_progress(period, user) if period.status == "open" else (0, 0)
            periods.append(MyPeriod(period, entered, expected))
        out.append(MyCompetition(competition, is_chief(user, competition_id), periods))
    return out
