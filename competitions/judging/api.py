"""The tablet's JSON endpoints: a judge's sheet, and one mark write at a time.

A write is retried by the tablet until it gets an answer, so the endpoint is
idempotent through the request's UUID. It runs in two transactions: the checks
that hold all day (assignment, recusal, value) in a read transaction, then a
short write transaction (BEGIN IMMEDIATE on SQLite) that re-checks what can
change meanwhile (lock, sheet, a new conflict, the version) and writes; so the
SQLite write lock is held for a few statements, not for the whole request. Two gunicorn workers applying the same
key (or creating the same mark) at once collide on a unique index; the loser
rolls back and is answered from what the winner stored.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from competitions.api.openapi import register_path, register_schema
from competitions.auth.models import User
from competitions.auth.permissions import role_required
from competitions.db import request_connection, set_write_intent, write_intent
from competitions.domain.errors import CompetitionError, Conflict, NotFound, RuleViolation
from competitions.domain.inputs import MAX_ID, clean_text, parse_id, parse_iso_timestamp
from competitions.extensions import db
from competitions.i18n import error_message
from competitions.judging import api_bp, services
from competitions.judging.permissions import load_event_for_judge_or_404

ATTEMPTS = 3


_writer_files: dict = {}


@contextlib.contextmanager
def _writer_turn() -> Iterator[None]:
    """Queue this worker's SQLite write behind the others' on a file lock.

    SQLite's busy handler polls a held lock with sleeps of up to 100 ms, so
    gunicorn workers that collide on short writes wait far longer than the
    writes take; a blocking ``flock`` wakes the next writer as soon as the lock
    is released. Pages that write without it still queue on the busy timeout.
    The lock file stays open in each worker process (one per database file).
    """
    path = db.engine.url.database
    if not path or path == ":memory:":
        yield
        return
    lock_path = f"{path}.writers"
    handle = _writer_files.get(lock_path)
    if handle is None:
        for other in _writer_files.values():  # another database (tests): one lock file open at a time
            other.close()
        _writer_files.clear()
        handle = _writer_files[lock_path] = open(lock_path, "a")  # noqa: SIM115 - kept open for the process
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)


@api_bp.before_request
def _reads_first():
    """Start mark writes as read transactions: the checks run before SQLite's write lock is taken."""
    set_write_intent(False)


@api_bp.route("/events/<int:event_id>/sheet")
@role_required("judge")
def sheet(event_id: int):
    """The judge's criteria, the competitors they may mark (station and code only) and their marks."""
    event = load_event_for_judge_or_404(event_id, for_user=current_user)
    # Recusal needs the judge's organization and its parent: the entity, not the API principal.
    return jsonify(services.judge_sheet(event, db.get_or_404(User, current_user.id)))


def _int_or_none(payload: dict, name: str, *, required: bool) -> int | None:
    """A whole number from the JSON body; an id out of range (2**63) is an unknown thing: 404."""
    value = payload.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleViolation("%(name)s must be a whole number.", field=name, name=name)
    if parse_id(value) is None and not (name == "version" and 0 <= value <= MAX_ID):
        raise NotFound("No %(name)s %(value)s here.", field=name, name=name, value=value)
    return value


def _mark_input(payload) -> services.MarkInput:
    if not isinstance(payload, dict):
        raise RuleViolation("Send the mark as a JSON object.")
    key = payload.get("idempotency_key")
    reason = payload.get("reason") if isinstance(payload.get("reason"), str) else None
    if reason is not None:
        reason = clean_text(reason, field="reason", multiline=True)
    return services.MarkInput(
        registration_id=_int_or_none(payload, "registration_id", required=True),
        criterion_id=_int_or_none(payload, "criterion_id", required=True),
        value=payload.get("value"),
        base_version=_int_or_none(payload, "version", required=False),
        idempotency_key=key if isinstance(key, str) else "",
        reason=reason,
        judge_id=_int_or_none(payload, "judge_id", required=False),
        typed_at=parse_iso_timestamp(payload.get("typed_at"), field="typed_at"),
    )


def _error(error: CompetitionError, incoming: services.MarkInput | None):
    body = {"error": error.code, "message": error_message(error), "field": error.field}
    if isinstance(error, Conflict) and incoming is not None:
        body["current"] = services.current_mark(incoming.registration_id, incoming.criterion_id,
                                                incoming.judge_id or current_user.id)
    return jsonify(body), error.http_status


@api_bp.route("/marks", methods=["POST"])
@role_required("judge")
def post_mark():
    """Create or change one mark; a replayed request is answered without a second write."""
    # The request's own Core connection: the principal was read on it, the checks and the write run on it.
    conn = request_connection()
    incoming = None
    for attempt in range(ATTEMPTS):
        try:
            incoming = _mark_input(request.get_json(silent=True))
            prepared = services.prepare_mark_write(current_user, incoming, conn=conn)
            if isinstance(prepared, services.MarkOutcome):
                outcome = prepared
                conn.rollback()
            elif conn.dialect.name == "sqlite":
                # End the read transaction; the write takes SQLite's lock only for its own short transaction.
                conn.rollback()
                with _writer_turn(), write_intent():
                    outcome = services.apply_mark_write(current_user.id, prepared, conn=conn)
                    conn.commit()
            else:
                # PostgreSQL locks rows, not the database: no writer queue; the write is one guarded statement.
                outcome = services.apply_mark_write(current_user.id, prepared, conn=conn)
                conn.commit()
        except CompetitionError as error:
            conn.rollback()
            return _error(error, incoming)
        except IntegrityError:
            # Another worker stored the same key or the same mark first: answer from its row next time round.
            conn.rollback()
            if attempt == ATTEMPTS - 1:
                raise
            continue
        if outcome.action == "pending":  # kept as a late correction for the chief judge, not applied
            return jsonify(action=outcome.action, mark=outcome.mark, correction=outcome.correction), 202
        status = 201 if outcome.action == "create" else 200
        return jsonify(action=outcome.action, mark=outcome.mark), status
    raise AssertionError("unreachable")


_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
register_schema("JudgeMark", {
    "type": "object",
    "properties": {
        "registration_id": {"type": "integer"}, "criterion_id": {"type": "integer"},
        "judge_id": {"type": "integer"}, "value": {"type": "string", "example": "7.5"},
        "version": {"type": "integer"},
    },
})
register_schema("PendingCorrection", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "registration_id": {"type": "integer"}, "criterion_id": {"type": "integer"},
        "judge_id": {"type": "integer"}, "value": {"type": "string", "example": "31"},
        "old_value": {"type": "string", "nullable": True},
        "status": {"type": "string", "enum": ["pending", "accepted", "declined", "superseded"]},
        "arrived_after": {"type": "string", "enum": ["submitted", "signed_off"]},
        "typed_at": {"type": "string", "format": "date-time", "nullable": True},
        "received_at": {"type": "string", "format": "date-time"},
        "decided_at": {"type": "string", "format": "date-time", "nullable": True},
        "decision_reason": {"type": "string"},
    },
})
register_path("/api/v1/judging/events/{event_id}/sheet", {"get": {
    "summary": "A judge's score sheet for one event (codes only; recused competitors left out).",
    "parameters": [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
    "responses": {
        "200": {"description": "Criteria with maximum and step, competitors by station and code, the judge's marks.",
                "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "locked": {"type": "boolean"}, "submitted": {"type": "boolean"},
                    "criteria": {"type": "array", "items": {"type": "object"}},
                    "competitors": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "station": {"type": "integer"}, "code": {"type": "string"}}}},
                    "marks": {"type": "array", "items": {"$ref": "#/components/schemas/JudgeMark"}},
                    "corrections": {"type": "array",
                                    "items": {"$ref": "#/components/schemas/PendingCorrection"}},
                    "taken": {"type": "array", "description": "Cells of a measured criterion whose readings other"
                              " judges already hold (a reading here is refused): registration_id, criterion_id,"
                              " readings ('judge: value, ...').", "items": {"type": "object"}},
                    "excused": {"type": "array", "description": "Cells nobody owes: the competitor was absent"
                                " from the criterion's part.", "items": {"type": "object"}}}}}}},
        "401": {"description": "Not logged in.", **_ERROR},
        "404": {"description": "Not a judge in this event's panel.", **_ERROR},
    },
}})
register_path("/api/v1/judging/marks", {"post": {
    "summary": "Create or change one mark (idempotent by request id, version-checked).",
    "description": "Send the CSRF token of the page in the X-CSRFToken header. `version` is the version of the "
                   "mark the tablet last saw (omit for a new mark); `idempotency_key` is a UUID generated by "
                   "the tablet for this edit and reused on every retry. After sign-off only the chief judge "
                   "writes, with `reason`.",
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["registration_id", "criterion_id", "value", "idempotency_key"],
        "properties": {
            "registration_id": {"type": "integer"}, "criterion_id": {"type": "integer"},
            "value": {"oneOf": [{"type": "number"}, {"type": "string"}]},
            "version": {"type": "integer", "nullable": True}, "idempotency_key": {"type": "string", "format": "uuid"},
            "reason": {"type": "string"}, "judge_id": {"type": "integer"},
            "typed_at": {"type": "string", "format": "date-time",
                         "description": "When the judge typed the value, by the tablet's clock (kept with a "
                                        "late correction)."},
        }}}}},
    "responses": {
        "201": {"description": "Mark created.", "content": {"application/json": {"schema": {"type": "object"}}}},
        "202": {"description": "The judge's sheet was submitted (or the event signed off) before this write "
                               "arrived: it is kept as a pending correction for the chief judge, not applied "
                               "(action `pending`; `correction` has its status: pending, accepted, declined or "
                               "superseded). A replay of the same request id answers the same correction.",
                "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "action": {"type": "string", "enum": ["pending"]},
                    "mark": {"$ref": "#/components/schemas/JudgeMark"},
                    "correction": {"$ref": "#/components/schemas/PendingCorrection"}}}}}},
        "200": {"description": "Mark updated, unchanged, or a replay of an applied request (action says which).",
                "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "action": {"type": "string", "enum": ["update", "unchanged", "replay"]},
                    "mark": {"$ref": "#/components/schemas/JudgeMark"}}}}}},
        "400": {"description": "Missing or bad CSRF token.", **_ERROR},
        "401": {"description": "Not logged in.", **_ERROR},
        "403": {"description": "Not a judge of this event or criterion, recused, or the event is locked.", **_ERROR},
        "404": {"description": "Unknown competitor or criterion.", **_ERROR},
        "409": {"description": "Stale version (body carries `current`), sheet submitted, request id reused;"
                               " `reading_taken`: a measured criterion already holds its readings from other"
                               " judges (the message names them, judge: value; final: the same write is refused"
                               " again, never stored; two judges writing the last free reading at the same"
                               " instant get one stored and the other refused); `absent_from_part`: the"
                               " competitor is recorded absent (缺考) from the criterion's part, so it takes no"
                               " mark (the message names the competitor and the part; nothing is stored, also"
                               " for the chief judge and after a sheet was submitted).",
                **_ERROR},
        "422": {"description": "Out of range, not a number, wrong step, or malformed request id.", **_ERROR},
    },
}})
