"""JSON of labour competitions under /api/v1/labour: set-up (units, periods, the scorecard), entries
(bonus, deductions, vetoes), an assessor's scores, and a period's scores.

The same services as the pages and ``flask --app wsgi labour ...``; every write is all or nothing and
answers the error (code, message in the caller's language, field) with nothing saved. Organizers reach
the competitions of their subtree; assessors post their own scores (recusal checked on the server).
Never an ID number.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import abort, g, jsonify, request
from flask_login import current_user

from competitions.api.openapi import register_path, register_schema
from competitions.auth.models import User
from competitions.auth.permissions import role_required
from competitions.db import utcnow
from competitions.domain.errors import RuleViolation
from competitions.domain.inputs import parse_id, parse_iso_date
from competitions.extensions import db
from competitions.labour import api_bp, services
from competitions.labour.models import LabourPeriod, LabourUnit
from competitions.labour.permissions import (
    load_adjustment_or_404,
    load_assessor_or_404,
    load_labour_competition_or_404,
    load_period_for_assessor_or_404,
    load_period_for_chief_or_404,
    load_period_or_404,
    load_unit_or_404,
    load_veto_or_404,
    organization_in_reach,
)


def _user() -> User:
    """The caller as the entity (API callers are plain principals; the object checks need the organization)."""
    return db.session.get(User, current_user.id)


def _writing() -> None:
    """End the principal's read on the request connection before this request's one write transaction."""
    conn = g.get("_request_connection")
    if conn is not None and conn.in_transaction():
        conn.rollback()


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise RuleViolation("The request body must be a JSON object.")
    return body


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def unit_json(unit: LabourUnit) -> dict:
    """One unit as JSON."""
    return {"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind,
            "organization_id": unit.organization_id, "headcount": unit.headcount,
            "members": len(unit.members), "withdrawn": unit.withdrawn_at is not None}


def period_json(period: LabourPeriod) -> dict:
    """One period as JSON."""
    return {"id": period.id, "number": period.number, "name": period.name, "kind": period.kind,
            "starts_on": period.starts_on.isoformat(), "ends_on": period.ends_on.isoformat(),
            "weight": _num(period.weight), "status": period.status}


def competition_document(competition) -> dict:
    """A labour competition's set-up as JSON."""
    return {"competition": {"id": competition.id, "name": competition.name, "year": competition.year},
            "scorecard": services.scorecard_document(competition),
            "units": [unit_json(u) for u in services.units_of(competition)],
            "periods": [period_json(p) for p in services.periods_of(competition)],
            "assessors": [{"id": a.id, "user_id": a.user_id, "group_id": a.group_id, "unit_id": a.unit_id,
                           "is_chief": a.is_chief} for a in services.assessors_of(competition)]}


def scores_document(period: LabourPeriod) -> dict:
    """A period's status, completeness and per-unit scores (not ranked) as JSON."""
    state = services.completeness(period)
    return {"period": period_json(period),
            "completeness": {"expected": state.expected, "entered": state.entered, "missing": len(state.missing),
                             "uncovered": len(state.uncovered)},
            "units": [{"unit_id": r.unit_id, "code": r.unit_code, "name": r.unit_name,
                       "groups": {s.code: _num(s.subtotal) for s in r.groups}, "bonus": _num(r.bonus),
                       "deduction": _num(r.deduction), "total": str(r.total), "vetoed": r.vetoed,
                       "veto_reasons": list(r.veto_reasons), "complete": r.complete}
                      for r in services.period_scores(period)],
            "adjustments": [{"id": a.id, "unit_id": a.unit_id, "kind": a.kind, "points": _num(a.points),
                             "source": a.source, "issuer": a.issuer, "document_ref": a.document_ref,
                             "reason": a.reason, "voided": a.voided_at is not None, "void_reason": a.void_reason}
                            for a in services.adjustments_of(period)],
            "vetoes": [{"id": v.id, "unit_id": v.unit_id, "category": v.category, "reason": v.reason,
                        "document_ref": v.document_ref,
                        "occurred_on": v.occurred_on.isoformat() if v.occurred_on else None,
                        "voided": v.voided_at is not None, "void_reason": v.void_reason}
                       for v in services.vetoes_of(period)]}


@api_bp.route("/competitions/<int:competition_id>")
@role_required("organizer")
def competition(competition_id: int):
    """A labour competition's scorecard, units, periods and assessors."""
    return jsonify(competition_document(load_labour_competition_or_404(competition_id, for_user=_user())))


@api_bp.route("/competitions/<int:competition_id>/units", methods=["POST"])
@role_required("organizer")
def add_unit(competition_id: int):
    """Add a participating unit."""
    _writing()
    comp = load_labour_competition_or_404(competition_id, for_user=_user())
    unit = services.add_unit(comp, _unit_data(_body(), None), actor=_user())
    db.session.commit()
    return jsonify(unit_json(unit)), 201


UNIT_KEYS = ("code", "name", "kind", "organization_id", "headcount")


def _unit_data(body: dict, unit: LabourUnit | None) -> services.UnitData:
    """The unit ``body`` describes, over ``unit``'s current values for what it leaves out (a change names only what
    changes); an organization outside the caller's part of the union tree is refused, as on the page."""
    unknown = sorted(set(body) - set(UNIT_KEYS))
    if unknown:
        raise RuleViolation("Unknown setting %(names)s; the settings are %(allowed)s.", field="body",
                            names=", ".join(k[:40] for k in unknown[:5]), allowed=", ".join(UNIT_KEYS))
    current = {} if unit is None else {"code": unit.code, "name": unit.name, "kind": unit.kind,
                                       "organization_id": unit.organization_id, "headcount": unit.headcount}
    org_id = body.get("organization_id", current.get("organization_id"))
    if org_id is not None and (parse_id(org_id) is None or not organization_in_reach(_user(), parse_id(org_id))):
        raise RuleViolation("Choose an organization in your part of the union tree.", field="organization_id")
    headcount = body.get("headcount", current.get("headcount", 0))
    if isinstance(headcount, bool) or not isinstance(headcount, int):
        raise RuleViolation("The headcount must be between 0 and %(max)d.", field="headcount", max=100_000)
    text = {key: _str(body, key) if key in body else current.get(key, "") for key in ("code", "name", "kind")}
    return services.UnitData(code=text["code"], name=text["name"], kind=text["kind"] or "section",
                             organization_id=parse_id(org_id) if org_id is not None else None, headcount=headcount)


@api_bp.route("/units/<int:unit_id>", methods=["POST"])
@role_required("organizer")
def update_unit(unit_id: int):
    """Change a unit: any of ``code``, ``name``, ``kind``, ``organization_id``, ``headcount`` (audited)."""
    _writing()
    unit = load_unit_or_404(unit_id, for_user=_user())
    services.update_unit(unit, _unit_data(_body(), unit), actor=_user())
    db.session.commit()
    return jsonify(unit_json(unit))


def _str(body: dict, key: str) -> str:
    value = body.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RuleViolation("'%(field)s' must be text.", field=key)
    return value


def _date(body: dict, key: str) -> date:
    value = body.get(key)
    parsed = parse_iso_date(value, field=key) if isinstance(value, str) else None
    if parsed is None:
        raise RuleViolation("'%(field)s' is required.", field=key)
    return parsed


@api_bp.route("/competitions/<int:competition_id>/periods", methods=["POST"])
@role_required("organizer")
def add_periods(competition_id: int):
    """Generate the periods (``{"generate": "month"}``) or add one period."""
    _writing()
    comp = load_labour_competition_or_404(competition_id, for_user=_user())
    body = _body()
    if "generate" in body:
        rows = services.generate_periods(comp, cadence=_str(body, "generate"), actor=_user())
    else:
        weight = services.parse_weight(body.get("weight", "1"))
        rows = [services.add_period(comp, services.PeriodData(
            name=_str(body, "name"), starts_on=_date(body, "starts_on"), ends_on=_date(body, "ends_on"),
            weight=weight, kind=_str(body, "kind") or "milestone"), actor=_user())]
    db.session.commit()
    return jsonify(periods=[period_json(p) for p in rows]), 201


PERIOD_KEYS = ("name", "kind", "starts_on", "ends_on", "weight")


@api_bp.route("/periods/<int:period_id>", methods=["POST"])
@role_required("organizer")
def update_period(period_id: int):
    """Change a period: any of ``name``, ``kind``, ``weight`` and, while it is open, ``starts_on``/``ends_on``."""
    _writing()
    period = load_period_or_404(period_id, for_user=_user())
    body = _body()
    unknown = sorted(set(body) - set(PERIOD_KEYS))
    if unknown:
        raise RuleViolation("Unknown setting %(names)s; the settings are %(allowed)s.", field="body",
                            names=", ".join(k[:40] for k in unknown[:5]), allowed=", ".join(PERIOD_KEYS))
    services.update_period(period, services.PeriodData(
        name=_str(body, "name") if "name" in body else period.name,
        starts_on=_date(body, "starts_on") if "starts_on" in body else period.starts_on,
        ends_on=_date(body, "ends_on") if "ends_on" in body else period.ends_on,
        weight=services.parse_weight(body["weight"]) if "weight" in body else period.weight,
        kind=_str(body, "kind") if "kind" in body else period.kind), actor=_user())
    db.session.commit()
    return jsonify(period_json(period))


@api_bp.route("/periods/<int:period_id>/delete", methods=["POST"])
@role_required("organizer")
def delete_period(period_id: int):
    """Delete a period nobody has assessed yet (nothing entered against it)."""
    _writing()
    period = load_period_or_404(period_id, for_user=_user())
    gone = period_json(period)
    services.delete_period(period, actor=_user())
    db.session.commit()
    return jsonify(deleted=gone)


@api_bp.route("/competitions/<int:competition_id>/scorecard", methods=["POST"])
@role_required("organizer")
def save_scorecard(competition_id: int):
    """Save the whole scorecard document (settings, groups, indicators by code); all or nothing."""
    _writing()
    comp = load_labour_competition_or_404(competition_id, for_user=_user())
    services.load_scorecard(comp, _body(), actor=_user())
    db.session.commit()
    return jsonify(services.scorecard_document(comp))


@api_bp.route("/competitions/<int:competition_id>/assessors", methods=["POST"])
@role_required("organizer")
def add_assessor(competition_id: int):
    """Assign an assessor: ``{"user_id", "group_id"?, "unit_id"?, "is_chief"?}``."""
    _writing()
    comp = load_labour_competition_or_404(competition_id, for_user=_user())
    body = _body()
    ids = {}
    for key in ("user_id", "group_id", "unit_id"):
        value = body.get(key)
        ids[key] = None if value is None and key != "user_id" else parse_id(value)
        if ids[key] is None and (key == "user_id" or value is not None):
            raise RuleViolation("'%(field)s' is required.", field=key)
    is_chief = body.get("is_chief", False)
    if not isinstance(is_chief, bool):
        raise RuleViolation("'%(field)s' must be true or false.", field="is_chief")
    row = services.assign_assessor(comp, user_id=ids["user_id"], group_id=ids["group_id"], unit_id=ids["unit_id"],
                                   is_chief=is_chief, actor=_user())
    db.session.commit()
    return jsonify(id=row.id, user_id=row.user_id, group_id=row.group_id, unit_id=row.unit_id,
                   is_chief=row.is_chief), 201


@api_bp.route("/assessors/<int:assessor_id>/delete", methods=["POST"])
@role_required("organizer")
def remove_assessor(assessor_id: int):
    """Remove an assessor's assignment (their entries already made stay, audited)."""
    _writing()
    row = load_assessor_or_404(assessor_id, for_user=_user())
    gone = {"id": row.id, "user_id": row.user_id, "group_id": row.group_id, "unit_id": row.unit_id,
            "is_chief": row.is_chief}
    services.unassign_assessor(row, actor=_user())
    db.session.commit()
    return jsonify(removed=gone)


@api_bp.route("/units/<int:unit_id>/members", methods=["POST"])
@role_required("organizer")
def add_member(unit_id: int):
    """Name a member of the unit: ``{"worker_id", "role"?}``."""
    _writing()
    unit = load_unit_or_404(unit_id, for_user=_user())
    body = _body()
    worker_id = parse_id(body.get("worker_id"))
    if worker_id is None or isinstance(body.get("worker_id"), bool):
        raise RuleViolation("'%(field)s' is required.", field="worker_id")
    services.add_member(unit, worker_id=worker_id, role=_str(body, "role"), actor=_user())
    db.session.commit()
    return jsonify(unit_json(unit)), 201


@api_bp.route("/periods/<int:period_id>/scores")
@role_required("organizer", "judge")
def period_scores(period_id: int):
    """A period's completeness and per-unit scores (organizers of the competition, or its chief assessor)."""
    user = _user()
    if user.has_role("organizer", "admin"):
        period = load_period_or_404(period_id, for_user=user)
    else:
        period = load_period_for_chief_or_404(period_id, for_user=user)
    return jsonify(scores_document(period))


@api_bp.route("/periods/<int:period_id>/adjustments", methods=["POST"])
@role_required("organizer")
def add_adjustment(period_id: int):
    """Record a bonus or deduction (source and document reference required)."""
    _writing()
    period = load_period_or_404(period_id, for_user=_user())
    body = _body()
    unit_id = parse_id(body.get("unit_id"))
    if unit_id is None:
        raise RuleViolation("No such unit in this competition.", field="unit_id")
    row = services.add_adjustment(period, services.AdjustmentData(
        unit_id=unit_id, kind=_str(body, "kind"), points=body.get("points"), source=_str(body, "source"),
        document_ref=_str(body, "document_ref"), issuer=_str(body, "issuer"), reason=_str(body, "reason")),
        actor=_user())
    db.session.commit()
    return jsonify(id=row.id, kind=row.kind, points=_num(row.points), source=row.source,
                   document_ref=row.document_ref), 201


@api_bp.route("/periods/<int:period_id>/vetoes", methods=["POST"])
@role_required("organizer")
def add_veto(period_id: int):
    """Record a veto item (reason and document reference required)."""
    _writing()
    period = load_period_or_404(period_id, for_user=_user())
    body = _body()
    unit_id = parse_id(body.get("unit_id"))
    if unit_id is None:
        raise RuleViolation("No such unit in this competition.", field="unit_id")
    occurred = body.get("occurred_on")
    row = services.add_veto(period, services.VetoData(
        unit_id=unit_id, category=_str(body, "category"), reason=_str(body, "reason"),
        document_ref=_str(body, "document_ref"),
        occurred_on=_date(body, "occurred_on") if occurred else None), actor=_user())
    db.session.commit()
    return jsonify(id=row.id, category=row.category, document_ref=row.document_ref), 201


@api_bp.route("/periods/<int:period_id>/units/<int:unit_id>/scores", methods=["POST"])
@role_required("judge")
def post_scores(period_id: int, unit_id: int):
    """An assessor's entries for one unit: ``{"entries": [{"indicator_id", "value", "version"?}], "reason"?}``;
    a second entry is refused (409), a correction names its version and gives a reason."""
    _writing()
    user = _user()
    period = load_period_for_assessor_or_404(period_id, for_user=user)
    unit = db.session.get(LabourUnit, unit_id)
    if unit is None or unit.competition_id != period.competition_id:
        abort(404)
    body = _body()
    raw = body.get("entries")
    if not isinstance(raw, list) or len(raw) > 200:
        raise RuleViolation("'%(field)s' must be a list of at most %(max)d.", field="entries", max=200)
    entries = []
    for item in raw:
        if not isinstance(item, dict) or parse_id(item.get("indicator_id")) is None:
            raise RuleViolation("Each entry needs an indicator_id and a value.", field="entries")
        version = item.get("version")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise RuleViolation("Each entry needs an indicator_id and a value.", field="entries")
        entries.append(services.ScoreInput(parse_id(item["indicator_id"]), item.get("value"), version))
    written = services.record_scores(period, unit, assessor=user, entries=entries, reason=_str(body, "reason"))
    db.session.commit()
    return jsonify(saved=[{"indicator_id": s.indicator_id, "value": _num(s.value), "points": _num(s.points),
                           "version": s.version} for s in written])


def _reason() -> str:
    return _str(_body(), "reason")


@api_bp.route("/adjustments/<int:adjustment_id>/void", methods=["POST"])
@role_required("organizer")
def void_adjustment(adjustment_id: int):
    """Void a bonus or deduction: ``{"reason"}`` (required)."""
    _writing()
    row = load_adjustment_or_404(adjustment_id, for_user=_user())
    services.void_adjustment(row, actor=_user(), reason=_reason())
    db.session.commit()
    return jsonify(id=row.id, voided=True, void_reason=row.void_reason)


@api_bp.route("/vetoes/<int:veto_id>/void", methods=["POST"])
@role_required("organizer")
def void_veto(veto_id: int):
    """Void a veto item: ``{"reason"}`` (required)."""
    _writing()
    row = load_veto_or_404(veto_id, for_user=_user())
    services.void_veto(row, actor=_user(), reason=_reason())
    db.session.commit()
    return jsonify(id=row.id, voided=True, void_reason=row.void_reason)


@api_bp.route("/units/<int:unit_id>/withdraw", methods=["POST"])
@role_required("organizer")
def withdraw_unit(unit_id: int):
    """The unit leaves the competition (kept with its scores): ``{"reason"}`` (required)."""
    _writing()
    unit = load_unit_or_404(unit_id, for_user=_user())
    services.withdraw_unit(unit, actor=_user(), reason=_reason(), now=utcnow())
    db.session.commit()
    return jsonify(unit_json(unit))


@api_bp.route("/units/<int:unit_id>/reinstate", methods=["POST"])
@role_required("organizer")
def reinstate_unit(unit_id: int):
    """Undo a unit's withdrawal: ``{"reason"}`` (required)."""
    _writing()
    unit = load_unit_or_404(unit_id, for_user=_user())
    services.reinstate_unit(unit, actor=_user(), reason=_reason())
    db.session.commit()
    return jsonify(unit_json(unit))


def _period_step(period_id: int, step) -> tuple:
    _writing()
    user = _user()
    period = load_period_for_chief_or_404(period_id, for_user=user)
    step(period, user)
    db.session.commit()
    return jsonify(period_json(period))


@api_bp.route("/periods/<int:period_id>/close", methods=["POST"])
@role_required("judge")
def close_period(period_id: int):
    """The chief assessor closes the period's assessment (every entry made)."""
    return _period_step(period_id, lambda period, user: services.close_assessment(period, actor=user))


@api_bp.route("/periods/<int:period_id>/sign-off", methods=["POST"])
@role_required("judge")
def sign_off_period(period_id: int):
    """The chief assessor signs the period off (its scores are final)."""
    return _period_step(period_id, lambda period, user: services.sign_off(period, actor=user))


@api_bp.route("/periods/<int:period_id>/reopen", methods=["POST"])
@role_required("judge")
def reopen_period(period_id: int):
    """The chief assessor reopens the period for corrections: ``{"reason"}`` (required)."""
    return _period_step(period_id, lambda period, user: services.reopen(period, actor=user, reason=_reason()))


# ---- OpenAPI ---------------------------------------------------------------------------------------

_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_ERRORS = {"401": {"description": "Not logged in.", **_ERROR},
           "403": {"description": "Not allowed (role, or recused from the unit).", **_ERROR},
           "404": {"description": "No such competition, period or unit of yours.", **_ERROR},
           "409": {"description": "Already assessed, changed meanwhile, or the period is not open.", **_ERROR},
           "422": {"description": "Refused (a rule or a value out of range), the field named; nothing saved.",
                   **_ERROR}}


def _param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


_NUMBER = {"oneOf": [{"type": "string"}, {"type": "number"}]}
register_schema("LabourUnit", {"type": "object", "properties": {
    "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
    "kind": {"type": "string", "enum": ["section", "enterprise", "workshop", "team"]},
    "organization_id": {"type": "integer", "nullable": True}, "headcount": {"type": "integer"},
    "members": {"type": "integer"}, "withdrawn": {"type": "boolean"}}})
register_schema("LabourPeriod", {"type": "object", "properties": {
    "id": {"type": "integer"}, "number": {"type": "integer"}, "name": {"type": "string"},
    "kind": {"type": "string", "enum": ["half_month", "month", "quarter", "milestone"]},
    "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
    "weight": {"type": "string"}, "status": {"type": "string", "enum": ["open", "assessed", "signed_off"]}}})
register_schema("LabourScorecard", {"type": "object", "properties": {
    "settings": {"type": "object", "properties": {
        "title": {"type": "string"}, "document_ref": {"type": "string"},
        "cadence": {"type": "string", "enum": ["half_month", "month", "quarter", "milestone"]},
        "bonus_cap": {**_NUMBER, "nullable": True}, "deduction_cap": {**_NUMBER, "nullable": True},
        "aggregation": {"type": "string", "enum": ["mean", "trimmed"]}}},
    "groups": {"type": "array", "items": {"type": "object", "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}, "max_points": _NUMBER,
        "indicators": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["judged", "measured"]}, "max_points": _NUMBER, "step": _NUMBER,
            "unit_label": {"type": "string"}, "value_min": {**_NUMBER, "nullable": True},
            "value_max": {**_NUMBER, "nullable": True},
            "formula": {"type": "object", "nullable": True, "description":
                        "above_target {target, base, per_unit_above, per_unit_below}; linear {from_value, "
                        "from_points, to_value, to_points}; bands {bands: [{at_least|at_most, points}], otherwise}"},
            "description": {"type": "string"}}}}}}}}})
register_schema("LabourPeriodScores", {"type": "object", "properties": {
    "period": {"$ref": "#/components/schemas/LabourPeriod"},
    "completeness": {"type": "object", "properties": {k: {"type": "integer"} for k in
                                                      ("expected", "entered", "missing", "uncovered")}},
    "units": {"type": "array", "items": {"type": "object", "properties": {
        "unit_id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
        "groups": {"type": "object", "additionalProperties": {"type": "string"}},
        "bonus": {"type": "string"}, "deduction": {"type": "string"}, "total": {"type": "string"},
        "vetoed": {"type": "boolean"}, "veto_reasons": {"type": "array", "items": {"type": "string"}},
        "complete": {"type": "boolean"}}}},
    "adjustments": {"type": "array", "items": {"type": "object"}},
    "vetoes": {"type": "array", "items": {"type": "object"}}}})

register_path("/api/v1/labour/competitions/{competition_id}", {"get": {
    "summary": "A labour competition's scorecard, units, periods and assessors (its organizers).",
    "security": [{"session": []}], "parameters": [_param("competition_id")],
    "responses": {"200": {"description": "The set-up.", **_json({"type": "object", "properties": {
        "competition": {"type": "object"}, "scorecard": {"$ref": "#/components/schemas/LabourScorecard"},
        "units": {"type": "array", "items": {"$ref": "#/components/schemas/LabourUnit"}},
        "periods": {"type": "array", "items": {"$ref": "#/components/schemas/LabourPeriod"}},
        "assessors": {"type": "array", "items": {"type": "object"}}}})}, **_ERRORS}}})
register_path("/api/v1/labour/competitions/{competition_id}/units", {"post": {
    "summary": "Add a participating unit (project section, enterprise, workshop, team).",
    "security": [{"session": []}], "parameters": [_param("competition_id")],
    "requestBody": {"required": True, **_json({"type": "object", "required": ["code", "name"], "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
        "organization_id": {"type": "integer", "nullable": True}, "headcount": {"type": "integer"}}})},
    "responses": {"201": {"description": "Added.", **_json({"$ref": "#/components/schemas/LabourUnit"})},
                  **_ERRORS}}})
register_path("/api/v1/labour/competitions/{competition_id}/periods", {"post": {
    "summary": "Generate the periods from the competition's dates ({\"generate\": \"month\"}) or add one period.",
    "security": [{"session": []}], "parameters": [_param("competition_id")],
    "requestBody": {"required": True, **_json({"type": "object", "properties": {
        "generate": {"type": "string", "enum": ["half_month", "month", "quarter"]}, "name": {"type": "string"},
        "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
        "weight": _NUMBER, "kind": {"type": "string"}}})},
    "responses": {"201": {"description": "The periods added.", **_json({"type": "object", "properties": {
        "periods": {"type": "array", "items": {"$ref": "#/components/schemas/LabourPeriod"}}}})}, **_ERRORS}}})
register_path("/api/v1/labour/competitions/{competition_id}/scorecard", {"post": {
    "summary": "Save the whole scorecard (settings, groups and indicators matched by code); all or nothing.",
    "security": [{"session": []}], "parameters": [_param("competition_id")],
    "requestBody": {"required": True, **_json({"$ref": "#/components/schemas/LabourScorecard"})},
    "responses": {"200": {"description": "Saved; the scorecard as it now is.",
                          **_json({"$ref": "#/components/schemas/LabourScorecard"})}, **_ERRORS}}})
register_path("/api/v1/labour/competitions/{competition_id}/assessors", {"post": {
    "summary": "Assign an assessor (a judge) to all or one indicator group and all or one unit; the chief signs off.",
    "security": [{"session": []}], "parameters": [_param("competition_id")],
    "requestBody": {"required": True, **_json({"type": "object", "required": ["user_id"], "properties": {
        "user_id": {"type": "integer"}, "group_id": {"type": "integer", "nullable": True},
        "unit_id": {"type": "integer", "nullable": True}, "is_chief": {"type": "boolean"}}})},
    "responses": {"201": {"description": "Assigned.", **_json({"type": "object"})}, **_ERRORS}}})
register_path("/api/v1/labour/periods/{period_id}/scores", {"get": {
    "summary": "A period's completeness and each unit's score, not ranked (organizers, chief assessor).",
    "security": [{"session": []}], "parameters": [_param("period_id")],
    "responses": {"200": {"description": "The scores.", **_json({"$ref": "#/components/schemas/LabourPeriodScores"})},
                  **_ERRORS}}})
register_path("/api/v1/labour/periods/{period_id}/adjustments", {"post": {
    "summary": "Record a bonus (commendation) or deduction (notice of criticism) with its source and document.",
    "security": [{"session": []}], "parameters": [_param("period_id")],
    "requestBody": {"required": True, **_json({"type": "object",
                                               "required": ["unit_id", "kind", "points", "source", "document_ref"],
                                               "properties": {
        "unit_id": {"type": "integer"}, "kind": {"type": "string", "enum": ["bonus", "deduction"]},
        "points": _NUMBER, "source": {"type": "string", "enum": ["owner", "supervisor", "authority",
                                                                 "leading_group", "media", "other"]},
        "issuer": {"type": "string"}, "document_ref": {"type": "string"}, "reason": {"type": "string"}}})},
    "responses": {"201": {"description": "Recorded.", **_json({"type": "object"})}, **_ERRORS}}})
register_path("/api/v1/labour/periods/{period_id}/vetoes", {"post": {
    "summary": "Record a veto item (一票否决) with its reason and document: no award this period.",
    "security": [{"session": []}], "parameters": [_param("period_id")],
    "requestBody": {"required": True, **_json({"type": "object",
                                               "required": ["unit_id", "category", "reason", "document_ref"],
                                               "properties": {
        "unit_id": {"type": "integer"}, "category": {"type": "string", "enum": [
            "safety_accident", "quality_accident", "fight", "environment", "other"]},
        "reason": {"type": "string"}, "document_ref": {"type": "string"},
        "occurred_on": {"type": "string", "format": "date"}}})},
    "responses": {"201": {"description": "Recorded.", **_json({"type": "object"})}, **_ERRORS}}})
register_path("/api/v1/labour/periods/{period_id}/units/{unit_id}/scores", {"post": {
    "summary": "An assessor's scores for one unit in one period; a second entry is refused, a correction "
               "names the version it corrects and gives a reason; all or nothing.",
    "security": [{"session": []}], "parameters": [_param("period_id"), _param("unit_id")],
    "requestBody": {"required": True, **_json({"type": "object", "required": ["entries"], "properties": {
        "entries": {"type": "array", "items": {"type": "object", "required": ["indicator_id", "value"],
                                               "properties": {"indicator_id": {"type": "integer"},
                                                              "value": _NUMBER,
                                                              "version": {"type": "integer"}}}},
        "reason": {"type": "string"}}})},
    "responses": {"200": {"description": "Saved (unchanged values are left out).", **_json({"type": "object"})},
                  **_ERRORS}}})

_REASON = {"required": True, **_json({"type": "object", "required": ["reason"],
                                      "properties": {"reason": {"type": "string"}}})}
for _kind, _name in (("adjustments", "adjustment_id"), ("vetoes", "veto_id")):
    register_path(f"/api/v1/labour/{_kind}/{{{_name}}}/void", {"post": {
        "summary": "Void a bonus/deduction or veto entry with a reason (kept, struck through; audited).",
        "security": [{"session": []}], "parameters": [_param(_name)], "requestBody": _REASON,
        "responses": {"200": {"description": "Voided.", **_json({"type": "object"})}, **_ERRORS}}})
register_path("/api/v1/labour/units/{unit_id}", {"post": {
    "summary": "Change a unit: name only what changes (code, name, kind, organization_id, headcount); audited.",
    "security": [{"session": []}], "parameters": [_param("unit_id")],
    "requestBody": {"required": True, **_json({"type": "object", "additionalProperties": False, "properties": {
        "code": {"type": "string", "maxLength": 20}, "name": {"type": "string", "maxLength": 200},
        "kind": {"type": "string", "enum": ["section", "enterprise", "workshop", "team"]},
        "organization_id": {"type": "integer", "nullable": True},
        "headcount": {"type": "integer", "minimum": 0, "maximum": 100000}}})},
    "responses": {"200": {"description": "The unit as it now is.",
                          **_json({"$ref": "#/components/schemas/LabourUnit"})}, **_ERRORS}}})
register_path("/api/v1/labour/periods/{period_id}", {"post": {
    "summary": "Change a period: name, kind, weight, and its dates while it is open; audited.",
    "security": [{"session": []}], "parameters": [_param("period_id")],
    "requestBody": {"required": True, **_json({"type": "object", "additionalProperties": False, "properties": {
        "name": {"type": "string", "maxLength": 100},
        "kind": {"type": "string", "enum": ["half_month", "month", "quarter", "milestone"]},
        "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
        "weight": _NUMBER}})},
    "responses": {"200": {"description": "The period as it now is.",
                          **_json({"$ref": "#/components/schemas/LabourPeriod"})}, **_ERRORS}}})
register_path("/api/v1/labour/periods/{period_id}/delete", {"post": {
    "summary": "Delete a period nothing has been entered in.", "security": [{"session": []}],
    "parameters": [_param("period_id")],
    "responses": {"200": {"description": "Deleted.", **_json({"type": "object"})}, **_ERRORS}}})
register_path("/api/v1/labour/assessors/{assessor_id}/delete", {"post": {
    "summary": "Remove an assessor's assignment (their entries already made stay; audited).",
    "security": [{"session": []}], "parameters": [_param("assessor_id")],
    "responses": {"200": {"description": "Removed.", **_json({"type": "object"})}, **_ERRORS}}})
register_path("/api/v1/labour/units/{unit_id}/members", {"post": {
    "summary": "Name a worker as a member of the unit (once; a worker in two competing units is refused).",
    "security": [{"session": []}], "parameters": [_param("unit_id")],
    "requestBody": {"required": True, **_json({"type": "object", "required": ["worker_id"], "properties": {
        "worker_id": {"type": "integer"}, "role": {"type": "string", "maxLength": 50}}})},
    "responses": {"201": {"description": "The unit as it now is.",
                          **_json({"$ref": "#/components/schemas/LabourUnit"})}, **_ERRORS}}})
_UNIT_STEP = {"security": [{"session": []}], "parameters": [_param("unit_id")], "requestBody": _REASON,
              "responses": {"200": {"description": "The unit as it now is.",
                                    **_json({"$ref": "#/components/schemas/LabourUnit"})}, **_ERRORS}}
register_path("/api/v1/labour/units/{unit_id}/withdraw", {"post": {
    "summary": "The unit leaves the competition, with a reason: kept with its scores, not expected in later "
               "periods, listed apart in the cumulative standing.", **_UNIT_STEP}})
register_path("/api/v1/labour/units/{unit_id}/reinstate", {"post": {
    "summary": "Undo a unit's withdrawal, with a reason.", **_UNIT_STEP}})
_STEP = {"security": [{"session": []}], "parameters": [_param("period_id")],
         "responses": {"200": {"description": "The period as it now is.",
                               **_json({"$ref": "#/components/schemas/LabourPeriod"})}, **_ERRORS}}
register_path("/api/v1/labour/periods/{period_id}/close", {"post": {
    "summary": "The chief assessor closes the period's assessment (every entry made).", **_STEP}})
register_path("/api/v1/labour/periods/{period_id}/sign-off", {"post": {
    "summary": "The chief assessor signs the period off (its scores are final).", **_STEP}})
register_path("/api/v1/labour/periods/{period_id}/reopen", {"post": {
    "summary": "The chief assessor reopens the period for corrections, with a reason.", "requestBody": _REASON,
    **_STEP}})
