"""Period ranking of a labour competition (劳动竞赛): units by total, declared tie-breaks, vetoes apart.

How key-project labour competitions publish a period (a month, a quarter, a
milestone 节点): the leading group's assessment rules (考评办法) rank the
participating units (project sections 标段, enterprises, workshops, teams 班组)
by their period total — indicator groups plus bonus points minus deductions —
and, when totals are equal, by a chain the rules name, typically "the unit
with fewer deductions ranks higher" (扣分少者列前), then "the higher safety
subtotal ranks higher" (安全文明施工得分高者列前). The chain here is written
as in marking schemes: ``deductions`` (fewer first), ``bonus`` (more first),
``group:<code>`` (an indicator group's subtotal, higher first) and ``total``
(always the first link); ``asc``/``desc`` after a name reverses the default.

Units still equal after the whole chain share a place — standard competition
ranking, 1, 2, 2, 4, each shared place flagged as tied, as in
``domain.ranking``; a labour competition has no chief judge to order them.

A unit with a veto item (一票否决: a serious safety or quality accident, a
fight, a mass incident) is removed from that period's awards whatever its
score: it is still listed, with its reasons, but takes no place (the default,
``VetoPlacement.UNPLACED``: listed after the placed units) or, where the rules
say "treated as last" (按末位处理), is placed after every unit without a veto
(``VetoPlacement.LAST``). Either way it is never eligible for the rotating
red flag or a reward (``eligible`` is False). A unit with no total (not
assessed in the period) is listed last, unplaced and not eligible.

Totals are compared as stored (rounded to 0.01 by ``domain.points``), the
figures the published ranking shows, so anyone can check a place. Within a
shared place units are listed by id, so the order never depends on input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import groupby

from competitions.domain.errors import N_, RuleViolation

TOTAL = "total"
DEDUCTIONS = "deductions"
BONUS = "bonus"
GROUP_PREFIX = "group:"
ZERO = Decimal("0")


class VetoPlacement(StrEnum):
    """Where a vetoed unit stands in the period ranking (stored as the value)."""

    UNPLACED = "unplaced"  # listed after the placed units, no place
    LAST = "last"  # 按末位处理: placed after every unit without a veto


@dataclass(frozen=True)
class ChainKey:
    """One link of a tie-break chain: a figure's name and whether higher ranks first."""

    name: str
    descending: bool

    @property
    def group_code(self) -> str | None:
        """The indicator group this key compares, or None."""
        return self.name[len(GROUP_PREFIX):] if self.name.startswith(GROUP_PREFIX) else None

    def __str__(self) -> str:
        """The key as the rules form writes it, e.g. 'deductions asc'."""
        return f"{self.name} {'desc' if self.descending else 'asc'}"


PERIOD_DEFAULT_DIRECTIONS = {TOTAL: True, DEDUCTIONS: False, BONUS: True}
DEFAULT_PERIOD_CHAIN = (ChainKey(TOTAL, True),)


@dataclass(frozen=True)
class PeriodRow:
    """One unit's signed-off period figures, in points (Decimal, two places).

    ``subtotals`` maps indicator-group codes to their subtotal; ``bonus`` and
    ``deductions`` are both positive numbers of points (the total already
    includes them); ``total`` is None when the unit was not assessed.
    """

    unit_id: int
    total: Decimal | None
    subtotals: Mapping[str, Decimal] = field(default_factory=dict)
    bonus: Decimal = ZERO
    deductions: Decimal = ZERO
    vetoed: bool = False
    veto_reasons: tuple[str, ...] = ()

    def figure(self, name: str) -> Decimal | None:
        """The value a chain key compares, or None when the row has none."""
        if name == TOTAL:
            return self.total
        if name == DEDUCTIONS:
            return self.deductions
        if name == BONUS:
            return self.bonus
        if name.startswith(GROUP_PREFIX):
            return self.subtotals.get(name[len(GROUP_PREFIX):])
        return None


@dataclass(frozen=True)
class PeriodPlace:
    """One unit in the published period ranking; ``rank`` is None when unplaced."""

    unit_id: int
    rank: int | None
    tied: bool
    total: Decimal | None
    vetoed: bool
    veto_reasons: tuple[str, ...]
    assessed: bool = True

    @property
    def eligible(self) -> bool:
        """True when the unit may receive the red flag or a reward this period."""
        return self.rank is not None and not self.vetoed and self.assessed


@dataclass(frozen=True)
class PeriodStanding:
    """The period's ranking in published order: placed units, then the unplaced."""

    places: tuple[PeriodPlace, ...]

    def eligible(self) -> tuple[PeriodPlace, ...]:
        """The placed units without a veto, best first."""
        return tuple(p for p in self.places if p.eligible)

    def place_of(self, unit_id: int) -> PeriodPlace:
        """The entry of one unit; KeyError when it is not in the ranking."""
        for place in self.places:
            if place.unit_id == unit_id:
                return place
        raise KeyError(unit_id)


# --- the chain -----------------------------------------------------------------------------------


def parse_chain_key(text: str, names: Mapping[str, bool], group_codes: Iterable[str] | None = None,
                    *, groups: bool = True) -> ChainKey:
    """Read ``"deductions"``, ``"group:safety desc"``; RuleViolation when the rules name no such figure.

    ``names`` maps the plain figure names this ranking knows to their default
    direction (True: higher ranks first); ``group:<code>`` is allowed when
    ``groups`` and, if ``group_codes`` is given, the code is one of them.
    """
    words = text.split()
    if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
        raise RuleViolation(N_("The tie-break %(key)s is not understood."), field="tie_break", key=text)
    name = words[0]
    if name.startswith(GROUP_PREFIX) and groups:
        code = name[len(GROUP_PREFIX):]
        codes = None if group_codes is None else set(group_codes)
        if not code or (codes is not None and code not in codes):
            raise RuleViolation(N_("The tie-break %(key)s names no indicator group of this scorecard."),
                                field="tie_break", key=text)
        default = True
    elif name in names:
        default = names[name]
    else:
        raise RuleViolation(N_("The tie-break %(key)s is not understood."), field="tie_break", key=text)
    return ChainKey(name, default if len(words) == 1 else words[1] == "desc")


def period_chain(texts: Iterable[str], group_codes: Iterable[str] | None = None) -> tuple[ChainKey, ...]:
    """The full period chain: the total first, then the declared tie-breaks in order, none twice."""
    codes = None if group_codes is None else tuple(group_codes)
    declared = tuple(parse_chain_key(t, PERIOD_DEFAULT_DIRECTIONS, codes) for t in texts)
    return with_total_first(declared)


def with_total_first(declared: tuple[ChainKey, ...]) -> tuple[ChainKey, ...]:
    """``declared`` led by the total (unless it already names it); RuleViolation for a repeated key."""
    names = [key.name for key in declared]
    if len(set(names)) != len(names):
        raise RuleViolation(N_("A tie-break rule is listed twice."), field="tie_break")
    if TOTAL in names:
        return declared
    return (ChainKey(TOTAL, True),) + declared


def chain_sort_key(row, chain: Sequence[ChainKey]) -> tuple:
    """The row's figures along the chain, arranged so that smaller sorts first; missing sorts last.

    ``row`` is anything with a ``figure(name)`` method (period rows,
    cumulative rows), so period and cumulative standings share one ordering.
    """
    values = []
    for key in chain:
        value = row.figure(key.name)
        values.append((1, ZERO) if value is None else (0, -value if key.descending else value))
    return tuple(values)


def _period_key_function(chain: Sequence[ChainKey]):
    """``chain_sort_key`` for period rows, with each link's lookup chosen once (a city's year ranks
    24,000 periods: the per-row dispatch by name was most of the time)."""
    getters = []
    for key in chain:
        code = key.group_code
        if code is not None:
            getters.append((lambda r, c=code: r.subtotals.get(c), key.descending))
        elif key.name == TOTAL:
            getters.append((lambda r: r.total, key.descending))
        elif key.name == DEDUCTIONS:
            getters.append((lambda r: r.deductions, key.descending))
        else:
            getters.append((lambda r: r.bonus, key.descending))
    missing = (1, ZERO)

    def sort_key(row: PeriodRow) -> tuple:
        out = []
        for get, descending in getters:
            value = get(row)
            out.append(missing if value is None else (0, -value if descending else value))
        return tuple(out)

    return sort_key


# --- ranking -------------------------------------------------------------------------------------


def rank_period(rows: Iterable[PeriodRow], chain: Sequence[ChainKey] = DEFAULT_PERIOD_CHAIN, *,
                veto_placement: VetoPlacement | str = VetoPlacement.UNPLACED) -> PeriodStanding:
    """Rank one period's units: standard competition places along ``chain``, vetoed units apart.

    Returns the placed units (ties share the better place, 1, 2, 2, 4), then,
    with ``UNPLACED``, the vetoed units by the same order, then the units not
    assessed. With ``LAST`` the vetoed continue the numbering after the
    others. RuleViolation when a unit appears twice.
    """
    veto_placement = VetoPlacement(veto_placement)
    chain = tuple(chain) or DEFAULT_PERIOD_CHAIN
    rows = sorted(rows, key=lambda r: r.unit_id)
    ids = [r.unit_id for r in rows]
    if len(set(ids)) != len(ids):
        raise RuleViolation(N_("A unit appears twice in the period's scores."), field="rows")
    assessed = [r for r in rows if r.total is not None]
    clean = [r for r in assessed if not r.vetoed]
    vetoed = [r for r in assessed if r.vetoed]
    places, next_rank = _placed(clean, chain, 1)
    if veto_placement is VetoPlacement.LAST:
        more, _ = _placed(vetoed, chain, next_rank)
    else:
        more = [_place(r, None, False) for r in sorted(vetoed, key=_period_key_function(chain))]
    missing = [PeriodPlace(r.unit_id, None, False, None, r.vetoed, r.veto_reasons, assessed=False)
               for r in rows if r.total is None]
    return PeriodStanding(tuple(places + more + missing))


def _placed(rows: list[PeriodRow], chain: Sequence[ChainKey], first: int) -> tuple[list[PeriodPlace], int]:
    """Places from ``first`` on, equal rows sharing one; returns them and the next free place."""
    sort_key = _period_key_function(chain)
    keyed = sorted(((sort_key(r), r) for r in rows), key=lambda pair: pair[0])
    places: list[PeriodPlace] = []
    position = first
    for _, group_iter in groupby(keyed, key=lambda pair: pair[0]):
        group = [r for _key, r in group_iter]
        places += [_place(r, position, len(group) > 1) for r in group]
        position += len(group)
    return places, position


def _place(row: PeriodRow, rank: int | None, tied: bool) -> PeriodPlace:
    """The published entry of one row."""
    return PeriodPlace(row.unit_id, rank, tied, row.total, row.vetoed, tuple(row.veto_reasons))
