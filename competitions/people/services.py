"""People: whose record is whose, who may change it, and what a change of employer sets off.

The practice it follows: a worker's record (姓名, 身份证号, 工作单位) is the
person's, not whoever types their ID number first. Enterprise unions enter their
workers from rosters long before those workers open an account, so the ID
number alone never links a login to a record that already exists. A worker
claims their record in one of two ways, both through the interface:

* **Claim code.** An organizer whose subtree holds the person's employer issues
  a one-time claim code (shown once, kept only as a hash, valid 30 days) and
  hands it to the worker, who enters their ID number and the code under "Claim
  my record". Wrong codes never void it (that would let anyone who knows an ID
  number spoil the claim); every try to claim, by code or request, is counted
  per account and address instead (5 a day free, then waits of 1 minute
  doubling to an hour), so the page is neither a fast oracle nor a guessing aid.
* **Claim request.** The worker sends a request naming their ID number; an
  organizer of the person's employer (or above it) confirms or rejects it with
  a reason. The worker may cancel a pending request and send a new one after a
  rejection.

An organizer can also unlink a wrongly claimed record (a way out of every
state). Until a record is claimed, self-registration with its ID number is
refused with a message saying whom to ask.

Name, employer and ID number change only through an organizer whose subtree
holds both the old and the new employer (or an administrator), with a reason,
and every such change is an audit row (who, when, why) shown on the person's
page. A change of employer after approval rewrites the facts frozen on the
person's registrations in competitions not yet finished, re-runs the recusal
check (回避) on every one of those events and leaves the chief judge a notice of
what changed (``judging.models.FactChange``). Services flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from competitions.audit.services import record
from competitions.auth import throttle
from competitions.auth.models import User
from competitions.domain import inputs
from competitions.domain.errors import N_, InvalidState, NotAllowed, NotFound, RuleViolation
from competitions.domain.identity import mask_national_id, parse_national_id
from competitions.extensions import db
from competitions.organize.models import Competition, Event
from competitions.orgs.models import Organization, PersonClaim, Worker
from competitions.orgs.services import subtree_ids

CLAIM_CODE_DAYS = 30
# Crockford's base32 without I, L, O, U: nothing a worker can misread from a slip of paper.
CLAIM_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CLAIM_CODE_LENGTH = 12
# Competitions whose approved facts are still in use: an employer change updates these, not finished ones.
RUNNING_STATUSES = ("open", "closed", "in_progress")
UNCLAIMED_MESSAGE = N_(
    "A record with this identity number already exists (entered by an enterprise union from its roster), "
    "so a new account cannot take it over. If it is yours, open “Claim my record”: enter the claim code "
    "your union organizer gives you, or send a claim request that the organizer of your employer confirms."
)


# ---- scope ---------------------------------------------------------------------------------------

def acting_scope(user: User) -> set[int] | None:
    """Organizations whose people ``user`` may create or change: None (all) for an administrator, else
    their own organization's subtree (empty without an organization or the organizer role)."""
    if user.has_role("admin"):
        return None
    if not user.has_role("organizer") or user.organization is None:
        return set()
    return set(subtree_ids(user.organization))


def in_scope(scope: set[int] | None, org_id: int | None) -> bool:
    """True when ``org_id`` lies in ``scope`` (``acting_scope``)."""
    return scope is None or (org_id is not None and org_id in scope)


def scope_people(stmt, user: User):
    """Restrict a query over Worker to the people ``user`` may see and change."""
    scope = acting_scope(user)
    if scope is None:
        return stmt
    if not scope:
        return stmt.where(False)
    root = user.organization
    return stmt.join(Organization, Organization.id == Worker.employer_id).where(Organization.path.startswith(root.path))


def load_person_or_404(worker_id: int, *, for_user: User) -> Worker:
    """A person ``for_user`` may manage (their employer lies in the user's subtree); 404 otherwise."""
    from flask import abort

    worker = db.get_or_404(Worker, worker_id)
    if not in_scope(acting_scope(for_user), worker.employer_id):
        abort(404)
    return worker


# ---- audited changes -----------------------------------------------------------------------------

AUDITED_FIELDS = ("name", "employer_id", "national_id")


def _shown(field: str, value):
    return mask_national_id(value) if field == "national_id" and value else value


def audit_person_change(worker: Worker, old: dict, *, actor_id: int | None, reason: str,
                        competition_id: int | None = None, event_id: int | None = None) -> bool:
    """Record one audit row for the changed name/employer/ID number of ``worker`` (ID numbers masked).

    ``old`` holds the values before the change; returns whether anything audited changed.
    """
    changed = [f for f in AUDITED_FIELDS if old.get(f) != getattr(worker, f)]
    if not changed:
        return False
    record("person.update", actor_id=actor_id, object_type="worker", object_id=worker.id,
           competition_id=competition_id, event_id=event_id,
           old={f: _shown(f, old.get(f)) for f in changed}, new={f: _shown(f, getattr(worker, f)) for f in changed},
           reason=reason)
    return True


def snapshot(worker: Worker) -> dict:
    """The audited fields of ``worker`` as they are now."""
    return {f: getattr(worker, f) for f in AUDITED_FIELDS}


@dataclass(frozen=True)
class ChangeSummary:
    """What ``change_person`` did: audited fields changed, registrations re-frozen, events told."""

    changed: tuple[str, ...]
    registrations: int
    events: tuple[int, ...]


def running_registrations(worker: Worker, statuses=("approved",)) -> list:
    """The person's registrations of ``statuses`` in competitions not yet finished, by id."""
    from competitions.registration.models import Registration

    return list(db.session.execute(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .join(Competition, Competition.id == Event.competition_id)
        .where(Registration.worker_id == worker.id, Registration.status.in_(statuses),
               Competition.status.in_(RUNNING_STATUSES))
        .order_by(Registration.id)
    ).scalars())


def change_person(worker: Worker, actor: User, *, reason: str, name: str | None = None,
                  employer_id: int | None = None, national_id: str | None = None,
                  now: datetime) -> ChangeSummary:
    """An organizer changes a person's name, employer or ID number, with a reason; audited.

    The actor's subtree must hold the person's current employer and the new
    one. A new employer is written onto the person's place-holding and approved
    registrations in competitions not yet finished (their frozen facts), the
    recusal check is run again on each of those events, and the chief judge of
    each gets a ``FactChange`` notice naming the judges newly recused or no
    longer recused.
    """
    from competitions.judging.services import record_fact_change

    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give a reason for the change; it is kept in the person's history.", field="reason")
    scope = acting_scope(actor)
    if not in_scope(scope, worker.employer_id):
        raise NotAllowed("This person belongs to an organization outside your own; ask its organizer.")
    old = snapshot(worker)
    if name is not None:
        worker.name = inputs.person_name(name, field="name")
    new_employer = None
    if employer_id is not None and employer_id != worker.employer_id:
        new_employer = db.session.get(Organization, employer_id)
        if new_employer is None or new_employer.kind != "enterprise":
            raise RuleViolation("Choose the new employer from the list.", field="employer_id")
        if not in_scope(scope, new_employer.id):
            raise NotAllowed("The new employer lies outside your organization; an organizer above both "
                             "organizations makes this change.", field="employer_id")
        worker.employer_id = new_employer.id
    if national_id:
        parsed = parse_national_id(national_id, today=now.date())
        if parsed.number != worker.national_id:
            clash = db.session.execute(select(Worker.id).where(Worker.national_id == parsed.number,
                                                               Worker.id != worker.id)).first()
            if clash:
                raise RuleViolation("Another person's record already has this identity number.",
                                    field="national_id")
            worker.national_id = parsed.number
            worker.birth_date, worker.gender = parsed.birth_date, parsed.gender
    db.session.flush()
    changed = tuple(f for f in AUDITED_FIELDS if old[f] != getattr(worker, f))
    if not changed:
        raise InvalidState("Nothing was changed.")
    audit_person_change(worker, old, actor_id=actor.id, reason=reason)
    touched, events = 0, []
    if new_employer is not None:
        for registration in running_registrations(worker, statuses=("pending", "waitlisted", "approved")):
            before = (registration.employer_id, registration.employer_parent_id)
            registration.employer_id = new_employer.id
            registration.employer_parent_id = new_employer.parent_id
            touched += 1
            record("registration.facts", actor_id=actor.id, object_type="registration", object_id=registration.id,
                   competition_id=registration.event.competition_id, event_id=registration.event_id,
                   old={"employer_id": before[0], "employer_parent_id": before[1]},
                   new={"employer_id": new_employer.id, "employer_parent_id": new_employer.parent_id},
                   reason=reason)
            if registration.status == "approved":
                record_fact_change(registration, old_employer_id=before[0], old_parent_id=before[1],
                                   actor=actor, reason=reason, now=now)
                events.append(registration.event_id)
        db.session.flush()
    return ChangeSummary(changed, touched, tuple(events))


def person_history(worker: Worker) -> list:
    """The audit rows about ``worker`` (changes, claims, codes), newest first."""
    from competitions.audit.models import AuditEntry

    return list(db.session.execute(
        select(AuditEntry).where(AuditEntry.object_type == "worker", AuditEntry.object_id == worker.id)
        .order_by(AuditEntry.id.desc())
    ).scalars())


# ---- claim codes ---------------------------------------------------------------------------------

def _code_hash(worker: Worker, code: str) -> str:
    # The record's id salts the hash; the code's own 60 bits and the try limit keep guessing hopeless.
    return hashlib.sha256(f"{worker.id}:{code}".encode()).hexdigest()


def normalize_code(text: str) -> str:
    """A claim code as typed (any case, spaces or dashes, O for 0, I/L for 1) in canonical form."""
    table = str.maketrans({"O": "0", "I": "1", "L": "1"})
    return "".join(ch for ch in (text or "").upper().translate(table) if ch in CLAIM_ALPHABET)


def format_code(code: str) -> str:
    """XXXX-XXXX-XXXX, as printed for the worker."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def issue_claim_code(worker: Worker, actor: User, now: datetime) -> str:
    """A new one-time claim code for an unclaimed record (replacing any earlier one); returned once, stored hashed."""
    if not in_scope(acting_scope(actor), worker.employer_id):
        raise NotAllowed("This person belongs to an organization outside your own; ask its organizer.")
    if worker.user_id is not None:
        raise InvalidState("This record is already linked to an account; unlink it first if that was a mistake.")
    code = "".join(secrets.choice(CLAIM_ALPHABET) for _ in range(CLAIM_CODE_LENGTH))
    worker.claim_code_hash = _code_hash(worker, code)
    worker.claim_code_expires_at = now + timedelta(days=CLAIM_CODE_DAYS)
    record("person.claim_code", actor_id=actor.id, object_type="worker", object_id=worker.id,
           new={"expires_at": worker.claim_code_expires_at.isoformat()})
    db.session.flush()
    return format_code(code)


CLAIM_BATCH_LIMIT = 1000


def issue_claim_codes(workers: list[Worker], actor: User, now: datetime) -> list[tuple[Worker, str]]:
    """Claim codes for every unclaimed person of ``workers`` (at most 1,000 at once), for claim slips.

    All or nothing: a person outside the actor's subtree refuses the whole batch.
    """
    unclaimed = [w for w in workers if w.user_id is None]
    if not unclaimed:
        raise InvalidState("Everyone listed already has an account: there is no claim code to issue.")
    if len(unclaimed) > CLAIM_BATCH_LIMIT:
        raise RuleViolation("At most %(limit)d claim codes can be issued at once; narrow the list.",
                            limit=CLAIM_BATCH_LIMIT)
    return [(w, issue_claim_code(w, actor, now)) for w in sorted(unclaimed, key=lambda w: (w.name, w.id))]


def _own_record(user: User) -> Worker | None:
    return db.session.execute(select(Worker).where(Worker.user_id == user.id)).scalar_one_or_none()


def _claimable(user: User, national_id: str, now: datetime) -> Worker:
    """The unclaimed record with this ID number, when ``user`` has none yet; raises otherwise."""
    if _own_record(user) is not None:
        raise InvalidState("Your account is already linked to a person's record.")
    parsed = parse_national_id(national_id, today=now.date())
    worker = db.session.execute(select(Worker).where(Worker.national_id == parsed.number)).scalar_one_or_none()
    if worker is None:
        raise NotFound("There is no record with this identity number: simply register for an event, and your "
                       "record is created with your registration.", field="national_id")
    if worker.user_id is not None:
        raise NotAllowed("This record is already linked to an account. If that is not yours, ask the organizer "
                         "of your employer to check it.", field="national_id")
    return worker


def _link(worker: Worker, user: User, *, actor_id: int, how: str, now: datetime) -> None:
    worker.user_id = user.id
    worker.claim_code_hash = worker.claim_code_expires_at = None
    for claim in db.session.execute(select(PersonClaim).where(PersonClaim.worker_id == worker.id,
                                                              PersonClaim.status == "pending")).scalars():
        if claim.user_id != user.id:
            claim.status, claim.decided_at = "rejected", now
            claim.decision_reason = N_("The record was claimed by another account.")
    record("person.claim", actor_id=actor_id, object_type="worker", object_id=worker.id,
           new={"user": user.username, "how": how})
    db.session.flush()


TOO_MANY_CLAIMS = N_("Too many attempts to claim a record. Wait %(seconds)d seconds and try again, or ask "
                     "your union organizer.")


def count_claim_attempt(user: User, address: str, now: datetime) -> None:
    """Count one try to claim a record (by code or by request) against the account and the address, and commit.

    Every try counts, whether or not the ID number is on file, so the claim page is neither a fast oracle of who
    is on file nor a way to guess codes (rule: ``domain.login_throttle.CLAIM_ACCOUNT``/``CLAIM_ADDRESS``).
    Raises ``NotAllowed`` with the wait when the budget is spent.
    """
    throttle.reserve(throttle.claim_keys(user.id, address), now, message=TOO_MANY_CLAIMS)


def claim_with_code(user: User, national_id: str, code: str, now: datetime) -> Worker:
    """Link ``user`` to the unclaimed record with this ID number when ``code`` is its valid claim code.

    A wrong code never spoils the record's code (anyone who knows a worker's ID
    number could otherwise void it on purpose); guessing is held back by
    ``count_claim_attempt``, which the caller runs first, and by the code's 60 bits.
    """
    worker = _claimable(user, national_id, now)
    expires = worker.claim_code_expires_at
    if worker.claim_code_hash is None or expires is None or expires <= now:
        raise InvalidState("There is no valid claim code for this record (none was issued, or it has expired). "
                           "Ask your union organizer for a new one, or send a claim request.", field="code")
    if not hmac.compare_digest(worker.claim_code_hash, _code_hash(worker, normalize_code(code))):
        raise RuleViolation("The claim code is not right. Check it against the slip from your union organizer.",
                            field="code")
    _link(worker, user, actor_id=user.id, how="code", now=now)
    return worker


# ---- claim requests ------------------------------------------------------------------------------

def pending_claim_of(user: User) -> PersonClaim | None:
    """The user's pending claim request, if any."""
    return db.session.execute(select(PersonClaim).where(PersonClaim.user_id == user.id,
                                                        PersonClaim.status == "pending")).scalar_one_or_none()


def request_claim(user: User, national_id: str, message: str, now: datetime) -> PersonClaim:
    """Ask the organizers of the record's employer to link it to ``user`` (one pending request at a time)."""
    if pending_claim_of(user) is not None:
        raise InvalidState("You already have a claim request waiting; cancel it to send another.")
    worker = _claimable(user, national_id, now)
    claim = PersonClaim(worker_id=worker.id, user_id=user.id, message=(message or "").strip()[:500],
                        created_at=now)
    db.session.add(claim)
    db.session.flush()
    record("person.claim_request", actor_id=user.id, object_type="worker", object_id=worker.id,
           new={"claim": claim.id, "user": user.username})
    return claim


def cancel_claim(claim: PersonClaim, user: User, now: datetime) -> None:
    """The claimant withdraws their pending request."""
    if claim.user_id != user.id:
        raise NotFound("No such claim request.")
    if claim.status != "pending":
        raise InvalidState("Only a waiting request can be cancelled.")
    claim.status, claim.decided_at = "cancelled", now
    record("person.claim_cancel", actor_id=user.id, object_type="worker", object_id=claim.worker_id,
           new={"claim": claim.id})
    db.session.flush()


def claims_for(user: User) -> list[PersonClaim]:
    """Pending claim requests for records ``user`` may manage, oldest first."""
    stmt = scope_people(select(PersonClaim).join(Worker, Worker.id == PersonClaim.worker_id), user)
    return list(db.session.execute(stmt.where(PersonClaim.status == "pending").order_by(PersonClaim.id)).scalars())


def decide_claim(claim: PersonClaim, actor: User, decision: str, reason: str, now: datetime) -> None:
    """Confirm (link the account to the record) or reject a claim request; rejecting needs a reason."""
    if not in_scope(acting_scope(actor), claim.worker.employer_id):
        raise NotFound("No such claim request.")
    if claim.status != "pending":
        raise InvalidState("This claim request has already been decided.")
    reason = (reason or "").strip()
    if decision not in ("approve", "reject"):
        raise RuleViolation("Choose confirm or reject.", field="decision")
    if decision == "reject" and not reason:
        raise RuleViolation("Give a reason for the rejection; the worker sees it.", field="reason")
    claim.decided_by_id, claim.decided_at, claim.decision_reason = actor.id, now, reason[:500]
    if decision == "reject":
        claim.status = "rejected"
        record("person.claim_reject", actor_id=actor.id, object_type="worker", object_id=claim.worker_id,
               new={"claim": claim.id}, reason=reason)
        db.session.flush()
        return
    claimant = db.session.get(User, claim.user_id)
    if claim.worker.user_id is not None:
        raise InvalidState("This record is already linked to an account.")
    if _own_record(claimant) is not None:
        raise InvalidState("The claimant's account is already linked to another record.")
    claim.status = "approved"
    _link(claim.worker, claimant, actor_id=actor.id, how="request", now=now)


def unlink_account(worker: Worker, actor: User, reason: str) -> None:
    """Undo a wrong claim: the record no longer belongs to the account (its registrations stay the person's)."""
    if not in_scope(acting_scope(actor), worker.employer_id):
        raise NotAllowed("This person belongs to an organization outside your own; ask its organizer.")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give a reason for the change; it is kept in the person's history.", field="reason")
    if worker.user_id is None:
        raise InvalidState("This record is not linked to an account.")
    old_user = db.session.get(User, worker.user_id)
    worker.user_id = None
    record("person.unlink", actor_id=actor.id, object_type="worker", object_id=worker.id,
           old={"user": old_user.username if old_user else None}, reason=reason)
    db.session.flush()


def unclaimed_count(user: User) -> int:
    """How many people in ``user``'s scope have no account yet."""
    stmt = scope_people(select(func.count(Worker.id)), user).where(Worker.user_id.is_(None))
    return db.session.execute(stmt).scalar_one()
