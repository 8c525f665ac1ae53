"""An event's scoring rules as JSON: ``/api/v1/organize/events/<id>/scoring-rules`` (organizers of the event).

The same settings as the marking-scheme form and ``flask --app wsgi scheme
show|set`` (``organize.rules``): pass marks, minimum total, placement of those
who did not pass, precision, ranking style, the tie-break chain, the trimmed
panel size, the award rule, absent as entrants, the team rules and each
criterion's judges and readings. A PUT (or POST) sets any subset; the rest of
the scheme stays; everything is checked and saved all or nothing through
``organize.services.save_scheme``, the form's own check.
"""

from __future__ import annotations

from flask import g, jsonify, request
from flask_login import current_user

from competitions.api.openapi import register_path, register_schema
from competitions.auth.permissions import role_required
from competitions.domain.errors import CompetitionError, ValidationErrors
from competitions.errors import validation_errors_response
from competitions.extensions import db
from competitions.i18n import error_message
from competitions.organize import api_bp
from competitions.organize.permissions import load_event_or_404
from competitions.organize.rules import rules_json, set_rules


def _event(event_id: int):
    """The event when the caller manages its competition (API callers are plain principals: load the user)."""
    from competitions.auth.models import User

    return load_event_or_404(event_id, for_user=db.session.get(User, current_user.id))


@api_bp.route("/events/<int:event_id>/scoring-rules")
@role_required("organizer")
def scoring_rules(event_id: int):
    """The event's scoring rules."""
    return jsonify(rules_json(_event(event_id)))


@api_bp.route("/events/<int:event_id>/scoring-rules", methods=["PUT", "POST"], endpoint="set_scoring_rules")
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
        set_rules(event, request.get_json(silent=True))
    except ValidationErrors as error:
        return validation_errors_response(error)
    except CompetitionError as error:
        db.session.rollback()
        return jsonify(error=error.code, message=error_message(error), field=error.field), error.http_status
    db.session.commit()
    return jsonify(rules_json(event))


register_schema("ScoringRules", {
    "type": "object", "additionalProperties": False,
    "description": "A setting not listed here (a misspelt one too) is refused with 422, naming it.",
    "properties": {
        "event_id": {"type": "integer"},
        "pass_marks": {"type": "object", "additionalProperties": {"type": "string", "nullable": True},
                       "description": "By part code: pass mark out of 100 on the part's own scale (null: none)."},
        "pass_total": {"type": "string", "nullable": True, "description": "Minimum total to pass (null: none)."},
        "failed_placement": {"type": "string", "enum": ["ranked", "after"]},
        "precision": {"type": "integer", "minimum": 0, "maximum": 3},
        "rank_style": {"type": "string", "enum": ["standard", "dense"]},
        "absent_are_entrants": {"type": "boolean"},
        "trim_min_judges": {"type": "integer", "minimum": 3, "maximum": 15,
                            "description": "Drop the highest and lowest mark from a panel of at least this many."},
        "tie_break": {"type": "array", "items": {"type": "string"},
                      "description": "Individual tie-break chain after the total: 'part:CODE' or 'time_used'."},
        "criteria": {"type": "object", "description": "By criterion code: its judges and readings.",
                     "additionalProperties": {"type": "object", "additionalProperties": False, "properties": {
                         "judges_required": {"type": "integer", "minimum": 1, "maximum": 15},
                         "reading_mode": {"type": "string", "enum": ["once", "check"],
                                          "description": "A measurement read once, or with a check reading."},
                         "tolerance": {"type": "string", "nullable": True,
                                       "description": "Check reading: largest difference that agrees, in the"
                                                      " criterion's unit."},
                         "check_counts": {"type": "string", "enum": ["first", "mean"]}}}},
        "award": {"type": "object", "additionalProperties": False, "properties": {
            "mode": {"type": "string", "enum": ["bands", "proportions", "medals"]},
            "first": {"type": "string", "nullable": True}, "second": {"type": "string", "nullable": True},
            "third": {"type": "string", "nullable": True}, "honourable": {"type": "string", "nullable": True},
            "rounding": {"type": "string", "enum": ["down", "up", "nearest"]}}},
        "team": {"type": "object", "nullable": True, "additionalProperties": False, "properties": {
            "score": {"type": "string", "enum": ["sum", "mean", "best"]}, "best": {"type": "integer", "nullable": True},
            "tie_break": {"type": "array", "items": {"type": "string"}},
            "tie_mode": {"type": "string", "enum": ["shared", "no_tied_places"]}}},
    },
})
_PARAM = [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_RULES = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScoringRules"}}}}
_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_PROBLEMS = {"content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/Error"}, {
    "type": "object", "properties": {"problems": {"type": "array", "items": {"type": "object", "properties": {
        "field": {"type": "string", "nullable": True}, "row": {"type": "integer", "nullable": True},
        "message": {"type": "string"}}}}}}]}}}}
_SET = {"summary": "Change any subset of an event's scoring rules; all or nothing.",
        "description": "Send the page's CSRF token in the X-CSRFToken header (session callers). The same checks"
                       " as the organizer's marking-scheme form; refused once judging has begun.",
        "security": [{"session": []}], "parameters": _PARAM,
        "requestBody": {"required": True, **_RULES},
        "responses": {"200": {"description": "Saved; the rules as they now are.", **_RULES},
                      "400": {"description": "The CSRF token is missing or wrong (session callers).", **_ERROR},
                      "404": {"description": "No such event of yours.", **_ERROR},
                      "409": {"description": "Judging has begun: the scheme can no longer change.", **_ERROR},
                      "422": {"description": "Refused, nothing saved: not a JSON object, a value of the wrong type,"
                                             " an unknown setting (each named), or a rule the scheme"
                                             " breaks (every problem named in ``problems``).", **_PROBLEMS}}}
register_path("/api/v1/organize/events/{event_id}/scoring-rules", {
    "get": {"summary": "An event's scoring rules (organizers of the event).", "security": [{"session": []}],
            "parameters": _PARAM, "responses": {"200": {"description": "The rules.", **_RULES},
                                                "404": {"description": "No such event of yours.", **_ERROR}}},
    "put": _SET,
    "post": {**_SET, "summary": "The same as PUT (kept for older callers)."},
})
