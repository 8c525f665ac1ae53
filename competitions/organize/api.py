"""An event's scoring rules as JSON: ``/api/v1/organize/events/<id>/scoring-rules`` (organizers of the event).

The same settings as the marking-scheme form and ``flask --app wsgi
competitions scoring-rules``: pass marks, minimum total, placement of those
who did not pass, precision, ranking style, honourable mentions, rounding of
proportions, absent as entrants and the team rules. A POST sets any subset;
the rest of the scheme stays; everything is checked and saved all or nothing
through ``organize.services.save_scheme``.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from flask import g, jsonify, request
from flask_login import current_user

from competitions.api.openapi import register_path, register_schema
from competitions.auth.permissions import role_required
from competitions.domain.errors import CompetitionError, RuleViolation, ValidationErrors
from competitions.domain.inputs import parse_decimal
from competitions.domain.points import plain_decimal
from competitions.extensions import db
from competitions.i18n import error_message, translate
from competitions.organize import api_bp
from competitions.organize.permissions import load_event_or_404
from competitions.organize.services import award_rule_data_of, save_scheme, scheme_draft_of

FIELDS = ("failed_placement", "precision", "rank_style", "absent_are_entrants")
TEAM_FIELDS = {"score": "team_score", "best": "team_best", "tie_break": "team_tie_break", "tie_mode": "team_tie_mode"}


def _text(value: Decimal | None) -> str | None:
    """A stored number as the form shows it: 60, 12.5 (never 6E+1)."""
    return None if value is None else str(plain_decimal(value))


def rules_json(event) -> dict:
    """The event's scoring rules as the API shows them."""
    draft, award = scheme_draft_of(event), award_rule_data_of(event)
    return {
        "event_id": event.id, "pass_marks": {p.code: _text(p.pass_mark) for p in draft.parts},
        "pass_total": _text(draft.pass_total), **{name: getattr(draft, name) for name in FIELDS},
        "award": {"mode": award.mode, "first": _text(award.first), "second": _text(award.second),
                  "third": _text(award.third), "honourable": _text(award.honourable), "rounding": award.rounding},
        "team": {"score": draft.team_score, "best": draft.team_best, "tie_break": list(draft.team_tie_break),
                 "tie_mode": draft.team_tie_mode} if event.is_team else None,
    }


def _number(value, field: str, places: int | None = None) -> Decimal | None:
    """The shared number rules (ASCII digits, one point, bounded digits; no 1e400, 1_0 or ٣)."""
    if value is None or value == "":
        return None
    return parse_decimal(value, field=field, places=places)


def _apply(event, body: dict):
    """The stored draft and award rule with ``body``'s settings laid over them."""
    if not isinstance(body, dict):
        raise RuleViolation("Send a JSON object.", field="body")
    draft, award = scheme_draft_of(event), award_rule_data_of(event)
    marks = body.get("pass_marks") or {}
    if not isinstance(marks, dict) or set(marks) - {p.code for p in draft.parts}:
        raise RuleViolation("A pass mark is set for a part this scheme does not have.", field="pass_marks")
    parts = tuple(replace(p, pass_mark=_number(marks[p.code], "pass_marks", 2) if p.code in marks else p.pass_mark)
                  for p in draft.parts)
    changes: dict = {"parts": parts}
    if "pass_total" in body:
        changes["pass_total"] = _number(body["pass_total"], "pass_total", 2)
    for name in FIELDS:
        if name in body:
            changes[name] = body[name]
    team = body.get("team") or {}
    if not isinstance(team, dict):
        raise RuleViolation("Send a JSON object.", field="team")
    for key, name in TEAM_FIELDS.items():
        if key in team:
            changes[name] = team[key]
    tie_break = changes.get("team_tie_break", ())
    if not isinstance(tie_break, (list, tuple)) or not all(isinstance(item, str) for item in tie_break):
        raise RuleViolation("Send a JSON object.", field="team.tie_break")
    if "team_tie_break" in changes:
        changes["team_tie_break"] = tuple(tie_break)
    if not isinstance(changes.get("absent_are_entrants", False), bool):
        raise RuleViolation("Send a JSON object.", field="absent_are_entrants")
    for name, optional in (("precision", False), ("team_best", True)):
        value = changes.get(name, None if optional else 0)
        if not (value is None and optional) and (isinstance(value, bool) or not isinstance(value, int)):
            raise RuleViolation("Send whole numbers for precision and team best.", field=name)
    award_body = body.get("award") or {}
    if not isinstance(award_body, dict):
        raise RuleViolation("Send a JSON object.", field="award")
    for key in ("first", "second", "third", "honourable"):
        if key in award_body:
            award = replace(award, **{key: _number(award_body[key], f"award.{key}")})
    for key in ("mode", "rounding"):
        if key in award_body:
            award = replace(award, **{key: str(award_body[key])})
    return replace(draft, **changes), award


def _event(event_id: int):
    """The event when the caller manages its competition (API callers are plain principals: load the user)."""
    from competitions.auth.models import User

    return load_event_or_404(event_id, for_user=db.session.get(User, current_user.id))


@api_bp.route("/events/<int:event_id>/scoring-rules")
@role_required("organizer")
def scoring_rules(event_id: int):
    """The event's scoring rules."""
    return jsonify(rules_json(_event(event_id)))


@api_bp.route("/events/<int:event_id>/scoring-rules", methods=["POST"], endpoint="set_scoring_rules")
@role_required("organizer")
def set_scoring_rules(event_id: int):
    """Change any of the event's scoring rules; all or nothing."""
    # The caller was read on the request's own connection (an API principal): end that read before this
    # request's one write transaction, so SQLite never waits on ourselves.
    principal_conn = g.get("_request_connection")
    if principal_conn is not None and principal_conn.in_transaction():
        principal_conn.rollback()
    event = _event(event_id)
    try:
        save_scheme(event, *_apply(event, request.get_json(silent=True)))
    except ValidationErrors as error:
        db.session.rollback()
        problems = [{"field": p.get("field"), "message": translate(p["message"], p.get("params"))}
                    for p in error.problems]
        return jsonify(error="invalid", message=problems[0]["message"], problems=problems), 400
    except CompetitionError as error:
        db.session.rollback()
        return jsonify(error=error.code, message=error_message(error), field=error.field), error.http_status
    db.session.commit()
    return jsonify(rules_json(event))


register_schema("ScoringRules", {
    "type": "object",
    "properties": {
        "event_id": {"type": "integer"},
        "pass_marks": {"type": "object", "additionalProperties": {"type": "string", "nullable": True},
                       "description": "By part code: pass mark out of 100 on the part's own scale (null: none)."},
        "pass_total": {"type": "string", "nullable": True, "description": "Minimum total to pass (null: none)."},
        "failed_placement": {"type": "string", "enum": ["ranked", "after"]},
        "precision": {"type": "integer", "minimum": 0, "maximum": 3},
        "rank_style": {"type": "string", "enum": ["standard", "dense"]},
        "absent_are_entrants": {"type": "boolean"},
        "award": {"type": "object", "properties": {
            "mode": {"type": "string", "enum": ["bands", "proportions", "medals"]},
            "first": {"type": "string", "nullable": True}, "second": {"type": "string", "nullable": True},
            "third": {"type": "string", "nullable": True}, "honourable": {"type": "string", "nullable": True},
            "rounding": {"type": "string", "enum": ["down", "up", "nearest"]}}},
        "team": {"type": "object", "nullable": True, "properties": {
            "score": {"type": "string", "enum": ["sum", "mean", "best"]}, "best": {"type": "integer", "nullable": True},
            "tie_break": {"type": "array", "items": {"type": "string"}},
            "tie_mode": {"type": "string", "enum": ["shared", "no_tied_places"]}}},
    },
})
_PARAM = [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_RULES = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScoringRules"}}}}
_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
register_path("/api/v1/organize/events/{event_id}/scoring-rules", {
    "get": {"summary": "An event's scoring rules (organizers of the event).", "security": [{"session": []}],
            "parameters": _PARAM, "responses": {"200": {"description": "The rules.", **_RULES},
                                                "404": {"description": "No such event of yours.", **_ERROR}}},
    "post": {"summary": "Change any subset of an event's scoring rules; all or nothing.",
             "security": [{"session": []}], "parameters": _PARAM,
             "requestBody": {"required": True, **_RULES},
             "responses": {"200": {"description": "Saved; the rules as they now are.", **_RULES},
                           "400": {"description": "Refused, every problem named; nothing saved.", **_ERROR},
                           "404": {"description": "No such event of yours.", **_ERROR}}},
})
