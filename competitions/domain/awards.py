"""Awards: which places win a first, second or third prize or an honourable mention.

Contest rules award prizes (一等奖 / 二等奖 / 三等奖 / 优秀奖) in one of three ways:

* **Rank bands** — a fixed number of each prize per event, e.g. one first,
  two second, three third: places 1, 2-3 and 4-6.
* **Proportions** — a share of the entrants for each prize, e.g. first 10 %,
  second 20 %, third 30 %. The shares are *per prize* (10 % of entrants win a
  first prize, the next 20 % a second), as rules that say "no more than 10 %
  first prizes" mean them; they may add up to at most 100. How a fraction of
  a competitor is rounded is the rule's setting (``FractionRounding``): down
  ("no more than 10 %", the default: a declared quota is never exceeded), up
  ("within the top half, inclusive": of 11 entrants, 6), or to the nearest
  (half up: 5.5 → 6). Either way at least 1 when the share is above 0 and
  there are entrants, so a small event (8 entrants x 10 % = 0.8) still awards
  the prize its rules promise. Each prize's count is rounded on its own.
* **Medals** — as olympiads do: first, second and third prize to places 1, 2
  and 3, and an honourable mention to every other place in the top half
  (place <= floor(entrants / 2)).

An honourable mention (优秀奖) is available in every mode: a number of places
after the third prize (rank bands), a share (proportions), or the rest of the
top half (medals).

Entrants are the ranked (not disqualified, not absent) competitors; whether
the absent (缺考) count as entrants for fractions is the scheme's setting
(``assign_awards(..., absent_are_entrants=True)``). A competitor who did
not pass (``domain.passing``: a part or the total below its pass mark) gets no
prize and takes no prize place: the prizes go down the standing to those who
passed, counted in order ("did not pass" means "no prize, whatever the
total"). Prizes go by place:
the bands are consecutive runs of positions, and a competitor gets the prize
of the band their place falls in. Competitors sharing a place get the prize of
that place, so a shared place straddling a band boundary gives all of them the
better prize — nobody equal to a winner is denied the prize — and the places
taken push the following competitors down as usual. Disqualified competitors
get nothing, and prizes are not given while tied places wait for the chief
judge's decision.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import groupby

from competitions.domain.errors import N_, Code, InvalidState, RuleViolation
from competitions.domain.points import HUNDRED, ZERO
from competitions.domain.ranking import Ranking

MEDAL_PLACES = 3


class Prize(StrEnum):
    """A prize, best first (stored as the value)."""

    FIRST = "first"
    SECOND = "second"
    THIRD = "third"
    HONOURABLE = "honourable"


PRIZE_ORDER = (Prize.FIRST, Prize.SECOND, Prize.THIRD, Prize.HONOURABLE)


class FractionRounding(StrEnum):
    """How a share of the entrants that is not a whole number of competitors is rounded (stored as the value)."""

    DOWN = "down"  # "no more than 10 %": never above the quota
    UP = "up"  # "within the top half, inclusive": 11 entrants x 50 % = 6
    NEAREST = "nearest"  # half up: 5.5 -> 6, 5.4 -> 5


ROUNDING_MODES = {FractionRounding.DOWN: ROUND_FLOOR, FractionRounding.UP: ROUND_CEILING,
                  FractionRounding.NEAREST: ROUND_HALF_UP}


class AwardMethod(StrEnum):
    """How a rule turns places into prizes."""

    RANK_BANDS = "rank_bands"
    PROPORTIONS = "proportions"
    MEDALS = "medals"


@dataclass(frozen=True)
class AwardRule:
    """A rule: the method and, per prize, a count (rank bands) or a per cent share (proportions).

    The amounts are not used by the medals method. Values accept ints,
    strings or Decimals, as they come from a form or a DB row.
    """

    method: AwardMethod
    first: Decimal = ZERO
    second: Decimal = ZERO
    third: Decimal = ZERO
    honourable: Decimal = ZERO
    rounding: FractionRounding = FractionRounding.DOWN

    def __post_init__(self) -> None:
        """Accept stored values: the method as its string, amounts as ints or strings."""
        try:
            object.__setattr__(self, "method", AwardMethod(self.method))
        except ValueError:
            raise RuleViolation("Unknown award method %(method)s.", field="method",
                                method=self.method) from None
        try:
            object.__setattr__(self, "rounding", FractionRounding(self.rounding or FractionRounding.DOWN))
        except ValueError:
            raise RuleViolation("Unknown rounding %(rounding)s.", field="rounding",
                                rounding=self.rounding) from None
        for prize in PRIZE_ORDER:
            object.__setattr__(self, prize.value, Decimal(str(getattr(self, prize.value))))

    def amount(self, prize: Prize) -> Decimal:
        """The count or share declared for one prize."""
        return getattr(self, prize.value)


@dataclass(frozen=True)
class Award:
    """The prize of one competitor (None when they win nothing)."""

    competitor_id: int
    rank: int | None
    prize: Prize | None


def validate_award_rule(rule: AwardRule) -> list[dict]:
    """Every problem with an award rule; an empty list means it may be saved.

    Each problem is a dict with ``message``, ``field`` and ``params`` (the
    shape ``ValidationErrors`` carries), for the marking-scheme form.
    """
    if rule.method is AwardMethod.MEDALS:
        return []
    problems: list[dict] = []
    for prize in PRIZE_ORDER:
        amount = rule.amount(prize)
        if amount < 0:
            problems.append(_problem(prize.value, N_("The amount for %(prize)s cannot be negative."),
                                     prize=Code("prize", prize.value)))
        elif rule.method is AwardMethod.RANK_BANDS and amount != amount.to_integral_value():
            problems.append(_problem(prize.value,
                                     N_("The number of places for %(prize)s must be a whole number."),
                                     prize=Code("prize", prize.value)))
        elif rule.method is AwardMethod.PROPORTIONS and amount > HUNDRED:
            problems.append(_problem(prize.value, N_("The share for %(prize)s cannot exceed 100 per cent."),
                                     prize=Code("prize", prize.value)))
    total = sum((rule.amount(p) for p in PRIZE_ORDER), ZERO)
    if rule.method is AwardMethod.PROPORTIONS and total > HUNDRED:
        problems.append(_problem(
            "method", N_("The prize shares add up to %(total)s per cent; at most 100 is possible."),
            total=total,
        ))
    if not problems and total == 0:
        problems.append(_problem("method", N_("This rule awards no prize at all.")))
    return problems


def check_award_rule(rule: AwardRule) -> None:
    """Raise RuleViolation with the first problem when the rule cannot be applied."""
    problems = validate_award_rule(rule)
    if problems:
        first = problems[0]
        raise RuleViolation(first["message"], field=first["field"], **first["params"])


def proportion_count(entrants: int, percent: Decimal,
                     rounding: FractionRounding | str = FractionRounding.DOWN) -> int:
    """How many entrants a per cent share gives, rounded as the rule says, but at least 1 for a share above 0.

    Of 11 entrants, 50 %: 5 rounded down, 6 rounded up or to the nearest; of 10, 5 in every mode.
    """
    if percent <= 0 or entrants <= 0:
        return 0
    mode = ROUNDING_MODES[FractionRounding(rounding)]
    count = int((Decimal(entrants) * Decimal(percent) / HUNDRED).to_integral_value(rounding=mode))
    return min(max(count, 1), entrants)


def prize_counts(rule: AwardRule, entrants: int) -> dict[Prize, int]:
    """How many positions each prize covers for this number of entrants (before ties)."""
    check_award_rule(rule)
    if rule.method is AwardMethod.MEDALS:
        counts = {prize: 1 for prize in PRIZE_ORDER[:MEDAL_PLACES]}
        counts[Prize.HONOURABLE] = max(entrants // 2 - MEDAL_PLACES, 0)
        return counts
    if rule.method is AwardMethod.PROPORTIONS:
        return {prize: proportion_count(entrants, rule.amount(prize), rule.rounding) for prize in PRIZE_ORDER}
    return {prize: int(rule.amount(prize)) for prize in PRIZE_ORDER}


def prize_for_rank(rank: int | None, counts: dict[Prize, int]) -> Prize | None:
    """The prize of a place: the band its position falls in (a shared place uses its best position)."""
    if rank is None:
        return None
    prizes = [p for p in PRIZE_ORDER if counts.get(p, 0) > 0]
    last_positions = []
    end = 0
    for prize in prizes:
        end += counts[prize]
        last_positions.append(end)
    index = bisect_left(last_positions, rank)
    return prizes[index] if index < len(prizes) else None


def entrant_count(ranking: Ranking, *, absent_are_entrants: bool = False) -> int:
    """How many entrants proportions are counted on: the ranked, plus the absent when the scheme says so."""
    return sum(1 for e in ranking.entries
               if not e.disqualified and (absent_are_entrants or not getattr(e, "absent", False)))


def assign_awards(ranking: Ranking, rule: AwardRule, *, absent_are_entrants: bool = False) -> tuple[Award, ...]:
    """Every competitor's prize, in standing order; raises RuleViolation for a rule that does not fit.

    Raises InvalidState while tied places in a no-tied-places event wait for
    the chief judge's decision: prizes are given on final places only.
    """
    if not ranking.is_final:
        raise InvalidState("The chief judge must first decide the order of the tied competitors.",
                           field="ranking")
    counts = prize_counts(rule, entrant_count(ranking, absent_are_entrants=absent_are_entrants))
    places = prize_places(ranking)
    return tuple(
        Award(e.competitor_id, e.rank, prize_for_rank(places.get(e.competitor_id), counts))
        for e in ranking.entries
    )


def prize_places(ranking: Ranking) -> dict[int, int]:
    """The place each prize-eligible competitor holds among the eligible, by competitor id.

    Eligible: ranked, not disqualified, and not "did not pass". Those sharing
    a place share its best position (1, 2, 2, 4); those who did not pass are
    skipped, so the positions after them move up. Without any pass rule this
    is each competitor's position in the standing.
    """
    places: dict[int, int] = {}
    eligible_before = 0
    ranked = [e for e in ranking.entries if not e.disqualified and e.rank is not None]
    for _, group_iter in groupby(ranked, key=lambda e: e.rank):
        eligible = [e for e in group_iter if e.passed is not False]
        for entry in eligible:
            places[entry.competitor_id] = eligible_before + 1
        eligible_before += len(eligible)
    return places


def _problem(field_name: str, message: str, **params: object) -> dict:
    """One problem in the shape ValidationErrors carries."""
    return {"message": message, "field": field_name, "params": params}


def boundary_ties(ranking: Ranking, counts: dict[Prize, int], extra_boundaries: tuple[int, ...] = ()) -> tuple:
    """The unresolved tied groups whose order decides something: a prize, or a place in ``extra_boundaries``.

    A group decides something when the best and the worst position its members
    would take (among the prize-eligible, see ``prize_places``) fall in
    different prize bands, or on both sides of an extra boundary (for example
    "the top 8 qualify for the final": boundary 8). A group whose members would
    all get the same prize and the same qualification whatever their order
    needs no decision: rules that say "no tied places" mean the places that
    decide an award or a qualification, not a place nothing depends on.
    """
    places = prize_places(ranking)
    needed = []
    for group in ranking.unresolved:
        eligible = sorted(places[cid] for cid in group if cid in places)
        if eligible:
            first, last = eligible[0], eligible[0] + len(eligible) - 1
        else:
            first = last = None
        straddles_prize = first is not None and prize_for_rank(first, counts) != prize_for_rank(last, counts)
        positions = [e.rank for e in ranking.entries if e.competitor_id in group]
        low, high = min(positions), min(positions) + len(group) - 1
        straddles_boundary = any(low <= b < high for b in extra_boundaries)
        if straddles_prize or straddles_boundary:
            needed.append(group)
    return tuple(needed)


def share_undecisive_ties(ranking: Ranking, needed: tuple) -> Ranking:
    """``ranking`` with every unresolved group not in ``needed`` sharing its place (tied, as 1, 2, 2, 4)."""
    from dataclasses import replace

    waiting = {cid for group in ranking.unresolved if group not in needed for cid in group}
    if not waiting:
        return ranking
    entries = tuple(replace(e, unresolved=False) if e.competitor_id in waiting else e for e in ranking.entries)
    return Ranking(entries, tuple(needed), ranking.mode)
