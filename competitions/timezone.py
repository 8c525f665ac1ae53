"""Local time for people, UTC for storage.

Organizers type times in the federation's time zone (``BABEL_DEFAULT_TIMEZONE``,
Asia/Shanghai by default); columns store aware UTC values. These two helpers are
the only conversions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    """The federation's time zone."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def to_utc(local_naive: datetime | None) -> datetime | None:
    """A wall-clock time typed in a form (no zone) as aware UTC."""
    if local_naive is None:
        return None
    return local_naive.replace(tzinfo=local_zone()).astimezone(UTC)


def to_local(value: datetime | None) -> datetime | None:
    """A stored UTC time as naive wall-clock time, for filling a form field."""
    if value is None:
        return None
    return value.astimezone(local_zone()).replace(tzinfo=None)


def local_today() -> date:
    """Today's date in the federation's time zone (a period "starts" on its local date, not UTC's)."""
    return datetime.now(local_zone()).date()
