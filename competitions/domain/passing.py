"""Pass marks (及格线 / 合格分): whether a competitor passed each part and the contest as a whole.

Contest rules commonly require a pass mark in each part — "theory and
practical each at least 60 of 100" — and sometimes a minimum total as well
("total at least 60"). The rules, as such contests state them:

* A part's pass mark is on the part's own scale, out of 100: the practical
  mark as the rule states it (raw sum / the part's maximum x 100), not the
  part's weighted contribution to the total. A part with weight 20 passes at
  60 when its own mark is 60 or more, i.e. at 12 of its 20 weighted points.
* The minimum total is on the total's scale (out of 100, after deductions).
* A competitor passes when every part with a pass mark and the total (when a
  minimum is set) reach them; the comparison is on the published figures,
  rounded as the scheme states (``>=``: a mark equal to the pass mark passes).
* A competitor who fails any of them is "did not pass" (未合格): they receive
  no prize and are not eligible for promotion, whatever their total. Whether
  they keep their place among the others or are listed after everyone who
  passed is a setting of the scheme (``FailedPlacement``).
* With no pass mark at all, ``passed`` is None: nothing was required.

Worked example (the case that went wrong): weights 25 / 55 / 20, pass mark
60 in each part, parts 97 / 96 / 52 → total 24.25 + 52.80 + 10.40 = 87.45, but
the third part is below 60: did not pass, no prize.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from competitions.domain.errors import N_
from competitions.domain.points import HUNDRED, ZERO


class FailedPlacement(StrEnum):
    """Where those who did not pass stand in the published standing (stored as the value)."""

    RANKED = "ranked"  # ranked among the others by their figures; shown as "did not pass", no prize
    AFTER = "after"  # listed after everyone who passed, ranked among themselves


@dataclass(frozen=True)
class PassRule:
    """Pass marks per part (part code -> mark out of 100 on the part's own scale) and a minimum total.

    Values accept ints, strings or Decimals; an empty rule requires nothing.
    """

    part_marks: Mapping[str, Decimal] = field(default_factory=dict)
    min_total: Decimal | None = None
    placement: FailedPlacement = FailedPlacement.RANKED

    def __post_init__(self) -> None:
        """Accept stored values (strings, ints, None) and keep an immutable copy of the part marks."""
        marks = {code: Decimal(str(v)) for code, v in dict(self.part_marks).items() if v is not None}
        object.__setattr__(self, "part_marks", marks)
        if self.min_total is not None:
            object.__setattr__(self, "min_total", Decimal(str(self.min_total)))
        object.__setattr__(self, "placement", FailedPlacement(self.placement or FailedPlacement.RANKED))

    @property
    def applies(self) -> bool:
        """True when anything must be reached (some pass mark or a minimum total)."""
        return bool(self.part_marks) or self.min_total is not None


NO_PASS_RULE = PassRule()


@dataclass(frozen=True)
class PassOutcome:
    """Whether one competitor passed: overall, per part with a pass mark, and on the minimum total.

    ``passed`` and ``total_passed`` are None when nothing was required of them;
    ``parts`` holds only the parts that have a pass mark.
    """

    passed: bool | None
    parts: dict[str, bool]
    total_passed: bool | None = None

    @property
    def failed_parts(self) -> tuple[str, ...]:
        """The codes of the parts whose pass mark was not reached, in the rule's order."""
        return tuple(code for code, ok in self.parts.items() if not ok)


def part_mark(raw: Decimal, max_total: Decimal) -> Decimal:
    """A part's own mark out of 100 (exact): its raw sum over its maximum, as the rule states the part."""
    return raw / max_total * HUNDRED


def judge_pass(rule: PassRule, part_marks: Mapping[str, Decimal], total: Decimal | None) -> PassOutcome:
    """Whether a scored competitor reached every pass mark of ``rule`` (``>=`` on the rounded figures).

    ``part_marks`` are the part's own marks out of 100 (``part_mark``, rounded
    as published); a part missing from them counts as not passed, since a
    competitor cannot pass a part they have no mark in.
    """
    if not rule.applies:
        return PassOutcome(None, {})
    parts = {code: code in part_marks and part_marks[code] >= mark for code, mark in rule.part_marks.items()}
    total_passed = None if rule.min_total is None else total is not None and total >= rule.min_total
    passed = all(parts.values()) and total_passed is not False
    return PassOutcome(passed, parts, total_passed)


def validate_pass_rule(rule: PassRule, part_codes: Iterable[str]) -> list[dict]:
    """Every problem with a pass rule; an empty list means it may be saved.

    Each problem is a dict with ``message``, ``field`` and ``params`` (the
    shape ``ValidationErrors`` carries).
    """
    codes = set(part_codes)
    problems: list[dict] = []
    for code, mark in rule.part_marks.items():
        if code not in codes:
            problems.append(_problem("pass_mark", N_("A pass mark is set for %(code)s, which is no part of this"
                                                      " scheme."), code=code))
        elif not ZERO < mark <= HUNDRED:
            problems.append(_problem("pass_mark", N_("The pass mark of %(code)s must be above 0 and at most 100"
                                                      " (the part's own mark out of 100)."), code=code))
    if rule.min_total is not None and not ZERO < rule.min_total <= HUNDRED:
        problems.append(_problem("pass_total", N_("The minimum total must be above 0 and at most 100.")))
    return problems


def _problem(field_name: str, message: str, **params: object) -> dict:
    """One problem in the shape ValidationErrors carries."""
    return {"message": message, "field": field_name, "params": params}
