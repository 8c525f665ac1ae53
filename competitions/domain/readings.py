"""Readings of a measured criterion: taken once, or taken twice as a check reading within a tolerance.

A measurement (测量) criterion — a dimension, a time, a count, a test result —
is objective: the judge at the station reads it and records it. Contest
practice (客观评分 items of national and provincial rules, WorldSkills
"measurement" aspects) treats a second judge's different value not as a
second opinion to be averaged but as a measuring error. Two ways a scheme
states it:

* ``ONCE`` — the criterion takes the reading of ``readings`` judges (one, as
  a rule): once they are recorded, any other judge's reading is refused when
  it is written (``reading_refused``), never stored and averaged later.
* ``CHECK`` — a check reading (复测): two judges each read it, and the two
  readings must agree within a stated tolerance, in the criterion's own unit
  (``0.05`` on a criterion marked in millimetres or points). Within the
  tolerance (the difference equal to the tolerance included) the first
  reading counts, or the mean of the two, as the scheme states
  (``CheckCounts``). Beyond it the readings disagree: the chief judge sees
  both, with the judges' names, and either keeps one (``decided_value``) or
  orders a re-measure; until then the competitor cannot be scored.

Values are ``Decimal`` in the criterion's unit; functions are pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from competitions.domain.errors import N_

CHECK_READINGS = 2


class ReadingMode(StrEnum):
    """How a measured criterion is read: once, or with a check reading within a tolerance."""

    ONCE = "once"
    CHECK = "check"


class CheckCounts(StrEnum):
    """Which value counts when a reading and its check reading agree."""

    FIRST = "first"
    MEAN = "mean"


class CheckOutcome(StrEnum):
    """Where a check-read criterion stands for one competitor."""

    WAITING = "waiting"      # fewer than two readings yet
    AGREE = "agree"          # within the tolerance: ``value`` counts
    DISAGREE = "disagree"    # beyond the tolerance: the chief judge decides


@dataclass(frozen=True)
class ReadingRule:
    """How many judges' readings a measured criterion takes, and how a check reading is judged.

    ``readings``: readings the criterion takes from distinct judges (the
    scheme's judges for the criterion; 2 in check mode). ``tolerance``: check
    mode only, the largest difference between the two readings that still
    agrees, in the criterion's unit (>= 0). ``counts``: check mode only.
    """

    mode: ReadingMode = ReadingMode.ONCE
    readings: int = 1
    tolerance: Decimal | None = None
    counts: CheckCounts = CheckCounts.FIRST

    def __post_init__(self) -> None:
        """Accept stored strings for the enums."""
        object.__setattr__(self, "mode", ReadingMode(self.mode))
        object.__setattr__(self, "counts", CheckCounts(self.counts))


def reading_refused(rule: ReadingRule, readings_by_others: int, *, own_reading: bool) -> bool:
    """Whether a judge's reading must be refused when it is written.

    ``readings_by_others``: readings other judges have already recorded for this
    competitor on this criterion; ``own_reading``: this judge already has one
    (a correction of one's own reading is never refused here). A criterion
    that already holds all its readings takes no further judge's reading.

    >>> reading_refused(ReadingRule(), 1, own_reading=False)
    True
    >>> reading_refused(ReadingRule(ReadingMode.CHECK, 2, Decimal("0.5")), 1, own_reading=False)
    False
    """
    return not own_reading and readings_by_others >= rule.readings


@dataclass(frozen=True)
class CheckResult:
    """A check reading judged: the outcome, the value that counts (AGREE only) and the difference."""

    outcome: CheckOutcome
    value: Decimal | None = None
    difference: Decimal | None = None


def check_readings(rule: ReadingRule, readings: Sequence[Decimal]) -> CheckResult:
    """Judge a reading and its check reading, given in the order they were taken (exact, no rounding).

    Agree when ``|first - second| <= tolerance``: the first counts, or their
    mean (``CheckCounts.MEAN``). Fewer than two readings: WAITING.

    >>> check_readings(ReadingRule(ReadingMode.CHECK, 2, Decimal("0.5")), [Decimal("72"), Decimal("72.5")]).value
    Decimal('72')
    >>> check_readings(ReadingRule(ReadingMode.CHECK, 2, Decimal("0.5")), [Decimal("72"), Decimal("73")]).outcome
    <CheckOutcome.DISAGREE: 'disagree'>
    """
    if len(readings) < CHECK_READINGS:
        return CheckResult(CheckOutcome.WAITING)
    first, second = readings[0], readings[1]
    difference = abs(first - second)
    if difference > (rule.tolerance or Decimal(0)):
        return CheckResult(CheckOutcome.DISAGREE, None, difference)
    value = first if rule.counts is CheckCounts.FIRST else (first + second) / 2
    return CheckResult(CheckOutcome.AGREE, value, difference)


def decided_value(seen: Mapping[int, Decimal], now: Mapping[int, Decimal], kept_judge: int) -> Decimal | None:
    """The reading the chief judge kept, while the readings are still those the decision was made on.

    ``seen`` and ``now``: judge id -> reading, as the chief judge saw them and as
    they are stored now. A reading changed, added or removed since makes the
    decision stale (None): the disagreement is open again.
    """
    if dict(seen) != dict(now) or kept_judge not in now:
        return None
    return now[kept_judge]


def rule_problems(kind: str, mode: str, judges_required: int, tolerance: Decimal | None, counts: str,
                  max_mark: Decimal) -> list[tuple[str, dict]]:
    """What is wrong with a criterion's reading settings, as (message, params); empty when they may be saved.

    A check reading belongs to a measurement criterion read by exactly two
    judges, with a tolerance from 0 up to the criterion's maximum.
    """
    problems: list[tuple[str, dict]] = []
    if mode not in tuple(ReadingMode):
        return [(N_("Unknown reading mode %(value)s."), {"value": mode})]
    if counts not in tuple(CheckCounts):
        problems.append((N_("Unknown check-reading rule %(value)s."), {"value": counts}))
    if mode == ReadingMode.ONCE:
        return problems
    if kind != "measurement":
        problems.append((N_("Only a measurement criterion can have a check reading."), {}))
    if judges_required != CHECK_READINGS:
        problems.append((N_("A check reading needs exactly 2 judges on the criterion."), {}))
    if tolerance is None:
        problems.append((N_("Give the tolerance between the reading and the check reading."), {}))
    elif not Decimal(0) <= tolerance <= max_mark:
        problems.append((N_("The tolerance must be from 0 up to the criterion's maximum mark."), {}))
    return problems
