"""Who may do what with rounds.

The organizer who manages the competition sets up the rounds, the
qualification rule and the carried part, and publishes the preliminary's
standing. The qualification itself — computing it, confirming it, undoing it
— belongs to the chief judge (裁判长) of the preliminary and to that
organizer. Anything out of reach answers 404. The public sees a preliminary's
standing only once it is published.
"""

from __future__ import annotations

from flask import abort

from competitions.auth.models import User
from competitions.extensions import db
from competitions.organize.models import Event
from competitions.organize.permissions import can_manage
from competitions.rounds.models import RoundStanding
from competitions.rounds.services import final_of, preliminary_of, standing_of


def rounds_of(event: Event) -> tuple[Event, Event | None]:
    """(preliminary, final) of a round structure from either round; (event, None) for a single-round event."""
    if event.round == "final":
        preliminary = preliminary_of(event)
        if preliminary is None:
            abort(404)
        return preliminary, event
    return event, final_of(event) if event.round == "preliminary" else None


def can_qualify(user: User, preliminary: Event) -> bool:
    """True when ``user`` may compute, confirm or undo the qualification from ``preliminary``."""
    if can_manage(user, preliminary.competition):
        return True
    from competitions.results.services import is_chief_judge

    return bool(user.is_authenticated and user.has_role("judge") and is_chief_judge(user.id, preliminary.id))


def load_event_for_rounds_or_404(event_id: int, *, for_user: User, manage: bool = False,
                                 act: bool = False) -> Event:
    """The event when ``for_user`` manages its competition, or (unless ``manage``) is its preliminary's chief
    judge; the final's chief judge may look (not ``act``)."""
    event = db.get_or_404(Event, event_id)
    if can_manage(for_user, event.competition):
        return event
    if manage:
        abort(404)
    preliminary, final = rounds_of(event)
    if can_qualify(for_user, preliminary):
        return event
    if not act and final is not None and for_user.has_role("judge"):
        from competitions.results.services import is_chief_judge

        if is_chief_judge(for_user.id, final.id):
            return event
    abort(404)


def load_published_standing_or_404(event_id: int) -> tuple[Event, RoundStanding]:
    """A preliminary and its standing, when the standing is published; 404 otherwise."""
    event = db.get_or_404(Event, event_id)
    standing = standing_of(event.id) if event.round == "preliminary" else None
    if standing is None or standing.published_at is None:
        abort(404)
    return event, standing
