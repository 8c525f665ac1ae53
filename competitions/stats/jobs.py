"""Scheduled jobs of the statistics stage (listed in ``competitions/scheduler.py``).

* ``refresh_current_year``: every night the current year's figures are counted
  again, so the dashboard is never more than a day behind (period: the local
  date, so a second scheduler or a restart the same night does nothing) --
  and so is every finished year (up to ``UNSETTLED_YEARS`` back) whose figures
  are not final yet, marked final on the first night it waits for nothing.
* ``compile_previous_year``: on 1 January the year just ended is compiled and
  marked final if nothing is still pending (``services.pending_for_year``:
  results not final, promotions not reviewed). A contest ending in late
  December is on public notice and under appeal in January, and its prizes
  and promotions belong to the year it ended, so until then the year stays
  provisional and the nightly job keeps counting it (period: that year; a
  scheduler that was down over New Year catches up when it starts, within the
  job's grace).

Both only flush; ``competitions.scheduler.run_job`` commits once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from competitions.extensions import db
from competitions.stats.models import StatCompilation
from competitions.stats.services import compile_year
from competitions.timezone import local_zone

UNSETTLED_YEARS = 2  # finished years still counted nightly while not final (results rarely take longer)


def _compile_finished(year: int, now: datetime) -> dict:
    """Compile a finished year, final when it waits for nothing: its summary."""
    compilation = compile_year(year, now=now)
    if compilation.results_pending == 0 and compilation.promotions_pending == 0:
        compilation.final = True
    return {"year": year, "figures": compilation.figures, "seconds": compilation.seconds,
            "final": compilation.final, "results_pending": compilation.results_pending,
            "promotions_pending": compilation.promotions_pending}


def refresh_current_year(*, now: datetime) -> dict:
    """Count the current (local) year's figures again, and every recent finished year not final yet."""
    year = now.astimezone(local_zone()).year
    compilation = compile_year(year, now=now)
    unsettled = db.session.execute(select(StatCompilation.year).where(
        StatCompilation.year.between(year - UNSETTLED_YEARS, year - 1),
        StatCompilation.final.is_(False)).order_by(StatCompilation.year)).scalars().all()
    summary = {"year": year, "figures": compilation.figures, "seconds": compilation.seconds}
    if unsettled:
        summary["finished_years"] = [_compile_finished(past, now) for past in unsettled]
    return summary


def compile_previous_year(*, now: datetime) -> dict:
    """Compile last (local) year's figures; final if nothing is pending, else counted nightly until it is."""
    return _compile_finished(now.astimezone(local_zone()).year - 1, now)
