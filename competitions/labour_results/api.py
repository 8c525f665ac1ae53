"""JSON API of the labour publication side under /api/v1/labour-results.

Public (published periods only, no personal data beyond an honoured person's
name): a competition's published rankings with the red flag, the cumulative
standing and the honours. Organizers: publish, correct and unpublish periods,
decide honours, read and change the rules — the same services as the pages and
the command line, all or nothing.
"""

from __future__ import annotations

from flask import g, jsonify, request
from flask_login import current_user

from competitions.api.openapi import register_path
from competitions.auth.permissions import public, role_required
from competitions.db import utcnow
from competitions.domain.errors import N_, RuleViolation
from competitions.domain.inputs import parse_id
from competitions.extensions import db
from competitions.labour_results import api_bp, honours, publication, standings
from competitions.labour_results import rules as rules_mod
from competitions.labour_results.permissions import (
    load_honour_or_404,
    load_labour_competition_or_404,
    load_period_or_404,
    load_public_labour_or_404,
    load_publication_or_404,
    load_unit_for_nomination_or_404,
)


def _caller():
    """The calling organizer as a full ``User`` (API callers are plain principals; object checks need the
    organization). The principal was read on the request's own connection: that read ends first, so SQLite
    never waits on ourselves in the request's one write transaction."""
    from competitions.auth.models import User

    principal_conn = g.get("_request_connection")
    if principal_conn is not None and principal_conn.in_transaction():
        principal_conn.rollback()
    return db.session.get(User, current_user.id)


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise RuleViolation(N_("Send a JSON object."), field="body")
    return data


def publication_json(item) -> dict:
    """One published period as the API shows it (the frozen snapshot and its version)."""
    snap = item.snapshot
    return {"id": item.id, "period": snap["period"], "version": item.version, "status": item.status,
            "published_at": item.published_at.isoformat() if item.published_at else None,
            "groups": snap["groups"], "rows": snap["rows"], "flag": snap["flag"], "money": snap["money"]}


def standing_json(view) -> list[dict]:
    """The cumulative standing rows: placed units, then those that withdrew from the competition (``withdrawn``,
    ``withdrawn_on``: listed apart, ``rank`` null), then those with no counted period."""
    out = []
    for place in view.standing.places:
        row = place.row
        unit = view.units.get(row.unit_id)
        out.append({"unit_id": row.unit_id, "code": unit.code if unit else "", "name": unit.name if unit else "",
                    "rank": place.rank, "tied": place.tied,
                    "total": None if row.total is None else str(row.total), "periods": row.periods,
                    "vetoes": row.vetoes, "flags": row.flags, "honours_eligible": place.honours_eligible,
                    "bars": [b.value for b in row.bars], "withdrawn": place.withdrawn,
                    "withdrawn_on": (view.withdrawn_on[row.unit_id].isoformat()
                                     if row.unit_id in view.withdrawn_on else None)})
    return out


def honours_json(rows, units) -> list[dict]:
    """Standing honours: kind, unit, place and (for individuals) the person's name."""
    from competitions.orgs.models import Worker

    out = []
    for h in rows:
        if h.status not in honours.STANDING:
            continue
        worker = db.session.get(Worker, h.worker_id) if h.worker_id else None
        unit = units.get(h.unit_id)
        out.append({"id": h.id, "kind": h.kind, "status": h.status, "unit_id": h.unit_id,
                    "unit": unit.name if unit else "", "rank": h.rank, "person": worker.name if worker else None})
    return out


def honour_json(honour) -> dict:
    """One honour or nomination as the organizer's endpoints answer it."""
    return {"id": honour.id, "kind": honour.kind, "unit_id": honour.unit_id, "worker_id": honour.worker_id,
            "status": honour.status, "reason": honour.reason or ""}


@api_bp.route("/competitions/<int:competition_id>")
@public
def competition_feed(competition_id: int):
    """Published period rankings, the red flag now and its history, the cumulative standing."""
    competition = load_public_labour_or_404(competition_id)
    shown = publication.published(competition.id)
    flag = publication.current_flag(shown)
    view = standings.cumulative_view(competition.id, shown)
    return jsonify(
        competition={"id": competition.id, "name": competition.name, "year": competition.year},
        flag=None if flag is None else {"period_number": flag.period_number, "period": flag.period_name,
                                        "holders": list(flag.holders), "reason": flag.reason},
        flag_history=[{"period_number": t.period_key, "holders": list(t.holders), "streaks": dict(t.streaks),
                       "reason": t.reason.value if t.reason else None}
                      for t in publication.flag_history(shown)],
        periods=[publication_json(p) for p in shown],
        standing=standing_json(view))


@api_bp.route("/competitions/<int:competition_id>/standings")
@public
def standings_feed(competition_id: int):
    """The cumulative standing over the published periods."""
    competition = load_public_labour_or_404(competition_id)
    view = standings.cumulative_view(competition.id)
    return jsonify(competition_id=competition.id, periods=[p.period_number for p in view.publications],
                   standing=standing_json(view))


@api_bp.route("/competitions/<int:competition_id>/honours")
@public
def honours_feed(competition_id: int):
    """The competition's standing honours."""
    competition = load_public_labour_or_404(competition_id)
    return jsonify(competition_id=competition.id,
                   honours=honours_json(honours.honours_of(competition.id), standings.units_of(competition.id)))


@api_bp.route("/periods/<int:period_id>/publish", methods=["POST"])
@role_required("organizer")
def publish(period_id: int):
    """Publish a signed-off period."""
    period = load_period_or_404(period_id, for_user=_caller())
    item = publication.publish_period(period, actor_id=current_user.id, now=utcnow())
    db.session.commit()
    return jsonify(publication_json(item)), 201


def _reason_of_body() -> str:
    reason = _body().get("reason")
    if not isinstance(reason, str):
        raise RuleViolation(N_("Give a reason."), field="reason")
    return reason


@api_bp.route("/publications/<int:publication_id>/unpublish", methods=["POST"])
@role_required("organizer")
def unpublish(publication_id: int):
    """Take a published period off the public pages; needs ``reason``."""
    item = load_publication_or_404(publication_id, for_user=_caller())
    publication.withdraw_publication(item, _reason_of_body(), actor_id=current_user.id, now=utcnow())
    db.session.commit()
    return jsonify(publication_json(item))


@api_bp.route("/publications/<int:publication_id>/correct", methods=["POST"])
@role_required("organizer")
def correct(publication_id: int):
    """Publish a corrected version from the period's current signed-off scores; needs ``reason``."""
    item = load_publication_or_404(publication_id, for_user=_caller())
    new = publication.correct_publication(item, _reason_of_body(), actor_id=current_user.id, now=utcnow())
    db.session.commit()
    return jsonify(publication_json(new)), 201


@api_bp.route("/competitions/<int:competition_id>/honours/decide", methods=["POST"])
@role_required("organizer")
def decide(competition_id: int):
    """Decide the collective honours from the cumulative standing (``reason`` when they change)."""
    competition = load_labour_competition_or_404(competition_id, for_user=_caller())
    data = request.get_json(silent=True) or {}
    reason = data.get("reason", "") if isinstance(data, dict) else ""
    if not isinstance(reason, str):
        raise RuleViolation(N_("Give a reason."), field="reason")
    summary = honours.decide_honours(competition, actor_id=current_user.id, now=utcnow(), reason=reason)
    db.session.commit()
    return jsonify(awarded=summary.awarded, withdrawn=summary.withdrawn, unchanged=summary.unchanged,
                   barred=[{"kind": kind, "unit": unit} for kind, unit in summary.barred],
                   honours=honours_json(honours.honours_of(competition.id), standings.units_of(competition.id)))


@api_bp.route("/honours/<int:honour_id>/withdraw", methods=["POST"])
@role_required("organizer")
def withdraw_honour(honour_id: int):
    """Withdraw one awarded or confirmed honour for cause; needs ``reason``. Its certificate is revoked at once and
    the unit is passed over for that honour when the honours are decided again."""
    from competitions.domain.certificate_numbers import CertificateNumber

    honour = load_honour_or_404(honour_id, for_user=_caller())
    certificate = honours.withdraw_honour(honour, _reason_of_body(), actor_id=current_user.id, now=utcnow())
    db.session.commit()
    return jsonify({**honour_json(honour), "revoked_certificate": (
        None if certificate is None else CertificateNumber(certificate.number).display)})


@api_bp.route("/units/<int:unit_id>/nominate", methods=["POST"])
@role_required("organizer")
def nominate(unit_id: int):
    """A unit names advanced individuals from its members within its quota: ``{"workers": [worker ids]}``."""
    unit = load_unit_for_nomination_or_404(unit_id, for_user=_caller())
    workers = _body().get("workers")
    if not isinstance(workers, list) or len(workers) > 200 or any(
            isinstance(w, bool) or not isinstance(w, int) or parse_id(w) is None for w in workers):
        raise RuleViolation(N_("Send the named people as a list of worker ids."), field="workers")
    rows = honours.nominate(unit, workers, actor_id=current_user.id, now=utcnow())
    db.session.commit()
    return jsonify(nominated=[honour_json(h) for h in rows]), 201


@api_bp.route("/honours/<int:honour_id>/nomination", methods=["POST"])
@role_required("organizer")
def decide_nomination(honour_id: int):
    """Confirm, reject, reopen or withdraw an advanced-individual nomination: ``{"action", "reason"}``."""
    honour = load_honour_or_404(honour_id, for_user=_caller())
    body = _body()
    action, reason = body.get("action"), body.get("reason", "")
    if action not in honours.NOMINATION_ACTIONS:
        raise RuleViolation(N_("Send an action: %(actions)s."), field="action",
                            actions=", ".join(honours.NOMINATION_ACTIONS))
    if not isinstance(reason, str):
        raise RuleViolation(N_("Give a reason."), field="reason")
    honours.decide_nomination(honour, action, reason, actor_id=current_user.id, now=utcnow())
    db.session.commit()
    return jsonify(honour_json(honour))


@api_bp.route("/competitions/<int:competition_id>/certificates", methods=["POST"])
@role_required("organizer")
def issue_certificates(competition_id: int):
    """Issue (reconcile) the honour certificates: one active certificate per standing honour."""
    competition = load_labour_competition_or_404(competition_id, for_user=_caller())
    made = honours.issue_honour_certificates(competition, actor_id=current_user.id, now=utcnow())
    db.session.commit()
    return jsonify(issued=made.issued, reissued=made.reissued, revoked=made.revoked, unchanged=made.unchanged)


@api_bp.route("/competitions/<int:competition_id>/rules", methods=["GET", "POST"])
@role_required("organizer")
def rules(competition_id: int):
    """The publication rules; POST changes the settings it names (all or nothing)."""
    competition = load_labour_competition_or_404(competition_id, for_user=_caller())
    if request.method == "POST":
        rules_mod.save_rules(competition, _body(), actor_id=current_user.id)
        db.session.commit()
    return jsonify(competition_id=competition.id, rules=rules_mod.rules_json(rules_mod.rules_of(competition.id)))


_ID = {"in": "path", "required": True, "schema": {"type": "integer"}}
_ERR = {"description": "Refused, with the reason.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_NOT_FOUND = {"description": "No such object visible to you (or nothing published)."}
_OBJ = {"content": {"application/json": {"schema": {"type": "object"}}}}
_REASON = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": 1000}}}}}}

register_path("/api/v1/labour-results/competitions/{competition_id}", {"get": {
    "summary": "A labour competition's published period rankings, red flag (now and history), cumulative standing.",
    "parameters": [{"name": "competition_id", **_ID}],
    "responses": {"200": {"description": "Published figures.", **_OBJ}, "404": _NOT_FOUND}}})
register_path("/api/v1/labour-results/competitions/{competition_id}/standings", {"get": {
    "summary": "Cumulative standing over the published periods (period weights applied).",
    "parameters": [{"name": "competition_id", **_ID}],
    "responses": {"200": {"description": "The standing.", **_OBJ}, "404": _NOT_FOUND}}})
register_path("/api/v1/labour-results/competitions/{competition_id}/honours", {"get": {
    "summary": "Awarded collective honours and confirmed advanced individuals.",
    "parameters": [{"name": "competition_id", **_ID}],
    "responses": {"200": {"description": "The honours.", **_OBJ}, "404": _NOT_FOUND}}})
register_path("/api/v1/labour-results/periods/{period_id}/publish", {"post": {
    "summary": "Publish a signed-off period's ranking as a frozen snapshot (organizer).",
    "parameters": [{"name": "period_id", **_ID}],
    "responses": {"201": {"description": "The published version.", **_OBJ}, "404": _NOT_FOUND, "409": _ERR}}})
register_path("/api/v1/labour-results/publications/{publication_id}/unpublish", {"post": {
    "summary": "Take a published period off the public pages, with a reason (organizer).",
    "parameters": [{"name": "publication_id", **_ID}], "requestBody": _REASON,
    "responses": {"200": {"description": "Unpublished.", **_OBJ}, "404": _NOT_FOUND, "409": _ERR, "422": _ERR}}})
register_path("/api/v1/labour-results/publications/{publication_id}/correct", {"post": {
    "summary": "Publish a corrected version from the period's current signed-off scores, with a reason (organizer).",
    "parameters": [{"name": "publication_id", **_ID}], "requestBody": _REASON,
    "responses": {"201": {"description": "The new version.", **_OBJ}, "404": _NOT_FOUND, "409": _ERR,
                  "422": _ERR}}})
register_path("/api/v1/labour-results/competitions/{competition_id}/honours/decide", {"post": {
    "summary": "Decide the collective honours from the cumulative standing (organizer).",
    "parameters": [{"name": "competition_id", **_ID}],
    "requestBody": {"required": False, "content": {"application/json": {"schema": {
        "type": "object", "properties": {"reason": {"type": "string"}}}}}},
    "responses": {"200": {"description": "What changed and the honours.", **_OBJ}, "404": _NOT_FOUND,
                  "409": _ERR, "422": _ERR}}})
register_path("/api/v1/labour-results/honours/{honour_id}/withdraw", {"post": {
    "summary": "Withdraw one awarded or confirmed honour for cause, with a reason (organizer): its certificate is "
               "revoked at once and the unit is passed over for that honour when the honours are decided again.",
    "parameters": [{"name": "honour_id", **_ID}], "requestBody": _REASON,
    "responses": {"200": {"description": "The withdrawn honour and the number of its revoked certificate.", **_OBJ},
                  "404": _NOT_FOUND, "409": _ERR, "422": _ERR}}})
register_path("/api/v1/labour-results/units/{unit_id}/nominate", {"post": {
    "summary": "A unit names advanced individuals from its members within its quota (organizer of the unit or of "
               "the competition); the competition's organizer confirms them later.",
    "parameters": [{"name": "unit_id", **_ID}],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["workers"], "properties": {
            "workers": {"type": "array", "maxItems": 200, "items": {"type": "integer"}}}}}}},
    "responses": {"201": {"description": "The nominations made.", **_OBJ}, "404": _NOT_FOUND, "409": _ERR,
                  "422": _ERR}}})
register_path("/api/v1/labour-results/honours/{honour_id}/nomination", {"post": {
    "summary": "Confirm, reject, reopen or withdraw an advanced-individual nomination (organizer); rejecting or "
               "withdrawing a confirmed one revokes its certificate at once.",
    "parameters": [{"name": "honour_id", **_ID}],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["action"], "properties": {
            "action": {"type": "string", "enum": ["confirm", "reject", "reopen", "withdraw"]},
            "reason": {"type": "string", "maxLength": 1000}}}}}},
    "responses": {"200": {"description": "The nomination as it now is.", **_OBJ}, "404": _NOT_FOUND, "409": _ERR,
                  "422": _ERR}}})
register_path("/api/v1/labour-results/competitions/{competition_id}/certificates", {"post": {
    "summary": "Issue the honour certificates: one active certificate per standing honour (organizer).",
    "parameters": [{"name": "competition_id", **_ID}],
    "responses": {"200": {"description": "How many were issued, reissued, revoked, unchanged.", **_OBJ},
                  "404": _NOT_FOUND, "409": _ERR}}})
register_path("/api/v1/labour-results/competitions/{competition_id}/rules", {
    "get": {"summary": "The publication rules (organizer).", "parameters": [{"name": "competition_id", **_ID}],
            "responses": {"200": {"description": "The rules.", **_OBJ}, "404": _NOT_FOUND}},
    "post": {"summary": "Change publication rules; names only the settings to change (organizer).",
             "parameters": [{"name": "competition_id", **_ID}],
             "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
             "responses": {"200": {"description": "The rules as stored.", **_OBJ}, "404": _NOT_FOUND,
                           "422": _ERR}}})
