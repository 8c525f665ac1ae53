"""Writing the audit trail.

``record`` is called by services in the same transaction as the change it
describes, so a change and its audit row commit or roll back together. The row
is written at once with one INSERT (after flushing what the service changed
before it), not kept for the ORM's unit of work: the trail is append-only and
nothing reads an entry back in the transaction that wrote it, and a judge's
mark write is the hottest path there is.
"""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import bindparam
from sqlalchemy.engine import Connection

from competitions.audit.models import AuditEntry
from competitions.db import utcnow
from competitions.extensions import db
from competitions.prepared import Prepared

_audit_t = AuditEntry.__table__
_INSERT = Prepared(_audit_t.insert().values({
    column: bindparam(column.name) for column in _audit_t.c if column.name != "id"}))


def entry_values(
    action: str,
    *,
    actor_id: int | None,
    object_type: str,
    object_id: int | None = None,
    competition_id: int | None = None,
    event_id: int | None = None,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
) -> dict:
    """The column values of one audit row, stamped now and with the request's address."""
    return dict(
        at=utcnow(),
        action=action,
        actor_id=actor_id,
        object_type=object_type,
        object_id=object_id,
        competition_id=competition_id,
        event_id=event_id,
        old_value=old,
        new_value=new,
        reason=reason or "",
        remote_addr=(request.remote_addr or "") if has_request_context() else "",
    )


def record(action: str, *, conn: Connection | None = None, **details) -> None:
    """Append one audit row (``entry_values``) to the current transaction (the session's, or ``conn``'s)."""
    if conn is None:
        db.session.flush()
        conn = db.session.connection()
    insert_entry(conn, entry_values(action, **details))


def insert_entry(conn: Connection, values: dict) -> None:
    """Insert an audit row made by ``entry_values`` on ``conn``."""
    _INSERT.rowcount(conn, values)
