"""Object checks for registration: who reviews, who submits rosters, whose registration is whose.

* The organizer who manages a competition (its organization's subtree, see
  ``organize.permissions``) reviews its registrations, draws and prints.
* An enterprise union clerk is an organizer whose organization lies inside the
  organizing organization's tree: they may submit rosters of their own
  organization's workers (and those below it) but not review.
* A competitor sees and withdraws only their own registrations.
Anything out of reach answers 404, so its existence is not revealed.
"""

from __future__ import annotations

from flask import abort

from competitions.auth.models import User
from competitions.extensions import db
from competitions.organize.models import Competition, Event
from competitions.organize.permissions import can_manage
from competitions.orgs.models import Worker
from competitions.orgs.services import is_within
from competitions.registration.models import Registration

PUBLIC_STATUSES = ("open", "closed", "in_progress", "results", "archived")


def can_submit_roster(user: User, competition: Competition) -> bool:
    """Managers of the competition, and organizers of an organization inside its organizing tree."""
    if can_manage(user, competition):
        return True
    return user.has_role("organizer") and is_within(user.organization, competition.organization)


def roster_employers(user: User, competition: Competition) -> set[int] | None:
    """The organizations whose people ``user`` may create or change with a roster: their own subtree, even
    when they manage the competition (None, meaning any, only for an administrator)."""
    from competitions.people.services import acting_scope

    return acting_scope(user)


def load_public_competition_or_404(competition_id: int) -> Competition:
    """A competition anyone may see (not a draft, nor a draft called off: it was never public)."""
    competition = db.get_or_404(Competition, competition_id)
    if competition.status not in PUBLIC_STATUSES or competition.called_off_at is not None:
        abort(404)
    return competition


def load_public_event_or_404(event_id: int) -> Event:
    """An event of a competition anyone may see."""
    event = db.get_or_404(Event, event_id)
    if event.competition.status not in PUBLIC_STATUSES or event.competition.called_off_at is not None:
        abort(404)
    return event


def load_managed_competition_or_404(competition_id: int, *, for_user: User) -> Competition:
    """The competition, when ``for_user`` reviews its registrations."""
    competition = db.get_or_404(Competition, competition_id)
    if not can_manage(for_user, competition):
        abort(404)
    return competition


def load_managed_event_or_404(event_id: int, *, for_user: User) -> Event:
    """The event, when ``for_user`` manages its competition."""
    event = db.get_or_404(Event, event_id)
    if not can_manage(for_user, event.competition):
        abort(404)
    return event


def load_roster_competition_or_404(competition_id: int, *, for_user: User) -> Competition:
    """The competition, when ``for_user`` may submit rosters to it."""
    competition = db.get_or_404(Competition, competition_id)
    if not can_submit_roster(for_user, competition):
        abort(404)
    return competition


def load_managed_registration_or_404(registration_id: int, *, for_user: User) -> Registration:
    """A registration of a competition ``for_user`` manages."""
    registration = db.get_or_404(Registration, registration_id)
    if not can_manage(for_user, registration.event.competition):
        abort(404)
    return registration


def own_worker(user: User) -> Worker | None:
    """The worker record linked to ``user``'s login, if any."""
    from sqlalchemy import select

    return db.session.execute(select(Worker).where(Worker.user_id == user.id)).scalar_one_or_none()


def load_own_registration_or_404(registration_id: int, *, for_user: User) -> Registration:
    """One of ``for_user``'s own registrations."""
    registration = db.get_or_404(Registration, registration_id)
    if registration.worker.user_id != for_user.id:
        abort(404)
    return registration
