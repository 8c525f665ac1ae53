"""The JSON results feed under /api/v1/results (public; published or final results only; never an ID number)."""

from __future__ import annotations

from flask import jsonify

from competitions.api.openapi import register_path, register_schema
from competitions.auth.permissions import public
from competitions.results import api_bp
from competitions.results.display import figure
from competitions.results.permissions import load_public_competition_or_404, load_public_event_or_404
from competitions.results.services import entries_by_event
from competitions.results.teams import team_json, team_rows


def _entry_json(entry, precision: int = 2) -> dict:
    return {
        "rank": entry.rank, "tied": entry.tied, "disqualified": entry.disqualified,
        "decided_by_chief_judge": entry.decided_by_chief_judge, "code": entry.anonymous_code,
        "name": entry.name, "employer": entry.employer,
        "total": None if entry.total is None else figure(entry.total, precision),
        "part_scores": entry.part_scores, "deductions": figure(entry.deductions, precision), "prize": entry.prize,
        "absent": bool(entry.absent), "absent_parts": list(entry.absent_parts or []),
        "passed": entry.passed, "part_passed": entry.part_passed or {}, "part_marks": entry.part_marks or {},
        "round_reached": entry.round_reached, "preliminary_rank": entry.preliminary_rank,
        "preliminary_total": None if entry.preliminary_total is None else figure(entry.preliminary_total, precision),
    }


def _event_json(event, entries, teams=()) -> dict:
    return {"id": event.id, "trade_name": event.trade_name, "trade_code": event.trade_code, "group": event.group,
            "round": event.round or None,
            "precision": 2 if event.precision is None else event.precision,
            "entries": [_entry_json(e, 2 if event.precision is None else event.precision) for e in entries],
            "is_team": bool(event.is_team),
            "teams": [team_json(t) for t in teams]}


def _snapshot_json(snapshot) -> dict:
    def iso(value):
        return value.isoformat() if value else None

    return {"version": snapshot.version, "status": snapshot.status, "published_at": iso(snapshot.published_at),
            "notice_ends_at": iso(snapshot.notice_ends_at), "finalized_at": iso(snapshot.finalized_at)}


@api_bp.route("/competitions/<int:competition_id>")
@public
def competition_feed(competition_id: int):
    """Every event's published standing of one competition."""
    competition, snapshot = load_public_competition_or_404(competition_id)
    grouped = entries_by_event(snapshot)
    team_groups = team_rows(snapshot)
    return jsonify(
        competition={"id": competition.id, "name": competition.name, "year": competition.year,
                     "status": competition.status},
        results=_snapshot_json(snapshot),
        events=[_event_json(e, grouped.get(e.id, []), team_groups.get(e.id, [])) for e in competition.results_events],
    )


@api_bp.route("/events/<int:event_id>")
@public
def event_feed(event_id: int):
    """One event's published standing."""
    event, snapshot = load_public_event_or_404(event_id)
    entries = entries_by_event(snapshot, event.id).get(event.id, [])
    return jsonify(competition_id=event.competition_id, results=_snapshot_json(snapshot),
                   event=_event_json(event, entries, team_rows(snapshot, event.id).get(event.id, [])))


register_schema("ResultEntry", {
    "type": "object",
    "properties": {
        "rank": {"type": "integer", "nullable": True, "description": "Place; null when disqualified."},
        "tied": {"type": "boolean", "description": "Shares the place with another competitor."},
        "disqualified": {"type": "boolean"},
        "decided_by_chief_judge": {"type": "boolean", "description": "Place set by the chief judge's tie decision."},
        "code": {"type": "string", "description": "Anonymous code (加密号)."},
        "name": {"type": "string"},
        "employer": {"type": "string"},
        "total": {"type": "string", "nullable": True,
                  "description": "Total out of 100, at the event's precision (its 'precision' decimals)."},
        "part_scores": {"type": "object", "additionalProperties": {"type": "string"}},
        "deductions": {"type": "string"},
        "prize": {"type": "string", "nullable": True, "enum": ["first", "second", "third", "honourable", None]},
        "absent": {"type": "boolean", "description": "Did not sit the event (缺考): no place, no figures."},
        "absent_parts": {"type": "array", "items": {"type": "string"},
                         "description": "Codes of the parts the competitor was absent from (缺考 for a part):"
                                        " each scored 0 and fails its pass mark if it has one."},
        "passed": {"type": "boolean", "nullable": True,
                   "description": "Reached every pass mark (false: did not pass, no prize); null: no pass mark."},
        "part_passed": {"type": "object", "additionalProperties": {"type": "boolean"},
                        "description": "By part code, for the parts with a pass mark."},
        "part_marks": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "Each part's own mark out of 100 (what pass marks compare)."},
        "round_reached": {"type": "string", "nullable": True, "enum": ["preliminary", "final", None],
                          "description": "Two-round events: 'final' for a finalist, 'preliminary' for one who did"
                                         " not qualify (no place, total or prize here); null: a single-round event."},
        "preliminary_rank": {"type": "integer", "nullable": True,
                             "description": "Did not qualify: the place in the preliminary's standing."},
        "preliminary_total": {"type": "string", "nullable": True,
                              "description": "Did not qualify: the preliminary's total."},
    },
})
register_schema("ResultTeam", {
    "type": "object",
    "properties": {
        "team": {"type": "string"},
        "rank": {"type": "integer", "nullable": True, "description": "Place; null when disqualified."},
        "tied": {"type": "boolean"},
        "disqualified": {"type": "boolean", "description": "A member was disqualified, so the team is."},
        "score": {"type": "string", "nullable": True, "description": "Team score, two decimals."},
        "aggregation": {"type": "string", "enum": ["mean", "sum"]},
        "prize": {"type": "string", "nullable": True},
        "members": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "name": {"type": "string"}, "employer": {"type": "string"},
            "total": {"type": "string", "nullable": True}, "disqualified": {"type": "boolean"}}}},
    },
})
register_schema("ResultEvent", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "trade_name": {"type": "string"}, "trade_code": {"type": "string"},
        "group": {"type": "string"},
        "round": {"type": "string", "nullable": True, "enum": ["final", None],
                  "description": "'final' for the final of a two-round event (its preliminary is listed in it)."},
        "precision": {"type": "integer", "description": "Decimals of every figure (0-3), as the scheme states."},
        "entries": {"type": "array", "items": {"$ref": "#/components/schemas/ResultEntry"}},
        "is_team": {"type": "boolean"},
        "teams": {"type": "array", "items": {"$ref": "#/components/schemas/ResultTeam"},
                  "description": "Team standing of a team event (empty otherwise)."},
    },
})
register_schema("ResultSnapshot", {
    "type": "object",
    "properties": {
        "version": {"type": "integer"}, "status": {"type": "string", "enum": ["published", "final"]},
        "published_at": {"type": "string", "format": "date-time"},
        "notice_ends_at": {"type": "string", "format": "date-time"},
        "finalized_at": {"type": "string", "format": "date-time", "nullable": True},
    },
})
_NOT_FOUND = {"description": "No such competition or event, or its results are not published.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
register_path("/api/v1/results/competitions/{competition_id}", {
    "get": {
        "summary": "Published results of a competition (every event).",
        "parameters": [{"name": "competition_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {
            "200": {"description": "The standings.", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "competition": {"type": "object"},
                    "results": {"$ref": "#/components/schemas/ResultSnapshot"},
                    "events": {"type": "array", "items": {"$ref": "#/components/schemas/ResultEvent"}},
                }}}}},
            "404": _NOT_FOUND,
        },
    }
})
register_path("/api/v1/results/events/{event_id}", {
    "get": {
        "summary": "Published results of one event.",
        "parameters": [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {
            "200": {"description": "The standing.", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "competition_id": {"type": "integer"},
                    "results": {"$ref": "#/components/schemas/ResultSnapshot"},
                    "event": {"$ref": "#/components/schemas/ResultEvent"},
                }}}}},
            "404": _NOT_FOUND,
        },
    }
})
