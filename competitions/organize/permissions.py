"""Object checks for competitions: an organizer manages what their organization's subtree organizes.

A city federation's organizer manages the city contest and, below it, district
and enterprise contests; a district's organizer manages only their district's.
Admins manage everything. Anything out of reach answers 404, not 403, so the
existence of another district's drafts is not revealed.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, false

from competitions.auth.models import User
from competitions.extensions import db
from competitions.organize.models import Competition, Event
from competitions.orgs.models import Organization
from competitions.orgs.services import is_within


def can_manage(user: User, competition: Competition) -> bool:
    """True when ``user`` may change ``competition``."""
    if not user.is_authenticated:
        return False
    if user.has_role("admin"):
        return True
    return user.has_role("organizer") and is_within(competition.organization, user.organization)


def scope_competitions(stmt: Select, user: User) -> Select:
    """Restrict a competition query to those ``user`` manages."""
    if user.has_role("admin"):
        return stmt
    if not user.has_role("organizer") or user.organization is None:
        return stmt.where(false())
    return stmt.join(Organization, Competition.organization_id == Organization.id).where(
        Organization.path.startswith(user.organization.path)
    )


def load_competition_or_404(competition_id: int, *, for_user: User) -> Competition:
    """The competition, when ``for_user`` manages it; 404 otherwise."""
    competition = db.get_or_404(Competition, competition_id)
    if not can_manage(for_user, competition):
        abort(404)
    return competition


def load_event_or_404(event_id: int, *, for_user: User) -> Event:
    """The event, when ``for_user`` manages its competition; 404 otherwise."""
    event = db.get_or_404(Event, event_id)
    if not can_manage(for_user, event.competition):
        abort(404)
    return event
