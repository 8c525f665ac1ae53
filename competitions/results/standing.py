"""Standing: from signed-off marks to each event's scores, places and prizes, and the provisional snapshot.

The rules, as contest rules and the organizing committee's practice state them:

* Results are computed only when the chief judge has signed off (签字确认)
  every event of the competition: a standing built on marks that may still
  change would have to be withdrawn.
* Each event is scored by its marking scheme (``domain.scoring``), with the
  deductions, disqualifications (safety/quality veto, 一票否决) and time used
  the chief judge recorded (``results.adjustments``); ranked by the scheme's
  tie-break chain (``domain.ranking.standing_chain``) with shared places
  (1, 2, 2, 4) or, in "no tied places" mode, the chief judge's recorded order
  of each exact tie; and awarded by the event's award rule (``domain.awards``).
* Refused with a message, never guessed: an event with no marks; a competitor
  whose panel is short (most often after a recusal, 回避) or whose marks are
  missing; a tie still waiting for the chief judge; an award rule by
  proportions that promises more prizes than the event has entrants (the
  "at least one prize per share" rule cannot hold then: change the rule).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, select

from competitions.audit.services import record
from competitions.domain import awards as award_rules
from competitions.domain import passing, scoring
from competitions.domain import ranking as ranking_rules
from competitions.domain import readings as reading_rules
from competitions.domain.consistency import JudgeConsistency, judge_consistency_report
from competitions.domain.errors import N_, InvalidState, Phrase, RuleViolation
from competitions.extensions import db
from competitions.judging.models import JudgeAssignment
from competitions.organize.models import Competition, Event
from competitions.orgs.models import Organization, Worker
from competitions.registration.models import Registration
from competitions.results import teams
from competitions.results.models import (
    EventResultSetting,
    ResultAdjustment,
    ResultEntry,
    ResultSnapshot,
    TieDecision,
)
from competitions.results.snapshots import _lock, _upheld_appeals, current_snapshot, ranked_events, unsigned_events

AWARD_METHODS = {
    "bands": award_rules.AwardMethod.RANK_BANDS,
    "proportions": award_rules.AwardMethod.PROPORTIONS,
    "medals": award_rules.AwardMethod.MEDALS,
}
COMPUTABLE_STATUSES = ("in_progress", "results")


# --- mapping the database to the domain ---------------------------------------------------------


def scheme_of(event: Event) -> scoring.MarkingScheme:
    """The event's marking scheme as the scoring rules need it."""
    parts = [scoring.Part(p.code, p.weight, carried=bool(p.carried_from)) for p in event.parts]
    criteria = [
        scoring.Criterion(id=c.id, part_code=p.code, max_mark=c.max_mark, kind=c.kind, aggregation=c.aggregation,
                          judges_required=c.judges_required, code=c.code, reading=reading_rule_of(c))
        for p in event.parts for c in p.criteria
    ]
    precision = event.precision if event.precision is not None else scoring.DEFAULT_PRECISION
    return scoring.MarkingScheme(parts, criteria, trim_min_judges=event.trim_min_judges or 5, precision=precision)


def reading_rule_of(criterion) -> reading_rules.ReadingRule | None:
    """A measured criterion's check-reading rule (``domain.readings``); None unless it has a check reading."""
    if criterion.kind != "measurement" or (criterion.reading_mode or "once") != "check":
        return None
    return reading_rules.ReadingRule(reading_rules.ReadingMode.CHECK, criterion.judges_required,
                                     criterion.tolerance, criterion.check_counts or "first")


def check_readings_of(event: Event, panels: scoring.Panels) -> dict[int, dict[int, Decimal]]:
    """Put each check-read criterion's readings in the order taken, and return the chief judge's kept readings.

    The marks of check-read criteria are read again in the order they were
    stored (the first reading is the first mark), and replace their panels in
    ``panels``. Returns competitor -> criterion -> kept reading, for the
    decisions still made on the readings as they are now (``domain.readings.decided_value``).
    """
    from competitions.judging.models import Mark, ReadingDecision

    check_ids = [c.id for p in event.parts for c in p.criteria if reading_rule_of(c) is not None]
    # Kept readings of criteria read once too (disagreeing readings recorded before the write-time refusal, or
    # racing past it): one small query, and the marks below only when there is something to look at.
    decisions = list(db.session.execute(select(ReadingDecision).where(ReadingDecision.event_id == event.id,
                                                                      ReadingDecision.action == "keep")
                                        .order_by(ReadingDecision.id)).scalars())
    wanted = set(check_ids) | {d.criterion_id for d in decisions}
    if not wanted:
        return {}
    rows = db.session.execute(select(Mark.registration_id, Mark.criterion_id, Mark.judge_id, Mark.value)
                              .where(Mark.event_id == event.id, Mark.criterion_id.in_(sorted(wanted)))
                              .order_by(Mark.id)).all()
    ordered: dict[tuple[int, int], tuple[list[int], list[Decimal]]] = {}
    for registration_id, criterion_id, judge_id, value in rows:
        judges, values = ordered.setdefault((registration_id, criterion_id), ([], []))
        judges.append(judge_id)
        values.append(Decimal(value))
    for (registration_id, criterion_id), panel in ordered.items():
        if registration_id in panels and criterion_id in check_ids:
            panels[registration_id][criterion_id] = panel
    decided: dict[int, dict[int, Decimal]] = {}
    for decision in decisions:  # later decisions of a cell overwrite earlier ones
        judges, values = ordered.get((decision.registration_id, decision.criterion_id), ([], []))
        value = reading_rules.decided_value({int(j): Decimal(v) for j, v in (decision.readings or {}).items()},
                                            dict(zip(judges, values, strict=True)), decision.kept_judge_id)
        by_criterion = decided.setdefault(decision.registration_id, {})
        if value is None:
            by_criterion.pop(decision.criterion_id, None)
        else:
            by_criterion[decision.criterion_id] = value
    return decided


def absent_parts_of(adjustments) -> dict[int, list[str]]:
    """Registration -> codes of the parts they were absent from (缺考 for a part), from the adjustments."""
    return {rid: sorted(a.absent_parts) for rid, a in adjustments.items()
            if a.absent_parts and not a.absent and not a.disqualified}


def pass_rule_of(event: Event) -> passing.PassRule:
    """The event's pass marks (per part, on the part's own scale) and minimum total as ``domain.passing`` needs."""
    return passing.PassRule(
        part_marks={p.code: p.pass_mark for p in event.parts if p.pass_mark is not None},
        min_total=event.pass_total, placement=event.failed_placement or passing.FailedPlacement.RANKED,
    )


def award_rule_of(event: Event) -> award_rules.AwardRule:
    """The event's stored award rule ({"mode": "bands", "first": 1, ...}) as the award rules need it."""
    stored = event.award_rule or {"mode": "bands", "first": 1, "second": 2, "third": 3}
    method = AWARD_METHODS.get(stored.get("mode"), stored.get("mode"))
    return award_rules.AwardRule(method, **{k: stored.get(k) or 0 for k in ("first", "second", "third", "honourable")},
                                 rounding=stored.get("rounding") or award_rules.FractionRounding.DOWN)


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
    # By competitor: whether they reached the pass marks (``domain.passing``); empty while problems remain.
    passes: dict[int, passing.PassOutcome] = field(default_factory=dict)
    # By competitor: codes of the parts they were absent from (缺考 for a part; the part scored 0).
    absent_parts: dict[int, list[str]] = field(default_factory=dict)


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
    ids = competitor_ids(event.id)
    # A registration withdrawn or rejected after marks or adjustments were recorded is no longer in the event:
    # what was recorded for it is left out, never a reason to refuse the whole competition.
    current = set(ids)
    if not current.issuperset(panels):
        panels = {rid: panel for rid, panel in panels.items() if rid in current}
    adjustments = {rid: a for rid, a in adjustments_of(event.id).items() if rid in current}
    deductions = [scoring.Deduction(rid, a.deduction_points, a.deduction_reason)
                  for rid, a in adjustments.items() if a.deduction_points]
    disqualified = [rid for rid, a in adjustments.items() if a.disqualified]
    absent = [rid for rid, a in adjustments.items() if a.absent and not a.disqualified]
    time_used = {rid: a.time_used_seconds for rid, a in adjustments.items() if a.time_used_seconds is not None}
    carried = None
    if event.round == "final":  # parts carried from the preliminary, frozen with its standing (rounds)
        from competitions.rounds.services import carried_marks

        carried = carried_marks(event)
    away = absent_parts_of(adjustments)
    decided = check_readings_of(event, panels)
    scores = scoring.score_panels(scheme_of(event), panels, competitor_ids=ids,
                                  deductions=deductions, disqualified=disqualified, absent=absent, carried=carried,
                                  absent_parts=away, decided=decided)
    if scores.problems:
        return EventStanding(event, scores, None, (), time_used, scores.problems, mark_count, absent_parts=away)
    chain = ranking_rules.standing_chain(event.tie_break or [], [p.code for p in event.parts])
    rule = pass_rule_of(event)
    passes = {s.competitor_id: passing.judge_pass(rule, s.part_marks, s.total)
              for s in scores.scores if s.status is scoring.ScoreStatus.SCORED} if rule.applies else {}
    entries = ranking_rules.entries_from_scores(scores, time_used, {cid: o.passed for cid, o in passes.items()})
    untimed = ranking_rules.missing_time_where_it_decides(entries, chain)
    if untimed:
        problems = tuple(scoring.ScoringProblem(
            scoring.ProblemCode.MISSING_TIME, cid, None,
            N_("No time used is recorded, and the tie-break on time decides this place; record the time on the"
               " chief judge's page."), {"competitor": cid}) for cid in untimed)
        return EventStanding(event, scores, None, (), time_used, problems, mark_count, absent_parts=away)
    ranking = ranking_rules.rank_with_ties(entries, chain, mode=tie_mode_of(event.id),
                                           failed_after=rule.placement is passing.FailedPlacement.AFTER)
    ranking = _only_decisive_ties(ranking, award_rule_of(event), bool(event.absent_are_entrants))
    ranking = _apply_decisions(event.id, ranking)
    awards = award_rules.assign_awards(ranking, award_rule_of(event), absent_are_entrants=bool(
        event.absent_are_entrants)) if ranking.is_final else ()
    ranking = ranking_rules.renumber(ranking, event.rank_style or ranking_rules.RankStyle.STANDARD)
    return EventStanding(event, scores, ranking, awards, time_used, (), mark_count, passes, absent_parts=away)


def _only_decisive_ties(ranking: ranking_rules.Ranking, rule: award_rules.AwardRule,
                        absent_are_entrants: bool = False) -> ranking_rules.Ranking:
    """In "no tied places" mode, leave to the chief judge only the ties that decide a prize; the rest share.

    A tie no award boundary runs through changes nothing whatever its order
    (``domain.awards.boundary_ties``), so the competitors share the place.
    """
    if ranking.is_final:
        return ranking
    try:
        counts = award_rules.prize_counts(
            rule, award_rules.entrant_count(ranking, absent_are_entrants=absent_are_entrants))
    except RuleViolation:
        return ranking  # an unusable award rule is reported by check_publishable; decide every tie meanwhile
    return award_rules.share_undecisive_ties(ranking, award_rules.boundary_ties(ranking, counts))


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


def problem_message(problem: scoring.ScoringProblem, event: Event) -> tuple[str, dict]:
    """A scoring problem as the chief judge can act on it: event, competitor code and station, criterion, judge.

    Returns (message, params) for ``RuleViolation`` or ``translate``: the
    problem's own message is kept whole (``Phrase``) inside one that says
    where it is.
    """
    from competitions.auth.models import User

    params = dict(problem.params)
    code, station = _code_and_station(problem.competitor_id)
    params["competitor"] = code
    if "judges" in params and "readings" in params:  # judge ids as names: "王芳: 72, 李强: 50"
        names = dict(db.session.execute(select(User.id, User.display_name)
                                        .where(User.id.in_(list(params["judges"])))).all())
        params["readings"] = ", ".join(
            f"{names.get(int(judge), judge)}: {value}"
            for judge, value in (pair.split(": ") for pair in params["readings"].split(", ")))
    judge = params.get("judge")
    outer = {"event": event.trade_name, "competitor": code, "station": station if station is not None else "—",
             "detail": Phrase(problem.message, params)}
    if judge is not None:
        user = db.session.get(User, judge)
        outer["judge"] = user.display_name if user else str(judge)
        return (N_("%(event)s, competitor %(competitor)s at station %(station)s, judge %(judge)s: %(detail)s"),
                outer)
    return N_("%(event)s, competitor %(competitor)s at station %(station)s: %(detail)s"), outer


def _code_and_station(registration_id: int) -> tuple[str, int | None]:
    """A registration's anonymous code (or R<id>) and station."""
    row = db.session.execute(select(Registration.anonymous_code, Registration.station)
                             .where(Registration.id == registration_id)).first()
    if row is None:
        return f"R{registration_id}", None
    return row[0] or f"R{registration_id}", row[1]


def check_publishable(standing: EventStanding) -> None:
    """Raise a clear error when an event's standing cannot be part of the results."""
    event = standing.event
    if standing.mark_count == 0:
        raise RuleViolation("The event %(event)s has no marks.", field="marks", event=event.trade_name)
    if standing.problems:
        message, params = problem_message(standing.problems[0], event)
        raise RuleViolation(message, field="marks", event_id=event.id, **params)
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
    entrants = award_rules.entrant_count(standing.ranking, absent_are_entrants=bool(standing.event.absent_are_entrants))
    prizes = sum(award_rules.prize_counts(rule, entrants).values())
    if prizes > entrants:
        raise RuleViolation(
            "The award proportions of %(event)s give %(prizes)s prizes but the event has only %(entrants)s"
            " entrants; change the award rule.",
            field="award_rule", event=standing.event.trade_name, prizes=prizes, entrants=entrants,
        )


# --- computing the provisional snapshot --------------------------------------------------------


def compute_provisional_results(competition: Competition, *, actor_id: int | None) -> ResultSnapshot:
    """Compute every event's standing into a new provisional snapshot (replacing an unpublished one)."""
    _lock(competition)
    if competition.status == "closed":  # judges marked while it said "closed": computing is the next step
        from competitions.organize.services import advance_to_judging

        advance_to_judging(competition, actor_id=actor_id, step="results_computed")
    if competition.status not in COMPUTABLE_STATUSES:
        raise InvalidState("Results can be computed once registration is closed and judging has begun.")
    from competitions.rounds.services import unconfirmed_finals

    waiting = unconfirmed_finals(competition.live_events)
    if waiting:
        raise InvalidState("Results can be computed only when the qualification to every final is confirmed; not"
                           " yet: %(events)s.", events=", ".join(e.trade_name for e in waiting))
    events = ranked_events(competition)
    if not events:
        raise InvalidState("This competition has no event with approved competitors to rank.")
    current = current_snapshot(competition.id)
    if current is not None and current.status == "final":
        raise InvalidState("The results are final; nothing can change any more.")
    if current is not None and current.status == "published" and not _upheld_appeals(current):
        raise InvalidState("The results are published; only an upheld appeal allows recomputing them.")
    pending = unsigned_events(competition)
    if pending:
        raise InvalidState("Results can be computed only when every event is signed off; not yet: %(events)s.",
                           events=", ".join(e.trade_name for e in pending))
    from competitions.judging.services import refuse_pending_corrections

    refuse_pending_corrections(events)  # a late correction the chief judge has not decided yet
    standings = [event_standing(event) for event in events]
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
            outcome = standing.passes.get(entry.competitor_id)
            rows.append({
                "snapshot_id": snapshot.id, "event_id": standing.event.id, "registration_id": entry.competitor_id,
                "position": position, "rank": entry.rank, "tied": entry.tied,
                "decided_by_chief_judge": entry.decided_by_chief_judge, "disqualified": entry.disqualified,
                "absent": entry.absent,
                "total": entry.total, "part_scores": {k: str(v) for k, v in score.part_scores.items()},
                "deductions": score.deductions, "time_used_seconds": standing.time_used.get(entry.competitor_id),
                "prize": prize.value if prize else None, "anonymous_code": code, "station": station,
                "passed": None if outcome is None else outcome.passed,
                "part_passed": {} if outcome is None else outcome.parts,
                "part_marks": {k: str(v) for k, v in score.part_marks.items()},
                "absent_parts": standing.absent_parts.get(entry.competitor_id, []),
                "name": name, "employer": employer, "worker_id": worker_id,
                "round_reached": "final" if standing.event.round == "final" else None,
                "preliminary_rank": None, "preliminary_total": None,
            })
        if standing.event.round == "final":
            rows += _non_qualifier_rows(snapshot, standing.event, len(standing.ranking.entries))
    if rows:
        db.session.execute(ResultEntry.__table__.insert(), rows)
    db.session.flush()


def _non_qualifier_rows(snapshot: ResultSnapshot, final: Event, after: int) -> list[dict]:
    """The preliminary's competitors who did not qualify, listed after the final's standing ("did not qualify").

    Their line in the final has no place, total or prize (not a finalist, not
    eligible for promotion); their preliminary place and total are kept.
    """
    from competitions.rounds.services import non_qualifiers

    rows = []
    for position, entry in enumerate(non_qualifiers(final), start=after + 1):
        rows.append({
            "snapshot_id": snapshot.id, "event_id": final.id, "registration_id": entry.registration_id,
            "position": position, "rank": None, "tied": False, "decided_by_chief_judge": False,
            "disqualified": False, "absent": bool(entry.absent), "total": None, "part_scores": {},
            "deductions": Decimal(0), "time_used_seconds": None, "prize": None,
            "anonymous_code": entry.anonymous_code, "station": entry.station, "passed": None, "part_passed": {},
            "part_marks": {}, "absent_parts": [], "name": entry.name, "employer": entry.employer,
            "worker_id": entry.worker_id,
            "round_reached": "preliminary", "preliminary_rank": entry.rank, "preliminary_total": entry.total,
        })
    return rows


def _people(registration_ids: list[int]) -> dict[int, tuple]:
    """(code, station, name, employer, worker id) by registration id, in one query.

    The employer is the one frozen on the registration when it was approved, not the person's profile now.
    """
    out = {}
    for chunk_start in range(0, len(registration_ids), 500):
        chunk = registration_ids[chunk_start:chunk_start + 500]
        rows = db.session.execute(
            select(Registration.id, Registration.anonymous_code, Registration.station, Worker.name,
                   Organization.name, Worker.id)
            .join(Worker, Worker.id == Registration.worker_id)
            .join(Organization, Organization.id == Registration.employer_id)
            .where(Registration.id.in_(chunk))
        ).all()
        for rid, code, station, name, employer, worker_id in rows:
            out[rid] = (code or "", station, name, employer, worker_id)
    return out


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
