"""Object checks for statistics: a union sees the figures of its own subtree.

The city federation sees everything below it; a district federation its own
district (its enterprises' workers and the contests its unions organized); an
enterprise union only itself. Administrators see every tree. A scope out of
reach answers 404, as elsewhere, so other districts' figures are not revealed.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from competitions.auth.models import User
from competitions.extensions import db
from competitions.orgs.models import Organization
from competitions.orgs.services import is_within


def _own_union(user) -> Organization | None:
    """The user's organization (pages have a ``User``, JSON calls an ``ApiPrincipal``: both carry the id)."""
    org_id = getattr(user, "organization_id", None)
    return db.session.get(Organization, org_id) if org_id else None


def home_scopes(user: User) -> list[Organization]:
    """The unions whose subtrees ``user`` may see: all roots for an admin, the user's own union otherwise."""
    if user.has_role("admin"):
        return list(db.session.execute(select(Organization).where(Organization.parent_id.is_(None))
                                       .order_by(Organization.id)).scalars())
    own = _own_union(user) if user.has_role("organizer") else None
    return [own] if own is not None else []


def can_see(user: User, org: Organization) -> bool:
    """True when ``org``'s figures are within ``user``'s reach."""
    return user.has_role("admin") or (user.has_role("organizer") and is_within(org, _own_union(user)))


def load_scope_or_404(scope_id: int | None, *, for_user: User) -> Organization:
    """The union to show: ``scope_id`` when within reach (404 otherwise), else the user's own."""
    if scope_id is None:
        scopes = home_scopes(for_user)
        if not scopes:
            abort(404)
        return scopes[0]
    org = db.session.get(Organization, scope_id)
    if org is None or not can_see(for_user, org):
        abort(404)
    return org


def visible_trail(trail, user: User) -> tuple:
    """The breadcrumb entries (id, name) the user may open: from their own union down."""
    own_id = getattr(user, "organization_id", None)
    if user.has_role("admin") or own_id is None:
        return tuple(trail)
    ids = [i for i, _name in trail]
    start = ids.index(own_id) if own_id in ids else len(ids) - 1
    return tuple(trail[start:])
