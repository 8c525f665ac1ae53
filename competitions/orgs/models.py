"""Organizations (the union tree) and the workers they employ.

A city federation (总工会) has district/county federations below it, and those
have enterprise unions. Every worker belongs to an employer in this tree, so
every figure can be broken down by region, industry and enterprise, and an
organizer acts within the subtree of their own organization only. ``path`` is a
materialised path ("/1/4/17/") so a subtree is one indexed prefix query.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db

ORG_KINDS = ("federation", "district", "enterprise")
GENDERS = ("male", "female")
# Skill levels follow the national scheme: 5 初级工 (lowest) ... 1 高级技师 (highest).
SKILL_LEVELS = (5, 4, 3, 2, 1)


class Organization(db.Model):
    """A node of the union tree: federation, district/county federation or enterprise union."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), default="", index=True)
    region: Mapped[str] = mapped_column(String(100), default="")
    industry: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Organization | None] = relationship(remote_side=[id], lazy="joined", innerjoin=False)

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name}>"


class Worker(db.Model):
    """A person who competes: identified by national ID number, employed by an organization.

    A worker may have a login (``user_id``) or exist only through a roster
    import. The ID number alone never links a login to a record that already
    exists: the person claims it with a one-time claim code an organizer issued,
    or by a claim request an organizer of their employer confirms
    (``orgs.people``). Name, employer and ID number change only through an
    organizer, audited.
    """

    __tablename__ = "worker"
    __table_args__ = (UniqueConstraint("national_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[date] = mapped_column(Date)
    national_id: Mapped[str] = mapped_column(String(18))
    phone: Mapped[str] = mapped_column(String(30), default="")
    employer_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    skill_level: Mapped[int | None] = mapped_column(Integer)
    certificate_no: Mapped[str] = mapped_column(String(50), default="")
    is_student: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    # A one-time claim code (stored hashed) and its expiry. Wrong tries are counted per account and address
    # (people.services' claim throttle), never on the record: anyone knowing an ID number could spoil a code.
    claim_code_hash: Mapped[str | None] = mapped_column(String(64))
    claim_code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    employer: Mapped[Organization] = relationship(lazy="joined")


CLAIM_STATUSES = ("pending", "approved", "rejected", "cancelled")


class PersonClaim(db.Model):
    """A login's request to be linked to an existing person record, confirmed by an organizer of its employer."""

    __tablename__ = "person_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    message: Mapped[str] = mapped_column(String(500), default="")
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    worker: Mapped[Worker] = relationship(lazy="joined")
