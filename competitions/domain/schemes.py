"""Marking schemes (评分标准): what an organizer may declare, checked before it is saved.

A scheme splits the score into parts whose weights add up to 100, e.g. theory
(理论知识) 30 and practical (技能操作) 70. Each part has criteria (评分项), each
with a maximum mark above zero, a step (the finest increment a judge may
enter), a kind — measurement (测量, objective, one reading) or judgement (评价,
subjective, several judges) — an aggregation over the panel and the number of
judges it needs. Codes are unique so tie-break rules and results can name them.
A part may have a pass mark out of 100 on its own scale, and the scheme a
minimum total (``domain.passing``), with where those who did not pass stand.
A final round's part may be carried from its preliminary (``carried_from``, the
preliminary part's code): it has no criteria, its mark is the competitor's own
mark of that preliminary part, and its weight counts like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from competitions.domain.errors import N_, Phrase
from competitions.domain.points import HUNDRED, plain_decimal
from competitions.domain.readings import rule_problems

AGGREGATIONS = ("mean", "trimmed", "median")
CRITERION_KINDS = ("measurement", "judgement")
TIE_BREAK_TIME = "time_used"
FAILED_PLACEMENTS = ("ranked", "after")
RANK_STYLES = ("standard", "dense")
TEAM_SCORES = ("sum", "mean", "best")
MAX_JUDGES = 15


@dataclass(frozen=True)
class CriterionDraft:
    """A criterion as typed by the organizer."""

    part_code: str
    code: str
    name: str
    max_mark: Decimal
    step: Decimal = Decimal("0.5")
    kind: str = "judgement"
    aggregation: str = "mean"
    judges_required: int = 1
    reading_mode: str = "once"  # measurement: "once" or "check" (a check reading within ``tolerance``)
    tolerance: Decimal | None = None  # check mode: largest difference that agrees, in the criterion's unit
    check_counts: str = "first"  # check mode: the "first" reading or the "mean" of both counts


@dataclass(frozen=True)
class PartDraft:
    """A part (e.g. theory, practical) as typed by the organizer."""

    code: str
    name: str
    weight: Decimal
    pass_mark: Decimal | None = None  # out of 100 on the part's own scale (domain.passing)
    carried_from: str | None = None  # a final's part: the preliminary part whose mark it takes (no criteria)


@dataclass(frozen=True)
class SchemeDraft:
    """A whole marking scheme as typed by the organizer."""

    parts: tuple[PartDraft, ...]
    criteria: tuple[CriterionDraft, ...]
    tie_break: tuple[str, ...] = field(default_factory=tuple)
    trim_min_judges: int = 5
    pass_total: Decimal | None = None  # minimum total out of 100 (domain.passing)
    failed_placement: str = "ranked"  # "ranked" among the others or listed "after" them
    precision: int = 2  # decimals kept, compared and published (0-3)
    rank_style: str = "standard"  # "standard" (1, 2, 2, 4) or "dense" (1, 2, 2, 3)
    absent_are_entrants: bool = False  # whether the absent (缺考) count as entrants for prize proportions
    team_score: str = "mean"  # team events: "sum", "mean" or "best" (k = team_best) of the members' totals
    team_best: int | None = None
    team_tie_break: tuple[str, ...] = field(default_factory=tuple)  # after the team score
    team_tie_mode: str = "shared"  # or "no_tied_places"


# The scheme a new event's form starts from, by the competition's kind (the organizer edits it like any other).
# Skills contests (技能竞赛): a written theory test (理论知识) and a practical task (技能操作) judged by a panel, 30/70,
# as the national vocational skills contests publish them.
SKILLS_DEFAULT = SchemeDraft(
    parts=(PartDraft("theory", N_("Theory"), Decimal(30)), PartDraft("practical", N_("Practical"), Decimal(70))),
    criteria=(CriterionDraft("theory", "T1", N_("Written test"), Decimal(100), Decimal("0.5"), "measurement", "mean",
                             1),
              CriterionDraft("practical", "P1", "", Decimal(100), Decimal("0.5"), "judgement", "trimmed", 5)))
# Workers' innovation contests (职工创新竞赛): no theory or practical task -- an expert panel (专家评审) reviews each
# achievement on its documents and presentation against the criteria federations' 职工技术创新成果 rules name:
# novelty and advancement (创新性/先进性), practicality and feasibility (实用性/可行性), economic and social benefit
# (经济效益和社会效益) and value for wider application (推广应用价值), each scored by every expert of the panel and
# averaged. The weights (30/25/30/15 of 100) are a common split; the organizer adjusts them to the contest's rules.
INNOVATION_DEFAULT = SchemeDraft(
    parts=(PartDraft("review", N_("Expert review"), Decimal(100)),),
    criteria=(CriterionDraft("review", "N", N_("Novelty and advancement"), Decimal(30), Decimal(1), "judgement",
                             "mean", 3),
              CriterionDraft("review", "F", N_("Practicality and feasibility"), Decimal(25), Decimal(1), "judgement",
                             "mean", 3),
              CriterionDraft("review", "B", N_("Economic and social benefit"), Decimal(30), Decimal(1), "judgement",
                             "mean", 3),
              CriterionDraft("review", "A", N_("Value for wider application"), Decimal(15), Decimal(1), "judgement",
                             "mean", 3)))


def default_scheme(competition_kind: str) -> SchemeDraft:
    """The scheme a new event of a competition of ``competition_kind`` ("skills", "innovation", ...) starts from;
    names are English source messages (N_) for the page to translate."""
    return INNOVATION_DEFAULT if competition_kind == "innovation" else SKILLS_DEFAULT


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a draft: where (field, row) and what (message + params)."""

    field: str
    message: str
    row: int | None = None
    params: dict = field(default_factory=dict)


def validate_scheme(draft: SchemeDraft) -> list[Problem]:
    """Every problem with a marking scheme; an empty list means it may be saved."""
    problems = _part_problems(draft.parts)
    problems += _criterion_problems(draft.parts, draft.criteria)
    problems += _tie_break_problems(draft.parts, draft.tie_break)
    problems += _pass_problems(draft)
    if not 3 <= draft.trim_min_judges <= MAX_JUDGES:
        problems.append(
            Problem("trim_min_judges", "Dropping the highest and lowest mark needs a panel of 3 to %(max)s.",
                    params={"max": MAX_JUDGES})
        )
    return problems


def _part_problems(parts: tuple[PartDraft, ...]) -> list[Problem]:
    problems: list[Problem] = []
    if not parts:
        return [Problem("parts", "A marking scheme needs at least one part.")]
    seen: set[str] = set()
    for row, part in enumerate(parts):
        if not part.code.strip():
            problems.append(Problem("parts", "Every part needs a code.", row))
        elif part.code in seen:
            problems.append(Problem("parts", "The part code %(code)s is used twice.", row, {"code": part.code}))
        seen.add(part.code)
        if part.weight <= 0:
            problems.append(Problem("parts", "A part's weight must be above 0.", row))
    total = sum((p.weight for p in parts), Decimal(0))
    if total != HUNDRED:
        problems.append(
            Problem("parts", "The part weights must add up to 100; they add up to %(total)s.",
                    params={"total": _plain(total)})
        )
    return problems


def _criterion_problems(parts: tuple[PartDraft, ...], criteria: tuple[CriterionDraft, ...]) -> list[Problem]:
    problems: list[Problem] = []
    part_codes = {p.code for p in parts}
    seen: set[str] = set()
    for row, crit in enumerate(criteria):
        problems += _one_criterion_problems(row, crit, part_codes, seen)
        seen.add(crit.code)
    for row, part in enumerate(parts):
        has_criteria = any(c.part_code == part.code for c in criteria)
        if part.carried_from and has_criteria:
            problems.append(Problem("parts", "The part %(code)s is carried from the preliminary; it takes no"
                                    " criteria.", row, {"code": part.code}))
        elif part.code and not part.carried_from and not has_criteria:
            problems.append(Problem("criteria", "The part %(code)s has no criteria.", params={"code": part.code}))
    return problems


def _one_criterion_problems(row: int, crit: CriterionDraft, part_codes: set[str], seen: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    if crit.part_code not in part_codes:
        problems.append(Problem("criteria", "Criterion %(code)s belongs to no part of this scheme.", row,
                                {"code": crit.code}))
    if not crit.code.strip():
        problems.append(Problem("criteria", "Every criterion needs a code.", row))
    elif crit.code in seen:
        problems.append(Problem("criteria", "The criterion code %(code)s is used twice.", row, {"code": crit.code}))
    if crit.max_mark <= 0:
        problems.append(Problem("criteria", "The maximum mark of %(code)s must be above 0.", row, {"code": crit.code}))
    if crit.step <= 0:
        problems.append(Problem("criteria", "The step of %(code)s must be above 0.", row, {"code": crit.code}))
    elif crit.max_mark > 0 and (crit.max_mark % crit.step) != 0:
        problems.append(Problem("criteria", "The maximum mark of %(code)s is not a multiple of its step.", row,
                                {"code": crit.code}))
    if crit.kind not in CRITERION_KINDS:
        problems.append(Problem("criteria", "Unknown criterion kind %(kind)s.", row, {"kind": crit.kind}))
    if crit.aggregation not in AGGREGATIONS:
        problems.append(Problem("criteria", "Unknown aggregation %(aggregation)s.", row,
                                {"aggregation": crit.aggregation}))
    if not 1 <= crit.judges_required <= MAX_JUDGES:
        problems.append(Problem("criteria", "Criterion %(code)s needs between 1 and %(max)s judges.", row,
                                {"code": crit.code, "max": MAX_JUDGES}))
    elif crit.aggregation == "trimmed" and crit.judges_required < 3:
        problems.append(Problem("criteria", "Dropping the highest and lowest mark of %(code)s needs at least 3 judges.",
                                row, {"code": crit.code}))
    for message, params in rule_problems(crit.kind, crit.reading_mode, crit.judges_required, crit.tolerance,
                                         crit.check_counts, crit.max_mark):
        problems.append(Problem("criteria", "%(code)s: %(problem)s", row,
                                {"code": crit.code, "problem": Phrase(message, params)}))
    return problems


def _tie_break_problems(parts: tuple[PartDraft, ...], tie_break: tuple[str, ...]) -> list[Problem]:
    problems: list[Problem] = []
    valid = {f"part:{p.code}" for p in parts} | {TIE_BREAK_TIME}
    for key in tie_break:
        if key not in valid:
            problems.append(Problem("tie_break", "The tie-break %(key)s names no part of this scheme.",
                                    params={"key": key}))
    if len(set(tie_break)) != len(tie_break):
        problems.append(Problem("tie_break", "A tie-break rule is listed twice."))
    return problems


def _pass_problems(draft: SchemeDraft) -> list[Problem]:
    """Pass marks out of 100 on each part's own scale, a minimum total out of 100, a known placement."""
    problems: list[Problem] = []
    for row, part in enumerate(draft.parts):
        if part.pass_mark is not None and not 0 < part.pass_mark <= HUNDRED:
            problems.append(Problem("parts", "The pass mark of %(code)s must be above 0 and at most 100"
                                    " (the part's own mark out of 100).", row, {"code": part.code}))
    if draft.pass_total is not None and not 0 < draft.pass_total <= HUNDRED:
        problems.append(Problem("pass_total", "The minimum total must be above 0 and at most 100."))
    if draft.precision not in (0, 1, 2, 3):
        problems.append(Problem("precision", "Figures are kept to 0, 1, 2 or 3 decimals."))
    if draft.rank_style not in RANK_STYLES:
        problems.append(Problem("rank_style", "Unknown ranking style %(value)s.", params={"value": draft.rank_style}))
    problems += _team_problems(draft)
    if draft.failed_placement not in FAILED_PLACEMENTS:
        problems.append(Problem("failed_placement", "Unknown placement %(value)s for those who did not pass.",
                                params={"value": draft.failed_placement}))
    return problems


def _team_problems(draft: SchemeDraft) -> list[Problem]:
    """A known team score (best k needs k of 1 to 20), known team tie-breaks listed once, a known tie mode."""
    problems: list[Problem] = []
    if draft.team_score not in TEAM_SCORES:
        problems.append(Problem("team_score", "Unknown team score %(value)s.", params={"value": draft.team_score}))
    elif draft.team_score == "best" and not (draft.team_best and 1 <= draft.team_best <= 20):
        problems.append(Problem("team_best", "Say how many members' results count for the team (1 to 20)."))
    valid = {f"part:{p.code}" for p in draft.parts} | {TIE_BREAK_TIME}
    for key in draft.team_tie_break:
        if key not in valid:
            problems.append(Problem("team_tie_break", "The tie-break %(key)s names no part of this scheme.",
                                    params={"key": key}))
    if len(set(draft.team_tie_break)) != len(draft.team_tie_break):
        problems.append(Problem("team_tie_break", "A tie-break rule is listed twice."))
    if draft.team_tie_mode not in ("shared", "no_tied_places"):
        problems.append(Problem("team_tie_mode", "Unknown tie mode %(mode)s.", params={"mode": draft.team_tie_mode}))
    return problems


def _plain(value: Decimal) -> str:
    """Show a Decimal without a trailing '.0' or exponent (100, 99.5)."""
    return str(plain_decimal(value))
