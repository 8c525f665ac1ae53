"""Object checks for results: organizers manage their subtree's results; an event's chief judge its adjustments.

The organizer who manages a competition (see ``organize.permissions``) computes,
publishes and finalizes its results and records appeals. Deductions,
disqualifications, time used, tie decisions and the judge consistency report
belong to the chief judge (裁判长) of the event — and to that organizer. Anything
out of reach answers 404 so its existence is not revealed. Public pages show
only published or final results.
"""

from __future__ import annotations

from flask import abort

from competitions.auth.models import User
from competitions.extensions import db
from competitions.organize.models import Competition, Event
from competitions.organize.permissions import can_manage
from competitions.results.models import Appeal
from competitions.results.services import is_chief_judge, public_snapshot


def can_adjust(user: User, event: Event) -> bool:
    """True when ``user`` may record adjustments and tie decisions for ``event``."""
    if can_manage(user, event.competition):
        return True
    return bool(user.is_authenticated and user.has_role("judge") and is_chief_judge(user.id, event.id))


def load_competition_or_404(competition_id: int, *, for_user: User) -> Competition:
    """The competition, when ``for_user`` manages it; 404 otherwise."""
    competition = db.get_or_404(Competition, competition_id)
    if not can_manage(for_user, competition):
        abort(404)
    return competition


def load_event_for_chief_or_404(event_id: int, *, for_user: User) -> Event:
    """The event, when ``for_user`` is its chief judge or manages its competition; 404 otherwise."""
    event = db.get_or_404(Event, event_id)
    if not can_adjust(for_user, event):
        abort(404)
    return event


def load_appeal_or_404(appeal_id: int, *, for_user: User) -> Appeal:
    """The appeal, when ``for_user`` manages its competition; 404 otherwise."""
    appeal = db.get_or_404(Appeal, appeal_id)
    load_competition_or_404(appeal.competition_id, for_user=for_user)
    return appeal


def load_public_competition_or_404(competition_id: int):
    """The competition and its public snapshot, when it has published results; 404 otherwise."""
    competition = db.get_or_404(Competition, competition_id)
    snapshot = public_snapshot(competition.id)
    if snapshot is None:
        abort(404)
    return competition, snapshot


def load_public_event_or_404(event_id: int):
    """The event, its competition's public snapshot; 404 while its results are unpublished."""
    event = db.get_or_404(Event, event_id)
    snapshot = public_snapshot(event.competition_id)
    if snapshot is None:
        abort(404)
    return event, snapshot
