"""The rules of a workers' innovation contest (职工创新竞赛): an entry's life, its team and its benefit figures.

The practice (e.g. a city federation's yearly 职工技术创新成果评选 and 合理化建议 campaigns): a
worker, or a team of workers with one named lead (第一完成人), fills in an entry — a rationalization
proposal (合理化建议), a technical improvement (技术革新), an invention (发明创造) or an advanced
operating method (先进操作法) — with the economic benefit they expect (元/年). They may keep it as a
draft, submit it before the deadline, or withdraw it while nobody has reviewed it yet. Their own unit
pre-reviews it (单位初审): it passes it on to the expert panel or returns it with a reason, and a
returned entry is revised and submitted again. After the experts' review the organizer records whether
the entry is adopted (采纳) and, later, implemented (实施) with the benefit actually realized.

``transition(status, action)`` is the whole state machine as one table; every state has a way out
(a wrong pass is taken back while no expert has marked it, an adoption or implementation recorded by
mistake is reverted with a reason). Pure: the caller supplies the time and the facts it depends on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from competitions.domain.errors import N_, Code, InvalidState, RuleViolation

CATEGORIES = ("rationalization", "technical", "invention", "method")
STATUSES = ("draft", "submitted", "returned", "withdrawn", "passed", "not_adopted", "adopted", "implemented")
# Entries the experts see and score (the unit passed them); the later states keep their registration.
REVIEWED = frozenset({"passed", "not_adopted", "adopted", "implemented"})
# Statuses that count as submitted in the statistics (see innovation.models).
COUNTED = frozenset({"submitted", "returned", *REVIEWED})
EDITABLE = frozenset({"draft", "returned"})
MAX_MEMBERS = 10
MAX_YUAN = Decimal("999999999999.99")   # Numeric(14, 2)

# (status, action) -> new status. Who may act is the caller's business (entrant, unit, organizer).
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "withdraw"): "withdrawn",
    ("returned", "withdraw"): "withdrawn",
    ("withdrawn", "reopen"): "draft",
    ("submitted", "pass"): "passed",
    ("submitted", "return"): "returned",
    ("passed", "unpass"): "returned",
    ("passed", "adopt"): "adopted",
    ("not_adopted", "adopt"): "adopted",
    ("passed", "decline"): "not_adopted",
    ("adopted", "implement"): "implemented",
    ("implemented", "implement"): "implemented",   # correcting the record (the real benefit became known)
    ("adopted", "revert"): "passed",
    ("not_adopted", "revert"): "passed",
    ("implemented", "revert"): "adopted",
}
ENTRANT_ACTIONS = ("submit", "withdraw", "reopen")
UNIT_ACTIONS = ("pass", "return", "unpass")
ORGANIZER_ACTIONS = ("adopt", "decline", "implement", "revert")
# Actions that need a written reason (a return tells the entrant what to revise; the rest are audited).
NEEDS_REASON = frozenset({"return", "unpass", "decline", "revert"})
ACTIONS = ENTRANT_ACTIONS + UNIT_ACTIONS + ORGANIZER_ACTIONS


def transition(status: str, action: str) -> str:
    """The status after ``action`` on an entry in ``status``; InvalidState when the action is not possible.

    >>> transition("draft", "submit")
    'submitted'
    """
    if action not in ACTIONS:
        raise RuleViolation(N_("Unknown action %(action)s."), field="action", action=action)
    new = TRANSITIONS.get((status, action))
    if new is None:
        raise InvalidState(N_("An entry that is %(status)s cannot be %(action)s."), field="action",
                           status=Code("innovation_status", status), action=Code("innovation_action", action))
    return new


def possible_actions(status: str, actions: tuple[str, ...] = ACTIONS) -> list[str]:
    """The actions among ``actions`` that an entry in ``status`` allows, in ``actions`` order."""
    return [a for a in actions if (status, a) in TRANSITIONS]


def check_reason(action: str, reason: str) -> str:
    """The reason stripped; RuleViolation when ``action`` needs one and it is blank."""
    reason = (reason or "").strip()
    if action in NEEDS_REASON and not reason:
        raise RuleViolation(N_("Give a reason: the entrants and the audit trail see it."), field="reason")
    return reason


def check_window(now: datetime, opens_at: datetime | None, closes_at: datetime | None) -> None:
    """Submissions are taken from ``opens_at`` until ``closes_at`` (the competition's registration window).

    An open end means no limit on that side. All three are aware datetimes.
    """
    if opens_at is not None and now < opens_at:
        raise InvalidState(N_("Entries are taken from %(when)s."), field="submit", when=opens_at)
    if closes_at is not None and now >= closes_at:
        raise InvalidState(N_("The deadline for entries has passed (%(when)s)."), field="submit", when=closes_at)


def check_yuan(value: Decimal | None, *, field: str) -> Decimal | None:
    """A benefit in yuan (元, per year for a claimed benefit): 0 .. 999,999,999,999.99, two decimals, or None."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or value > MAX_YUAN:
        raise RuleViolation(N_("A benefit is between 0 and 999,999,999,999.99 yuan."), field=field)
    if value != value.quantize(Decimal("0.01")):
        raise RuleViolation(N_("A benefit in yuan has at most two decimals (fen)."), field=field)
    return value.quantize(Decimal("0.01"))


def check_claim(yuan: Decimal | None, text: str) -> None:
    """An entry states the benefit it claims: a figure in yuan per year, or words (social benefit), or both."""
    if yuan is None and not (text or "").strip():
        raise RuleViolation(N_("State the benefit: yuan per year, a description of it, or both."),
                            field="claimed_benefit_yuan")


def check_implementation(*, realized_yuan: Decimal | None, note: str, implemented_on: date | None,
                         today: date) -> None:
    """An implementation states when (not in the future) and its benefit.

    The date may lie before the entry was submitted: workers' innovation
    contests mostly take achievements already in use (entry forms ask for
    "问题、改进内容与实施效果", and many rules require a year of use). The
    realized benefit is a figure or a text (a safety improvement may save no
    money), like the claim.
    """
    if implemented_on is None:
        raise RuleViolation(N_("Give the date the entry was put into practice."), field="implemented_on")
    if implemented_on > today:
        raise RuleViolation(N_("The implementation date cannot be in the future."), field="implemented_on")
    check_yuan(realized_yuan, field="realized_benefit_yuan")
    if realized_yuan is None and not (note or "").strip():
        raise RuleViolation(N_("State the realized benefit: yuan, a description, or both."),
                            field="realized_benefit_yuan")


@dataclass(frozen=True)
class Member:
    """A team member as the lead names them: the worker id and whether they lead."""

    worker_id: int
    is_lead: bool = False


def check_team(members: tuple[Member, ...]) -> tuple[Member, ...]:
    """A team has 1 .. MAX_MEMBERS distinct workers and exactly one lead, who is listed first."""
    if not members:
        raise RuleViolation(N_("An entry names at least its lead."), field="members")
    if len(members) > MAX_MEMBERS:
        raise RuleViolation(N_("An entry names at most %(max)d members."), field="members", max=MAX_MEMBERS)
    ids = [m.worker_id for m in members]
    if len(set(ids)) != len(ids):
        raise RuleViolation(N_("A member is named twice."), field="members")
    leads = [m for m in members if m.is_lead]
    if len(leads) != 1:
        raise RuleViolation(N_("An entry has exactly one lead."), field="members")
    return (leads[0], *[m for m in members if not m.is_lead])


def entry_number(sequence: int) -> str:
    """The entry's number in its competition: CX-0001 (创新 = chuàngxīn), shown to experts and printed."""
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"CX-{sequence:04d}"


@dataclass(frozen=True)
class BenefitTotals:
    """Benefit figures of a set of entries, in yuan: claimed by submitted entries, realized by implemented ones."""

    submitted: int
    adopted: int
    implemented: int
    claimed_yuan: Decimal
    realized_yuan: Decimal


def benefit_totals(entries: list[tuple[str, Decimal | None, Decimal | None]]) -> BenefitTotals:
    """Count and sum ``(status, claimed_yuan, realized_yuan)`` rows as the federation's report does.

    Submitted: every entry that reached its unit (``COUNTED``); adopted: adopted or implemented;
    implemented: implemented. Claimed benefit is summed over submitted entries, realized benefit over
    implemented ones only (an adoption alone realizes nothing yet). Missing figures count as 0.
    """
    submitted = [e for e in entries if e[0] in COUNTED]
    adopted = [e for e in entries if e[0] in ("adopted", "implemented")]
    implemented = [e for e in entries if e[0] == "implemented"]
    return BenefitTotals(
        submitted=len(submitted), adopted=len(adopted), implemented=len(implemented),
        claimed_yuan=sum((e[1] or Decimal(0) for e in submitted), Decimal("0.00")),
        realized_yuan=sum((e[2] or Decimal(0) for e in implemented), Decimal("0.00")),
    )
