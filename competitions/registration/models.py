"""Registrations of workers for events, and station draws.

A registration joins a worker to an event. Its status moves pending ->
approved / rejected / waitlisted -> withdrawn; the natural key is
(event, worker), i.e. ID number + event, so importing the same roster twice
updates instead of duplicating. The station draw gives each approved
competitor a station number and an anonymous code (加密号); from then on judges
only ever see the code.

A registration carries the facts the later stages depend on — the employer, its
parent organization, the skill level and the student flag — as stated when the
person entered and frozen when the organizer approves. Recusal (回避), results
and exports read these, never the person's live profile, so a form filled in
elsewhere cannot move a competitor out of a judge's recusal mid-contest. Only
the organizer's employer change (``orgs.people.change_person``) rewrites them,
audited, and tells the chief judge.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, event, inspect, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db
from competitions.organize.models import Event
from competitions.orgs.models import Organization, Worker

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
    # The facts as stated on entry, frozen on approval (see the module docstring).
    employer_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    employer_parent_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    skill_level: Mapped[int | None] = mapped_column(Integer)
    is_student: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    worker: Mapped[Worker] = relationship(lazy="joined")
    employer: Mapped[Organization] = relationship(foreign_keys=[employer_id], lazy="joined")

    def state_facts(self, *, employer_id: int, skill_level: int | None, is_student: bool) -> None:
        """Take the facts the person states on entering (before approval freezes them)."""
        self.employer_id = employer_id
        self.employer_parent_id = None  # filled from the employer when flushed (``_fill_facts``)
        self.skill_level = skill_level
        self.is_student = bool(is_student)


_worker_t = Worker.__table__
_org_t = Organization.__table__


def _facts_of_worker(connection, worker_id: int):
    return connection.execute(
        select(_worker_t.c.employer_id, _org_t.c.parent_id, _worker_t.c.skill_level, _worker_t.c.is_student)
        .join(_org_t, _org_t.c.id == _worker_t.c.employer_id).where(_worker_t.c.id == worker_id)
    ).one()


@event.listens_for(Registration, "before_update")
def _refill_facts(mapper, connection, target: Registration) -> None:
    """On an update, the facts are looked at again only when the worker or the employer changed.

    A station draw updates every registration of an event; looking up each
    employer's parent again there cost one query per competitor for nothing.
    """
    changed = inspect(target).committed_state  # the attributes changed since loaded, with their old values
    if "employer_id" in changed or "worker_id" in changed:
        _fill_facts(mapper, connection, target)


@event.listens_for(Registration, "before_insert")
def _fill_facts(_mapper, connection, target: Registration) -> None:
    """A registration written without stated facts takes the person's profile as they are now; the
    employer's parent always follows the stated employer (the tree is not re-parented)."""
    if target.employer_id is None and target.worker_id is not None:
        (target.employer_id, target.employer_parent_id, target.skill_level,
         target.is_student) = _facts_of_worker(connection, target.worker_id)
    elif target.employer_id is not None and target.employer_parent_id is None:
        target.employer_parent_id = connection.execute(
            select(_org_t.c.parent_id).where(_org_t.c.id == target.employer_id)).scalar_one_or_none()


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
