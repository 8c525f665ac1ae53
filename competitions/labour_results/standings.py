"""Cumulative standing and money of a labour competition, read from its published periods only.

What the units were told is what adds up: the cumulative standing
(``domain.labour_cumulative``) combines the published snapshots' totals with
the periods' weights as they were published, counts the periods each unit held
the red flag (from the snapshots' frozen awards) and applies the competition's
current cumulative rules. A period that is not published (yet, or any more)
does not count. Money per period is the snapshots' money lines, summed per unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from competitions.domain import labour_cumulative as cumulative
from competitions.domain.labour_flag import flags_won, longest_streaks
from competitions.domain.labour_ranking import PeriodRow
from competitions.extensions import db
from competitions.labour.models import LabourUnit
from competitions.labour_results import rules as rules_mod
from competitions.labour_results.models import LabourPublication
from competitions.labour_results.publication import flag_history, published
from competitions.timezone import to_local

ZERO = Decimal("0")


def _rows(publication: LabourPublication) -> list[PeriodRow]:
    return [PeriodRow(r["unit_id"], None if r["total"] is None else Decimal(r["total"]),
                      {code: Decimal(v) for code, v in r["groups"].items()}, Decimal(r["bonus"]),
                      Decimal(r["deduction"]), r["vetoed"], tuple(r["veto_reasons"]))
            for r in publication.snapshot["rows"]]


@dataclass(frozen=True)
class StandingView:
    """The cumulative standing with what pages show beside it."""

    standing: cumulative.CumulativeStanding
    publications: tuple[LabourPublication, ...]
    units: dict[int, LabourUnit]
    longest_streaks: dict[int, int]
    rule: cumulative.CumulativeRule
    withdrawn_on: dict[int, date]   # unit id -> the local day it withdrew from the competition


def units_of(competition_id: int) -> dict[int, LabourUnit]:
    """The competition's units by id."""
    return {u.id: u for u in db.session.execute(select(LabourUnit).where(
        LabourUnit.competition_id == competition_id).order_by(LabourUnit.position, LabourUnit.id)).scalars()}


def cumulative_view(competition_id: int, publications: list[LabourPublication] | None = None) -> StandingView:
    """The cumulative standing over the published periods under the competition's rules."""
    publications = published(competition_id) if publications is None else publications
    rules = rules_mod.rules_of(competition_id)
    weights = {p.period_number: Decimal(p.snapshot["period"]["weight"]) for p in publications}
    rule = rules_mod.cumulative_rule(rules, weights)
    history = flag_history(publications)
    units = units_of(competition_id)
    periods = [(p.period_number, _rows(p)) for p in publications]
    listed = [u.id for u in units.values() if u.withdrawn_at is None]
    withdrawn_on = {u.id: to_local(u.withdrawn_at).date() for u in units.values() if u.withdrawn_at is not None}
    standing = cumulative.cumulative_standing(periods, rule, flags=flags_won(history), units=listed,
                                              withdrawn=withdrawn_on)
    return StandingView(standing, tuple(publications), units, longest_streaks(history), rule, withdrawn_on)


@dataclass(frozen=True)
class MoneyTable:
    """Money per unit and period (yuan, signed) and each unit's net total."""

    periods: tuple[LabourPublication, ...]
    units: tuple[tuple[int, str, str], ...]  # (unit id, code, name) in standing order of their first appearance
    cells: dict[tuple[int, int], Decimal]  # (unit id, period number) -> amount
    reasons: dict[tuple[int, int], str]
    totals: dict[int, Decimal]

    def period_total(self, period_number: int) -> Decimal:
        """Rewards minus penalties of one period."""
        return sum((v for (_u, n), v in self.cells.items() if n == period_number), ZERO)

    @property
    def grand_total(self) -> Decimal:
        """Rewards minus penalties over everything."""
        return sum(self.totals.values(), ZERO)


def money_table(competition_id: int, publications: list[LabourPublication] | None = None) -> MoneyTable:
    """The published money lines as a unit × period table."""
    publications = published(competition_id) if publications is None else publications
    units = units_of(competition_id)
    cells: dict[tuple[int, int], Decimal] = {}
    reasons: dict[tuple[int, int], str] = {}
    totals: dict[int, Decimal] = {}
    for publication in publications:
        for line in publication.snapshot["money"]:
            key = (line["unit_id"], publication.period_number)
            cells[key] = cells.get(key, ZERO) + Decimal(line["amount"])
            reasons[key] = line["reason"]
            totals[line["unit_id"]] = totals.get(line["unit_id"], ZERO) + Decimal(line["amount"])
    names: dict[int, tuple[str, str]] = {u.id: (u.code, u.name) for u in units.values()}
    for publication in publications:
        for row in publication.snapshot["rows"]:
            names.setdefault(row["unit_id"], (row["code"], row["name"]))
    order = [u for u in units if u in names] + [u for u in names if u not in units]
    return MoneyTable(tuple(publications), tuple((u, *names[u]) for u in order), cells, reasons, totals)
