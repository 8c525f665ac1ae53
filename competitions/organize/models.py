"""Competitions, their events (trades) and each event's marking scheme.

A competition ("2026 City Workers' Vocational Skills Contest") is organized by
one organization, has a level, class and kind, dates, a registration window and
a status. Its events are trades (electrician, welder, CNC lathe ...) for one
group (workers or students), with a capacity and a marking scheme made of
weighted parts and their criteria.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db
from competitions.orgs.models import Organization

LEVELS = ("national", "provincial", "city", "district", "enterprise")
CLASSES = ("I", "II")
KINDS = ("skills", "labor", "innovation")
GROUPS = ("workers", "students")
STATUSES = ("draft", "open", "closed", "in_progress", "results", "archived")
POINTS = Numeric(8, 2)


class Competition(db.Model):
    """A competition run by one organization in one year."""

    __tablename__ = "competition"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer, index=True)
    level: Mapped[str] = mapped_column(String(20), index=True)
    competition_class: Mapped[str] = mapped_column(String(5), default="II")
    kind: Mapped[str] = mapped_column(String(20), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # Archived straight from a draft: called off (取消) before it opened, never held (statistics leave it out).
    called_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recuse_same_parent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether competitors may lodge an appeal online during the notice period (otherwise the organizer records it).
    online_appeals: Mapped[bool] = mapped_column(Boolean, default=False)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("competition.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship(lazy="joined")
    events: Mapped[list[Event]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="Event.id"
    )

    @property
    def live_events(self) -> list[Event]:
        """The events that are held: every event except the cancelled ones (no query beyond ``events``)."""
        return [e for e in self.events if e.cancelled_at is None]

    @property
    def results_events(self) -> list[Event]:
        """The held events the competition's results list: a preliminary is listed in its final (rounds)."""
        live = self.live_events
        with_final = {e.preliminary_event_id for e in live if e.round == "final"}
        return [e for e in live if e.id not in with_final]


class Event(db.Model):
    """One trade within a competition, for one group, with its marking scheme."""

    __tablename__ = "event"
    # A trade of a group is held once per round: "" (a single-round event), "preliminary" and "final".
    __table_args__ = (UniqueConstraint("competition_id", "trade_code", "group", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    trade_name: Mapped[str] = mapped_column(String(100))
    trade_code: Mapped[str] = mapped_column(String(20))
    group: Mapped[str] = mapped_column(String(20), default="workers")
    target_level: Mapped[int | None] = mapped_column(Integer)
    required_level: Mapped[int | None] = mapped_column(Integer)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer, default=50)
    is_team: Mapped[bool] = mapped_column(Boolean, default=False)
    team_size: Mapped[int] = mapped_column(Integer, default=1)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    tie_break: Mapped[list] = mapped_column(JSON, default=list)
    award_rule: Mapped[dict] = mapped_column(JSON, default=dict)
    trim_min_judges: Mapped[int] = mapped_column(Integer, default=5)
    # Pass rule (domain.passing): a minimum total out of 100 (None: none), and whether those who did not
    # pass are ranked among the others ("ranked") or listed after them ("after"). Part pass marks: SchemePart.
    pass_total: Mapped[Decimal | None] = mapped_column(POINTS)
    failed_placement: Mapped[str] = mapped_column(String(10), default="ranked", server_default="ranked")
    # Decimals at which marks, parts and totals are kept, compared and published (0-3; domain.scoring).
    precision: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    # Places after a shared place: "standard" (1, 2, 2, 4) or "dense" (1, 2, 2, 3) (domain.ranking.RankStyle).
    rank_style: Mapped[str] = mapped_column(String(10), default="standard", server_default="standard")
    # Whether competitors marked absent (缺考) count as entrants when prizes are given by proportions.
    absent_are_entrants: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # A team event's team rules (results.teams.TeamRule): {"score": "sum"|"mean"|"best", "best": k,
    # "tie_break": ["time_used", "part:practical"], "tie_mode": "shared"|"no_tied_places"}; {} = defaults.
    team_rule: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    scheme_valid: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rounds (初赛 / 决赛, ``competitions.rounds``): "" for a single-round event, else "preliminary" or "final".
    # A final names its preliminary (same competition, trade and group) and the qualification rule
    # (domain.qualification): {"top": 8} or {"percent": "40", "rounding": "down"|"up"|"nearest"}.
    round: Mapped[str] = mapped_column(String(12), default="", server_default="")
    preliminary_event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    qualification_rule: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    # An event that cannot be held (取消): kept with its reason, left out of judging and results.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    competition: Mapped[Competition] = relationship(back_populates="events")
    parts: Mapped[list[SchemePart]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="SchemePart.position", lazy="selectin"
    )

    @property
    def is_final_round(self) -> bool:
        """Whether this event is the final round of a preliminary (its entrants are the qualifiers)."""
        return self.round == "final"

    @property
    def cancelled(self) -> bool:
        """Whether the event has been cancelled (取消)."""
        return self.cancelled_at is not None


class SchemePart(db.Model):
    """A weighted part of an event's marking scheme (theory 30, practical 70)."""

    __tablename__ = "scheme_part"
    __table_args__ = (UniqueConstraint("event_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[Decimal] = mapped_column(POINTS)
    # The part's pass mark on its own scale, out of 100 (e.g. 60); None when the part has none (domain.passing).
    pass_mark: Mapped[Decimal | None] = mapped_column(POINTS)
    # A final's part carried from its preliminary: the code of the preliminary's part whose own mark (out of
    # 100, frozen with the preliminary standing) counts here with this part's weight; it has no criteria.
    carried_from: Mapped[str | None] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="parts")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="part", cascade="all, delete-orphan", order_by="Criterion.position", lazy="selectin"
    )


class Criterion(db.Model):
    """A criterion judges mark, with its maximum, step, kind, aggregation and panel size."""

    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("part_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("scheme_part.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    max_mark: Mapped[Decimal] = mapped_column(POINTS)
    step: Mapped[Decimal] = mapped_column(POINTS, default=Decimal("0.5"))
    kind: Mapped[str] = mapped_column(String(20), default="judgement")
    aggregation: Mapped[str] = mapped_column(String(20), default="mean")
    judges_required: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A measurement's readings (domain.readings): "once" (the judges_required readings, no other judge's) or
    # "check" (a reading and a check reading by two judges agreeing within ``tolerance``, in the criterion's
    # unit; then the "first" or the "mean" counts, ``check_counts``; beyond it the chief judge decides).
    reading_mode: Mapped[str] = mapped_column(String(10), default="once", server_default="once")
    tolerance: Mapped[Decimal | None] = mapped_column(POINTS)
    check_counts: Mapped[str] = mapped_column(String(10), default="first", server_default="first")

    part: Mapped[SchemePart] = relationship(back_populates="criteria")
