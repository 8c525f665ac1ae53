"""Accounts and roles.

One person may hold several roles (an organizer who also judges at another
contest). Per-event judge and chief-judge duties are assignments made in the
judging module; the roles here say what a user may do in general.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db
from competitions.orgs.models import Organization

ROLES = ("admin", "organizer", "judge", "competitor")


class User(UserMixin, db.Model):
    """A login. Passwords are stored as salted scrypt hashes (Werkzeug's default)."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised to end every session and remember-me cookie of the account (see auth.principal.LoginId).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    login_id = ""  # this request's login (auth.principal.LoginId), set when logging in or loading

    def get_id(self) -> str:
        """The login id Flask-Login keeps in the session and the remember-me cookie."""
        return self.login_id

    def end_sessions(self) -> None:
        """End every session and remember-me cookie of this account (at their next request)."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot log in (Flask-Login reads this)."""
        return self.active

    @property
    def roles(self) -> frozenset[str]:
        """The roles this user holds."""
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        """True when the user holds at least one of ``roles``."""
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles) -> None:
        """Replace the user's roles with ``roles`` (unknown names are ignored)."""
        wanted = {r for r in roles if r in ROLES}
        self.role_rows = [row for row in self.role_rows if row.role in wanted]
        for role in sorted(wanted - self.roles):
            self.role_rows.append(UserRole(role=role))

    def set_password(self, password: str) -> None:
        """Hash and store a new password (with the configured method: scrypt, cheaper only in the tests)."""
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginThrottle(db.Model):
    """Login attempts counted under one key (see ``domain.login_throttle``), shared by every worker.

    ``key`` is a kind and a hash ("pair:…", "address:…", "account:…", "device:…"): no typed name or address
    is stored in clear. ``account`` (the hash of the typed name) lets an administrator clear an account's
    counts. The count changes only by single guarded UPDATEs, so parallel attempts cannot slip past it.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    account: Mapped[str | None] = mapped_column(String(64), index=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    last_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
