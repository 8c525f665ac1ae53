"""Recusal (回避): which judge must not mark which competitor.

The practice: a judge never marks a worker from their own employer, and at a
city or provincial contest often not a worker from any enterprise under the same
parent organization either (the same district federation or group company), so
no district's judges favour their own district. A judge or the organizer may also
declare a conflict for one competitor (a relative, a former apprentice). The
chief judge (裁判长) may lift a recusal when the panel cannot be completed
otherwise; the override and its written reason are recorded by the judging
service, and here an override simply lifts the recusal.

Recusal thins a panel. When it leaves a competitor with fewer judges on a
criterion than the marking scheme needs, the chief judge is told
(``panel_shortfalls``) and must assign another judge or override a recusal.

Organizations are plain ids: each judge and competitor carries the id of their
employer and of the employer's parent in the union tree (None at the top).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, Protocol


class RecusalReason(StrEnum):
    """Why a judge is recused from a competitor (stored and shown as the code)."""

    SAME_EMPLOYER = "same_employer"
    SAME_PARENT = "same_parent"
    DECLARED_CONFLICT = "declared_conflict"


class Affiliated(Protocol):
    """Anything with an id and an employer in the union tree (judge or competitor)."""

    id: int
    employer_id: int | None
    employer_parent_id: int | None


@dataclass(frozen=True)
class JudgeAffiliation:
    """A judge and where they work."""

    id: int
    employer_id: int | None
    employer_parent_id: int | None = None


@dataclass(frozen=True)
class CompetitorAffiliation:
    """A competitor (one registration) and where they work."""

    id: int
    employer_id: int | None
    employer_parent_id: int | None = None


@dataclass(frozen=True)
class RecusalPolicy:
    """A competition's recusal settings.

    ``recuse_same_parent`` is off by default: at an enterprise or district
    contest every competitor sits under the same parent, and turning it on there
    would recuse every judge. ``recuse_same_employer`` stays on except at an
    enterprise's internal contest, where judges and competitors share one employer.
    """

    recuse_same_employer: bool = True
    recuse_same_parent: bool = False


@dataclass(frozen=True, order=True)
class Recusal:
    """One judge recused from one competitor, and why."""

    judge_id: int
    competitor_id: int
    reason: RecusalReason


class Shortfall(NamedTuple):
    """A competitor left with fewer judges on a criterion than the scheme needs."""

    competitor_id: int
    criterion_id: int
    available: int
    required: int


Pair = tuple[int, int]


def same_employer(judge: Affiliated, competitor: Affiliated) -> bool:
    """True when both work for the same (known) employer."""
    return judge.employer_id is not None and judge.employer_id == competitor.employer_id


def same_parent(judge: Affiliated, competitor: Affiliated) -> bool:
    """True when the two employers are siblings under one parent, or one is the other's parent.

    The second case is the plainest conflict of all: staff of a district
    federation judging a worker from an enterprise in that district.
    """
    siblings = (
        judge.employer_parent_id is not None and judge.employer_parent_id == competitor.employer_parent_id
    )
    judge_above = judge.employer_id is not None and judge.employer_id == competitor.employer_parent_id
    competitor_above = (
        competitor.employer_id is not None and competitor.employer_id == judge.employer_parent_id
    )
    return siblings or judge_above or competitor_above


def is_recused(
    judge: Affiliated,
    competitor: Affiliated,
    policy: RecusalPolicy,
    conflicts: Collection[Pair],
    overrides: Collection[Pair],
) -> RecusalReason | None:
    """The reason ``judge`` must not mark ``competitor``, or None when they may.

    ``conflicts`` and ``overrides`` hold (judge_id, competitor_id) pairs. An
    override lifts the recusal whatever its reason. When several reasons apply
    the organizational one is given, as it is the one the chief judge can verify.
    """
    pair = (judge.id, competitor.id)
    if pair in overrides:
        return None
    if policy.recuse_same_employer and same_employer(judge, competitor):
        return RecusalReason.SAME_EMPLOYER
    if policy.recuse_same_parent and same_parent(judge, competitor):
        return RecusalReason.SAME_PARENT
    if pair in conflicts:
        return RecusalReason.DECLARED_CONFLICT
    return None


def recused_pairs(
    judges: Iterable[Affiliated],
    competitors: Iterable[Affiliated],
    policy: RecusalPolicy,
    conflicts: Collection[Pair] = (),
    overrides: Collection[Pair] = (),
) -> list[Recusal]:
    """Every recusal between a panel of judges and the competitors, ordered by judge then competitor."""
    conflict_set, override_set = frozenset(conflicts), frozenset(overrides)
    competitor_list = sorted(competitors, key=lambda c: c.id)
    found = []
    for judge in sorted(judges, key=lambda j: j.id):
        for competitor in competitor_list:
            reason = is_recused(judge, competitor, policy, conflict_set, override_set)
            if reason is not None:
                found.append(Recusal(judge.id, competitor.id, reason))
    return found


def eligible_judges(
    assigned_judge_ids: Iterable[int], competitor_id: int, recusals: Iterable[Recusal]
) -> list[int]:
    """The assigned judges who may mark ``competitor_id``, in id order."""
    recused = {r.judge_id for r in recusals if r.competitor_id == competitor_id}
    return sorted(set(assigned_judge_ids) - recused)


def panel_shortfalls(
    criteria_required_judges: Mapping[int, int],
    assigned_judges_per_criterion: Mapping[int, Iterable[int]],
    competitors: Iterable[int],
    recusals: Iterable[Recusal],
) -> list[Shortfall]:
    """Each (competitor, criterion) whose eligible judges fall below the number the scheme requires.

    ``criteria_required_judges`` maps criterion id to the judges it needs;
    criteria not listed there require nothing. ``competitors`` are competitor ids.
    A criterion short of judges before any recusal is reported too: either way
    the chief judge has to act before marking starts.
    """
    recused_by_competitor: dict[int, set[int]] = {}
    for r in recusals:
        recused_by_competitor.setdefault(r.competitor_id, set()).add(r.judge_id)
    assigned = {c: frozenset(judges) for c, judges in assigned_judges_per_criterion.items()}
    shortfalls = []
    for competitor_id in sorted(set(competitors)):
        recused = recused_by_competitor.get(competitor_id, set())
        for criterion_id in sorted(criteria_required_judges):
            required = criteria_required_judges[criterion_id]
            available = len(assigned.get(criterion_id, frozenset()) - recused)
            if available < required:
                shortfalls.append(Shortfall(competitor_id, criterion_id, available, required))
    return shortfalls
