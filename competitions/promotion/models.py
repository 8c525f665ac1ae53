"""Promotion tables (owned by the promotion stage).

* ``PromotionRuleSet``: a published rule set as data — its rules are the JSON
  document of ``domain.promotion_rule_sets`` (schema in its docstring). An active rule
  set of an organization applies to the competitions organized within its
  subtree (the nearest issuer wins); a competition may name its own
  (``PromotionAssignment``).
* ``PromotionRun``: one evaluation of a competition's final results: which
  snapshot, which rule set, what triggered it and what changed (``diff``).
* ``PromotionDecision``: the decisions of one event (one per competitor) —
  the outcomes with their rules and the reasons no rule gave anything, as
  messages that read in either language. Replaced by each run.
* ``PromotionFlag``: one outcome for one competitor (a level, an honour title,
  a nomination) and its review. Its natural key (competition, registration,
  kind, target) makes re-running never duplicate a flag. An **approved
  promotion** is a flag with ``kind = 'level'`` and ``status = 'approved'``:
  person (``worker_id``), ``from_level`` -> ``to_level``, ``decided_at``,
  ``competition_id`` and ``year`` — countable with one SQL query.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db
from competitions.results.models import POINTS

FLAG_STATUSES = ("pending", "approved", "rejected", "withdrawn")
FLAG_KINDS = ("level", "honour", "nomination")
RUN_TRIGGERS = ("final", "manual", "cli")


class PromotionRuleSet(db.Model):
    """A named rule set as its issuer publishes it; ``document`` holds the rules (``domain.promotion_rule_sets``)."""

    __tablename__ = "promotion_rule_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    document: Mapped[dict] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(20), default="form")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class PromotionAssignment(db.Model):
    """The rule set a competition uses when it names one (otherwise its organizers' active one applies)."""

    __tablename__ = "promotion_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), unique=True)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("promotion_rule_set.id", ondelete="CASCADE"), index=True)


class PromotionRun(db.Model):
    """One evaluation of a competition's final results and what it changed."""

    __tablename__ = "promotion_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("result_snapshot.id", ondelete="SET NULL"))
    snapshot_version: Mapped[int] = mapped_column(Integer)
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("promotion_rule_set.id", ondelete="SET NULL"))
    rule_set_version: Mapped[int] = mapped_column(Integer, default=1)
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ran_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    diff: Mapped[dict] = mapped_column(JSON, default=dict)


class PromotionDecision(db.Model):
    """The decisions of one event in the latest run: one per competitor, outcomes with their rules, or the reasons
    none applied (read them through ``promotion.services.decisions_of``).

    One row per event rather than per competitor: a year is a million decisions, most of them "place N,
    outside <the rule's places>". ``decisions`` holds ``[registration_id, worker_id, rank, awards, reasons]``
    per competitor in standing order; such a reason is stored as ``["@", key]`` and ``shared[key]`` holds the
    rule and the cut-off it missed, once per event.
    """

    __tablename__ = "promotion_decision"
    __table_args__ = (UniqueConstraint("competition_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    shared: Mapped[dict] = mapped_column(JSON, default=dict)
    decisions: Mapped[list] = mapped_column(JSON, default=list)


class PromotionFlag(db.Model):
    """One outcome for one competitor (promotion flag, 晋升提名) and its review."""

    __tablename__ = "promotion_flag"
    __table_args__ = (
        UniqueConstraint("competition_id", "registration_id", "kind", "target"),
        Index("ix_promotion_flag_worker", "worker_id", "kind", "status"),
        Index("ix_promotion_flag_count", "year", "kind", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(200))
    from_level: Mapped[str | None] = mapped_column(String(30))
    to_level: Mapped[str | None] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200), default="")
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("promotion_rule_set.id", ondelete="SET NULL"))
    rule_key: Mapped[str] = mapped_column(String(40), default="")
    rule_name: Mapped[str] = mapped_column(String(200), default="")
    review: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[list] = mapped_column(JSON, default=list)
    rank: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[Decimal | None] = mapped_column(POINTS)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    contested: Mapped[bool] = mapped_column(Boolean, default=False)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    snapshot_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
