"""Appeals (申诉) against published results.

* Appeals are recorded during the notice period only, naming the event and,
  where there is one, the competitor's anonymous code.
* A dismissed appeal changes nothing. An upheld appeal reopens the affected
  event's marks to the chief judge; once it is signed off again the organizer
  recomputes and publishes the corrected standings, which start a new notice
  period of the same length (everyone may check the corrected figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from competitions.audit.services import record
from competitions.domain.errors import Conflict, InvalidState, RuleViolation
from competitions.extensions import db
from competitions.organize.models import Competition, Event
from competitions.results.models import (
    Appeal,
    ResultSnapshot,
)
from competitions.results.snapshots import _sign_off, public_snapshot
from competitions.results.standing import codes_of, competitor_ids

# --- appeals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealData:
    """An appeal as the organizer records it."""

    event_id: int
    appellant: str
    subject: str
    competitor_code: str = ""


def record_appeal(competition: Competition, data: AppealData, *, actor_id: int | None, now: datetime) -> Appeal:
    """Record an appeal against the published results; refused outside the notice period."""
    snapshot = public_snapshot(competition.id)
    if snapshot is None:
        raise InvalidState("Appeals can be recorded only while published results are on public notice.")
    if snapshot.status == "final" or now >= snapshot.notice_ends_at:
        raise InvalidState("The notice period is over; appeals can no longer be recorded.")
    event = db.session.get(Event, data.event_id)
    if event is None or event.competition_id != competition.id:
        raise RuleViolation("Choose an event of this competition.", field="event_id")
    if not data.appellant.strip() or not data.subject.strip():
        raise RuleViolation("Say who appeals and about what.", field="subject")
    registration_id = None
    if data.competitor_code.strip():
        codes = {c.upper(): rid for rid, c in codes_of(competitor_ids(event.id)).items()}
        registration_id = codes.get(data.competitor_code.strip().upper())
        if registration_id is None:
            raise RuleViolation("No competitor of this event has the code %(code)s.", field="competitor_code",
                                code=data.competitor_code.strip())
    appeal = Appeal(snapshot_id=snapshot.id, competition_id=competition.id, event_id=event.id,
                    registration_id=registration_id, appellant=data.appellant.strip(), subject=data.subject.strip(),
                    lodged_at=now, recorded_by_id=actor_id)
    db.session.add(appeal)
    db.session.flush()
    record("appeal_recorded", actor_id=actor_id, object_type="appeal", object_id=appeal.id,
           competition_id=competition.id, event_id=event.id,
           new={"appellant": appeal.appellant, "subject": appeal.subject})
    return appeal


def decide_appeal(appeal: Appeal, decision: str, reason: str, *, actor_id: int | None, now: datetime) -> None:
    """Uphold or dismiss an appeal with a reason; upholding reopens the event's marks to the chief judge."""
    if decision not in ("upheld", "dismissed"):
        raise RuleViolation("Choose to uphold or dismiss the appeal.", field="decision")
    if not reason.strip():
        raise RuleViolation("Give the reason for the decision.", field="reason")
    if appeal.decision != "pending":
        raise Conflict("This appeal has already been decided.")
    snapshot = db.session.get(ResultSnapshot, appeal.snapshot_id)
    if snapshot.status != "published":
        raise InvalidState("These results are no longer on public notice.")
    appeal.decision = decision
    appeal.decision_reason = reason.strip()
    appeal.decided_by_id = actor_id
    appeal.decided_at = now
    db.session.flush()
    record("appeal_decided", actor_id=actor_id, object_type="appeal", object_id=appeal.id,
           competition_id=appeal.competition_id, event_id=appeal.event_id, new={"decision": decision},
           reason=appeal.decision_reason)
    if decision == "upheld":
        reopen_event_for_appeal(db.session.get(Event, appeal.event_id), actor_id=actor_id,
                                reason=appeal.decision_reason)


def reopen_event_for_appeal(event: Event, *, actor_id: int | None, reason: str) -> None:
    """Reopen an event's signed-off marks to its chief judge, through judging's service when it exists."""
    try:
        from competitions.judging.services import reopen_event
    except ImportError:
        reopen_event = None
    if reopen_event is not None:
        from competitions.auth.models import User

        reopen_event(event, actor=db.session.get(User, actor_id) if actor_id else None, reason=reason)
        return
    sign_off = _sign_off(event.id)
    if sign_off is None:
        raise InvalidState("This event was never signed off.")
    sign_off.locked = False
    db.session.flush()
    record("event_reopened", actor_id=actor_id, object_type="event", object_id=event.id,
           competition_id=event.competition_id, event_id=event.id, old={"locked": True}, new={"locked": False},
           reason=reason)
