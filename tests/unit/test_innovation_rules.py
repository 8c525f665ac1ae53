"""The innovation contest's rules as tables: the entry's state machine, reasons, the submission window,
benefit figures, teams, entry numbers and the report totals (no app, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from competitions.domain import innovation as rules
from competitions.domain.errors import InvalidState, RuleViolation

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("status", "action", "new"), [
    ("draft", "submit", "submitted"),
    ("returned", "submit", "submitted"),
    ("draft", "withdraw", "withdrawn"),
    ("submitted", "withdraw", "withdrawn"),
    ("returned", "withdraw", "withdrawn"),
    ("withdrawn", "reopen", "draft"),
    ("submitted", "pass", "passed"),
    ("submitted", "return", "returned"),
    ("passed", "unpass", "returned"),
    ("passed", "adopt", "adopted"),
    ("not_adopted", "adopt", "adopted"),
    ("passed", "decline", "not_adopted"),
    ("adopted", "implement", "implemented"),
    ("implemented", "implement", "implemented"),   # correcting the record
    ("adopted", "revert", "passed"),
    ("not_adopted", "revert", "passed"),
    ("implemented", "revert", "adopted"),
])
def test_allowed_transitions(status, action, new):
    assert rules.transition(status, action) == new


@pytest.mark.parametrize(("status", "action"), [
    ("draft", "pass"),            # the unit sees nothing before submission
    ("submitted", "submit"),      # submitted twice
    ("passed", "withdraw"),       # no withdrawal once reviewed
    ("submitted", "adopt"),       # adoption needs the unit's pass first
    ("passed", "implement"),      # implementation needs adoption first
    ("withdrawn", "submit"),      # reopen first
    ("returned", "pass"),         # the entrant revises and submits again
    ("draft", "revert"),
])
def test_refused_transitions(status, action):
    with pytest.raises(InvalidState):
        rules.transition(status, action)


def test_every_state_has_a_way_out():
    """No dead end: every status but implemented-and-final has an action; implemented can be reverted."""
    for status in rules.STATUSES:
        assert rules.possible_actions(status), status


def test_unknown_action_is_a_rule_violation():
    with pytest.raises(RuleViolation):
        rules.transition("draft", "delete")


@pytest.mark.parametrize(("action", "reason", "ok"), [
    ("return", "", False), ("return", "   ", False), ("return", "补充材料", True),
    ("unpass", "", False), ("decline", "", False), ("revert", "", False), ("pass", "", True), ("adopt", "", True),
])
def test_reasons(action, reason, ok):
    if ok:
        assert rules.check_reason(action, reason) == reason.strip()
    else:
        with pytest.raises(RuleViolation):
            rules.check_reason(action, reason)


@pytest.mark.parametrize(("opens", "closes", "ok"), [
    (None, None, True),
    (NOW - timedelta(days=1), NOW + timedelta(days=1), True),
    (NOW + timedelta(seconds=1), None, False),     # not yet open
    (None, NOW, False),                            # the deadline itself is too late
    (None, NOW + timedelta(seconds=1), True),
])
def test_submission_window(opens, closes, ok):
    if ok:
        rules.check_window(NOW, opens, closes)
    else:
        with pytest.raises(InvalidState):
            rules.check_window(NOW, opens, closes)


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), (Decimal("0"), Decimal("0.00")), (Decimal("120000.5"), Decimal("120000.50")),
    (Decimal("999999999999.99"), Decimal("999999999999.99")),
])
def test_yuan_accepted(value, expected):
    assert rules.check_yuan(value, field="x") == expected


@pytest.mark.parametrize("value", [Decimal("-1"), Decimal("0.001"), Decimal("1000000000000"), Decimal("NaN"),
                                   Decimal("Infinity")])
def test_yuan_refused(value):
    with pytest.raises(RuleViolation):
        rules.check_yuan(value, field="x")


@pytest.mark.parametrize(("yuan", "text", "ok"), [
    (None, "", False), (None, "  ", False), (Decimal(1), "", True), (None, "减少事故", True), (Decimal(0), "x", True),
])
def test_claim_needs_a_figure_or_words(yuan, text, ok):
    if ok:
        rules.check_claim(yuan, text)
    else:
        with pytest.raises(RuleViolation):
            rules.check_claim(yuan, text)


TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(("day", "yuan", "note", "field"), [
    (None, Decimal(1), "", "implemented_on"),
    (TODAY + timedelta(days=1), Decimal(1), "", "implemented_on"),
    (TODAY, None, "", "realized_benefit_yuan"),
    (TODAY, Decimal("-5"), "x", "realized_benefit_yuan"),
])
def test_implementation_refused(day, yuan, note, field):
    with pytest.raises(RuleViolation) as caught:
        rules.check_implementation(realized_yuan=yuan, note=note, implemented_on=day, today=TODAY)
    assert caught.value.field == field


def test_implementation_accepted():
    rules.check_implementation(realized_yuan=None, note="消除安全隐患", implemented_on=TODAY, today=TODAY)
    # already in use a year before it was entered: contests mostly take achievements in practice
    rules.check_implementation(realized_yuan=Decimal(1), note="", implemented_on=date(2025, 3, 1), today=TODAY)


def test_team_lead_first_and_limits():
    team = rules.check_team((rules.Member(2), rules.Member(1, is_lead=True), rules.Member(3)))
    assert [m.worker_id for m in team] == [1, 2, 3]
    for bad in ((), (rules.Member(1),), (rules.Member(1, True), rules.Member(1)),
                (rules.Member(1, True), rules.Member(2, True)),
                tuple(rules.Member(i, i == 0) for i in range(rules.MAX_MEMBERS + 1))):
        with pytest.raises(RuleViolation):
            rules.check_team(bad)


def test_entry_numbers():
    assert rules.entry_number(1) == "CX-0001"
    assert rules.entry_number(12345) == "CX-12345"
    with pytest.raises(ValueError):
        rules.entry_number(0)


def test_benefit_totals_count_as_the_report_does():
    rows = [
        ("draft", Decimal(100), None),            # never reached the unit: not counted
        ("withdrawn", Decimal(100), None),
        ("submitted", Decimal("10.50"), None),
        ("returned", None, None),
        ("passed", Decimal(20), None),
        ("not_adopted", Decimal(30), None),
        ("adopted", Decimal(40), Decimal(999)),   # adoption alone realizes nothing
        ("implemented", Decimal(50), Decimal("45.25")),
        ("implemented", None, None),
    ]
    totals = rules.benefit_totals(rows)
    assert (totals.submitted, totals.adopted, totals.implemented) == (7, 3, 2)
    assert totals.claimed_yuan == Decimal("150.50")
    assert totals.realized_yuan == Decimal("45.25")


@pytest.mark.parametrize("kind, parts, codes", [
    ("innovation", [("review", 100)], ["N", "F", "B", "A"]),
    ("skills", [("theory", 30), ("practical", 70)], ["T1", "P1"]),
    ("labor", [("theory", 30), ("practical", 70)], ["T1", "P1"]),
])
def test_a_new_event_starts_from_its_kinds_default_scheme(kind, parts, codes):
    from competitions.domain.schemes import default_scheme, validate_scheme

    draft = default_scheme(kind)
    assert [(p.code, int(p.weight)) for p in draft.parts] == parts
    assert [c.code for c in draft.criteria] == codes
    if kind == "innovation":   # the four criteria of an expert review add up to the part's 100 points
        assert sum(c.max_mark for c in draft.criteria) == 100 and not validate_scheme(draft)
