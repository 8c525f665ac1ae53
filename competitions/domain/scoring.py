"""Scoring: from the judges' marks to each competitor's part scores and total.

The rules, as the marking schemes (评分标准) of vocational skills contests state them:

* Each criterion (评分项) of a judgement (评价) kind is marked by a panel of
  judges, and the panel's marks are combined by the scheme's aggregation: the
  plain mean; the trimmed mean of the "five judges, drop the highest and the
  lowest" practice, which drops one highest and one lowest mark only when at
  least ``trim_min_judges`` judges marked (default 5) and is the plain mean
  below that, because dropping two of three or four marks would leave too few
  to speak for the panel; or the median.
* A measurement (测量) criterion is objective: either one recorded reading
  (several judges may record it, but they must agree) or the mean of repeated
  readings, as the scheme says (``MeasurementMode``).
* A part (theory 理论知识, practical 技能操作, ...) sums its criteria and is
  scaled to its weight: raw sum / sum of its criteria's maximum marks x weight.
  Weights add up to 100 (theory 30 + practical 70, 20 + 80, or 25 + 55 + 20),
  so the total is out of 100.
* A part of a final may be carried from its preliminary (``Part.carried``):
  the competitor's own mark in that part of the preliminary (out of 100,
  frozen with the preliminary's standing) counts with the final's weight,
  as rules say ("the theory mark of the preliminary counts 30 % in the final").
  It has no criteria and nobody marks it again; a finalist without one is a
  problem for the organizer, never a silent zero.
* Deductions (扣分) are subtracted from the total, which never drops below 0.
  A disqualification (a safety or quality veto, 一票否决) removes the
  competitor from the ranking: they are listed as disqualified, with no figures.
  A competitor marked absent (缺考) likewise has no figures and no place, and
  their missing marks are not a problem: a no-show never blocks the event.
* A competitor is scored only when every criterion has marks from enough
  judges. A panel left short — most often by a recusal (回避) — is reported as
  a problem for the chief judge, never silently averaged over fewer judges.
* Team scores are the sum or the mean of the members' totals; results of
  different events may be standardised onto a common scale (z-scores mapped to
  a centre and spread, like the WorldSkills scale centred on 700, spread 100).

Rounding and precision: the scheme states the precision at which marks,
parts and totals are kept, compared and published (``MarkingScheme.precision``,
0 to 3 decimals; rules commonly say two), and every figure is rounded half up
(四舍五入) once, from exact values:

* each criterion score and each part's own mark out of 100 (``part_marks``:
  raw sum / the part's maximum x 100 — the figure the rule names, what pass
  marks and tie-breaks on a part compare) is rounded once from the exact marks;
* the total is formed from those published part marks as the rule states it —
  total = sum of (part mark x weight / 100) - deductions, never below 0 — and
  rounded once; so anyone can recompute a total, and so a place, from the
  published row (e.g. 88.46 x 70 % + 80.33 x 30 % = 86.021 -> 86.02);
* ``part_scores`` are the weighted contributions (part mark x weight / 100),
  rounded for showing only; they may add up to 0.01 away from the total, which
  is why results show the part marks with their weights.

``team_score`` and ``standardise`` likewise round their result once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import partial
from operator import itemgetter

from competitions.domain.errors import N_, RuleViolation
from competitions.domain.points import HUNDRED, POINTS_QUANTUM, ZERO, round_points
from competitions.domain.readings import CheckOutcome, ReadingRule, check_readings

DEFAULT_TRIM_MIN_JUDGES = 5
DEFAULT_PRECISION = 2
PRECISIONS = (0, 1, 2, 3)
DEFAULT_STANDARD_CENTRE = Decimal(700)
DEFAULT_STANDARD_SPREAD = Decimal(100)


class Aggregation(StrEnum):
    """How a panel's marks on one criterion become one score (stored as the value)."""

    MEAN = "mean"
    TRIMMED = "trimmed"
    MEDIAN = "median"


class CriterionKind(StrEnum):
    """Measurement (测量, objective) or judgement (评价, subjective)."""

    MEASUREMENT = "measurement"
    JUDGEMENT = "judgement"


class MeasurementMode(StrEnum):
    """Whether a measurement criterion is one reading or the mean of several."""

    ONCE = "once"
    AVERAGED = "averaged"


class TeamAggregation(StrEnum):
    """How members' totals make a team score."""

    SUM = "sum"
    MEAN = "mean"
    BEST = "best"  # the sum of the best k members' totals ("best 3 of 4 count")


class ScoreStatus(StrEnum):
    """Where a competitor's score stands."""

    SCORED = "scored"
    INCOMPLETE = "incomplete"
    DISQUALIFIED = "disqualified"
    ABSENT = "absent"  # 缺考: did not sit the event; not ranked, listed as absent, never a missing-mark problem


class ProblemCode(StrEnum):
    """Why a competitor could not be scored."""

    MISSING_MARKS = "missing_marks"
    TOO_FEW_JUDGES = "too_few_judges"
    DUPLICATE_MARK = "duplicate_mark"
    MARK_OUT_OF_RANGE = "mark_out_of_range"
    CONFLICTING_MEASUREMENTS = "conflicting_measurements"
    UNKNOWN_CRITERION = "unknown_criterion"
    UNKNOWN_COMPETITOR = "unknown_competitor"
    NEGATIVE_DEDUCTION = "negative_deduction"
    MISSING_TIME = "missing_time"  # a time tie-break decides the place, but no time used is recorded
    CHECK_DISAGREEMENT = "check_disagreement"  # a reading and its check reading differ beyond the tolerance
    TOO_MANY_READINGS = "too_many_readings"  # a check-read criterion holds more readings than it takes
    MISSING_CARRIED = "missing_carried"  # a part carried from the preliminary has no mark for the competitor


def as_points(value: Decimal | str | float) -> Decimal:
    """A Decimal from a DB value or a literal; floats go through ``str`` so 0.1 stays 0.1."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


@dataclass(frozen=True)
class Part:
    """A part of the scheme (theory, practical, ...) and its weight out of 100."""

    code: str
    weight: Decimal
    carried: bool = False  # its mark comes from the preliminary (out of 100), not from criteria

    def __post_init__(self) -> None:
        """Accept the weight as an int, string or Decimal."""
        object.__setattr__(self, "weight", as_points(self.weight))


@dataclass(frozen=True)
class Criterion:
    """A criterion as the scoring needs it; enum fields accept their stored string values."""

    id: int
    part_code: str
    max_mark: Decimal
    kind: CriterionKind = CriterionKind.JUDGEMENT
    aggregation: Aggregation = Aggregation.MEAN
    judges_required: int = 1
    measurement_mode: MeasurementMode = MeasurementMode.ONCE
    code: str = ""
    # A check reading (domain.readings, mode CHECK): two readings that must agree within the tolerance.
    reading: ReadingRule | None = None

    def __post_init__(self) -> None:
        """Accept stored values (strings, ints) and turn them into enums and Decimals."""
        object.__setattr__(self, "max_mark", as_points(self.max_mark))
        object.__setattr__(self, "kind", CriterionKind(self.kind))
        object.__setattr__(self, "aggregation", Aggregation(self.aggregation))
        object.__setattr__(self, "measurement_mode", MeasurementMode(self.measurement_mode))

    @property
    def label(self) -> str:
        """The code when there is one, else the id: how messages name the criterion."""
        return self.code or str(self.id)


@dataclass(frozen=True)
class MarkingScheme:
    """Parts, criteria and the panel size from which the trimmed mean drops extremes."""

    parts: tuple[Part, ...]
    criteria: tuple[Criterion, ...]
    trim_min_judges: int = DEFAULT_TRIM_MIN_JUDGES
    precision: int = DEFAULT_PRECISION  # decimals kept, compared and published (0 to 3)

    def __post_init__(self) -> None:
        """Accept lists (as built from query rows) and keep them as tuples."""
        object.__setattr__(self, "parts", tuple(self.parts))
        object.__setattr__(self, "criteria", tuple(self.criteria))


@dataclass(frozen=True)
class Mark:
    """One judge's mark for one competitor on one criterion."""

    competitor_id: int
    criterion_id: int
    judge_id: int
    value: Decimal

    def __post_init__(self) -> None:
        """Accept the value as an int, string or Decimal."""
        object.__setattr__(self, "value", as_points(self.value))


@dataclass(frozen=True)
class Deduction:
    """Points taken off a competitor's total (e.g. a safety breach, a wasted part)."""

    competitor_id: int
    points: Decimal
    reason: str = ""

    def __post_init__(self) -> None:
        """Accept the points as an int, string or Decimal."""
        object.__setattr__(self, "points", as_points(self.points))


@dataclass(frozen=True)
class ScoringProblem:
    """Why a competitor (or a stray mark) cannot be scored; message is an English source string."""

    code: ProblemCode
    competitor_id: int
    criterion_id: int | None
    message: str
    params: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class CompetitorScore:
    """One competitor's stored figures, each rounded once (see the module docstring)."""

    competitor_id: int
    status: ScoreStatus
    criterion_scores: dict[int, Decimal]
    part_scores: dict[str, Decimal]
    deductions: Decimal
    total: Decimal | None
    problems: tuple[ScoringProblem, ...] = ()
    # Each part's own mark out of 100 (raw sum / the part's maximum x 100), as rules state a part: what
    # pass marks and tie-breaks on a part compare (``domain.passing``, ``domain.ranking``).
    part_marks: dict[str, Decimal] = field(default_factory=dict)

    @property
    def missing_marks(self) -> bool:
        """True when some criterion has no marks at all for this competitor."""
        return any(p.code is ProblemCode.MISSING_MARKS for p in self.problems)

    @property
    def too_few_judges(self) -> bool:
        """True when some panel has fewer judges than the scheme needs (often after a recusal)."""
        return any(p.code is ProblemCode.TOO_FEW_JUDGES for p in self.problems)


@dataclass(frozen=True)
class EventScores:
    """Every competitor's score in one event (sorted by id) and every problem found."""

    scores: tuple[CompetitorScore, ...]
    problems: tuple[ScoringProblem, ...]

    @property
    def is_complete(self) -> bool:
        """True when nothing stops the event from being ranked."""
        return not self.problems

    def score_of(self, competitor_id: int) -> CompetitorScore:
        """The score of one competitor; KeyError when they are not in the event."""
        for score in self.scores:
            if score.competitor_id == competitor_id:
                return score
        raise KeyError(competitor_id)


# --- panel aggregation -------------------------------------------------------------------------


def mean(values: Sequence[Decimal]) -> Decimal:
    """The plain mean of the panel's marks (exact, not rounded)."""
    if not values:
        raise ValueError("mean of no marks")
    return sum(values, ZERO) / len(values)


def trimmed_mean(values: Sequence[Decimal], min_judges: int = DEFAULT_TRIM_MIN_JUDGES) -> Decimal:
    """Drop one highest and one lowest mark, then average — only when ``min_judges`` or more marked.

    With fewer marks than ``min_judges`` this is the plain mean: the scheme
    asks for the drop on a full panel (five judges is the usual practice), and
    dropping two of three or four marks would leave too few to stand for it.
    """
    if min_judges < 3:
        raise ValueError("dropping the highest and lowest mark needs at least 3 judges")
    if len(values) < min_judges:
        return mean(values)
    ordered = sorted(values)
    return mean(ordered[1:-1])


def median(values: Sequence[Decimal]) -> Decimal:
    """The middle mark; with an even panel, the mean of the two middle marks."""
    if not values:
        raise ValueError("median of no marks")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def aggregate_panel(
    values: Sequence[Decimal], aggregation: Aggregation, trim_min_judges: int = DEFAULT_TRIM_MIN_JUDGES
) -> Decimal:
    """Combine a panel's marks by the scheme's aggregation (exact)."""
    if aggregation is Aggregation.TRIMMED:
        return trimmed_mean(values, trim_min_judges)
    if aggregation is Aggregation.MEDIAN:
        return median(values)
    return mean(values)


def is_trimmed(aggregation: Aggregation, judges: int, trim_min_judges: int = DEFAULT_TRIM_MIN_JUDGES) -> bool:
    """True when the highest and lowest marks of a panel of ``judges`` are dropped."""
    return aggregation is Aggregation.TRIMMED and judges >= trim_min_judges


def criterion_value(criterion: Criterion, values: Sequence[Decimal], trim_min_judges: int) -> Decimal:
    """A criterion's exact score from its marks: a measurement or a judgement panel."""
    if criterion.kind is CriterionKind.MEASUREMENT:
        # One reading recorded by several judges is the same reading; the caller checked they agree.
        return values[0] if criterion.measurement_mode is MeasurementMode.ONCE else mean(values)
    return aggregate_panel(values, criterion.aggregation, trim_min_judges)


def part_score(raw: Decimal, max_total: Decimal, weight: Decimal) -> Decimal:
    """Scale a part's raw sum (out of ``max_total``) to its weight (exact)."""
    return raw / max_total * weight


def total_after_deductions(part_scores: Iterable[Decimal], deductions: Decimal) -> Decimal:
    """The sum of the part scores less the deductions, never below 0 (exact)."""
    return max(sum(part_scores, ZERO) - deductions, ZERO)


# --- scheme checks ------------------------------------------------------------------------------


def validate_scheme(scheme: MarkingScheme) -> list[dict]:
    """Every reason the scheme cannot be used for scoring; an empty list means it can.

    Each problem is a dict with ``message``, ``field`` and ``params`` (the
    shape ``ValidationErrors`` carries).
    """
    problems: list[dict] = []
    codes = [p.code for p in scheme.parts]
    if not codes:
        problems.append(_problem("parts", N_("A marking scheme needs at least one part.")))
    if len(set(codes)) != len(codes):
        problems.append(_problem("parts", N_("A part code is used twice.")))
    if any(p.weight <= 0 for p in scheme.parts):
        problems.append(_problem("parts", N_("A part's weight must be above 0.")))
    total = sum((p.weight for p in scheme.parts), ZERO)
    if scheme.parts and total != HUNDRED:
        problems.append(_problem("parts", N_("Weights must add up to 100; they add up to %(total)s."),
                                 total=total))
    problems += _criteria_problems(scheme, set(codes))
    if scheme.precision not in PRECISIONS:
        problems.append(_problem("precision", N_("Figures are kept to 0, 1, 2 or 3 decimals.")))
    if scheme.trim_min_judges < 3:
        problems.append(_problem("trim_min_judges",
                                 N_("Dropping the highest and lowest mark needs at least 3 judges.")))
    return problems


def _criteria_problems(scheme: MarkingScheme, part_codes: set[str]) -> list[dict]:
    """Problems with the criteria: duplicates, unknown parts, bad maxima, parts left empty."""
    problems: list[dict] = []
    ids = [c.id for c in scheme.criteria]
    if len(set(ids)) != len(ids):
        problems.append(_problem("criteria", N_("A criterion is listed twice.")))
    for crit in scheme.criteria:
        if crit.part_code not in part_codes:
            problems.append(_problem("criteria",
                                     N_("Criterion %(criterion)s belongs to no part of this scheme."),
                                     criterion=crit.label))
        if crit.max_mark <= 0:
            problems.append(_problem("criteria", N_("The maximum mark of %(criterion)s must be above 0."),
                                     criterion=crit.label))
        if crit.judges_required < 1:
            problems.append(_problem("criteria", N_("Criterion %(criterion)s needs at least 1 judge."),
                                     criterion=crit.label))
    carried = {p.code for p in scheme.parts if p.carried}
    for code in sorted(part_codes - {c.part_code for c in scheme.criteria} - carried):
        problems.append(_problem("criteria", N_("The part %(code)s has no criteria."), code=code))
    for code in sorted(carried & {c.part_code for c in scheme.criteria}):
        problems.append(_problem("criteria", N_("The part %(code)s is carried from the preliminary; it takes no"
                                                " criteria."), code=code))
    return problems


def check_scheme(scheme: MarkingScheme) -> None:
    """Raise RuleViolation with the first problem when the scheme cannot be used for scoring."""
    problems = validate_scheme(scheme)
    if problems:
        first = problems[0]
        raise RuleViolation(first["message"], field=first["field"], **first["params"])


def _problem(field_name: str, message: str, **params: object) -> dict:
    """One problem in the shape ValidationErrors carries."""
    return {"message": message, "field": field_name, "params": params}


# --- one event ----------------------------------------------------------------------------------

# One criterion's marks for one competitor: the judges and their values, in the same order.
Panel = tuple[list[int], list[Decimal]]
# competitor -> criterion -> panel
Panels = dict[int, dict[int, Panel]]


def score_event(
    scheme: MarkingScheme,
    marks: Iterable[Mark],
    *,
    competitor_ids: Iterable[int] | None = None,
    deductions: Iterable[Deduction] = (),
    disqualified: Iterable[int] = (),
    absent: Iterable[int] = (),
    carried: Mapping[int, Mapping[str, Decimal]] | None = None,
    absent_parts: Mapping[int, Iterable[str]] | None = None,
    decided: Mapping[int, Mapping[int, Decimal]] | None = None,
) -> EventScores:
    """Score every competitor of one event from the judges' marks.

    ``competitor_ids`` are the competitors who sat the event (checked in); a
    competitor with no marks at all is then reported missing rather than
    forgotten. Without it, the competitors are those named by the marks,
    deductions and disqualifications. Marks or deductions for anybody else are
    reported as problems. ``carried`` gives each competitor's marks (out of
    100) of the parts carried from the preliminary, by part code. Raises
    RuleViolation when the scheme itself is unusable (see ``validate_scheme``).
    Figures are rounded once, here.

    ``absent_parts``: competitor -> codes of the parts they were absent from
    (缺考 for a part): each such part's criteria score 0 whatever is recorded,
    owe no marks, and the part's own mark is 0 (so a pass mark on it is not
    reached). ``decided``: competitor -> criterion -> the reading the chief
    judge kept where a reading and its check reading disagree (the caller
    checked the readings are still those decided on). Marks of a check-read
    criterion must be given in the order they were taken.
    """
    check_scheme(scheme)
    return _score_panels(scheme, group_marks(marks), competitor_ids, deductions, disqualified, absent, carried,
                         absent_parts, decided)


def group_marks(marks: Iterable[Mark]) -> Panels:
    """The marks as panels: competitor -> criterion -> (judges, values), in the order given."""
    panels: Panels = {}
    for mark in marks:
        by_criterion = panels.get(mark.competitor_id)
        if by_criterion is None:
            panels[mark.competitor_id] = by_criterion = {}
        panel = by_criterion.get(mark.criterion_id)
        if panel is None:
            by_criterion[mark.criterion_id] = ([mark.judge_id], [mark.value])
        else:
            panel[0].append(mark.judge_id)
            panel[1].append(mark.value)
    return panels


def score_panels(
    scheme: MarkingScheme,
    panels: Mapping[int, Mapping[int, Panel]],
    *,
    competitor_ids: Iterable[int] | None = None,
    deductions: Iterable[Deduction] = (),
    disqualified: Iterable[int] = (),
    absent: Iterable[int] = (),
    carried: Mapping[int, Mapping[str, Decimal]] | None = None,
    absent_parts: Mapping[int, Iterable[str]] | None = None,
    decided: Mapping[int, Mapping[int, Decimal]] | None = None,
) -> EventScores:
    """``score_event`` for marks already grouped into panels (see ``group_marks``); every value a Decimal.

    For callers that read many marks and can group them as they read them,
    instead of building one ``Mark`` per row first. Same rules, same figures.
    """
    check_scheme(scheme)
    return _score_panels(scheme, panels, competitor_ids, deductions, disqualified, absent, carried, absent_parts,
                         decided)


def _score_panels(
    scheme: MarkingScheme,
    panels: Mapping[int, Mapping[int, Panel]],
    competitor_ids: Iterable[int] | None,
    deductions: Iterable[Deduction],
    disqualified: Iterable[int],
    absent: Iterable[int] = (),
    carried: Mapping[int, Mapping[str, Decimal]] | None = None,
    absent_parts: Mapping[int, Iterable[str]] | None = None,
    decided: Mapping[int, Mapping[int, Decimal]] | None = None,
) -> EventScores:
    """The body of ``score_event`` once the scheme is checked and the marks grouped."""
    disqualified_ids = set(disqualified)
    absent_ids = set(absent) - disqualified_ids
    deducted: dict[int, list[Decimal]] = defaultdict(list)
    for deduction in deductions:
        deducted[deduction.competitor_id].append(deduction.points)
    named = set(panels) | set(deducted) | disqualified_ids | absent_ids
    event_ids = set(competitor_ids) if competitor_ids is not None else named
    stray = [_unknown_competitor(cid) for cid in sorted(named - event_ids)]
    layout = _SchemeLayout(scheme)
    no_panels: dict = {}
    away = {cid: frozenset(codes) for cid, codes in (absent_parts or no_panels).items() if codes}
    decided = decided or no_panels
    scores = tuple(
        CompetitorScore(cid, ScoreStatus.ABSENT, {}, {}, ZERO, None) if cid in absent_ids else
        _score_competitor(layout, cid, panels.get(cid, no_panels), deducted.get(cid, []), cid in disqualified_ids,
                          (carried or no_panels).get(cid, no_panels), away.get(cid), decided.get(cid))
        for cid in sorted(event_ids)
    )
    problems = tuple(stray) + tuple(p for score in scores for p in score.problems)
    return EventScores(scores=scores, problems=problems)


def _panel_rule(criterion: Criterion, trim_min_judges: int) -> Callable[[list[Decimal]], Decimal]:
    """The function ``criterion_value`` applies to this criterion's marks, chosen once per event."""
    if criterion.kind is CriterionKind.MEASUREMENT:
        if criterion.measurement_mode is MeasurementMode.ONCE:
            return itemgetter(0)
        return mean
    if criterion.aggregation is Aggregation.TRIMMED:
        return partial(trimmed_mean, min_judges=trim_min_judges)
    if criterion.aggregation is Aggregation.MEDIAN:
        return median
    return mean


class _SchemeLayout:
    """The scheme indexed once per event, so each competitor is scored without searching."""

    def __init__(self, scheme: MarkingScheme) -> None:
        """Group criteria by part, sum each part's maximum and choose each criterion's rule once."""
        self.trim_min_judges = scheme.trim_min_judges
        self.quantum = quantum_of(scheme.precision)
        self.criteria = tuple(sorted(scheme.criteria, key=lambda c: c.id))
        self.criterion_ids = frozenset(c.id for c in self.criteria)
        self.parts = tuple((p.code, p.weight) for p in scheme.parts)
        self.carried = frozenset(p.code for p in scheme.parts if p.carried)
        self.part_criteria = {
            p.code: tuple(c for c in self.criteria if c.part_code == p.code) for p in scheme.parts
        }
        self.part_max = {
            code: sum((c.max_mark for c in crits), ZERO) for code, crits in self.part_criteria.items()
        }
        # What the per-competitor loop reads for each criterion, looked up once here; the last item is
        # the set of values already found within 0 to the criterion's maximum (marks repeat a few values).
        self.plan = tuple(
            (c.id, c, c.max_mark, c.judges_required,
             c.kind is CriterionKind.MEASUREMENT and c.measurement_mode is MeasurementMode.ONCE,
             _panel_rule(c, scheme.trim_min_judges), set(),
             c.reading if c.kind is CriterionKind.MEASUREMENT else None)
            for c in self.criteria
        )
        self.part_plan = tuple(
            (code, weight, tuple(c.id for c in self.part_criteria[code]), self.part_max[code])
            for code, weight in self.parts
        )


def _all_in_range(values: list[Decimal], max_mark: Decimal, in_range: set[Decimal]) -> bool:
    """True when every value is within 0 to ``max_mark``; remembers them in ``in_range`` if so."""
    if ZERO <= min(values) and max(values) <= max_mark:
        in_range.update(values)
        return True
    return False


def quantum_of(precision: int) -> Decimal:
    """The smallest step of a figure kept to ``precision`` decimals: 2 -> 0.01, 0 -> 1."""
    return POINTS_QUANTUM if precision == DEFAULT_PRECISION else Decimal(1).scaleb(-precision)


def round_to(value: Decimal, precision: int = DEFAULT_PRECISION) -> Decimal:
    """``value`` rounded half up to ``precision`` decimals (the scheme's stated precision)."""
    return value.quantize(quantum_of(precision), rounding=ROUND_HALF_UP)


def _round(value: Decimal, quantum: Decimal = POINTS_QUANTUM) -> Decimal:
    """Half-up rounding for a value that already is a Decimal (every computed figure here)."""
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def _score_competitor(
    layout: _SchemeLayout,
    competitor_id: int,
    panels: Mapping[int, Panel],
    deductions: list[Decimal],
    disqualified: bool,
    carried: Mapping[str, Decimal] | None = None,
    absent_parts: frozenset[str] | None = None,
    decided: Mapping[int, Decimal] | None = None,
) -> CompetitorScore:
    """One competitor's figures, or their problems; rounding happens here, once."""
    if disqualified:
        # A veto ends the competitor's contest; unfinished criteria are not a problem to chase.
        return CompetitorScore(competitor_id, ScoreStatus.DISQUALIFIED, {}, {}, ZERO, None)
    unknown = panels.keys() - layout.criterion_ids
    problems = [_unknown_criterion(competitor_id, cid) for cid in sorted(unknown)] if unknown else []
    exact: dict[int, Decimal] = {}
    for criterion_id, criterion, max_mark, required, once, rule, in_range, check in layout.plan:
        if absent_parts and criterion.part_code in absent_parts:
            exact[criterion_id] = ZERO  # 缺考 for this part: it scores 0, whatever was recorded
            continue
        if decided and criterion_id in decided:  # the reading the chief judge kept (still on the same readings)
            exact[criterion_id] = decided[criterion_id]
            continue
        panel = panels.get(criterion_id)
        if check is not None:
            value = _checked_reading(competitor_id, criterion, check, panel, decided)
            if isinstance(value, Decimal):
                exact[criterion_id] = value
            else:
                problems += value
            continue
        if panel is not None:
            judges, values = panel
            count = len(values)
            # The common case, a full panel of distinct judges with marks in range, checked in one pass
            # (judges_required >= 1, so an empty panel fails it); anything else goes through
            # _panel_problems, which names each problem.
            if (count >= required and len(set(judges)) == count and not (once and len(set(values)) > 1)
                    and (in_range.issuperset(values) or _all_in_range(values, max_mark, in_range))):
                exact[criterion_id] = rule(values)
                continue
        judged = list(zip(*panel, strict=True)) if panel is not None else []
        found = _panel_problems(competitor_id, criterion, judged)
        if found:
            problems += found
        else:
            exact[criterion_id] = rule([v for _, v in judged])
    complete = len(exact) == len(layout.plan)
    quantum = layout.quantum
    parts: dict[str, Decimal] = {}
    own: dict[str, Decimal] = {}
    for code, weight, criterion_ids, max_total in layout.part_plan:
        if code in layout.carried:
            mark = (carried or {}).get(code)
            if mark is None:
                problems.append(_missing_carried(competitor_id, code))
            else:
                own[code] = mark = _round(Decimal(mark), quantum)
                parts[code] = mark * weight / HUNDRED
            continue
        if complete or all(c in exact for c in criterion_ids):
            # The part's own mark is rounded once; the total is formed from it, as published.
            mark = _round(sum([exact[c] for c in criterion_ids], ZERO) / max_total * HUNDRED, quantum)
            own[code] = mark
            parts[code] = mark * weight / HUNDRED
    if deductions:
        problems += [_negative_deduction(competitor_id, d) for d in deductions if d < 0]
    deducted = sum(deductions, ZERO)
    total = None if problems else total_after_deductions(parts.values(), deducted)
    return CompetitorScore(
        competitor_id=competitor_id,
        status=ScoreStatus.INCOMPLETE if problems else ScoreStatus.SCORED,
        criterion_scores={cid: _round(v, quantum) for cid, v in exact.items()},
        part_scores={code: _round(v, quantum) for code, v in parts.items()},
        deductions=_round(deducted, quantum),
        total=None if total is None else _round(total, quantum),
        problems=tuple(problems),
        part_marks=own,
    )


def _panel_problems(
    competitor_id: int, criterion: Criterion, judged: list[tuple[int, Decimal]]
) -> list[ScoringProblem]:
    """What stops one panel from giving a score; an empty list means it may be scored."""
    if not judged:
        return [_criterion_problem(ProblemCode.MISSING_MARKS, competitor_id, criterion,
                                   N_("No marks are recorded for criterion %(criterion)s."))]
    problems: list[ScoringProblem] = []
    judges = {judge for judge, _ in judged}
    if len(judges) != len(judged):
        problems.append(_criterion_problem(ProblemCode.DUPLICATE_MARK, competitor_id, criterion,
                                           N_("A judge has two marks on criterion %(criterion)s.")))
    for judge, value in judged:
        if not ZERO <= value <= criterion.max_mark:
            problems.append(_criterion_problem(
                ProblemCode.MARK_OUT_OF_RANGE, competitor_id, criterion,
                N_("A mark of %(value)s on criterion %(criterion)s is outside 0 to %(max)s."),
                value=value, max=criterion.max_mark, judge=judge,
            ))
    if len(judges) < criterion.judges_required:
        problems.append(_criterion_problem(
            ProblemCode.TOO_FEW_JUDGES, competitor_id, criterion,
            N_("Criterion %(criterion)s has marks from %(count)s judge(s) but needs %(required)s;"
               " assign another judge or review the recusals."),
            count=len(judges), required=criterion.judges_required,
        ))
    if (criterion.kind is CriterionKind.MEASUREMENT and criterion.measurement_mode is MeasurementMode.ONCE
            and criterion.reading is None and len({v for _, v in judged}) > 1):
        # A reading taken once is never averaged: the chief judge keeps the right one (``readings`` names them).
        problems.append(_criterion_problem(
            ProblemCode.CONFLICTING_MEASUREMENTS, competitor_id, criterion,
            N_("The readings recorded for criterion %(criterion)s disagree (%(readings)s); it is read once, so"
               " the chief judge keeps the right reading and the other is removed."),
            readings=", ".join(f"{judge}: {value}" for judge, value in judged), judges=tuple(j for j, _ in judged)))
    return problems


def _checked_reading(competitor_id: int, criterion: Criterion, rule: ReadingRule, panel: Panel | None,
                     decided: Mapping[int, Decimal] | None) -> Decimal | list[ScoringProblem]:
    """A check-read criterion's exact value, or what stops it: a reading missing, or a disagreement.

    The chief judge's kept reading wins (``decided``); otherwise the reading and
    its check reading (in the order taken) agree within the tolerance or are an
    open disagreement naming both readings with their judges.
    """
    if decided and criterion.id in decided:
        return decided[criterion.id]
    judged = list(zip(*panel, strict=True)) if panel is not None else []
    found = _panel_problems(competitor_id, criterion, judged)
    if len(judged) > rule.readings:  # a reading that raced past the write guard: never silently ignored
        found.append(_criterion_problem(
            ProblemCode.TOO_MANY_READINGS, competitor_id, criterion,
            N_("Criterion %(criterion)s holds %(count)s readings but takes %(required)s (%(readings)s); the chief"
               " judge keeps one or orders a re-measure."),
            count=len(judged), required=rule.readings,
            readings=", ".join(f"{judge}: {value}" for judge, value in judged), judges=tuple(j for j, _ in judged)))
    if found:
        return found
    result = check_readings(rule, [v for _, v in judged])
    if result.outcome is CheckOutcome.AGREE:
        return result.value
    return [_criterion_problem(
        ProblemCode.CHECK_DISAGREEMENT, competitor_id, criterion,
        N_("The reading and the check reading of criterion %(criterion)s differ by %(difference)s, more than the"
           " tolerance of %(tolerance)s (%(readings)s); the chief judge keeps one or orders a re-measure."),
        difference=result.difference, tolerance=rule.tolerance,
        readings=", ".join(f"{judge}: {value}" for judge, value in judged), judges=tuple(j for j, _ in judged))]


def _criterion_problem(
    code: ProblemCode, competitor_id: int, criterion: Criterion, message: str, **params: object
) -> ScoringProblem:
    """A problem tied to one criterion of one competitor."""
    params = {"competitor": competitor_id, "criterion": criterion.label, **params}
    return ScoringProblem(code, competitor_id, criterion.id, message, params)


def _unknown_criterion(competitor_id: int, criterion_id: int) -> ScoringProblem:
    """Marks on a criterion the scheme does not have."""
    return ScoringProblem(ProblemCode.UNKNOWN_CRITERION, competitor_id, criterion_id,
                          N_("Marks are recorded on criterion %(criterion)s, which is not in the scheme."),
                          {"competitor": competitor_id, "criterion": criterion_id})


def _missing_carried(competitor_id: int, part_code: str) -> ScoringProblem:
    return ScoringProblem(ProblemCode.MISSING_CARRIED, competitor_id, None,
                          N_("No mark of the part %(part)s is carried from the preliminary for competitor"
                             " %(competitor)s; confirm the qualification from the preliminary's standing."),
                          {"competitor": competitor_id, "part": part_code})


def _unknown_competitor(competitor_id: int) -> ScoringProblem:
    """Marks or deductions for somebody outside the event."""
    return ScoringProblem(ProblemCode.UNKNOWN_COMPETITOR, competitor_id, None,
                          N_("Marks or deductions are recorded for competitor %(competitor)s,"
                             " who is not in this event."),
                          {"competitor": competitor_id})


def _negative_deduction(competitor_id: int, points: Decimal) -> ScoringProblem:
    """A deduction that would add points."""
    return ScoringProblem(ProblemCode.NEGATIVE_DEDUCTION, competitor_id, None,
                          N_("A deduction of %(points)s is negative; a deduction may only take points off."),
                          {"competitor": competitor_id, "points": points})


# --- teams and standardisation -------------------------------------------------------------------


def team_score(member_totals: Sequence[Decimal], mode: TeamAggregation | str, best: int | None = None) -> Decimal:
    """A team's score, rounded once: the sum, the mean, or the sum of the ``best`` k members' totals.

    Best k of n: the k highest totals count (a team with fewer scored members
    counts all it has), as team rules that say "the best three of four
    members' results make the team result" mean it.
    """
    if not member_totals:
        raise RuleViolation("A team needs at least one scored member.", field="members")
    mode = TeamAggregation(mode)
    if mode is TeamAggregation.BEST:
        if not best or best < 1:
            raise RuleViolation("Say how many members' results count for the team.", field="team_best")
        return round_points(sum(counted_members(member_totals, best), ZERO))
    combined = sum(member_totals, ZERO)
    return round_points(combined if mode is TeamAggregation.SUM else combined / len(member_totals))


def counted_members(member_totals: Sequence[Decimal], best: int) -> list[Decimal]:
    """The ``best`` highest totals (all of them when there are fewer), highest first."""
    return sorted(member_totals, reverse=True)[:best]


def standardise(
    totals: Mapping[int, Decimal],
    *,
    centre: Decimal = DEFAULT_STANDARD_CENTRE,
    spread: Decimal = DEFAULT_STANDARD_SPREAD,
) -> dict[int, Decimal]:
    """Map each total onto a common scale: centre + z x spread, rounded once.

    z uses the population standard deviation, since the competitors of an
    event are the whole population being compared, not a sample. When every
    total is equal (no spread) nobody stands out: everyone gets the centre.
    This is how WorldSkills puts different trades on one scale (centre 700,
    spread 100), so results of different events can be compared.
    """
    if spread < 0:
        raise RuleViolation("The spread of a standard scale cannot be negative.", field="spread")
    if not totals:
        return {}
    values = list(totals.values())
    average = sum(values, ZERO) / len(values)
    deviation = (sum(((v - average) ** 2 for v in values), ZERO) / len(values)).sqrt()
    if deviation == 0:
        return {cid: round_points(centre) for cid in totals}
    return {cid: round_points(centre + (v - average) / deviation * spread) for cid, v in totals.items()}
