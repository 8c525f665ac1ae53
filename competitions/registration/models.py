"""Registrations of workers for events, and station draws.

A registration joins a worker to an event. Its status moves pending ->
approved / rejected / waitlisted -> withdrawn; the natural key is
(event, worker), i.e. ID number + event, so importing the same roster twice
updates instead of duplicating. The station draw gives each approved
competitor a station number and an anonymous code (加密号); from then on judges
only ever see the code.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db
from competitions.organize.models import Event
from competitions.orgs.models import Worker

REGISTRATION_STATUSES = ("pending", "approved", "waitlisted", "rejected", "withdrawn")


class Registration(db.Model):
    """One worker registered for one event."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("event_id", "worker_id"),
        UniqueConstraint("event_id", "anonymous_code"),
        UniqueConstraint("event_id", "station"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    source: Mapped[str] = mapped_column(String(20), default="self")
    waitlist_position: Mapped[int | None] = mapped_column(Integer)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    station: Mapped[int | None] = mapped_column(Integer)
    anonymous_code: Mapped[str | None] = mapped_column(String(20))
    checked_in: Mapped[bool] = mapped_column(Boolean, default=False)
    # The team of a team event (团体项目); members share one name, at most event.team_size of them.
    team_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    worker: Mapped[Worker] = relationship(lazy="joined")


class StationDraw(db.Model):
    """One station draw of an event: its seeds, who drew and why (a re-draw needs a reason)."""

    __tablename__ = "station_draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    seed: Mapped[str] = mapped_column(String(64))
    code_seed: Mapped[str] = mapped_column(String(64))
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    competitor_count: Mapped[int] = mapped_column(Integer, default=0)
