"""Scheduled jobs of the statistics stage (listed in ``competitions/scheduler.py``).

* ``refresh_current_year``: every night the current year's figures are counted
  again, so the dashboard is never more than a day behind (period: the local
  date, so a second scheduler or a restart the same night does nothing).
* ``compile_previous_year``: on 1 January the year just ended is compiled for
  the last time and marked final -- the figures of the federation's annual
  report (period: that year; a scheduler that was down over New Year catches
  up when it starts, within the job's grace).

Both only flush; ``competitions.scheduler.run_job`` commits once.
"""

from __future__ import annotations

from datetime import datetime

from competitions.stats.services import compile_year
from competitions.timezone import local_zone


def refresh_current_year(*, now: datetime) -> dict:
    """Count the current (local) year's figures again."""
    year = now.astimezone(local_zone()).year
    compilation = compile_year(year, now=now)
    return {"year": year, "figures": compilation.figures, "seconds": compilation.seconds}


def compile_previous_year(*, now: datetime) -> dict:
    """Compile last (local) year's figures for the last time and mark them final."""
    year = now.astimezone(local_zone()).year - 1
    compilation = compile_year(year, final=True, now=now)
    return {"year": year, "figures": compilation.figures, "seconds": compilation.seconds, "final": True}
