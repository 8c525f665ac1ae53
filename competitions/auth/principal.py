"""Who is calling a JSON endpoint, read as one plain row.

A page needs the whole ``User`` (organization for the menu, roles, the
identity map for the services that change it). A JSON call under ``/api/``
needs only a few facts: who, which roles, which organization, which language.
A judge's tablet makes one such call per mark all day, and loading the ORM
entity (with its roles) cost more than writing the mark; so API requests get an
``ApiPrincipal`` instead, read with one Core query on the request's own
connection (``competitions.db.request_connection``) on every request, as fresh
as the entity would be (a role taken away or an account deactivated counts at
the next call).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from competitions.auth.models import User, UserRole
from competitions.db import request_connection
from competitions.prepared import Prepared

_user = User.__table__
_role = UserRole.__table__
_PRINCIPAL = Prepared(
    select(_user.c.id, _user.c.username, _user.c.display_name, _user.c.organization_id, _user.c.locale,
           _user.c.active, _role.c.role)
    .select_from(_user.outerjoin(_role, _role.c.user_id == _user.c.id))
    .where(_user.c.id == bindparam("user_id"))
)


@dataclass(frozen=True)
class ApiPrincipal:
    """The facts about a logged-in user that JSON endpoints use (Flask-Login's user protocol included)."""

    id: int
    username: str
    display_name: str
    organization_id: int | None
    locale: str | None
    active: bool
    roles: frozenset[str]

    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot log in (Flask-Login reads this)."""
        return self.active

    @property
    def is_authenticated(self) -> bool:
        """A deactivated account counts as logged out at its next call, as ``User`` does through UserMixin."""
        return self.active

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session."""
        return str(self.id)

    def has_role(self, *roles: str) -> bool:
        """True when the user holds at least one of ``roles``."""
        return bool(self.roles.intersection(roles))


def load_principal(user_id: int) -> ApiPrincipal | None:
    """The user ``user_id`` with their roles, from one query; None when there is no such user."""
    rows = _PRINCIPAL.all(request_connection(), {"user_id": user_id})
    if not rows:
        return None
    user_id, username, display_name, organization_id, locale, active, _role = rows[0]
    return ApiPrincipal(user_id, username, display_name, organization_id, locale, bool(active),
                        frozenset(row[6] for row in rows if row[6] is not None))

