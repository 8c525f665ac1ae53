"""Who may register for an event, and why not: explained eligibility.

A competition's notice (竞赛通知) states each event's entry rules, and the
organizer's eligibility review (资格审核) checks every registration against them:

* **age** in full years (周岁) on the competition's start date, limits inclusive
  ("18 to 35 years old" admits someone who turns 35 on the first day);
* **group**: the workers' group (职工组) is for employed workers, the students'
  group (学生组) for students of vocational schools; an event may be open to both;
* **gender**, for events such as a women workers' contest (女职工组);
* **current skill level**: levels run from 5 (初级工, junior) to 1 (高级技师,
  senior technician), so a *lower number is a higher level*; "at least level 3"
  admits levels 3, 2 and 1 (高级工, 技师, 高级技师) and turns away 4 and 5, and
  someone with no recorded level;
* **employer**: the person's employer (or school) must belong to the organizing
  union's organization tree — a district contest is for that district's workers;
* **one registration per person per event**; a withdrawn or rejected one does not
  count, so the person may register again while registration is open;
* **registration window**: open from ``opens_at`` (inclusive) until ``closes_at``
  (exclusive: at the deadline itself registration is already closed);
* **capacity**: when every place is taken, an eligible person is not refused but
  goes to the waiting list (候补), and moves up when someone withdraws or is rejected.

Like Tabbycat's eligibility rules, every rule that fails is recorded with a
reason (a code, an English message for gettext, and its parameters), all rules
are evaluated rather than stopping at the first, so the person sees everything
to fix at once. The personal rules are separate from the window, duplicate and
capacity rules because the organizer's review happens after the deadline.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum, StrEnum

from competitions.domain.errors import Code, InvalidState

WORKERS = "workers"
STUDENTS = "students"
GROUPS = (WORKERS, STUDENTS)


class SkillLevel(IntEnum):
    """National vocational skill levels; a lower number is a higher level."""

    SENIOR_TECHNICIAN = 1  # 高级技师
    TECHNICIAN = 2  # 技师
    SENIOR_WORKER = 3  # 高级工
    INTERMEDIATE_WORKER = 4  # 中级工
    JUNIOR_WORKER = 5  # 初级工


class RegistrationStatus(StrEnum):
    """The life of a registration, as stored."""

    PENDING = "pending"
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# Statuses of a registration that still stands; a person may hold only one.
STANDING_STATUSES = frozenset(
    {RegistrationStatus.PENDING, RegistrationStatus.APPROVED, RegistrationStatus.WAITLISTED}
)


@dataclass(frozen=True)
class EventRules:
    """The entry rules of one event, as the competition notice states them.

    ``reference_date`` is the competition's start date, the day on which age is
    counted. ``min_skill_level`` is the lowest level admitted, as a level
    number: 3 means "level 3 (高级工) or higher" and admits 3, 2 and 1. None
    means no limit, for every optional rule; ``group`` None admits both groups.
    """

    reference_date: date
    group: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    gender: str | None = None
    min_skill_level: int | None = None
    capacity: int | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None


@dataclass(frozen=True)
class Applicant:
    """The facts about a person that the entry rules look at."""

    person_id: int
    birth_date: date
    gender: str
    is_student: bool
    skill_level: int | None
    employer_org_id: int | None


@dataclass(frozen=True)
class ExistingRegistration:
    """One of the person's registrations for the same event."""

    registration_id: int
    status: str


@dataclass(frozen=True)
class Reason:
    """Why a rule failed (or, in notes, a fact worth telling): code, English message, parameters."""

    code: str
    message: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


@dataclass(frozen=True)
class EligibilityResult:
    """The verdict on a registration: eligible or not, waiting list or not, and why.

    ``reasons`` lists every failed rule (empty when eligible). ``notes`` explains
    what is not a failure, such as a full event sending the person to the
    waiting list. ``waitlisted`` is only ever true for an eligible person.
    """

    eligible: bool
    waitlisted: bool
    reasons: tuple[Reason, ...] = ()
    notes: tuple[Reason, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the failed rules, in the order the rules were checked."""
        return tuple(reason.code for reason in self.reasons)


@dataclass(frozen=True)
class WaitlistEntry:
    """A registration on the waiting list; ``position`` when the organizer has numbered the list."""

    registration_id: int
    registered_at: datetime
    position: int | None = None


def age_on(birth_date: date, on: date) -> int:
    """Age in full years (周岁) on a day.

    Someone born on 29 February becomes a year older on 1 March in a common year.
    """
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (1 if before_birthday else 0)


def meets_skill_level(current: int | None, required: int | None) -> bool:
    """True when the current level is the required level or higher (a lower or equal number)."""
    if required is None:
        return True
    return current is not None and current <= required


def age_reasons(rules: EventRules, applicant: Applicant) -> list[Reason]:
    """The age limits, inclusive, with the age counted on the competition's start date."""
    age = age_on(applicant.birth_date, rules.reference_date)
    on = rules.reference_date
    if rules.min_age is not None and age < rules.min_age:
        return [
            Reason(
                "too_young",
                "Entrants must be at least %(min_age)d years old on %(on)s; this person will be %(age)d.",
                {"min_age": rules.min_age, "on": on, "age": age},
            )
        ]
    if rules.max_age is not None and age > rules.max_age:
        return [
            Reason(
                "too_old",
                "Entrants must be at most %(max_age)d years old on %(on)s; this person will be %(age)d.",
                {"max_age": rules.max_age, "on": on, "age": age},
            )
        ]
    return []


def group_reasons(rules: EventRules, applicant: Applicant) -> list[Reason]:
    """Students enter the students' group, everyone else the workers' group."""
    if rules.group == STUDENTS and not applicant.is_student:
        return [
            Reason("not_a_student", "This event is for the students' group; this person is not a student.")
        ]
    if rules.group == WORKERS and applicant.is_student:
        return [
            Reason(
                "is_a_student", "This event is for the workers' group; students enter the students' group."
            )
        ]
    return []


def gender_reasons(rules: EventRules, applicant: Applicant) -> list[Reason]:
    """An event limited to one gender, such as a women workers' contest."""
    if rules.gender is not None and applicant.gender != rules.gender:
        return [
            Reason("wrong_gender", "This event is only for entrants whose gender is “%(gender)s”.",
                   {"gender": Code("gender", rules.gender)})
        ]
    return []


def skill_level_reasons(rules: EventRules, applicant: Applicant) -> list[Reason]:
    """The required current skill level or higher; no recorded level does not qualify."""
    required = rules.min_skill_level
    if meets_skill_level(applicant.skill_level, required):
        return []
    if applicant.skill_level is None:
        return [
            Reason(
                "no_skill_level",
                "This event requires skill level %(required)d or higher; "
                "this person has no recorded skill level.",
                {"required": required},
            )
        ]
    return [
        Reason(
            "skill_level_too_low",
            "This event requires skill level %(required)d or higher (a lower number is a higher level); "
            "this person's level is %(current)d.",
            {"required": required, "current": applicant.skill_level},
        )
    ]


def employer_reasons(applicant: Applicant, organizer_org_ids: Collection[int] | None) -> list[Reason]:
    """The employer (or school) must belong to the organizing organization's tree; None means open to all."""
    if organizer_org_ids is None:
        return []
    if applicant.employer_org_id is None:
        return [
            Reason(
                "no_employer",
                "This event is for members of the organizing organization; no employer is recorded.",
            )
        ]
    if applicant.employer_org_id not in organizer_org_ids:
        return [
            Reason(
                "employer_outside_organizer",
                "This event is for members of the organizing organization; the employer is not one of them.",
                {"employer_org_id": applicant.employer_org_id},
            )
        ]
    return []


def person_reasons(
    rules: EventRules, applicant: Applicant, organizer_org_ids: Collection[int] | None
) -> list[Reason]:
    """Every personal rule that fails (age, group, gender, skill level, employer), in that order.

    This is the eligibility review (资格审核): it does not look at the clock, the
    waiting list or other registrations, so it gives the same answer after the deadline.
    """
    return [
        *age_reasons(rules, applicant),
        *group_reasons(rules, applicant),
        *gender_reasons(rules, applicant),
        *skill_level_reasons(rules, applicant),
        *employer_reasons(applicant, organizer_org_ids),
    ]


def duplicate_reasons(existing: Sequence[ExistingRegistration]) -> list[Reason]:
    """One standing registration per person per event; withdrawn and rejected ones do not count."""
    standing = sorted(
        (registration for registration in existing if registration.status in STANDING_STATUSES),
        key=lambda registration: registration.registration_id,
    )
    if not standing:
        return []
    first = standing[0]
    return [
        Reason(
            "already_registered",
            "This person is already registered for this event "
            "(registration %(registration_id)s, %(status)s).",
            {"registration_id": first.registration_id, "status": Code("registration_status", str(first.status))},
        )
    ]


def window_reasons(rules: EventRules, now: datetime) -> list[Reason]:
    """Registration is open from ``opens_at`` (inclusive) until ``closes_at`` (exclusive)."""
    if rules.opens_at is not None and now < rules.opens_at:
        return [Reason("not_open_yet", "Registration opens at %(opens_at)s.", {"opens_at": rules.opens_at})]
    if rules.closes_at is not None and now >= rules.closes_at:
        return [
            Reason(
                "registration_closed", "Registration closed at %(closes_at)s.", {"closes_at": rules.closes_at}
            )
        ]
    return []


def is_full(capacity: int | None, active_count: int) -> bool:
    """True when every place is taken; no capacity means no limit."""
    return capacity is not None and active_count >= capacity


def check_registration(
    rules: EventRules,
    applicant: Applicant,
    organizer_org_ids: Collection[int] | None,
    existing: Sequence[ExistingRegistration],
    active_count: int,
    now: datetime,
) -> EligibilityResult:
    """The verdict on a new registration, with every failed rule explained.

    ``organizer_org_ids`` is the set of organization ids in the organizing
    union's subtree (None: open to all). ``existing`` is the person's
    registrations for this event; ``active_count`` the registrations that hold
    a place (pending or approved, not waitlisted). A full event does not make
    the person ineligible: the result is eligible and waitlisted.
    """
    reasons = [
        *person_reasons(rules, applicant, organizer_org_ids),
        *duplicate_reasons(existing),
        *window_reasons(rules, now),
    ]
    if reasons:
        return EligibilityResult(eligible=False, waitlisted=False, reasons=tuple(reasons))
    if is_full(rules.capacity, active_count):
        note = Reason(
            "event_full",
            "All %(capacity)d places are taken; the registration goes on the waiting list.",
            {"capacity": rules.capacity},
        )
        return EligibilityResult(eligible=True, waitlisted=True, notes=(note,))
    return EligibilityResult(eligible=True, waitlisted=False)


def waitlist_order(entries: Sequence[WaitlistEntry]) -> list[WaitlistEntry]:
    """The waiting list in order: numbered positions first, then registration time, then id."""
    return sorted(
        entries,
        key=lambda entry: (
            entry.position is None,
            entry.position if entry.position is not None else 0,
            entry.registered_at,
            entry.registration_id,
        ),
    )


def promote_from_waitlist(
    capacity: int | None, active: int, waitlist_in_order: Sequence[WaitlistEntry]
) -> list[WaitlistEntry]:
    """Who moves from the waiting list into the places now free, first in line first.

    Called after a withdrawal or rejection with the new number of ``active``
    registrations holding a place. The list is put in order again here
    (``waitlist_order``), so a caller's ordering mistake cannot skip anyone.
    """
    ordered = waitlist_order(waitlist_in_order)
    if capacity is None:
        return ordered
    return ordered[: max(0, capacity - active)]


def can_withdraw(now: datetime, deadline: datetime | None, status: str, *, judging_begun: bool = False) -> bool:
    """A standing registration may be withdrawn until the registration deadline (exclusive), before judging."""
    return withdrawal_refusal(now, deadline, status, judging_begun=judging_begun) is None


def withdrawal_refusal(now: datetime, deadline: datetime | None, status: str, *,
                       judging_begun: bool = False) -> Reason | None:
    """Why a registration may not be withdrawn, or None when it may.

    Once judging has begun (the competition is in progress or later, or marks
    exist) nobody withdraws: marks, results and appeals depend on the roster,
    and a withdrawn competitor's marks would no longer count anywhere.
    """
    if judging_begun:
        return Reason(
            "withdrawal_after_judging",
            "Judging has begun; a registration can no longer be withdrawn. Ask the organizer if you cannot compete.",
            {},
        )
    if status not in STANDING_STATUSES:
        return Reason(
            "cannot_withdraw_status",
            "A registration with the status “%(status)s” cannot be withdrawn.",
            {"status": Code("registration_status", str(status))},
        )
    if deadline is not None and now >= deadline:
        return Reason(
            "withdrawal_after_deadline",
            "Registrations can be withdrawn only before the deadline, %(deadline)s.",
            {"deadline": deadline},
        )
    return None


def ensure_can_withdraw(now: datetime, deadline: datetime | None, status: str, *,
                        judging_begun: bool = False) -> None:
    """Raise InvalidState with the reason when the registration may not be withdrawn."""
    refusal = withdrawal_refusal(now, deadline, status, judging_begun=judging_begun)
    if refusal is not None:
        raise InvalidState(refusal.message, **refusal.params)
