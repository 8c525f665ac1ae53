"""Scheduled jobs of the registration stage (listed in ``competitions/scheduler.py``).

At the deadline printed in the competition notice registration closes by
itself, even when nobody is at the desk: every minute the job closes each open
competition whose deadline has passed. Running it twice changes nothing (a
closed competition is no longer open), and the scheduler's JobRun row makes a
second scheduler skip the period altogether.
"""

from __future__ import annotations

from datetime import datetime

from competitions.registration.services import close_registration, due_for_closing


def close_due_registrations(*, now: datetime) -> dict:
    """Close registration of every open competition whose deadline is at or before ``now``."""
    closed = []
    for competition in due_for_closing(now):
        close_registration(competition, actor_id=None, now=now, reason="deadline")
        closed.append(competition.id)
    return {"closed": closed}
