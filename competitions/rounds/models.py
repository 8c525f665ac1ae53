"""Preliminary standings and qualification to the final (owned by the rounds stage).

A trade may be held in two rounds inside one competition: a preliminary
(初赛 / 预赛, often the theory test) and a final (决赛). Each round is an
``Event`` row of the competition (``Event.round``), so assignments, recusal,
tablets and sign-off work for it unchanged. What the rounds add:

* ``RoundStanding``: the preliminary's standing, computed once the chief judge
  has signed the preliminary off, with the qualification it gives under the
  final's rule; published on its own (public page) before the final is
  judged; confirmed by the chief judge or organizer, which enters the
  qualifiers in the final. Undone (with a reason, audited) only until the final
  has begun.
* ``RoundStandingEntry``: one competitor's preliminary line, frozen: place,
  figures, each part's own mark (what a carried part takes into the final),
  qualified or not with the reason, and the final's registration made for them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db
from competitions.results.models import FIGURE

ROUNDS = ("", "preliminary", "final")
STANDING_STATUSES = ("computed", "confirmed")


class RoundStanding(db.Model):
    """The preliminary's standing and the qualification to its final."""

    __tablename__ = "round_standing"

    id: Mapped[int] = mapped_column(primary_key=True)
    preliminary_event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    final_event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="computed")
    # The qualification rule as it was applied (the final's rule when computed) and the cut it gave.
    rule: Mapped[dict] = mapped_column(JSON, default=dict)
    cut: Mapped[int] = mapped_column(Integer, default=0)
    qualifier_count: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Why the last recomputation or undo was made (also in the audit trail).
    reason: Mapped[str] = mapped_column(Text, default="")

    entries: Mapped[list[RoundStandingEntry]] = relationship(
        back_populates="standing", cascade="all, delete-orphan", order_by="RoundStandingEntry.position"
    )


class RoundStandingEntry(db.Model):
    """One competitor's frozen line in a preliminary standing, with their qualification."""

    __tablename__ = "round_standing_entry"
    __table_args__ = (
        UniqueConstraint("standing_id", "registration_id"),
        Index("ix_round_standing_entry_position", "standing_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    standing_id: Mapped[int] = mapped_column(ForeignKey("round_standing.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer)
    tied: Mapped[bool] = mapped_column(Boolean, default=False)
    total: Mapped[Decimal | None] = mapped_column(FIGURE)
    # {part code: "88.46"}: each part's own mark out of 100 (what a carried part takes into the final).
    part_marks: Mapped[dict] = mapped_column(JSON, default=dict)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    absent: Mapped[bool] = mapped_column(Boolean, default=False)
    disqualified: Mapped[bool] = mapped_column(Boolean, default=False)
    qualified: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(20))  # domain.qualification.QualificationReason
    anonymous_code: Mapped[str] = mapped_column(String(20), default="")
    station: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    # The qualifier's registration in the final, made when the qualification was confirmed.
    final_registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))

    standing: Mapped[RoundStanding] = relationship(back_populates="entries")
