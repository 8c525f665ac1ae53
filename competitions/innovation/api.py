"""Innovation entries as JSON under ``/api/v1/innovation`` (the same services and checks as the pages).

* ``GET  /contests/<id>/entries`` — a contest's entries and totals (its organizers).
* ``GET  /entries/<id>`` — one entry, for whoever may see it (experts without names).
* ``POST /entries/<id>/actions`` — ``{"action": ..., "reason": ..., ...}``: the entrant's submit, withdraw,
  reopen; the unit's pass, return, unpass; the organizers' adopt, decline, revert, implement
  (``implemented_on``, ``realized_benefit_yuan``, ``realized_benefit_note``), recommend
  (``to_organization_id``, ``note``) and unrecommend. All or nothing; errors as ``Error``.
"""

from __future__ import annotations

from flask import abort, g, jsonify, request
from flask_login import current_user

from competitions.api.openapi import register_path, register_schema
from competitions.auth.models import User
from competitions.auth.permissions import login_required_any, role_required
from competitions.db import utcnow
from competitions.domain import innovation as rules
from competitions.domain.errors import CompetitionError, NotFound, RuleViolation
from competitions.domain.inputs import parse_decimal, parse_id, parse_iso_date
from competitions.extensions import db
from competitions.i18n import error_message
from competitions.innovation import api_bp, services
from competitions.innovation.permissions import Access, load_entry_or_404
from competitions.organize.permissions import load_competition_or_404


def _user() -> User:
    return db.session.get(User, current_user.id)


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def entry_json(entry, seen: Access) -> dict:
    """An entry as the API shows it; names and unit only to those who see them (not to experts)."""
    data = {
        "id": entry.id, "number": entry.number, "competition_id": entry.competition_id, "event_id": entry.event_id,
        "title": entry.title, "category": entry.category, "description": entry.description,
        "claimed_benefit_yuan": _money(entry.claimed_benefit_yuan), "claimed_benefit_text": entry.claimed_benefit_text,
        "status": entry.status, "submitted_at": entry.submitted_at.isoformat() if entry.submitted_at else None,
        "implemented_on": entry.implemented_on.isoformat() if entry.implemented_on else None,
        "realized_benefit_yuan": _money(entry.realized_benefit_yuan),
        "recommended": entry.recommended, "recommended_to_id": entry.recommended_to_id,
        "attachments": [{"id": a.id, "filename": a.filename, "kind": a.kind, "size": a.size, "purpose": a.purpose}
                        for a in entry.attachments],
    }
    if seen.sees_names:
        data.update(team_name=entry.team_name, unit_id=entry.employer_id, unit=entry.employer.name,
                    unit_reason=entry.unit_reason,
                    members=[{"worker_id": m.worker_id, "name": m.worker.name, "lead": m.is_lead}
                             for m in entry.members])
    return data


def _error(error: CompetitionError):
    db.session.rollback()
    return jsonify(error=error.code, message=error_message(error), field=error.field), error.http_status


@api_bp.route("/contests/<int:contest_id>/entries")
@role_required("organizer")
def contest_entries(contest_id: int):
    """A contest's entries (submitted on) and its totals."""
    competition = load_competition_or_404(contest_id, for_user=_user())
    if competition.kind != "innovation":
        abort(404)
    totals = services.totals(competition.id)
    seen = Access(organizer=True)
    return jsonify(entries=[entry_json(e, seen) for e in services.entries_of_competition(competition.id)],
                   totals={"submitted": totals.submitted, "adopted": totals.adopted,
                           "implemented": totals.implemented, "claimed_yuan": _money(totals.claimed_yuan),
                           "realized_yuan": _money(totals.realized_yuan)})


@api_bp.route("/entries/<int:entry_id>")
@login_required_any
def entry(entry_id: int):
    """One entry."""
    found, seen = load_entry_or_404(entry_id, for_user=_user())
    return jsonify(entry_json(found, seen))


def perform(entry, seen: Access, actor: User, body: dict):
    """Run one action of ``body`` on ``entry`` for ``actor`` (404 when the actor has no say in that action)."""
    action = body.get("action")
    text = {key: body.get(key) or "" for key in ("reason", "note", "realized_benefit_note")}
    for key, value in text.items():
        if not isinstance(value, str):
            raise RuleViolation("Send a JSON object.", field=key)
    now = utcnow()
    if action in rules.ENTRANT_ACTIONS and seen.lead:
        return services.entrant_action(entry, action, actor=actor, now=now)
    if action in rules.UNIT_ACTIONS and seen.unit:
        return services.unit_action(entry, action, actor=actor, reason=text["reason"], now=now)
    if action in ("adopt", "decline", "revert") and seen.organizer:
        return services.outcome_action(entry, action, actor=actor, reason=text["reason"], note=text["note"], now=now)
    if action == "implement" and seen.organizer:
        yuan = body.get("realized_benefit_yuan")
        day = body.get("implemented_on")
        return services.implement(
            entry, actor=actor, now=now, evidence=None, note=text["realized_benefit_note"],
            implemented_on=parse_iso_date(day, field="implemented_on") if isinstance(day, str) else None,
            realized_yuan=None if yuan in (None, "") else parse_decimal(yuan, field="realized_benefit_yuan", places=2))
    if action == "recommend" and seen.organizer:
        target = body.get("to_organization_id")
        target_id = parse_id(target) if target is not None else None
        if target is not None and target_id is None:
            raise RuleViolation("Recommend to an organization above %(org)s.", field="to_organization_id",
                                org=entry.competition.organization.name)
        return services.recommend(entry, actor=actor, note=text["note"], now=now, to_organization_id=target_id)
    if action == "unrecommend" and seen.organizer:
        return services.unrecommend(entry, actor=actor, reason=text["reason"])
    if action not in (*rules.ACTIONS, "recommend", "unrecommend"):
        raise RuleViolation("Unknown action %(action)s.", field="action", action=str(action)[:40])
    raise NotFound("No such entry.")


@api_bp.route("/entries/<int:entry_id>/actions", methods=["POST"])
@login_required_any
def act(entry_id: int):
    """Move the entry on; all or nothing."""
    principal_conn = g.get("_request_connection")
    if principal_conn is not None and principal_conn.in_transaction():
        principal_conn.rollback()
    actor = _user()
    found, seen = load_entry_or_404(entry_id, for_user=actor)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(RuleViolation("Send a JSON object.", field="body"))
    try:
        perform(found, seen, actor, body)
    except CompetitionError as error:
        return _error(error)
    db.session.commit()
    return jsonify(entry_json(found, seen))


register_schema("InnovationEntry", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "number": {"type": "string", "example": "CX-0001"},
        "competition_id": {"type": "integer"}, "event_id": {"type": "integer"}, "title": {"type": "string"},
        "category": {"type": "string", "enum": list(rules.CATEGORIES)}, "description": {"type": "string"},
        "claimed_benefit_yuan": {"type": "string", "nullable": True, "description": "Yuan per year, two decimals."},
        "claimed_benefit_text": {"type": "string"}, "status": {"type": "string", "enum": list(rules.STATUSES)},
        "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
        "implemented_on": {"type": "string", "format": "date", "nullable": True},
        "realized_benefit_yuan": {"type": "string", "nullable": True},
        "recommended": {"type": "boolean"}, "recommended_to_id": {"type": "integer", "nullable": True},
        "attachments": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "filename": {"type": "string"}, "kind": {"type": "string"},
            "size": {"type": "integer"}, "purpose": {"type": "string", "enum": ["entry", "evidence"]}}}},
        "team_name": {"type": "string", "description": "Not shown to experts."},
        "unit": {"type": "string", "description": "Not shown to experts."},
        "members": {"type": "array", "description": "Not shown to experts.", "items": {"type": "object"}},
    },
})
register_schema("InnovationAction", {
    "type": "object", "required": ["action"],
    "properties": {
        "action": {"type": "string", "enum": [*rules.ACTIONS, "recommend", "unrecommend"]},
        "reason": {"type": "string", "description": "Needed to return, take a pass back, decline, revert."},
        "note": {"type": "string"},
        "implemented_on": {"type": "string", "format": "date"},
        "realized_benefit_yuan": {"type": "string", "description": "Yuan, at most two decimals."},
        "realized_benefit_note": {"type": "string"},
        "to_organization_id": {"type": "integer", "description": "An organization above the contest's organizer "
                                                                 "(default: its parent)."},
    },
})
_ENTRY = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/InnovationEntry"}}}}
_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_ID = [{"name": "entry_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
register_path("/api/v1/innovation/contests/{contest_id}/entries", {
    "get": {"summary": "An innovation contest's entries and totals (its organizers).", "security": [{"session": []}],
            "parameters": [{"name": "contest_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "Entries and totals.", "content": {"application/json": {}}},
                          "404": {"description": "No such innovation contest of yours.", **_ERROR}}},
})
register_path("/api/v1/innovation/entries/{entry_id}", {
    "get": {"summary": "One innovation entry (entrants, unit reviewers, organizers, experts not recused).",
            "security": [{"session": []}], "parameters": _ID,
            "responses": {"200": {"description": "The entry.", **_ENTRY},
                          "404": {"description": "No such entry you may see.", **_ERROR}}},
})
register_path("/api/v1/innovation/entries/{entry_id}/actions", {
    "post": {"summary": "Submit, withdraw, reopen, pass, return, unpass, adopt, decline, revert, implement, "
                        "recommend or unrecommend an entry; all or nothing.",
             "security": [{"session": []}], "parameters": _ID,
             "requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"$ref": "#/components/schemas/InnovationAction"}}}},
             "responses": {"200": {"description": "Done; the entry as it now is.", **_ENTRY},
                           "404": {"description": "No such entry, or no say in this action.", **_ERROR},
                           "409": {"description": "Not possible in the entry's state.", **_ERROR},
                           "422": {"description": "Refused (reason missing, bad figure ...); nothing saved.",
                                   **_ERROR}}},
})
