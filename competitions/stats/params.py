"""Query parameters of the statistics pages: the year, the drill-down; bad values fall back to the defaults."""

from __future__ import annotations

from flask import request

from competitions.domain.inputs import parse_id
from competitions.stats.figures import DRILLABLE, compiled_years
from competitions.timezone import local_zone

FIRST_YEAR, LAST_YEAR = 2000, 2100


def default_year() -> int:
    """The latest compiled year up to this one, or this (local) year when nothing is compiled."""
    from competitions.db import utcnow

    this_year = utcnow().astimezone(local_zone()).year
    compiled = [y for y in compiled_years() if y <= this_year]
    return compiled[-1] if compiled else this_year


def chosen_year() -> int:
    """``?year=`` when it is a plausible year, else the default."""
    year = parse_id(request.args.get("year"))
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else default_year()


def drill_param() -> tuple[str, str] | None:
    """``?drill=trade:ELEC`` as ("trade", "ELEC") when the dimension can be drilled into, else None."""
    dimension, sep, key = (request.args.get("drill") or "").partition(":")
    if not sep or dimension not in DRILLABLE or len(key) > 100:
        return None
    return dimension, key
