"""Where each role starts after logging in: the page where its work is.

An organizer lands on their desk (their competitions and what needs them), a
judge on "my judging", a chief judge of exactly one event still being judged
on that event's completeness board, a worker on their registrations. Someone
with several roles starts at the first of these that applies, in that order
(an administrator on the organizer's desk).
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from competitions.auth.models import User
from competitions.extensions import db


def _chief_events(user: User) -> list[int]:
    """The events ``user`` leads as chief judge that are held and not yet signed off."""
    from competitions.judging.models import EventSignOff, JudgeAssignment
    from competitions.organize.models import Event

    locked = select(EventSignOff.event_id).where(EventSignOff.locked.is_(True))
    return list(db.session.execute(
        select(JudgeAssignment.event_id).join(Event, Event.id == JudgeAssignment.event_id).where(
            JudgeAssignment.user_id == user.id, JudgeAssignment.is_chief.is_(True),
            Event.cancelled_at.is_(None), JudgeAssignment.event_id.not_in(locked))
    ).scalars())


def start_url(user: User) -> str:
    """The start page of ``user`` after login."""
    if user.has_role("admin") or user.has_role("organizer"):
        return url_for("organize.index")
    if user.has_role("judge"):
        chief = _chief_events(user)
        if len(chief) == 1:
            return url_for("judging.chief", event_id=chief[0])
        return url_for("judging.index")
    if user.has_role("competitor"):
        return url_for("registration.mine")
    return url_for("main.index")


def organizer_todo(competitions, *, waiting: bool = False) -> list[tuple[object, str, dict, str]]:
    """What needs the organizer, per competition: (competition, message, params, url), most urgent stage first.

    Reads each later stage's tables (registrations to review, events not signed
    off, results to compute, publish or finalize, appeals to decide); a few
    grouped queries for all the competitions at once. The steps follow the
    competition's kind: a labour competition has periods, not computed results
    (periods ended but not signed off, signed off but not published: review2
    M12). ``waiting`` adds what the organizer only waits for (results on
    public notice), as the competition's own page shows it (L16).
    """
    from sqlalchemy import func

    from competitions.db import utcnow
    from competitions.domain.errors import N_
    from competitions.judging.models import EventSignOff, PendingCorrection
    from competitions.organize.models import Event
    from competitions.registration.models import Registration
    from competitions.results.models import Appeal, ResultSnapshot

    ids = [c.id for c in competitions]
    if not ids:
        return []
    pending = dict(db.session.execute(
        select(Event.competition_id, func.count(Registration.id)).join(Event, Event.id == Registration.event_id)
        .where(Event.competition_id.in_(ids), Registration.status == "pending").group_by(Event.competition_id)).all())
    entrants = set(db.session.execute(
        select(Registration.event_id).join(Event, Event.id == Registration.event_id)
        .where(Event.competition_id.in_(ids), Registration.status == "approved").distinct()).scalars())
    signed = set(db.session.execute(select(EventSignOff.event_id).join(Event, Event.id == EventSignOff.event_id)
                                    .where(Event.competition_id.in_(ids), EventSignOff.locked.is_(True))).scalars())
    snapshots: dict[int, ResultSnapshot] = {}
    for s in db.session.execute(select(ResultSnapshot).where(ResultSnapshot.competition_id.in_(ids),
                                                             ResultSnapshot.status != "superseded")
                                .order_by(ResultSnapshot.version)).scalars():
        snapshots[s.competition_id] = s
    appeals = dict(db.session.execute(
        select(Appeal.competition_id, func.count(Appeal.id)).where(Appeal.competition_id.in_(ids),
                                                                   Appeal.decision == "pending")
        .group_by(Appeal.competition_id)).all())
    late: dict[int, list[int]] = {}  # competition -> events with late corrections waiting for the chief judge
    for competition_id, event_id in db.session.execute(
            select(Event.competition_id, PendingCorrection.event_id).join(Event, Event.id == PendingCorrection.event_id)
            .where(Event.competition_id.in_(ids), PendingCorrection.status == "pending").distinct()
            .order_by(PendingCorrection.event_id)).all():
        late.setdefault(competition_id, []).append(event_id)
    now = utcnow()
    labour = _labour_periods([c.id for c in competitions if c.kind == "labor"], now)
    todo = []
    for c in competitions:
        page = url_for("organize.competition", competition_id=c.id)
        results = url_for("results.manage", competition_id=c.id)
        live = c.live_events
        snapshot = snapshots.get(c.id)
        if c.status == "draft" and c.kind != "labor":  # labour: units and periods, no events to add
            missing = [e.trade_name for e in live if not e.scheme_valid]
            if not live:
                todo.append((c, N_("Add the events, then open registration."), {}, page))
            elif missing:
                todo.append((c, N_("Marking scheme missing: %(events)s."), {"events": ", ".join(missing)}, page))
            else:
                todo.append((c, N_("Ready: open registration."), {}, page))
        if pending.get(c.id):
            todo.append((c, N_("%(count)d registration(s) await review."), {"count": pending[c.id]},
                         url_for("registration.manage", competition_id=c.id, status="pending")))
        if late.get(c.id):
            names = {e.id: e.trade_name for e in c.events}
            todo.append((c, N_("Late corrections wait for the chief judge: %(events)s."),
                         {"events": ", ".join(names.get(e, str(e)) for e in late[c.id])},
                         url_for("judging.assignments", event_id=late[c.id][0], _anchor="corrections")))
        if c.kind == "labor":
            todo += [(c, message, params, url) for message, params, url in labour.get(c.id, ())]
        elif c.status in ("closed", "in_progress"):
            unsigned = [e.trade_name for e in live if e.id in entrants and e.id not in signed]
            if unsigned:
                todo.append((c, N_("Not signed off yet: %(events)s."), {"events": ", ".join(unsigned)},
                             url_for("judging.manage")))
            elif snapshot is None and not late.get(c.id):
                todo.append((c, N_("Every event is signed off: compute the results."), {}, results))
        if snapshot is not None and snapshot.status == "provisional":
            todo.append((c, N_("Provisional results await publication."), {}, results))
        if appeals.get(c.id):
            todo.append((c, N_("%(count)d appeal(s) await a decision."), {"count": appeals[c.id]}, results))
        elif snapshot is not None and snapshot.status == "published" and snapshot.notice_ends_at \
                and snapshot.notice_ends_at <= now:
            todo.append((c, N_("The notice period is over: declare the results final."), {}, results))
        elif waiting and snapshot is not None and snapshot.status == "published":
            todo.append((c, N_("The results are on public notice until %(when)s; then declare them final."),
                         {"when": _when(snapshot.notice_ends_at)}, results))
    return todo


def _when(value) -> str:
    """A timestamp as the pages write it (the ``datetime`` filter: local time, yyyy-MM-dd HH:mm)."""
    from datetime import UTC

    from flask_babel import format_datetime

    return format_datetime(value if value.tzinfo else value.replace(tzinfo=UTC), "yyyy-MM-dd HH:mm") if value else ""


def _labour_periods(ids: list[int], now) -> dict[int, list[tuple[str, dict, str]]]:
    """A labour competition's to-dos from its periods: (message, params, url) per competition id.

    A period that has ended and is not signed off waits for its assessment and
    the chief assessor; a signed-off period nobody has published waits for the
    organizer (labour_results). Nothing about computing results: labour
    competitions rank each period, they have no events to compute.
    """
    from competitions.domain.errors import N_
    from competitions.labour.models import LabourPeriod
    from competitions.labour_results.models import LabourPublication
    from competitions.timezone import to_local

    if not ids:
        return {}
    today = to_local(now).date()
    published = set(db.session.execute(select(LabourPublication.period_id).where(
        LabourPublication.competition_id.in_(ids), LabourPublication.status == "published")).scalars())
    unsigned: dict[int, list[str]] = {}
    unpublished: dict[int, list[str]] = {}
    for period in db.session.execute(select(LabourPeriod).where(LabourPeriod.competition_id.in_(ids))
                                     .order_by(LabourPeriod.competition_id, LabourPeriod.number)).scalars():
        if period.status == "signed_off" and period.id not in published:
            unpublished.setdefault(period.competition_id, []).append(period.name)
        elif period.status != "signed_off" and period.ends_on < today:
            unsigned.setdefault(period.competition_id, []).append(period.name)
    todo: dict[int, list[tuple[str, dict, str]]] = {}
    for cid in ids:
        if unsigned.get(cid):
            todo.setdefault(cid, []).append((N_("Periods ended but not signed off yet: %(periods)s."),
                                             {"periods": ", ".join(unsigned[cid])},
                                             url_for("labour.competition", competition_id=cid)))
        if unpublished.get(cid):
            todo.setdefault(cid, []).append((N_("Periods signed off, not yet published: %(periods)s."),
                                             {"periods": ", ".join(unpublished[cid])},
                                             url_for("labour_results.manage", competition_id=cid)))
    return todo
