"""Late corrections: a judge's correction that reached the server after their sheet was handed in.

The practice: a judge corrects a mark on the tablet while the workshop Wi-Fi is
down, and meanwhile the sheet is submitted (from another device, or the chief
judge signs off). When the tablet comes back online the correction arrives too
late to be applied as the judge's own write — but it must never be lost or
silently applied. The mark write keeps it (``services._keep_late_correction``)
as a pending correction; the judge sees it on the tablet and on their sheet,
the chief judge on the completeness page, with the value the judge typed, the
value that stands, when it was typed (the tablet's clock) and when it arrived.

The chief judge decides:

* accept: what must be reopened is reopened (a submitted sheet is handed back
  and submitted again at once; after sign-off the change is the chief judge's
  audited change of a signed-off mark, with a reason), and the value goes in
  through the normal mark write (``services.prepare_mark_write`` /
  ``apply_mark_write``), whose audit row names the correction;
* decline, with a written reason, which the judge sees.

While a correction is pending the event cannot be signed off and the
competition's results cannot be computed (``services.refuse_pending_corrections``).
Services flush; the caller commits.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from sqlalchemy import select

from competitions.auth.models import User
from competitions.db import utcnow
from competitions.domain import marks as mark_rules
from competitions.domain.errors import InvalidState, NotAllowed, NotFound, RuleViolation
from competitions.domain.points import plain_decimal
from competitions.extensions import db
from competitions.judging import services
from competitions.judging.models import JudgeSheet, PendingCorrection
from competitions.organize.models import Event

STATUSES = ("pending", "accepted", "declined", "superseded")


def corrections_of(event_id: int, *, judge_id: int | None = None) -> list[PendingCorrection]:
    """The event's late corrections (of one judge, when given): pending first, then newest first."""
    services.reconcile_overtaken_corrections([event_id])
    stmt = select(PendingCorrection).where(PendingCorrection.event_id == event_id)
    if judge_id is not None:
        stmt = stmt.where(PendingCorrection.judge_id == judge_id)
    return list(db.session.execute(
        stmt.order_by((PendingCorrection.status != "pending"), PendingCorrection.id.desc())).scalars())


def pending_count(event_id: int) -> int:
    """How many of the event's late corrections wait for the chief judge."""
    return sum(1 for c in corrections_of(event_id) if c.status == "pending")


def load_correction(event: Event, correction_id: int) -> PendingCorrection:
    """One correction of ``event``; NotFound for another event's or an unknown one."""
    correction = db.session.get(PendingCorrection, correction_id)
    if correction is None or correction.event_id != event.id:
        raise NotFound("No such correction in this event.", field="correction_id")
    return correction


def _check_decidable(event: Event, correction: PendingCorrection, actor: User) -> None:
    if not services.is_chief(actor, event.id):
        raise NotAllowed("Only the chief judge of this event can do this.")
    services.reconcile_overtaken_corrections([event.id])
    db.session.refresh(correction)
    if correction.status != "pending":
        raise InvalidState("This correction has already been decided; reload the page.")


def _summary(correction: PendingCorrection) -> dict:
    return {"correction_id": correction.id, "judge_id": correction.judge_id,
            "registration_id": correction.registration_id, "criterion_id": correction.criterion_id,
            "value": str(plain_decimal(correction.new_value)),
            "typed_at": correction.typed_at.isoformat() if correction.typed_at else None,
            "received_at": correction.received_at.isoformat()}


def accept_correction(event: Event, correction: PendingCorrection, *, actor: User, note: str = "") -> PendingCorrection:
    """The chief judge accepts a late correction: its value becomes the judge's mark, audited as such.

    Not signed off: the judge's submitted sheet is reopened, the value written
    on the judge's behalf through the normal mark write, and the sheet submitted
    again (three audit rows, each naming the correction). Signed off: the value
    is the chief judge's change of a signed-off mark, which needs a reason: the
    note, or "late correction #n" when none is given. The mark is written
    against the version that stands now.
    """
    _check_decidable(event, correction, actor)
    current = services.current_mark(correction.registration_id, correction.criterion_id, correction.judge_id)
    if (current["version"] if current else None) != correction.old_version:
        raise InvalidState("The mark has changed since this correction arrived (it is now %(value)s); decline the "
                           "correction, or change the mark yourself.", value=current["value"] if current else "—")
    text = (note or "").strip()
    reason = text or f"late correction #{correction.id}"
    locked = services.is_locked(event.id)
    if locked:
        reason = mark_rules.check_reason(reason if text else f"{reason} ({correction.judge.display_name})")
    sheet = db.session.execute(select(JudgeSheet).where(
        JudgeSheet.event_id == event.id, JudgeSheet.judge_id == correction.judge_id)).scalar_one_or_none()
    handed_back = not locked and sheet is not None and sheet.submitted_at is not None
    if handed_back:
        services.reopen_sheet(event, actor=actor, judge_id=correction.judge_id, reason=reason)
    incoming = services.MarkInput(
        registration_id=correction.registration_id, criterion_id=correction.criterion_id,
        value=correction.new_value, base_version=current["version"] if current else None,
        idempotency_key=str(uuid.uuid4()), reason=reason, judge_id=correction.judge_id)
    prepared = services.prepare_mark_write(actor, incoming)
    if isinstance(prepared, services.PreparedWrite):
        services.apply_mark_write(actor.id, replace(prepared, correction_id=correction.id))
    if handed_back:
        sheet.submitted_at = utcnow()
        db.session.flush()
        services._audit("sheet.submit", actor, event, "judge_sheet", sheet.id,
                        new={"judge_id": correction.judge_id, "correction_id": correction.id}, reason=reason)
    correction.status, correction.decided_by_id, correction.decided_at = "accepted", actor.id, utcnow()
    correction.decision_reason = text
    db.session.flush()
    services._audit("correction.accept", actor, event, "pending_correction", correction.id,
                    old={"value": current["value"] if current else None}, new=_summary(correction), reason=text)
    return correction


def decline_correction(event: Event, correction: PendingCorrection, *, actor: User, reason: str) -> PendingCorrection:
    """The chief judge declines a late correction with a written reason; the mark stays as it is."""
    _check_decidable(event, correction, actor)
    text = (reason or "").strip()
    if not text:
        raise RuleViolation("Give the reason for declining the correction; the judge will read it.", field="reason")
    correction.status, correction.decided_by_id, correction.decided_at = "declined", actor.id, utcnow()
    correction.decision_reason = text
    db.session.flush()
    services._audit("correction.decline", actor, event, "pending_correction", correction.id,
                    new=_summary(correction), reason=text)
    return correction
