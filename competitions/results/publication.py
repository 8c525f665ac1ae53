"""Publication: the public notice period (成绩公示) and final results.

* The organizer publishes the provisional snapshot for a notice period of, by
  default, 5 Chinese working days (statutory holidays and make-up working
  days counted as the State Council's schedule says: ``results.calendar``,
  ``domain.workdays``) counted from the day after publication, ending at
  midnight (local time) after the last of them. Publishing moves the
  competition to "results". Publishing twice is refused.
* Results become final when the notice period is over, no appeal is pending
  and no upheld appeal is waiting for corrected results — by the scheduled job
  ``finalize_due_results`` or by the organizer. Final results never change.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from competitions.audit.services import record
from competitions.domain.errors import N_, Conflict, InvalidState, RuleViolation
from competitions.extensions import db
from competitions.organize.models import Competition
from competitions.results.calendar import notice_end
from competitions.results.models import (
    ResultSnapshot,
)
from competitions.results.signals import results_final
from competitions.results.snapshots import _appeals_of, _lock, current_snapshot, snapshots_of

DEFAULT_NOTICE_DAYS = 5
MAX_NOTICE_DAYS = 30


# --- notice period, publication, finalization --------------------------------------------------


def publish_results(competition: Competition, *, actor_id: int | None, now: datetime, zone: ZoneInfo,
                    notice_days: int = DEFAULT_NOTICE_DAYS) -> ResultSnapshot:
    """Publish the provisional snapshot for the public notice period; the competition moves to "results"."""
    if not 1 <= notice_days <= MAX_NOTICE_DAYS:
        raise RuleViolation("The notice period must be 1 to %(max)s working days.", field="notice_days",
                            max=MAX_NOTICE_DAYS)
    _lock(competition)
    snapshot = current_snapshot(competition.id)
    if snapshot is None:
        raise InvalidState("Compute the provisional results first.")
    if snapshot.status in ("published", "final"):
        raise Conflict("These results are already published.")
    from competitions.judging.services import refuse_pending_corrections

    refuse_pending_corrections(competition.live_events)  # arrived after computing: decide it, then recompute
    for older in snapshots_of(competition.id):
        if older.id != snapshot.id and older.status == "published":
            older.status = "superseded"
            for appeal in _appeals_of(older):
                if appeal.decision == "pending":
                    raise InvalidState("Decide the pending appeals before publishing corrected results.")
    snapshot.status = "published"
    snapshot.published_at = now
    snapshot.published_by_id = actor_id
    snapshot.notice_days = notice_days
    snapshot.notice_ends_at = notice_end(now, notice_days, zone)
    if competition.status == "in_progress":
        from competitions.organize.services import change_status

        change_status(competition, "results")
    db.session.flush()
    record("results_published", actor_id=actor_id, object_type="result_snapshot", object_id=snapshot.id,
           competition_id=competition.id,
           new={"version": snapshot.version, "notice_ends_at": snapshot.notice_ends_at.isoformat()})
    return snapshot


def finalize_blocker(snapshot: ResultSnapshot, now: datetime) -> tuple[str, dict] | None:
    """Why a snapshot cannot become final yet, as (message, params); None when it can."""
    if snapshot.status == "final":
        return None
    if snapshot.status != "published":
        return (N_("Only published results can become final."), {})
    if now < snapshot.notice_ends_at:
        return (N_("The notice period is still running; results become final after it ends."), {})
    appeals = _appeals_of(snapshot)
    if any(a.decision == "pending" for a in appeals):
        return (N_("An appeal is still pending; decide it first."), {})
    if any(a.decision == "upheld" for a in appeals):
        return (N_("An upheld appeal is waiting for corrected results; recompute and publish them first."), {})
    return None


def finalize_results(snapshot: ResultSnapshot, *, actor_id: int | None, now: datetime) -> bool:
    """Make published results final once their notice period is over; False when already final (idempotent)."""
    if snapshot.status == "final":
        return False
    blocker = finalize_blocker(snapshot, now)
    if blocker is not None:
        message, params = blocker
        raise InvalidState(message, **params)
    snapshot.status = "final"
    snapshot.finalized_at = now
    snapshot.finalized_by_id = actor_id
    db.session.flush()
    record("results_finalized", actor_id=actor_id, object_type="result_snapshot", object_id=snapshot.id,
           competition_id=snapshot.competition_id, new={"version": snapshot.version, "by_job": actor_id is None})
    results_final.send(snapshot, actor_id=actor_id, now=now)  # later stages (promotion) act in this transaction
    return True


def due_snapshots(now: datetime) -> list[ResultSnapshot]:
    """Published snapshots whose notice period is over."""
    return list(db.session.execute(
        select(ResultSnapshot).where(ResultSnapshot.status == "published", ResultSnapshot.notice_ends_at <= now)
        .order_by(ResultSnapshot.id)
    ).scalars())
