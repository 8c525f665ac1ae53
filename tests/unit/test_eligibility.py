"""Explained eligibility: each entry rule alone and combined, the waiting list, withdrawal."""

from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competitions.domain.eligibility import (
    Applicant,
    EventRules,
    ExistingRegistration,
    WaitlistEntry,
    age_on,
    can_withdraw,
    check_registration,
    ensure_can_withdraw,
    meets_skill_level,
    person_reasons,
    promote_from_waitlist,
    waitlist_order,
)
from competitions.domain.errors import Code, InvalidState

OPENS = datetime(2026, 3, 1, 9, 0)
CLOSES = datetime(2026, 4, 1, 0, 0)
NOW = datetime(2026, 3, 15, 12, 0)
ORGANIZER_ORGS = frozenset({1, 2, 3})

# Workers' group, 18 to 35 on the first day (1 June 2026), level 3 (高级工) or higher, ten places.
RULES = EventRules(
    reference_date=date(2026, 6, 1),
    group="workers",
    min_age=18,
    max_age=35,
    min_skill_level=3,
    capacity=10,
    opens_at=OPENS,
    closes_at=CLOSES,
)
PERSON = Applicant(
    person_id=7,
    birth_date=date(1995, 6, 1),
    gender="male",
    is_student=False,
    skill_level=3,
    employer_org_id=2,
)


def check(rules=RULES, person=PERSON, orgs=ORGANIZER_ORGS, existing=(), active=5, now=NOW):
    """check_registration with the eligible baseline, overridden one argument at a time."""
    return check_registration(rules, person, orgs, existing, active, now)


def test_the_baseline_is_eligible_with_a_place():
    result = check()
    assert (result.eligible, result.waitlisted, result.reasons, result.notes) == (True, False, (), ())


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        # age, counted on 1 June 2026, limits inclusive
        ({"person": replace(PERSON, birth_date=date(2008, 6, 2))}, ["too_young"]),  # 17 on the day
        ({"person": replace(PERSON, birth_date=date(2008, 6, 1))}, []),  # turns 18 on the first day
        ({"person": replace(PERSON, birth_date=date(1990, 6, 1))}, ["too_old"]),  # 36 on the day
        ({"person": replace(PERSON, birth_date=date(1990, 6, 2))}, []),  # still 35
        (
            {
                "rules": replace(RULES, min_age=None, max_age=None),
                "person": replace(PERSON, birth_date=date(1950, 1, 1)),
            },
            [],
        ),
        # group
        ({"person": replace(PERSON, is_student=True)}, ["is_a_student"]),
        ({"rules": replace(RULES, group="students")}, ["not_a_student"]),
        ({"rules": replace(RULES, group="students"), "person": replace(PERSON, is_student=True)}, []),
        ({"rules": replace(RULES, group=None), "person": replace(PERSON, is_student=True)}, []),
        # gender
        ({"rules": replace(RULES, gender="female")}, ["wrong_gender"]),
        ({"rules": replace(RULES, gender="female"), "person": replace(PERSON, gender="female")}, []),
        # skill level: 5 junior .. 1 senior technician; "level 3 or higher" is 3, 2, 1
        ({"person": replace(PERSON, skill_level=4)}, ["skill_level_too_low"]),
        ({"person": replace(PERSON, skill_level=5)}, ["skill_level_too_low"]),
        ({"person": replace(PERSON, skill_level=2)}, []),
        ({"person": replace(PERSON, skill_level=1)}, []),
        ({"person": replace(PERSON, skill_level=None)}, ["no_skill_level"]),
        ({"rules": replace(RULES, min_skill_level=None), "person": replace(PERSON, skill_level=None)}, []),
        # employer inside the organizer's tree
        ({"person": replace(PERSON, employer_org_id=99)}, ["employer_outside_organizer"]),
        ({"person": replace(PERSON, employer_org_id=None)}, ["no_employer"]),
        ({"orgs": None, "person": replace(PERSON, employer_org_id=99)}, []),
        # one standing registration per person per event
        ({"existing": [ExistingRegistration(41, "pending")]}, ["already_registered"]),
        ({"existing": [ExistingRegistration(41, "approved")]}, ["already_registered"]),
        ({"existing": [ExistingRegistration(41, "waitlisted")]}, ["already_registered"]),
        ({"existing": [ExistingRegistration(41, "withdrawn")]}, []),
        ({"existing": [ExistingRegistration(41, "rejected"), ExistingRegistration(42, "withdrawn")]}, []),
        # registration window: opens inclusive, closes exclusive
        ({"now": datetime(2026, 3, 1, 8, 59)}, ["not_open_yet"]),
        ({"now": OPENS}, []),
        ({"now": datetime(2026, 3, 31, 23, 59)}, []),
        ({"now": CLOSES}, ["registration_closed"]),
        ({"rules": replace(RULES, opens_at=None, closes_at=None), "now": datetime(2030, 1, 1)}, []),
    ],
)
def test_each_rule_alone(overrides, codes):
    result = check(**overrides)
    assert list(result.codes) == codes
    assert result.eligible == (not codes)
    assert not result.waitlisted


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        (
            {"person": replace(PERSON, is_student=True, skill_level=5, employer_org_id=99), "now": CLOSES},
            ["is_a_student", "skill_level_too_low", "employer_outside_organizer", "registration_closed"],
        ),
        (
            {
                "person": replace(PERSON, birth_date=date(2010, 1, 1), skill_level=None),
                "existing": [ExistingRegistration(5, "approved")],
            },
            ["too_young", "no_skill_level", "already_registered"],
        ),
        (
            {"rules": replace(RULES, gender="female", group="students"), "now": datetime(2026, 2, 1)},
            ["not_a_student", "wrong_gender", "not_open_yet"],
        ),
        # an ineligible person at a full event is refused, not waitlisted
        ({"person": replace(PERSON, skill_level=4), "active": 10}, ["skill_level_too_low"]),
    ],
)
def test_rules_combined_report_every_failure_in_order(overrides, codes):
    result = check(**overrides)
    assert list(result.codes) == codes
    assert not result.eligible
    assert not result.waitlisted


@pytest.mark.parametrize(
    ("capacity", "active", "waitlisted"),
    [
        (10, 9, False),
        (10, 10, True),
        (10, 12, True),  # capacity lowered after registrations came in
        (None, 1000, False),
        (0, 0, True),
    ],
)
def test_a_full_event_sends_an_eligible_person_to_the_waiting_list(capacity, active, waitlisted):
    result = check(rules=replace(RULES, capacity=capacity), active=active)
    assert result.eligible
    assert result.waitlisted == waitlisted
    assert [note.code for note in result.notes] == (["event_full"] if waitlisted else [])


def test_reasons_carry_their_parameters_for_translation():
    result = check(person=replace(PERSON, birth_date=date(1990, 6, 1), skill_level=4))
    too_old, too_low = result.reasons
    assert too_old.params == {"max_age": 35, "on": date(2026, 6, 1), "age": 36}
    assert str(too_old) == "Entrants must be at most 35 years old on 2026-06-01; this person will be 36."
    assert too_low.params == {"required": 3, "current": 4}


def test_already_registered_names_the_standing_registration():
    existing = [ExistingRegistration(50, "withdrawn"), ExistingRegistration(44, "approved")]
    (reason,) = check(existing=existing).reasons
    assert reason.params == {"registration_id": 44, "status": Code("registration_status", "approved")}


def test_review_after_the_deadline_looks_only_at_the_person():
    # The organizer reviews in April: the closed window is no reason to reject.
    assert person_reasons(RULES, PERSON, ORGANIZER_ORGS) == []
    assert check(now=datetime(2026, 4, 10)).codes == ("registration_closed",)


@pytest.mark.parametrize(
    ("birth_date", "on", "age"),
    [
        (date(1995, 6, 1), date(2026, 6, 1), 31),
        (date(1995, 6, 2), date(2026, 6, 1), 30),
        (date(1995, 12, 31), date(2026, 1, 1), 30),
        (date(2004, 2, 29), date(2022, 2, 28), 17),  # no 29 February in 2022: a year older on 1 March
        (date(2004, 2, 29), date(2022, 3, 1), 18),
        (date(2004, 2, 29), date(2024, 2, 29), 20),
    ],
)
def test_age_on_counts_full_years(birth_date, on, age):
    assert age_on(birth_date, on) == age


@pytest.mark.parametrize(
    ("current", "required", "meets"),
    [
        (3, 3, True),
        (1, 3, True),
        (4, 3, False),
        (5, 1, False),
        (None, 3, False),
        (None, None, True),
        (5, None, True),
    ],
)
def test_lower_level_number_is_higher_skill(current, required, meets):
    assert meets_skill_level(current, required) == meets


T = datetime(2026, 3, 10, 9, 0)


def entry(registration_id, minute, position=None):
    """A waiting-list entry registered ``minute`` minutes after T."""
    return WaitlistEntry(registration_id, T.replace(minute=minute), position)


@pytest.mark.parametrize(
    ("capacity", "active", "waitlist", "promoted"),
    [
        # one withdrawal frees one place: the earliest registration moves up
        (10, 9, [entry(3, 30), entry(1, 10), entry(2, 20)], [1]),
        (10, 8, [entry(3, 30), entry(1, 10), entry(2, 20)], [1, 2]),
        # same minute: the lower id first
        (10, 8, [entry(9, 10), entry(4, 10), entry(6, 5)], [6, 4]),
        # numbered positions outrank registration time; unnumbered entries come after
        (10, 7, [entry(1, 0), entry(2, 50, position=2), entry(3, 40, position=1)], [3, 2, 1]),
        (10, 10, [entry(1, 0)], []),
        (10, 12, [entry(1, 0)], []),  # still over capacity after a rejection
        (10, 0, [entry(2, 0), entry(1, 0)], [1, 2]),  # more room than people waiting
        (None, 50, [entry(2, 1), entry(1, 2)], [2, 1]),  # no limit: everyone moves up
        (10, 9, [], []),
    ],
)
def test_promote_from_waitlist_in_line_order(capacity, active, waitlist, promoted):
    chosen = promote_from_waitlist(capacity, active, waitlist)
    assert [e.registration_id for e in chosen] == promoted


@given(
    capacity=st.integers(0, 20),
    active=st.integers(0, 25),
    minutes=st.lists(st.integers(0, 59), max_size=15),
)
def test_promotion_fills_free_places_with_the_head_of_the_line(capacity, active, minutes):
    waitlist = [entry(i, m) for i, m in enumerate(minutes)]
    chosen = promote_from_waitlist(capacity, active, waitlist)
    assert len(chosen) == min(len(waitlist), max(0, capacity - active))
    assert chosen == waitlist_order(waitlist)[: len(chosen)]
    assert [(e.registered_at, e.registration_id) for e in chosen] == sorted(
        (e.registered_at, e.registration_id) for e in chosen
    )


@pytest.mark.parametrize(
    ("now", "status", "allowed"),
    [
        (NOW, "pending", True),
        (NOW, "approved", True),
        (NOW, "waitlisted", True),
        (NOW, "withdrawn", False),
        (NOW, "rejected", False),
        (datetime(2026, 3, 31, 23, 59), "approved", True),
        (CLOSES, "approved", False),
        (datetime(2026, 5, 1), "pending", False),
    ],
)
def test_can_withdraw_only_a_standing_registration_before_the_deadline(now, status, allowed):
    assert can_withdraw(now, CLOSES, status) == allowed


def test_withdrawal_without_a_deadline_is_always_open():
    assert can_withdraw(datetime(2030, 1, 1), None, "approved")


def test_ensure_can_withdraw_explains_the_refusal():
    with pytest.raises(InvalidState) as caught:
        ensure_can_withdraw(CLOSES, CLOSES, "approved")
    assert (
        str(caught.value) == "Registrations can be withdrawn only before the deadline, 2026-04-01 00:00:00."
    )
    ensure_can_withdraw(NOW, CLOSES, "approved")


@given(
    birth_year=st.integers(1960, 2012),
    is_student=st.booleans(),
    level=st.one_of(st.none(), st.integers(1, 5)),
    employer=st.one_of(st.none(), st.integers(0, 5)),
    active=st.integers(0, 15),
    day=st.integers(1, 28),
    month=st.integers(2, 4),
)
def test_verdict_is_consistent_with_its_reasons(birth_year, is_student, level, employer, active, day, month):
    person = replace(
        PERSON,
        birth_date=date(birth_year, 6, 1),
        is_student=is_student,
        skill_level=level,
        employer_org_id=employer,
    )
    result = check(person=person, active=active, now=datetime(2026, month, day, 12, 0))
    assert result.eligible == (not result.reasons)
    assert not (result.waitlisted and not result.eligible)
    assert result.waitlisted == (result.eligible and active >= RULES.capacity)
