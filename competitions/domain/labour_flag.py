"""The rotating red flag (流动红旗) of a labour competition: who holds it after each period.

Practice on key projects: after each period's ranking is published, the
top unit receives the rotating red flag (流动红旗) at the period's meeting
and hangs it at its site until the next period's ranking hands it on — to
another unit, or back to the same one, which then "keeps the flag" (连续保持)
for several periods in a row, a fact the rules often reward at the end.
Only a unit without a veto item (一票否决) can receive it: a vetoed unit is
skipped and the flag goes to the best unit without a veto.

When the best eligible units are tied (equal on the total and every
tie-break the rules name), the rules say either that nobody receives the
flag that period (``FlagTie.NONE``, the default: one flag, no lot drawing)
or that the tied units hold it jointly (``FlagTie.SHARED``). Some rules set
a floor ("a unit scoring under 90 receives no red flag", ``min_total``).
When no unit qualifies — all vetoed, all below the floor, a tie under
``NONE`` — the flag returns to the organizer for that period (红旗收回) and
every streak ends.

``flag_history`` walks the published periods in order and records, for each,
the holders, the previous holders and each holder's streak; the current
holder is the last period's. It depends only on the periods' rankings, so a
published period's flag never changes unless the period is corrected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from competitions.domain.labour_ranking import PeriodStanding


class FlagTie(StrEnum):
    """What the rules do when the best eligible units are tied (stored as the value)."""

    NONE = "none"  # nobody receives the flag that period
    SHARED = "shared"  # the tied units hold it jointly


class NoFlagReason(StrEnum):
    """Why nobody holds the flag after a period (stored as the value)."""

    NO_ELIGIBLE_UNIT = "no_eligible_unit"  # every unit vetoed or not assessed
    TIED_TOP = "tied_top"  # the best units are tied and the rules give no shared flag
    BELOW_MINIMUM = "below_minimum"  # the best unit scored under the rules' floor


@dataclass(frozen=True)
class FlagRule:
    """The competition's red-flag rule: ties and an optional minimum total (points)."""

    on_tie: FlagTie = FlagTie.NONE
    min_total: Decimal | None = None


@dataclass(frozen=True)
class FlagAward:
    """The outcome of one period: its holders (empty when none) and why none."""

    holders: tuple[int, ...]
    reason: NoFlagReason | None = None


@dataclass(frozen=True)
class FlagTerm:
    """One period in the flag's history.

    ``streaks`` maps each holder to the number of consecutive periods, this
    one included, it has held the flag; ``previous`` are the holders of the
    period before (empty for the first or after a period without a holder).
    """

    period_key: int
    holders: tuple[int, ...]
    previous: tuple[int, ...]
    streaks: Mapping[int, int] = field(default_factory=dict)
    reason: NoFlagReason | None = None

    @property
    def kept(self) -> tuple[int, ...]:
        """Holders who already held the flag the period before (连续保持)."""
        return tuple(u for u in self.holders if u in self.previous)

    @property
    def handed_over(self) -> bool:
        """True when the flag moved: someone holds it now who did not before."""
        return bool(self.holders) and set(self.holders) != set(self.previous)


def flag_award(standing: PeriodStanding, rule: FlagRule = FlagRule()) -> FlagAward:
    """Who receives the flag for one period's ranking (units in id order)."""
    eligible = standing.eligible()
    if not eligible:
        return FlagAward((), NoFlagReason.NO_ELIGIBLE_UNIT)
    best = eligible[0].rank
    top = [p for p in eligible if p.rank == best]
    if rule.min_total is not None and top[0].total < rule.min_total:
        return FlagAward((), NoFlagReason.BELOW_MINIMUM)
    if len(top) > 1 and FlagTie(rule.on_tie) is FlagTie.NONE:
        return FlagAward((), NoFlagReason.TIED_TOP)
    return FlagAward(tuple(sorted(p.unit_id for p in top)))


def flag_history(periods: Iterable[tuple[int, PeriodStanding]], rule: FlagRule = FlagRule()) -> tuple[FlagTerm, ...]:
    """The flag after each period, in the order given (the periods' own order, oldest first)."""
    return history_of_awards((key, flag_award(standing, rule)) for key, standing in periods)


def history_of_awards(awards: Iterable[tuple[int, FlagAward]]) -> tuple[FlagTerm, ...]:
    """The flag's history from each period's award as it was published (frozen), oldest period first."""
    terms: list[FlagTerm] = []
    previous: tuple[int, ...] = ()
    streaks: dict[int, int] = {}
    for key, award in awards:
        streaks = {unit: streaks.get(unit, 0) + 1 for unit in award.holders}
        terms.append(FlagTerm(key, award.holders, previous, dict(streaks), award.reason))
        previous = award.holders
    return tuple(terms)


def current_holders(history: Sequence[FlagTerm]) -> FlagTerm | None:
    """The latest period's term (its holders may be empty), or None before any period is published."""
    return history[-1] if history else None


def flags_won(history: Iterable[FlagTerm]) -> dict[int, int]:
    """How many periods each unit held the flag (for cumulative tie-breaks and honours)."""
    counts: dict[int, int] = {}
    for term in history:
        for unit in term.holders:
            counts[unit] = counts.get(unit, 0) + 1
    return counts


def longest_streaks(history: Iterable[FlagTerm]) -> dict[int, int]:
    """Each holder's longest run of consecutive periods with the flag."""
    best: dict[int, int] = {}
    for term in history:
        for unit, streak in term.streaks.items():
            best[unit] = max(best.get(unit, 0), streak)
    return best
