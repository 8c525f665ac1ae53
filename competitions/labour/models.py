"""Labour competitions (劳动竞赛) on key projects: units, periods, scorecards, assessments.

A labour competition ("Metro Line 7 construction labour competition") is a
``Competition`` of kind ``labor``. Instead of (or besides) individual
registrations it has **participating units** (``LabourUnit``): project sections
(标段), enterprises, workshops or teams (班组), each linked to an organization of
the union tree where one exists (recusal by unit, statistics by region and
industry), with named members (``LabourUnitMember``, Workers) where the rules need
them.

Units are assessed every **period** (``LabourPeriod``: half-month, month,
quarter, or a milestone 节点) against the competition's **scorecard** (考评办法,
``LabourScorecard``): weighted **indicator groups** (``LabourIndicatorGroup``:
organization 20 points, progress, quality, safety, civilized construction,
innovation; a group's ``max_points`` caps its subtotal) of **indicators**
(``LabourIndicator``): judged (points within a maximum) or measured (a value
turned into points by a stated formula, ``domain.scorecards``).

**Assessors** (``LabourAssessor``; one chief) enter one ``LabourScore`` per
period, unit, indicator and assessor — never two: a second entry is refused, a
change of one is an audited correction. Bonus and deduction entries
(``LabourAdjustment``: commendations, notices of criticism) carry a source and a
document reference; veto items (``LabourVeto``, 一票否决) carry a reason and a
document and take the unit out of the period's awards whatever its score.
Entries are never deleted: they are voided with a reason.

A period moves open -> assessed -> signed_off; the chief assessor may reopen it
with a reason (audited). ``labour.services.period_scores(period)`` gives the
per-unit rows that the publication side ranks.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db

UNIT_KINDS = ("section", "enterprise", "workshop", "team")
CADENCES = ("half_month", "month", "quarter", "milestone")
PERIOD_STATUSES = ("open", "assessed", "signed_off")
INDICATOR_KINDS = ("judged", "measured")
ADJUSTMENT_KINDS = ("bonus", "deduction")
ADJUSTMENT_SOURCES = ("owner", "supervisor", "authority", "leading_group", "media", "other")
VETO_CATEGORIES = ("safety_accident", "quality_accident", "fight", "environment", "other")
POINTS = Numeric(8, 2)
VALUE = Numeric(14, 4)


class LabourScorecard(db.Model):
    """A labour competition's assessment rules (考评办法): cadence, caps on bonus and deduction, the document."""

    __tablename__ = "labour_scorecard"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), unique=True)
    # The rules' own document ("Line 7 labour competition assessment rules, 〔2026〕3号").
    title: Mapped[str] = mapped_column(String(200), default="")
    document_ref: Mapped[str] = mapped_column(String(200), default="")
    cadence: Mapped[str] = mapped_column(String(20), default="month")
    # Most rules cap the bonus (e.g. at most 5 points a period) and sometimes the deductions; None: no cap.
    bonus_cap: Mapped[Decimal | None] = mapped_column(POINTS)
    deduction_cap: Mapped[Decimal | None] = mapped_column(POINTS)
    # How several assessors' points on one indicator combine: "mean" (the usual panel) or "trimmed"
    # (drop the highest and lowest when at least five assessed; domain.scorecards.combine_assessors).
    aggregation: Mapped[str] = mapped_column(String(20), default="mean")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class LabourUnit(db.Model):
    """A participating unit or team of a labour competition (标段, enterprise, workshop, 班组)."""

    __tablename__ = "labour_unit"
    __table_args__ = (UniqueConstraint("competition_id", "code"), UniqueConstraint("competition_id", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="section")
    # The organization the unit is (or belongs to), where one exists in the union tree: recusal and statistics.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    # A team's parent unit (a 班组 of a section), optional.
    parent_unit_id: Mapped[int | None] = mapped_column(ForeignKey("labour_unit.id"))
    # People on the unit as declared (the headcount counted when no members are named).
    headcount: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A unit that leaves the competition: kept with its scores, no longer assessed in later periods.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization = relationship("Organization", lazy="joined")
    members: Mapped[list[LabourUnitMember]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="LabourUnitMember.id")


class LabourUnitMember(db.Model):
    """A named member (a Worker) of a unit, with their role in it (team leader, member)."""

    __tablename__ = "labour_unit_member"
    __table_args__ = (UniqueConstraint("unit_id", "worker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("labour_unit.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    role: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[LabourUnit] = relationship(back_populates="members")
    worker = relationship("Worker", lazy="joined")


class LabourPeriod(db.Model):
    """One assessment period (a half-month, month, quarter, or a milestone 节点) with its weight and status."""

    __tablename__ = "labour_period"
    __table_args__ = (UniqueConstraint("competition_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="month")  # a CADENCES value
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # The period's weight in the cumulative standings (1 by default; a milestone may weigh more).
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal("1"))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def not_started(self) -> bool:
        """An open period whose first day (local date) is still to come: shown as "not started", not scored."""
        from competitions.timezone import local_today

        return self.status == "open" and self.starts_on > local_today()

    @property
    def publishable_from(self) -> date:
        """The first local day the period's ranking may be published: the day after its last day."""
        return self.ends_on + timedelta(days=1)

    @property
    def has_ended(self) -> bool:
        """True once the period's last day (local date) is over."""
        from competitions.timezone import local_today

        return self.ends_on < local_today()

    @property
    def shown_status(self) -> str:
        """The status as pages show it: ``not_started`` for an open period that has not begun."""
        return "not_started" if self.not_started else self.status


class LabourPeriodUnit(db.Model):
    """A unit taking part in a period, frozen when the period is first signed off (see
    ``labour.assessment.units_in_period``): a unit added or reinstated later never joins a signed-off period,
    and one withdrawn later stays in it."""

    __tablename__ = "labour_period_unit"

    period_id: Mapped[int] = mapped_column(ForeignKey("labour_period.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("labour_unit.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class LabourIndicatorGroup(db.Model):
    """A weighted group of indicators (organization 20 points, progress 30 ...); ``max_points`` caps it."""

    __tablename__ = "labour_indicator_group"
    __table_args__ = (UniqueConstraint("competition_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    max_points: Mapped[Decimal] = mapped_column(POINTS)
    position: Mapped[int] = mapped_column(Integer, default=0)

    indicators: Mapped[list[LabourIndicator]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="LabourIndicator.position")


class LabourIndicator(db.Model):
    """An indicator: judged (points 0..max in steps) or measured (a value in a range, points by ``formula``)."""

    __tablename__ = "labour_indicator"
    __table_args__ = (UniqueConstraint("competition_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("labour_indicator_group.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="judged")
    max_points: Mapped[Decimal] = mapped_column(POINTS)
    step: Mapped[Decimal] = mapped_column(POINTS, default=Decimal("0.5"))
    # Measured indicators: what is measured ("%", "days"), the range a value must lie in, and the formula
    # ({"type": "above_target"|"linear"|"bands", ...}; domain.scorecards.formula_from_dict).
    unit_label: Mapped[str] = mapped_column(String(20), default="")
    value_min: Mapped[Decimal | None] = mapped_column(VALUE)
    value_max: Mapped[Decimal | None] = mapped_column(VALUE)
    formula: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    group: Mapped[LabourIndicatorGroup] = relationship(back_populates="indicators")


class LabourAssessor(db.Model):
    """An assessor of a labour competition, for all units and groups or one of each; one or more chiefs."""

    __tablename__ = "labour_assessor"
    __table_args__ = (UniqueConstraint("competition_id", "user_id", "group_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("labour_indicator_group.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("labour_unit.id", ondelete="CASCADE"))
    is_chief: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User", lazy="joined")


class LabourScore(db.Model):
    """One assessor's entry for one unit on one indicator in one period (one only: a change is a correction).

    ``value`` is what the assessor entered (the points of a judged indicator, the measured value of a
    measured one); ``points`` the points it gives (the formula applied, stored when written).
    """

    __tablename__ = "labour_score"
    __table_args__ = (UniqueConstraint("period_id", "unit_id", "indicator_id", "assessor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("labour_period.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("labour_unit.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("labour_indicator.id", ondelete="CASCADE"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    value: Mapped[Decimal] = mapped_column(VALUE)
    points: Mapped[Decimal] = mapped_column(POINTS)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class LabourAdjustment(db.Model):
    """A bonus (commendation) or deduction (notice of criticism) for a unit in a period, with its source and
    document; voided with a reason, never deleted."""

    __tablename__ = "labour_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("labour_period.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("labour_unit.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # ADJUSTMENT_KINDS
    points: Mapped[Decimal] = mapped_column(POINTS)  # > 0; a deduction's points are subtracted
    source: Mapped[str] = mapped_column(String(20))  # ADJUSTMENT_SOURCES
    issuer: Mapped[str] = mapped_column(String(200), default="")  # who issued it ("Line 7 owner's office")
    document_ref: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    void_reason: Mapped[str] = mapped_column(Text, default="")


class LabourVeto(db.Model):
    """A veto item (一票否决) against a unit in a period: out of that period's awards whatever its score."""

    __tablename__ = "labour_veto"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("labour_period.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("labour_unit.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(30))  # VETO_CATEGORIES
    reason: Mapped[str] = mapped_column(Text)
    document_ref: Mapped[str] = mapped_column(String(200))
    occurred_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    void_reason: Mapped[str] = mapped_column(Text, default="")
