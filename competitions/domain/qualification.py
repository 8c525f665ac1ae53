"""Qualification (晋级) from a preliminary round (初赛 / 预赛) to the final (决赛).

Contest rules send from a theory preliminary either the top N ("the top 30
enter the final") or a top fraction ("the top 40 % of entrants"), and say what
happens at the boundary: everyone tied at the N-th place goes too ("并列第 N
名者同时晋级"). The rules:

* Places are the preliminary's final standing (shared places, 1, 2, 2, 4).
* ``top`` N: every competitor whose place is N or better qualifies; a shared
  place that starts at or before N takes all who share it, so more than N may
  qualify — the reason says so.
* ``fraction``: N = entrants x per cent / 100, rounded as the rule says
  (down, up, or to the nearest, half up; ``awards.FractionRounding``), at
  least 1; then as ``top`` N.
* Not qualified, each with the reason: placed below the cut, did not pass
  (a pass mark of the preliminary: ``passed is False``), absent, disqualified.
* Entrants for a fraction are the ranked competitors (the absent only when
  the rule counts them).

Each qualifier's reason is data for the page and the notice: "place 8 of the
top 8", "place 8, tied at the 8th place (10 qualify)".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from competitions.domain.awards import FractionRounding, proportion_count
from competitions.domain.errors import RuleViolation
from competitions.domain.ranking import Ranking


class QualificationReason(StrEnum):
    """Why a competitor did or did not qualify (stored as the value)."""

    WITHIN_CUT = "within_cut"  # placed N or better
    TIED_AT_CUT = "tied_at_cut"  # shares the N-th place, so goes although the cut is passed
    BELOW_CUT = "below_cut"
    DID_NOT_PASS = "did_not_pass"
    ABSENT = "absent"
    DISQUALIFIED = "disqualified"


@dataclass(frozen=True)
class QualificationRule:
    """Top ``top`` places, or the top ``percent`` of entrants rounded as ``rounding`` says (exactly one of them)."""

    top: int | None = None
    percent: Decimal | None = None
    rounding: FractionRounding = FractionRounding.DOWN
    absent_are_entrants: bool = False

    def __post_init__(self) -> None:
        """Check that exactly one of top and percent is given and in range."""
        if (self.top is None) == (self.percent is None):
            raise RuleViolation("Say either how many places qualify or what share of the entrants does.",
                                field="qualification")
        if self.top is not None and self.top < 1:
            raise RuleViolation("At least one place must qualify.", field="qualification")
        if self.percent is not None:
            object.__setattr__(self, "percent", Decimal(str(self.percent)))
            if not Decimal(0) < self.percent <= Decimal(100):
                raise RuleViolation("The qualifying share must be above 0 and at most 100 per cent.",
                                    field="qualification")
        object.__setattr__(self, "rounding", FractionRounding(self.rounding))


@dataclass(frozen=True)
class Qualification:
    """One competitor's outcome: qualified or not, the reason, their place, the cut and how many qualified."""

    competitor_id: int
    qualified: bool
    reason: QualificationReason
    rank: int | None
    cut: int
    qualifiers: int


def cut_of(rule: QualificationRule, entrants: int) -> int:
    """The last qualifying place N for this many entrants."""
    if rule.top is not None:
        return rule.top
    return proportion_count(entrants, rule.percent, rule.rounding)


def qualifiers(ranking: Ranking, rule: QualificationRule) -> tuple[Qualification, ...]:
    """Every competitor's qualification from a final preliminary standing, in standing order.

    Places are the standing's shared places; everyone whose place is at or
    before the cut qualifies, so all those tied at the N-th place go.
    """
    if not ranking.is_final:
        raise RuleViolation("The preliminary standing still has ties for the chief judge to decide.",
                            field="ranking")
    ranked = [e for e in ranking.entries if e.rank is not None and not e.disqualified]
    absent = [e for e in ranking.entries if getattr(e, "absent", False)]
    entrants = len(ranked) + (len(absent) if rule.absent_are_entrants else 0)
    cut = cut_of(rule, entrants)
    eligible = [e for e in ranked if e.passed is not False]
    # Places among the eligible (those who did not pass cannot take a final's place); shared places kept.
    places: dict[int, int] = {}
    before = 0
    last_rank = None
    place = 0
    for entry in eligible:
        if entry.rank != last_rank:
            place = before + 1
            last_rank = entry.rank
        places[entry.competitor_id] = place
        before += 1
    count = sum(1 for p in places.values() if p <= cut)
    out = []
    for entry in ranking.entries:
        cid = entry.competitor_id
        if entry.disqualified:
            reason, ok = QualificationReason.DISQUALIFIED, False
        elif getattr(entry, "absent", False):
            reason, ok = QualificationReason.ABSENT, False
        elif entry.passed is False:
            reason, ok = QualificationReason.DID_NOT_PASS, False
        elif places[cid] > cut:
            reason, ok = QualificationReason.BELOW_CUT, False
        elif entry.tied and _group_extends_past(places, places[cid], cut):
            reason, ok = QualificationReason.TIED_AT_CUT, True
        else:
            reason, ok = QualificationReason.WITHIN_CUT, True
        out.append(Qualification(cid, ok, reason, entry.rank, cut, count))
    return tuple(out)


def _group_extends_past(places: dict[int, int], place: int, cut: int) -> bool:
    """True when the group sharing ``place`` runs past the cut (so some of it qualifies only by the tie)."""
    size = sum(1 for p in places.values() if p == place)
    return place + size - 1 > cut
