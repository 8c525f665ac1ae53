"""Tables of the publication side of labour competitions (owned by ``labour_results``).

* ``LabourPublicationRules``: per competition, the assessment rules' publication
  settings — the period tie-break chain and where vetoed units stand, the red
  flag's tie rule and floor, money by rank, the cumulative standing (combine,
  missing and vetoed periods, honours bar, its tie-break) and the final
  honours (collective rules as JSON, advanced-individual quotas). A
  competition without a row uses the defaults (``services.rules_of``).
* ``LabourPublication``: one published period ranking, a frozen snapshot
  (JSON) of everything the public sees — places, figures, vetoes with
  reasons, the red flag's holders, the money lines — written when the
  organizer publishes a signed-off period. Later edits to scores never change
  it. It is ``published`` until withdrawn (unpublished, with a reason) or
  corrected (replaced by a newer version, with a reason); ``active_period_id``
  equals ``period_id`` while published and is NULL after, so a period has at
  most one published version (a unique index; NULLs never collide).
* ``LabourHonour``: a final honour — a collective one (advanced collective,
  Workers' Pioneer) decided from the cumulative standing, or an advanced
  individual named by a unit and confirmed by the organizer — with the
  figures it was decided on. ``active_key`` (``<kind>:<unit>`` or
  ``advanced_individual:<worker>``) is set while it stands and NULL once
  withdrawn or rejected, so nothing is honoured twice.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db

PUBLICATION_STATUSES = ("published", "withdrawn", "corrected")
HONOUR_STATUSES = ("awarded", "nominated", "confirmed", "rejected", "withdrawn", "revoked")
POINTS = Numeric(8, 2)
YUAN = Numeric(12, 2)


class LabourPublicationRules(db.Model):
    """How a labour competition's periods are ranked and published, and how its honours are decided."""

    __tablename__ = "labour_publication_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), unique=True)
    # Period ranking: declared tie-breaks after the total ("deductions", "group:safety"), vetoed units' place.
    tie_break: Mapped[list] = mapped_column(JSON, default=list)
    veto_placement: Mapped[str] = mapped_column(String(20), default="unplaced")
    # The rotating red flag.
    flag_on_tie: Mapped[str] = mapped_column(String(20), default="none")
    flag_min_total: Mapped[Decimal | None] = mapped_column(POINTS)
    # Money by rank (yuan): rewards by place as strings ["5000", "3000"], penalties as positive amounts.
    rewards: Mapped[list] = mapped_column(JSON, default=list)
    last_place_penalty: Mapped[Decimal] = mapped_column(YUAN, default=Decimal("0"))
    veto_money: Mapped[str] = mapped_column(String(20), default="nothing")
    veto_penalty: Mapped[Decimal] = mapped_column(YUAN, default=Decimal("0"))
    money_ties: Mapped[str] = mapped_column(String(20), default="each")
    # Cumulative standing (period weights are the periods' own).
    combine: Mapped[str] = mapped_column(String(20), default="weighted_sum")
    missing: Mapped[str] = mapped_column(String(20), default="zero")
    veto_count: Mapped[str] = mapped_column(String(20), default="zero")
    honours_veto_limit: Mapped[int | None] = mapped_column(Integer, default=1)
    cumulative_tie_break: Mapped[list] = mapped_column(JSON, default=list)
    # Final honours: [{"kind": "advanced_collective", "count": 3, "participant_kinds": ["section"], ...}]
    honours: Mapped[list] = mapped_column(JSON, default=list)
    individuals_per_honoured_unit: Mapped[int] = mapped_column(Integer, default=0)
    individuals_per_other_unit: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class LabourPublication(db.Model):
    """One published period ranking, frozen as a snapshot (see the module docstring)."""

    __tablename__ = "labour_publication"
    __table_args__ = (UniqueConstraint("period_id", "version"), UniqueConstraint("active_period_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("labour_period.id", ondelete="CASCADE"), index=True)
    active_period_id: Mapped[int | None] = mapped_column(ForeignKey("labour_period.id", ondelete="CASCADE"))
    period_number: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)
    snapshot: Mapped[dict] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    end_reason: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("labour_publication.id"))


class LabourHonour(db.Model):
    """A final honour of a labour competition (collective, or an advanced individual named by a unit)."""

    __tablename__ = "labour_honour"
    __table_args__ = (UniqueConstraint("competition_id", "active_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # domain.labour_honours.HonourKind
    unit_id: Mapped[int] = mapped_column(ForeignKey("labour_unit.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    active_key: Mapped[str | None] = mapped_column(String(60))
    rank: Mapped[int | None] = mapped_column(Integer)
    # The unit's cumulative figures when the honour was decided (total, periods, vetoes, flags).
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
