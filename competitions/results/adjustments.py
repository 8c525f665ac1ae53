"""Adjustments: what the chief judge records besides the marks, and the decisions on exact ties.

* Time used, deduction points (扣分) with a reason, a disqualification
  (safety or quality veto, 一票否决) with a reason, and absence (缺考), per
  competitor; audited. An absent or disqualified competitor's missing marks
  block neither the chief judge's sign-off nor computing.
* Whether an event shares tied places (1, 2, 2, 4) or hands exact ties to
  the chief judge ("no tied places"), and the chief judge's recorded order of
  each tied group (by anonymous code, with a reason).
* All of these freeze once results are published, unless an upheld appeal
  reopened the event; a change before publication drops the provisional
  snapshot, so a stale preview is never published.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from competitions.audit.services import record
from competitions.domain import ranking as ranking_rules
from competitions.domain.errors import InvalidState, NotFound, RuleViolation
from competitions.domain.points import ZERO, round_points
from competitions.extensions import db
from competitions.organize.models import Event
from competitions.registration.models import Registration
from competitions.results.models import (
    EventResultSetting,
    ResultAdjustment,
    TieDecision,
)
from competitions.results.snapshots import _sign_off, current_snapshot, purge_provisional
from competitions.results.standing import codes_of, competitor_ids, event_standing, tie_mode_of

# --- adjustments and tie decisions --------------------------------------------------------------


@dataclass(frozen=True)
class AdjustmentData:
    """What the chief judge records for one competitor."""

    registration_id: int
    time_used_seconds: int | None
    deduction_points: Decimal
    deduction_reason: str
    disqualified: bool
    disqualification_reason: str
    absent: bool = False  # 缺考


def _require_event_open_for_changes(event: Event) -> None:
    """Adjustments freeze once results are published, unless an upheld appeal reopened the event."""
    current = current_snapshot(event.competition_id)
    if current is None or current.status == "provisional":
        # A provisional snapshot computed before this change would be stale: it must be recomputed.
        purge_provisional(event.competition_id)
        return
    if current.status == "final":
        raise InvalidState("The results are final; nothing can change any more.")
    sign_off = _sign_off(event.id)
    if sign_off is not None and sign_off.locked:
        raise InvalidState("The results are published; only an upheld appeal can reopen this event.")


def record_adjustment(event: Event, data: AdjustmentData, *, actor_id: int | None) -> ResultAdjustment:
    """Record time used, a deduction and a disqualification for one competitor (audited)."""
    _require_event_open_for_changes(event)
    registration = db.session.get(Registration, data.registration_id)
    if registration is None or registration.event_id != event.id or registration.status != "approved":
        raise NotFound("This competitor is not in this event.")
    if data.time_used_seconds is not None and data.time_used_seconds < 0:
        raise RuleViolation("Time used cannot be negative.", field="time_used")
    if data.deduction_points < 0:
        raise RuleViolation("A deduction may only take points off.", field="deduction_points")
    if data.deduction_points > 0 and not data.deduction_reason.strip():
        raise RuleViolation("Give the reason for the deduction.", field="deduction_reason")
    if data.disqualified and not data.disqualification_reason.strip():
        raise RuleViolation("Give the reason for the disqualification.", field="disqualification_reason")
    row = db.session.execute(select(ResultAdjustment).where(
        ResultAdjustment.event_id == event.id, ResultAdjustment.registration_id == registration.id
    )).scalar_one_or_none()
    old = _adjustment_dict(row) if row else None
    if row is None:
        row = ResultAdjustment(event_id=event.id, registration_id=registration.id)
        db.session.add(row)
    row.time_used_seconds = data.time_used_seconds
    row.deduction_points = round_points(data.deduction_points)
    row.deduction_reason = data.deduction_reason.strip() if data.deduction_points else ""
    row.disqualified = data.disqualified
    row.disqualification_reason = data.disqualification_reason.strip() if data.disqualified else ""
    row.absent = data.absent and not data.disqualified
    row.updated_by_id = actor_id
    db.session.flush()
    record("result_adjustment", actor_id=actor_id, object_type="registration", object_id=registration.id,
           competition_id=event.competition_id, event_id=event.id, old=old, new=_adjustment_dict(row),
           reason=row.disqualification_reason or row.deduction_reason)
    return row


def _adjustment_row(event: Event, registration_id: int) -> tuple[Registration, ResultAdjustment]:
    """The competitor (approved, in ``event``) and their adjustment row, created empty when there is none."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id or registration.status != "approved":
        raise NotFound("This competitor is not in this event.", field="registration_id")
    row = db.session.execute(select(ResultAdjustment).where(
        ResultAdjustment.event_id == event.id, ResultAdjustment.registration_id == registration.id
    )).scalar_one_or_none()
    if row is None:
        row = ResultAdjustment(event_id=event.id, registration_id=registration.id, absent_parts={})
        db.session.add(row)
    return registration, row


def record_part_absence(event: Event, registration_id: int, part_code: str, reason: str, *,
                        actor_id: int | None) -> ResultAdjustment:
    """Record that a competitor was absent (缺考) from one part of the event, with the reason; audited.

    The part scores 0 for them (its pass mark, if any, is therefore not
    reached), nobody owes marks on its criteria, and the results show "absent"
    in that part's column. A part carried from the preliminary cannot be
    missed here; a competitor absent from every part is absent from the event
    (record that instead). Undone by ``undo_part_absence``.
    """
    _require_event_open_for_changes(event)
    text = (reason or "").strip()
    if not text:
        raise RuleViolation("Give the reason for the absence.", field="reason")
    own_parts = [p.code for p in event.parts if not getattr(p, "carried_from", None)]
    if part_code not in own_parts:
        raise RuleViolation("This event has no part %(part)s to be absent from.", field="part", part=part_code)
    registration, row = _adjustment_row(event, registration_id)
    if row.absent or row.disqualified:
        raise InvalidState("%(code)s is already absent from the whole event or disqualified.",
                           code=registration.anonymous_code or registration.id)
    old = dict(row.absent_parts or {})
    if part_code in old:
        raise InvalidState("%(code)s is already recorded as absent from %(part)s.",
                           code=registration.anonymous_code or registration.id, part=part_code)
    new = {**old, part_code: text}
    if set(own_parts) <= set(new):
        raise RuleViolation("Absent from every part: record the competitor as absent from the event instead.",
                            field="part")
    row.absent_parts = new
    row.updated_by_id = actor_id
    db.session.flush()
    record("result_part_absence", actor_id=actor_id, object_type="registration", object_id=registration.id,
           competition_id=event.competition_id, event_id=event.id, old={"absent_parts": sorted(old)},
           new={"absent_parts": sorted(new), "part": part_code}, reason=text)
    return row


def undo_part_absence(event: Event, registration_id: int, part_code: str, reason: str, *,
                      actor_id: int | None) -> ResultAdjustment:
    """Withdraw a recorded absence from one part (recorded in error), with the reason; audited.

    The part's criteria are owed marks again.
    """
    _require_event_open_for_changes(event)
    text = (reason or "").strip()
    if not text:
        raise RuleViolation("Give the reason for withdrawing the absence.", field="reason")
    registration, row = _adjustment_row(event, registration_id)
    old = dict(row.absent_parts or {})
    if part_code not in old:
        raise InvalidState("%(code)s is not recorded as absent from %(part)s.",
                           code=registration.anonymous_code or registration.id, part=part_code)
    new = {code: why for code, why in old.items() if code != part_code}
    row.absent_parts = new
    row.updated_by_id = actor_id
    db.session.flush()
    record("result_part_absence_undo", actor_id=actor_id, object_type="registration", object_id=registration.id,
           competition_id=event.competition_id, event_id=event.id, old={"absent_parts": sorted(old)},
           new={"absent_parts": sorted(new), "part": part_code}, reason=text)
    return row


def part_absences(event_id: int) -> list[tuple[int, str, str]]:
    """(registration id, part code, reason) of every recorded absence from a part, by registration then part."""
    rows = db.session.execute(select(ResultAdjustment.registration_id, ResultAdjustment.absent_parts)
                              .where(ResultAdjustment.event_id == event_id)).all()
    return sorted((rid, code, why) for rid, parts in rows for code, why in (parts or {}).items())


def _adjustment_dict(row: ResultAdjustment) -> dict:
    """An adjustment as audit JSON."""
    return {"time_used_seconds": row.time_used_seconds, "deduction_points": str(row.deduction_points or ZERO),
            "deduction_reason": row.deduction_reason, "disqualified": bool(row.disqualified),
            "disqualification_reason": row.disqualification_reason, "absent": bool(row.absent)}


def set_tie_mode(event: Event, mode: str, *, actor_id: int | None) -> None:
    """Choose shared places or "no tied places" for an event (before results are published)."""
    if mode not in ("shared", "no_tied_places"):
        raise RuleViolation("Unknown tie mode %(mode)s.", field="tie_mode", mode=mode)
    _require_event_open_for_changes(event)
    setting = db.session.execute(
        select(EventResultSetting).where(EventResultSetting.event_id == event.id)
    ).scalar_one_or_none()
    if setting is None:
        setting = EventResultSetting(event_id=event.id)
        db.session.add(setting)
    old = setting.tie_mode
    setting.tie_mode = mode
    db.session.flush()
    record("result_tie_mode", actor_id=actor_id, object_type="event", object_id=event.id,
           competition_id=event.competition_id, event_id=event.id, old={"tie_mode": old}, new={"tie_mode": mode})


def record_tie_decision(event: Event, codes: list[str], reason: str, *, actor_id: int | None) -> TieDecision:
    """Record the chief judge's order (anonymous codes, best first) of one group of exactly tied competitors."""
    _require_event_open_for_changes(event)
    if not reason.strip():
        raise RuleViolation("Give the reason for the chief judge's decision.", field="reason")
    if tie_mode_of(event.id) != "no_tied_places":
        raise RuleViolation("This event shares tied places; there is no tie for the chief judge to decide.",
                            field="order")
    by_code = {}
    for rid, code in codes_of(competitor_ids(event.id)).items():
        by_code[code.upper()] = rid
    unknown = [c for c in codes if c.upper() not in by_code]
    if unknown:
        raise RuleViolation("No competitor of this event has the code %(code)s.", field="order", code=unknown[0])
    order = [by_code[c.upper()] for c in codes]
    standing = event_standing(event)
    if standing.ranking is None:
        raise InvalidState("The event cannot be ranked yet; resolve its scoring problems first.")
    try:
        ranking_rules.apply_chief_judge_decision(standing.ranking, order)
    except RuleViolation:
        raise RuleViolation("These competitors are not one group still tied: %(codes)s.",
                            field="order", codes=", ".join(codes)) from None
    decision = TieDecision(event_id=event.id, ordered_registration_ids=order, reason=reason.strip(),
                           decided_by_id=actor_id)
    db.session.add(decision)
    db.session.flush()
    record("result_tie_decision", actor_id=actor_id, object_type="event", object_id=event.id,
           competition_id=event.competition_id, event_id=event.id, new={"order": codes}, reason=reason.strip())
    return decision
