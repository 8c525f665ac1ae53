"""Writing the audit trail.

``record`` is called by services in the same transaction as the change it
describes, so a change and its audit row commit or roll back together.
"""

from __future__ import annotations

from flask import has_request_context, request

from competitions.audit.models import AuditEntry
from competitions.extensions import db


def record(
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
) -> AuditEntry:
    """Append one audit row to the current transaction and return it."""
    entry = AuditEntry(
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
    db.session.add(entry)
    return entry
