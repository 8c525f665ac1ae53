"""Object checks for judging: a judge reaches only the events they are assigned to.

A judge sees an event's tablet page only when assigned to its panel, the chief
judge's dashboard only when named its chief judge; organizers manage the
assignments of the competitions in their subtree. Anything out of reach answers
404, so a judge cannot even learn which other events exist.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from competitions.auth.models import User
from competitions.extensions import db
from competitions.judging.models import JudgeAssignment
from competitions.organize.models import Event
from competitions.organize.permissions import load_event_or_404 as load_managed_event_or_404


def assignments_for(user: User, event_id: int) -> list[JudgeAssignment]:
    """``user``'s assignments in one event."""
    return list(db.session.execute(select(JudgeAssignment).where(JudgeAssignment.event_id == event_id,
                                                                 JudgeAssignment.user_id == user.id)).scalars())


def load_event_for_judge_or_404(event_id: int, *, for_user: User) -> Event:
    """The event, when ``for_user`` marks in its panel; 404 otherwise."""
    event = db.get_or_404(Event, event_id)
    if not any(not a.is_chief for a in assignments_for(for_user, event_id)):
        abort(404)
    return event


def load_event_for_chief_or_404(event_id: int, *, for_user: User) -> Event:
    """The event, when ``for_user`` is its chief judge; 404 otherwise."""
    event = db.get_or_404(Event, event_id)
    if not any(a.is_chief for a in assignments_for(for_user, event_id)):
        abort(404)
    return event


def load_assignment_or_404(assignment_id: int, *, for_user: User) -> JudgeAssignment:
    """An assignment of an event ``for_user`` manages; 404 otherwise."""
    assignment = db.get_or_404(JudgeAssignment, assignment_id)
    load_managed_event_or_404(assignment.event_id, for_user=for_user)
    return assignment


__all__ = ["assignments_for", "load_assignment_or_404", "load_event_for_chief_or_404",
           "load_event_for_judge_or_404", "load_managed_event_or_404"]
