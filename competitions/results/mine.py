"""A worker's own results and online appeals.

Once results are public (published for notice, or final) a worker sees their
own place, score and prize on "my registrations". Where the competition allows
it (``Competition.online_appeals``), the worker lodges an appeal (申诉) about
their own result online during the notice period; it is recorded exactly like
one the organizer takes down (``appeals.record_appeal``), naming the worker and
their anonymous code, and the organizer and the event's chief judge read its
text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from competitions.auth.models import User
from competitions.domain.errors import InvalidState, RuleViolation
from competitions.extensions import db
from competitions.registration.models import Registration
from competitions.results.appeals import AppealData, record_appeal
from competitions.results.models import Appeal, ResultEntry, ResultSnapshot
from competitions.results.snapshots import public_snapshot

MAX_APPEAL_CHARS = 2000


@dataclass(frozen=True)
class OwnResult:
    """A worker's line of public results, and whether they may appeal it online now."""

    entry: ResultEntry
    snapshot: ResultSnapshot
    may_appeal: bool
    appeals: list[Appeal]


def appeal_window_open(snapshot: ResultSnapshot, now: datetime) -> bool:
    """Whether ``snapshot`` is on public notice at ``now`` (appeals are taken)."""
    return snapshot.status == "published" and snapshot.notice_ends_at is not None and now < snapshot.notice_ends_at


def own_results(registrations: list[Registration], now: datetime) -> dict[int, OwnResult]:
    """The public result of each of ``registrations`` by registration id (none before results are public)."""
    out: dict[int, OwnResult] = {}
    snapshots: dict[int, ResultSnapshot | None] = {}
    for r in registrations:
        competition = r.event.competition
        if competition.id not in snapshots:
            snapshots[competition.id] = public_snapshot(competition.id)
        snapshot = snapshots[competition.id]
        if snapshot is None:
            continue
        entry = db.session.execute(select(ResultEntry).where(
            ResultEntry.snapshot_id == snapshot.id, ResultEntry.registration_id == r.id)).scalar_one_or_none()
        if entry is None:
            continue
        appeals = list(db.session.execute(select(Appeal).where(Appeal.registration_id == r.id)
                                          .order_by(Appeal.id)).scalars())
        out[r.id] = OwnResult(entry, snapshot, bool(competition.online_appeals) and appeal_window_open(snapshot, now),
                              appeals)
    return out


def lodge_own_appeal(registration: Registration, text: str, *, user: User, now: datetime) -> Appeal:
    """The worker appeals their own published result online, within the notice period, if the competition allows."""
    competition = registration.event.competition
    if not competition.online_appeals:
        raise InvalidState("This competition takes appeals through the organizer, not online.")
    subject = (text or "").strip()
    if not subject:
        raise RuleViolation("Say what you appeal and why.", field="subject")
    if len(subject) > MAX_APPEAL_CHARS:
        raise RuleViolation("An appeal may be at most %(max)d characters long.", field="subject",
                            max=MAX_APPEAL_CHARS)
    return record_appeal(competition, AppealData(event_id=registration.event_id, appellant=registration.worker.name,
                                                 subject=subject, competitor_code=registration.anonymous_code or ""),
                         actor_id=user.id, now=now)
