"""Accounts: logging in with per-account throttling, passwords, user administration.

Failed logins are counted per account, not per IP address: a whole workshop
full of tablets shares one IP, and locking that out would stop a contest.
After ``LOGIN_MAX_FAILURES`` failures in a row the account is locked for
``LOGIN_LOCK_MINUTES``; a successful login resets the count; an admin can unlock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from competitions.auth.models import ROLES, User
from competitions.db import utcnow
from competitions.domain.errors import NotAllowed, RuleViolation
from competitions.extensions import db

MIN_PASSWORD_LENGTH = 8


def authenticate(username: str, password: str, *, now: datetime | None = None) -> User:
    """Return the user when the credentials are right; raise NotAllowed with a clear reason otherwise."""
    now = now or utcnow()
    user = db.session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise NotAllowed("Wrong username or password.")
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise NotAllowed("Too many failed attempts. Try again in %(minutes)d minutes or ask an administrator.",
                         minutes=minutes)
    if not user.check_password(password):
        _count_failure(user, now)
        raise NotAllowed("Wrong username or password.")
    if not user.active:
        raise NotAllowed("This account has been deactivated.")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def _count_failure(user: User, now: datetime) -> None:
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        user.failed_logins = 0


def check_password_strength(password: str) -> None:
    """Refuse passwords shorter than 8 characters or made of digits only."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation("A password needs at least %(n)d characters.", field="password", n=MIN_PASSWORD_LENGTH)
    if password.isdigit():
        raise RuleViolation("A password cannot be digits only.", field="password")


def change_password(user: User, current: str, new: str) -> None:
    """Change a user's own password after checking the current one."""
    if not user.check_password(current):
        raise RuleViolation("The current password is wrong.", field="current_password")
    check_password_strength(new)
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
    check_password_strength(password)
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
    """Set a new password for a user (admin) and lift any lock."""
    check_password_strength(new_password)
    user.set_password(new_password)
    user.end_sessions()
    user.failed_logins = 0
    user.locked_until = None
