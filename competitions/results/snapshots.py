"""Result snapshots: the persisted standings and how they are looked up and read.

* The computed standings are a persisted snapshot (``ResultSnapshot`` and its
  ``ResultEntry`` rows): every web worker serves the same rows; nothing is
  cached in a process. A snapshot is provisional, then published (public
  notice, 成绩公示), then final; a recomputation after an upheld appeal
  supersedes it.
* Provisional standings show anonymous codes only; names and employers are
  revealed when the organizer publishes them.
* Public pages read the rows straight from the driver's cursor
  (``public_rows``): they are read on every request, up to a thousand a page.
"""

from __future__ import annotations

import json
from collections import defaultdict, namedtuple
from decimal import Decimal

from sqlalchemy import delete, func, select

from competitions.extensions import db
from competitions.judging.models import EventSignOff
from competitions.organize.models import Competition, Event
from competitions.registration.models import Registration
from competitions.results.models import (
    Appeal,
    ResultEntry,
    ResultSnapshot,
)

# --- snapshots ----------------------------------------------------------------------------------


def snapshots_of(competition_id: int) -> list[ResultSnapshot]:
    """A competition's snapshots, newest first."""
    return list(db.session.execute(
        select(ResultSnapshot).where(ResultSnapshot.competition_id == competition_id)
        .order_by(ResultSnapshot.version.desc())
    ).scalars())


def current_snapshot(competition_id: int) -> ResultSnapshot | None:
    """The newest snapshot that is not superseded (provisional, published or final)."""
    return db.session.execute(
        select(ResultSnapshot).where(ResultSnapshot.competition_id == competition_id,
                                     ResultSnapshot.status != "superseded")
        .order_by(ResultSnapshot.version.desc()).limit(1)
    ).scalar_one_or_none()


def public_snapshot(competition_id: int) -> ResultSnapshot | None:
    """The snapshot the public sees: the newest published or final one."""
    return db.session.execute(
        select(ResultSnapshot).where(ResultSnapshot.competition_id == competition_id,
                                     ResultSnapshot.status.in_(("published", "final")))
        .order_by(ResultSnapshot.version.desc()).limit(1)
    ).scalar_one_or_none()


def _sign_off(event_id: int) -> EventSignOff | None:
    return db.session.execute(select(EventSignOff).where(EventSignOff.event_id == event_id)).scalar_one_or_none()


def ranked_events(competition: Competition) -> list[Event]:
    """The events that get results: held (not cancelled) and with at least one approved competitor.

    A cancelled event, or one nobody was approved for, is left out and never
    holds up the others (nothing to sign off, nothing to rank). A preliminary
    round (``competitions.rounds``) is ranked in its final: its own standing is
    published on its own, and its competitors who did not qualify are listed
    in the final's results.
    """
    with_entrants = set(db.session.execute(
        select(Registration.event_id).join(Event, Event.id == Registration.event_id)
        .where(Event.competition_id == competition.id, Registration.status == "approved").distinct()
    ).scalars())
    return [e for e in competition.results_events if e.id in with_entrants]


def unsigned_events(competition: Competition) -> list[Event]:
    """Events that get results (``ranked_events``) whose marks are not signed off and locked."""
    locked = set(db.session.execute(
        select(EventSignOff.event_id).join(Event, Event.id == EventSignOff.event_id)
        .where(Event.competition_id == competition.id, EventSignOff.locked.is_(True))
    ).scalars())
    return [e for e in ranked_events(competition) if e.id not in locked]


def _lock(competition: Competition) -> None:
    """Serialize computing and publishing per competition (PostgreSQL row lock; SQLite writes are serial anyway)."""
    db.session.execute(select(Competition.id).where(Competition.id == competition.id).with_for_update())


def _appeals_of(snapshot: ResultSnapshot) -> list[Appeal]:
    return list(db.session.execute(
        select(Appeal).where(Appeal.snapshot_id == snapshot.id).order_by(Appeal.id)
    ).scalars())


def _upheld_appeals(snapshot: ResultSnapshot) -> list[Appeal]:
    return [a for a in _appeals_of(snapshot) if a.decision == "upheld"]


def may_compute(current: ResultSnapshot | None) -> bool:
    """Whether computing is possible at this stage: before publication, or after an upheld appeal."""
    if current is None or current.status == "provisional":
        return True
    return current.status == "published" and bool(_upheld_appeals(current))


# --- reading results ----------------------------------------------------------------------------


EntryRow = namedtuple("EntryRow", [column.name for column in ResultEntry.__table__.columns])


def entries_by_event(snapshot: ResultSnapshot, event_id: int | None = None) -> dict[int, list]:
    """A snapshot's entries grouped by event, in standing order, as read-only rows (attributes as on ResultEntry).

    Plain named tuples rather than ORM objects or SQLAlchemy rows: a public
    page of 1,000 competitors is read on every request, its template reads
    each field, and nothing here is ever changed.
    """
    table = ResultEntry.__table__
    stmt = select(table).where(table.c.snapshot_id == snapshot.id)
    if event_id is not None:
        stmt = stmt.where(table.c.event_id == event_id)
    grouped: dict[int, list] = defaultdict(list)
    make = EntryRow._make
    for entry in db.session.execute(stmt.order_by(table.c.event_id, table.c.position)).tuples():
        row = make(entry)
        grouped[row.event_id].append(row)
    return grouped


PublicRow = namedtuple("PublicRow", ["event_id", "registration_id", "rank", "tied", "decided_by_chief_judge",
                                     "disqualified", "total", "part_scores", "deductions", "prize",
                                     "anonymous_code", "name", "employer", "passed", "part_passed",
                                     "part_marks", "absent", "round_reached", "preliminary_rank",
                                     "preliminary_total", "absent_parts"])
_JSON_DECODER = json.JSONDecoder()
PUBLIC_ROWS_SQL = (
    "SELECT event_id, registration_id, rank, tied, decided_by_chief_judge, disqualified, total, part_scores,"
    " deductions, prize, anonymous_code, name, employer, passed, part_passed, part_marks, absent, round_reached,"
    " preliminary_rank, preliminary_total, absent_parts"
    " FROM result_entry WHERE snapshot_id = {p}{event}"
    " ORDER BY event_id, position"
)


def public_rows(snapshot: ResultSnapshot, event_id: int | None = None) -> dict[int, list[PublicRow]]:
    """What the public standing tables show, grouped by event in standing order: one query, only those columns.

    Read on every request of a public page (up to a thousand rows per event),
    so it goes straight to the driver's cursor, like ``load_marks``: figures
    as Decimals (SQLite hands back floats, each distinct one converted once),
    part scores as a dict, flags as bools.
    """
    connection = db.session.connection()
    p = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    params: tuple = (snapshot.id,) if event_id is None else (snapshot.id, event_id)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(PUBLIC_ROWS_SQL.format(p=p, event="" if event_id is None else f" AND event_id = {p}"), params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    decimals: dict = {None: None}
    for value in {row[6] for row in rows} | {row[8] for row in rows} | {row[19] for row in rows}:
        if value is not None:
            decimals[value] = value if isinstance(value, Decimal) else Decimal(repr(value))
    decode = _JSON_DECODER.decode
    grouped: dict[int, list[PublicRow]] = defaultdict(list)
    new = PublicRow.__new__
    for (ev, rid, rank, tied, cj, dq, total, parts, deductions, prize, code, name, employer, ok, part_ok, marks,
         absent, round_reached, preliminary_rank, preliminary_total, away) in rows:
        grouped[ev].append(new(PublicRow, ev, rid, rank, bool(tied), bool(cj), bool(dq), decimals[total],
                               decode(parts) if isinstance(parts, str) else (parts or {}), decimals[deductions],
                               prize, code or "", name or "", employer or "", None if ok is None else bool(ok),
                               decode(part_ok) if isinstance(part_ok, str) else (part_ok or {}),
                               decode(marks) if isinstance(marks, str) else (marks or {}), bool(absent),
                               round_reached, preliminary_rank, decimals[preliminary_total],
                               decode(away) if isinstance(away, str) else (away or [])))
    return grouped


def purge_provisional(competition_id: int) -> None:
    """Drop unpublished snapshots (used when an event changes so a stale preview is never published)."""
    db.session.execute(delete(ResultSnapshot).where(ResultSnapshot.competition_id == competition_id,
                                                    ResultSnapshot.status == "provisional"))


def published_competitions(limit: int = 200) -> list[tuple[Competition, ResultSnapshot]]:
    """Competitions with published or final results and their public snapshot, newest publication first."""
    newest = (select(ResultSnapshot.competition_id, func.max(ResultSnapshot.version).label("version"))
              .where(ResultSnapshot.status.in_(("published", "final"))).group_by(ResultSnapshot.competition_id)
              .subquery())
    rows = db.session.execute(
        select(Competition, ResultSnapshot)
        .join(ResultSnapshot, ResultSnapshot.competition_id == Competition.id)
        .join(newest, (newest.c.competition_id == ResultSnapshot.competition_id)
              & (newest.c.version == ResultSnapshot.version))
        .order_by(ResultSnapshot.published_at.desc(), Competition.id.desc()).limit(limit)
    ).all()
    return [(competition, snapshot) for competition, snapshot in rows]
