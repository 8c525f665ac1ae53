"""Review before sign-off: marks far from the rest of their panel, and marks still missing.

Outliers: the chief judge (裁判长) scans each panel — the judges marking one
competitor on one criterion — for a mark far from its colleagues' (a slip of
the finger on a tablet, 3 typed for 8, or a judge reading the standard
differently). A mark is flagged when it lies further than a threshold from the
median (or mean) of the *other* marks of its panel; the mark itself is left out
so that it cannot pull the centre towards itself. The threshold is set in points
("more than 2 points off") or as a share of the criterion's maximum ("more than
20 %"). A flag asks for a look; it changes nothing. With two marks in a panel
both are flagged, as nothing tells which one is off.

Completeness: every judge assigned to a criterion and not recused from a
competitor owes that competitor a mark. The chief judge signs off (签字确认)
only when none is missing and no competitor is left without any judge allowed
to mark them (see ``recusal.panel_shortfalls``).
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Protocol

from competitions.domain.errors import N_, InvalidState, RuleViolation
from competitions.domain.points import ZERO
from competitions.domain.recusal import Recusal


class MarkLike(Protocol):
    """Anything shaped like ``marks.Mark``."""

    judge_id: int
    competitor_id: int
    criterion_id: int
    value: Decimal


class Centre(StrEnum):
    """Which centre of the other marks a mark is compared with."""

    MEDIAN = "median"
    MEAN = "mean"


@dataclass(frozen=True)
class OutlierThreshold:
    """How far from the others a mark may lie: in points, or as a fraction of the criterion's maximum."""

    points: Decimal | None = None
    fraction_of_max: Decimal | None = None

    def __post_init__(self) -> None:
        """Exactly one of the two forms, and a positive one."""
        given = [v for v in (self.points, self.fraction_of_max) if v is not None]
        if len(given) != 1:
            raise RuleViolation("Set the outlier threshold either in points or as a share of the maximum.")
        if given[0] <= ZERO:
            raise RuleViolation("The outlier threshold must be above 0.", field="threshold")

    def limit(self, max_mark: Decimal | None) -> Decimal:
        """The threshold in points for a criterion whose maximum is ``max_mark``."""
        if self.points is not None:
            return self.points
        if max_mark is None:
            raise ValueError("A threshold given as a fraction needs the criterion's maximum.")
        return self.fraction_of_max * max_mark


@dataclass(frozen=True)
class OutlierFlag:
    """A mark far from its panel: ``deviation`` is the mark minus ``centre`` (negative when harsher)."""

    judge_id: int
    competitor_id: int
    criterion_id: int
    value: Decimal
    deviation: Decimal
    centre: Decimal


PanelKey = tuple[int, int]


def panels(marks: Iterable[MarkLike]) -> dict[PanelKey, dict[int, Decimal]]:
    """Marks grouped by (competitor_id, criterion_id), each panel mapping judge_id to value."""
    grouped: dict[PanelKey, dict[int, Decimal]] = {}
    for mark in marks:
        panel = grouped.setdefault((mark.competitor_id, mark.criterion_id), {})
        if mark.judge_id in panel:
            raise ValueError(
                f"Judge {mark.judge_id} has two marks for competitor {mark.competitor_id} "
                f"on criterion {mark.criterion_id}."
            )
        panel[mark.judge_id] = mark.value
    return grouped


def centre_of(values: list[Decimal], centre: Centre) -> Decimal:
    """The median or mean of ``values``, exact (Decimal arithmetic, no rounding)."""
    return statistics.median(values) if centre == Centre.MEDIAN else statistics.mean(values)


def flag_outliers(
    marks: Iterable[MarkLike],
    threshold: OutlierThreshold,
    max_marks: Mapping[int, Decimal] | None = None,
    centre: Centre = Centre.MEDIAN,
) -> list[OutlierFlag]:
    """Every mark further than the threshold (strictly) from the centre of the other marks of its panel.

    ``max_marks`` maps criterion id to maximum; needed only for a fraction
    threshold. Ordered by competitor, criterion, judge, whatever the input order.
    """
    flags = []
    for (competitor_id, criterion_id), panel in sorted(panels(marks).items()):
        if len(panel) < 2:
            continue
        limit = threshold.limit((max_marks or {}).get(criterion_id))
        for judge_id in sorted(panel):
            others = [v for j, v in sorted(panel.items()) if j != judge_id]
            middle = centre_of(others, centre)
            deviation = panel[judge_id] - middle
            if abs(deviation) > limit:
                flags.append(
                    OutlierFlag(judge_id, competitor_id, criterion_id, panel[judge_id], deviation, middle)
                )
    return flags


@dataclass(frozen=True)
class CompletenessCell:
    """One competitor on one criterion: who should mark, who has, who has not, and who marked unexpectedly."""

    competitor_id: int
    criterion_id: int
    expected: tuple[int, ...]
    marked: tuple[int, ...]
    missing: tuple[int, ...]
    unexpected: tuple[int, ...]

    @property
    def has_no_judge(self) -> bool:
        """True when every assigned judge is recused (or none is assigned): nobody can mark this."""
        return not self.expected


@dataclass(frozen=True)
class Completeness:
    """The completeness matrix of an event, cells ordered by competitor then criterion."""

    cells: tuple[CompletenessCell, ...]

    @property
    def missing_count(self) -> int:
        """Marks still owed by expected judges."""
        return sum(len(c.missing) for c in self.cells)

    @property
    def unjudged_cells(self) -> tuple[CompletenessCell, ...]:
        """Cells no judge is allowed to mark."""
        return tuple(c for c in self.cells if c.has_no_judge)

    @property
    def fraction(self) -> Fraction:
        """Marks given over marks owed; a cell without any judge counts as one mark owed and never given."""
        owed = sum(len(c.expected) for c in self.cells) + len(self.unjudged_cells)
        given = sum(len(c.expected) - len(c.missing) for c in self.cells)
        return Fraction(given, owed) if owed else Fraction(1)

    @property
    def is_complete(self) -> bool:
        """True when nothing is missing and every cell has a judge."""
        return self.fraction == 1

    def missing_by_judge(self) -> dict[int, int]:
        """Judge id -> number of marks that judge still owes, for judges who owe any."""
        counts: dict[int, int] = {}
        for cell in self.cells:
            for judge_id in cell.missing:
                counts[judge_id] = counts.get(judge_id, 0) + 1
        return dict(sorted(counts.items()))


def completeness_matrix(
    competitors: Iterable[int],
    criteria: Iterable[int],
    assigned_judges_per_criterion: Mapping[int, Iterable[int]],
    recusals: Iterable[Recusal],
    marks: Iterable[MarkLike],
    readings_needed: Mapping[int, int] | None = None,
    excused: Collection[tuple[int, int]] = (),
) -> Completeness:
    """For each (competitor, criterion): expected judges (assigned, not recused), who marked, who is missing.

    Marks for competitors or criteria outside the given lists are ignored; a mark
    by a judge not expected (recused after marking, or unassigned) is listed as
    unexpected and does not count. ``readings_needed``: criterion -> how many
    readings a measured criterion takes (``domain.readings``): once that many
    expected judges have read it, the other judges of its panel owe nothing
    there (their reading would be refused). ``excused``: (competitor, criterion)
    pairs nobody owes, e.g. the criteria of a part the competitor was absent
    from (缺考); they are left out of the matrix.
    """
    needed = readings_needed or {}
    excused = set(excused)
    recused: dict[int, set[int]] = {}
    for r in recusals:
        recused.setdefault(r.competitor_id, set()).add(r.judge_id)
    marked_by_panel = {key: set(panel) for key, panel in panels(marks).items()}
    cells = []
    for competitor_id in sorted(set(competitors)):
        for criterion_id in sorted(set(criteria)):
            if excused and (competitor_id, criterion_id) in excused:
                continue
            assigned = assigned_judges_per_criterion.get(criterion_id, ())
            expected = sorted(set(assigned) - recused.get(competitor_id, set()))
            marked = marked_by_panel.get((competitor_id, criterion_id), set())
            limit = needed.get(criterion_id)
            if limit is not None and len(marked & set(expected)) >= limit:
                expected = sorted(marked & set(expected))  # every reading it takes is in
            cells.append(
                CompletenessCell(
                    competitor_id,
                    criterion_id,
                    expected=tuple(expected),
                    marked=tuple(j for j in expected if j in marked),
                    missing=tuple(j for j in expected if j not in marked),
                    unexpected=tuple(sorted(marked - set(expected))),
                )
            )
    return Completeness(tuple(cells))


def check_can_sign_off(completeness: Completeness) -> None:
    """Raise InvalidState, with counts of what is missing, unless every expected mark is in."""
    if completeness.is_complete:
        return
    by_judge = completeness.missing_by_judge()
    counts = {
        "missing": completeness.missing_count,
        "competitors": len({c.competitor_id for c in completeness.cells if c.missing}),
        "judges": len(by_judge),
        "unjudged": len(completeness.unjudged_cells),
        "missing_by_judge": by_judge,
    }
    if not counts["unjudged"]:
        message = N_(
            "The event cannot be signed off yet: %(missing)d mark(s) are missing for %(competitors)d "
            "competitor(s), owed by %(judges)d judge(s)."
        )
    elif not counts["missing"]:
        message = N_(
            "The event cannot be signed off yet: %(unjudged)d competitor/criterion pair(s) have no judge "
            "allowed to mark them; assign a judge or override a recusal."
        )
    else:
        message = N_(
            "The event cannot be signed off yet: %(missing)d mark(s) are missing for %(competitors)d "
            "competitor(s), owed by %(judges)d judge(s), and %(unjudged)d competitor/criterion pair(s) "
            "have no judge allowed to mark them."
        )
    raise InvalidState(message, **counts)
