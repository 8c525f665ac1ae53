"""Object checks for the publication side of labour competitions.

* Publishing, correcting and unpublishing periods, the rules, the money list,
  deciding honours, confirming nominations and issuing certificates belong to
  whoever manages the competition (``organize.permissions.can_manage``).
* A unit names its advanced individuals: an organizer of the unit's own
  organization (or above it in the tree) may nominate for that unit, as may the
  competition's managers.
* The public pages show a labour competition once at least one of its periods
  is published, and only what is published.
Anything out of reach answers 404, so its existence is not revealed.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from competitions.auth.models import User
from competitions.extensions import db
from competitions.labour.models import LabourPeriod, LabourUnit
from competitions.labour_results.models import LabourHonour, LabourPublication
from competitions.organize.models import Competition
from competitions.organize.permissions import can_manage
from competitions.orgs.services import is_within


def load_labour_competition_or_404(competition_id: int, *, for_user: User) -> Competition:
    """The labour competition, when ``for_user`` manages it; 404 otherwise."""
    competition = db.get_or_404(Competition, competition_id)
    if competition.kind != "labor" or not can_manage(for_user, competition):
        abort(404)
    return competition


def load_period_or_404(period_id: int, *, for_user: User) -> LabourPeriod:
    """The period, when ``for_user`` manages its competition; 404 otherwise."""
    period = db.get_or_404(LabourPeriod, period_id)
    load_labour_competition_or_404(period.competition_id, for_user=for_user)
    return period


def load_publication_or_404(publication_id: int, *, for_user: User) -> LabourPublication:
    """The published version, when ``for_user`` manages its competition; 404 otherwise."""
    publication = db.get_or_404(LabourPublication, publication_id)
    load_labour_competition_or_404(publication.competition_id, for_user=for_user)
    return publication


def load_honour_or_404(honour_id: int, *, for_user: User) -> LabourHonour:
    """The honour or nomination, when ``for_user`` manages its competition; 404 otherwise."""
    honour = db.get_or_404(LabourHonour, honour_id)
    load_labour_competition_or_404(honour.competition_id, for_user=for_user)
    return honour


def can_nominate(user: User, unit: LabourUnit) -> bool:
    """True when ``user`` may name advanced individuals for ``unit``."""
    if not user.is_authenticated:
        return False
    competition = db.session.get(Competition, unit.competition_id)
    if competition is not None and can_manage(user, competition):
        return True
    return (user.has_role("organizer") and unit.organization is not None and user.organization is not None
            and is_within(unit.organization, user.organization))


def load_unit_for_nomination_or_404(unit_id: int, *, for_user: User) -> LabourUnit:
    """The unit, when ``for_user`` may nominate for it; 404 otherwise."""
    unit = db.get_or_404(LabourUnit, unit_id)
    competition = db.session.get(Competition, unit.competition_id)
    if competition is None or competition.kind != "labor" or not can_nominate(for_user, unit):
        abort(404)
    return unit


def load_public_labour_or_404(competition_id: int) -> Competition:
    """The labour competition, when at least one of its periods is published; 404 otherwise."""
    competition = db.get_or_404(Competition, competition_id)
    if competition.kind != "labor":
        abort(404)
    if db.session.execute(select(LabourPublication.id).where(
            LabourPublication.competition_id == competition.id,
            LabourPublication.status == "published").limit(1)).scalar() is None:
        abort(404)
    return competition
