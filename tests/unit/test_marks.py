"""Entering and changing a mark: value checks, lock rules, versions and retries."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competitions.domain.errors import Conflict, InvalidState, NotAllowed, RuleViolation
from competitions.domain.marks import (
    MarkWrite,
    StoredMark,
    WriteAction,
    WriteDecision,
    apply_write,
    check_can_reopen_sheet,
    check_can_write_mark,
    check_idempotency_key,
    reason_width,
    resolve_write,
    validate_mark_value,
)

# --- value ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "max_mark", "step", "expected"),
    [
        ("7.5", D(10), D("0.5"), D("7.5")),
        (" 7,5 ", D(10), D("0.5"), D("7.5")),
        ("10", D(10), D("0.5"), D(10)),
        ("0", D(10), D("0.5"), D(0)),
        ("-0", D(10), D("0.5"), D(0)),
        ("8.25", D(10), D("0.25"), D("8.25")),
        ("8.37", D(10), None, D("8.37")),
        (9, D(10), D(1), D(9)),
        (0.1, D(1), D("0.1"), D("0.1")),
        (D("4.50"), D(5), D("0.5"), D("4.50")),
    ],
)
def test_valid_marks_come_back_as_decimal(typed, max_mark, step, expected):
    value = validate_mark_value(typed, max_mark, step)
    assert value == expected
    assert isinstance(value, D)
    assert not value.is_signed()


@pytest.mark.parametrize(
    ("typed", "max_mark", "step", "message"),
    [
        ("", D(10), D("0.5"), "Enter a mark."),
        ("   ", D(10), D("0.5"), "Enter a mark."),
        ("seven", D(10), D("0.5"), "seven is not a number."),
        ("7..5", D(10), D("0.5"), "7..5 is not a number."),
        ("NaN", D(10), D("0.5"), "NaN is not a number."),
        ("inf", D(10), D("0.5"), "inf is not a number."),
        ("7.555", D(10), None, "7.555 has more than two decimal places."),
        ("-1", D(10), D("0.5"), "-1 is negative; a mark cannot be below 0."),
        ("-0.5", D(10), D("0.5"), "-0.5 is negative; a mark cannot be below 0."),
        ("10.5", D(10), D("0.5"), "10.5 is above the maximum of 10."),
        ("95", D(10), None, "95 is above the maximum of 10."),
        ("7.3", D(10), D("0.5"), "7.3 is not a multiple of 0.5; this criterion is marked in steps of 0.5."),
        (
            "8.1",
            D(10),
            D("0.25"),
            "8.1 is not a multiple of 0.25; this criterion is marked in steps of 0.25.",
        ),
        ("7.5", D(10), D(1), "7.5 is not a multiple of 1; this criterion is marked in steps of 1."),
    ],
)
def test_invalid_marks_say_exactly_what_is_wrong(typed, max_mark, step, message):
    with pytest.raises(RuleViolation) as err:
        validate_mark_value(typed, max_mark, step)
    assert str(err.value) == message
    assert err.value.field == "value"


def test_above_maximum_message_is_a_translatable_source_string():
    with pytest.raises(RuleViolation) as err:
        validate_mark_value("12", D(10), D("0.5"))
    assert err.value.message == "%(value)s is above the maximum of %(max)s."
    assert err.value.params == {"value": D(12), "max": D(10)}


# --- who may write, and when ----------------------------------------------------------------------------

GOOD = "Transcription error found on the paper sheet"
ALLOWED = None
REOPEN = (InvalidState, "submitted; the chief judge must reopen it")
ONLY_CHIEF = (NotAllowed, "only the chief judge can change its marks")
NOT_A_JUDGE = (NotAllowed, "Only the judge or the chief judge")
NO_REASON = (RuleViolation, "Give a reason")
SHORT = (RuleViolation, "too short")


@pytest.mark.parametrize(
    ("actor", "submitted", "locked", "reason", "expected"),
    [
        # judge
        ("judge", False, False, None, ALLOWED),
        ("judge", False, False, GOOD, ALLOWED),
        ("judge", True, False, None, REOPEN),
        ("judge", True, False, GOOD, REOPEN),
        ("judge", False, True, GOOD, ONLY_CHIEF),
        ("judge", True, True, None, ONLY_CHIEF),
        ("judge", True, True, GOOD, ONLY_CHIEF),
        # chief judge
        ("chief_judge", False, False, None, ALLOWED),
        ("chief_judge", True, False, None, REOPEN),
        ("chief_judge", True, False, GOOD, REOPEN),
        ("chief_judge", True, True, GOOD, ALLOWED),
        ("chief_judge", False, True, GOOD, ALLOWED),
        ("chief_judge", True, True, None, NO_REASON),
        ("chief_judge", True, True, "", NO_REASON),
        ("chief_judge", True, True, "   \n", NO_REASON),
        ("chief_judge", True, True, "typo", SHORT),
        ("chief_judge", True, True, " ok  ", SHORT),
        ("chief_judge", True, True, "笔误", SHORT),
        ("chief_judge", True, True, "typo!", ALLOWED),
        ("chief_judge", True, True, "录入错误", ALLOWED),
        # anyone else
        ("organizer", False, False, None, NOT_A_JUDGE),
        ("organizer", True, False, GOOD, NOT_A_JUDGE),
        ("organizer", True, True, GOOD, NOT_A_JUDGE),
        ("admin", False, True, GOOD, NOT_A_JUDGE),
        ("competitor", False, False, None, NOT_A_JUDGE),
    ],
)
def test_lock_rules(actor, submitted, locked, reason, expected):
    if expected is ALLOWED:
        assert check_can_write_mark(actor, submitted, locked, reason) is None
        return
    error, fragment = expected
    with pytest.raises(error) as err:
        check_can_write_mark(actor, submitted, locked, reason)
    assert type(err.value) is error
    assert fragment in str(err.value)


def test_reason_error_points_at_the_reason_field():
    with pytest.raises(RuleViolation) as err:
        check_can_write_mark("chief_judge", True, True, "typo")
    assert err.value.field == "reason"
    assert err.value.params == {"min": 5}


@pytest.mark.parametrize(
    ("reason", "width"), [("typo", 4), ("  typo  ", 4), ("笔误", 4), ("录入错误", 8), ("申诉 ok", 7)]
)
def test_reason_width_counts_chinese_characters_twice(reason, width):
    assert reason_width(reason) == width


@pytest.mark.parametrize(
    ("actor", "locked", "expected"),
    [
        ("chief_judge", False, None),
        ("chief_judge", True, InvalidState),
        ("judge", False, NotAllowed),
        ("organizer", False, NotAllowed),
    ],
)
def test_only_the_chief_judge_reopens_a_sheet_before_sign_off(actor, locked, expected):
    if expected is None:
        assert check_can_reopen_sheet(actor, locked) is None
    else:
        with pytest.raises(expected):
            check_can_reopen_sheet(actor, locked)


# --- versions and retries -------------------------------------------------------------------------------

K1 = "3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f"
K2 = "0d9e8f7a-6b5c-4d3e-9f2a-1b0c9d8e7f6a"
K3 = "c0ffee00-1234-4abc-8def-0123456789ab"
STORED = StoredMark(D("7.5"), 2, frozenset({K1, K2}))


W = MarkWrite
CREATE, UPDATE, REPLAY, UNCHANGED = WriteAction


@pytest.mark.parametrize(
    ("case", "existing", "incoming", "expected"),
    [
        ("new mark", None, W(D(8), None, K3), (CREATE, "8", 1)),
        ("edit of the current version", STORED, W(D(8), 2, K3), (UPDATE, "8", 3)),
        ("retry of the last write", STORED, W(D("7.5"), 1, K2), (REPLAY, "7.5", 2)),
        ("retry of an older write", STORED, W(D(6), None, K1), (REPLAY, "7.5", 2)),
        ("upper-case key of an applied write", STORED, W(D(9), 1, K1.upper()), (REPLAY, "7.5", 2)),
        ("re-save of the same value", STORED, W(D("7.5"), 2, K3), (UNCHANGED, "7.5", 2)),
        ("stale, but already this value", STORED, W(D("7.50"), 1, K3), (UNCHANGED, "7.5", 2)),
        ("second tablet creates the same value", STORED, W(D("7.5"), None, K3), (UNCHANGED, "7.5", 2)),
    ],
)
def test_resolve_write(case, existing, incoming, expected):
    action, value, version = expected
    assert resolve_write(existing, incoming) == WriteDecision(action, D(value), version), case


@pytest.mark.parametrize(
    ("case", "existing", "incoming"),
    [
        ("older version, different value", STORED, MarkWrite(D(6), 1, K3)),
        ("second tablet creates a different value", STORED, MarkWrite(D(6), None, K3)),
        ("version the server never issued", STORED, MarkWrite(D(6), 3, K3)),
        ("version the server never issued, same value", STORED, MarkWrite(D("7.5"), 5, K3)),
    ],
)
def test_an_older_edit_never_overwrites_a_newer_one(case, existing, incoming):
    with pytest.raises(Conflict) as err:
        resolve_write(existing, incoming)
    assert err.value.params == {"current": D("7.5"), "version": 2}, case
    assert "changed to 7.5 (version 2)" in str(err.value)


def test_a_write_to_a_mark_that_does_not_exist_is_a_conflict():
    with pytest.raises(Conflict, match="no longer exists"):
        resolve_write(None, MarkWrite(D(6), 1, K3))


@pytest.mark.parametrize("version", [0, -1])
def test_versions_start_at_one(version):
    with pytest.raises(RuleViolation, match="start at 1"):
        resolve_write(STORED, MarkWrite(D(6), version, K3))


@pytest.mark.parametrize(
    "key",
    [
        "",
        "not-a-uuid",
        "3f2b8c1e9a4d4c6b8e2f1a2b3c4d5e6f",
        "{3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f}",
        "urn:uuid:3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f",
        "3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6",
        "3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6g",
        "00000000-0000-0000-0000-000000000000",
        None,
    ],
)
def test_malformed_idempotency_keys_are_refused(key):
    with pytest.raises(RuleViolation) as err:
        resolve_write(None, MarkWrite(D(6), None, key))
    assert err.value.field == "idempotency_key"


def test_idempotency_keys_are_stored_in_lower_case():
    assert check_idempotency_key(" " + K1.upper() + " ") == K1


def test_apply_write_remembers_the_key_even_when_nothing_changes():
    after = apply_write(STORED, MarkWrite(D("7.5"), 2, K3))
    assert after == StoredMark(D("7.5"), 2, frozenset({K1, K2, K3}))
    assert resolve_write(after, MarkWrite(D("7.5"), 2, K3)).action == WriteAction.REPLAY


def test_a_sequence_of_edits_from_one_tablet():
    mark = apply_write(None, MarkWrite(D(6), None, K1))
    mark = apply_write(mark, MarkWrite(D("6.5"), 1, K2))
    assert (mark.value, mark.version) == (D("6.5"), 2)
    with pytest.raises(Conflict):
        apply_write(mark, MarkWrite(D(5), 1, K3))  # the other tablet still shows version 1


uuids = st.uuids(allow_nil=False).map(str)
values = st.decimals(min_value=0, max_value=10, places=2)


@st.composite
def stored_marks(draw):
    keys = draw(st.frozensets(uuids, max_size=3))
    return draw(st.none()) if draw(st.booleans()) else StoredMark(draw(values), draw(st.integers(1, 5)), keys)


@given(stored_marks(), values, st.none() | st.integers(1, 6), uuids)
def test_replaying_a_write_yields_the_same_state_as_applying_it_once(existing, value, base, key):
    write = MarkWrite(value, base, key)
    try:
        once = apply_write(existing, write)
    except Conflict:
        return
    twice = apply_write(once, write)
    assert twice == once
    assert resolve_write(once, write).action == WriteAction.REPLAY


@given(stored_marks(), values, st.none() | st.integers(1, 6), uuids)
def test_a_write_never_goes_back_in_version_and_is_either_applied_or_refused(existing, value, base, key):
    try:
        after = apply_write(existing, MarkWrite(value, base, key))
    except Conflict:
        assert existing is None or value != existing.value or (base or 0) > existing.version
        return
    assert existing is None or after.version >= existing.version
    assert after.value == value or (existing is not None and key in existing.applied_keys)
