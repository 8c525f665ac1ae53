"""Setting up a labour competition: participating units and their members, periods, the scorecard, assessors.

The practice: the competition's office (竞赛办公室) lists the participating units — the project sections
(标段) of a metro line, the enterprises of a district project, the workshops or teams (班组) of a plant —
publishes the assessment rules (考评办法: indicator groups and their points, measured indicators with
their formulas, the caps on bonus and deductions), fixes the assessment periods (monthly for most key
projects; half-monthly in a "100 days of all-out work" campaign; at milestones 节点) and names the
assessors (考评员), one of them chief (考评组长).

Rules kept here: only competitions of kind ``labor`` have units, periods and scorecards; codes and
names are unique per competition; an indicator's points never exceed its group's; a measured
indicator has a formula that reads (``domain.scorecards.formula_from_dict``) and a range whose lower end
is below its upper. The scorecard is the rule every score was given under: once a period has been
closed (assessed or signed off) its indicators and groups are frozen; before that a changed formula
re-computes the points of the values already entered, and is refused when one of them would fall
outside a new range. Periods are generated once from the competition's dates (or added one by one,
e.g. milestones) and never overlap. Every change is audited. Services flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, func, select, text

from competitions.audit.services import record
from competitions.auth.models import User
from competitions.domain import scorecards as rules
from competitions.domain.errors import N_, InvalidState, NotFound, RuleViolation
from competitions.domain.inputs import clean_text, normalize_name, tidy_name
from competitions.extensions import db
from competitions.labour.models import (
    INDICATOR_KINDS,
    UNIT_KINDS,
    LabourAssessor,
    LabourIndicator,
    LabourIndicatorGroup,
    LabourPeriod,
    LabourScore,
    LabourScorecard,
    LabourUnit,
    LabourUnitMember,
)
from competitions.organize.models import Competition
from competitions.orgs.models import Organization, Worker

MAX_POINTS = Decimal("1000")
MAX_WEIGHT = Decimal("100")
MAX_HEADCOUNT = 100_000


def require_labour(competition: Competition) -> None:
    """Refuse anything labour-specific on a competition that is not a labour competition."""
    if competition.kind != "labor":
        raise InvalidState(N_("This is not a labour competition."))


def _text(value: str, field: str, *, required: bool = True, limit: int = 200, multiline: bool = False) -> str:
    text = clean_text((value or "").strip(), field=field, multiline=multiline)
    if required and not text:
        raise RuleViolation(N_("This field is required."), field=field)
    if len(text) > limit:
        raise RuleViolation(N_("At most %(max)d characters."), field=field, max=limit)
    return text


def _code(value: str, field: str = "code") -> str:
    """A code as stored: required, at most 20 characters once full-width letters and digits are folded (Ａ01 is
    A01; the length is checked after folding, as one character may fold into several)."""
    return _text(tidy_name(clean_text((value or "").strip(), field=field)), field, limit=20)


def same_as(competition_id: int, column, value: str, *, exclude_id: int | None = None, current: str | None = None):
    """The row of ``column``'s table in the competition whose ``column`` is ``value`` as people mean it --
    ignoring letter case, full-width letters and spaces (A01, a01, Ａ01 and "A 01" are one code; "2026年10月"
    and "2026年 10月" one period) -- other than the row ``exclude_id``; None when there is none.

    ``current`` is the value the changed row holds now: a change that keeps the same key (A01 → a01) is never
    called a clash, so rows stored before this rule (two units A01 and a01) can still be edited and told apart.
    """
    key = normalize_name(value)
    if current is not None and normalize_name(current) == key:
        return None
    model = column.class_
    stmt = select(model.id, column).where(model.competition_id == competition_id)
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    for row_id, stored in db.session.execute(stmt.order_by(model.id)):
        if normalize_name(stored) == key:
            return db.session.get(model, row_id)
    return None


def _audit(action: str, actor: User | None, obj, competition_id: int, *, old=None, new=None, reason="") -> None:
    record(action, actor_id=actor.id if actor else None, object_type=obj.__tablename__, object_id=obj.id,
           competition_id=competition_id, old=old, new=new, reason=reason)


# ---- units ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitData:
    """What an organizer types about a participating unit."""

    code: str
    name: str
    kind: str = "section"
    organization_id: int | None = None
    headcount: int = 0
    parent_unit_id: int | None = None


def _unit_values(competition: Competition, data: UnitData, exclude_id: int | None,
                 current: LabourUnit | None = None) -> dict:
    code = _code(data.code)
    name = _text(data.name, "name")
    if data.kind not in UNIT_KINDS:
        raise RuleViolation(N_("Unknown kind of unit."), field="kind")
    if data.organization_id is not None and db.session.get(Organization, data.organization_id) is None:
        raise RuleViolation(N_("No such organization."), field="organization_id")
    if not 0 <= data.headcount <= MAX_HEADCOUNT:
        raise RuleViolation(N_("The headcount must be between 0 and %(max)d."), field="headcount", max=MAX_HEADCOUNT)
    if data.parent_unit_id is not None:
        parent = db.session.get(LabourUnit, data.parent_unit_id)
        if parent is None or parent.competition_id != competition.id or parent.id == exclude_id:
            raise RuleViolation(N_("No such unit in this competition."), field="parent_unit_id")
    other = same_as(competition.id, LabourUnit.code, code, exclude_id=exclude_id,
                    current=current.code if current is not None else None)
    if other is not None:
        raise RuleViolation(N_("The code %(code)s is taken by the unit %(other)s %(name)s of this competition (codes "
                               "are the same whatever the letter case or width: A01, a01, Ａ01)."), field="code",
                            code=code, other=other.code, name=other.name)
    clash = select(LabourUnit.id).where(LabourUnit.competition_id == competition.id, LabourUnit.name == name)
    if exclude_id is not None:
        clash = clash.where(LabourUnit.id != exclude_id)
    if db.session.execute(clash).first():
        raise RuleViolation(N_("Another unit of this competition already has this %(what)s."), field="name",
                            what=name)
    return dict(code=code, name=name, kind=data.kind, organization_id=data.organization_id,
                headcount=data.headcount, parent_unit_id=data.parent_unit_id)


def _unit_record(unit: LabourUnit) -> dict:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind, "organization_id": unit.organization_id,
            "headcount": unit.headcount, "parent_unit_id": unit.parent_unit_id}


def add_unit(competition: Competition, data: UnitData, *, actor: User | None) -> LabourUnit:
    """Add a participating unit (a unit may join mid-competition: it is assessed from the next open period)."""
    require_labour(competition)
    values = _unit_values(competition, data, None)
    position = db.session.execute(select(func.coalesce(func.max(LabourUnit.position), 0))
                                  .where(LabourUnit.competition_id == competition.id)).scalar_one()
    unit = LabourUnit(competition_id=competition.id, position=position + 1, **values)
    db.session.add(unit)
    db.session.flush()
    _audit("labour.unit_add", actor, unit, competition.id, new=_unit_record(unit))
    return unit


def update_unit(unit: LabourUnit, data: UnitData, *, actor: User | None) -> None:
    """Change a unit's code, name, kind, organization or headcount (audited)."""
    competition = db.session.get(Competition, unit.competition_id)
    values = _unit_values(competition, data, unit.id, unit)
    old = _unit_record(unit)
    for key, value in values.items():
        setattr(unit, key, value)
    db.session.flush()
    if old != _unit_record(unit):
        _audit("labour.unit_update", actor, unit, unit.competition_id, old=old, new=_unit_record(unit))


def withdraw_unit(unit: LabourUnit, *, actor: User | None, reason: str, now) -> None:
    """A unit leaves the competition: kept with its scores, not expected in later periods (reason required)."""
    reason = _text(reason, "reason", limit=500, multiline=True)
    if unit.withdrawn_at is not None:
        raise InvalidState(N_("This unit has already withdrawn."))
    unit.withdrawn_at, unit.withdraw_reason = now, reason
    db.session.flush()
    _audit("labour.unit_withdraw", actor, unit, unit.competition_id, reason=reason)


def reinstate_unit(unit: LabourUnit, *, actor: User | None, reason: str) -> None:
    """Undo a withdrawal (the way out), with a reason."""
    reason = _text(reason, "reason", limit=500, multiline=True)
    if unit.withdrawn_at is None:
        raise InvalidState(N_("This unit has not withdrawn."))
    unit.withdrawn_at, unit.withdraw_reason = None, ""
    db.session.flush()
    _audit("labour.unit_reinstate", actor, unit, unit.competition_id, reason=reason)


def add_member(unit: LabourUnit, *, worker_id: int, role: str, actor: User | None) -> LabourUnitMember:
    """Name a worker as a member of the unit (once per unit)."""
    worker = db.session.get(Worker, worker_id)
    if worker is None:
        raise RuleViolation(N_("No such person."), field="worker_id")
    role = _text(role, "role", required=False, limit=50)
    if db.session.execute(select(LabourUnitMember.id).where(LabourUnitMember.unit_id == unit.id,
                                                            LabourUnitMember.worker_id == worker_id)).first():
        raise RuleViolation(N_("%(name)s is already a member of this unit."), field="worker_id", name=worker.name)
    other = _competing_unit_of(unit, worker_id)
    if other is not None:
        raise RuleViolation(N_("%(name)s is already a member of %(unit)s in this competition; one person counts "
                               "for one competing unit."), field="worker_id", name=worker.name,
                            unit=f"{other.code} {other.name}")
    member = LabourUnitMember(unit_id=unit.id, worker_id=worker_id, role=role)
    db.session.add(member)
    db.session.flush()
    _audit("labour.member_add", actor, member, unit.competition_id, new={"unit": unit.code, "worker_id": worker_id,
                                                                        "role": role})
    return member


def _competing_unit_of(unit: LabourUnit, worker_id: int) -> LabourUnit | None:
    """Another unit of the same competition that already names the worker, or None.

    A withdrawn unit no longer competes, and a team's own parent unit (or the unit's own teams) is the same
    side, so neither counts; any other unit would count the person twice in participations and honours."""
    related = {unit.id} | ({unit.parent_unit_id} if unit.parent_unit_id else set())
    rows = db.session.execute(select(LabourUnit).join(LabourUnitMember, LabourUnitMember.unit_id == LabourUnit.id)
                              .where(LabourUnit.competition_id == unit.competition_id,
                                     LabourUnitMember.worker_id == worker_id, LabourUnit.withdrawn_at.is_(None))
                              .order_by(LabourUnit.position, LabourUnit.id)).scalars()
    return next((row for row in rows if row.id not in related and row.parent_unit_id != unit.id), None)


def remove_member(member: LabourUnitMember, *, actor: User | None) -> None:
    """Take a member off the unit (audited)."""
    unit = member.unit
    _audit("labour.member_remove", actor, member, unit.competition_id,
           old={"unit": unit.code, "worker_id": member.worker_id, "role": member.role})
    db.session.delete(member)
    db.session.flush()


def units_of(competition: Competition, *, include_withdrawn: bool = True) -> list[LabourUnit]:
    """The competition's units in their order."""
    stmt = select(LabourUnit).where(LabourUnit.competition_id == competition.id)
    if not include_withdrawn:
        stmt = stmt.where(LabourUnit.withdrawn_at.is_(None))
    return list(db.session.execute(stmt.order_by(LabourUnit.position, LabourUnit.id)).scalars())


# ---- periods ----------------------------------------------------------------------------------------

def periods_of(competition: Competition) -> list[LabourPeriod]:
    """The competition's periods in order."""
    return list(db.session.execute(select(LabourPeriod).where(LabourPeriod.competition_id == competition.id)
                                   .order_by(LabourPeriod.number)).scalars())


def _check_no_overlap(competition: Competition, spans: list[tuple[date, date]]) -> None:
    for start, end in spans:
        if start < competition.starts_on or end > competition.ends_on:
            raise RuleViolation(N_("A period must lie within the competition's dates (%(start)s to %(end)s)."),
                                field="starts_on", start=competition.starts_on, end=competition.ends_on)
    if rules.overlapping(spans):
        raise RuleViolation(N_("Periods may not overlap."), field="starts_on")


def generate_periods(competition: Competition, *, cadence: str, actor: User | None) -> list[LabourPeriod]:
    """Generate the periods from the competition's dates by cadence (half-month, month, quarter); only when
    the competition has no periods yet."""
    require_labour(competition)
    if periods_of(competition):
        raise InvalidState(N_("This competition already has periods; add or change them one by one."))
    spans = rules.regular_periods(competition.starts_on, competition.ends_on, cadence)
    periods = [LabourPeriod(competition_id=competition.id, number=s.number, name=s.name, kind=s.kind,
                            starts_on=s.starts_on, ends_on=s.ends_on, weight=Decimal(1)) for s in spans]
    db.session.add_all(periods)
    db.session.flush()
    record("labour.periods_generate", actor_id=actor.id if actor else None, object_type="competition",
           object_id=competition.id, competition_id=competition.id, new={"cadence": cadence, "count": len(periods)})
    return periods


@dataclass(frozen=True)
class PeriodData:
    """A period as typed: name, kind, dates and weight."""

    name: str
    starts_on: date
    ends_on: date
    weight: Decimal = Decimal(1)
    kind: str = "milestone"


def _check_period(competition: Competition, data: PeriodData, exclude_id: int | None) -> str:
    name = _text(data.name, "name", limit=100)
    if data.kind not in rules.CADENCES:
        raise RuleViolation(N_("Unknown kind of period."), field="kind")
    if data.ends_on < data.starts_on:
        raise RuleViolation(N_("The period ends before it starts."), field="ends_on")
    if not Decimal(0) < data.weight <= MAX_WEIGHT:
        raise RuleViolation(N_("The weight must be above 0 and at most %(max)s."), field="weight", max=MAX_WEIGHT)
    current = db.session.get(LabourPeriod, exclude_id) if exclude_id is not None else None
    other = same_as(competition.id, LabourPeriod.name, name, exclude_id=exclude_id,
                    current=current.name if current is not None else None)
    if other is not None:
        raise RuleViolation(N_("Period %(number)d (%(start)s – %(end)s) is already called %(name)s; give this period "
                               "another name."), field="name", number=other.number, name=other.name,
                            start=other.starts_on.isoformat(), end=other.ends_on.isoformat())
    spans = [(p.starts_on, p.ends_on) for p in periods_of(competition) if p.id != exclude_id]
    _check_no_overlap(competition, [*spans, (data.starts_on, data.ends_on)])
    return name


def _period_record(period: LabourPeriod) -> dict:
    return {"number": period.number, "name": period.name, "kind": period.kind,
            "starts_on": period.starts_on.isoformat(), "ends_on": period.ends_on.isoformat(),
            "weight": str(period.weight)}


def add_period(competition: Competition, data: PeriodData, *, actor: User | None) -> LabourPeriod:
    """Add one period (a milestone 节点, or a regular period added by hand); numbers follow the dates."""
    require_labour(competition)
    name = _check_period(competition, data, None)
    period = LabourPeriod(competition_id=competition.id, number=0, name=name, kind=data.kind,
                          starts_on=data.starts_on, ends_on=data.ends_on, weight=data.weight)
    db.session.add(period)
    db.session.flush()
    _renumber(competition)
    _audit("labour.period_add", actor, period, competition.id, new=_period_record(period))
    return period


def update_period(period: LabourPeriod, data: PeriodData, *, actor: User | None) -> None:
    """Change a period's name and weight (any time before sign-off) and its dates (only while it is open)."""
    competition = db.session.get(Competition, period.competition_id)
    if period.status == "signed_off":
        raise InvalidState(N_("This period has been signed off; reopen it first."))
    if (data.starts_on, data.ends_on) != (period.starts_on, period.ends_on) and period.status != "open":
        raise InvalidState(N_("The dates of a period can change only while it is open."))
    name = _check_period(competition, data, period.id)
    old = _period_record(period)
    period.name, period.kind, period.weight = name, data.kind, data.weight
    period.starts_on, period.ends_on = data.starts_on, data.ends_on
    db.session.flush()
    _renumber(competition)
    if old != _period_record(period):
        _audit("labour.period_update", actor, period, competition.id, old=old, new=_period_record(period))


def delete_period(period: LabourPeriod, *, actor: User | None) -> None:
    """Delete a period nobody has assessed yet (nothing entered against it)."""
    from competitions.labour.models import LabourAdjustment, LabourVeto

    for model in (LabourScore, LabourAdjustment, LabourVeto):
        if db.session.execute(select(exists().where(model.period_id == period.id))).scalar():
            raise InvalidState(N_("Entries have been made in this period; it cannot be deleted."))
    competition = db.session.get(Competition, period.competition_id)
    _audit("labour.period_delete", actor, period, competition.id, old=_period_record(period))
    db.session.delete(period)
    db.session.flush()
    _renumber(competition)


def _renumber(competition: Competition) -> None:
    """Number the periods 1, 2, ... by their dates (in two steps, so the unique number never collides)."""
    periods = sorted(periods_of(competition), key=lambda p: (p.starts_on, p.id))
    for offset, period in enumerate(periods, start=1):
        period.number = -offset
    db.session.flush()
    for offset, period in enumerate(periods, start=1):
        period.number = offset
    db.session.flush()


# ---- the scorecard ----------------------------------------------------------------------------------

def scorecard_of(competition: Competition) -> LabourScorecard:
    """The competition's scorecard settings (created with defaults on first use)."""
    card = db.session.execute(select(LabourScorecard).where(LabourScorecard.competition_id == competition.id)
                              ).scalar_one_or_none()
    if card is None:
        require_labour(competition)
        card = LabourScorecard(competition_id=competition.id, title="", document_ref="", cadence="month")
        db.session.add(card)
        db.session.flush()
    return card


def groups_of(competition: Competition) -> list[LabourIndicatorGroup]:
    """The indicator groups (with their indicators) in order."""
    return list(db.session.execute(select(LabourIndicatorGroup)
                                   .where(LabourIndicatorGroup.competition_id == competition.id)
                                   .order_by(LabourIndicatorGroup.position, LabourIndicatorGroup.id)).scalars())


def indicators_of(competition: Competition) -> list[LabourIndicator]:
    """Every indicator, by group order then position."""
    return [i for g in groups_of(competition) for i in g.indicators]


def scorecard_frozen(competition_id: int) -> bool:
    """True once any period of the competition has been closed (assessed or signed off)."""
    return bool(db.session.execute(select(exists().where(LabourPeriod.competition_id == competition_id,
                                                         LabourPeriod.status != "open"))).scalar())


def _require_unfrozen(competition_id: int) -> None:
    if scorecard_frozen(competition_id):
        raise InvalidState(N_("A period has been assessed under this scorecard; its groups and indicators "
                              "can no longer change. Reopen the assessed periods first."))


@dataclass(frozen=True)
class ScorecardSettings:
    """The scorecard's own settings."""

    title: str = ""
    document_ref: str = ""
    cadence: str = "month"
    bonus_cap: Decimal | None = None
    deduction_cap: Decimal | None = None
    aggregation: str = "mean"


def save_settings(competition: Competition, data: ScorecardSettings, *, actor: User | None) -> LabourScorecard:
    """Save the scorecard's title, rules document, cadence, caps and how assessors combine."""
    card = scorecard_of(competition)
    if data.cadence not in rules.CADENCES:
        raise RuleViolation(N_("Unknown kind of period."), field="cadence")
    if data.aggregation not in rules.AGGREGATIONS:
        raise RuleViolation(N_("Unknown way of combining assessors."), field="aggregation")
    for field in ("bonus_cap", "deduction_cap"):
        cap = getattr(data, field)
        if cap is not None and not Decimal(0) <= cap <= MAX_POINTS:
            raise RuleViolation(N_("The cap must be between 0 and %(max)s."), field=field, max=MAX_POINTS)
    if (data.bonus_cap, data.deduction_cap, data.aggregation) != (card.bonus_cap, card.deduction_cap,
                                                                 card.aggregation):
        _require_unfrozen(competition.id)
    old = _settings_record(card)
    card.title = _text(data.title, "title", required=False)
    card.document_ref = _text(data.document_ref, "document_ref", required=False)
    card.cadence, card.bonus_cap, card.deduction_cap = data.cadence, data.bonus_cap, data.deduction_cap
    card.aggregation = data.aggregation
    db.session.flush()
    if old != _settings_record(card):
        _audit("labour.scorecard_save", actor, card, competition.id, old=old, new=_settings_record(card))
    return card


def _settings_record(card: LabourScorecard) -> dict:
    return {"title": card.title, "document_ref": card.document_ref, "cadence": card.cadence,
            "bonus_cap": None if card.bonus_cap is None else str(card.bonus_cap),
            "deduction_cap": None if card.deduction_cap is None else str(card.deduction_cap),
            "aggregation": card.aggregation}


@dataclass(frozen=True)
class GroupData:
    """An indicator group as typed."""

    code: str
    name: str
    max_points: Decimal


def _check_group(competition: Competition, data: GroupData, exclude_id: int | None) -> tuple[str, str]:
    code, name = _code(data.code), _text(data.name, "name", limit=100)
    if not Decimal(0) < data.max_points <= MAX_POINTS:
        raise RuleViolation(N_("The points must be above 0 and at most %(max)s."), field="max_points",
                            max=MAX_POINTS)
    current = db.session.get(LabourIndicatorGroup, exclude_id) if exclude_id is not None else None
    other = same_as(competition.id, LabourIndicatorGroup.code, code, exclude_id=exclude_id,
                    current=current.code if current is not None else None)
    if other is not None:
        raise RuleViolation(N_("Another group already has the code %(code)s."), field="code", code=other.code)
    return code, name


def save_group(competition: Competition, data: GroupData, *, actor: User | None,
               group: LabourIndicatorGroup | None = None) -> LabourIndicatorGroup:
    """Add an indicator group, or change one (``group``); its points cap the group's subtotal."""
    require_labour(competition)
    _require_unfrozen(competition.id)
    code, name = _check_group(competition, data, group.id if group else None)
    if group is not None and any(i.max_points > data.max_points for i in group.indicators):
        raise RuleViolation(N_("An indicator of this group is worth more than %(max)s points."), field="max_points",
                            max=data.max_points)
    old = None
    if group is None:
        position = len(groups_of(competition)) + 1
        group = LabourIndicatorGroup(competition_id=competition.id, position=position, code=code, name=name,
                                     max_points=data.max_points)
        db.session.add(group)
    else:
        old = {"code": group.code, "name": group.name, "max_points": str(group.max_points)}
        group.code, group.name, group.max_points = code, name, data.max_points
    db.session.flush()
    _audit("labour.group_save", actor, group, competition.id, old=old,
           new={"code": code, "name": name, "max_points": str(data.max_points)})
    return group


def delete_group(group: LabourIndicatorGroup, *, actor: User | None) -> None:
    """Delete a group and its indicators, when nothing has been scored on them."""
    _require_unfrozen(group.competition_id)
    ids = [i.id for i in group.indicators]
    if ids and db.session.execute(select(exists().where(LabourScore.indicator_id.in_(ids)))).scalar():
        raise InvalidState(N_("Scores have been entered on this group's indicators; it cannot be deleted."))
    _audit("labour.group_delete", actor, group, group.competition_id, old={"code": group.code, "name": group.name})
    db.session.delete(group)
    db.session.flush()


@dataclass(frozen=True)
class IndicatorData:
    """An indicator as typed: judged (points in steps) or measured (value range and formula)."""

    group_id: int
    code: str
    name: str
    kind: str
    max_points: Decimal
    step: Decimal = Decimal("0.5")
    unit_label: str = ""
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    formula: dict | None = None
    description: str = ""


def _check_indicator(competition: Competition, data: IndicatorData, exclude_id: int | None) -> dict:
    group = db.session.get(LabourIndicatorGroup, data.group_id)
    if group is None or group.competition_id != competition.id:
        raise RuleViolation(N_("No such indicator group in this competition."), field="group_id")
    code, name = _code(data.code), _text(data.name, "name")
    if data.kind not in INDICATOR_KINDS:
        raise RuleViolation(N_("Unknown kind of indicator."), field="kind")
    if not Decimal(0) < data.max_points <= group.max_points:
        raise RuleViolation(N_("The points must be above 0 and at most the group's %(max)s."), field="max_points",
                            max=group.max_points)
    if not Decimal("0.01") <= data.step <= data.max_points:
        raise RuleViolation(N_("The step must be between 0.01 and the indicator's points."), field="step")
    formula: dict = {}
    if data.kind == "measured":
        formula = rules.formula_to_dict(rules.formula_from_dict(data.formula, max_points=data.max_points))
        if data.value_min is not None and data.value_max is not None and data.value_min >= data.value_max:
            raise RuleViolation(N_("The lowest value must be below the highest."), field="value_min")
    current = db.session.get(LabourIndicator, exclude_id) if exclude_id is not None else None
    other = same_as(competition.id, LabourIndicator.code, code, exclude_id=exclude_id,
                    current=current.code if current is not None else None)
    if other is not None:
        raise RuleViolation(N_("Another indicator already has the code %(code)s."), field="code", code=other.code)
    measured = data.kind == "measured"
    return dict(group_id=group.id, code=code, name=name, kind=data.kind, max_points=data.max_points,
                step=data.step, unit_label=_text(data.unit_label, "unit_label", required=False, limit=20),
                value_min=data.value_min if measured else None, value_max=data.value_max if measured else None,
                formula=formula, description=_text(data.description, "description", required=False, limit=2000,
                                                   multiline=True))


def _indicator_record(indicator: LabourIndicator) -> dict:
    return {"group_id": indicator.group_id, "code": indicator.code, "name": indicator.name, "kind": indicator.kind,
            "max_points": str(indicator.max_points), "step": str(indicator.step), "unit_label": indicator.unit_label,
            "value_min": None if indicator.value_min is None else str(indicator.value_min),
            "value_max": None if indicator.value_max is None else str(indicator.value_max),
            "formula": indicator.formula}


def save_indicator(competition: Competition, data: IndicatorData, *, actor: User | None,
                   indicator: LabourIndicator | None = None) -> LabourIndicator:
    """Add an indicator, or change one; the points of values already entered follow a changed formula."""
    require_labour(competition)
    _require_unfrozen(competition.id)
    values = _check_indicator(competition, data, indicator.id if indicator else None)
    old = None
    if indicator is None:
        group = db.session.get(LabourIndicatorGroup, values["group_id"])
        indicator = LabourIndicator(competition_id=competition.id, position=len(group.indicators) + 1, **values)
        db.session.add(indicator)
    else:
        old = _indicator_record(indicator)
        for key, value in values.items():
            setattr(indicator, key, value)
    db.session.flush()
    if old is not None:
        _rescore(indicator)
    _audit("labour.indicator_save", actor, indicator, competition.id, old=old, new=_indicator_record(indicator))
    return indicator


def _rescore(indicator: LabourIndicator) -> None:
    """Re-compute the points of every value entered on ``indicator`` (all in open periods: the card is not
    frozen); refuse the change when a value no longer fits."""
    from competitions.labour.assessment import points_for

    for score in db.session.execute(select(LabourScore).where(LabourScore.indicator_id == indicator.id)).scalars():
        try:
            score.points = points_for(indicator, score.value)
        except RuleViolation as exc:
            raise RuleViolation(N_("A value already entered (%(value)s) does not fit the changed indicator."),
                                field="max_points", value=score.value) from exc
    db.session.flush()


def delete_indicator(indicator: LabourIndicator, *, actor: User | None) -> None:
    """Delete an indicator nothing has been scored on."""
    _require_unfrozen(indicator.competition_id)
    if db.session.execute(select(exists().where(LabourScore.indicator_id == indicator.id))).scalar():
        raise InvalidState(N_("Scores have been entered on this indicator; it cannot be deleted."))
    _audit("labour.indicator_delete", actor, indicator, indicator.competition_id, old=_indicator_record(indicator))
    db.session.delete(indicator)
    db.session.flush()


# ---- assessors --------------------------------------------------------------------------------------

def assessors_of(competition: Competition) -> list[LabourAssessor]:
    """The competition's assessor assignments."""
    return list(db.session.execute(select(LabourAssessor).where(LabourAssessor.competition_id == competition.id)
                                   .order_by(LabourAssessor.id)).scalars())


def assign_assessor(competition: Competition, *, user_id: int, group_id: int | None, unit_id: int | None,
                    is_chief: bool, actor: User | None) -> LabourAssessor:
    """Assign an assessor (a user holding the judge role) to all or one group, all or one unit; the chief
    (考评组长) also signs off the periods."""
    require_labour(competition)
    user = db.session.get(User, user_id)
    if user is None or not user.has_role("judge"):
        raise RuleViolation(N_("Assessors are chosen among users who hold the judge role."), field="user_id")
    if group_id is not None:
        group = db.session.get(LabourIndicatorGroup, group_id)
        if group is None or group.competition_id != competition.id:
            raise NotFound(N_("No such indicator group in this competition."), field="group_id")
    if unit_id is not None:
        unit = db.session.get(LabourUnit, unit_id)
        if unit is None or unit.competition_id != competition.id:
            raise NotFound(N_("No such unit in this competition."), field="unit_id")
    if any(a.user_id == user_id and a.group_id == group_id and a.unit_id == unit_id
           for a in assessors_of(competition)):
        raise RuleViolation(N_("This assessor already has this assignment."), field="user_id")
    assignment = LabourAssessor(competition_id=competition.id, user_id=user_id, group_id=group_id,
                                unit_id=unit_id, is_chief=bool(is_chief))
    db.session.add(assignment)
    db.session.flush()
    _audit("labour.assessor_assign", actor, assignment, competition.id,
           new={"user_id": user_id, "group_id": group_id, "unit_id": unit_id, "is_chief": bool(is_chief)})
    return assignment


def unassign_assessor(assignment: LabourAssessor, *, actor: User | None) -> None:
    """Remove an assignment (the assessor's entries already made stay, audited)."""
    _audit("labour.assessor_unassign", actor, assignment, assignment.competition_id,
           old={"user_id": assignment.user_id, "group_id": assignment.group_id, "unit_id": assignment.unit_id,
                "is_chief": assignment.is_chief})
    db.session.delete(assignment)
    db.session.flush()


# ---- the scorecard as a document (JSON API, command line) -------------------------------------------

def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def scorecard_document(competition: Competition) -> dict:
    """The scorecard as one JSON document (``load_scorecard`` reads the same shape)."""
    card = scorecard_of(competition)
    return {
        "settings": {"title": card.title, "document_ref": card.document_ref, "cadence": card.cadence,
                     "bonus_cap": _num(card.bonus_cap), "deduction_cap": _num(card.deduction_cap),
                     "aggregation": card.aggregation},
        "groups": [{"code": g.code, "name": g.name, "max_points": _num(g.max_points), "indicators": [
            {"id": i.id, "code": i.code, "name": i.name, "kind": i.kind, "max_points": _num(i.max_points),
             "step": _num(i.step), "unit_label": i.unit_label, "value_min": _num(i.value_min),
             "value_max": _num(i.value_max), "formula": i.formula or None, "description": i.description}
            for i in g.indicators]} for g in groups_of(competition)],
    }


def _doc_number(value, field: str, *, required: bool = True) -> Decimal | None:
    from competitions.domain.inputs import InputError, parse_decimal

    if value is None or value == "":
        if required:
            raise RuleViolation(N_("'%(field)s' is required."), field=field)
        return None
    try:
        return parse_decimal(value, field=field, places=4)
    except InputError as exc:
        raise RuleViolation(N_("'%(field)s' is not a valid number."), field=field) from exc


def _doc_text(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RuleViolation(N_("'%(field)s' must be text."), field=field)
    return value


def load_scorecard(competition: Competition, document: object, *, actor: User | None) -> None:
    """Save a whole scorecard document (settings, groups and their indicators, matched by code: new codes
    are added, known ones changed, none removed) — all or nothing (the caller rolls back on error)."""
    if not isinstance(document, dict):
        raise RuleViolation(N_("The scorecard must be a JSON object with 'settings' and 'groups'."))
    settings = document.get("settings") or {}
    if not isinstance(settings, dict):
        raise RuleViolation(N_("'%(field)s' must be an object."), field="settings")
    card = scorecard_of(competition)
    save_settings(competition, ScorecardSettings(
        title=_doc_text(settings.get("title", card.title), "title"),
        document_ref=_doc_text(settings.get("document_ref", card.document_ref), "document_ref"),
        cadence=settings.get("cadence", card.cadence),
        bonus_cap=_doc_number(settings.get("bonus_cap", _num(card.bonus_cap)), "bonus_cap", required=False),
        deduction_cap=_doc_number(settings.get("deduction_cap", _num(card.deduction_cap)), "deduction_cap",
                                  required=False),
        aggregation=settings.get("aggregation", card.aggregation)), actor=actor)
    groups = document.get("groups") or []
    if not isinstance(groups, list) or len(groups) > 50:
        raise RuleViolation(N_("'%(field)s' must be a list of at most %(max)d."), field="groups", max=50)
    known = {g.code: g for g in groups_of(competition)}
    indicators = {i.code: i for i in indicators_of(competition)}
    for n, raw in enumerate(groups, start=1):
        if not isinstance(raw, dict):
            raise RuleViolation(N_("'%(field)s' must be an object."), field=f"groups[{n}]")
        data = GroupData(_doc_text(raw.get("code"), "code"), _doc_text(raw.get("name"), "name"),
                         _doc_number(raw.get("max_points"), "max_points"))
        group = save_group(competition, data, actor=actor, group=known.get(data.code))
        items = raw.get("indicators") or []
        if not isinstance(items, list) or len(items) > 100:
            raise RuleViolation(N_("'%(field)s' must be a list of at most %(max)d."), field="indicators", max=100)
        for item in items:
            if not isinstance(item, dict):
                raise RuleViolation(N_("'%(field)s' must be an object."), field="indicators")
            formula = item.get("formula")
            step = _doc_number(item.get("step"), "step", required=False)
            save_indicator(competition, IndicatorData(
                group_id=group.id, code=_doc_text(item.get("code"), "code"), name=_doc_text(item.get("name"), "name"),
                kind=item.get("kind", "judged"), max_points=_doc_number(item.get("max_points"), "max_points"),
                step=step if step is not None else Decimal("0.5"),
                unit_label=_doc_text(item.get("unit_label"), "unit_label"),
                value_min=_doc_number(item.get("value_min"), "value_min", required=False),
                value_max=_doc_number(item.get("value_max"), "value_max", required=False),
                formula=formula if isinstance(formula, dict) else None,
                description=_doc_text(item.get("description"), "description")),
                actor=actor, indicator=indicators.get(item.get("code")))


def parse_weight(value: object) -> Decimal:
    """A period weight as typed or sent: a number above 0, at most 100, three decimals at most."""
    from competitions.domain.inputs import InputError, parse_decimal

    try:
        weight = parse_decimal(value, field="weight", places=3)
    except InputError as exc:
        raise RuleViolation(N_("The weight must be above 0 and at most %(max)s."), field="weight",
                            max=MAX_WEIGHT) from exc
    if not Decimal(0) < weight <= MAX_WEIGHT:
        raise RuleViolation(N_("The weight must be above 0 and at most %(max)s."), field="weight", max=MAX_WEIGHT)
    return weight


# ---- units from a spreadsheet -----------------------------------------------------------------------

# Header text (as ``roster_file.header_text`` compares it) -> column key; Chinese and English.
UNIT_HEADERS = {
    "单位代码": "code", "代码": "code", "标段代码": "code", "code": "code", "unit code": "code",
    "单位名称": "name", "名称": "name", "参赛单位": "name", "标段名称": "name", "name": "name", "unit": "name",
    "unit name": "name",
    "单位类型": "kind", "类型": "kind", "kind": "kind", "type": "kind",
    "所属组织": "organization", "所属工会": "organization", "工会组织": "organization", "organization": "organization",
    "参赛人数": "headcount", "人数": "headcount", "职工人数": "headcount", "headcount": "headcount",
    "workers": "headcount",
}
UNIT_KIND_WORDS = {"section": "section", "标段": "section", "enterprise": "enterprise", "企业": "enterprise",
                   "workshop": "workshop", "车间": "workshop", "team": "team", "班组": "team"}


@dataclass(frozen=True)
class UnitImportSummary:
    """What an import did: rows read, units added, units updated."""

    total: int
    created: int
    updated: int


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_units(competition: Competition, data: bytes, filename: str, *, actor: User | None,
                 allowed_organization_ids: set[int] | None = None) -> UnitImportSummary:
    """Add or update (by code) the units listed in an .xlsx or .csv (columns: code, name, kind, organization,
    headcount; Chinese or English headers), read by the roster's safe reader. Every row is checked before
    anything is written; any problem refuses the whole file with each row's problem named."""
    from competitions.domain.errors import ValidationErrors
    from competitions.domain.inputs import InputError, parse_int
    from competitions.registration.roster_file import read_roster_file

    require_labour(competition)
    rows = read_roster_file(data, filename, UNIT_HEADERS, {"code": "单位代码 / code", "name": "单位名称 / name"})
    orgs = {o.name: o.id for o in db.session.execute(select(Organization)).scalars()}
    # A row updates the unit whose code it names, as people mean codes (a01 and Ａ01 name the unit A01).
    existing = {normalize_name(u.code): u for u in sorted(units_of(competition), key=lambda u: -u.id)}
    problems, planned, codes = [], [], {}
    for row in rows:
        code, name = tidy_name(_cell_text(row.cells.get("code"))), _cell_text(row.cells.get("name"))
        kind_text = _cell_text(row.cells.get("kind")).casefold() or "section"
        org_text = _cell_text(row.cells.get("organization"))

        def problem(message, column, shown, *, number=row.number, **params):
            problems.append({"row": number, "column": column, "value": str(shown)[:60], "message": message,
                             "params": params})
        key = normalize_name(code)
        if key and key in codes:
            first_row, first_code = codes[key]
            problem(N_("The code %(code)s is given twice in the file: row %(earlier)d already has %(first)s (codes are "
                       "the same whatever the letter case or width)."), "code", code, code=code, earlier=first_row,
                    first=first_code)
            continue
        codes[key] = (row.number, code)
        kind = UNIT_KIND_WORDS.get(kind_text)
        if kind is None:
            problem(N_("Unknown kind of unit %(value)s: write 标段, 企业, 车间 or 班组."), "kind", kind_text,
                    value=kind_text)
            continue
        org_id = None
        if org_text:
            org_id = orgs.get(org_text)
            if org_id is None or (allowed_organization_ids is not None and org_id not in allowed_organization_ids):
                problem(N_("No organization called %(value)s in your part of the union tree."), "organization",
                        org_text, value=org_text)
                continue
        try:
            headcount = parse_int(row.cells.get("headcount") or 0, field="headcount", minimum=0,
                                  maximum=MAX_HEADCOUNT)
        except InputError:
            problem(N_("The headcount must be between 0 and %(max)d."), "headcount", row.cells.get("headcount"),
                    max=MAX_HEADCOUNT)
            continue
        planned.append((row, UnitData(code=code, name=name, kind=kind, organization_id=org_id,
                                      headcount=headcount)))
    created = updated = 0
    if not problems:
        for row, unit_data in planned:
            try:
                with db.session.begin_nested():
                    unit = existing.get(normalize_name(unit_data.code))
                    if unit is not None:
                        update_unit(unit, replace(unit_data, code=unit.code), actor=actor)
                        updated += 1
                    else:
                        add_unit(competition, unit_data, actor=actor)
                        created += 1
            except RuleViolation as error:
                problems.append({"row": row.number, "column": error.field or "", "value": unit_data.code,
                                 "message": error.message, "params": error.params})
    if problems:
        raise ValidationErrors(problems, message=N_("The file has %(count)d problem(s); nothing was imported."))
    return UnitImportSummary(total=len(planned), created=created, updated=updated)


# A unit's participation figure (参赛人次), as SQL over a ``labour_unit`` aliased ``u`` -- the one definition the
# units page and the yearly statistics (competitions/stats/services.py) both read. The declared headcount is the
# number of people taking part; named members are those eligible for individual honours (先进个人) and never
# lower the figure: naming the team leader of a 420-strong section leaves it at 420. A unit naming more people
# than it declared counts the named ones. So: max(headcount, named members).
NAMED_SQL = "(SELECT COUNT(*) FROM labour_unit_member pm WHERE pm.unit_id = u.id)"
PARTICIPATION_SQL = f"(CASE WHEN {NAMED_SQL} > u.headcount THEN {NAMED_SQL} ELSE u.headcount END)"
# The people of the headcount not named (counted as distinct persons next to the named, deduplicated, ones).
UNNAMED_SQL = f"(CASE WHEN u.headcount > {NAMED_SQL} THEN u.headcount - {NAMED_SQL} ELSE 0 END)"


def participations(competition: Competition) -> dict[int, int]:
    """Each unit's participations (参赛人次): ``max(declared headcount, named members)`` -- the headcount is who
    takes part, named members are only those eligible for individual honours, so naming one never lowers the
    figure (``PARTICIPATION_SQL``, the statistics' own expression). One query; withdrawn units count."""
    db.session.flush()  # a plain SQL query does not autoflush pending changes
    rows = db.session.execute(text(f"SELECT u.id, {PARTICIPATION_SQL} FROM labour_unit u "
                                   "WHERE u.competition_id = :competition"), {"competition": competition.id})
    return {unit_id: int(count) for unit_id, count in rows}
