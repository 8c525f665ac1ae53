"""Final honours of a labour competition, decided from the cumulative standing.

At the end of a campaign the leading group commends, by the assessment
rules (考评办法), the best participants of the cumulative standing
(``domain.labour_cumulative``):

* **advanced collective** (先进集体) — the first N units (project sections,
  enterprises) of the standing;
* **Workers' Pioneer** (工人先锋号) — the title the trade unions give to
  teams (班组), so the rule names the participant kinds it is open to, and
  goes down the standing among those only;
* **advanced individuals** (先进个人) — named by the units themselves: each
  unit puts forward up to its quota of its own members (a commended unit
  usually gets more places than the others, e.g. three against one), and the
  organizer confirms or rejects each nomination (with a reason).

A unit barred from honours (e.g. a veto during the campaign,
``CumulativePlace.honours_eligible``) is skipped and takes no honour place:
the honour goes down to the next unit. A ``min_total`` floor can stop it
earlier. When units are tied across the cut, the rules either include all of
them (``CutTies.INCLUDE``, the default, as prizes do in ``domain.awards``:
nobody equal to an honoured unit is denied) or none of the tied group
(``CutTies.EXCLUDE``: the quota from the higher level is never exceeded).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from competitions.domain.errors import N_, InvalidState, RuleViolation
from competitions.domain.labour_cumulative import CumulativePlace, CumulativeStanding

MAX_HONOURS = 1000


class HonourKind(StrEnum):
    """An honour title of a labour competition (stored as the value)."""

    ADVANCED_COLLECTIVE = "advanced_collective"
    WORKERS_PIONEER = "workers_pioneer"
    ADVANCED_INDIVIDUAL = "advanced_individual"


COLLECTIVE_KINDS = (HonourKind.ADVANCED_COLLECTIVE, HonourKind.WORKERS_PIONEER)


class CutTies(StrEnum):
    """Units tied across an honour's cut (stored as the value)."""

    INCLUDE = "include"
    EXCLUDE = "exclude"


@dataclass(frozen=True)
class HonourRule:
    """A collective honour: how many, for which participant kinds, with an optional floor (points)."""

    kind: HonourKind
    count: int
    participant_kinds: tuple[str, ...] = ("unit", "team")
    min_total: Decimal | None = None
    ties_at_cut: CutTies = CutTies.INCLUDE


@dataclass(frozen=True)
class HonourAward:
    """One collective honour for one unit, with its cumulative place."""

    unit_id: int
    kind: HonourKind
    rank: int


@dataclass(frozen=True)
class IndividualQuota:
    """How many advanced individuals a unit may name: more for a commended unit."""

    per_honoured_unit: int = 0
    per_other_unit: int = 0


def check_honour_rule(rule: HonourRule) -> HonourRule:
    """``rule`` when it is a collective honour with a count from 1 to 1,000; RuleViolation otherwise."""
    if HonourKind(rule.kind) not in COLLECTIVE_KINDS:
        raise RuleViolation(N_("Advanced individuals are named by units, not taken from the standing."),
                            field="kind")
    if not 1 <= rule.count <= MAX_HONOURS:
        raise RuleViolation(N_("The number of honours must be from 1 to %(max)d."), field="count", max=MAX_HONOURS)
    if not rule.participant_kinds:
        raise RuleViolation(N_("An honour must be open to units, teams or both."), field="participant_kinds")
    CutTies(rule.ties_at_cut)
    return rule


def final_honours(standing: CumulativeStanding, rules: Iterable[HonourRule],
                  participant_kinds: Mapping[int, str],
                  barred: Collection[tuple[str, int]] = ()) -> tuple[HonourAward, ...]:
    """The collective honours of each rule, in rule order, each in standing order.

    ``participant_kinds`` maps unit ids to their kind ("unit", "team"); a
    unit it does not name is never honoured. ``barred`` holds (honour kind
    value, unit id) pairs of honours withdrawn for cause: that unit is passed
    over for that honour and the place goes to the next eligible unit (a
    commendation revoked for a safety accident is not granted again by a
    recount).
    """
    awards: list[HonourAward] = []
    for rule in rules:
        open_to = set(rule.participant_kinds)
        candidates = [p for p in standing.places
                      if p.honours_eligible and participant_kinds.get(p.unit_id) in open_to
                      and (rule.kind, p.unit_id) not in barred
                      and (rule.min_total is None or p.row.total >= rule.min_total)]
        awards += [HonourAward(p.unit_id, HonourKind(rule.kind), p.rank) for p in _within_cut(candidates, rule)]
    return tuple(awards)


def _within_cut(candidates: Sequence[CumulativePlace], rule: HonourRule) -> list[CumulativePlace]:
    """The first ``rule.count`` candidates, a tied group across the cut all in or all out."""
    chosen: list[CumulativePlace] = []
    index = 0
    while index < len(candidates) and len(chosen) < rule.count:
        group = [p for p in candidates[index:] if p.rank == candidates[index].rank]
        if len(chosen) + len(group) > rule.count and CutTies(rule.ties_at_cut) is CutTies.EXCLUDE:
            break
        chosen += group
        index += len(group)
    return chosen


def individual_quotas(standing: CumulativeStanding, honours: Iterable[HonourAward],
                      quota: IndividualQuota) -> dict[int, int]:
    """How many advanced individuals each unit may name (units with no place and no honour: none).

    A unit holding a collective honour gets ``per_honoured_unit``; every other
    unit eligible for honours gets ``per_other_unit``.
    """
    honoured = {a.unit_id for a in honours}
    quotas: dict[int, int] = {}
    for place in standing.places:
        if place.unit_id in honoured:
            quotas[place.unit_id] = quota.per_honoured_unit
        elif place.honours_eligible:
            quotas[place.unit_id] = quota.per_other_unit
    return {unit: count for unit, count in quotas.items() if count > 0}


def check_nominations(person_ids: Sequence[int], members: Iterable[int], quota: int,
                      already: Iterable[int] = ()) -> tuple[int, ...]:
    """The new nominees of one unit, in order; RuleViolation when one breaks the rules.

    Every nominee must be a named member of the unit, named once (also not
    already nominated), and the unit's nominations together stay within its
    quota.
    """
    members = set(members)
    already = set(already)
    seen: set[int] = set()
    for person in person_ids:
        if person not in members:
            raise RuleViolation(N_("Only members of the unit can be named as advanced individuals."),
                                field="people", person=person)
        if person in seen or person in already:
            raise RuleViolation(N_("A person is named twice."), field="people", person=person)
        seen.add(person)
    if len(already) + len(seen) > quota:
        raise RuleViolation(N_("The unit may name at most %(quota)d advanced individuals."),
                            field="people", quota=quota)
    return tuple(person_ids)


class NominationState(StrEnum):
    """Where an advanced-individual nomination stands (stored as the value)."""

    NOMINATED = "nominated"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


NOMINATION_MOVES = {
    ("confirm", NominationState.NOMINATED): NominationState.CONFIRMED,
    ("reject", NominationState.NOMINATED): NominationState.REJECTED,
    ("reject", NominationState.CONFIRMED): NominationState.REJECTED,  # a confirmed honour withdrawn later
    ("withdraw", NominationState.NOMINATED): NominationState.WITHDRAWN,
    ("reopen", NominationState.REJECTED): NominationState.NOMINATED,
}
REASON_NEEDED = {"reject", "reopen"}


def nomination_move(state: NominationState | str, action: str, reason: str = "") -> NominationState:
    """The state after ``action`` (confirm, reject, withdraw, reopen); InvalidState when not allowed.

    Rejecting, also a confirmed nomination, and reopening a rejected one need a
    reason, which the audit trail keeps.
    """
    target = NOMINATION_MOVES.get((action, NominationState(state)))
    if target is None:
        raise InvalidState(N_("This nomination cannot be changed that way now."), field="action")
    if action in REASON_NEEDED and not reason.strip():
        raise RuleViolation(N_("Give a reason."), field="reason")
    return target
