"""Promotion: evaluating final results against the rule set, flags and their review.

The practice this follows:

* Promotion reads **final** results only (after the public notice period and
  appeals): evaluating anything earlier is refused, since a place that may
  still change cannot promote anyone.
* Each competition is evaluated against the rule set it uses
  (``promotion.rules.rule_sets_for``) by the pure ``domain.promotion.evaluate``:
  one decision per competitor with every outcome and its rule, or the reason
  none applied. A competitor's current level is their registered certificate
  level raised by promotions approved through *other* competitions; "once per
  calendar year" counts level flags of other competitions of the same year
  that are approved or still awaiting review.
* It runs automatically when results become final (``on_results_final``, sent
  by the organizer's button and the scheduled ``finalize_due_results`` job
  alike), on demand (a button, ``flask --app wsgi promotion evaluate``), and
  again whenever newer final results appear (a corrected standing after an
  appeal). Running again never duplicates a flag: a flag's natural key is
  (competition, competitor, kind, target). What a re-run changes is kept on
  the run (``PromotionRun.diff``) and shown: new flags; flags awaiting review
  that the results no longer support are withdrawn; approved ones are never
  silently undone (facts a later stage relies on are frozen) but marked
  *contested* until an organizer rejects or keeps them.
* Outcomes marked "automatic" are approved by the run itself; those
  "subject to review" (破格晋升) wait for an organizer. Organizers approve or
  reject flags with a reason, one by one or in bulk; every decision is audited.

Services flush; the view, command or job that calls them commits once.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, select

from competitions.audit.models import AuditEntry
from competitions.audit.services import entry_values, record
from competitions.domain import promotion as rules
from competitions.domain.errors import Code, CompetitionError, InvalidState, NotFound, RuleViolation
from competitions.extensions import db
from competitions.organize.models import Competition, Event, SchemePart
from competitions.promotion.models import PromotionDecision, PromotionFlag, PromotionRun
from competitions.promotion.rules import rule_set_of, rule_sets_for
from competitions.results.models import EventResultSetting, ResultEntry, ResultSnapshot, ResultTeamEntry
from competitions.results.standing import cyclic_gc_paused

log = logging.getLogger(__name__)
CHUNK = 400
DIFF_LIMIT = 200


# --- messages as stored JSON ---------------------------------------------------------------------
#
# A domain message is stored as [text, {param: value}] or, when it is about a rule, [text, {params}, rule]:
# codes as {"$code": kind, "value": v}, nested messages as {"$message": [...]}, Decimals as strings. The web
# layer translates the text and the codes into the reader's language when it shows them.


def _param_json(value):
    if isinstance(value, Code):
        return {"$code": value.kind, "value": value.value}
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, rules.Message):
        return {"$message": message_json(value)}
    return value


def message_json(message: rules.Message) -> list:
    """A domain message as stored JSON (see above)."""
    stored = [message.text, {k: _param_json(v) for k, v in message.params}]
    return stored + [message.rule] if message.rule else stored


class _Encoder:
    """Stored messages as JSON text, fast: what repeats (texts, keys, codes, a rule's shared cut-off message)
    is encoded once. Equal to ``json.dumps(message_json(m))`` in compact form; a year is millions of messages."""

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.heads: dict[tuple[str, str], tuple[str, str]] = {}
        self.keys: dict[str, str] = {}
        self.codes: dict[tuple, str] = {}
        self.nested: dict[int, tuple] = {}

    def string(self, text: str) -> str:
        out = self.strings.get(text)
        if out is None:
            out = self.strings[text] = json.dumps(text, ensure_ascii=False)
        return out

    def value(self, value) -> str:
        kind = type(value)
        if kind is int:
            return str(value)
        if kind is str:
            return self.strings.get(value) or self.string(value)
        if value is None:
            return "null"
        if kind is bool:
            return "true" if value else "false"
        if kind is Decimal:
            return f'"{value:f}"'
        if kind is Code:
            key = (value.kind, value.value)
            out = self.codes.get(key)
            if out is None:
                out = self.codes[key] = _dumps({"$code": value.kind, "value": value.value})
            return out
        if kind is rules.Message:
            known = self.nested.get(id(value))
            if known is not None and known[0] is value:
                return known[1]
            out = '{"$message":' + self.message(value) + "}"
            self.nested[id(value)] = (value, out)
            return out
        return _dumps(_param_json(value))

    def message(self, message: rules.Message) -> str:
        head = self.heads.get((message.text, message.rule))
        if head is None:
            tail = ("}," + self.string(message.rule) + "]") if message.rule else "}]"
            head = self.heads[(message.text, message.rule)] = ("[" + self.string(message.text) + ",{", tail)
        keys, value = self.keys, self.value
        params = []
        for name, param in message.params:
            prefix = keys.get(name)
            if prefix is None:
                prefix = keys[name] = self.string(name) + ":"
            params.append(prefix + value(param))
        return head[0] + ",".join(params) + head[1]

    def messages_list(self, messages) -> str:
        return "[" + ",".join([self.message(m) for m in messages]) + "]"


def message_params(params: dict) -> dict:
    """Stored parameters back as the translator wants them (codes as ``Code``; nested messages translated)."""
    out = {}
    for key, value in (params or {}).items():
        if isinstance(value, dict) and "$code" in value:
            out[key] = Code(value["$code"], value["value"])
        elif isinstance(value, dict) and "$message" in value:
            out[key] = message_text(value["$message"])
        else:
            out[key] = "" if value is None else value
    return out


def message_text(stored) -> str:
    """A stored message in the reader's language (the rule it is about first, when there is one)."""
    from competitions.i18n import translate

    text = translate(stored[0], message_params(stored[1]))
    return f"{stored[2]}: {text}" if len(stored) > 2 and stored[2] else text


def message_source(stored) -> str:
    """A stored message in English (the source language), for logs and the command line."""
    params = {}
    for key, value in (stored[1] or {}).items():
        if isinstance(value, dict) and "$code" in value:
            value = value["value"]
        elif isinstance(value, dict) and "$message" in value:
            value = message_source(value["$message"])
        params[key] = value
    text = str(rules.Message(stored[0], tuple(params.items())))
    return f"{stored[2]}: {text}" if len(stored) > 2 and stored[2] else text


def _award_json(award: rules.Award) -> dict:
    return {"rule": award.rule_key, "rule_name": award.rule_name, "kind": award.kind, "from": award.from_level,
            "to": award.to_level, "title": award.title, "review": award.review,
            "notes": [message_json(n) for n in award.notes]}


# --- "passed every part" ---------------------------------------------------------------------------


def failed_parts(passed: bool | None, part_passed: dict, part_marks: dict, event: _EventPassRules | None,
                 total: Decimal | None) -> tuple[rules.FailedPart, ...]:
    """What a competitor did not pass, read from the final standing (the scoring rules froze it there).

    The one place promotion reads "passed every part": ``passed`` is False
    when a part pass mark or the minimum total was missed; ``part_passed``
    says which part, ``part_marks`` its own mark out of 100, compared with the
    part's pass mark. ``passed`` None (no pass mark set) counts as passed.
    """
    if passed is not False:
        return ()
    out = []
    for code, name, pass_mark in (event.parts if event else ()):
        if (part_passed or {}).get(code) is False:
            raw = (part_marks or {}).get(code)
            out.append(rules.FailedPart(name, Decimal(str(raw)) if raw not in (None, "") else Decimal(0),
                                        pass_mark or Decimal(0)))
    if not out:
        out.append(rules.FailedPart("", total if total is not None else Decimal(0),
                                    event.pass_total if event and event.pass_total is not None else Decimal(0),
                                    is_total=True))
    return tuple(out)


@dataclass(frozen=True)
class _EventPassRules:
    """An event's part names and pass marks (out of 100) and its minimum total."""

    parts: tuple[tuple[str, str, Decimal | None], ...]
    pass_total: Decimal | None


def _pass_rules(event_rows) -> dict[int, _EventPassRules]:
    """The pass rules of each event (only events whose scheme sets a pass mark or a minimum total)."""
    ids = [row.id for row in event_rows]
    parts: dict[int, list] = defaultdict(list)
    for start in range(0, len(ids), CHUNK):
        for event_id, code, name, mark in db.session.execute(
            select(SchemePart.event_id, SchemePart.code, SchemePart.name, SchemePart.pass_mark)
            .where(SchemePart.event_id.in_(ids[start:start + CHUNK]))
            .order_by(SchemePart.event_id, SchemePart.position)
        ):
            parts[event_id].append((code, name, None if mark is None else Decimal(str(mark))))
    return {row.id: _EventPassRules(tuple(parts.get(row.id, ())),
                                    None if row.pass_total is None else Decimal(str(row.pass_total)))
            for row in event_rows}


# --- loading ---------------------------------------------------------------------------------------


def final_snapshot(competition_id: int) -> ResultSnapshot | None:
    """The newest final snapshot of a competition (None while results are not final)."""
    return db.session.execute(
        select(ResultSnapshot).where(ResultSnapshot.competition_id == competition_id,
                                     ResultSnapshot.status == "final")
        .order_by(ResultSnapshot.version.desc()).limit(1)
    ).scalar_one_or_none()


def _final_snapshots(competition_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(snapshot id, version) of each competition's newest final snapshot."""
    out: dict[int, tuple[int, int]] = {}
    for start in range(0, len(competition_ids), CHUNK):
        for sid, cid, version in db.session.execute(
            select(ResultSnapshot.id, ResultSnapshot.competition_id, ResultSnapshot.version)
            .where(ResultSnapshot.competition_id.in_(competition_ids[start:start + CHUNK]),
                   ResultSnapshot.status == "final")
        ):
            if cid not in out or version > out[cid][1]:
                out[cid] = (sid, version)
    return out


def age_on(birth: date | None, day: date) -> int | None:
    """Whole years of age on ``day``."""
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass
class _Loaded:
    """Everything evaluation needs for a batch of competitions."""

    competitions: dict
    snapshots: dict
    events: dict            # competition id -> {event id: EventFacts}
    entries: dict           # competition id -> [Entry]
    history: dict           # worker id -> [PriorPromotion]
    approved_levels: dict   # worker id -> [(competition id, to_level)]


def _load(competition_ids: list[int]) -> _Loaded:
    snapshots = _final_snapshots(competition_ids)
    ids = [cid for cid in competition_ids if cid in snapshots]
    competitions, events_by_comp, starts = {}, defaultdict(dict), {}
    for start in range(0, len(ids), CHUNK):
        for c in db.session.execute(select(Competition.id, Competition.name, Competition.year, Competition.level,
                                           Competition.competition_class, Competition.kind, Competition.starts_on)
                                    .where(Competition.id.in_(ids[start:start + CHUNK]))):
            competitions[c.id] = rules.CompetitionFacts(c.id, c.name, c.year, c.level, c.competition_class, c.kind)
            starts[c.id] = c.starts_on
    event_rows = []
    for start in range(0, len(ids), CHUNK):
        event_rows += db.session.execute(
            select(Event.id, Event.competition_id, Event.trade_code, Event.trade_name, Event.group,
                   EventResultSetting.tie_mode, Event.pass_total)
            .outerjoin(EventResultSetting, EventResultSetting.event_id == Event.id)
            .where(Event.competition_id.in_(ids[start:start + CHUNK]))
        ).all()
    pass_rules = _pass_rules(event_rows)
    snapshot_ids = [snapshots[cid][0] for cid in ids]
    raw = _entry_rows(snapshot_ids)
    teams = _team_places(snapshot_ids)
    counts = defaultdict(lambda: [0, 0])
    for row in raw:
        if row[15] == "preliminary":
            continue  # did not qualify for the final (rounds): not in the final's standing
        counts[row[2]][0] += 1
        if not row[6] and row[3] is not None:
            counts[row[2]][1] += 1
    event_comp = {}
    for e in event_rows:
        entrants, finalists = counts[e.id]
        events_by_comp[e.competition_id][e.id] = rules.EventFacts(e.id, e.trade_code, e.trade_name, e.group,
                                                                  e.tie_mode or "shared", entrants, finalists)
        event_comp[e.id] = e.competition_id
    entries = defaultdict(list)
    for (rid, wid, eid, rank, total, tied, dq, cj, prize, passed, part_passed, part_marks, skill, student,
         birth, round_reached) in raw:
        cid = event_comp[eid]
        team = teams.get(rid)
        entries[cid].append(rules.Entry(
            rid, wid, eid, rank, total, bool(tied), bool(cj), bool(dq), prize,
            rules.level_from_skill_level(skill), bool(student), age_on(birth, starts[cid]),
            failed_parts(passed, part_passed, part_marks, pass_rules.get(eid), total) if passed is False else (),
            team[0] if team else None, team[1] if team else None, round_reached))
    history, approved = _level_flags(snapshot_ids)
    return _Loaded(competitions, snapshots, dict(events_by_comp), dict(entries), history, approved)


ENTRY_SQL = (
    "SELECT e.registration_id, e.worker_id, e.event_id, e.rank, e.total, e.tied, e.disqualified,"
    " e.decided_by_chief_judge, e.prize, e.passed, e.part_passed, e.part_marks,"
    " COALESCE(r.skill_level, w.skill_level), COALESCE(r.is_student, w.is_student), w.birth_date, e.round_reached"
    " FROM result_entry e JOIN registration r ON r.id = e.registration_id JOIN worker w ON w.id = e.worker_id"
    " WHERE e.snapshot_id IN ({ids}) ORDER BY e.snapshot_id, e.event_id, e.position"
)


def _entry_rows(snapshot_ids: list[int]) -> list[tuple]:
    """Each entry of the snapshots with what the rules need of the person, in standing order.

    Level and worker/student are the facts frozen on the registration when it was approved (the person's
    record where the registration stated none).

    Read on the driver's cursor (like ``results.services.public_rows``): a
    year is a million entries, and SQLAlchemy's row and JSON processing would
    cost more than the rules. Totals become Decimals (each distinct value
    converted once), birth dates dates; the pass-mark JSON is decoded only for
    the few who did not pass.
    """
    connection = db.session.connection()
    p = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    rows = []
    cursor = connection.connection.cursor()
    try:
        for start in range(0, len(snapshot_ids), CHUNK):
            chunk = snapshot_ids[start:start + CHUNK]
            cursor.execute(ENTRY_SQL.format(ids=", ".join([p] * len(chunk))), chunk)
            rows += cursor.fetchall()
    finally:
        cursor.close()
    decimals: dict = {None: None}
    for value in {row[4] for row in rows}:
        if value is not None:
            decimals[value] = value if isinstance(value, Decimal) else Decimal(repr(value))
    births: dict = {}
    out = []
    for row in rows:
        birth = row[14]
        if isinstance(birth, str):
            birth = births.get(birth) or births.setdefault(birth, date.fromisoformat(birth))
        passed = None if row[9] is None else bool(row[9])
        out.append((row[0], row[1], row[2], row[3], decimals[row[4]], row[5], row[6], row[7], row[8], passed,
                    _json(row[10]) if passed is False else None, _json(row[11]) if passed is False else None,
                    row[12], row[13], birth, row[15]))
    return out


def _json(value):
    return json.loads(value) if isinstance(value, str) else (value or {})


def _team_places(snapshot_ids: list[int]) -> dict[int, tuple[str, int | None]]:
    """(team name, team place) of each member of a team event, by registration id."""
    out = {}
    for start in range(0, len(snapshot_ids), CHUNK):
        for name, rank, members, dq in db.session.execute(
            select(ResultTeamEntry.team_name, ResultTeamEntry.rank, ResultTeamEntry.member_registration_ids,
                   ResultTeamEntry.disqualified)
            .where(ResultTeamEntry.snapshot_id.in_(snapshot_ids[start:start + CHUNK]))
        ):
            for rid in members or ():
                out[int(rid)] = (name, None if dq else rank)
    return out


def _level_flags(snapshot_ids: list[int]) -> tuple[dict[int, list[rules.PriorPromotion]], dict[int, list]]:
    """Level flags still standing of everyone in these snapshots: history (approved or awaiting review) and the
    approved ones (which raise the current level)."""
    history, approved = defaultdict(list), defaultdict(list)
    for start in range(0, len(snapshot_ids), CHUNK):
        people = select(ResultEntry.worker_id).where(ResultEntry.snapshot_id.in_(snapshot_ids[start:start + CHUNK]))
        for wid, cid, year, status, to_level, name in db.session.execute(
            select(PromotionFlag.worker_id, PromotionFlag.competition_id, PromotionFlag.year, PromotionFlag.status,
                   PromotionFlag.to_level, Competition.name)
            .join(Competition, Competition.id == PromotionFlag.competition_id)
            .where(PromotionFlag.worker_id.in_(people), PromotionFlag.kind == "level",
                   PromotionFlag.status.in_(("pending", "approved")))
        ):
            history[wid].append(rules.PriorPromotion(wid, year, cid, name))
            if status == "approved":
                approved[wid].append((cid, to_level))
    return history, approved


def _with_current_levels(entries: list[rules.Entry], approved: dict, competition_id: int) -> list[rules.Entry]:
    """Entries whose current level counts promotions approved through other competitions."""
    out = []
    for entry in entries:
        raised = [lvl for cid, lvl in approved.get(entry.worker_id, ()) if cid != competition_id]
        if raised:
            best = max(raised, key=rules.level_index)
            if rules.level_index(best) > rules.level_index(entry.current_level):
                entry = replace(entry, current_level=best)
        out.append(entry)
    return out


# --- evaluating ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """What one evaluation of one competition did."""

    competition_id: int
    decisions: int
    flags: int
    added: int
    withdrawn: int
    contested: int
    restored: int


def evaluate_competition(competition: Competition, *, actor_id: int | None, trigger: str = "manual",
                         now: datetime) -> RunSummary:
    """Evaluate one competition's final results now; refused before they are final or without a rule set."""
    if final_snapshot(competition.id) is None:
        raise InvalidState("Promotion is evaluated on final results only; these results are not final yet.")
    if competition.id not in rule_sets_for([competition.id]):
        raise InvalidState("No promotion rule set applies to this competition: choose one, or activate one for"
                           " the organizers.")
    return evaluate_competitions([competition.id], actor_id=actor_id, trigger=trigger, now=now)[0]


def evaluate_competitions(competition_ids: list[int], *, actor_id: int | None, trigger: str,
                          now: datetime) -> list[RunSummary]:
    """Evaluate every competition that has final results and a rule set (in batches: a whole year at once)."""
    chosen = rule_sets_for(list(competition_ids))
    ids = [cid for cid in competition_ids if cid in chosen]
    summaries: list[RunSummary] = []
    parsed: dict[int, rules.RuleSet] = {}
    with cyclic_gc_paused():
        for start in range(0, len(ids), CHUNK):
            summaries += _evaluate_batch(ids[start:start + CHUNK], chosen, parsed, actor_id=actor_id,
                                         trigger=trigger, now=now)
    return summaries


def _evaluate_batch(batch: list[int], chosen: dict, parsed: dict, *, actor_id, trigger, now) -> list[RunSummary]:
    """Load, evaluate and write one batch of competitions (a few statements for the whole batch)."""
    loaded = _load(batch)
    batch = [cid for cid in batch if cid in loaded.snapshots]
    existing = _existing_flags(batch)
    evaluated_before = _evaluated_before(batch)
    decision_rows, flag_rows, run_rows, summaries = [], [], [], []
    encoder = _Encoder()
    for cid in batch:
        row = chosen[cid]
        rule_set = parsed.get(row.id) or parsed.setdefault(row.id, rule_set_of(row))
        entries = _with_current_levels(loaded.entries.get(cid, []), loaded.approved_levels, cid)
        history = [h for e in entries for h in loaded.history.get(e.worker_id, ())]
        decisions = rules.evaluate(rule_set, loaded.competitions[cid], loaded.events.get(cid, {}), entries,
                                   history)
        ranks = {e.registration_id: e for e in entries}
        decision_rows += _decision_rows(cid, decisions, ranks, encoder)
        inserts, diff, flags = _flag_changes(cid, row, loaded, decisions, ranks, existing.get(cid, {}), now=now)
        flag_rows += inserts
        counts = {"decisions": len(decisions), "flags": flags, **{k: len(v) for k, v in diff.items()}}
        first_run = cid not in evaluated_before and not existing.get(cid)
        if first_run:
            diff["added"] = []   # the first run's flags are the list itself, not a change
        snapshot_id, version = loaded.snapshots[cid]
        run_rows.append({"competition_id": cid, "snapshot_id": snapshot_id, "snapshot_version": version,
                         "rule_set_id": row.id, "rule_set_version": row.version, "trigger": trigger, "ran_at": now,
                         "ran_by_id": actor_id, "counts": counts,
                         "diff": {k: v[:DIFF_LIMIT] for k, v in diff.items()} | {"first_run": first_run}})
        summaries.append(RunSummary(cid, len(decisions), flags, counts["added"], counts["withdrawn"],
                                    counts["contested"], counts["restored"]))
    db.session.flush()   # the kept flags changed in place
    _replace_decisions(batch, decision_rows)
    if flag_rows:
        db.session.execute(PromotionFlag.__table__.insert(), flag_rows)
    if run_rows:
        db.session.execute(PromotionRun.__table__.insert(), run_rows)
        db.session.execute(AuditEntry.__table__.insert(), [entry_values(
            "promotion_evaluated", actor_id=actor_id, object_type="competition", object_id=run["competition_id"],
            competition_id=run["competition_id"],
            new={"snapshot_version": run["snapshot_version"], "rule_set_id": run["rule_set_id"],
                 "rule_set_version": run["rule_set_version"], "trigger": trigger, **run["counts"]},
        ) for run in run_rows])
    return summaries


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


OUTSIDE = "place %(rank)s, outside %(range)s"   # domain.promotion's reason for a selection that missed


def _decision_rows(cid: int, decisions, ranks, encoder: _Encoder) -> list[tuple]:
    """One row per event: (competition, event, shared JSON, decisions JSON), see ``PromotionDecision``.

    "Place N, outside <the rule's places>" is stored as a reference to the
    rule's cut-off, shared by the event; everything else as the message itself.
    """
    by_event: dict[int, list] = defaultdict(list)
    for d in decisions:
        by_event[d.event_id].append(d)
    rows = []
    for event_id, items in by_event.items():
        shared: dict[int, tuple[str, str]] = {}
        lines = []
        for d in items:
            reasons = []
            for m in d.reasons:
                if m.text == OUTSIDE and len(m.params) == 2 and m.params[0][1] == ranks[d.registration_id].rank:
                    how = m.params[1][1]
                    ref = shared.get(id(how))
                    if ref is None:
                        ref = shared[id(how)] = (f"r{len(shared)}", '{"rule":' + encoder.string(m.rule) +
                                                 ',"range":' + encoder.message(how) + "}")
                    reasons.append('["@","' + ref[0] + '"]')
                else:
                    reasons.append(encoder.message(m))
            rank = ranks[d.registration_id].rank
            awards = _dumps([_award_json(a) for a in d.awards]) if d.awards else "[]"
            lines.append(f"[{d.registration_id},{d.worker_id},{'null' if rank is None else rank},{awards},"
                         f"[{','.join(reasons)}]]")
        shared_json = "{" + ",".join(f'"{key}":{text}' for key, text in shared.values()) + "}"
        rows.append((cid, event_id, shared_json, "[" + ",".join(lines) + "]"))
    return rows


def _replace_decisions(competition_ids: list[int], rows: list[tuple]) -> None:
    """Replace the competitions' decisions: one DELETE, then an executemany on the driver's cursor."""
    if competition_ids:
        db.session.execute(delete(PromotionDecision).where(PromotionDecision.competition_id.in_(competition_ids)))
    if not rows:
        return
    connection = db.session.connection()
    values = "?, ?, ?, ?" if connection.dialect.paramstyle == "qmark" else "%s, %s, CAST(%s AS JSON), CAST(%s AS JSON)"
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(f"INSERT INTO promotion_decision (competition_id, event_id, shared, decisions)"
                           f" VALUES ({values})", rows)
    finally:
        cursor.close()


@dataclass(frozen=True)
class StoredDecision:
    """One competitor's stored decision: awards as stored dicts, reasons as stored messages (see above)."""

    registration_id: int
    worker_id: int
    event_id: int
    rank: int | None
    awards: list
    reasons: list


def decisions_of(competition_id: int) -> dict[int, list[StoredDecision]]:
    """The latest run's decisions of a competition by event, in standing order, references expanded."""
    out: dict[int, list[StoredDecision]] = {}
    for row in db.session.execute(select(PromotionDecision).where(PromotionDecision.competition_id == competition_id)
                                  .order_by(PromotionDecision.event_id)).scalars():
        lines = []
        for rid, wid, rank, awards, reasons in row.decisions:
            expanded = []
            for reason in reasons:
                if reason and reason[0] == "@":
                    ref = row.shared[reason[1]]
                    expanded.append([OUTSIDE, {"rank": rank, "range": {"$message": ref["range"]}}, ref["rule"]])
                else:
                    expanded.append(reason)
            lines.append(StoredDecision(rid, wid, row.event_id, rank, awards, expanded))
        out[row.event_id] = lines
    return out


def _existing_flags(competition_ids: list[int]) -> dict[int, dict[tuple, PromotionFlag]]:
    out: dict[int, dict] = defaultdict(dict)
    for start in range(0, len(competition_ids), CHUNK):
        for flag in db.session.execute(select(PromotionFlag).where(
                PromotionFlag.competition_id.in_(competition_ids[start:start + CHUNK]))).scalars():
            out[flag.competition_id][(flag.registration_id, flag.kind, flag.target)] = flag
    return out


def _evaluated_before(competition_ids: list[int]) -> set[int]:
    """The competitions that already have a run."""
    if not competition_ids:
        return set()
    return set(db.session.execute(select(PromotionRun.competition_id).where(
        PromotionRun.competition_id.in_(competition_ids)).distinct()).scalars())


def _flag_changes(cid: int, rule_set_row, loaded: _Loaded, decisions, ranks, existing: dict, *, now):
    """New flag rows to insert; kept flags refreshed, and those the results no longer support withdrawn or
    contested (in place); the diff and the number of flags."""
    version = loaded.snapshots[cid][1]
    year = loaded.competitions[cid].year
    diff = {"added": [], "withdrawn": [], "contested": [], "restored": []}
    seen, inserts, flags = set(), [], 0
    for d in decisions:
        if not d.awards:
            continue
        entry = ranks[d.registration_id]
        for award in d.awards:
            key = (d.registration_id, award.kind, award.target)
            seen.add(key)
            flags += 1
            status = "pending" if award.review else "approved"
            values = {"event_id": d.event_id, "worker_id": d.worker_id, "from_level": award.from_level,
                      "to_level": award.to_level, "title": award.title, "rule_set_id": rule_set_row.id,
                      "rule_key": award.rule_key, "rule_name": award.rule_name, "review": award.review,
                      "notes": [message_json(n) for n in award.notes], "rank": entry.rank, "total": entry.total,
                      "snapshot_version": version}
            flag = existing.get(key)
            if flag is None:
                inserts.append({"competition_id": cid, "registration_id": d.registration_id, "year": year,
                                "kind": award.kind, "target": award.target, "status": status, "contested": False,
                                "decision_reason": "", "decided_by_id": None,
                                "decided_at": None if award.review else now, "created_at": now, "updated_at": now,
                                **values})
                _note(diff, "added", d, award.kind, award.target)
                continue
            for name, value in values.items():
                if getattr(flag, name) != value:
                    setattr(flag, name, value)
            if flag.status == "withdrawn":
                flag.status, flag.decided_at, flag.decision_reason = status, (None if award.review else now), ""
                flag.decided_by_id = None
                _note(diff, "restored", d, award.kind, award.target)
            if flag.contested:
                flag.contested = False
    for key, flag in existing.items():
        if key in seen:
            continue
        if flag.status == "pending":
            flag.status, flag.decided_at = "withdrawn", now
            _note(diff, "withdrawn", flag, flag.kind, flag.target)
        elif flag.status == "approved" and not flag.contested:
            flag.contested = True
            _note(diff, "contested", flag, flag.kind, flag.target)
    return inserts, diff, flags


def _note(diff: dict, what: str, item, kind: str, target: str) -> None:
    diff[what].append({"registration_id": item.registration_id, "kind": kind, "target": target})


def on_results_final(snapshot: ResultSnapshot, *, actor_id: int | None = None, now: datetime, **_extra) -> None:
    """Evaluate a competition as soon as its results become final (in the finalizing transaction).

    A competition without a rule set is left alone. A failure here must not
    keep results from becoming final: the evaluation runs in a savepoint that
    is rolled back on error, and the organizer can run it again by hand.
    """
    if not rule_sets_for([snapshot.competition_id]):
        return
    try:
        with db.session.begin_nested():
            evaluate_competitions([snapshot.competition_id], actor_id=actor_id, trigger="final", now=now)
    except CompetitionError as error:
        log.warning("promotion evaluation of competition %s failed: %s", snapshot.competition_id, error)


def latest_run(competition_id: int) -> PromotionRun | None:
    """The newest evaluation of a competition."""
    return db.session.execute(select(PromotionRun).where(PromotionRun.competition_id == competition_id)
                              .order_by(PromotionRun.id.desc()).limit(1)).scalar_one_or_none()


def needs_reevaluation(competition_id: int) -> bool:
    """True when final results newer than the last evaluation exist (a corrected standing after an appeal)."""
    run = latest_run(competition_id)
    snapshot = final_snapshot(competition_id)
    return snapshot is not None and run is not None and snapshot.version > run.snapshot_version


# --- review ----------------------------------------------------------------------------------------

DECISIONS = {"approve": "approved", "reject": "rejected"}


def decide_flags(competition: Competition, flag_ids: list[int], decision: str, reason: str, *,
                 actor_id: int | None, now: datetime) -> int:
    """Approve or reject flags of a competition with a reason (bulk); each decision audited. Returns the count."""
    if decision not in DECISIONS:
        raise RuleViolation("Choose to approve or reject.", field="decision")
    reason = " ".join((reason or "").split())
    if not reason:
        raise RuleViolation("Give the reason for the decision.", field="reason")
    if len(reason) > 500:
        raise RuleViolation("The reason is too long (at most %(limit)s characters).", field="reason", limit=500)
    ids = sorted({int(i) for i in flag_ids})
    if not ids:
        raise RuleViolation("Choose at least one flag.", field="flags")
    flags = db.session.execute(select(PromotionFlag).where(PromotionFlag.id.in_(ids),
                                                           PromotionFlag.competition_id == competition.id)
                               .order_by(PromotionFlag.id)).scalars().all()
    if len(flags) != len(ids):
        raise NotFound("Some of these flags do not belong to this competition.")
    status = DECISIONS[decision]
    for flag in flags:
        if flag.status == "withdrawn":
            raise InvalidState("A withdrawn flag (no longer supported by the final results) cannot be decided.")
    for flag in flags:
        old = {"status": flag.status, "contested": flag.contested}
        flag.status, flag.decision_reason, flag.decided_by_id, flag.decided_at = status, reason, actor_id, now
        flag.contested = False
        db.session.flush()
        record("promotion_flag_decided", actor_id=actor_id, object_type="promotion_flag", object_id=flag.id,
               competition_id=competition.id, event_id=flag.event_id, old=old,
               new={"status": status, "kind": flag.kind, "target": flag.target}, reason=reason)
    return len(flags)


def flag_counts(competition_id: int) -> dict[str, int]:
    """How many flags of a competition are in each status."""
    return dict(db.session.execute(select(PromotionFlag.status, func.count()).where(
        PromotionFlag.competition_id == competition_id).group_by(PromotionFlag.status)).all())


def promotion_level_label(code: str | None) -> Code | None:
    """A ladder code as a translatable label parameter."""
    return Code("promotion_level", code) if code else None
