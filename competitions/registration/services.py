"""Registration operations: self-registration, review, withdrawal, waiting list, closing, draw, reveal.

The competition notice (竞赛通知) sets the entry rules; a worker registers
from a phone or tablet, an enterprise union submits a roster, and the
organizer reviews eligibility (资格审核), closes registration at the deadline,
draws stations (抽签) and issues anonymous codes (加密号). Each operation here
loads rows, asks the pure rules in ``competitions.domain`` (identity,
eligibility, draw), writes, records an audit row and flushes; the caller
commits once. Nothing is partly saved: every check runs before the first write.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, select, update

from competitions.audit.services import record
from competitions.auth.models import User
from competitions.db import utcnow
from competitions.domain import draw as draw_rules
from competitions.domain import eligibility as rules
from competitions.domain import inputs, lifecycle
from competitions.domain.errors import N_, Code, InvalidState, NotAllowed, RuleViolation, ValidationErrors
from competitions.domain.identity import NationalId, check_consistent, mask_national_id, parse_national_id
from competitions.domain.inputs import normalize_name, tidy_name
from competitions.extensions import db
from competitions.organize.models import Competition, Event
from competitions.organize.services import change_status
from competitions.orgs.models import Organization, Worker
from competitions.people import services as people
from competitions.registration.models import Registration, StationDraw

# The one answer to a new account for a number already on file, whether a roster record or another account.
EXISTING_RECORD_MESSAGE = N_(
    "A record with this identity number already exists, so a new account cannot take it over. If it is yours, "
    "open “Claim my record”: enter the claim code your union organizer gives you, or send a claim request that "
    "the organizer of your employer confirms. If it is not yours, check the number you typed."
)

# Registrations that hold one of the event's places (the waiting list does not).
PLACE_HOLDING = ("pending", "approved")


@dataclass(frozen=True)
class WorkerDetails:
    """The personal details a worker confirms when registering (or a roster row carries)."""

    name: str
    gender: str
    birth_date: date | None
    national_id: str
    phone: str
    employer_id: int | None
    skill_level: int | None
    certificate_no: str = ""
    is_student: bool = False
    team_name: str = ""


def event_rules(event: Event) -> rules.EventRules:
    """The entry rules of ``event``: age on the competition's first day, group, level, capacity, window."""
    competition = event.competition
    return rules.EventRules(
        reference_date=competition.starts_on, group=event.group, min_age=event.min_age, max_age=event.max_age,
        min_skill_level=event.required_level, capacity=event.capacity,
        opens_at=competition.registration_opens_at, closes_at=competition.registration_closes_at,
    )


def organizer_org_ids(competition: Competition) -> set[int]:
    """Ids of the organizing organization and everything below it (whose workers may enter)."""
    root = competition.organization
    return set(db.session.execute(
        select(Organization.id).where(Organization.path.startswith(root.path))
    ).scalars())


def registration_closed_reason(competition: Competition, now: datetime,
                               event: Event | None = None) -> rules.Reason | None:
    """Why nobody can register now (the event cancelled, status not open, or outside the window), or None."""
    if event is not None and event.cancelled:
        return rules.Reason("event_cancelled", N_("This event has been cancelled: %(reason)s"),
                            {"reason": event.cancel_reason})
    if event is not None and event.round == "final":
        return rules.Reason("final_round", N_("The entrants of a final are the qualifiers of its preliminary;"
                                              " register for the preliminary."), {})
    if competition.status != "open":
        return rules.Reason("competition_not_open", "This competition is not open for registration.")
    found = rules.window_reasons(
        rules.EventRules(reference_date=competition.starts_on, opens_at=competition.registration_opens_at,
                         closes_at=competition.registration_closes_at), now)
    return found[0] if found else None


def parse_details(details: WorkerDetails, *, today: date) -> tuple[NationalId, list[dict]]:
    """The parsed ID number and every contradiction with the typed date of birth and gender.

    Raises RuleViolation when the number itself is malformed or fails the GB 11643 checksum. A name that
    cannot be a person's name (``inputs.person_name``) is one of the problems.
    """
    parsed = parse_national_id(details.national_id, today=today)
    problems = check_consistent(parsed, details.birth_date, details.gender or None)
    try:
        inputs.person_name(details.name, field="name")
    except inputs.InputError as error:
        problems.insert(0, {"field": "name", "code": error.code, "message": error.message, "params": error.params})
    return parsed, problems


def applicant_of(details: WorkerDetails, parsed: NationalId, person_id: int = 0) -> rules.Applicant:
    """The facts the entry rules look at, taken from the ID number (birth date, gender) and the form."""
    return rules.Applicant(person_id=person_id, birth_date=parsed.birth_date, gender=parsed.gender,
                           is_student=details.is_student, skill_level=details.skill_level,
                           employer_org_id=details.employer_id)


def lock_event_places(event: Event) -> None:
    """Serialise changes to an event's places: two people must not both take the last one.

    PostgreSQL takes a row lock on the event until the transaction ends; SQLite
    ignores FOR UPDATE, but its write transactions already begin IMMEDIATE.
    """
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def place_count(event: Event) -> int:
    """Registrations holding a place in ``event`` (pending or approved)."""
    return db.session.execute(
        select(func.count(Registration.id)).where(Registration.event_id == event.id,
                                                  Registration.status.in_(PLACE_HOLDING))
    ).scalar_one()


def _existing_of(event: Event, worker: Worker | None) -> list[rules.ExistingRegistration]:
    if worker is None or worker.id is None:
        return []
    rows = db.session.execute(
        select(Registration.id, Registration.status).where(Registration.event_id == event.id,
                                                           Registration.worker_id == worker.id)
    ).all()
    return [rules.ExistingRegistration(rid, status) for rid, status in rows]


def worker_by_national_id(number: str) -> Worker | None:
    """The worker holding this (normalized) ID number, if any."""
    return db.session.execute(select(Worker).where(Worker.national_id == number)).scalar_one_or_none()


def check_self_registration(event: Event, details: WorkerDetails, user: User,
                            now: datetime) -> tuple[NationalId, Worker | None, rules.EligibilityResult]:
    """Every check of a self-registration, before anything is written.

    A person registers only themselves: a record that already exists is never
    taken over by ID number alone (it is claimed first, ``people.services``), and
    the name and employer on one's own record change only through an organizer.
    Raises ValidationErrors listing every problem (ID number, contradictions,
    someone else's number, eligibility, window); returns the parsed number, the
    existing worker (if any) and the verdict (which may send the person to the
    waiting list).
    """
    parsed, problems = parse_details(details, today=now.date())
    own = db.session.execute(select(Worker).where(Worker.user_id == user.id)).scalar_one_or_none()
    # A linked account gets one answer for every number but its own, whoever holds it (review2 M1: three
    # answers told any worker which numbers belong to an account, to a roster record, or to nobody).
    if own is not None and own.national_id != parsed.number:
        raise NotAllowed("Your account is linked to the identity number %(masked)s. "
                         "You can register only yourself.", field="national_id",
                         masked=mask_national_id(own.national_id))
    worker = worker_by_national_id(parsed.number)
    if worker is not None and worker.user_id != user.id:
        # A new account learns only that a record exists (it must claim it, if it is theirs), never whether
        # it belongs to an account; the view counts this answer against the claim budget.
        raise NotAllowed(EXISTING_RECORD_MESSAGE, field="national_id")
    if own is not None:
        problems += own_record_problems(own, details)
    closed = registration_closed_reason(event.competition, now, event)
    verdict = rules.check_registration(
        event_rules(event), applicant_of(details, parsed, worker.id if worker else 0),
        organizer_org_ids(event.competition), _existing_of(event, worker), place_count(event), now)
    reasons = [r for r in verdict.reasons if not (closed and r.code in ("not_open_yet", "registration_closed"))]
    if closed:
        reasons.insert(0, closed)
    problems += [{"field": "", "code": r.code, "message": r.message, "params": r.params} for r in reasons]
    problems += team_problems(event, details.team_name, worker)
    if problems:
        raise ValidationErrors(problems)
    return parsed, worker, verdict


def own_record_problems(own: Worker, details: WorkerDetails) -> list[dict]:
    """A self-registration may not change the name or employer on the person's own record."""
    problems = []
    if details.name.strip() != own.name:
        problems.append({"field": "name", "code": "name_differs", "params": {"name": own.name},
                         "message": N_("Your record gives your name as %(name)s. A change of name goes through "
                                       "the union organizer of your employer: ask them to correct it.")})
    if details.employer_id != own.employer_id:
        problems.append({"field": "employer_id", "code": "employer_differs", "params": {"employer": own.employer.name},
                         "message": N_("Your record names %(employer)s as your employer. If you have changed "
                                       "employer, ask the union organizer of your employer to change your record "
                                       "first; registrations already approved keep the employer they were "
                                       "approved with.")})
    return problems


def team_members(event: Event, team_name: str, *, excluding_worker_ids=()) -> int:
    """How many place-holding registrations of ``event`` carry ``team_name`` (other than the given workers)."""
    query = select(func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.team_name == team_name,
        Registration.status.in_(PLACE_HOLDING + ("waitlisted",)))
    excluded = [w for w in excluding_worker_ids if w]
    if excluded:
        query = query.where(Registration.worker_id.notin_(excluded))
    return db.session.execute(query).scalar_one()


def team_spellings(event: Event) -> dict[str, str]:
    """The event's team names by comparison key (``inputs.normalize_name``), each as first registered."""
    names = db.session.execute(
        select(Registration.team_name).where(Registration.event_id == event.id, Registration.team_name.is_not(None))
        .order_by(Registration.id)).scalars()
    spellings: dict[str, str] = {}
    for name in names:
        spellings.setdefault(normalize_name(name), name)
    return spellings


def canonical_team_name(event: Event, team_name: str, spellings: dict[str, str] | None = None) -> str:
    """The team name as stored: NFKC and single spaces, and the spelling already used in the event when
    the two differ only in width or spaces (``红 队`` joins ``红队``)."""
    tidy = tidy_name(team_name or "")
    if not tidy:
        return ""
    known = team_spellings(event) if spellings is None else spellings
    return known.setdefault(normalize_name(tidy), tidy)


def similar_team_names(event: Event) -> list[tuple[str, str]]:
    """Pairs of the event's team names an organizer should look at: the same once width and spaces are
    ignored (stored before names were normalized), or nearly the same (difflib ratio >= 0.75:
    ``电力一队``/``电力1队``)."""
    names = sorted(set(db.session.execute(
        select(Registration.team_name).where(Registration.event_id == event.id, Registration.team_name.is_not(None),
                                             Registration.status.in_(PLACE_HOLDING + ("waitlisted",)))).scalars()))
    pairs = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            ka, kb = normalize_name(a), normalize_name(b)
            if ka == kb or difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.75:
                pairs.append((a, b))
    return pairs[:50]


def team_problems(event: Event, team_name: str, worker: Worker | None) -> list[dict]:
    """A team event needs a team name, and a team holds at most ``event.team_size`` members."""
    if not event.is_team:
        return []
    team = canonical_team_name(event, team_name)
    if not team:
        return [{"field": "team_name", "code": "team_required",
                 "message": N_("This is a team event: enter your team's name."), "params": {}}]
    size = event.team_size or 1
    if team_members(event, team, excluding_worker_ids=[worker.id] if worker else ()) >= size:
        return [{"field": "team_name", "code": "team_full",
                 "message": N_("The team %(team)s already has %(size)s members, the most this event allows."),
                 "params": {"team": team, "size": size}}]
    return []


def save_worker(details: WorkerDetails, parsed: NationalId, worker: Worker | None, *,
                user_id: int | None = None, actor_id: int | None = None, reason: str = "",
                competition_id: int | None = None, event_id: int | None = None) -> Worker:
    """Create the worker or update their details; birth date and gender always come from the ID number.

    A change of an existing person's name or employer is audited (``actor_id``
    and ``reason`` say who and why). Callers decide whether the change is
    allowed: self-registration never changes them (``own_record_problems``), a
    roster only within the clerk's subtree (``importer``).
    """
    old = people.snapshot(worker) if worker is not None else None
    if worker is None:
        worker = Worker(national_id=parsed.number)
        db.session.add(worker)
    worker.name = details.name.strip()
    worker.gender = parsed.gender
    worker.birth_date = parsed.birth_date
    worker.phone = details.phone.strip()
    worker.employer_id = details.employer_id
    worker.skill_level = details.skill_level
    worker.certificate_no = details.certificate_no.strip()
    worker.is_student = details.is_student
    if user_id is not None:
        worker.user_id = user_id
    if old is not None and any(old[f] != getattr(worker, f) for f in people.AUDITED_FIELDS):
        people.audit_person_change(worker, old, actor_id=actor_id, reason=reason, competition_id=competition_id,
                                   event_id=event_id)
    return worker


def register_self(event: Event, details: WorkerDetails, user: User, now: datetime) -> Registration:
    """A logged-in competitor registers themselves: checks everything, then saves worker and registration.

    A new person's record is created and linked to the account; one's own
    record gets the contact and level details typed now (its name and employer
    were checked to be unchanged). A rejected registration may be submitted again
    (review2 M2): it returns to pending (or the waiting list) for the organizer to
    decide again, audited as ``registration.resubmit`` with the old reason.
    """
    lock_event_places(event)
    parsed, worker, verdict = check_self_registration(event, details, user, now)
    created = worker is None
    before = None if created else db.session.execute(
        select(Registration.status, Registration.decision_reason).where(Registration.event_id == event.id,
                                                                        Registration.worker_id == worker.id)
    ).first()
    worker = save_worker(details, parsed, worker, user_id=user.id, actor_id=user.id,
                         reason="self-registration")
    db.session.flush()
    if created:
        record("person.create", actor_id=user.id, object_type="worker", object_id=worker.id,
               competition_id=event.competition_id, event_id=event.id,
               new={"name": worker.name, "employer_id": worker.employer_id, "user": user.username,
                    "national_id": mask_national_id(worker.national_id)})
    registration = enter(event, worker, waitlisted=verdict.waitlisted, source="self", submitted_by_id=user.id,
                         details=details)
    registration.team_name = (canonical_team_name(event, details.team_name) or None) if event.is_team else None
    resubmitted = before is not None and before.status == "rejected"
    record("registration.resubmit" if resubmitted else "registration.create", actor_id=user.id,
           object_type="registration", object_id=registration.id, competition_id=event.competition_id,
           event_id=event.id, old={"status": before.status, "reason": before.decision_reason} if resubmitted else None,
           new={"status": registration.status, "source": "self", "team": registration.team_name})
    return registration


def enter(event: Event, worker: Worker, *, waitlisted: bool, source: str,
          submitted_by_id: int | None, details: WorkerDetails | None = None) -> Registration:
    """Write the registration (re-using a withdrawn or rejected one: one row per person and event).

    It carries the facts stated now (``details``, else the person's record):
    employer, level and student flag, frozen when approved.
    """
    registration = db.session.execute(
        select(Registration).where(Registration.event_id == event.id, Registration.worker_id == worker.id)
    ).scalar_one_or_none()
    if registration is None:
        registration = Registration(event_id=event.id, worker_id=worker.id)
        db.session.add(registration)
    else:
        # Registering again is a new entry: the waiting list orders by entry time, so the old one must not count.
        registration.created_at = utcnow()
    registration.status = "waitlisted" if waitlisted else "pending"
    registration.waitlist_position = None
    registration.source = source
    registration.submitted_by_id = submitted_by_id
    registration.decision_reason = ""
    registration.decided_by_id = None
    registration.decided_at = None
    registration.state_facts(employer_id=details.employer_id if details else worker.employer_id,
                             skill_level=details.skill_level if details else worker.skill_level,
                             is_student=details.is_student if details else worker.is_student)
    db.session.flush()
    return registration


def judging_begun(event: Event) -> bool:
    """Whether judging has begun for ``event``: its competition is in progress or later, or it has marks."""
    from competitions.judging.models import Mark

    if lifecycle.judging_has_begun(event.competition.status, marks_entered=False):
        return True
    return db.session.execute(select(Mark.id).where(Mark.event_id == event.id).limit(1)).first() is not None


def withdraw(registration: Registration, user: User, now: datetime) -> None:
    """The worker withdraws before the deadline and before judging; the first on the waiting list moves up."""
    competition = registration.event.competition
    rules.ensure_can_withdraw(now, competition.registration_closes_at, registration.status,
                              judging_begun=judging_begun(registration.event))
    held_place = registration.status in PLACE_HOLDING
    old = registration.status
    registration.status = "withdrawn"
    registration.waitlist_position = None
    record("registration.withdraw", actor_id=user.id, object_type="registration", object_id=registration.id,
           competition_id=competition.id, event_id=registration.event_id, old={"status": old},
           new={"status": "withdrawn"})
    db.session.flush()
    if held_place:
        promote_waitlist(registration.event, actor_id=user.id)


def promote_waitlist(event: Event, *, actor_id: int | None) -> list[Registration]:
    """Move people from the waiting list into free places, first in line first; they then await review."""
    lock_event_places(event)
    waiting = db.session.execute(
        select(Registration).where(Registration.event_id == event.id, Registration.status == "waitlisted")
    ).scalars().all()
    by_id = {r.id: r for r in waiting}
    entries = [rules.WaitlistEntry(r.id, r.created_at, r.waitlist_position) for r in waiting]
    promoted = [by_id[e.registration_id] for e in rules.promote_from_waitlist(event.capacity, place_count(event),
                                                                              entries)]
    for registration in promoted:
        registration.status = "pending"
        registration.waitlist_position = None
        record("registration.promote", actor_id=actor_id, object_type="registration", object_id=registration.id,
               competition_id=event.competition_id, event_id=event.id, old={"status": "waitlisted"},
               new={"status": "pending"})
    db.session.flush()
    return promoted


DECISIONS = {"approve": "approved", "reject": "rejected"}
# Which statuses each decision may start from.
DECIDABLE = {"approve": ("pending", "rejected"), "reject": ("pending", "approved", "waitlisted")}


def decide(registrations: Sequence[Registration], decision: str, reason: str, actor: User,
           now: datetime) -> int:
    """Approve or reject registrations (one or many) with a reason the worker sees; all or nothing.

    Rejecting frees places, so the waiting list moves up afterwards. Approving
    a rejected registration puts it back only while a place is free.
    """
    if decision not in DECISIONS:
        raise RuleViolation("Choose approve or reject.", field="decision")
    reason = (reason or "").strip()
    if decision == "reject" and not reason:
        raise RuleViolation("Give a reason for the rejection; the worker sees it.", field="reason")
    if not registrations:
        raise RuleViolation("Select at least one registration.", field="ids")
    wrong = [r for r in registrations if r.status not in DECIDABLE[decision]]
    if wrong:
        raise InvalidState("%(count)d of the selected registrations cannot be %(decision)s from their status "
                           "(for example %(name)s: %(status)s).", count=len(wrong), decision=Code("decision", decision),
                           name=wrong[0].worker.name, status=Code("registration_status", wrong[0].status))
    events = {}
    for registration in sorted(registrations, key=lambda r: r.id):
        old = registration.status
        if decision == "approve" and old == "rejected" and rules.is_full(registration.event.capacity,
                                                                          place_count(registration.event)):
            raise InvalidState("%(event)s is full; %(name)s cannot be approved again.",
                               event=registration.event.trade_name, name=registration.worker.name)
        registration.status = DECISIONS[decision]
        if decision == "approve":
            freeze_facts(registration)
        registration.decision_reason = reason
        registration.decided_by_id = actor.id
        registration.decided_at = now
        registration.waitlist_position = None
        events[registration.event_id] = registration.event
        record(f"registration.{decision}", actor_id=actor.id, object_type="registration",
               object_id=registration.id, competition_id=registration.event.competition_id,
               event_id=registration.event_id, old={"status": old},
               new={"status": registration.status, **(frozen_facts(registration) if decision == "approve" else {})},
               reason=reason)
        db.session.flush()
    if decision == "reject":
        for event_id in sorted(events):
            promote_waitlist(events[event_id], actor_id=actor.id)
    return len(registrations)


def freeze_facts(registration: Registration) -> None:
    """Fix the facts judging and results read as the registration is approved: the stated employer, the
    employer's parent as the tree stands now, the level and the student flag (already on the row)."""
    employer = db.session.get(Organization, registration.employer_id)
    registration.employer_parent_id = employer.parent_id if employer else None


def frozen_facts(registration: Registration) -> dict:
    """The frozen facts of ``registration`` for an audit row."""
    return {"employer_id": registration.employer_id, "employer_parent_id": registration.employer_parent_id,
            "skill_level": registration.skill_level, "is_student": registration.is_student}


def close_registration(competition: Competition, *, actor_id: int | None, now: datetime, reason: str = "") -> None:
    """Close registration (status open -> closed), by the organizer or by the job at the deadline."""
    if competition.status != "open":
        raise InvalidState("Registration is not open, so it cannot be closed.")
    change_status(competition, "closed")
    record("competition.close_registration", actor_id=actor_id, object_type="competition",
           object_id=competition.id, competition_id=competition.id, old={"status": "open"},
           new={"status": "closed", "at": now.isoformat()}, reason=reason)
    db.session.flush()


def due_for_closing(now: datetime) -> list[Competition]:
    """Open competitions whose registration deadline has passed."""
    return list(db.session.execute(
        select(Competition).where(Competition.status == "open", Competition.registration_closes_at.is_not(None),
                                  Competition.registration_closes_at <= now).order_by(Competition.id)
    ).scalars())


def latest_draw(event: Event) -> StationDraw | None:
    """The draw in force for ``event`` (the latest one)."""
    return db.session.execute(
        select(StationDraw).where(StationDraw.event_id == event.id).order_by(StationDraw.id.desc()).limit(1)
    ).scalar_one_or_none()


def approved_of(event: Event) -> list[Registration]:
    """The approved competitors of an event, by id."""
    return list(db.session.execute(
        select(Registration).where(Registration.event_id == event.id, Registration.status == "approved")
        .order_by(Registration.id)
    ).scalars())


def draw_event(event: Event, actor: User, *, reason: str = "", seed: str | None = None,
               code_seed: str | None = None) -> StationDraw:
    """Draw stations and anonymous codes for the approved competitors of ``event``.

    The station seed is recorded (and may be announced); the code seed is a
    separate secret so the public seed does not reveal codes. A re-draw needs
    an administrator and a reason. Registration must be closed first, so the
    field cannot change under the draw.
    """
    if event.competition.status == "open":
        raise InvalidState("Close registration before drawing stations.")
    if event.competition.kind == "innovation":   # entries keep their numbers as codes (competitions.innovation)
        raise InvalidState("An innovation contest has no station draw: each entry's number is its code.")
    previous = latest_draw(event)
    reason = (reason or "").strip()
    if previous is not None:
        if not actor.has_role("admin"):
            raise NotAllowed("Stations have already been drawn; only an administrator may draw again.")
        if not reason:
            raise RuleViolation("Give a reason for drawing again.", field="reason")
    competitors = approved_of(event)
    if not competitors:
        raise InvalidState("No approved competitor to draw for.")
    seed = seed or draw_rules.new_seed()
    code_seed = code_seed or draw_rules.new_seed()
    result = draw_rules.draw_stations([r.id for r in competitors], seed, code_seed=code_seed)
    by_id = result.by_competitor()
    # Two statements whatever the field's size: clear first ((event, station) and (event, code) are unique, and a
    # re-draw swaps them around), then one UPDATE executed for every competitor.
    table = Registration.__table__
    db.session.flush()
    db.session.execute(update(table).where(table.c.event_id == event.id).values(station=None, anonymous_code=None))
    db.session.execute(
        update(table).where(table.c.id == bindparam("b_id")).values(station=bindparam("b_station"),
                                                                    anonymous_code=bindparam("b_code")),
        [{"b_id": r.id, "b_station": int(by_id[r.id].station), "b_code": by_id[r.id].code} for r in competitors])
    for loaded in list(db.session.identity_map.values()):  # loaded rows read their new station and code
        if isinstance(loaded, Registration) and loaded.event_id == event.id:
            db.session.expire(loaded, ["station", "anonymous_code", "updated_at"])
    draw = StationDraw(event_id=event.id, seed=seed, code_seed=code_seed, drawn_by_id=actor.id, reason=reason,
                       competitor_count=len(competitors))
    db.session.add(draw)
    db.session.flush()
    record("registration.draw" if previous is None else "registration.redraw", actor_id=actor.id,
           object_type="station_draw", object_id=draw.id, competition_id=event.competition_id, event_id=event.id,
           old={"draw_id": previous.id, "seed": previous.seed} if previous else None,
           new={"seed": seed, "stations": {str(r.competitor_id): r.station for r in result.rows}},
           reason=reason)
    return draw


def reveal_national_id(registration: Registration, actor: User) -> str:
    """The full ID number of one registered worker, for an organizer; every reveal is audited."""
    record("registration.reveal_national_id", actor_id=actor.id, object_type="worker",
           object_id=registration.worker_id, competition_id=registration.event.competition_id,
           event_id=registration.event_id)
    db.session.flush()
    return registration.worker.national_id
