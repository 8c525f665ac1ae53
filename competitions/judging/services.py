"""Judging on contest day: assignments, recusal, tablet marks, score sheets, sign-off and the audit trail.

The practice: five judges per event mark forty competitors on tablets over
workshop Wi-Fi. The organizer assigns judges to events (optionally to single
criteria) and names one chief judge (裁判长) per event; the chief judge does not
mark in the panel, they watch completeness, settle outliers and sign off.

* Recusal (回避) is enforced here, on every read and write: a judge never sees
  or marks a competitor from their own employer (and, when the competition says
  so, from the same parent organization), nor one they or the organizer
  declared a conflict with. Only the chief judge lifts a recusal, in writing.
* A mark write carries a client-generated UUID and the version the tablet last
  saw (``domain.marks.resolve_write``); applied keys are stored in a table with
  a unique key, so a retry arriving at another gunicorn worker is a replay.
* A judge corrects their marks until they submit their sheet; the chief judge
  signs the event off (``EventSignOff.locked``), after which only the chief
  judge changes a mark, with a written reason.

Every mark created or changed, every override, lock and unlock is appended to
the audit trail in the same transaction. Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Select, and_, bindparam, case, column, delete, exists, func, select, table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from competitions.audit import labels as audit_labels
from competitions.audit.models import AuditEntry
from competitions.audit.services import entry_values, insert_entry, record
from competitions.auth.models import User
from competitions.db import UTCDateTime, utcnow
from competitions.domain import marks as mark_rules
from competitions.domain import outliers as outlier_rules
from competitions.domain import readings as reading_rules
from competitions.domain import recusal as recusal_rules
from competitions.domain.errors import (
    N_,
    AbsentFromPart,
    Conflict,
    InvalidState,
    NotAllowed,
    NotFound,
    ReadingTaken,
    RuleViolation,
)
from competitions.domain.inputs import clean_text
from competitions.domain.points import plain_decimal
from competitions.extensions import db
from competitions.judging.models import (
    EventSignOff,
    FactChange,
    JudgeAssignment,
    JudgeConflict,
    JudgeSheet,
    JudgingSetting,
    Mark,
    MarkWriteKey,
    PendingCorrection,
    ReadingDecision,
    RecusalOverride,
)
from competitions.organize.models import Competition, Criterion, Event, SchemePart
from competitions.organize.services import advance_to_judging
from competitions.orgs.models import Organization
from competitions.prepared import Prepared
from competitions.registration.models import Registration

DEFAULT_OUTLIER_FRACTION = Decimal("0.2")


# ---- loading the event's judging facts ------------------------------------------------------------

def event_criteria(event: Event) -> list[Criterion]:
    """The event's criteria in scheme order."""
    return [c for part in event.parts for c in part.criteria]


def judging_competitors(event_id: int) -> list[Registration]:
    """Approved competitors who have drawn a station and code, ordered by station."""
    return list(db.session.execute(
        select(Registration).where(
            Registration.event_id == event_id, Registration.status == "approved",
            Registration.anonymous_code.is_not(None),
        ).order_by(Registration.station, Registration.id)
    ).scalars())


def assignments_of(event_id: int) -> list[JudgeAssignment]:
    """Every assignment of the event, ordered by id."""
    return list(db.session.execute(
        select(JudgeAssignment).where(JudgeAssignment.event_id == event_id).order_by(JudgeAssignment.id)
    ).scalars())


def chief_of(event_id: int) -> User | None:
    """The event's chief judge, if named."""
    row = db.session.execute(
        select(JudgeAssignment).where(JudgeAssignment.event_id == event_id, JudgeAssignment.is_chief.is_(True))
    ).scalars().first()
    return row.user if row else None


def is_chief(user: User, event_id: int) -> bool:
    """True when ``user`` is the event's chief judge."""
    return db.session.execute(
        select(JudgeAssignment.id).where(JudgeAssignment.event_id == event_id, JudgeAssignment.user_id == user.id,
                                         JudgeAssignment.is_chief.is_(True))
    ).first() is not None


def panel_per_criterion(event: Event, assignments: Iterable[JudgeAssignment]) -> dict[int, set[int]]:
    """Criterion id -> panel judges (not the chief); an assignment without criterion covers them all."""
    criteria = [c.id for c in event_criteria(event)]
    panel: dict[int, set[int]] = {c: set() for c in criteria}
    for a in assignments:
        if a.is_chief:
            continue
        for criterion_id in ([a.criterion_id] if a.criterion_id else criteria):
            panel.setdefault(criterion_id, set()).add(a.user_id)
    return panel


def judge_criteria(event: Event, judge_id: int) -> list[Criterion]:
    """The criteria ``judge_id`` marks in ``event``, in scheme order."""
    rows = db.session.execute(
        select(JudgeAssignment.criterion_id).where(JudgeAssignment.event_id == event.id,
                                                   JudgeAssignment.user_id == judge_id,
                                                   JudgeAssignment.is_chief.is_(False))
    ).scalars().all()
    if not rows:
        return []
    if None in rows:
        return event_criteria(event)
    wanted = set(rows)
    return [c for c in event_criteria(event) if c.id in wanted]


def is_locked(event_id: int) -> bool:
    """True when the event has been signed off and not reopened."""
    return bool(db.session.execute(
        select(EventSignOff.locked).where(EventSignOff.event_id == event_id)
    ).scalar_one_or_none())


def _policy(event: Event | EventFacts) -> recusal_rules.RecusalPolicy:
    same_parent = event.recuse_same_parent if isinstance(event, EventFacts) else event.competition.recuse_same_parent
    return recusal_rules.RecusalPolicy(recuse_same_parent=bool(same_parent))


def _judge_affiliation(user: User) -> recusal_rules.JudgeAffiliation:
    org = user.organization
    return recusal_rules.JudgeAffiliation(user.id, user.organization_id, org.parent_id if org else None)


def _competitor_affiliation(registration: Registration) -> recusal_rules.CompetitorAffiliation:
    """The competitor's employer and its parent as approved (frozen on the registration, never the profile)."""
    return recusal_rules.CompetitorAffiliation(registration.id, registration.employer_id,
                                               registration.employer_parent_id)


def _pairs(model, event_id: int) -> set[tuple[int, int]]:
    return {(j, r) for j, r in db.session.execute(
        select(model.judge_id, model.registration_id).where(model.event_id == event_id)).all()}


def event_recusals(event: Event, judges: Iterable[User], competitors: Iterable[Registration]
                   ) -> list[recusal_rules.Recusal]:
    """Every recusal between the event's judges and competitors (overrides applied)."""
    return recusal_rules.recused_pairs(
        [_judge_affiliation(u) for u in judges], [_competitor_affiliation(r) for r in competitors],
        _policy(event), _pairs(JudgeConflict, event.id), _pairs(RecusalOverride, event.id))


def recusal_reason(event: Event | EventFacts, judge: User,
                   registration: Registration) -> recusal_rules.RecusalReason | None:
    """Why ``judge`` must not mark ``registration``, or None when they may."""
    pair = (judge.id, registration.id)
    conflict, override = db.session.execute(select(
        select(JudgeConflict.id).where(JudgeConflict.judge_id == judge.id,
                                       JudgeConflict.registration_id == registration.id).exists(),
        select(RecusalOverride.id).where(RecusalOverride.judge_id == judge.id,
                                         RecusalOverride.registration_id == registration.id).exists(),
    )).one()
    return recusal_rules.is_recused(_judge_affiliation(judge), _competitor_affiliation(registration),
                                    _policy(event), {pair} if conflict else set(), {pair} if override else set())


def _panel_judges(assignments: Iterable[JudgeAssignment]) -> list[User]:
    seen: dict[int, User] = {}
    for a in assignments:
        if not a.is_chief:
            seen.setdefault(a.user_id, a.user)
    return [seen[k] for k in sorted(seen)]


# ---- a competitor's approved facts changed (organizer's employer change) ---------------------------

def record_fact_change(registration: Registration, *, old_employer_id: int | None, old_parent_id: int | None,
                       actor: User, reason: str, now: datetime) -> FactChange:
    """Re-run recusal for one competitor whose approved employer changed, and leave the chief judge a notice.

    Compares, for every judge of the event's panel, the recusal under the old
    facts with the recusal under the new ones (declared conflicts and overrides
    apply to both): who is now recused, who no longer is, and how many marks the
    newly recused judges had already entered for this competitor (the chief
    judge decides what becomes of them). Registration must already carry the new facts.
    """
    event = registration.event
    judges = _panel_judges(assignments_of(event.id))
    policy = _policy(event)
    conflicts, overrides = _pairs(JudgeConflict, event.id), _pairs(RecusalOverride, event.id)
    before = recusal_rules.CompetitorAffiliation(registration.id, old_employer_id, old_parent_id)
    after = _competitor_affiliation(registration)
    recused, cleared = [], []
    for judge in judges:
        affiliation = _judge_affiliation(judge)
        was = recusal_rules.is_recused(affiliation, before, policy, conflicts, overrides) is not None
        now_recused = recusal_rules.is_recused(affiliation, after, policy, conflicts, overrides) is not None
        if now_recused and not was:
            recused.append(judge.id)
        elif was and not now_recused:
            cleared.append(judge.id)
    marks_by_recused = db.session.execute(
        select(func.count(Mark.id)).where(Mark.registration_id == registration.id, Mark.judge_id.in_(recused))
    ).scalar_one() if recused else 0
    change = FactChange(event_id=event.id, registration_id=registration.id, old_employer_id=old_employer_id,
                        new_employer_id=registration.employer_id, changed_by_id=actor.id, reason=reason,
                        recusal={"recused": recused, "cleared": cleared, "marks_by_recused": marks_by_recused},
                        created_at=now)
    db.session.add(change)
    db.session.flush()
    _audit("recusal.recheck", actor, event, "registration", registration.id,
           old={"employer_id": old_employer_id, "employer_parent_id": old_parent_id},
           new={"employer_id": registration.employer_id, "employer_parent_id": registration.employer_parent_id,
                "recused": recused, "cleared": cleared, "marks_by_recused": marks_by_recused},
           reason=reason)
    return change


def fact_changes_of(event_id: int) -> list[FactChange]:
    """The event's notices of changed competitor facts, unread first, newest first."""
    return list(db.session.execute(
        select(FactChange).where(FactChange.event_id == event_id)
        .order_by(FactChange.read_at.is_not(None), FactChange.id.desc())
    ).scalars())


def mark_fact_changes_read(event: Event, *, actor: User, now: datetime) -> int:
    """The chief judge has read the event's notices of changed facts; returns how many were unread."""
    if not is_chief(actor, event.id):
        raise NotAllowed("Only the chief judge of this event can do this.")
    unread = [c for c in fact_changes_of(event.id) if c.read_at is None]
    for change in unread:
        change.read_at, change.read_by_id = now, actor.id
    db.session.flush()
    return len(unread)


# ---- assignments and conflicts (organizer) --------------------------------------------------------

def _audit(action: str, actor: User | None, event: Event, object_type: str, object_id: int | None, *,
           old: dict | None = None, new: dict | None = None, reason: str = "") -> None:
    record(action, actor_id=actor.id if actor else None, object_type=object_type, object_id=object_id,
           competition_id=event.competition_id, event_id=event.id, old=old, new=new, reason=reason)


def assign_judge(event: Event, *, actor: User | None, user_id: int, criterion_id: int | None = None,
                 is_chief_judge: bool = False) -> JudgeAssignment:
    """Assign a judge to an event (optionally one criterion), or name the event's one chief judge.

    Naming a new chief judge replaces the previous one. The chief judge does not
    also sit in the panel: they settle the panel's marks. The panel of a signed-off event is frozen
    (``refuse_panel_change_when_locked``); the chief judge can still be replaced, as the chief enters no
    marks of their own and handles what comes after sign-off (corrections, appeals).
    """
    if not is_chief_judge:
        refuse_panel_change_when_locked(event, field="user_id")
    judge = db.session.get(User, user_id)
    if judge is None or not judge.has_role("judge"):
        raise RuleViolation("Choose a user who holds the judge role.", field="user_id")
    if criterion_id is not None and criterion_id not in {c.id for c in event_criteria(event)}:
        raise RuleViolation("That criterion is not part of this event's marking scheme.", field="criterion_id")
    existing = assignments_of(event.id)
    mine = [a for a in existing if a.user_id == user_id]
    if is_chief_judge:
        if any(not a.is_chief for a in mine):
            raise RuleViolation("%(name)s already marks in this event's panel; the chief judge does not.",
                                field="user_id", name=judge.display_name)
        for a in existing:
            if a.is_chief:
                db.session.delete(a)
        db.session.flush()
        criterion_id = None
    else:
        if any(a.is_chief for a in mine):
            raise RuleViolation("%(name)s is this event's chief judge and does not mark in the panel.",
                                field="user_id", name=judge.display_name)
        if any(a.criterion_id == criterion_id or a.criterion_id is None for a in mine):
            raise RuleViolation("%(name)s is already assigned to this.", field="user_id", name=judge.display_name)
    assignment = JudgeAssignment(event_id=event.id, user_id=user_id, criterion_id=criterion_id,
                                 is_chief=is_chief_judge)
    db.session.add(assignment)
    db.session.flush()
    _audit("judging.assign", actor, event, "judge_assignment", assignment.id,
           new={"judge": judge.username, "criterion_id": criterion_id, "chief": is_chief_judge})
    return assignment


def refuse_panel_change_when_locked(event: Event, *, field: str | None = None) -> None:
    """InvalidState when the event is signed off: its panel and recusals are what the locked marks rest on.

    A judge added after sign-off would owe marks nobody can enter any more, and the locked dashboard would
    show an event that looks unfinished (review2 M7); the way is to reopen the event first, with a reason.
    """
    if is_locked(event.id):
        raise InvalidState("The event has been signed off: its judges and recusals can no longer change. Reopen "
                           "the event first (with a reason), then change them and sign off again.", field=field)


def unassign_judge(assignment: JudgeAssignment, *, actor: User | None) -> None:
    """Remove an assignment that has no marks behind it (a panel judge's only before sign-off)."""
    event = db.session.get(Event, assignment.event_id)
    if not assignment.is_chief:
        refuse_panel_change_when_locked(event)
    stmt = select(func.count(Mark.id)).where(Mark.event_id == event.id, Mark.judge_id == assignment.user_id)
    if assignment.criterion_id:
        stmt = stmt.where(Mark.criterion_id == assignment.criterion_id)
    if not assignment.is_chief and db.session.execute(stmt).scalar_one():
        raise InvalidState("This judge has already entered marks here; the assignment cannot simply be removed. "
                           "The chief judge can move or end it with a reason, keeping or voiding the marks.")
    _audit("judging.unassign", actor, event, "judge_assignment", assignment.id,
           old={"judge": assignment.user.username, "criterion_id": assignment.criterion_id,
                "chief": assignment.is_chief})
    db.session.delete(assignment)
    db.session.flush()


def change_panel(event: Event, *, actor: User, judge_id: int, criterion_ids: list[int] | None, reason: str,
                 void_marks: bool) -> dict:
    """The chief judge moves a judge's assignment to other criteria, or ends it, with a written reason.

    ``criterion_ids`` is the judge's new share of the panel: None for all
    criteria, a list for those criteria, an empty list to end the assignment.
    Marks the judge already entered outside the new share are either kept
    (they still count in the scores) or voided (deleted); either way each
    change is in the audit trail, voided marks with their values. Refused once
    the event is signed off (reopen it first). Returns {"kept": n, "voided": n}.
    """
    if not is_chief(actor, event.id):
        raise NotAllowed("Only the chief judge of this event can do this.")
    if is_locked(event.id):
        raise InvalidState("The event has been signed off; reopen it before changing assignments.")
    text = (reason or "").strip()
    if not text:
        raise RuleViolation("Give the reason for changing the assignment.", field="reason")
    mine = [a for a in assignments_of(event.id) if a.user_id == judge_id and not a.is_chief]
    if not mine:
        raise RuleViolation("Choose a judge of this event's panel.", field="judge_id")
    scheme = {c.id for c in event_criteria(event)}
    if criterion_ids is not None and not set(criterion_ids) <= scheme:
        raise RuleViolation("That criterion is not part of this event's marking scheme.", field="criterion_id")
    keep = scheme if criterion_ids is None else set(criterion_ids)
    outside = list(db.session.execute(select(Mark).where(
        Mark.event_id == event.id, Mark.judge_id == judge_id, Mark.criterion_id.not_in(keep or {-1}))).scalars())
    old = {"judge_id": judge_id, "criteria": sorted(a.criterion_id or 0 for a in mine)}
    for a in mine:
        db.session.delete(a)
    db.session.flush()
    for criterion_id in ([None] if criterion_ids is None else sorted(set(criterion_ids))):
        db.session.add(JudgeAssignment(event_id=event.id, user_id=judge_id, criterion_id=criterion_id))
    db.session.flush()
    for mark in outside if void_marks else ():
        _audit("mark.void", actor, event, "mark", mark.id, old=_cell_json(
            mark.registration_id, mark.criterion_id, mark.judge_id, mark.value, mark.version), reason=text)
        db.session.delete(mark)
    db.session.flush()
    counts = {"kept": 0 if void_marks else len(outside), "voided": len(outside) if void_marks else 0}
    _audit("judging.reassign" if criterion_ids != [] else "judging.end_assignment", actor, event,
           "judge_assignment", None, old=old,
           new={"judge_id": judge_id, "criteria": sorted(keep) if criterion_ids is not None else [0], **counts},
           reason=text)
    return counts


def _registration_in(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id or registration.status != "approved" \
            or registration.anonymous_code is None:
        raise NotFound("This competitor is not competing in this event.", field="registration_id")
    return registration


def declare_conflict(event: Event, *, actor: User, judge_id: int, registration_id: int,
                     reason: str = "") -> JudgeConflict:
    """Record a declared conflict: the judge is recused from the competitor from now on.

    Marks the judge already gave that competitor are withdrawn (and audited), so
    no result is computed from a conflicted mark.
    """
    if is_locked(event.id):
        raise InvalidState("The event has been signed off; marks and recusals can no longer change.")
    registration = _registration_in(event, registration_id)
    if judge_id not in {a.user_id for a in assignments_of(event.id)}:
        raise RuleViolation("This judge is not assigned to this event.", field="judge_id")
    exists = db.session.execute(select(JudgeConflict).where(JudgeConflict.judge_id == judge_id,
                                                            JudgeConflict.registration_id == registration.id))
    if exists.first():
        raise RuleViolation("This conflict has already been declared.", field="registration_id")
    conflict = JudgeConflict(event_id=event.id, judge_id=judge_id, registration_id=registration.id,
                             declared_by_id=actor.id, reason=(reason or "").strip())
    db.session.add(conflict)
    db.session.execute(delete(RecusalOverride).where(RecusalOverride.judge_id == judge_id,
                                                     RecusalOverride.registration_id == registration.id))
    for mark in db.session.execute(select(Mark).where(Mark.judge_id == judge_id,
                                                      Mark.registration_id == registration.id)).scalars():
        _audit("mark.withdraw", actor, event, "mark", mark.id, old=_mark_json(mark), reason=conflict.reason)
        db.session.delete(mark)
    db.session.flush()
    _audit("recusal.conflict", actor, event, "registration", registration.id,
           new={"judge_id": judge_id, "code": registration.anonymous_code}, reason=conflict.reason)
    return conflict


def override_recusal(event: Event, *, actor: User, judge_id: int, registration_id: int,
                     reason: str) -> RecusalOverride:
    """The chief judge lifts one recusal, with a written reason; the override is audited."""
    if not is_chief(actor, event.id):
        raise NotAllowed("Only the chief judge of this event can override a recusal.")
    refuse_panel_change_when_locked(event)
    text = mark_rules.check_reason(reason)
    registration = _registration_in(event, registration_id)
    judge = db.session.get(User, judge_id)
    if judge is None or judge_id not in {a.user_id for a in assignments_of(event.id) if not a.is_chief}:
        raise RuleViolation("This judge is not assigned to this event.", field="judge_id")
    why = recusal_reason(event, judge, registration)
    if why is None:
        raise RuleViolation("This judge is not recused from this competitor.", field="registration_id")
    override = RecusalOverride(event_id=event.id, judge_id=judge_id, registration_id=registration.id,
                               overridden_by_id=actor.id, reason=text)
    db.session.add(override)
    db.session.flush()
    _audit("recusal.override", actor, event, "registration", registration.id,
           old={"judge": judge.username, "recusal": str(why)}, new={"judge": judge.username, "recusal": None},
           reason=text)
    return override


def restore_recusal(event: Event, *, actor: User, override_id: int, reason: str) -> None:
    """The chief judge withdraws their own override: the judge is recused from the competitor again.

    The way back from an override given by mistake (review2 L14). Marks the judge gave that competitor
    while the override stood are withdrawn, as when a conflict is declared, so no result rests on a
    recused judge's mark; each is audited with its value. Refused after sign-off (reopen first).
    """
    if not is_chief(actor, event.id):
        raise NotAllowed("Only the chief judge of this event can override a recusal.")
    refuse_panel_change_when_locked(event)
    text = mark_rules.check_reason(clean_text(reason or "", field="reason", multiline=True))
    override = db.session.get(RecusalOverride, override_id)
    if override is None or override.event_id != event.id:
        raise NotFound("This recusal override does not exist.", field="override_id")
    judge_id, registration_id, given = override.judge_id, override.registration_id, override.reason
    db.session.delete(override)
    for mark in db.session.execute(select(Mark).where(Mark.event_id == event.id, Mark.judge_id == judge_id,
                                                      Mark.registration_id == registration_id)).scalars():
        _audit("mark.withdraw", actor, event, "mark", mark.id, old=_mark_json(mark), reason=text)
        db.session.delete(mark)
    db.session.flush()
    judge = db.session.get(User, judge_id)
    _audit("recusal.restore", actor, event, "registration", registration_id,
           old={"judge": judge.username if judge else judge_id, "recusal": None, "override": given},
           new={"judge": judge.username if judge else judge_id, "recusal": "restored"}, reason=text)


# ---- the tablet: sheet and marks -----------------------------------------------------------------

def _mark_json(mark: Mark) -> dict:
    return {"registration_id": mark.registration_id, "criterion_id": mark.criterion_id,
            "judge_id": mark.judge_id, "value": str(plain_decimal(mark.value)), "version": mark.version}


def _sheet_submitted(event_id: int, judge_id: int) -> bool:
    return db.session.execute(
        select(JudgeSheet.submitted_at).where(JudgeSheet.event_id == event_id, JudgeSheet.judge_id == judge_id)
    ).scalar_one_or_none() is not None


def judge_sheet(event: Event, judge: User) -> dict:
    """What a judge's tablet shows: their criteria, the competitors they may mark (codes only), their marks.

    Recused competitors are not in it at all. Names and employers never are.
    """
    criteria = judge_criteria(event, judge.id)
    if not criteria:
        raise NotAllowed("You are not a judge in this event's panel.")
    competitors = judging_competitors(event.id)
    recused = {r.competitor_id for r in event_recusals(event, [judge], competitors)}
    visible = [r for r in competitors if r.id not in recused]
    visible_ids = {r.id for r in visible}
    reconcile_overtaken_corrections([event.id])
    marks = db.session.execute(select(Mark).where(Mark.event_id == event.id, Mark.judge_id == judge.id)
                               .order_by(Mark.id)).scalars()
    return {
        "event": {"id": event.id, "trade_name": event.trade_name, "competition": event.competition.name},
        "judge_id": judge.id,
        "locked": is_locked(event.id),
        "submitted": _sheet_submitted(event.id, judge.id),
        "criteria": [{"id": c.id, "code": c.code, "name": c.name, "max": str(plain_decimal(c.max_mark)),
                      "step": str(plain_decimal(c.step)) if c.step else None} for c in criteria],
        "competitors": [{"id": r.id, "station": r.station, "code": r.anonymous_code} for r in visible],
        "marks": [_mark_json(m) for m in marks if m.registration_id in visible_ids],
        "taken": readings_taken(event, judge.id, criteria, visible_ids),
        # Corrections this judge sent after submitting, as the chief judge left them (superseded ones left out).
        "corrections": [correction_json(c) for c in db.session.execute(
            select(PendingCorrection).where(PendingCorrection.event_id == event.id,
                                            PendingCorrection.judge_id == judge.id,
                                            PendingCorrection.status != "superseded")
            .order_by(PendingCorrection.id)).scalars() if c.registration_id in visible_ids],
        # Cells nobody owes: the criteria of a part the competitor was absent from (缺考).
        "excused": [{"registration_id": r, "criterion_id": c} for r, c in sorted(excused_cells(event))
                    if r in visible_ids and c in {x.id for x in criteria}],
    }


def readings_taken(event: Event, judge_id: int, criteria: list[Criterion], visible_ids: set[int]) -> list[dict]:
    """Cells of a judge's sheet a measured criterion already has every reading of, from other judges.

    The tablet shows them as taken (with the readings, judge: value) instead of
    inviting a reading the server would refuse; the judge owes nothing there.
    """
    limits = {c.id: c.judges_required for c in criteria if c.kind == "measurement"}
    if not limits:
        return []
    rows = db.session.execute(
        select(Mark.registration_id, Mark.criterion_id, Mark.judge_id, User.display_name, Mark.value)
        .join(User, User.id == Mark.judge_id)
        .where(Mark.event_id == event.id, Mark.criterion_id.in_(list(limits))).order_by(Mark.id)).all()
    cells: dict[tuple[int, int], list] = {}
    for registration_id, criterion_id, mark_judge, name, value in rows:
        if registration_id in visible_ids:
            cells.setdefault((registration_id, criterion_id), []).append((mark_judge, name, value))
    return [{"registration_id": r, "criterion_id": c,
             "readings": ", ".join(f"{name}: {plain_decimal(value)}" for _, name, value in found)}
            for (r, c), found in cells.items()
            if all(j != judge_id for j, _, _ in found) and len(found) >= limits[c]]


@dataclass(frozen=True)
class MarkInput:
    """A mark write as it arrives from a tablet or a form."""

    registration_id: int
    criterion_id: int
    value: object
    base_version: int | None
    idempotency_key: str
    reason: str | None = None
    judge_id: int | None = None
    typed_at: datetime | None = None  # when the judge typed it, by the tablet's clock (kept with a late correction)


@dataclass(frozen=True)
class MarkOutcome:
    """What happened to a write, and the mark as it is now.

    ``action`` "pending": the write came after the judge's sheet was submitted
    (or the event signed off) and is kept as a pending correction for the chief
    judge (``correction``); ``mark`` is then the mark as stored, unchanged.
    """

    action: str
    mark: dict = field(default_factory=dict)
    correction: dict | None = None


def _number(value: object) -> str | Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise RuleViolation("%(value)s is not a number.", field="value", value=str(value))
    return value if isinstance(value, str | Decimal) else str(value)


@dataclass(frozen=True)
class EventFacts:
    """The few facts of an event a mark write needs (loaded without its scheme)."""

    id: int
    competition_id: int
    recuse_same_parent: bool


@dataclass(frozen=True)
class PreparedWrite:
    """A mark write that passed every check that does not change during a contest day."""

    key: str
    event: EventFacts
    registration_id: int
    criterion_id: int
    judge_id: int
    role: str
    value: Decimal
    base_version: int | None
    reason: str | None
    # What the checks saw of the state that can change (lock, sheet, stored mark): the write is decided on
    # it and guarded by it (``apply_mark_write``).
    live: LiveState | None = None
    # A measured criterion takes this many judges' readings (domain.readings); None: a judgement panel.
    reading_limit: int | None = None
    criterion_code: str = ""
    typed_at: datetime | None = None  # the tablet's clock when the judge typed it (kept with a late correction)
    correction_id: int | None = None  # the chief judge accepting a late correction: named in the mark's audit row


@dataclass(frozen=True)
class LiveState:
    """The part of a mark write's world that changes during the day, as one read saw it."""

    locked: bool
    submitted: bool
    mark_id: int | None
    value: Decimal | None
    version: int | None
    others: int = 0  # readings other judges hold for this competitor on this criterion


# The statements of a mark write are built once (Core, bound parameters): a tablet write runs them
# hundreds of times a minute, and building and keying an ORM statement costs more than running it.
_mark_t = Mark.__table__
_key_t = MarkWriteKey.__table__
_reg_t = Registration.__table__
_assign_t = JudgeAssignment.__table__
_conflict_t = JudgeConflict.__table__
_override_t = RecusalOverride.__table__
_criterion_t = Criterion.__table__
_part_t = SchemePart.__table__
_judge_t = User.__table__.alias("judge")
_judge_org_t = Organization.__table__.alias("judge_org")
_event_t = Event.__table__
_competition_t = Competition.__table__
_sheet_t = JudgeSheet.__table__
_sign_off_t = EventSignOff.__table__
_correction_t = PendingCorrection.__table__


def _pair_exists(table, judge, registration):
    return exists().where(table.c.judge_id == judge, table.c.registration_id == registration)


def _mark_scalar(column):
    return select(column).where(
        _mark_t.c.registration_id == bindparam("registration"), _mark_t.c.criterion_id == bindparam("criterion"),
        _mark_t.c.judge_id == bindparam("judge")).scalar_subquery()


def _others_sql():
    """How many other judges hold a mark for this competitor on this criterion (a measured one takes a few)."""
    return select(func.count()).select_from(_mark_t).where(
        _mark_t.c.registration_id == bindparam("registration"), _mark_t.c.criterion_id == bindparam("criterion"),
        _mark_t.c.judge_id != bindparam("judge")).scalar_subquery()


def _locked_sql(event):
    return select(_sign_off_t.c.locked).where(_sign_off_t.c.event_id == event).scalar_subquery()


def _sheet_submitted_sql(event):
    return exists().where(_sheet_t.c.event_id == event, _sheet_t.c.judge_id == bindparam("judge"),
                          _sheet_t.c.submitted_at.is_not(None))


def _judge_covers_sql(event):
    """The judge sits in the event's panel for this criterion (or for every criterion)."""
    return exists().where(_assign_t.c.event_id == event, _assign_t.c.user_id == bindparam("judge"),
                          _assign_t.c.is_chief.is_(False),
                          _assign_t.c.criterion_id.is_(None) | (_assign_t.c.criterion_id == bindparam("criterion")))


_key_mark_t = _mark_t.alias("key_mark")
_criterion_part_t = _part_t.alias("criterion_part")
# The results stage's adjustments, read (never written) by name: absence (缺考) from a part takes no marks there.
_adjustment_t = table("result_adjustment", column("event_id"), column("registration_id"),
                      column("absent_parts", JSON()))

# Everything a write is checked against, in one round trip: the request id (and the mark it was applied
# to, for answering a replay), the competitor (with its employer and the employer's parent as approved,
# frozen on the registration: a profile edited elsewhere never moves a competitor out of recusal), the
# event's recusal policy, the criterion when it belongs to the competitor's event, the actor's and the
# judge's assignments, the judge's organization and a declared conflict or override; then the state
# that can change (lock, sheet, the stored mark), which the write is decided on and carries as its guard (``_GUARD``).
_FACTS = Prepared(
    select(
        _key_t.c.actor_id, _key_mark_t.c.id, _key_mark_t.c.registration_id, _key_mark_t.c.criterion_id,
        _key_mark_t.c.judge_id, _key_mark_t.c.value, _key_mark_t.c.version,
        _reg_t.c.event_id, _reg_t.c.status, _reg_t.c.anonymous_code, _event_t.c.competition_id,
        _competition_t.c.recuse_same_parent, _reg_t.c.employer_id, _reg_t.c.employer_parent_id,
        _criterion_t.c.id, _criterion_t.c.code, _criterion_t.c.max_mark, _criterion_t.c.step,
        _judge_t.c.organization_id, _judge_org_t.c.parent_id,
        exists().where(_assign_t.c.event_id == _reg_t.c.event_id, _assign_t.c.user_id == bindparam("actor")),
        exists().where(_assign_t.c.event_id == _reg_t.c.event_id, _assign_t.c.user_id == bindparam("actor"),
                       _assign_t.c.is_chief.is_(True)),
        _judge_covers_sql(_reg_t.c.event_id),
        _pair_exists(_conflict_t, bindparam("judge"), bindparam("registration")),
        _pair_exists(_override_t, bindparam("judge"), bindparam("registration")),
        _locked_sql(_reg_t.c.event_id), _sheet_submitted_sql(_reg_t.c.event_id),
        _mark_scalar(_mark_t.c.id), _mark_scalar(_mark_t.c.value), _mark_scalar(_mark_t.c.version),
        _criterion_t.c.kind, _criterion_t.c.judges_required, _others_sql(),
        _criterion_part_t.c.code, _criterion_part_t.c.name, _adjustment_t.c.absent_parts,
        _correction_t.c.id,  # last: the request id was kept as a late correction (a replay is answered from it)
    )
    .select_from(
        _reg_t.join(_event_t, _event_t.c.id == _reg_t.c.event_id)
        .join(_competition_t, _competition_t.c.id == _event_t.c.competition_id)
        .outerjoin(_criterion_t, and_(
            _criterion_t.c.id == bindparam("criterion"),
            _criterion_t.c.part_id.in_(select(_part_t.c.id).where(_part_t.c.event_id == _reg_t.c.event_id)
                                       .scalar_subquery())))
        .outerjoin(_criterion_part_t, _criterion_part_t.c.id == _criterion_t.c.part_id)
        .outerjoin(_adjustment_t, and_(_adjustment_t.c.event_id == _reg_t.c.event_id,
                                       _adjustment_t.c.registration_id == _reg_t.c.id))
        .outerjoin(_judge_t, _judge_t.c.id == bindparam("judge"))
        .outerjoin(_judge_org_t, _judge_org_t.c.id == _judge_t.c.organization_id)
        .outerjoin(_key_t, _key_t.c.key == bindparam("key"))
        .outerjoin(_key_mark_t, _key_mark_t.c.id == _key_t.c.mark_id)
        .outerjoin(_correction_t, _correction_t.c.idempotency_key == bindparam("key"))
    )
    .where(_reg_t.c.id == bindparam("registration"))
)


# The actor still holds the role (judge or chief judge) the write was decided for.
_actor_in_role = exists().where(_assign_t.c.event_id == bindparam("event"), _assign_t.c.user_id == bindparam("actor"),
                                _assign_t.c.is_chief == bindparam("chief"))

# The state read again when a guarded write found it changed, in one round trip: the lock, the judge's
# sheet, a conflict declared (or override given) meanwhile, whether both assignments still stand, the mark.
_LIVE = Prepared(select(
    _locked_sql(bindparam("event")), _sheet_submitted_sql(bindparam("event")),
    _pair_exists(_conflict_t, bindparam("judge"), bindparam("registration")),
    _pair_exists(_override_t, bindparam("judge"), bindparam("registration")),
    _judge_covers_sql(bindparam("event")), _actor_in_role,
    _mark_scalar(_mark_t.c.id), _mark_scalar(_mark_t.c.value), _mark_scalar(_mark_t.c.version), _others_sql(),
))
# A write is applied only while the state it was decided on still holds: the lock and the sheet as the
# checks saw them, both assignments, no conflict without an override. Each write statement carries this
# guard, so deciding on an earlier read and writing is one atomic step; a write that matches nothing was
# overtaken (by a sign-off, a new conflict, another tablet) and is decided again on a fresh read.
_GUARD = and_(
    func.coalesce(_locked_sql(bindparam("event")), False) == bindparam("seen_locked", type_=Boolean()),
    case((_sheet_submitted_sql(bindparam("event")), True), else_=False) == bindparam("seen_submitted", type_=Boolean()),
    _judge_covers_sql(bindparam("event")),
    _actor_in_role,
    ~_pair_exists(_conflict_t, bindparam("judge"), bindparam("registration"))
    | _pair_exists(_override_t, bindparam("judge"), bindparam("registration")),
)
_slot_t = _mark_t.alias("slot_mark")
_next_slot_t = _mark_t.alias("next_slot_mark")


def _free_slot_sql():
    """The lowest reading slot of this competitor's criterion nobody holds (1, or one past a held slot).

    A reading voided by the chief judge (a re-measure, a judge taken off the
    criterion, a declared conflict) leaves its slot free for the next reading.
    """
    after_held = select(func.min(_slot_t.c.reading_slot) + 1).where(
        _slot_t.c.registration_id == bindparam("registration"), _slot_t.c.criterion_id == bindparam("criterion"),
        _slot_t.c.reading_slot.is_not(None),
        ~exists().where(_next_slot_t.c.registration_id == bindparam("registration"),
                        _next_slot_t.c.criterion_id == bindparam("criterion"),
                        _next_slot_t.c.reading_slot == _slot_t.c.reading_slot + 1)).scalar_subquery()
    first = exists().where(_next_slot_t.c.registration_id == bindparam("registration"),
                           _next_slot_t.c.criterion_id == bindparam("criterion"), _next_slot_t.c.reading_slot == 1)
    return case((~first, 1), else_=after_held)


def _insert_mark(insert=None):
    """A new mark, guarded (``_GUARD``): a judgement mark, or (given ``insert``) a measured criterion's reading.

    A reading takes the lowest free reading slot. ``insert``: the dialect's
    ``insert`` (PostgreSQL's or SQLite's, for ON CONFLICT). Two judges'
    readings of one cell written at the same instant can both pass the count of
    other readings (neither transaction sees the other's); they cannot both
    take the same slot: the unique index ``uq_mark_reading_slot`` lets one in,
    and the other inserts nothing (ON CONFLICT DO NOTHING, after waiting for
    the first to commit), so the write is decided again on a fresh read —
    refused when the criterion now holds all its readings (``reading_taken``),
    or written in the next slot (a check reading's second). A judgement mark
    takes no slot and keeps the plain insert: the tablet's usual write costs
    nothing more.
    """
    names = ["registration_id", "criterion_id", "judge_id", "event_id", "value", "version", "created_at",
             "updated_at"]
    values = [bindparam("registration"), bindparam("criterion"), bindparam("judge"), bindparam("event"),
              bindparam("new_value", type_=_mark_t.c.value.type), bindparam("new_version"),
              bindparam("now", type_=UTCDateTime()), bindparam("now", type_=UTCDateTime())]
    if insert is not None:
        names, values = [*names, "reading_slot"], [*values, _free_slot_sql()]
    # A new reading of a measured criterion only while other judges hold fewer than it takes.
    new = select(*values).where(_GUARD, _others_sql() < bindparam("reading_limit"))
    if insert is None:
        return _mark_t.insert().from_select(names, new).returning(_mark_t.c.id)
    return insert(_mark_t).from_select(names, new).on_conflict_do_nothing(
        index_elements=["registration_id", "criterion_id", "reading_slot"],
        index_where=_mark_t.c.reading_slot.is_not(None)).returning(_mark_t.c.id)


_INSERT_MARK = Prepared(_insert_mark())
_INSERT_READING = Prepared(_insert_mark(sqlite_insert))  # SQLite; PostgreSQL writes it in _CREATE_READING
_UPDATE_MARK = Prepared(
    _mark_t.update()
    .where(_mark_t.c.id == bindparam("mark_id"), _mark_t.c.version == bindparam("old_version"), _GUARD)
    .values(value=bindparam("new_value"), version=bindparam("new_version"), updated_at=bindparam("now"))
)
_INSERT_KEY = Prepared(_key_t.insert().values(key=bindparam("key"), mark_id=bindparam("mark_id"),
                                              actor_id=bindparam("actor"), applied_at=bindparam("now")))
_INSERT_KEY_GUARDED = Prepared(_key_t.insert().from_select(
    ["key", "mark_id", "actor_id", "applied_at"],
    select(bindparam("key"), bindparam("mark_id"), bindparam("actor"), bindparam("now", type_=UTCDateTime()))
    .where(_GUARD),
))


_audit_t = AuditEntry.__table__
_AUDIT_COLUMNS = [column.name for column in _audit_t.c if column.name != "id"]


def _with_key_and_audit(mark_write) -> Prepared:
    """``mark_write`` (RETURNING the mark's id) with its request id and audit row, as one statement."""
    written = mark_write.cte("written")
    key = _key_t.insert().from_select(
        ["key", "mark_id", "actor_id", "applied_at"],
        select(bindparam("key"), written.c.id, bindparam("actor"), bindparam("now", type_=UTCDateTime())),
    ).cte("key_written")
    audit = _audit_t.insert().from_select(_AUDIT_COLUMNS, select(*[
        written.c.id if name == "object_id" else bindparam(f"audit_{name}", type_=_audit_t.c[name].type)
        for name in _AUDIT_COLUMNS]))
    return Prepared(audit.add_cte(key).returning(_audit_t.c.object_id))


_CREATE_ALL = _with_key_and_audit(_INSERT_MARK.statement)
_CREATE_READING = _with_key_and_audit(_insert_mark(postgresql_insert))  # PostgreSQL only (``_write``)
_UPDATE_ALL = _with_key_and_audit(_UPDATE_MARK.statement.returning(_mark_t.c.id))


def _read_live(conn, cell: dict) -> LiveState:
    """Read the live state again, refusing when the assignments or recusal changed since the checks."""
    (locked, submitted, conflict, overridden, judge_assigned, actor_assigned,
     mark_id, value, version, others) = _LIVE.first(conn, cell)
    if not (judge_assigned and actor_assigned):
        raise NotAllowed("You are not a judge of this event.")
    if conflict and not overridden:
        raise NotAllowed("The judge is recused from this competitor (回避) and cannot mark them.",
                         field="registration_id")
    return LiveState(bool(locked), bool(submitted), mark_id, value, version, others or 0)


def _cell_json(registration_id: int, criterion_id: int, judge_id: int, value: Decimal, version: int) -> dict:
    return {"registration_id": registration_id, "criterion_id": criterion_id, "judge_id": judge_id,
            "value": str(plain_decimal(value)), "version": version}


def _replay(row, actor_id: int, registration_id: int, criterion_id: int) -> MarkOutcome | None:
    """The answer to a request id that was already applied (None for a new one)."""
    owner, mark_id, mark_registration, mark_criterion, mark_judge, value, version = row
    if owner is None:
        return None
    if owner != actor_id or mark_id is None or mark_registration != registration_id \
            or mark_criterion != criterion_id:
        raise Conflict("This request id was already used for another mark; the tablet must send a new one.",
                       field="idempotency_key")
    return MarkOutcome(mark_rules.WriteAction.REPLAY.value,
                       _cell_json(mark_registration, mark_criterion, mark_judge, value, version))


# ---- a correction that comes too late: kept for the chief judge, never applied, never dropped ----------

_INSERT_CORRECTION = _correction_t.insert().from_select(
    ["event_id", "registration_id", "criterion_id", "judge_id", "idempotency_key", "old_value", "old_version",
     "base_version", "new_value", "typed_at", "received_at", "arrived_after", "status", "decision_reason"],
    select(bindparam("event"), bindparam("registration"), bindparam("criterion"), bindparam("judge"),
           bindparam("key"), bindparam("old_value", type_=_correction_t.c.old_value.type),
           bindparam("old_version", type_=_correction_t.c.old_version.type),
           bindparam("base_version", type_=_correction_t.c.base_version.type),
           bindparam("new_value", type_=_correction_t.c.new_value.type),
           bindparam("typed_at", type_=UTCDateTime()), bindparam("now", type_=UTCDateTime()),
           bindparam("arrived_after"), bindparam("pending"), bindparam("empty")).where(_GUARD),
).returning(_correction_t.c.id)


def correction_json(row) -> dict:
    """A kept correction as the tablet and the API show it (values as plain decimals, times in UTC ISO)."""
    def iso(value):
        return value.isoformat() if value is not None else None

    return {"id": row.id, "registration_id": row.registration_id, "criterion_id": row.criterion_id,
            "judge_id": row.judge_id, "value": str(plain_decimal(row.new_value)),
            "old_value": str(plain_decimal(row.old_value)) if row.old_value is not None else None,
            "status": row.status, "arrived_after": row.arrived_after, "typed_at": iso(row.typed_at),
            "received_at": iso(row.received_at), "decided_at": iso(row.decided_at),
            "decision_reason": row.decision_reason or ""}


def _stored_cell(conn: Connection, registration_id: int, criterion_id: int, judge_id: int) -> dict:
    row = conn.execute(select(_mark_t.c.value, _mark_t.c.version).where(
        _mark_t.c.registration_id == registration_id, _mark_t.c.criterion_id == criterion_id,
        _mark_t.c.judge_id == judge_id)).first()
    return _cell_json(registration_id, criterion_id, judge_id, row.value, row.version) if row else {}


def correction_replay(correction_id: int, actor_id: int, registration_id: int, criterion_id: int, *,
                      conn: Connection) -> MarkOutcome:
    """The answer to a request id already kept as a late correction: its row as it stands now (never a second row)."""
    row = conn.execute(select(_correction_t).where(_correction_t.c.id == correction_id)).first()
    if row is None or row.judge_id != actor_id or row.registration_id != registration_id \
            or row.criterion_id != criterion_id:
        raise Conflict("This request id was already used for another mark; the tablet must send a new one.",
                       field="idempotency_key")
    return MarkOutcome("pending", _stored_cell(conn, registration_id, criterion_id, row.judge_id),
                       correction_json(row))


def _keep_late_correction(conn: Connection, actor_id: int, p: PreparedWrite, live: LiveState,
                          cell: dict) -> MarkOutcome | None:
    """A judge's write that reached the server after their sheet was submitted (or the event signed off).

    It is not applied: it is kept as a pending correction for the chief judge
    (``judging.corrections``), with the mark as it stands, the tablet's time and
    the time it arrived, and audited (``correction.receive``); an older
    correction of the same mark still pending is superseded. A write of the
    value already stored is answered "unchanged". Runs under the write guard:
    None when the state it was decided on changed meanwhile (decide again).
    """
    now = utcnow()
    stored = _cell_json(p.registration_id, p.criterion_id, p.judge_id, live.value, live.version) \
        if live.mark_id is not None else {}
    guard = {**cell, "seen_locked": live.locked, "seen_submitted": live.submitted, "now": now}
    if live.mark_id is not None and live.value == p.value:
        done = _INSERT_KEY_GUARDED.rowcount(conn, {**guard, "key": p.key, "mark_id": live.mark_id})
        return MarkOutcome(mark_rules.WriteAction.UNCHANGED.value, stored) if done == 1 else None
    correction_id = conn.execute(_INSERT_CORRECTION, {
        **guard, "key": p.key, "old_value": live.value, "old_version": live.version, "base_version": p.base_version,
        "new_value": p.value, "typed_at": p.typed_at, "arrived_after": "signed_off" if live.locked else "submitted",
        "pending": "pending", "empty": ""}).scalar()
    if correction_id is None:
        return None
    conn.execute(_correction_t.update().where(
        _correction_t.c.judge_id == p.judge_id, _correction_t.c.registration_id == p.registration_id,
        _correction_t.c.criterion_id == p.criterion_id, _correction_t.c.status == "pending",
        _correction_t.c.id != correction_id).values(status="superseded", decided_at=now))
    row = conn.execute(select(_correction_t).where(_correction_t.c.id == correction_id)).one()
    insert_entry(conn, entry_values(
        "correction.receive", actor_id=actor_id, object_type="pending_correction", object_id=correction_id,
        competition_id=p.event.competition_id, event_id=p.event.id, old=stored or None,
        new={**_cell_json(p.registration_id, p.criterion_id, p.judge_id, p.value, live.version or 0),
             "typed_at": row.typed_at.isoformat() if row.typed_at else None, "arrived_after": row.arrived_after}))
    return MarkOutcome("pending", stored, correction_json(row))


def _actor_role(actor_id: int, judge_id: int, criterion_code: str, *, actor_assigned: bool, actor_chief: bool,
                judge_covers: bool) -> mark_rules.MarkActor:
    """The actor's role for this mark; raises when they have none."""
    if not actor_assigned:
        raise NotAllowed("You are not a judge of this event.")
    role = mark_rules.MarkActor.CHIEF_JUDGE if actor_chief else mark_rules.MarkActor.JUDGE
    if role == mark_rules.MarkActor.JUDGE and judge_id != actor_id:
        raise NotAllowed("Only the chief judge can enter a mark on another judge's behalf.")
    if not judge_covers:
        if role == mark_rules.MarkActor.JUDGE:
            raise NotAllowed("You are not assigned to mark %(criterion)s.", criterion=criterion_code)
        raise RuleViolation("Choose a judge of this event's panel for this criterion.", field="judge_id")
    return role


def prepare_mark_write(actor: User, incoming: MarkInput, *,
                       conn: Connection | None = None) -> PreparedWrite | MarkOutcome:
    """Check a write against everything that holds all day; a replayed request is answered here.

    Order: request id (a replay needs nothing else), competitor and criterion of
    one event, the actor's assignment, recusal, the value. Read-only and one
    query: on SQLite it runs before the write lock is taken, so the lock is held
    only for ``apply_mark_write``.
    """
    key = mark_rules.check_idempotency_key(incoming.idempotency_key)
    actor_id = actor.id
    judge_id = incoming.judge_id or actor_id
    conn = db.session.connection() if conn is None else conn
    found = _FACTS.first(conn, {
        "registration": incoming.registration_id, "criterion": incoming.criterion_id, "actor": actor_id,
        "judge": judge_id, "key": key})
    if found is None:
        raise NotFound("This competitor is not competing in this event.", field="registration_id")
    replay = _replay(found[:7], actor_id, incoming.registration_id, incoming.criterion_id)
    if replay is not None:
        return replay
    if found[-1] is not None:
        return correction_replay(found[-1], actor_id, incoming.registration_id, incoming.criterion_id, conn=conn)
    (event_id, status, code, competition_id, same_parent, employer_id, employer_parent_id, criterion_id,
     criterion_code, max_mark, step, judge_org_id, judge_org_parent_id, actor_assigned, actor_chief,
     judge_covers, conflict, override, locked, submitted, mark_id, stored_value, stored_version,
     kind, judges_required, others, part_code, part_name, absent_parts) = found[7:-1]
    event = EventFacts(event_id, competition_id, bool(same_parent))
    if criterion_id is None:
        raise NotFound("This criterion is not part of this event's marking scheme.", field="criterion_id")
    role = _actor_role(actor_id, judge_id, criterion_code, actor_assigned=bool(actor_assigned),
                       actor_chief=bool(actor_chief), judge_covers=bool(judge_covers))
    if status != "approved" or code is None:
        raise NotFound("This competitor is not competing in this event.", field="registration_id")
    pair = (judge_id, incoming.registration_id)
    if recusal_rules.is_recused(
            recusal_rules.JudgeAffiliation(judge_id, judge_org_id, judge_org_parent_id),
            recusal_rules.CompetitorAffiliation(incoming.registration_id, employer_id, employer_parent_id),
            _policy(event), {pair} if conflict else set(), {pair} if override else set()) is not None:
        raise NotAllowed("The judge is recused from this competitor (回避) and cannot mark them.",
                         field="registration_id")
    if part_code in (absent_parts or {}):
        raise AbsentFromPart(
            N_("%(code)s is recorded as absent (缺考) from the part %(part)s: criterion %(criterion)s takes no mark"
               " for them. Nothing was saved; if the absence is wrong, the chief judge withdraws it under"
               " \"Absent from a part\" on the event's deductions page."),
            field="value", code=code, part=part_name, criterion=criterion_code)
    value = mark_rules.validate_mark_value(_number(incoming.value), max_mark, step)
    limit = judges_required if kind == "measurement" else None
    return PreparedWrite(key, event, incoming.registration_id, criterion_id, judge_id, role.value, value,
                         incoming.base_version, incoming.reason,
                         LiveState(bool(locked), bool(submitted), mark_id, stored_value, stored_version, others or 0),
                         limit, criterion_code, incoming.typed_at)


def _write(conn: Connection, action: mark_rules.WriteAction, live: LiveState, params: dict, key: str,
           audit: dict | None) -> int | None:
    """Write a decided change under its guard, with its request id and audit row; None if the guard failed.

    On PostgreSQL the mark, the request id and the audit row go in one statement
    (a data-modifying WITH), so the tablet API can run it on its own, in
    autocommit, at the cost of one round trip. SQLite has no such statement: it
    writes the three in the caller's transaction. A measured criterion's new
    reading whose slot another judge's reading took meanwhile writes nothing
    either (``_insert_mark``): None, decided again.
    """
    if action == mark_rules.WriteAction.UNCHANGED:  # only the request id is stored, under the same guard
        stored = _INSERT_KEY_GUARDED.rowcount(conn, {**params, "key": key, "mark_id": live.mark_id})
        return live.mark_id if stored == 1 else None
    update = live.mark_id is not None
    if conn.dialect.name == "postgresql":
        whole = {**params, "key": key, "mark_id": live.mark_id, "old_version": live.version,
                 **{f"audit_{name}": value for name, value in audit.items() if name != "object_id"}}
        statement = _UPDATE_ALL if update else _CREATE_READING if params["measured"] else _CREATE_ALL
        return statement.scalar(conn, whole)
    if not update:
        mark_id = (_INSERT_READING if params["measured"] else _INSERT_MARK).scalar(conn, params)
    elif _UPDATE_MARK.rowcount(conn, {**params, "mark_id": live.mark_id, "old_version": live.version}) == 1:
        mark_id = live.mark_id
    else:
        mark_id = None
    if mark_id is not None:
        _INSERT_KEY.rowcount(conn, {"key": key, "mark_id": mark_id, "actor": params["actor"], "now": params["now"]})
        insert_entry(conn, {**audit, "object_id": mark_id})
    return mark_id


def apply_mark_write(actor_id: int, p: PreparedWrite, *, conn: Connection | None = None) -> MarkOutcome:
    """Apply a prepared write exactly once, deciding on what the checks read and writing only if it still holds.

    The decision (create, update, unchanged, or a conflict with a newer version)
    is made on the state ``prepare_mark_write`` read; the write statement
    carries that state as its guard (``_GUARD``), so if a sign-off, a submitted
    sheet, a lost assignment, a new conflict or another edit came in between —
    in another transaction, or before this one began (the tablet API on SQLite
    checks before taking the write lock) — it writes nothing, and the write is
    decided again on a fresh read. A duplicate of this request applied meanwhile
    by another worker makes the insert of its key fail on the unique index; the
    caller retries and the retry is answered as a replay by
    ``prepare_mark_write``. Runs on the session's connection unless given
    ``conn`` (the tablet API's own Core connection).
    """
    conn = db.session.connection() if conn is None else conn
    cell = {"event": p.event.id, "judge": p.judge_id, "registration": p.registration_id,
            "criterion": p.criterion_id, "actor": actor_id, "chief": p.role == "chief_judge"}
    live = p.live
    for _attempt in range(10):
        if live is None:
            live = _read_live(conn, cell)
        if p.role == mark_rules.MarkActor.JUDGE and (live.submitted or live.locked):
            late = _keep_late_correction(conn, actor_id, p, live, cell)
            if late is None:
                live = None  # overtaken (the sheet reopened meanwhile): decide again
                continue
            return late
        mark_rules.check_can_write_mark(p.role, live.submitted, live.locked, p.reason)
        if live.locked:
            _refuse_after_publication(conn, p.event.competition_id)
        if p.reading_limit is not None and reading_rules.reading_refused(
                reading_rules.ReadingRule(readings=p.reading_limit), live.others, own_reading=live.mark_id is not None):
            raise _reading_taken(conn, p)
        stored = mark_rules.StoredMark(live.value, live.version) if live.mark_id is not None else None
        decision = mark_rules.resolve_write(stored, mark_rules.MarkWrite(p.value, p.base_version, p.key))
        guarded = {**cell, "seen_locked": live.locked, "seen_submitted": live.submitted, "now": utcnow(),
                   "new_value": decision.value, "new_version": decision.version,
                   "reading_limit": NO_READING_LIMIT if p.reading_limit is None else p.reading_limit,
                   "measured": p.reading_limit is not None}
        new = _cell_json(p.registration_id, p.criterion_id, p.judge_id, decision.value, decision.version)
        audit = None
        if decision.action in (mark_rules.WriteAction.CREATE, mark_rules.WriteAction.UPDATE):
            old = _cell_json(p.registration_id, p.criterion_id, p.judge_id, live.value, live.version) \
                if stored is not None else None
            audit = entry_values("mark.override" if live.locked else f"mark.{decision.action.value}",
                                 actor_id=actor_id, object_type="mark", competition_id=p.event.competition_id,
                                 event_id=p.event.id, old=old,
                                 new={**new, "correction_id": p.correction_id} if p.correction_id else new,
                                 reason=(p.reason or "").strip() if live.locked or p.role == "chief_judge" else "")
        if _write(conn, decision.action, live, guarded, p.key, audit) is not None:
            break
        live = None  # overtaken since it was read (a sign-off, a conflict, another edit): decide again
    else:
        raise Conflict("This mark keeps changing; reload the score sheet.", field="value")
    return MarkOutcome(decision.action.value, new)


def reconcile_overtaken_corrections(event_ids) -> None:
    """Mark superseded every pending late correction whose mark was written again since it arrived.

    The judge writing the mark on a handed-back sheet, or the chief judge
    changing it, overtakes the correction: it no longer waits for a decision
    nor blocks the sign-off. Done where corrections are read (lists, counts,
    blockers, decisions), not on the tablet's write path, which stays one
    statement per mark.
    """
    ids = list(event_ids) or [-1]
    moved = exists().where(_mark_t.c.registration_id == _correction_t.c.registration_id,
                           _mark_t.c.criterion_id == _correction_t.c.criterion_id,
                           _mark_t.c.judge_id == _correction_t.c.judge_id,
                           _mark_t.c.version != func.coalesce(_correction_t.c.old_version, 0))
    db.session.execute(_correction_t.update().where(
        _correction_t.c.event_id.in_(ids), _correction_t.c.status == "pending", moved)
        .values(status="superseded", decided_at=utcnow()))


# The results stage's snapshots, read (never written) by name: judging must not import the later stage.
_result_snapshot_t = table("result_snapshot", column("competition_id"), column("status"))


def _refuse_after_publication(conn: Connection, competition_id: int) -> None:
    """Refuse changing a signed-off mark once the competition's results are published or final.

    After publication the published figures are the record: a mark changes
    only through an upheld appeal, which reopens the event (unlocking it) and
    leads to a corrected results version (and certificates resynced). A chief
    judge's override of a locked mark, or the acceptance of a late tablet
    correction, would otherwise leave the marks and the published results
    disagreeing with no notice. Raises InvalidState.
    """
    published = conn.execute(select(_result_snapshot_t.c.status).where(
        _result_snapshot_t.c.competition_id == competition_id,
        _result_snapshot_t.c.status.in_(("published", "final"))).limit(1)).first()
    if published is not None:
        raise InvalidState(
            "The results of this competition are published: a signed-off mark now changes only through an upheld "
            "appeal, which reopens the event. Record the appeal on the results page (or decline this correction, "
            "saying so).", field="value")


# A judgement criterion takes every panel judge's mark: the insert's reading guard never refuses it.
NO_READING_LIMIT = 2**31 - 1

_READINGS = Prepared(
    select(_judge_t.c.display_name, _mark_t.c.value)
    .join(_judge_t, _judge_t.c.id == _mark_t.c.judge_id)
    .where(_mark_t.c.registration_id == bindparam("registration"), _mark_t.c.criterion_id == bindparam("criterion"),
           _mark_t.c.judge_id != bindparam("judge"))
    .order_by(_mark_t.c.id)
)


def _reading_taken(conn: Connection, p: PreparedWrite) -> ReadingTaken:
    """The refusal of a reading the criterion no longer takes, naming the readings it holds (judge: value)."""
    readings = _READINGS.all(conn, {"registration": p.registration_id, "criterion": p.criterion_id,
                                    "judge": p.judge_id})
    named = ", ".join(f"{name}: {plain_decimal(value)}" for name, value in readings)
    if p.reading_limit and p.reading_limit > 1:
        return ReadingTaken(
            N_("Criterion %(criterion)s takes %(count)s readings and already has them for this competitor"
               " (%(readings)s). Your reading was not saved; if a recorded one is wrong, tell the chief judge."),
            field="value", criterion=p.criterion_code, count=p.reading_limit, readings=named)
    return ReadingTaken(
        N_("Criterion %(criterion)s is measured once: it already has its reading for this competitor"
           " (%(readings)s). Your reading was not saved; if the recorded one is wrong, tell the chief judge."),
        field="value", criterion=p.criterion_code, readings=named)


def submit_mark(actor: User, incoming: MarkInput) -> MarkOutcome:
    """Apply one mark write from a tablet (or the chief judge's form), exactly once, in one transaction.

    Nothing is written unless every check passes. The tablet API runs the two
    halves in two transactions instead (``prepare_mark_write`` outside the
    SQLite write lock, ``apply_mark_write`` inside it).
    """
    prepared = prepare_mark_write(actor, incoming)
    if isinstance(prepared, MarkOutcome):
        return prepared
    return apply_mark_write(actor.id, prepared)


def current_mark(registration_id: int, criterion_id: int, judge_id: int) -> dict | None:
    """The stored mark, for telling a tablet what it conflicts with."""
    mark = db.session.execute(select(Mark).where(Mark.registration_id == registration_id,
                                                 Mark.criterion_id == criterion_id,
                                                 Mark.judge_id == judge_id)).scalar_one_or_none()
    return _mark_json(mark) if mark else None


# ---- score sheets ---------------------------------------------------------------------------------

def one_judge_criteria_with_several(criteria, assignments) -> list[tuple[object, list[str]]]:
    """Criteria the scheme gives one judge (a reading taken once) that several panel judges are assigned to.

    Their marks would either be refused as a second reading or have to be
    reconciled by the chief judge, so the assignment page warns about them:
    (criterion, the judges' names) in scheme order.
    """
    panel = [a for a in assignments if not a.is_chief]
    out = []
    for criterion in criteria:
        if criterion.judges_required != 1:
            continue
        judges = sorted({a.user.display_name for a in panel
                         if a.criterion_id is None or a.criterion_id == criterion.id})
        if len(judges) > 1:
            out.append((criterion, judges))
    return out


def excused_competitors(event_id: int) -> set[int]:
    """Registrations marked absent (缺考) or disqualified (一票否决): nobody owes marks for them.

    Both are recorded on the chief judge's adjustments page (results.adjustments); a no-show must
    never block the sheets or the sign-off until someone types 0.
    """
    from competitions.results.models import ResultAdjustment

    return set(db.session.execute(
        select(ResultAdjustment.registration_id).where(
            ResultAdjustment.event_id == event_id,
            ResultAdjustment.absent.is_(True) | ResultAdjustment.disqualified.is_(True))
    ).scalars())


def excused_cells(event: Event) -> set[tuple[int, int]]:
    """(registration, criterion) pairs nobody owes a mark for: the criteria of a part a competitor was absent from.

    Absence from a part (缺考) is recorded with the other adjustments (``results.adjustments.record_part_absence``).
    """
    from competitions.results.models import ResultAdjustment

    rows = db.session.execute(select(ResultAdjustment.registration_id, ResultAdjustment.absent_parts).where(
        ResultAdjustment.event_id == event.id)).all()
    if not any(parts for _, parts in rows):
        return set()
    by_part = {p.code: [c.id for c in p.criteria] for p in event.parts}
    return {(rid, criterion) for rid, parts in rows for code in (parts or {}) for criterion in by_part.get(code, ())}


def _completeness(event: Event, assignments=None, competitors=None, marks=None):
    assignments = assignments_of(event.id) if assignments is None else assignments
    competitors = judging_competitors(event.id) if competitors is None else competitors
    excused = excused_competitors(event.id)
    if excused:
        competitors = [r for r in competitors if r.id not in excused]
    marks = list(db.session.execute(select(Mark).where(Mark.event_id == event.id)).scalars()) \
        if marks is None else marks
    if excused:
        marks = [m for m in marks if m.registration_id not in excused]
    recusals = event_recusals(event, _panel_judges(assignments), competitors)
    criteria = event_criteria(event)
    return outlier_rules.completeness_matrix(
        [r.id for r in competitors], [c.id for c in criteria], panel_per_criterion(event, assignments),
        recusals, [_domain_mark(m) for m in marks],
        readings_needed={c.id: c.judges_required for c in criteria if c.kind == "measurement"},
        excused=excused_cells(event)), recusals


def _domain_mark(mark: Mark) -> mark_rules.Mark:
    return mark_rules.Mark(mark.judge_id, mark.registration_id, mark.criterion_id, mark.value)


def marks_owed_by(event: Event, judge_id: int) -> int:
    """How many marks ``judge_id`` still owes in ``event``."""
    completeness, _recusals = _completeness(event)
    return completeness.missing_by_judge().get(judge_id, 0)


def submit_sheet(event: Event, *, judge: User) -> JudgeSheet:
    """The judge hands in their sheet: every mark they owe must be in; after this they cannot change it."""
    if not judge_criteria(event, judge.id):
        raise NotAllowed("You are not a judge in this event's panel.")
    if is_locked(event.id):
        raise InvalidState("The event has been signed off; marks and recusals can no longer change.")
    owed = marks_owed_by(event, judge.id)
    if owed:
        raise RuleViolation("You still owe %(count)d mark(s); enter them before submitting your sheet.",
                            count=owed)
    sheet = _sheet_row(event.id, judge.id)
    if sheet.submitted_at is not None:
        raise InvalidState("You have already submitted your sheet.")
    sheet.submitted_at = utcnow()
    db.session.flush()
    _audit("sheet.submit", judge, event, "judge_sheet", sheet.id, new={"judge": judge.username})
    advance_to_judging(event.competition, actor_id=judge.id, step="sheet.submit")
    return sheet


def _sheet_row(event_id: int, judge_id: int) -> JudgeSheet:
    sheet = db.session.execute(select(JudgeSheet).where(JudgeSheet.event_id == event_id,
                                                        JudgeSheet.judge_id == judge_id)).scalar_one_or_none()
    if sheet is None:
        sheet = JudgeSheet(event_id=event_id, judge_id=judge_id)
        db.session.add(sheet)
        db.session.flush()
    return sheet


def reopen_sheet(event: Event, *, actor: User, judge_id: int, reason: str = "") -> JudgeSheet:
    """The chief judge hands a submitted sheet back to its judge for correction."""
    role = mark_rules.MarkActor.CHIEF_JUDGE if is_chief(actor, event.id) else "other"
    mark_rules.check_can_reopen_sheet(role, is_locked(event.id))
    sheet = _sheet_row(event.id, judge_id)
    if sheet.submitted_at is None:
        raise InvalidState("This sheet has not been submitted.")
    sheet.submitted_at = None
    db.session.flush()
    _audit("sheet.reopen", actor, event, "judge_sheet", sheet.id, new={"judge_id": judge_id}, reason=reason)
    return sheet


# ---- the chief judge: dashboard, threshold, sign-off ---------------------------------------------

def outlier_threshold(event_id: int) -> outlier_rules.OutlierThreshold:
    """The event's outlier threshold; 20 % of the criterion's maximum unless the chief judge set another."""
    setting = db.session.execute(select(JudgingSetting).where(JudgingSetting.event_id == event_id)).scalar_one_or_none()
    if setting and setting.outlier_points is not None:
        return outlier_rules.OutlierThreshold(points=setting.outlier_points)
    if setting and setting.outlier_fraction is not None:
        return outlier_rules.OutlierThreshold(fraction_of_max=setting.outlier_fraction)
    return outlier_rules.OutlierThreshold(fraction_of_max=DEFAULT_OUTLIER_FRACTION)


def set_outlier_threshold(event: Event, *, actor: User, points: Decimal | None = None,
                          percent: Decimal | None = None) -> None:
    """The chief judge sets how far from the panel a mark may lie before it is flagged."""
    if not is_chief(actor, event.id):
        raise NotAllowed("Only the chief judge of this event can do this.")
    fraction = percent / 100 if percent is not None else None
    outlier_rules.OutlierThreshold(points=points, fraction_of_max=fraction)  # validates
    setting = db.session.execute(select(JudgingSetting).where(JudgingSetting.event_id == event.id)).scalar_one_or_none()
    if setting is None:
        setting = JudgingSetting(event_id=event.id)
        db.session.add(setting)
    setting.outlier_points, setting.outlier_fraction = points, fraction
    db.session.flush()


@dataclass
class Dashboard:
    """Everything the chief judge's page shows, loaded once."""

    event: Event
    locked: bool
    sign_off: EventSignOff | None
    criteria: list[Criterion]
    competitors: list[Registration]
    judges: list[User]
    panel: dict[int, set[int]]
    values: dict[tuple[int, int, int], Decimal]
    completeness: outlier_rules.Completeness
    recusals: list[recusal_rules.Recusal]
    outliers: list[outlier_rules.OutlierFlag]
    shortfalls: list[recusal_rules.Shortfall]
    threshold: outlier_rules.OutlierThreshold
    sheets: dict[int, datetime | None]
    overrides: list[RecusalOverride]

    def cell(self, registration_id: int, criterion_id: int, judge_id: int) -> str:
        """'mark', 'missing', 'recused' or 'none' (not on this criterion's panel)."""
        if judge_id not in self.panel.get(criterion_id, ()):
            return "none"
        if (registration_id, criterion_id, judge_id) in self.values:
            return "mark"
        if any(r.judge_id == judge_id and r.competitor_id == registration_id for r in self.recusals):
            return "recused"
        return "missing"

    @property
    def outlier_keys(self) -> set[tuple[int, int, int]]:
        """(registration, criterion, judge) of each flagged mark."""
        return {(o.competitor_id, o.criterion_id, o.judge_id) for o in self.outliers}

    @property
    def percent_complete(self) -> int:
        """Completeness in whole percent (rounded down, so 100 means truly complete)."""
        return int(self.completeness.fraction * 100)


def dashboard(event: Event) -> Dashboard:
    """The completeness matrix, outliers, shortfalls and sheet states of one event."""
    assignments = assignments_of(event.id)
    competitors = judging_competitors(event.id)
    marks = list(db.session.execute(select(Mark).where(Mark.event_id == event.id)).scalars())
    completeness, recusals = _completeness(event, assignments, competitors, marks)
    criteria = event_criteria(event)
    panel = panel_per_criterion(event, assignments)
    threshold = outlier_threshold(event.id)
    competitor_ids = {r.id for r in competitors}
    counted = [_domain_mark(m) for m in marks if m.registration_id in competitor_ids]
    judges = _panel_judges(assignments)
    sheets = dict(db.session.execute(select(JudgeSheet.judge_id, JudgeSheet.submitted_at)
                                     .where(JudgeSheet.event_id == event.id)).all())
    return Dashboard(
        event=event, locked=is_locked(event.id),
        sign_off=db.session.execute(select(EventSignOff).where(EventSignOff.event_id == event.id)).scalar_one_or_none(),
        criteria=criteria, competitors=competitors, judges=judges, panel=panel,
        values={(m.registration_id, m.criterion_id, m.judge_id): m.value for m in marks},
        completeness=completeness, recusals=recusals,
        outliers=outlier_rules.flag_outliers(counted, threshold, {c.id: c.max_mark for c in criteria}),
        shortfalls=short_panels(event, assignments, competitors, recusals),
        threshold=threshold, sheets={j.id: sheets.get(j.id) for j in judges},
        overrides=list(db.session.execute(select(RecusalOverride).where(RecusalOverride.event_id == event.id)
                                          .order_by(RecusalOverride.id)).scalars()),
    )


def _first_gap(error: InvalidState, completeness) -> tuple[str, dict]:
    """The sign-off refusal with the first gap named: competitor (code, station), criterion and judge."""
    from competitions.domain.errors import N_, Phrase
    from competitions.organize.models import Criterion

    cell = next((c for c in completeness.cells if c.missing or c.has_no_judge), None)
    if cell is None:
        return error.message, error.params
    registration = db.session.get(Registration, cell.competitor_id)
    criterion = db.session.get(Criterion, cell.criterion_id)
    judge = db.session.get(User, cell.missing[0]) if cell.missing else None
    params = {"counts": Phrase(error.message, error.params),
              "competitor": (registration.anonymous_code if registration else None) or f"R{cell.competitor_id}",
              "station": registration.station if registration and registration.station is not None else "—",
              "criterion": criterion.code if criterion else cell.criterion_id}
    if judge is None:
        return (N_("%(counts)s First: competitor %(competitor)s at station %(station)s, criterion %(criterion)s,"
                   " has no judge allowed to mark it."), params)
    params["judge"] = judge.display_name
    return (N_("%(counts)s First: competitor %(competitor)s at station %(station)s, criterion %(criterion)s,"
               " is waiting for %(judge)s."), params)


def refuse_pending_corrections(events: Iterable[Event]) -> None:
    """InvalidState when a late correction of one of ``events`` waits for the chief judge.

    The message names the first one (competitor by code and station, criterion,
    judge) and how many wait; ``params["corrections_event_id"]`` says which
    event's page lists them. Sign-off and computing results call this.
    """
    events = list(events)
    reconcile_overtaken_corrections(e.id for e in events)
    pending = list(db.session.execute(
        select(PendingCorrection).where(PendingCorrection.event_id.in_([e.id for e in events] or [-1]),
                                        PendingCorrection.status == "pending")
        .order_by(PendingCorrection.event_id, PendingCorrection.id)).scalars())
    if not pending:
        return
    first = pending[0]
    event = next(e for e in events if e.id == first.event_id)
    raise InvalidState(
        "%(event)s: %(count)d late correction(s) wait for the chief judge. First: %(judge)s corrected competitor "
        "%(competitor)s at station %(station)s, criterion %(criterion)s, to %(value)s. Accept or decline it first.",
        event=event.trade_name, count=sum(1 for c in pending if c.event_id == first.event_id),
        judge=first.judge.display_name, competitor=first.registration.anonymous_code or f"R{first.registration_id}",
        station=first.registration.station if first.registration.station is not None else "—",
        criterion=first.criterion.code, value=str(plain_decimal(first.new_value)),
        corrections_event_id=first.event_id)


def short_panels(event: Event, assignments, competitors, recusals) -> list[recusal_rules.Shortfall]:
    """(competitor, criterion) pairs whose panel, after recusal, has fewer judges than the scheme requires.

    Competitors marked absent or disqualified, and the parts a competitor was absent from, owe no marks
    and so need no panel. The chief judge's dashboard lists these; sign-off refuses them.
    """
    criteria = event_criteria(event)
    excused = excused_competitors(event.id)
    away = excused_cells(event)
    shortfalls = recusal_rules.panel_shortfalls({c.id: c.judges_required for c in criteria},
                                                panel_per_criterion(event, assignments),
                                                sorted(r.id for r in competitors if r.id not in excused), recusals)
    return [s for s in shortfalls if (s.competitor_id, s.criterion_id) not in away]


def _refuse_short_panels(event: Event, assignments, competitors, recusals) -> None:
    """InvalidState naming the first short panel (review2 M6).

    The marking scheme says how many judges mark each criterion, and scoring never averages over fewer
    (``domain.scoring``: a short panel is a problem, not a smaller mean): signing off a competitor marked
    by two of three judges would lock marks the results cannot use, or worse, rank them on another basis
    than everyone else. There is no "sign off anyway": the ways out are on the same page (the organizer
    assigns another judge, or the chief judge lifts a recusal in writing).
    """
    shortfalls = short_panels(event, assignments, competitors, recusals)
    if not shortfalls:
        return
    first = shortfalls[0]
    registration = next(r for r in competitors if r.id == first.competitor_id)
    criterion = next(c for c in event_criteria(event) if c.id == first.criterion_id)
    raise InvalidState(
        N_("The event cannot be signed off: after recusal, %(count)d competitor/criterion pair(s) have fewer judges"
           " than the marking scheme requires. First: competitor %(competitor)s at station %(station)s, criterion"
           " %(criterion)s, %(available)d of %(required)d judges. Ask the organizer to assign another judge, or"
           " lift a recusal with a reason."),
        count=len(shortfalls), competitor=registration.anonymous_code,
        station=registration.station if registration.station is not None else "—", criterion=criterion.code,
        available=first.available, required=first.required)


def sign_off_event(event: Event, *, actor: User) -> EventSignOff:
    """The chief judge signs the event off (签字确认): every mark in, every sheet submitted; marks lock."""
    if not is_chief(actor, event.id):
        raise NotAllowed("Only the chief judge of this event can sign it off.")
    if is_locked(event.id):
        raise InvalidState("The event has already been signed off.")
    if event.round == "final":
        from competitions.rounds.services import unconfirmed_finals

        if unconfirmed_finals([event]):
            raise InvalidState("The final's entrants are not known yet: the qualification from the preliminary of"
                               " %(event)s must be confirmed first.", event=event.trade_name)
    refuse_pending_corrections([event])
    assignments = assignments_of(event.id)
    competitors = judging_competitors(event.id)
    completeness, recusals = _completeness(event, assignments, competitors)
    try:
        outlier_rules.check_can_sign_off(completeness)
    except InvalidState as error:
        message, params = _first_gap(error, completeness)
        raise InvalidState(message, **params) from None
    _refuse_short_panels(event, assignments, competitors, recusals)
    disagreements = reading_disagreements(event)
    if disagreements:
        first = disagreements[0]
        raise InvalidState(
            N_("The event cannot be signed off yet: %(count)d reading(s) and their check readings disagree beyond"
               " the tolerance. First: competitor %(competitor)s at station %(station)s, criterion %(criterion)s"
               " (%(readings)s); keep one or order a re-measure on the readings page."),
            count=len(disagreements), competitor=first.registration.anonymous_code,
            station=first.registration.station if first.registration.station is not None else "—",
            criterion=first.criterion.code,
            readings=", ".join(f"{r.judge_name}: {plain_decimal(r.value)}" for r in first.readings))
    owing = {j for c in completeness.cells for j in c.expected}
    submitted = set(db.session.execute(select(JudgeSheet.judge_id).where(
        JudgeSheet.event_id == event.id, JudgeSheet.submitted_at.is_not(None))).scalars())
    pending = owing - submitted
    if pending:
        raise InvalidState("The event cannot be signed off yet: %(count)d judge(s) have not submitted their sheet.",
                           count=len(pending))
    sign_off = db.session.execute(select(EventSignOff).where(EventSignOff.event_id == event.id)).scalar_one_or_none()
    if sign_off is None:
        sign_off = EventSignOff(event_id=event.id)
        db.session.add(sign_off)
    sign_off.signed_by_id, sign_off.signed_at, sign_off.locked = actor.id, utcnow(), True
    db.session.flush()
    _audit("event.lock", actor, event, "event", event.id, new={"locked": True})
    advance_to_judging(event.competition, actor_id=actor.id, step="event.lock")
    return sign_off


def reopen_event(event: Event, *, actor: User | None, reason: str) -> EventSignOff:
    """Unlock a signed-off event (an appeal upheld): audited with the reason; the chief judge re-signs later."""
    text = (reason or "").strip()
    if not text:
        raise RuleViolation("Give a reason for reopening the event.", field="reason")
    sign_off = db.session.execute(select(EventSignOff).where(EventSignOff.event_id == event.id)).scalar_one_or_none()
    if sign_off is None or not sign_off.locked:
        raise InvalidState("The event is not signed off.")
    sign_off.locked = False
    db.session.flush()
    _audit("event.unlock", actor, event, "event", event.id, old={"locked": True}, new={"locked": False},
           reason=text)
    return sign_off


def reopen_signed_off_event(event: Event, *, actor: User | None, reason: str) -> EventSignOff:
    """Reopen a signed-off event by hand (the chief judge's or organizer's page, ``flask judging reopen``).

    For an event signed off too early: a judge to add, a recusal to lift. Before the competition's
    results are published this is the chief judge's or organizer's call, with a written reason in the
    audit trail; the chief judge signs off again afterwards. Once results are published (on notice or
    final) the published figures are the record and a mark changes only through an upheld appeal, which
    reopens the event itself (``results.appeals``): so this is refused then, naming that way.
    """
    _refuse_reopen_after_publication(event)
    return reopen_event(event, actor=actor, reason=clean_text(reason or "", field="reason", multiline=True))


def results_published(event: Event) -> bool:
    """True when the event's competition has published (or final) results: only an appeal reopens it then."""
    try:
        _refuse_after_publication(db.session.connection(), event.competition_id)
    except InvalidState:
        return True
    return False


def _refuse_reopen_after_publication(event: Event) -> None:
    if results_published(event):
        raise InvalidState(
            "The results of this competition are published: the event is reopened only by upholding an appeal "
            "(on the results page), which leads to a corrected results version.", field="reason")


# ---- check readings: disagreements for the chief judge --------------------------------------------

@dataclass(frozen=True)
class Reading:
    """One judge's reading of a check-read criterion, in the order taken."""

    judge_id: int
    judge_name: str
    value: Decimal


@dataclass(frozen=True)
class Disagreement:
    """A reading and its check reading that differ beyond the criterion's tolerance: the chief judge decides."""

    registration: Registration
    criterion: Criterion
    readings: tuple[Reading, ...]
    difference: Decimal
    tolerance: Decimal


def _check_criteria(event: Event) -> list[Criterion]:
    """The measured criteria: read once, or with a check reading."""
    return [c for c in event_criteria(event) if c.kind == "measurement"]


def _readings_by_cell(event: Event, criterion_ids: list[int]) -> dict[tuple[int, int], list[Reading]]:
    rows = db.session.execute(
        select(Mark.registration_id, Mark.criterion_id, Mark.judge_id, User.display_name, Mark.value)
        .join(User, User.id == Mark.judge_id)
        .where(Mark.event_id == event.id, Mark.criterion_id.in_(criterion_ids)).order_by(Mark.id)).all()
    cells: dict[tuple[int, int], list[Reading]] = {}
    for registration_id, criterion_id, judge_id, name, value in rows:
        cells.setdefault((registration_id, criterion_id), []).append(Reading(judge_id, name, Decimal(value)))
    return cells


def _kept(event_id: int) -> dict[tuple[int, int], ReadingDecision]:
    """The latest decision of each cell."""
    latest: dict[tuple[int, int], ReadingDecision] = {}
    for decision in db.session.execute(select(ReadingDecision).where(ReadingDecision.event_id == event_id)
                                       .order_by(ReadingDecision.id)).scalars():
        latest[(decision.registration_id, decision.criterion_id)] = decision
    return latest


def _as_readings(readings) -> dict[int, Decimal]:
    return {r.judge_id: r.value for r in readings}


def reading_disagreements(event: Event) -> list[Disagreement]:
    """The open disagreements of the event's measured criteria, by station then criterion.

    Open: a check reading differs from the reading beyond the tolerance, a
    criterion read once holds readings that differ (recorded before readings
    were refused at write time, or before reading slots closed the race of two
    judges writing at the same instant), or a criterion holds more readings
    than it takes; and no decision of the chief judge to keep one
    holds for them as they are now (a reading changed since reopens it;
    ``domain.readings.decided_value``).
    """
    criteria = _check_criteria(event)
    if not criteria:
        return []
    by_id = {c.id: c for c in criteria}
    excused = excused_competitors(event.id)
    competitors = {r.id: r for r in judging_competitors(event.id) if r.id not in excused}
    kept = _kept(event.id)
    out = []
    for (registration_id, criterion_id), readings in _readings_by_cell(event, list(by_id)).items():
        criterion = by_id[criterion_id]
        if registration_id not in competitors:
            continue
        extra = len(readings) > criterion.judges_required  # stored before the reading slots, or a limit lowered
        if criterion.reading_mode == "check":
            rule = reading_rules.ReadingRule(reading_rules.ReadingMode.CHECK, criterion.judges_required,
                                             criterion.tolerance, criterion.check_counts or "first")
            differ = reading_rules.check_readings(rule, [r.value for r in readings]).outcome \
                is reading_rules.CheckOutcome.DISAGREE
        else:
            differ = len({r.value for r in readings}) > 1  # read once: one value, however many recorded it
        if not differ and not extra:
            continue
        decision = kept.get((registration_id, criterion_id))
        if decision is not None and decision.action == "keep" and reading_rules.decided_value(
                {int(j): Decimal(v) for j, v in (decision.readings or {}).items()}, _as_readings(readings),
                decision.kept_judge_id) is not None:
            continue
        values = [r.value for r in readings]
        out.append(Disagreement(competitors[registration_id], criterion, tuple(readings), max(values) - min(values),
                                criterion.tolerance))
    return sorted(out, key=lambda d: (d.registration.station or 0, d.registration.id, d.criterion.position))


def reading_decisions(event_id: int) -> list[ReadingDecision]:
    """Every decision on disagreeing readings of the event, newest first (the page's history)."""
    return list(db.session.execute(select(ReadingDecision).where(ReadingDecision.event_id == event_id)
                                   .order_by(ReadingDecision.id.desc())).scalars())


def decide_reading(event: Event, *, actor: User, registration_id: int, criterion_id: int, keep_judge_id: int | None,
                   reason: str) -> ReadingDecision:
    """The chief judge settles an open disagreement: keep one judge's reading, or order a re-measure; audited.

    Keep (``keep_judge_id``): that reading counts, for as long as both readings
    stay as they are now. Re-measure (``keep_judge_id`` None): both readings are
    voided (their values kept in the audit trail) and the judges' submitted
    sheets reopened, so the two judges read the competitor again; refused once
    the event is signed off (reopen it first).
    """
    if not is_chief(actor, event.id):
        raise NotAllowed("Only the chief judge of this event can do this.")
    text = mark_rules.check_reason(reason)
    open_ones = {(d.registration.id, d.criterion.id): d for d in reading_disagreements(event)}
    found = open_ones.get((registration_id, criterion_id))
    if found is None:
        raise InvalidState("These readings are not an open disagreement (decided already, or they agree).")
    seen = {str(r.judge_id): str(r.value) for r in found.readings}
    if keep_judge_id is not None:
        kept = next((r for r in found.readings if r.judge_id == keep_judge_id), None)
        if kept is None:
            raise RuleViolation("Choose one of the two readings.", field="keep")
        decision = ReadingDecision(event_id=event.id, registration_id=registration_id, criterion_id=criterion_id,
                                   action="keep", kept_judge_id=kept.judge_id, value=kept.value, readings=seen,
                                   reason=text, decided_by_id=actor.id)
        db.session.add(decision)
        db.session.flush()
        _audit("reading.keep", actor, event, "registration", registration_id,
               old={"criterion": found.criterion.code, "readings": seen},
               new={"criterion": found.criterion.code, "kept": kept.judge_name, "value": str(kept.value)},
               reason=text)
        return decision
    if is_locked(event.id):
        raise InvalidState("The event has been signed off; reopen it before ordering a re-measure.")
    judges = [r.judge_id for r in found.readings]
    for mark in db.session.execute(select(Mark).where(Mark.registration_id == registration_id,
                                                      Mark.criterion_id == criterion_id)).scalars():
        _audit("mark.void", actor, event, "mark", mark.id, old=_mark_json(mark), reason=text)
        db.session.delete(mark)
    for sheet in db.session.execute(select(JudgeSheet).where(
            JudgeSheet.event_id == event.id, JudgeSheet.judge_id.in_(judges),
            JudgeSheet.submitted_at.is_not(None))).scalars():
        sheet.submitted_at = None
        _audit("sheet.reopen", actor, event, "judge_sheet", sheet.id, new={"judge_id": sheet.judge_id}, reason=text)
    decision = ReadingDecision(event_id=event.id, registration_id=registration_id, criterion_id=criterion_id,
                               action="remeasure", readings=seen, reason=text, decided_by_id=actor.id)
    db.session.add(decision)
    db.session.flush()
    _audit("reading.remeasure", actor, event, "registration", registration_id,
           old={"criterion": found.criterion.code, "readings": seen}, new={"criterion": found.criterion.code},
           reason=text)
    return decision


# ---- judge's start page ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MyEvent:
    """One event on a judge's start page."""

    event: Event
    chief: bool
    criteria: list[Criterion]
    locked: bool
    submitted: bool
    percent_complete: int | None = None  # chief judge's events: how complete the marks are, in whole percent
    late_corrections: int = 0  # late corrections waiting for the chief judge (the chief's: all; a judge's: their own)


def my_events(user: User) -> list[MyEvent]:
    """The events ``user`` is assigned to, chief-judge duties included."""
    rows = db.session.execute(select(JudgeAssignment).where(JudgeAssignment.user_id == user.id)
                              .order_by(JudgeAssignment.event_id, JudgeAssignment.id)).scalars().all()
    out = []
    reconcile_overtaken_corrections({a.event_id for a in rows})   # one statement for all the user's events
    for event_id in sorted({a.event_id for a in rows}):
        event = db.session.get(Event, event_id)
        if event.cancelled:
            continue
        chief = any(a.is_chief for a in rows if a.event_id == event_id)
        percent = int(_completeness(event)[0].fraction * 100) if chief else None
        waiting = select(func.count(PendingCorrection.id)).where(PendingCorrection.event_id == event_id,
                                                                 PendingCorrection.status == "pending")
        if not chief:
            waiting = waiting.where(PendingCorrection.judge_id == user.id)
        out.append(MyEvent(event, chief, [] if chief else judge_criteria(event, user.id), is_locked(event_id),
                           _sheet_submitted(event_id, user.id), percent, db.session.execute(waiting).scalar_one()))
    return out


# ---- audit log ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditFilter:
    """Filters of the audit log page and its export."""

    competition_id: int | None = None
    event_id: int | None = None
    action: str = ""
    actor: str = ""
    since: datetime | None = None
    until: datetime | None = None


def audit_query(base: Select, filters: AuditFilter, competition_ids: list[int] | None) -> Select:
    """Restrict an audit query to the competitions visible (None: all) and the filters."""
    stmt = base
    if competition_ids is not None:
        stmt = stmt.where(AuditEntry.competition_id.in_(competition_ids or [-1]))
    if filters.competition_id:
        stmt = stmt.where(AuditEntry.competition_id == filters.competition_id)
    if filters.event_id:
        stmt = stmt.where(AuditEntry.event_id == filters.event_id)
    if filters.action:
        stmt = stmt.where(AuditEntry.action.startswith(filters.action))
    if filters.actor:
        stmt = stmt.join(User, AuditEntry.actor_id == User.id).where(User.username == filters.actor)
    if filters.since:
        stmt = stmt.where(AuditEntry.at >= filters.since)
    if filters.until:
        stmt = stmt.where(AuditEntry.at < filters.until)
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def audit_workbook(entries: Iterable[AuditEntry], headers: list[str], to_local, *, readable: bool = False) -> bytes:
    """The audit entries as an .xlsx workbook (one row each).

    ``readable``: actions, fields and values in the reader's language (the web
    export); otherwise the stored codes and JSON keys (the operator's CLI export).
    """
    from competitions.spreadsheets import Book

    book = Book()
    sheet = book.sheet("audit", widths=(8, 20, 14, 18, 16, 10, 12, 10, 40, 40, 40, 16), freeze_rows=1)
    sheet.header(headers)
    for e in entries:
        sheet.row([
            e.id, to_local(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor.username if e.actor else "",
            audit_labels.action_label(e.action) if readable else e.action, e.object_type, e.object_id,
            e.competition_id, e.event_id, _values(e.old_value, e.object_type, to_local, readable),
            _values(e.new_value, e.object_type, to_local, readable), e.reason, e.remote_addr,
        ])
    return book.to_bytes()


def _values(value: dict | None, object_type: str, to_local, readable: bool) -> str:
    if readable:
        return audit_labels.values_text(value, object_type, to_local)
    return ", ".join(f"{k}={v}" for k, v in sorted((value or {}).items()))
