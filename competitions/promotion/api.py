"""JSON of the promotion stage under /api/v1/promotion: a competition's decisions and flags (its organizers),
and a worker's own flags and current level. Never an ID number.
"""

from __future__ import annotations

from flask import has_request_context, jsonify
from flask_login import current_user
from sqlalchemy import select

from competitions.api.openapi import register_path, register_schema
from competitions.auth.models import User
from competitions.auth.permissions import role_required
from competitions.extensions import db
from competitions.organize.models import Competition
from competitions.promotion import api_bp, history, services
from competitions.promotion.models import PromotionFlag
from competitions.promotion.permissions import load_competition_or_404
from competitions.registration.permissions import own_worker


def _text(stored) -> dict:
    """A stored message in English (``source``) and, in a request, in the reader's language (``text``)."""
    english = services.message_source(stored)
    return {"source": english, "text": services.message_text(stored) if has_request_context() else english}


def flag_json(flag: PromotionFlag) -> dict:
    """One flag as JSON."""
    return {"id": flag.id, "registration_id": flag.registration_id, "worker_id": flag.worker_id,
            "event_id": flag.event_id, "competition_id": flag.competition_id, "year": flag.year, "kind": flag.kind,
            "from_level": flag.from_level, "to_level": flag.to_level, "title": flag.title, "rule": flag.rule_key,
            "rule_name": flag.rule_name, "review": "subject_to_review" if flag.review else "automatic",
            "status": flag.status, "contested": flag.contested, "decision_reason": flag.decision_reason,
            "decided_at": flag.decided_at.isoformat() if flag.decided_at else None,
            "notes": [_text(n) for n in flag.notes or []]}


def decisions_document(competition: Competition) -> dict:
    """Every competitor's decision and every flag of a competition, with the latest run."""
    run = services.latest_run(competition.id)
    decisions = [d for lines in services.decisions_of(competition.id).values() for d in lines]
    flags = db.session.execute(select(PromotionFlag).where(PromotionFlag.competition_id == competition.id)
                               .order_by(PromotionFlag.id)).scalars()
    return {
        "competition": {"id": competition.id, "name": competition.name, "year": competition.year},
        "run": None if run is None else {"id": run.id, "snapshot_version": run.snapshot_version,
                                         "rule_set_id": run.rule_set_id, "rule_set_version": run.rule_set_version,
                                         "trigger": run.trigger, "ran_at": run.ran_at.isoformat(),
                                         "counts": run.counts, "diff": run.diff},
        "decisions": [{"registration_id": d.registration_id, "worker_id": d.worker_id, "event_id": d.event_id,
                       "rank": d.rank,
                       "outcomes": [{**{k: v for k, v in a.items() if k != "notes"},
                                     "notes": [_text(n) for n in a.get("notes", [])]} for a in d.awards],
                       "reasons": [_text(r) for r in d.reasons]} for d in decisions],
        "flags": [flag_json(f) for f in flags],
    }


@api_bp.route("/competitions/<int:competition_id>/decisions")
@role_required("organizer")
def decisions(competition_id: int):
    """Every competitor's decision and every flag of a competition (its organizers only)."""
    # The subtree check needs the user's organization: the entity, not the API principal.
    competition = load_competition_or_404(competition_id, for_user=db.session.get(User, current_user.id))
    return jsonify(decisions_document(competition))


@api_bp.route("/mine")
@role_required("competitor")
def mine():
    """The logged-in worker's flags and current level."""
    person = own_worker(current_user)
    if person is None:
        return jsonify(current_level=None, flags=[])
    level = history.current_level(person)
    flags = db.session.execute(select(PromotionFlag).where(PromotionFlag.worker_id == person.id)
                               .order_by(PromotionFlag.id)).scalars()
    return jsonify(current_level={"level": level.level, "since": level.since.isoformat() if level.since else None,
                                  "competition_id": level.competition_id},
                   flags=[flag_json(f) for f in flags])


_TEXT = {"type": "object", "properties": {"source": {"type": "string", "description": "English."},
                                          "text": {"type": "string", "description": "In the reader's language."}}}
register_schema("PromotionFlag", {
    "type": "object",
    "description": "One outcome for one competitor (promotion flag) and its review status.",
    "properties": {
        "id": {"type": "integer"}, "registration_id": {"type": "integer"}, "worker_id": {"type": "integer"},
        "event_id": {"type": "integer"}, "competition_id": {"type": "integer"}, "year": {"type": "integer"},
        "kind": {"type": "string", "enum": ["level", "honour", "nomination"]},
        "from_level": {"type": "string", "nullable": True}, "to_level": {"type": "string", "nullable": True},
        "title": {"type": "string"}, "rule": {"type": "string"}, "rule_name": {"type": "string"},
        "review": {"type": "string", "enum": ["automatic", "subject_to_review"]},
        "status": {"type": "string", "enum": ["pending", "approved", "rejected", "withdrawn"]},
        "contested": {"type": "boolean"}, "decision_reason": {"type": "string"},
        "decided_at": {"type": "string", "format": "date-time", "nullable": True},
        "notes": {"type": "array", "items": _TEXT},
    },
})
_ERRORS = {"401": {"description": "Not logged in."}, "403": {"description": "Not allowed."}}
register_path("/api/v1/promotion/competitions/{competition_id}/decisions", {
    "get": {
        "summary": "Every competitor's promotion decision and every flag of a competition (its organizers).",
        "parameters": [{"name": "competition_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "security": [{"session": []}],
        "responses": {
            "200": {"description": "Decisions (outcomes with their rules, or reasons) and flags.",
                    "content": {"application/json": {"schema": {"type": "object", "properties": {
                        "competition": {"type": "object"}, "run": {"type": "object", "nullable": True},
                        "decisions": {"type": "array", "items": {"type": "object", "properties": {
                            "registration_id": {"type": "integer"}, "worker_id": {"type": "integer"},
                            "event_id": {"type": "integer"}, "rank": {"type": "integer", "nullable": True},
                            "outcomes": {"type": "array", "items": {"type": "object"}},
                            "reasons": {"type": "array", "items": _TEXT}}}},
                        "flags": {"type": "array", "items": {"$ref": "#/components/schemas/PromotionFlag"}}}}}}},
            **_ERRORS,
            "404": {"description": "No such competition, or not one the caller manages.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        },
    }
})
register_path("/api/v1/promotion/mine", {
    "get": {
        "summary": "The logged-in worker's promotion flags and current level.",
        "security": [{"session": []}],
        "responses": {
            "200": {"description": "Current level and flags.", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "current_level": {"type": "object", "nullable": True},
                    "flags": {"type": "array", "items": {"$ref": "#/components/schemas/PromotionFlag"}}}}}}},
            **_ERRORS,
        },
    }
})
