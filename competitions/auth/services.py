"""Accounts: logging in (throttled, revealing nothing), passwords, user administration.

A login attempt first reserves a try under its throttling keys (see
``auth.throttle`` and ``domain.login_throttle``: per account and address, per
address, per account from unknown devices; growing waits, never a lockout that
strangers can cause), then checks the password. An unknown account name is
checked against a dummy hash of the same kind, so it takes the same time and
gets the same answer as a wrong password. Passwords follow ``auth.passwords``.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from competitions.auth import throttle
from competitions.auth.models import ROLES, User
from competitions.auth.passwords import check_password
from competitions.db import utcnow
from competitions.domain.errors import N_, NotAllowed, RuleViolation
from competitions.extensions import db

WRONG = N_("Wrong username or password.")


@cache
def _dummy_hash(method: str) -> str:
    """A hash of a random password, made like real ones, to check unknown names against (same time)."""
    import secrets

    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(username: str, password: str, *, address: str, device_cookie: str | None = None,
                 now: datetime | None = None) -> User:
    """Return the user when the credentials are right; raise NotAllowed with a reason otherwise.

    The throttling reservations are committed here, before the password check, so that parallel attempts
    in other workers see them (the one exception to "the caller commits"); the caller commits the rest.
    """
    now = now or utcnow()
    keys = throttle.keys_for(username, address, device=throttle.device_for(username, device_cookie))
    throttle.reserve(keys, now)
    user = db.session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        raise NotAllowed(WRONG)
    if not user.check_password(password):
        raise NotAllowed(WRONG)
    throttle.succeeded(keys)
    if not user.active:
        raise NotAllowed("This account has been deactivated.")
    user.last_login_at = now
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change a user's own password after checking the current one."""
    if not user.check_password(current):
        raise RuleViolation("The current password is wrong.", field="current_password")
    check_password(new, username=user.username, field="new_password")
    user.set_password(new)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of ``user`` at their next request (any worker, any device)."""
    user.end_sessions()
    db.session.flush()


def create_user(*, username: str, display_name: str, password: str, roles, organization_id: int | None) -> User:
    """Create an account; usernames are unique regardless of case."""
    username = username.strip()
    taken = db.session.execute(
        select(User.id).where(func.lower(User.username) == username.lower())
    ).scalar_one_or_none()
    if taken is not None:
        raise RuleViolation("The username %(username)s is already taken.", field="username", username=username)
    check_password(password, username=username)
    user = User(username=username, display_name=display_name.strip(), organization_id=organization_id)
    user.set_password(password)
    user.set_roles(roles)
    if not user.roles:
        raise RuleViolation("Give the user at least one role.", field="roles")
    db.session.add(user)
    db.session.flush()
    return user


def create_judge_account(*, acting_user: User, username: str, display_name: str, password: str,
                         organization_id: int | None) -> User:
    """An organizer creates a judge's account in their own organization or one below it (judge role only)."""
    from competitions.orgs.models import Organization
    from competitions.orgs.services import is_within

    own = acting_user.organization
    target = db.session.get(Organization, organization_id) if organization_id else None
    if not acting_user.has_role("admin") and (own is None or not is_within(target, own)):
        raise RuleViolation("Choose your own organization or one below it.", field="organization_id")
    return create_user(username=username, display_name=display_name, password=password, roles=("judge",),
                       organization_id=organization_id)


def update_user(user: User, *, display_name: str, roles, organization_id: int | None, active: bool,
                acting_user: User) -> None:
    """Change an account's name, roles, organization and active flag."""
    wanted = [r for r in roles if r in ROLES]
    if not wanted:
        raise RuleViolation("Give the user at least one role.", field="roles")
    if user.id == acting_user.id and ("admin" not in wanted or not active):
        raise RuleViolation("You cannot remove your own administrator role or deactivate yourself.", field="roles")
    user.display_name = display_name.strip()
    user.set_roles(wanted)
    user.organization_id = organization_id
    if user.active and not active:
        user.end_sessions()  # a deactivated account is logged out everywhere, and stays so if reactivated
    user.active = active


def reset_password(user: User, new_password: str) -> None:
    """Set a new password for a user (admin), end their sessions and clear their login throttling."""
    check_password(new_password, username=user.username)
    user.set_password(new_password)
    user.end_sessions()
    throttle.clear_account(user.username)
