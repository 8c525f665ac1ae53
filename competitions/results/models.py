"""Results tables (owned by the results stage).

* ``ResultAdjustment``: what the chief judge or organizer records per competitor
  besides the marks — time used, deduction points with a reason, a
  disqualification (safety/quality veto) with a reason.
* ``EventResultSetting``: whether an event shares tied places or hands exact
  ties to the chief judge ("no tied places").
* ``TieDecision``: the chief judge's recorded order of one tied group.
* ``ResultSnapshot`` / ``ResultEntry``: the persisted standings of a
  competition. Every gunicorn worker reads the same rows; nothing is cached
  in a process. A snapshot is provisional, then published (public notice,
  公示), then final; a recomputation after an upheld appeal supersedes it.
* ``ResultTeamEntry``: a team event's team standing in a snapshot (``results.teams``).
* ``Appeal``: an appeal lodged during the notice period and its decision.
* ``WorkCalendarDay``: an extra statutory holiday or make-up working day the
  administrator enters, laid over the calendar library (``results.calendar``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db

POINTS = Numeric(8, 2)


class Figure(TypeDecorator):
    """A published figure kept to up to three decimals (the scheme's precision, domain.scoring.PRECISIONS).

    Read back with two decimals when the third is zero (87.700 -> 87.70), the
    way figures of the usual two-decimal schemes have always been read.
    """

    impl = Numeric(9, 3)
    cache_ok = True

    def process_result_value(self, value, dialect):
        """Drop a zero third decimal; keep a significant one (87.705)."""
        if value is None:
            return None
        value = value if isinstance(value, Decimal) else Decimal(str(value))
        two = value.quantize(TWO_PLACES)
        return two if two == value else value


TWO_PLACES = Decimal("0.01")
FIGURE = Figure()
SNAPSHOT_STATUSES = ("provisional", "published", "final", "superseded")
TIE_MODES = ("shared", "no_tied_places")
APPEAL_DECISIONS = ("pending", "upheld", "dismissed")


class ResultAdjustment(db.Model):
    """Time used, deduction and disqualification recorded for one competitor of one event."""

    __tablename__ = "result_adjustment"
    __table_args__ = (UniqueConstraint("event_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    time_used_seconds: Mapped[int | None] = mapped_column(Integer)
    deduction_points: Mapped[Decimal] = mapped_column(POINTS, default=Decimal("0"))
    deduction_reason: Mapped[str] = mapped_column(Text, default="")
    disqualified: Mapped[bool] = mapped_column(Boolean, default=False)
    disqualification_reason: Mapped[str] = mapped_column(Text, default="")
    # 缺考: did not sit the event. Not ranked, listed as absent, never blocks sign-off or computing.
    absent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # 缺考 for single parts: {part code: reason}. The part scores 0 (so its pass mark, if any, is not reached),
    # its criteria owe no marks, and the results show "absent" in that part's column.
    absent_parts: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class EventResultSetting(db.Model):
    """How an event treats competitors still equal after the whole tie-break chain."""

    __tablename__ = "event_result_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    tie_mode: Mapped[str] = mapped_column(String(20), default="shared")
    # A team event's team score: "mean" (default) or "sum" of the members' totals (domain.scoring.TeamAggregation).
    team_aggregation: Mapped[str] = mapped_column(String(10), default="mean", server_default="mean")


class TieDecision(db.Model):
    """The chief judge's order (best first) of one group of exactly tied competitors."""

    __tablename__ = "tie_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    ordered_registration_ids: Mapped[list] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ResultSnapshot(db.Model):
    """One computation of a competition's standings and where it stands in the notice workflow."""

    __tablename__ = "result_snapshot"
    __table_args__ = (
        UniqueConstraint("competition_id", "version"),
        Index("ix_result_snapshot_due", "status", "notice_ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="provisional", index=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    notice_days: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    notice_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    entries: Mapped[list[ResultEntry]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", order_by="ResultEntry.position"
    )


class ResultEntry(db.Model):
    """One competitor's line in a snapshot: place, figures, prize, and who they are (shown once published)."""

    __tablename__ = "result_entry"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "registration_id"),
        Index("ix_result_entry_event", "snapshot_id", "event_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("result_snapshot.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer)
    tied: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by_chief_judge: Mapped[bool] = mapped_column(Boolean, default=False)
    disqualified: Mapped[bool] = mapped_column(Boolean, default=False)
    # 缺考: listed as absent, no place, no figures, no prize (``passed`` is None).
    absent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    total: Mapped[Decimal | None] = mapped_column(FIGURE)
    part_scores: Mapped[dict] = mapped_column(JSON, default=dict)
    deductions: Mapped[Decimal] = mapped_column(FIGURE, default=Decimal("0"))
    time_used_seconds: Mapped[int | None] = mapped_column(Integer)
    prize: Mapped[str | None] = mapped_column(String(20))
    # Pass marks (domain.passing), frozen with the snapshot; promotion and certificates read them:
    # ``passed``: True when every part pass mark and the minimum total were reached, False when any was
    # not ("did not pass": no prize, not eligible for promotion), None when the scheme sets no pass mark
    # (or the competitor was disqualified, so nothing was judged).
    passed: Mapped[bool | None] = mapped_column(Boolean)
    # ``part_passed``: {part code: true/false} for each part that has a pass mark ({} when none has).
    part_passed: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    # ``part_marks``: {part code: "88.46"}: each part's own mark out of 100 (what pass marks compare), beside
    # ``part_scores``, the weighted contributions that add up to the total.
    part_marks: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    # Part codes the competitor was absent from (缺考 for that part: its mark is 0, shown as "absent").
    absent_parts: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    anonymous_code: Mapped[str] = mapped_column(String(20), default="")
    station: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    # Rounds (``competitions.rounds``): NULL for a single-round event; "final" for a finalist; "preliminary" for
    # one who sat the preliminary and did not qualify (未晋级). Such a line has no place, total or prize here
    # (not a finalist, not eligible for promotion); their preliminary place and total are kept beside it.
    round_reached: Mapped[str | None] = mapped_column(String(12))
    preliminary_rank: Mapped[int | None] = mapped_column(Integer)
    preliminary_total: Mapped[Decimal | None] = mapped_column(FIGURE)

    snapshot: Mapped[ResultSnapshot] = relationship(back_populates="entries")


class ResultTeamEntry(db.Model):
    """One team's line in a snapshot of a team event: its members, score, place and prize (see results.teams)."""

    __tablename__ = "result_team_entry"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "event_id", "team_name"),
        Index("ix_result_team_entry_event", "snapshot_id", "event_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("result_snapshot.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    team_name: Mapped[str] = mapped_column(String(100))
    member_registration_ids: Mapped[list] = mapped_column(JSON, default=list)
    aggregation: Mapped[str] = mapped_column(String(10), default="mean")
    position: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer)
    tied: Mapped[bool] = mapped_column(Boolean, default=False)
    disqualified: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[Decimal | None] = mapped_column(FIGURE)
    prize: Mapped[str | None] = mapped_column(String(20))


class Appeal(db.Model):
    """An appeal (申诉) lodged during the notice period: who, about what, and the decision with its reason."""

    __tablename__ = "result_appeal"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("result_snapshot.id", ondelete="CASCADE"), index=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    appellant: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    lodged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decision: Mapped[str] = mapped_column(String(20), default="pending")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event = relationship("Event", lazy="joined")


CALENDAR_DAY_KINDS = ("holiday", "workday")


class WorkCalendarDay(db.Model):
    """A day off (法定节假日) or make-up working day (调休上班日) entered by the administrator.

    For years the calendar library does not know yet, or to correct it: the
    table wins over the library (``domain.workdays.merge``).
    """

    __tablename__ = "work_calendar_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
