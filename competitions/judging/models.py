"""Judge assignments and marks.

A mark is one judge's value for one competitor (registration) on one
criterion. It carries a version for optimistic concurrency: a tablet sends the
version it last saw, and an older edit never silently overwrites a newer one.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db


class JudgeAssignment(db.Model):
    """A judge assigned to an event (optionally to one criterion); one per event is the chief judge."""

    __tablename__ = "judge_assignment"
    __table_args__ = (UniqueConstraint("event_id", "user_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    criterion_id: Mapped[int | None] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"))
    is_chief: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User", lazy="joined")


class Mark(db.Model):
    """One judge's mark for one competitor on one criterion.

    A measured criterion's readings (``domain.readings``) take numbered slots, 1 up
    to the readings the criterion takes, one per judge; the slot is chosen by the
    insert itself (``judging.services._INSERT_MARK``), and a unique index refuses
    a second reading in the same slot however two judges' writes interleave (two
    READ COMMITTED transactions both seeing the slot free). A judgement
    criterion's mark has no slot (NULL), so every panel judge marks it.
    """

    __tablename__ = "mark"
    __table_args__ = (
        UniqueConstraint("registration_id", "criterion_id", "judge_id"),
        Index("uq_mark_reading_slot", "registration_id", "criterion_id", "reading_slot", unique=True,
              sqlite_where=text("reading_slot IS NOT NULL"), postgresql_where=text("reading_slot IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    value: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A measured criterion's reading: its slot, 1..the readings the criterion takes; None for a judgement mark.
    reading_slot: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class JudgeSheet(db.Model):
    """A judge's sheet for one event: submitted when the judge has finished and checked their marks."""

    __tablename__ = "judge_sheet"
    __table_args__ = (UniqueConstraint("event_id", "judge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EventSignOff(db.Model):
    """The chief judge's sign-off of an event (签字确认): while ``locked``, marks change only with a reason.

    Results are computed only for events whose sign-off row exists and is locked.
    """

    __tablename__ = "event_sign_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked: Mapped[bool] = mapped_column(Boolean, default=True)


class MarkWriteKey(db.Model):
    """The idempotency key of one applied mark write (a client-generated UUID).

    The unique key is what makes a retried or duplicated tablet request
    harmless across gunicorn workers: the second insert of the same key fails,
    and the write is answered as a replay instead of being applied again.
    """

    __tablename__ = "mark_write_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(36), unique=True)
    mark_id: Mapped[int] = mapped_column(ForeignKey("mark.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JudgeConflict(db.Model):
    """A conflict of interest declared by a judge or the organizer for one competitor (a relative, an apprentice)."""

    __tablename__ = "judge_conflict"
    __table_args__ = (UniqueConstraint("judge_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RecusalOverride(db.Model):
    """The chief judge's written lifting of one recusal (audited)."""

    __tablename__ = "recusal_override"
    __table_args__ = (UniqueConstraint("judge_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JudgingSetting(db.Model):
    """Per-event judging settings the chief judge tunes: the outlier threshold in points."""

    __tablename__ = "judging_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    outlier_points: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    outlier_fraction: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))


class FactChange(db.Model):
    """A change of a competitor's approved facts (their employer) during an event, for the chief judge.

    Written by the organizer's employer change (``orgs.people.change_person``)
    together with the recusal check it re-ran: which judges are now recused from
    the competitor, which no longer are, and how many marks the newly recused
    had already entered. The chief judge sees it on their dashboard and marks
    it read.
    """

    __tablename__ = "fact_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    old_employer_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    new_employer_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # {"recused": [judge ids], "cleared": [judge ids], "marks_by_recused": n}
    recusal: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    registration = relationship("Registration", lazy="joined")
    old_employer = relationship("Organization", foreign_keys=[old_employer_id], lazy="joined")
    new_employer = relationship("Organization", foreign_keys=[new_employer_id], lazy="joined")


class PendingCorrection(db.Model):
    """A judge's correction that reached the server after their sheet was submitted (or the event signed off).

    The tablet kept it offline while the sheet was handed in elsewhere; it is
    never applied silently and never dropped: it waits here, seen by the judge
    and the chief judge, until the chief judge accepts it (the value goes in
    through the normal audited mark path) or declines it with a reason. A newer
    correction of the same mark supersedes an older one still pending. The
    tablet's request id is unique here, so a retried request never makes a
    second row.
    """

    __tablename__ = "pending_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    # The mark as the server held it when the correction arrived (None: no mark yet), and what the tablet saw.
    old_value: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    old_version: Mapped[int | None] = mapped_column(Integer)
    base_version: Mapped[int | None] = mapped_column(Integer)
    new_value: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    typed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the tablet's clock, as it sent it
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    arrived_after: Mapped[str] = mapped_column(String(16))  # "submitted" (the sheet) or "signed_off" (the event)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    registration = relationship("Registration", lazy="joined")
    criterion = relationship("Criterion", lazy="joined")
    judge = relationship("User", foreign_keys=[judge_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")


class ReadingDecision(db.Model):
    """The chief judge's decision on a reading and its check reading that disagree beyond the tolerance.

    ``action`` "keep": the reading of ``kept_judge_id`` (``value``) counts, as long as the readings are still
    those the chief judge saw (``readings``: {judge id: "72.00"}; a reading changed since reopens the
    disagreement). "remeasure": both readings were voided (audited with their values) for the judges to
    measure again. The latest decision of a cell is the one that holds; every decision is in the audit trail.
    """

    __tablename__ = "reading_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    kept_judge_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    value: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    readings: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
