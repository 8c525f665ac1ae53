"""Query parameters of the statistics pages and JSON: the year, the union (scope) and the drill-down.

A parameter that is given must make sense: ``?year=1999`` is never answered
with this year's figures under a 200, nor ``?scope=abc`` with the caller's own
union (review M4). ``stats_query`` reads all three and names every bad one;
the JSON answers 422 with the problems, the pages say what was wrong and show
the figures without the bad parameter. A parameter left out takes its
default (the latest compiled year, the caller's own union, no drill-down).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from competitions.domain.errors import N_
from competitions.domain.inputs import bad_characters, parse_id, trade_code
from competitions.stats.figures import DRILLABLE, compiled_years
from competitions.timezone import local_zone

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_DRILL_KEY = 100  # characters: a trade code or an industry name


def default_year() -> int:
    """The latest compiled year up to this one, or this (local) year when nothing is compiled."""
    from competitions.db import utcnow

    this_year = utcnow().astimezone(local_zone()).year
    compiled = [y for y in compiled_years() if y <= this_year]
    return compiled[-1] if compiled else this_year


@dataclass(frozen=True)
class StatsQuery:
    """What the query asks for: the year, the union's id (None: the caller's own) and the drill-down, and the
    problems of the parameters that made no sense (each a dict with ``field``, ``message``, ``params``)."""

    year: int
    scope_id: int | None
    drill: tuple[str, str] | None
    problems: tuple[dict, ...] = ()

    def kept(self) -> dict:
        """The parameters that made sense, for a link to the same page without the bad ones."""
        args = {"year": self.year}
        if self.scope_id is not None:
            args["scope"] = self.scope_id
        if self.drill is not None:
            args["drill"] = ":".join(self.drill)
        return args


def _given(name: str) -> str | None:
    value = request.args.get(name)
    return None if value is None or value.strip() == "" else value


def stats_query() -> StatsQuery:
    """Read ``year``, ``scope`` and ``drill`` from the query string (see the module docstring)."""
    problems = []
    year = default_year()
    raw = _given("year")
    if raw is not None:
        asked = parse_id(raw.strip())
        if asked is not None and FIRST_YEAR <= asked <= LAST_YEAR:
            year = asked
        else:
            problems.append({"field": "year", "message": N_(
                "The year must be a year from %(first)d to %(last)d; the figures of %(shown)d are shown."),
                "params": {"first": FIRST_YEAR, "last": LAST_YEAR, "shown": year}})
    scope_id = None
    raw = _given("scope")
    if raw is not None:
        scope_id = parse_id(raw.strip())
        if scope_id is None:
            problems.append({"field": "scope", "message": N_(
                "The union (scope) must be given by its number; your own union's figures are shown.")})
    drill = None
    raw = _given("drill")
    if raw is not None:
        dimension, sep, key = raw.partition(":")
        if sep and dimension in DRILLABLE and key.strip() and len(key) <= MAX_DRILL_KEY and not bad_characters(key):
            drill = (dimension, trade_code(key) if dimension == "trade" else key)
        else:
            problems.append({"field": "drill", "message": N_(
                "A drill-down is written trade:<trade code> or industry:<industry> (at most %(max)d characters, "
                "no control characters); the figures are shown without it."), "params": {"max": MAX_DRILL_KEY}})
    return StatsQuery(year, scope_id, drill, tuple(problems))
