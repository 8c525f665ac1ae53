"""Money rewards and penalties by rank (奖罚) in a labour competition period.

Many key-project assessment rules attach money to each period's ranking:
"1st place 5,000 yuan, 2nd 3,000, 3rd 2,000; the last place pays 2,000"
(第一名奖励5000元 … 末位罚款2000元). ``MoneyRule`` states such a rule:
``rewards`` by place (index 0 is the 1st place), a ``last_place_penalty``,
what a vetoed unit pays, and what tied units receive. Amounts are in yuan,
``Decimal`` with at most two places (fen); a line's amount is positive for a
reward and negative for a penalty.

Ties — the rules state one of two practices:

* ``TieMoney.EACH`` (并列者均按该名次奖励): every unit sharing a place
  receives that place's amount (two units 1st both receive 5,000; the next
  unit is 3rd and receives the 3rd place's amount).
* ``TieMoney.SHARE`` (并列者平分相应名次奖金): the amounts of the places the
  tied units occupy are pooled and split equally, as prize money is in golf:
  two units sharing 1st split 5,000 + 3,000, 4,000 each. A share is rounded
  half up to the fen, so the pool may differ from the sum by a fen or two.

The last-place penalty goes to the unit(s) in the worst place among the
eligible (placed, not vetoed) units. A penalty is a sanction, not a pool: units
tied for last each pay it in full. A unit never both wins and pays: when the
last place is a rewarded place (fewer units than rewards plus one), nobody
pays it, and a period with a single eligible unit has no last place.

Vetoed units (一票否决) never receive a reward. The rules say what they pay
(``VetoMoney``): nothing; a stated penalty (``veto_penalty``), on top of the
last-place penalty another unit may pay; or "treated as last" (按末位处理):
each vetoed unit pays the last-place penalty, and then the worst eligible
unit is no longer last and pays nothing. Units not assessed get no line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from competitions.domain.errors import N_, RuleViolation
from competitions.domain.labour_ranking import PeriodStanding

FEN = Decimal("0.01")
ZERO = Decimal("0")
MAX_AMOUNT = Decimal("100000000")  # 100 million yuan: far beyond any period reward, below any overflow


class TieMoney(StrEnum):
    """What tied units receive (stored as the value)."""

    EACH = "each"
    SHARE = "share"


class VetoMoney(StrEnum):
    """What a vetoed unit pays (stored as the value)."""

    NOTHING = "nothing"
    PENALTY = "penalty"
    LAST_PLACE = "last_place"


class MoneyReason(StrEnum):
    """Why a line exists (stored as the value)."""

    PLACE = "place"
    LAST_PLACE = "last_place"
    VETOED = "vetoed"


@dataclass(frozen=True)
class MoneyRule:
    """Rewards by place (yuan, best place first), penalties, and the tie and veto practice."""

    rewards: tuple[Decimal, ...] = ()
    last_place_penalty: Decimal = ZERO
    veto: VetoMoney = VetoMoney.NOTHING
    veto_penalty: Decimal = ZERO
    ties: TieMoney = TieMoney.EACH

    @property
    def is_empty(self) -> bool:
        """True when the rule moves no money at all."""
        return not any(self.rewards) and not self.last_place_penalty and not (
            VetoMoney(self.veto) is VetoMoney.PENALTY and self.veto_penalty)


@dataclass(frozen=True)
class MoneyLine:
    """One unit's money for the period: signed yuan, the place it is for, and why."""

    unit_id: int
    rank: int | None
    amount: Decimal
    reason: MoneyReason


def check_money_rule(rule: MoneyRule) -> MoneyRule:
    """``rule`` when its amounts are plain yuan figures; RuleViolation naming the first bad one.

    Rewards and penalties are written as positive amounts (the sign comes
    from what they are), at most two decimals, under 100 million yuan; rewards
    never grow down the places (a 2nd place worth more than the 1st is a typo).
    """
    named = [("rewards", amount) for amount in rule.rewards]
    named += [("last_place_penalty", rule.last_place_penalty), ("veto_penalty", rule.veto_penalty)]
    for name, amount in named:
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount < ZERO or amount >= MAX_AMOUNT \
                or amount != amount.quantize(FEN):
            raise RuleViolation(N_("An amount must be a number of yuan from 0 to 99,999,999.99: %(value)s."),
                                field=name, value=str(amount))
    for better, worse in zip(rule.rewards, rule.rewards[1:], strict=False):
        if worse > better:
            raise RuleViolation(N_("A lower place cannot be rewarded more than a higher one."), field="rewards")
    TieMoney(rule.ties)
    VetoMoney(rule.veto)
    return rule


def money_by_rank(standing: PeriodStanding, rule: MoneyRule) -> tuple[MoneyLine, ...]:
    """The period's money lines in standing order: rewards, the last place's penalty, vetoed units'.

    Units that neither receive nor pay anything get no line.
    """
    eligible = standing.eligible()
    vetoed = [p for p in standing.places if p.vetoed and p.assessed]
    lines: list[MoneyLine] = []
    rewarded: set[int] = set()
    for place in eligible:
        amount = _reward(place.rank, eligible, rule)
        if amount:
            lines.append(MoneyLine(place.unit_id, place.rank, amount, MoneyReason.PLACE))
            rewarded.add(place.unit_id)
    veto = VetoMoney(rule.veto)
    if rule.last_place_penalty and len(eligible) > 1 and not (veto is VetoMoney.LAST_PLACE and vetoed):
        worst = eligible[-1].rank
        for place in eligible:
            if place.rank == worst and place.unit_id not in rewarded:
                lines.append(MoneyLine(place.unit_id, place.rank, -rule.last_place_penalty, MoneyReason.LAST_PLACE))
    penalty = {VetoMoney.PENALTY: rule.veto_penalty, VetoMoney.LAST_PLACE: rule.last_place_penalty}.get(veto, ZERO)
    if penalty:
        lines += [MoneyLine(p.unit_id, p.rank, -penalty, MoneyReason.VETOED) for p in vetoed]
    return tuple(lines)


def _reward(rank: int, eligible: Sequence, rule: MoneyRule) -> Decimal:
    """The reward of one eligible unit at ``rank`` (standard competition places)."""
    tied = sum(1 for p in eligible if p.rank == rank)
    if TieMoney(rule.ties) is TieMoney.EACH or tied == 1:
        return _amount_at(rule.rewards, rank)
    pool = sum((_amount_at(rule.rewards, rank + offset) for offset in range(tied)), ZERO)
    return (pool / tied).quantize(FEN, rounding=ROUND_HALF_UP)


def _amount_at(rewards: Sequence[Decimal], rank: int) -> Decimal:
    """The reward of a place (1-based); nothing beyond the rewarded places."""
    return rewards[rank - 1] if 1 <= rank <= len(rewards) else ZERO


def money_totals(periods: Sequence[Sequence[MoneyLine]]) -> dict[int, Decimal]:
    """Each unit's net money over several periods (rewards minus penalties), in yuan."""
    totals: dict[int, Decimal] = {}
    for lines in periods:
        for line in lines:
            totals[line.unit_id] = totals.get(line.unit_id, ZERO) + line.amount
    return totals
