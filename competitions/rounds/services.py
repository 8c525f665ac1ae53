"""Rounds: a preliminary (初赛 / 预赛) and a final (决赛) of one trade inside one competition.

The practice, as contest rules state it ("理论知识初赛前 30 名（并列第 30 名者同时
晋级）进入技能操作决赛"; "初赛成绩占决赛总成绩的 30 %"):

* A round structure turns an event into the preliminary and adds its final, a
  second event of the same competition, trade and group (``Event.round``):
  each round has its own marking scheme, judges, tablets, recusal and sign-off,
  exactly as any event. It is set up while events may still change (before
  judging), like the schemes.
* The final states who qualifies (``domain.qualification``): the top N places
  (everyone tied at the N-th place goes too) or the top per cent of the
  entrants, rounded as the rule says. Those who did not pass the
  preliminary's pass marks, the absent and the disqualified do not qualify.
* Once the chief judge has signed the preliminary off, its standing is
  computed and frozen with each competitor's qualification and the reason
  (``RoundStanding``). It is published on its own (public page), before the
  final is judged; the competition's results do not wait for it, nor it for them.
* The chief judge or organizer confirms the qualification: each qualifier is
  entered in the final with the facts frozen on their approved preliminary
  registration (employer, level, student), never a live profile, and stations
  and anonymous codes are drawn for the final. Nobody types an entrant again.
* A way out: until the final has begun (a mark recorded), the qualification
  can be undone and recomputed, each time with a reason, audited.
* The final's scheme may carry a part from the preliminary (``SchemePart
  .carried_from``): the qualifier's own mark of that part, frozen here, counts
  with the final's weight (``carried_marks``); nobody marks it again.
* The competition's results rank the final and award its prizes; the
  preliminary's other competitors are listed with their preliminary place as
  "did not qualify" (``ResultEntry.round_reached``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, delete, select, update

from competitions.audit.services import record
from competitions.domain import qualification as rules
from competitions.domain.awards import FractionRounding
from competitions.domain.errors import Conflict, InvalidState, RuleViolation
from competitions.domain.inputs import clean_text, parse_decimal, parse_int
from competitions.extensions import db
from competitions.organize.models import Event
from competitions.registration.models import Registration, StationDraw
from competitions.rounds.models import RoundStanding, RoundStandingEntry

ROUNDING_CHOICES = tuple(r.value for r in FractionRounding)


# --- the structure ------------------------------------------------------------------------------


def final_of(preliminary: Event) -> Event | None:
    """The final round whose preliminary is ``preliminary`` (None when the event is held once)."""
    return db.session.execute(
        select(Event).where(Event.preliminary_event_id == preliminary.id, Event.round == "final")
    ).scalar_one_or_none()


def preliminary_of(final: Event) -> Event | None:
    """The preliminary of a final round."""
    return db.session.get(Event, final.preliminary_event_id) if final.preliminary_event_id else None


def rule_json(*, top: int | str | None = None, percent: Decimal | str | None = None,
              rounding: str | None = "down") -> dict:
    """A qualification rule as stored on the final event, checked by the domain rule first."""
    rounding = rounding or "down"
    if top not in (None, ""):
        top = parse_int(top, field="top", minimum=1, maximum=100000)
    else:
        top = None
    percent = None if percent in (None, "") else parse_decimal(percent, field="percent", places=2)
    if rounding not in ROUNDING_CHOICES:
        raise RuleViolation("Round a fraction down, up or to the nearest.", field="rounding")
    rule = rules.QualificationRule(top=top, percent=percent, rounding=rounding)
    if rule.top is not None:
        return {"top": rule.top}
    return {"percent": format(rule.percent.normalize(), "f"), "rounding": rule.rounding.value}


def rule_of(final: Event) -> rules.QualificationRule:
    """The final's stored qualification rule as ``domain.qualification`` needs it."""
    stored = final.qualification_rule or {}
    if not stored:
        raise InvalidState("The final of %(event)s has no qualification rule yet.", field="qualification",
                           event=final.trade_name)
    percent = stored.get("percent")
    return rules.QualificationRule(top=stored.get("top"), percent=None if percent is None else Decimal(percent),
                                   rounding=stored.get("rounding") or "down",
                                   absent_are_entrants=bool(final.absent_are_entrants))


def _require_structure_editable(event: Event) -> None:
    from competitions.organize.services import _require_editable

    _require_editable(event.competition)


def create_final(preliminary: Event, *, rule: dict, actor_id: int | None) -> Event:
    """Hold ``preliminary``'s trade in two rounds: it becomes the preliminary and a final event is added.

    The final copies the event's details (trade, group, levels, dates) and
    starts with an empty marking scheme, to be set like any other.
    """
    _require_structure_editable(preliminary)
    if preliminary.round:
        raise InvalidState("%(event)s is already a round of a two-round event.", event=preliminary.trade_name)
    if preliminary.cancelled:
        raise InvalidState("%(event)s has been cancelled.", event=preliminary.trade_name)
    if preliminary.is_team:
        raise RuleViolation("Rounds are for individual events; %(event)s is a team event.", field="event",
                            event=preliminary.trade_name)
    if not rule:
        raise RuleViolation("Say either how many places qualify or what share of the entrants does.",
                            field="qualification")
    final = Event(
        competition_id=preliminary.competition_id, trade_name=preliminary.trade_name,
        trade_code=preliminary.trade_code, group=preliminary.group, target_level=preliminary.target_level,
        required_level=preliminary.required_level, min_age=preliminary.min_age, max_age=preliminary.max_age,
        capacity=preliminary.capacity, starts_on=preliminary.ends_on or preliminary.starts_on,
        ends_on=preliminary.ends_on, round="final", preliminary_event_id=preliminary.id, qualification_rule=rule,
        tie_break=[], award_rule=dict(preliminary.award_rule or {}), scheme_valid=False,
    )
    preliminary.round = "preliminary"
    db.session.add(final)
    db.session.flush()
    record("rounds.create", actor_id=actor_id, object_type="event", object_id=final.id,
           competition_id=preliminary.competition_id, event_id=preliminary.id,
           new={"preliminary": preliminary.id, "final": final.id, "rule": rule})
    return final


def remove_final(final: Event, *, actor_id: int | None) -> Event:
    """Undo a round structure before judging: the final is removed and the preliminary is a single event again."""
    _require_structure_editable(final)
    preliminary = preliminary_of(final)
    if final.round != "final" or preliminary is None:
        raise InvalidState("%(event)s is not a final round.", event=final.trade_name)
    if db.session.execute(select(Registration.id).where(Registration.event_id == final.id).limit(1)).first():
        raise InvalidState("The final already has entrants; undo the qualification first.")
    preliminary.round = ""
    record("rounds.remove", actor_id=actor_id, object_type="event", object_id=final.id,
           competition_id=final.competition_id, event_id=preliminary.id, old={"final": final.id})
    db.session.delete(final)
    db.session.flush()
    return preliminary


def set_rule(final: Event, rule: dict, *, actor_id: int | None, reason: str = "") -> None:
    """Change who qualifies for the final; refused once the qualification is confirmed (undo it first)."""
    if final.round != "final":
        raise InvalidState("%(event)s is not a final round.", event=final.trade_name)
    standing = standing_of(final.preliminary_event_id)
    if standing is not None and standing.status == "confirmed":
        raise InvalidState("The qualification is confirmed; undo it (with a reason) before changing the rule.")
    old = dict(final.qualification_rule or {})
    reason = _reason(reason)
    if standing is not None and not reason:
        raise RuleViolation("The preliminary's standing is already computed; give the reason for changing the rule.",
                            field="reason")
    final.qualification_rule = rule
    record("rounds.rule", actor_id=actor_id, object_type="event", object_id=final.id,
           competition_id=final.competition_id, event_id=final.id, old={"rule": old}, new={"rule": rule},
           reason=reason)
    db.session.flush()


MAX_REASON = 1000


def _reason(text: str | None) -> str:
    """A reason as typed: the shared text rules (no control characters), trimmed, at most 1,000 characters."""
    reason = clean_text(text or "", field="reason", multiline=True).strip()
    if len(reason) > MAX_REASON:
        raise RuleViolation("The reason is too long (at most %(max)s characters).", field="reason", max=MAX_REASON)
    return reason


# --- the preliminary's standing and qualification ----------------------------------------------


def standing_of(preliminary_event_id: int | None) -> RoundStanding | None:
    """The computed standing of a preliminary (None before it is computed)."""
    if preliminary_event_id is None:
        return None
    return db.session.execute(
        select(RoundStanding).where(RoundStanding.preliminary_event_id == preliminary_event_id)
    ).scalar_one_or_none()


def final_begun(final: Event) -> bool:
    """Whether the final has begun: a judge has recorded a mark, or it has been signed off."""
    from competitions.judging.models import EventSignOff, Mark

    return (db.session.execute(select(Mark.id).where(Mark.event_id == final.id).limit(1)).first() is not None
            or db.session.execute(select(EventSignOff.id).where(EventSignOff.event_id == final.id)).first()
            is not None)


def compute_qualification(preliminary: Event, *, actor_id: int | None, now: datetime,
                          reason: str = "") -> RoundStanding:
    """Compute and freeze the preliminary's standing with each competitor's qualification (replacing one not
    yet confirmed; a recomputation needs a reason)."""
    from competitions.judging.services import is_locked
    from competitions.results.standing import _people, check_publishable, event_standing

    final = final_of(preliminary)
    if preliminary.round != "preliminary" or final is None:
        raise InvalidState("%(event)s is not the preliminary of a final.", event=preliminary.trade_name)
    if final.cancelled:
        raise InvalidState("The final of %(event)s has been cancelled.", event=preliminary.trade_name)
    if not is_locked(preliminary.id):
        raise InvalidState("The chief judge must sign the preliminary of %(event)s off before qualification is"
                           " computed.", field="sign_off", event=preliminary.trade_name)
    rule = rule_of(final)
    current = standing_of(preliminary.id)
    reason = _reason(reason)
    if current is not None:
        if current.status == "confirmed":
            raise InvalidState("The qualification is confirmed; undo it (with a reason) before computing again.")
        if not reason:
            raise RuleViolation("The standing is already computed; give the reason for computing it again.",
                                field="reason")
    standing = event_standing(preliminary)
    check_publishable(standing)
    outcomes = rules.qualifiers(standing.ranking, rule)
    published_at, published_by = (current.published_at, current.published_by_id) if current else (None, None)
    if current is not None:
        db.session.delete(current)
        db.session.flush()
    scores = {s.competitor_id: s for s in standing.scores.scores}
    entries = {e.competitor_id: e for e in standing.ranking.entries}
    people = _people(list(entries))
    cut = outcomes[0].cut if outcomes else 0
    count = outcomes[0].qualifiers if outcomes else 0
    row = RoundStanding(preliminary_event_id=preliminary.id, final_event_id=final.id, status="computed",
                        rule=dict(final.qualification_rule), cut=cut, qualifier_count=count, computed_at=now,
                        computed_by_id=actor_id, published_at=published_at, published_by_id=published_by,
                        reason=reason)
    db.session.add(row)
    db.session.flush()
    lines = []
    for position, outcome in enumerate(outcomes, start=1):
        entry = entries[outcome.competitor_id]
        passed = standing.passes.get(outcome.competitor_id)
        code, station, name, employer, worker_id = people[outcome.competitor_id]
        lines.append({
            "standing_id": row.id, "registration_id": outcome.competitor_id, "position": position,
            "rank": entry.rank, "tied": entry.tied, "total": entry.total,
            "part_marks": {k: str(v) for k, v in scores[outcome.competitor_id].part_marks.items()},
            "passed": None if passed is None else passed.passed, "absent": bool(entry.absent),
            "disqualified": bool(entry.disqualified), "qualified": outcome.qualified, "reason": outcome.reason.value,
            "anonymous_code": code, "station": station, "name": name, "employer": employer, "worker_id": worker_id,
            "final_registration_id": None})
    if lines:  # one statement for the whole standing (a preliminary of a thousand), as results entries are written
        db.session.execute(RoundStandingEntry.__table__.insert(), lines)
    db.session.expire(row, ["entries"])
    record("rounds.compute" if current is None else "rounds.recompute", actor_id=actor_id,
           object_type="round_standing", object_id=row.id, competition_id=preliminary.competition_id,
           event_id=preliminary.id, new={"rule": row.rule, "cut": cut, "qualifiers": count}, reason=reason)
    return row


def confirm_qualification(standing: RoundStanding, *, actor, now: datetime) -> list[Registration]:
    """Enter the qualifiers in the final (facts copied from their approved preliminary registrations) and draw
    the final's stations and codes; the qualification is then confirmed."""
    from competitions.registration.services import draw_event

    final = db.session.get(Event, standing.final_event_id)
    if standing.status == "confirmed":
        raise Conflict("The qualification is already confirmed.")
    if final.cancelled:
        raise InvalidState("The final of %(event)s has been cancelled.", event=final.trade_name)
    from competitions.judging.services import is_locked

    if not is_locked(standing.preliminary_event_id):
        raise InvalidState("The preliminary was reopened after its standing was computed; sign it off and compute"
                           " the qualification again.")
    if dict(final.qualification_rule or {}) != dict(standing.rule or {}):
        raise InvalidState("The qualification rule changed after the standing was computed; compute it again.")
    qualified = [e for e in standing.entries if e.qualified]
    if not qualified:
        raise InvalidState("Nobody qualifies for the final.")
    sources = {r.id: r for r in db.session.execute(
        select(Registration).where(Registration.id.in_([e.registration_id for e in qualified]))).scalars()}
    rows = []
    for entry in qualified:
        source = sources[entry.registration_id]
        if source.status != "approved":
            raise InvalidState("The preliminary registration of %(competitor)s is no longer approved; compute the"
                               " qualification again.", competitor=entry.anonymous_code or entry.registration_id)
        # The facts frozen on the approved preliminary registration, copied as they are (never a live profile).
        rows.append({"event_id": final.id, "worker_id": source.worker_id, "status": "approved", "source": "qualified",
                     "submitted_by_id": actor.id, "decided_by_id": actor.id, "decided_at": now, "checked_in": False,
                     "employer_id": source.employer_id, "employer_parent_id": source.employer_parent_id,
                     "skill_level": source.skill_level, "is_student": source.is_student,
                     "decision_reason": "qualified from the preliminary", "team_name": None})
    # One statement for every qualifier (a final of hundreds); the rows are read back by worker.
    db.session.execute(Registration.__table__.insert(), rows)
    entered = dict(db.session.execute(
        select(Registration.worker_id, Registration.id).where(Registration.event_id == final.id)).all())
    made = [(entry, entered[sources[entry.registration_id].worker_id]) for entry in qualified]
    lines = RoundStandingEntry.__table__
    db.session.execute(update(lines).where(lines.c.id == bindparam("b_id"))
                       .values(final_registration_id=bindparam("b_registration")),
                       [{"b_id": entry.id, "b_registration": rid} for entry, rid in made])
    for entry, _rid in made:
        db.session.expire(entry, ["final_registration_id"])
    standing.status, standing.confirmed_at, standing.confirmed_by_id = "confirmed", now, actor.id
    db.session.flush()
    draw_event(final, actor)
    record("rounds.confirm", actor_id=actor.id, object_type="round_standing", object_id=standing.id,
           competition_id=final.competition_id, event_id=final.id,
           new={"qualifiers": [e.registration_id for e, _ in made], "final_registrations": [r for _, r in made]})
    return list(db.session.execute(select(Registration).where(Registration.event_id == final.id)
                                   .order_by(Registration.id)).scalars())


def undo_qualification(standing: RoundStanding, *, actor_id: int | None, reason: str) -> None:
    """Take the qualifiers out of the final again, until the final has begun; with a reason, audited."""
    final = db.session.get(Event, standing.final_event_id)
    reason = _reason(reason)
    if standing.status != "confirmed":
        raise InvalidState("The qualification is not confirmed; there is nothing to undo.")
    if not reason:
        raise RuleViolation("Give the reason for undoing the qualification.", field="reason")
    if final_begun(final):
        raise InvalidState("The final of %(event)s has begun (marks are recorded); the qualification can no longer"
                           " be undone.", event=final.trade_name)
    ids = [e.final_registration_id for e in standing.entries if e.final_registration_id]
    lines = RoundStandingEntry.__table__
    db.session.execute(update(lines).where(lines.c.standing_id == standing.id).values(final_registration_id=None))
    for entry in standing.entries:
        db.session.expire(entry, ["final_registration_id"])
    from competitions.results.models import ResultAdjustment

    db.session.execute(delete(ResultAdjustment).where(ResultAdjustment.event_id == final.id))
    db.session.execute(delete(StationDraw).where(StationDraw.event_id == final.id))
    db.session.execute(delete(Registration).where(Registration.event_id == final.id))
    standing.status, standing.confirmed_at, standing.confirmed_by_id = "computed", None, None
    standing.reason = reason
    db.session.flush()
    record("rounds.undo", actor_id=actor_id, object_type="round_standing", object_id=standing.id,
           competition_id=final.competition_id, event_id=final.id, old={"final_registrations": ids}, reason=reason)


def publish_standing(standing: RoundStanding, *, actor_id: int | None, now: datetime) -> None:
    """Publish the preliminary's standing with the qualification (public page), before the final is judged."""
    if standing.published_at is not None:
        raise Conflict("The preliminary's standing is already published.")
    standing.published_at, standing.published_by_id = now, actor_id
    db.session.flush()
    record("rounds.publish", actor_id=actor_id, object_type="round_standing", object_id=standing.id,
           competition_id=db.session.get(Event, standing.preliminary_event_id).competition_id,
           event_id=standing.preliminary_event_id, new={"published_at": now.isoformat()})


# --- what the final and the results read --------------------------------------------------------


def carried_marks(final: Event) -> dict[int, dict[str, Decimal]]:
    """Each finalist's marks of the parts carried from the preliminary: {final registration: {part: mark}}."""
    carried = {p.code: p.carried_from for p in final.parts if p.carried_from}
    if not carried or not final.preliminary_event_id:
        return {}
    rows = db.session.execute(
        select(RoundStandingEntry.final_registration_id, RoundStandingEntry.part_marks)
        .join(RoundStanding, RoundStanding.id == RoundStandingEntry.standing_id)
        .where(RoundStanding.preliminary_event_id == final.preliminary_event_id,
               RoundStandingEntry.final_registration_id.is_not(None))
    ).all()
    out: dict[int, dict[str, Decimal]] = {}
    for registration_id, marks in rows:
        out[registration_id] = {code: Decimal(str(marks[source])) for code, source in carried.items()
                                if (marks or {}).get(source) not in (None, "")}
    return out


def finalists_of(standing: RoundStanding) -> list[tuple[RoundStandingEntry, Registration]]:
    """The qualifiers with their registration in the final (its station and code), in preliminary order."""
    ids = [e.final_registration_id for e in standing.entries if e.final_registration_id]
    registrations = {r.id: r for r in db.session.execute(
        select(Registration).where(Registration.id.in_(ids))).scalars()} if ids else {}
    return [(e, registrations[e.final_registration_id]) for e in standing.entries
            if e.final_registration_id in registrations]


def non_qualifiers(final: Event) -> list[RoundStandingEntry]:
    """The preliminary's competitors who did not qualify for ``final``, in preliminary standing order."""
    return list(db.session.execute(
        select(RoundStandingEntry).join(RoundStanding, RoundStanding.id == RoundStandingEntry.standing_id)
        .where(RoundStanding.final_event_id == final.id, RoundStandingEntry.qualified.is_(False))
        .order_by(RoundStandingEntry.position)
    ).scalars())


def unconfirmed_finals(events: list[Event]) -> list[Event]:
    """The live finals among ``events`` whose qualification is not confirmed yet (their results cannot exist).

    A final whose preliminary was cancelled cannot be held; it never holds up the others.
    """
    cancelled = set(db.session.execute(select(Event.id).where(
        Event.id.in_([e.preliminary_event_id for e in events if e.round == "final"]),
        Event.cancelled_at.is_not(None))).scalars())
    finals = [e for e in events if e.round == "final" and not e.cancelled and e.preliminary_event_id not in cancelled]
    if not finals:
        return []
    confirmed = set(db.session.execute(
        select(RoundStanding.final_event_id).where(RoundStanding.final_event_id.in_([e.id for e in finals]),
                                                   RoundStanding.status == "confirmed")
    ).scalars())
    return [e for e in finals if e.id not in confirmed]
