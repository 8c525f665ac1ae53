"""Rounds as JSON: ``/api/v1/rounds/events/<id>`` and its actions (the same services as the rounds page).

GET gives the round structure, the rule, the carried parts and the
preliminary's standing with each competitor's qualification and reason.
POSTs: ``/create`` (hold the event in two rounds), ``/rule``, ``/carry``,
``/compute``, ``/confirm``, ``/undo``, ``/publish``. Organizers of the
competition may do everything; the preliminary's chief judge may read,
compute, confirm and undo. Every action is all or nothing; a refusal says why.
``/api/v1/rounds/public/events/<id>`` is a published preliminary standing.
"""

from __future__ import annotations

from dataclasses import replace

from flask import abort, g, jsonify, request
from flask_login import current_user

from competitions.api.openapi import register_path, register_schema
from competitions.auth.permissions import public, role_required
from competitions.db import utcnow
from competitions.domain.errors import CompetitionError, RuleViolation, ValidationErrors
from competitions.errors import validation_errors_response
from competitions.extensions import db
from competitions.i18n import error_message
from competitions.rounds import api_bp, labels, services
from competitions.rounds.permissions import (
    load_event_for_rounds_or_404,
    load_published_standing_or_404,
    rounds_of,
)


def _user():
    from competitions.auth.models import User

    return db.session.get(User, current_user.id)


def _begin_write() -> None:
    """End the read of the API principal on the request's own connection before this request's write."""
    principal_conn = g.get("_request_connection")
    if principal_conn is not None and principal_conn.in_transaction():
        principal_conn.rollback()


def _body() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise RuleViolation("Send a JSON object.", field="body")
    return body


def _text(body: dict, key: str) -> str:
    value = body.get(key) or ""
    if not isinstance(value, str):
        raise RuleViolation("%(name)s must be text.", field=key, name=key)
    return value


def _entry_json(entry, standing, reveal: bool) -> dict:
    out = {"code": entry.anonymous_code, "rank": entry.rank, "tied": entry.tied,
           "total": None if entry.total is None else str(entry.total), "part_marks": entry.part_marks or {},
           "passed": entry.passed, "absent": entry.absent, "disqualified": entry.disqualified,
           "qualified": entry.qualified, "reason": entry.reason,
           "reason_text": labels.reason_text(entry, standing.cut, standing.qualifier_count)}
    if reveal:
        out.update(name=entry.name, employer=entry.employer)
    return out


def _standing_json(standing, reveal: bool) -> dict | None:
    if standing is None:
        return None
    return {"status": standing.status, "rule": standing.rule, "cut": standing.cut,
            "qualifiers": standing.qualifier_count,
            "computed_at": standing.computed_at.isoformat() if standing.computed_at else None,
            "confirmed_at": standing.confirmed_at.isoformat() if standing.confirmed_at else None,
            "published_at": standing.published_at.isoformat() if standing.published_at else None,
            "reason": standing.reason,
            "entries": [_entry_json(e, standing, reveal) for e in standing.entries]}


def rounds_json(event) -> dict:
    """The round structure of ``event`` (either round) with the preliminary's standing."""
    preliminary, final = rounds_of(event)
    standing = services.standing_of(preliminary.id) if final is not None else None
    return {
        "preliminary_id": preliminary.id if final is not None else None,
        "final_id": final.id if final is not None else None,
        "event_id": event.id, "round": event.round or None,
        "rule": (final.qualification_rule or None) if final is not None else None,
        "rule_text": labels.rule_text(final.qualification_rule) if final is not None else None,
        "carried": {p.code: p.carried_from for p in final.parts if p.carried_from} if final is not None else {},
        "final_begun": services.final_begun(final) if final is not None else False,
        "standing": _standing_json(standing, reveal=False),
    }


def _run(event, operation):
    """Run one service call as the request's transaction; the rounds as they now are, or why not."""
    try:
        operation()
    except ValidationErrors as error:
        return validation_errors_response(error)
    except CompetitionError as error:
        db.session.rollback()
        return jsonify(error=error.code, message=error_message(error), field=error.field), error.http_status
    db.session.commit()
    db.session.expire_all()
    return jsonify(rounds_json(db.session.get(type(event), event.id)))


def _load(event_id: int, *, manage: bool = False):
    if request.method == "POST":
        _begin_write()
    return load_event_for_rounds_or_404(event_id, for_user=_user(), manage=manage, act=request.method == "POST")


def _rule_of(body: dict) -> dict:
    return services.rule_json(top=body.get("top"), percent=body.get("percent"), rounding=body.get("rounding"))


@api_bp.route("/events/<int:event_id>")
@role_required("organizer", "judge")
def event(event_id: int):
    """The rounds of an event and the preliminary's standing with the qualification."""
    return jsonify(rounds_json(_load(event_id)))


@api_bp.route("/events/<int:event_id>/create", methods=["POST"])
@role_required("organizer")
def create(event_id: int):
    """Hold the event in two rounds with the given qualification rule."""
    shown = _load(event_id, manage=True)
    return _run(shown, lambda: services.create_final(shown, rule=_rule_of(_body()), actor_id=current_user.id))


@api_bp.route("/events/<int:event_id>/rule", methods=["POST"])
@role_required("organizer")
def rule(event_id: int):
    """Change the final's qualification rule (a reason once the standing is computed)."""
    shown = _load(event_id, manage=True)

    def operation():
        body = _body()
        _preliminary, final = rounds_of(shown)
        if final is None:
            abort(404)
        services.set_rule(final, _rule_of(body), actor_id=current_user.id, reason=_text(body, "reason"))
    return _run(shown, operation)


@api_bp.route("/events/<int:event_id>/carry", methods=["POST"])
@role_required("organizer")
def carry(event_id: int):
    """Make a part of the final carry the preliminary's part ``from`` (null: marked in the final again)."""
    from competitions.organize.services import award_rule_data_of, save_scheme, scheme_draft_of

    shown = _load(event_id, manage=True)

    def operation():
        body = _body()
        _preliminary, final = rounds_of(shown)
        if final is None:
            abort(404)
        part, source = _text(body, "part"), _text(body, "from") or None
        draft = scheme_draft_of(final)
        if part not in {p.code for p in draft.parts}:
            raise RuleViolation("The final has no part %(code)s.", field="part", code=part)
        parts = tuple(replace(p, carried_from=source) if p.code == part else p for p in draft.parts)
        criteria = tuple(c for c in draft.criteria if not (source and c.part_code == part))
        save_scheme(final, replace(draft, parts=parts, criteria=criteria), award_rule_data_of(final))
    return _run(shown, operation)


@api_bp.route("/events/<int:event_id>/compute", methods=["POST"])
@role_required("organizer", "judge")
def compute(event_id: int):
    """Compute the preliminary's standing and the qualification (again: with a reason)."""
    shown = _load(event_id)
    preliminary, _final = rounds_of(shown)
    return _run(shown, lambda: services.compute_qualification(
        preliminary, actor_id=current_user.id, now=utcnow(), reason=_text(_body(), "reason")))


def _standing(shown):
    preliminary, final = rounds_of(shown)
    standing = services.standing_of(preliminary.id) if final is not None else None
    if standing is None:
        raise RuleViolation("Compute the preliminary's standing first.", field="standing")
    return standing


@api_bp.route("/events/<int:event_id>/confirm", methods=["POST"])
@role_required("organizer", "judge")
def confirm(event_id: int):
    """Confirm the qualification: the qualifiers are entered in the final, its stations drawn."""
    shown = _load(event_id)
    return _run(shown, lambda: services.confirm_qualification(_standing(shown), actor=_user(), now=utcnow()))


@api_bp.route("/events/<int:event_id>/undo", methods=["POST"])
@role_required("organizer", "judge")
def undo(event_id: int):
    """Undo the qualification, with a reason, until the final has begun."""
    shown = _load(event_id)
    return _run(shown, lambda: services.undo_qualification(_standing(shown), actor_id=current_user.id,
                                                           reason=_text(_body(), "reason")))


@api_bp.route("/events/<int:event_id>/publish", methods=["POST"])
@role_required("organizer")
def publish(event_id: int):
    """Publish the preliminary's standing (public page and feed)."""
    shown = _load(event_id, manage=True)
    return _run(shown, lambda: services.publish_standing(_standing(shown), actor_id=current_user.id, now=utcnow()))


@api_bp.route("/public/events/<int:event_id>")
@public
def public_standing(event_id: int):
    """A published preliminary standing with each qualification and its reason."""
    preliminary, standing = load_published_standing_or_404(event_id)
    final = services.final_of(preliminary)
    return jsonify(event_id=preliminary.id, final_id=final.id if final else None, trade_name=preliminary.trade_name,
                   standing=_standing_json(standing, reveal=True))


_PARAM = [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_ROUNDS = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Rounds"}}}}
_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
register_schema("QualificationRule", {
    "type": "object",
    "description": "Either the top N places (all tied at the N-th go) or the top per cent of the entrants.",
    "properties": {"top": {"type": "integer", "minimum": 1, "nullable": True},
                   "percent": {"type": "string", "nullable": True, "description": "Above 0, at most 100."},
                   "rounding": {"type": "string", "enum": ["down", "up", "nearest"]},
                   "reason": {"type": "string", "description": "/rule: needed once the standing is computed."}},
})
register_schema("RoundStanding", {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["computed", "confirmed"]},
        "rule": {"$ref": "#/components/schemas/QualificationRule"}, "cut": {"type": "integer"},
        "qualifiers": {"type": "integer"}, "computed_at": {"type": "string", "nullable": True},
        "confirmed_at": {"type": "string", "nullable": True}, "published_at": {"type": "string", "nullable": True},
        "reason": {"type": "string"},
        "entries": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "rank": {"type": "integer", "nullable": True}, "tied": {"type": "boolean"},
            "total": {"type": "string", "nullable": True},
            "part_marks": {"type": "object", "additionalProperties": {"type": "string"}},
            "passed": {"type": "boolean", "nullable": True}, "absent": {"type": "boolean"},
            "disqualified": {"type": "boolean"}, "qualified": {"type": "boolean"},
            "reason": {"type": "string", "enum": ["within_cut", "tied_at_cut", "below_cut", "did_not_pass",
                                                  "absent", "disqualified"]},
            "reason_text": {"type": "string"}, "name": {"type": "string"}, "employer": {"type": "string"}}}},
    },
})
register_schema("Rounds", {
    "type": "object",
    "properties": {
        "event_id": {"type": "integer"}, "round": {"type": "string", "nullable": True},
        "preliminary_id": {"type": "integer", "nullable": True}, "final_id": {"type": "integer", "nullable": True},
        "rule": {"$ref": "#/components/schemas/QualificationRule"}, "rule_text": {"type": "string", "nullable": True},
        "carried": {"type": "object", "additionalProperties": {"type": "string"},
                    "description": "The final's carried parts: {final part: preliminary part}."},
        "final_begun": {"type": "boolean"},
        "standing": {"$ref": "#/components/schemas/RoundStanding"},
    },
})


def _post(doc: dict, body: dict | None = None) -> dict:
    operation = {**doc, "security": [{"session": []}], "parameters": _PARAM,
                 "responses": {"200": {"description": "Done; the rounds as they now are.", **_ROUNDS},
                               "409": {"description": "Not at this stage (the reason is given).", **_ERROR},
                               "422": {"description": "Refused (the reason is given); nothing saved.", **_ERROR},
                               "404": {"description": "No such event of yours.", **_ERROR}}}
    if body is not None:
        operation["requestBody"] = {"required": False, "content": {"application/json": {"schema": body}}}
    return {"post": operation}


_RULE = {"$ref": "#/components/schemas/QualificationRule"}
_REASON = {"type": "object", "properties": {"reason": {"type": "string"}}}
register_path("/api/v1/rounds/events/{event_id}", {
    "get": {"summary": "The rounds of an event and the preliminary's standing with each qualification.",
            "security": [{"session": []}], "parameters": _PARAM,
            "responses": {"200": {"description": "The rounds.", **_ROUNDS},
                          "404": {"description": "No such event of yours.", **_ERROR}}}})
_DOCS = {
    "create": {"summary": "Hold the event in a preliminary and a final, with the qualification rule."},
    "rule": {"summary": "Change the final's qualification rule."},
    "carry": {"summary": "Carry a preliminary part into the final's scheme."},
    "compute": {"summary": "Compute the preliminary's standing and the qualification (again: with a reason)."},
    "confirm": {"summary": "Confirm the qualification: qualifiers entered in the final, stations drawn."},
    "undo": {"summary": "Undo the qualification (with a reason) until the final has begun."},
    "publish": {"summary": "Publish the preliminary's standing."},
}
_CARRY = {"type": "object", "properties": {"part": {"type": "string"}, "from": {"type": "string", "nullable": True}}}
for _action, _body_schema in (("create", _RULE), ("rule", _RULE), ("carry", _CARRY), ("compute", _REASON),
                              ("confirm", None), ("undo", _REASON), ("publish", None)):
    register_path(f"/api/v1/rounds/events/{{event_id}}/{_action}", _post(_DOCS[_action], _body_schema))
register_path("/api/v1/rounds/public/events/{event_id}", {
    "get": {"summary": "A published preliminary standing with each qualification and its reason.",
            "parameters": _PARAM,
            "responses": {"200": {"description": "The standing.", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "event_id": {"type": "integer"}, "final_id": {"type": "integer", "nullable": True},
                    "trade_name": {"type": "string"},
                    "standing": {"$ref": "#/components/schemas/RoundStanding"}}}}}},
                "404": {"description": "Not published.", **_ERROR}}}})
