"""Judge consistency: how far each judge's marks sit from their panels.

Chief judges (裁判长) review their panel after an event, and contest rules ask
them to watch for a judge who marks consistently high or low or out of line
with the others. For every judgement (评价) criterion a competitor was marked
on by two or more judges, each judge's mark is compared with the panel's
aggregate as the scheme computes it (mean, trimmed mean or median). A judge's
report gives the mean absolute deviation (how far off, either way) and the
mean signed deviation (above 0: a generous judge, below 0: a severe one), in
points, and how often their mark was the one dropped as highest or lowest
under a trimmed aggregation.

A mark counts as dropped only when it was strictly the highest (or lowest) of
its panel: when two judges share the extreme mark, the dropped value was given
by both, and neither is an outlier. Measurement (测量) criteria are left out:
a reading that differs is a measuring error, not a judge's view. Panels with a
single judge have nothing to compare with and are left out too. Figures are
rounded once with ``round_points``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from competitions.domain.points import ZERO, round_points
from competitions.domain.scoring import CriterionKind, Mark, MarkingScheme, aggregate_panel, is_trimmed


@dataclass(frozen=True)
class JudgeConsistency:
    """One judge's line of the consistency report (deviations in points)."""

    judge_id: int
    marks_compared: int
    mean_absolute_deviation: Decimal
    mean_signed_deviation: Decimal
    trimmed_panels: int
    dropped_high: int
    dropped_low: int

    @property
    def dropped_share(self) -> Decimal:
        """The share of this judge's trimmed panels where their mark was dropped (0 to 1, exact)."""
        if not self.trimmed_panels:
            return ZERO
        return Decimal(self.dropped_high + self.dropped_low) / self.trimmed_panels


class _Tally:
    """Running sums for one judge."""

    __slots__ = ("absolute", "count", "high", "low", "signed", "trimmed")

    def __init__(self) -> None:
        """Start every sum at zero."""
        self.count = 0
        self.absolute = ZERO
        self.signed = ZERO
        self.trimmed = 0
        self.high = 0
        self.low = 0


def judge_consistency_report(scheme: MarkingScheme, marks: Iterable[Mark]) -> tuple[JudgeConsistency, ...]:
    """The consistency of every judge who marked a judgement criterion with others, sorted by judge id."""
    judgement = {c.id: c for c in scheme.criteria if c.kind is CriterionKind.JUDGEMENT}
    panels: dict[tuple[int, int], list[tuple[int, Decimal]]] = defaultdict(list)
    for mark in marks:
        if mark.criterion_id in judgement:
            panels[(mark.competitor_id, mark.criterion_id)].append((mark.judge_id, mark.value))
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for (_, criterion_id), judged in panels.items():
        if len(judged) < 2:
            continue
        criterion = judgement[criterion_id]
        values = [v for _, v in judged]
        panel = aggregate_panel(values, criterion.aggregation, scheme.trim_min_judges)
        for judge, value in judged:
            tally = tallies[judge]
            tally.count += 1
            tally.absolute += abs(value - panel)
            tally.signed += value - panel
        if is_trimmed(criterion.aggregation, len(judged), scheme.trim_min_judges):
            _count_dropped(judged, values, tallies)
    return tuple(_line(judge, tallies[judge]) for judge in sorted(tallies))


def _count_dropped(
    judged: list[tuple[int, Decimal]], values: list[Decimal], tallies: dict[int, _Tally]
) -> None:
    """Count the trimmed panel for every judge and the strict extremes for their judges."""
    highest, lowest = max(values), min(values)
    for judge, _ in judged:
        tallies[judge].trimmed += 1
    if values.count(highest) == 1:
        tallies[next(j for j, v in judged if v == highest)].high += 1
    if values.count(lowest) == 1:
        tallies[next(j for j, v in judged if v == lowest)].low += 1


def _line(judge_id: int, tally: _Tally) -> JudgeConsistency:
    """The judge's report line, rounded once."""
    return JudgeConsistency(
        judge_id=judge_id,
        marks_compared=tally.count,
        mean_absolute_deviation=round_points(tally.absolute / tally.count),
        # Adding 0 turns a rounded -0.00 into 0.00: a judge spot on the panel is not "severe".
        mean_signed_deviation=round_points(tally.signed / tally.count) + 0,
        trimmed_panels=tally.trimmed,
        dropped_high=tally.high,
        dropped_low=tally.low,
    )
