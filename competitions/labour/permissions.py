"""Object checks for labour competitions: organizers manage their subtree's, assessors reach their own.

An organizer manages a labour competition's units, periods, scorecard, assessors and entries when the
competition lies in their organization's subtree (``organize.permissions.can_manage``); an assessor
reaches the assessment pages of the competitions they are assigned to, the chief assessor also the
period's close and sign-off. Anything out of reach, and anything that is not a labour competition,
answers 404.
"""

from __future__ import annotations

from flask import abort

from competitions.auth.models import User
from competitions.extensions import db
from competitions.labour.assessment import assignments_of
from competitions.labour.models import (
    LabourAdjustment,
    LabourAssessor,
    LabourIndicator,
    LabourIndicatorGroup,
    LabourPeriod,
    LabourUnit,
    LabourUnitMember,
    LabourVeto,
)
from competitions.organize.models import Competition
from competitions.organize.permissions import can_manage


def load_labour_competition_or_404(competition_id: int, *, for_user: User) -> Competition:
    """A labour competition ``for_user`` manages; 404 otherwise."""
    competition = db.get_or_404(Competition, competition_id)
    if competition.kind != "labor" or not can_manage(for_user, competition):
        abort(404)
    return competition


def _managed(model, object_id: int, for_user: User):
    row = db.get_or_404(model, object_id)
    competition_id = getattr(row, "competition_id", None)
    if competition_id is None:   # rows of a period or a unit
        parent = db.session.get(LabourPeriod, row.period_id) if hasattr(row, "period_id") else row.unit
        competition_id = parent.competition_id
    load_labour_competition_or_404(competition_id, for_user=for_user)
    return row


def load_unit_or_404(unit_id: int, *, for_user: User) -> LabourUnit:
    """A unit of a labour competition ``for_user`` manages."""
    return _managed(LabourUnit, unit_id, for_user)


def load_member_or_404(member_id: int, *, for_user: User) -> LabourUnitMember:
    """A unit member of a labour competition ``for_user`` manages."""
    return _managed(LabourUnitMember, member_id, for_user)


def load_period_or_404(period_id: int, *, for_user: User) -> LabourPeriod:
    """A period of a labour competition ``for_user`` manages."""
    return _managed(LabourPeriod, period_id, for_user)


def load_group_or_404(group_id: int, *, for_user: User) -> LabourIndicatorGroup:
    """An indicator group of a labour competition ``for_user`` manages."""
    return _managed(LabourIndicatorGroup, group_id, for_user)


def load_indicator_or_404(indicator_id: int, *, for_user: User) -> LabourIndicator:
    """An indicator of a labour competition ``for_user`` manages."""
    return _managed(LabourIndicator, indicator_id, for_user)


def load_assessor_or_404(assessor_id: int, *, for_user: User) -> LabourAssessor:
    """An assessor assignment of a labour competition ``for_user`` manages."""
    return _managed(LabourAssessor, assessor_id, for_user)


def load_adjustment_or_404(adjustment_id: int, *, for_user: User) -> LabourAdjustment:
    """A bonus or deduction of a labour competition ``for_user`` manages."""
    return _managed(LabourAdjustment, adjustment_id, for_user)


def load_veto_or_404(veto_id: int, *, for_user: User) -> LabourVeto:
    """A veto item of a labour competition ``for_user`` manages."""
    return _managed(LabourVeto, veto_id, for_user)


def load_period_for_assessor_or_404(period_id: int, *, for_user: User) -> LabourPeriod:
    """A period of a competition ``for_user`` assesses (any assignment, chief or not)."""
    period = db.get_or_404(LabourPeriod, period_id)
    if not assignments_of(for_user, period.competition_id):
        abort(404)
    return period


def load_period_for_chief_or_404(period_id: int, *, for_user: User) -> LabourPeriod:
    """A period of a competition whose chief assessor ``for_user`` is."""
    period = db.get_or_404(LabourPeriod, period_id)
    if not any(a.is_chief for a in assignments_of(for_user, period.competition_id)):
        abort(404)
    return period


def organization_in_reach(user: User, organization_id: int) -> bool:
    """True when ``user`` may link a unit to the organization: an administrator any, an organizer their own
    organization and those below it (what the unit form offers)."""
    from competitions.orgs.models import Organization
    from competitions.orgs.services import is_within

    organization = db.session.get(Organization, organization_id)
    if organization is None:
        return False
    if user.has_role("admin"):
        return True
    return user.organization is not None and is_within(organization, user.organization)
