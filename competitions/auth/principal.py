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

import re
import secrets
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, select

from competitions.auth.models import User, UserRole
from competitions.db import request_connection
from competitions.prepared import Prepared

_user = User.__table__
_role = UserRole.__table__
_PRINCIPAL = Prepared(
    select(_user.c.id, _user.c.username, _user.c.display_name, _user.c.organization_id, _user.c.locale,
           _user.c.active, _user.c.session_version, _role.c.role)
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
    session_version: int
    roles: frozenset[str]
    login_id: str = ""

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
        """The login id Flask-Login keeps in the session (see ``LoginId``)."""
        return self.login_id

    def has_role(self, *roles: str) -> bool:
        """True when the user holds at least one of ``roles``."""
        return bool(self.roles.intersection(roles))


def load_principal(login: LoginId) -> ApiPrincipal | None:
    """The user of ``login`` with their roles, from one query; None when there is no such user or the login
    has been ended (its session version is no longer the account's)."""
    rows = _PRINCIPAL.all(request_connection(), {"user_id": login.user_id})
    if not rows or rows[0][6] != login.version:
        return None
    user_id, username, display_name, organization_id, locale, active, version, _role = rows[0]
    return ApiPrincipal(user_id, username, display_name, organization_id, locale, bool(active), version,
                        frozenset(row[7] for row in rows if row[7] is not None), login.text)


_LOGIN_ID = re.compile(r"^(\d{1,18})\.(\d{1,18})\.(\d{1,12})\.([A-Za-z0-9_-]{16,64})$")


@dataclass(frozen=True)
class LoginId:
    """What the session (and the remember-me cookie) says about who is logged in: ``id.version.issued.nonce``.

    ``version`` is the account's session version when the login began: logging out, changing or resetting
    the password and an administrator's deactivation raise it, which ends every session and remember-me
    cookie of that account at its next request, on every worker (the version is read with the user on every
    request; nothing about it is remembered in a worker). ``issued`` (Unix seconds) ends a login after
    ``REMEMBER_COOKIE_DURATION`` even while its cookie is still sent. ``nonce`` makes every login's token new
    (the remember-me cookie carries this id, signed), so a token seen once says nothing about the next.
    """

    user_id: int
    version: int
    issued: int
    nonce: str

    @property
    def text(self) -> str:
        """The id as it is stored in the session."""
        return f"{self.user_id}.{self.version}.{self.issued}.{self.nonce}"

    @classmethod
    def new(cls, user_id: int, version: int) -> LoginId:
        """A fresh login of ``user_id`` at ``version``."""
        return cls(user_id, version, int(time.time()), secrets.token_urlsafe(18))

    @classmethod
    def parse(cls, text: str) -> LoginId | None:
        """The login id in ``text``; None when it is malformed or older than the remember-me duration."""
        match = _LOGIN_ID.match(text or "")
        if match is None:
            return None
        login = cls(int(match[1]), int(match[2]), int(match[3]), match[4])
        if time.time() - login.issued > current_app.config["REMEMBER_COOKIE_DURATION"].total_seconds():
            return None
        return login

