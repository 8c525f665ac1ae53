"""Innovation contest entries (职工创新竞赛), their team members, attachments and recommendations.

An entry is a worker's or a team's proposal in a competition whose kind is
``innovation``: a title, a category (合理化建议 rationalization proposal, 技术革新
technical improvement, 发明创造 invention, 先进操作法 advanced operating method),
a description and the benefit the entrants claim. It moves draft -> submitted ->
(returned -> submitted)* -> passed by the unit's pre-review -> scored by the
expert panel -> adopted (采纳) -> implemented (实施) (``domain.innovation``).

The entrants' unit (``employer_id`` and its parent) is frozen when the entry is
submitted: the unit pre-review, the experts' recusal and the statistics read it,
never the lead's live profile. When the unit passes the entry, it gets one
registration of its lead in the entry's event (``registration_id``), carrying
the same frozen facts and the entry number as its anonymous code, so the
existing judging (panels, recusal, tablet marks, sign-off), results (ranks,
awards) and certificates engines work on it unchanged.

For statistics: an entry counts as *submitted* when ``submitted_at`` is set and
its status is not ``draft``/``withdrawn``; *adopted* when its status is
``adopted`` or ``implemented``; *implemented* when ``implemented``; its claimed
benefit is ``claimed_benefit_yuan`` and its realized benefit
``realized_benefit_yuan`` (yuan per year, Decimal); the unit is ``employer_id``
(region, industry and enterprise through ``organization``); the year is the
competition's.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db
from competitions.organize.models import Competition, Event
from competitions.orgs.models import Organization, Worker

YUAN = Numeric(14, 2)


class InnovationEntry(db.Model):
    """One entry (a proposal, an improvement, an invention or an operating method) of a worker or a team."""

    __tablename__ = "innovation_entry"
    __table_args__ = (UniqueConstraint("competition_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # "CX-0001": the entry's number in its competition, shown to experts and on the certificate.
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    claimed_benefit_yuan: Mapped[Decimal | None] = mapped_column(YUAN)
    claimed_benefit_text: Mapped[str] = mapped_column(Text, default="")
    team_name: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    lead_worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    # The unit, frozen at submission (see the module docstring).
    employer_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    employer_parent_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), unique=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The unit's pre-review (初审): the last decision, who made it and why (a return needs a reason).
    unit_decision: Mapped[str] = mapped_column(String(20), default="")
    unit_reason: Mapped[str] = mapped_column(Text, default="")
    unit_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    unit_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Adoption (采纳) and implementation (实施), recorded by an organizer of the competition.
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    adoption_note: Mapped[str] = mapped_column(Text, default="")
    implemented_on: Mapped[date | None] = mapped_column(Date)
    realized_benefit_yuan: Mapped[Decimal | None] = mapped_column(YUAN)
    realized_benefit_note: Mapped[str] = mapped_column(Text, default="")
    implemented_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Recommendation to the next level up (推荐): the receiving organization lists it for its organizers.
    recommended: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    recommended_to_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    recommended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recommended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recommendation_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    competition: Mapped[Competition] = relationship()
    event: Mapped[Event] = relationship()
    lead: Mapped[Worker] = relationship(lazy="joined")
    employer: Mapped[Organization] = relationship(foreign_keys=[employer_id], lazy="joined")
    recommended_to: Mapped[Organization | None] = relationship(foreign_keys=[recommended_to_id])
    members: Mapped[list[InnovationMember]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="InnovationMember.position",
        lazy="selectin")
    attachments: Mapped[list[InnovationAttachment]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="InnovationAttachment.id",
        lazy="selectin")


class InnovationMember(db.Model):
    """A named member of an entry's team; the lead is one of them (position 0)."""

    __tablename__ = "innovation_member"
    __table_args__ = (UniqueConstraint("entry_id", "worker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("innovation_entry.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    entry: Mapped[InnovationEntry] = relationship(back_populates="members")
    worker: Mapped[Worker] = relationship(lazy="joined")


class InnovationAttachment(db.Model):
    """A file attached to an entry (``purpose`` "entry") or the evidence of its realized benefit ("evidence").

    The bytes live under ``instance/innovation_files/`` by a random ``stored_name``; ``kind`` is the type
    found in the content (pdf, png, jpeg, docx, xlsx, txt), never taken from the uploaded name.
    """

    __tablename__ = "innovation_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("innovation_entry.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default="entry")
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[InnovationEntry] = relationship(back_populates="attachments")
