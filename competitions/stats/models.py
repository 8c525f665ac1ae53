"""Statistics snapshots (owned by the statistics stage; it reads every other stage and writes only these).

* ``StatFigure``: one cell of a year's figures -- (year, scope, dimension, key)
  with its counts. ``scope`` is a union of the tree (city, district or
  enterprise) and the cell counts what falls in its subtree; ``dimension`` is a
  breakdown (``total``, ``level``, ``class``, ``kind``, ``trade``, ``industry``,
  ``gender``, ``age_band``: see ``competitions.domain.statistics``) and ``key``
  the code within it ("" for the total). The dashboard and the reports read
  only these rows, never the registrations. The labour-competition and
  innovation figures (issue 15) are kept on the ``total`` and ``industry``
  cells.
* ``StatCompilation``: when a year was last compiled, how long it took, what
  it still waited for (results not final, promotions not reviewed), and
  whether its figures are final (a finished year once nothing is waited for).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db


class StatFigure(db.Model):
    """The figures of one (year, scope, dimension, key) cell; None where a figure does not apply."""

    __tablename__ = "stat_figure"
    __table_args__ = (
        # Also the index every read uses: one union's figures of a year (and the year before), by dimension.
        UniqueConstraint("scope_id", "year", "dimension", "key"),
        # The enterprises of a subtree with the most participations (dashboard, drill-down): read in this order
        # and stopped after the first rows, never sorted.
        Index("ix_stat_figure_rank", "year", "dimension", "key", "participations", "scope_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    scope_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(100))
    label: Mapped[str | None] = mapped_column(String(200))
    competitions: Mapped[int | None] = mapped_column(Integer)
    events: Mapped[int | None] = mapped_column(Integer)
    participations: Mapped[int] = mapped_column(Integer, default=0)
    workers: Mapped[int] = mapped_column(Integer, default=0)
    enterprises: Mapped[int] = mapped_column(Integer, default=0)
    finalists: Mapped[int] = mapped_column(Integer, default=0)
    awards: Mapped[int] = mapped_column(Integer, default=0)
    promotions: Mapped[int | None] = mapped_column(Integer)
    # Labour competitions and innovation contests (``total`` and ``industry`` cells; 0 elsewhere).
    labour_competitions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    labour_units: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    labour_workers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    labour_participations: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    periods_assessed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    vetoes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    innovation_entries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    innovation_adopted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    innovation_implemented: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    innovation_benefit: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"), server_default="0")


class StatCompilation(db.Model):
    """The last compilation of one year's figures."""

    __tablename__ = "stat_compilation"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    compiled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    figures: Mapped[int] = mapped_column(Integer, default=0)
    promotions_counted: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the year still waits for when it was compiled (``services.pending_for_year``): held competitions with
    # participations whose results are not final yet, and skill-level promotions awaiting review. A finished year
    # is counted again every night until both are 0, and only then marked final.
    results_pending: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    promotions_pending: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
