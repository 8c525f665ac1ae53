"""Results: from signed-off marks to published, appealed and final standings.

The rules, as contest rules and the organizing committee's practice state them:

* Results are computed only when the chief judge has signed off (签字确认)
  every event of the competition: a standing built on marks that may still
  change would have to be withdrawn.
* Each event is scored by its marking scheme (``domain.scoring``), with the
  deductions, disqualifications (safety/quality veto, 一票否决) and time used
  the chief judge recorded here; ranked by the scheme's tie-break chain
  (``domain.ranking.standing_chain``) with shared places (1, 2, 2, 4) or, in
  "no tied places" mode, the chief judge's recorded order of each exact tie;
  and awarded by the event's award rule (``domain.awards``).
* Refused with a message, never guessed: an event with no marks; a competitor
  whose panel is short (most often after a recusal, 回避) or whose marks are
  missing; a tie still waiting for the chief judge; an award rule by
  proportions that promises more prizes than the event has entrants (the
  "at least one prize per share" rule cannot hold then: change the rule).
* The computed standings are a persisted snapshot (``ResultSnapshot`` and its
  ``ResultEntry`` rows): every web worker serves the same rows. Provisional
  standings show anonymous codes only; names and employers are revealed when
  the organizer publishes them for the public notice period (成绩公示), by
  default 5 working days (Monday to Friday) counted from the day after
  publication, ending at midnight (local time) after the last of them.
  Publishing moves the competition to "results". Publishing twice is refused.
* Appeals (申诉) are recorded during the notice period only. A dismissed
  appeal changes nothing. An upheld appeal reopens the affected event's marks
  to the chief judge; once it is signed off again the organizer recomputes and
  publishes the corrected standings, which start a new notice period of the
  same length (everyone may check the corrected figures).
* Results become final when the notice period is over, no appeal is pending
  and no upheld appeal is waiting for corrected results — by the scheduled job
  ``finalize_due_results`` or by the organizer. Final results never change.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict, namedtuple
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select

from competitions.audit.services import record
from competitions.domain import awards as award_rules
from competitions.domain import ranking as ranking_rules
from competitions.domain import scoring
from competitions.domain.consistency import JudgeConsistency, judge_consistency_report
from competitions.domain.errors import N_, Conflict, InvalidState, NotFound, RuleViolation
from competitions.domain.points import ZERO, round_points
from competitions.extensions import db
from competitions.judging.models import EventSignOff, JudgeAssignment
from competitions.organize.models import Competition, Event
from competitions.orgs.models import Organization, Worker
from competitions.registration.models import Registration
from competitions.results import teams
from competitions.results.models import (
    Appeal,
    EventResultSetting,
    ResultAdjustment,
    ResultEntry,
    ResultSnapshot,
    TieDecision,
)

DEFAULT_NOTICE_DAYS = 5
MAX_NOTICE_DAYS = 30
AWARD_METHODS = {
    "bands": award_rules.AwardMethod.RANK_BANDS,
    "proportions": award_rules.AwardMethod.PROPORTIONS,
    "medals": award_rules.AwardMethod.MEDALS,
}
COMPUTABLE_STATUSES = ("in_progress", "results")


# --- mapping the database to the domain ---------------------------------------------------------


def scheme_of(event: Event) -> scoring.MarkingScheme:
    """The event's marking scheme as the scoring rules need it."""
    parts = [scoring.Part(p.code, p.weight) for p in event.parts]
    criteria = [
        scoring.Criterion(id=c.id, part_code=p.code, max_mark=c.max_mark, kind=c.kind, aggregation=c.aggregation,
                          judges_required=c.judges_required, code=c.code)
        for p in event.parts for c in p.criteria
    ]
    return scoring.MarkingScheme(parts, criteria, trim_min_judges=event.trim_min_judges or 5)


def award_rule_of(event: Event) -> award_rules.AwardRule:
    """The event's stored award rule ({"mode": "bands", "first": 1, ...}) as the award rules need it."""
    stored = event.award_rule or {"mode": "bands", "first": 1, "second": 2, "third": 3}
    method = AWARD_METHODS.get(stored.get("mode"), stored.get("mode"))
    return award_rules.AwardRule(method, **{k: stored.get(k) or 0 for k in ("first", "second", "third")})


def competitor_ids(event_id: int) -> list[int]:
    """The approved registrations of an event: its competitors."""
    return list(db.session.execute(
        select(Registration.id).where(Registration.event_id == event_id, Registration.status == "approved")
        .order_by(Registration.id)
    ).scalars())


class PanelMark(NamedTuple):
    """A stored mark with exactly the attributes of ``scoring.Mark``, read straight from the mark table.

    The values come from a Numeric(8, 2) column, so the per-object checks of
    ``scoring.Mark`` have nothing to convert; skipping them keeps 140,000 marks
    fast to load (see bench/bench_results.py).
    """

    competitor_id: int
    criterion_id: int
    judge_id: int
    value: Decimal


MARKS_SQL = "SELECT registration_id, criterion_id, judge_id, value FROM mark WHERE event_id = {placeholder}"


def _mark_rows(event_id: int) -> list[tuple]:
    """(registration, criterion, judge, value) of every mark of an event: one query on the driver's cursor.

    The cursor belongs to the session's connection, so the marks are read in
    the same transaction as everything else; skipping SQLAlchemy's row objects
    matters at 140,000 marks.
    """
    connection = db.session.connection()
    placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    cursor = connection.connection.cursor()
    try:
        cursor.execute(MARKS_SQL.format(placeholder=placeholder), (event_id,))
        return cursor.fetchall()
    finally:
        cursor.close()


def _decimal_of(rows: list[tuple]) -> dict:
    """Each distinct stored value as a Decimal, converted once (SQLite hands back floats and ints).

    A 2-place value's float repr is exact. PostgreSQL already returns Decimals;
    they map to themselves.
    """
    return {v: v if isinstance(v, Decimal) else Decimal(repr(v)) for v in {row[3] for row in rows}}


def load_marks(event_id: int) -> list[PanelMark]:
    """Every mark of an event as plain marks (the judge consistency report reads them one by one)."""
    rows = _mark_rows(event_id)
    decimals = _decimal_of(rows)
    new = PanelMark.__new__
    return [new(PanelMark, r, c, j, decimals[v]) for r, c, j, v in rows]


def load_panels(event_id: int) -> tuple[scoring.Panels, int]:
    """Every mark of an event grouped into panels as it is read (``scoring.group_marks``'s shape), and the count.

    Scoring needs the marks grouped by competitor and criterion; grouping the
    cursor's tuples directly spares building one mark object per row.
    """
    rows = _mark_rows(event_id)
    decimals = _decimal_of(rows)
    panels: scoring.Panels = {}
    get = panels.get
    for registration_id, criterion_id, judge_id, value in rows:
        by_criterion = get(registration_id)
        if by_criterion is None:
            panels[registration_id] = by_criterion = {}
        panel = by_criterion.get(criterion_id)
        if panel is None:
            by_criterion[criterion_id] = ([judge_id], [decimals[value]])
        else:
            panel[0].append(judge_id)
            panel[1].append(decimals[value])
    return panels, len(rows)


def adjustments_of(event_id: int) -> dict[int, ResultAdjustment]:
    """The recorded adjustments of an event by registration id."""
    rows = db.session.execute(select(ResultAdjustment).where(ResultAdjustment.event_id == event_id)).scalars()
    return {row.registration_id: row for row in rows}


def tie_mode_of(event_id: int) -> str:
    """The event's tie mode: "shared" unless set to "no_tied_places"."""
    mode = db.session.execute(
        select(EventResultSetting.tie_mode).where(EventResultSetting.event_id == event_id)
    ).scalar_one_or_none()
    return mode or "shared"


@dataclass(frozen=True)
class EventStanding:
    """One event's scores, ranking and (when the ranking is final) awards; problems block publication."""

    event: Event
    scores: scoring.EventScores
    ranking: ranking_rules.Ranking | None
    awards: tuple[award_rules.Award, ...]
    time_used: dict[int, int]
    problems: tuple[scoring.ScoringProblem, ...]
    mark_count: int


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a computation allocates many short-lived, acyclic objects.

    Scoring 140,000 marks creates that many small objects; CPython would run
    dozens of generation-0 collections over them for nothing (no cycles are
    made), about a third of the computation's time. Reference counting still
    frees everything; the collector's previous state is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def event_standing(event: Event, *, marks: list[PanelMark] | None = None) -> EventStanding:
    """Score, rank and award one event as far as its data allows (the chief judge's preview)."""
    with cyclic_gc_paused():
        return _event_standing(event, marks)


def _event_standing(event: Event, marks: list[PanelMark] | None) -> EventStanding:
    """``event_standing`` without the collector pause."""
    if marks is None:
        panels, mark_count = load_panels(event.id)
    else:
        panels, mark_count = scoring.group_marks(marks), len(marks)
    adjustments = adjustments_of(event.id)
    deductions = [scoring.Deduction(rid, a.deduction_points, a.deduction_reason)
                  for rid, a in adjustments.items() if a.deduction_points]
    disqualified = [rid for rid, a in adjustments.items() if a.disqualified]
    time_used = {rid: a.time_used_seconds for rid, a in adjustments.items() if a.time_used_seconds is not None}
    scores = scoring.score_panels(scheme_of(event), panels, competitor_ids=competitor_ids(event.id),
                                  deductions=deductions, disqualified=disqualified)
    if scores.problems:
        return EventStanding(event, scores, None, (), time_used, scores.problems, mark_count)
    chain = ranking_rules.standing_chain(event.tie_break or [], [p.code for p in event.parts])
    entries = ranking_rules.entries_from_scores(scores, time_used)
    ranking = ranking_rules.rank_with_ties(entries, chain, mode=tie_mode_of(event.id))
    ranking = _apply_decisions(event.id, ranking)
    awards = award_rules.assign_awards(ranking, award_rule_of(event)) if ranking.is_final else ()
    return EventStanding(event, scores, ranking, awards, time_used, (), mark_count)


def _apply_decisions(event_id: int, ranking: ranking_rules.Ranking) -> ranking_rules.Ranking:
    """Apply the latest recorded decision for each tied group that still waits (stale ones are ignored)."""
    if ranking.mode is not ranking_rules.TieMode.NO_TIED_PLACES:
        return ranking
    decisions = db.session.execute(
        select(TieDecision).where(TieDecision.event_id == event_id).order_by(TieDecision.id.desc())
    ).scalars().all()
    for decision in decisions:
        order = [int(i) for i in decision.ordered_registration_ids]
        if any(set(group) == set(order) for group in ranking.unresolved):
            ranking = ranking_rules.apply_chief_judge_decision(ranking, order)
    return ranking


def codes_of(registration_ids) -> dict[int, str]:
    """Anonymous codes (or the station, or the id) by registration id: how messages name competitors."""
    rows = db.session.execute(
        select(Registration.id, Registration.anonymous_code, Registration.station)
        .where(Registration.id.in_(list(registration_ids)))
    ).all()
    return {rid: code or (f"#{station}" if station else f"R{rid}") for rid, code, station in rows}


def check_publishable(standing: EventStanding) -> None:
    """Raise a clear error when an event's standing cannot be part of the results."""
    event = standing.event
    if standing.mark_count == 0:
        raise RuleViolation("The event %(event)s has no marks.", field="marks", event=event.trade_name)
    if standing.problems:
        problem = standing.problems[0]
        params = dict(problem.params)
        if "competitor" in params:
            params["competitor"] = codes_of([problem.competitor_id]).get(problem.competitor_id, problem.competitor_id)
        raise RuleViolation(problem.message, field="marks", **params)
    if not standing.ranking.is_final:
        raise InvalidState("The chief judge must first decide the order of the tied competitors in %(event)s.",
                           field="ranking", event=event.trade_name)
    _check_award_fits(standing)


def _check_award_fits(standing: EventStanding) -> None:
    """Proportions promise at least one prize per share; refuse when the shares outnumber the entrants."""
    rule = award_rule_of(standing.event)
    award_rules.check_award_rule(rule)
    if rule.method is not award_rules.AwardMethod.PROPORTIONS:
        return
    entrants = sum(1 for e in standing.ranking.entries if not e.disqualified)
    prizes = sum(award_rules.prize_counts(rule, entrants).values())
    if prizes > entrants:
        raise RuleViolation(
            "The award proportions of %(event)s give %(prizes)s prizes but the event has only %(entrants)s"
            " entrants; change the award rule.",
            field="award_rule", event=standing.event.trade_name, prizes=prizes, entrants=entrants,
        )


# --- adjustments and tie decisions --------------------------------------------------------------


@dataclass(frozen=True)
class AdjustmentData:
    """What the chief judge records for one competitor."""

    registration_id: int
    time_used_seconds: int | None
    deduction_points: Decimal
    deduction_reason: str
    disqualified: bool
    disqualification_reason: str


def _require_event_open_for_changes(event: Event) -> None:
    """Adjustments freeze once results are published, unless an upheld appeal reopened the event."""
    current = current_snapshot(event.competition_id)
    if current is None or current.status == "provisional":
        # A provisional snapshot computed before this change would be stale: it must be recomputed.
        purge_provisional(event.competition_id)
        return
    if current.status == "final":
        raise InvalidState("The results are final; nothing can change any more.")
    sign_off = _sign_off(event.id)
    if sign_off is not None and sign_off.locked:
        raise InvalidState("The results are published; only an upheld appeal can reopen this event.")


def record_adjustment(event: Event, data: AdjustmentData, *, actor_id: int | None) -> ResultAdjustment:
    """Record time used, a deduction and a disqualification for one competitor (audited)."""
    _require_event_open_for_changes(event)
    registration = db.session.get(Registration, data.registration_id)
    if registration is None or registration.event_id != event.id or registration.status != "approved":
        raise NotFound("This competitor is not in this event.")
    if data.time_used_seconds is not None and data.time_used_seconds < 0:
        raise RuleViolation("Time used cannot be negative.", field="time_used")
    if data.deduction_points < 0:
        raise RuleViolation("A deduction may only take points off.", field="deduction_points")
    if data.deduction_points > 0 and not data.deduction_reason.strip():
        raise RuleViolation("Give the reason for the deduction.", field="deduction_reason")
    if data.disqualified and not data.disqualification_reason.strip():
        raise RuleViolation("Give the reason for the disqualification.", field="disqualification_reason")
    row = db.session.execute(select(ResultAdjustment).where(
        ResultAdjustment.event_id == event.id, ResultAdjustment.registration_id == registration.id
    )).scalar_one_or_none()
    old = _adjustment_dict(row) if row else None
    if row is None:
        row = ResultAdjustment(event_id=event.id, registration_id=registration.id)
        db.session.add(row)
    row.time_used_seconds = data.time_used_seconds
    row.deduction_points = round_points(data.deduction_points)
    row.deduction_reason = data.deduction_reason.strip() if data.deduction_points else ""
    row.disqualified = data.disqualified
    row.disqualification_reason = data.disqualification_reason.strip() if data.disqualified else ""
    row.updated_by_id = actor_id
    db.session.flush()
    record("result_adjustment", actor_id=actor_id, object_type="registration", object_id=registration.id,
           competition_id=event.competition_id, event_id=event.id, old=old, new=_adjustment_dict(row),
           reason=row.disqualification_reason or row.deduction_reason)
    return row


def _adjustment_dict(row: ResultAdjustment) -> dict:
    """An adjustment as audit JSON."""
    return {"time_used_seconds": row.time_used_seconds, "deduction_points": str(row.deduction_points or ZERO),
            "deduction_reason": row.deduction_reason, "disqualified": bool(row.disqualified),
            "disqualification_reason": row.disqualification_reason}


def set_tie_mode(event: Event, mode: str, *, actor_id: int | None) -> None:
    """Choose shared places or "no tied places" for an event (before results are published)."""
    if mode not in ("shared", "no_tied_places"):
        raise RuleViolation("Unknown tie mode %(mode)s.", field="tie_mode", mode=mode)
    _require_event_open_for_changes(event)
    setting = db.session.execute(
        select(EventResultSetting).where(EventResultSetting.event_id == event.id)
    ).scalar_one_or_none()
    if setting is None:
        setting = EventResultSetting(event_id=event.id)
        db.session.add(setting)
    old = setting.tie_mode
    setting.tie_mode = mode
    db.session.flush()
    record("result_tie_mode", actor_id=actor_id, object_type="event", object_id=event.id,
           competition_id=event.competition_id, event_id=event.id, old={"tie_mode": old}, new={"tie_mode": mode})


def record_tie_decision(event: Event, codes: list[str], reason: str, *, actor_id: int | None) -> TieDecision:
    """Record the chief judge's order (anonymous codes, best first) of one group of exactly tied competitors."""
    _require_event_open_for_changes(event)
    if not reason.strip():
        raise RuleViolation("Give the reason for the chief judge's decision.", field="reason")
    if tie_mode_of(event.id) != "no_tied_places":
        raise RuleViolation("This event shares tied places; there is no tie for the chief judge to decide.",
                            field="order")
    by_code = {}
    for rid, code in codes_of(competitor_ids(event.id)).items():
        by_code[code.upper()] = rid
    unknown = [c for c in codes if c.upper() not in by_code]
    if unknown:
        raise RuleViolation("No competitor of this event has the code %(code)s.", field="order", code=unknown[0])
    order = [by_code[c.upper()] for c in codes]
    standing = event_standing(event)
    if standing.ranking is None:
        raise InvalidState("The event cannot be ranked yet; resolve its scoring problems first.")
    try:
        ranking_rules.apply_chief_judge_decision(standing.ranking, order)
    except RuleViolation:
        raise RuleViolation("These competitors are not one group still tied: %(codes)s.",
                            field="order", codes=", ".join(codes)) from None
    decision = TieDecision(event_id=event.id, ordered_registration_ids=order, reason=reason.strip(),
                           decided_by_id=actor_id)
    db.session.add(decision)
    db.session.flush()
    record("result_tie_decision", actor_id=actor_id, object_type="event", object_id=event.id,
           competition_id=event.competition_id, event_id=event.id, new={"order": codes}, reason=reason.strip())
    return decision


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


def unsigned_events(competition: Competition) -> list[Event]:
    """Events of the competition whose marks are not signed off and locked."""
    locked = set(db.session.execute(
        select(EventSignOff.event_id).join(Event, Event.id == EventSignOff.event_id)
        .where(Event.competition_id == competition.id, EventSignOff.locked.is_(True))
    ).scalars())
    return [e for e in competition.events if e.id not in locked]


def _lock(competition: Competition) -> None:
    """Serialize computing and publishing per competition (PostgreSQL row lock; SQLite writes are serial anyway)."""
    db.session.execute(select(Competition.id).where(Competition.id == competition.id).with_for_update())


def may_compute(current: ResultSnapshot | None) -> bool:
    """Whether computing is possible at this stage: before publication, or after an upheld appeal."""
    if current is None or current.status == "provisional":
        return True
    return current.status == "published" and bool(_upheld_appeals(current))


def compute_provisional_results(competition: Competition, *, actor_id: int | None) -> ResultSnapshot:
    """Compute every event's standing into a new provisional snapshot (replacing an unpublished one)."""
    _lock(competition)
    if competition.status not in COMPUTABLE_STATUSES:
        raise InvalidState("Results can be computed once the competition is in progress.")
    if not competition.events:
        raise InvalidState("This competition has no events.")
    current = current_snapshot(competition.id)
    if current is not None and current.status == "final":
        raise InvalidState("The results are final; nothing can change any more.")
    if current is not None and current.status == "published" and not _upheld_appeals(current):
        raise InvalidState("The results are published; only an upheld appeal allows recomputing them.")
    pending = unsigned_events(competition)
    if pending:
        raise InvalidState("Results can be computed only when every event is signed off; not yet: %(events)s.",
                           events=", ".join(e.trade_name for e in pending))
    standings = [event_standing(event) for event in competition.events]
    for standing in standings:
        check_publishable(standing)
    team_lines = teams.team_standings(standings)  # team events: team scores, places and prizes (results.teams)
    if current is not None and current.status == "provisional":
        db.session.delete(current)
        db.session.flush()
    version = (db.session.execute(select(func.max(ResultSnapshot.version))
                                  .where(ResultSnapshot.competition_id == competition.id)).scalar() or 0) + 1
    snapshot = ResultSnapshot(competition_id=competition.id, version=version, status="provisional",
                              computed_by_id=actor_id)
    db.session.add(snapshot)
    db.session.flush()
    _write_entries(snapshot, standings)
    teams.write_team_entries(snapshot, team_lines)
    record("results_computed", actor_id=actor_id, object_type="result_snapshot", object_id=snapshot.id,
           competition_id=competition.id, new={"version": version})
    return snapshot


def _write_entries(snapshot: ResultSnapshot, standings: list[EventStanding]) -> None:
    """Persist every event's standing as entry rows, with who each competitor is (shown once published)."""
    people = _people([e.competitor_id for s in standings for e in s.ranking.entries])
    rows = []
    for standing in standings:
        prizes = {a.competitor_id: a.prize for a in standing.awards}
        scores = {s.competitor_id: s for s in standing.scores.scores}
        for position, entry in enumerate(standing.ranking.entries, start=1):
            score = scores[entry.competitor_id]
            code, station, name, employer, worker_id = people[entry.competitor_id]
            prize = prizes.get(entry.competitor_id)
            rows.append({
                "snapshot_id": snapshot.id, "event_id": standing.event.id, "registration_id": entry.competitor_id,
                "position": position, "rank": entry.rank, "tied": entry.tied,
                "decided_by_chief_judge": entry.decided_by_chief_judge, "disqualified": entry.disqualified,
                "total": entry.total, "part_scores": {k: str(v) for k, v in score.part_scores.items()},
                "deductions": score.deductions, "time_used_seconds": standing.time_used.get(entry.competitor_id),
                "prize": prize.value if prize else None, "anonymous_code": code, "station": station,
                "name": name, "employer": employer, "worker_id": worker_id,
            })
    if rows:
        db.session.execute(ResultEntry.__table__.insert(), rows)
    db.session.flush()


def _people(registration_ids: list[int]) -> dict[int, tuple]:
    """(code, station, name, employer, worker id) by registration id, in one query."""
    out = {}
    for chunk_start in range(0, len(registration_ids), 500):
        chunk = registration_ids[chunk_start:chunk_start + 500]
        rows = db.session.execute(
            select(Registration.id, Registration.anonymous_code, Registration.station, Worker.name,
                   Organization.name, Worker.id)
            .join(Worker, Worker.id == Registration.worker_id)
            .join(Organization, Organization.id == Worker.employer_id)
            .where(Registration.id.in_(chunk))
        ).all()
        for rid, code, station, name, employer, worker_id in rows:
            out[rid] = (code or "", station, name, employer, worker_id)
    return out


# --- notice period, publication, finalization --------------------------------------------------


def notice_end(published_at: datetime, working_days: int, zone: ZoneInfo) -> datetime:
    """When a notice period of ``working_days`` (Mon-Fri) published at ``published_at`` ends (aware UTC).

    Counting starts the day after publication; the period ends at local
    midnight after its last working day.
    """
    day: date = published_at.astimezone(zone).date()
    counted = 0
    while counted < working_days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    end_local = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)
    return end_local.astimezone(UTC)


def publish_results(competition: Competition, *, actor_id: int | None, now: datetime, zone: ZoneInfo,
                    notice_days: int = DEFAULT_NOTICE_DAYS) -> ResultSnapshot:
    """Publish the provisional snapshot for the public notice period; the competition moves to "results"."""
    if not 1 <= notice_days <= MAX_NOTICE_DAYS:
        raise RuleViolation("The notice period must be 1 to %(max)s working days.", field="notice_days",
                            max=MAX_NOTICE_DAYS)
    _lock(competition)
    snapshot = current_snapshot(competition.id)
    if snapshot is None:
        raise InvalidState("Compute the provisional results first.")
    if snapshot.status in ("published", "final"):
        raise Conflict("These results are already published.")
    for older in snapshots_of(competition.id):
        if older.id != snapshot.id and older.status == "published":
            older.status = "superseded"
            for appeal in _appeals_of(older):
                if appeal.decision == "pending":
                    raise InvalidState("Decide the pending appeals before publishing corrected results.")
    snapshot.status = "published"
    snapshot.published_at = now
    snapshot.published_by_id = actor_id
    snapshot.notice_days = notice_days
    snapshot.notice_ends_at = notice_end(now, notice_days, zone)
    if competition.status == "in_progress":
        from competitions.organize.services import change_status

        change_status(competition, "results")
    db.session.flush()
    record("results_published", actor_id=actor_id, object_type="result_snapshot", object_id=snapshot.id,
           competition_id=competition.id,
           new={"version": snapshot.version, "notice_ends_at": snapshot.notice_ends_at.isoformat()})
    return snapshot


def _appeals_of(snapshot: ResultSnapshot) -> list[Appeal]:
    return list(db.session.execute(
        select(Appeal).where(Appeal.snapshot_id == snapshot.id).order_by(Appeal.id)
    ).scalars())


def _upheld_appeals(snapshot: ResultSnapshot) -> list[Appeal]:
    return [a for a in _appeals_of(snapshot) if a.decision == "upheld"]


def finalize_blocker(snapshot: ResultSnapshot, now: datetime) -> tuple[str, dict] | None:
    """Why a snapshot cannot become final yet, as (message, params); None when it can."""
    if snapshot.status == "final":
        return None
    if snapshot.status != "published":
        return (N_("Only published results can become final."), {})
    if now < snapshot.notice_ends_at:
        return (N_("The notice period is still running; results become final after it ends."), {})
    appeals = _appeals_of(snapshot)
    if any(a.decision == "pending" for a in appeals):
        return (N_("An appeal is still pending; decide it first."), {})
    if any(a.decision == "upheld" for a in appeals):
        return (N_("An upheld appeal is waiting for corrected results; recompute and publish them first."), {})
    return None


def finalize_results(snapshot: ResultSnapshot, *, actor_id: int | None, now: datetime) -> bool:
    """Make published results final once their notice period is over; False when already final (idempotent)."""
    if snapshot.status == "final":
        return False
    blocker = finalize_blocker(snapshot, now)
    if blocker is not None:
        message, params = blocker
        raise InvalidState(message, **params)
    snapshot.status = "final"
    snapshot.finalized_at = now
    snapshot.finalized_by_id = actor_id
    db.session.flush()
    record("results_finalized", actor_id=actor_id, object_type="result_snapshot", object_id=snapshot.id,
           competition_id=snapshot.competition_id, new={"version": snapshot.version, "by_job": actor_id is None})
    return True


def due_snapshots(now: datetime) -> list[ResultSnapshot]:
    """Published snapshots whose notice period is over."""
    return list(db.session.execute(
        select(ResultSnapshot).where(ResultSnapshot.status == "published", ResultSnapshot.notice_ends_at <= now)
        .order_by(ResultSnapshot.id)
    ).scalars())


# --- appeals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealData:
    """An appeal as the organizer records it."""

    event_id: int
    appellant: str
    subject: str
    competitor_code: str = ""


def record_appeal(competition: Competition, data: AppealData, *, actor_id: int | None, now: datetime) -> Appeal:
    """Record an appeal against the published results; refused outside the notice period."""
    snapshot = public_snapshot(competition.id)
    if snapshot is None:
        raise InvalidState("Appeals can be recorded only while published results are on public notice.")
    if snapshot.status == "final" or now >= snapshot.notice_ends_at:
        raise InvalidState("The notice period is over; appeals can no longer be recorded.")
    event = db.session.get(Event, data.event_id)
    if event is None or event.competition_id != competition.id:
        raise RuleViolation("Choose an event of this competition.", field="event_id")
    if not data.appellant.strip() or not data.subject.strip():
        raise RuleViolation("Say who appeals and about what.", field="subject")
    registration_id = None
    if data.competitor_code.strip():
        codes = {c.upper(): rid for rid, c in codes_of(competitor_ids(event.id)).items()}
        registration_id = codes.get(data.competitor_code.strip().upper())
        if registration_id is None:
            raise RuleViolation("No competitor of this event has the code %(code)s.", field="competitor_code",
                                code=data.competitor_code.strip())
    appeal = Appeal(snapshot_id=snapshot.id, competition_id=competition.id, event_id=event.id,
                    registration_id=registration_id, appellant=data.appellant.strip(), subject=data.subject.strip(),
                    lodged_at=now, recorded_by_id=actor_id)
    db.session.add(appeal)
    db.session.flush()
    record("appeal_recorded", actor_id=actor_id, object_type="appeal", object_id=appeal.id,
           competition_id=competition.id, event_id=event.id,
           new={"appellant": appeal.appellant, "subject": appeal.subject})
    return appeal


def decide_appeal(appeal: Appeal, decision: str, reason: str, *, actor_id: int | None, now: datetime) -> None:
    """Uphold or dismiss an appeal with a reason; upholding reopens the event's marks to the chief judge."""
    if decision not in ("upheld", "dismissed"):
        raise RuleViolation("Choose to uphold or dismiss the appeal.", field="decision")
    if not reason.strip():
        raise RuleViolation("Give the reason for the decision.", field="reason")
    if appeal.decision != "pending":
        raise Conflict("This appeal has already been decided.")
    snapshot = db.session.get(ResultSnapshot, appeal.snapshot_id)
    if snapshot.status != "published":
        raise InvalidState("These results are no longer on public notice.")
    appeal.decision = decision
    appeal.decision_reason = reason.strip()
    appeal.decided_by_id = actor_id
    appeal.decided_at = now
    db.session.flush()
    record("appeal_decided", actor_id=actor_id, object_type="appeal", object_id=appeal.id,
           competition_id=appeal.competition_id, event_id=appeal.event_id, new={"decision": decision},
           reason=appeal.decision_reason)
    if decision == "upheld":
        reopen_event_for_appeal(db.session.get(Event, appeal.event_id), actor_id=actor_id,
                                reason=appeal.decision_reason)


def reopen_event_for_appeal(event: Event, *, actor_id: int | None, reason: str) -> None:
    """Reopen an event's signed-off marks to its chief judge, through judging's service when it exists."""
    try:
        from competitions.judging.services import reopen_event
    except ImportError:
        reopen_event = None
    if reopen_event is not None:
        from competitions.auth.models import User

        reopen_event(event, actor=db.session.get(User, actor_id) if actor_id else None, reason=reason)
        return
    sign_off = _sign_off(event.id)
    if sign_off is None:
        raise InvalidState("This event was never signed off.")
    sign_off.locked = False
    db.session.flush()
    record("event_reopened", actor_id=actor_id, object_type="event", object_id=event.id,
           competition_id=event.competition_id, event_id=event.id, old={"locked": True}, new={"locked": False},
           reason=reason)


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
                                     "anonymous_code", "name", "employer"])
_JSON_DECODER = json.JSONDecoder()
PUBLIC_ROWS_SQL = (
    "SELECT event_id, registration_id, rank, tied, decided_by_chief_judge, disqualified, total, part_scores,"
    " deductions, prize, anonymous_code, name, employer FROM result_entry WHERE snapshot_id = {p}{event}"
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
    for value in {row[6] for row in rows} | {row[8] for row in rows}:
        if value is not None:
            decimals[value] = value if isinstance(value, Decimal) else Decimal(repr(value))
    decode = _JSON_DECODER.decode
    grouped: dict[int, list[PublicRow]] = defaultdict(list)
    new = PublicRow.__new__
    for ev, rid, rank, tied, cj, dq, total, parts, deductions, prize, code, name, employer in rows:
        grouped[ev].append(new(PublicRow, ev, rid, rank, bool(tied), bool(cj), bool(dq), decimals[total],
                               decode(parts) if isinstance(parts, str) else (parts or {}), decimals[deductions],
                               prize, code or "", name or "", employer or ""))
    return grouped


def standardised_scores(grouped: dict[int, list[ResultEntry]], *, centre: Decimal,
                        spread: Decimal) -> dict[int, Decimal]:
    """Each ranked competitor's total on a common scale across events (per event z-score x spread + centre)."""
    out: dict[int, Decimal] = {}
    for entries in grouped.values():
        totals = {e.registration_id: e.total for e in entries if not e.disqualified and e.total is not None}
        out.update(scoring.standardise(totals, centre=centre, spread=spread))
    return out


def judge_report(event: Event) -> list[tuple[JudgeConsistency, str]]:
    """The judge consistency report of one event, each line with the judge's display name."""
    from competitions.auth.models import User

    lines = judge_consistency_report(scheme_of(event), load_marks(event.id))
    names = dict(db.session.execute(
        select(User.id, User.display_name).where(User.id.in_([line.judge_id for line in lines]))
    ).all()) if lines else {}
    return [(line, names.get(line.judge_id, str(line.judge_id))) for line in lines]


def is_chief_judge(user_id: int, event_id: int) -> bool:
    """True when the user is the chief judge of the event."""
    return db.session.execute(
        select(JudgeAssignment.id).where(JudgeAssignment.event_id == event_id, JudgeAssignment.user_id == user_id,
                                         JudgeAssignment.is_chief.is_(True)).limit(1)
    ).first() is not None


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
