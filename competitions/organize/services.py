"""Setting up competitions: create, edit, move through their life, copy, and define events and schemes.

Dates must make sense (the contest ends on or after its first day;
registration closes after it opens and no later than the contest starts).
An event's trade code is unique per group within a competition. Events and
marking schemes can change until judging begins; after that, marks depend on
them. Copying starts next year's contest from this year's: events and schemes
come along, registrations and marks do not, and dates move by whole years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from competitions.db import utcnow
from competitions.domain import inputs, lifecycle
from competitions.domain.awards import AwardRule, validate_award_rule
from competitions.domain.errors import N_, InvalidState, RuleViolation, ValidationErrors
from competitions.domain.schemes import CriterionDraft, PartDraft, SchemeDraft, validate_scheme
from competitions.extensions import db
from competitions.organize.models import CLASSES, KINDS, LEVELS, Competition, Criterion, Event, SchemePart

EDITABLE_STATUSES = frozenset({"draft", "open", "closed"})


@dataclass(frozen=True)
class CompetitionData:
    """What an organizer types about a competition."""

    name: str
    year: int
    level: str
    competition_class: str
    kind: str
    organization_id: int
    starts_on: date
    ends_on: date
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    description: str = ""
    recuse_same_parent: bool = False
    online_appeals: bool = False


def _check_competition(data: CompetitionData) -> None:
    if data.level not in LEVELS:
        raise RuleViolation("Unknown level %(level)s.", field="level", level=data.level)
    if data.kind not in KINDS:
        raise RuleViolation("Unknown kind %(kind)s.", field="kind", kind=data.kind)
    if data.competition_class not in CLASSES:
        raise RuleViolation("Unknown class %(klass)s.", field="competition_class", klass=data.competition_class)
    if data.ends_on < data.starts_on:
        raise RuleViolation("The last day is before the first day.", field="ends_on")
    if data.starts_on.year != data.year and data.ends_on.year != data.year:
        raise RuleViolation("The contest's dates do not fall in %(year)s.", field="starts_on", year=data.year)
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if (opens is None) != (closes is None):
        raise RuleViolation("Give both ends of the registration window, or neither.", field="registration_closes_at")
    if opens and closes:
        if closes <= opens:
            raise RuleViolation("Registration closes before it opens.", field="registration_closes_at")
        if closes.date() > data.starts_on:
            raise RuleViolation("Registration must close no later than the first day of the contest.",
                                field="registration_closes_at")


def create_competition(data: CompetitionData, *, created_by_id: int | None) -> Competition:
    """Create a draft competition."""
    _check_competition(data)
    competition = Competition(status="draft", created_by_id=created_by_id, **data.__dict__)
    db.session.add(competition)
    db.session.flush()
    return competition


def update_competition(competition: Competition, data: CompetitionData) -> None:
    """Change a competition's details; archived ones and ones with results are frozen."""
    if competition.status not in EDITABLE_STATUSES | {"in_progress"}:
        raise InvalidState("A competition with results can no longer be edited.")
    _check_competition(data)
    for key, value in data.__dict__.items():
        setattr(competition, key, value)


def marks_entered(competition: Competition) -> bool:
    """Whether any judge has entered a mark in the competition (judging has begun)."""
    from competitions.judging.models import Mark

    return db.session.execute(select(Mark.id).join(Event, Event.id == Mark.event_id)
                              .where(Event.competition_id == competition.id).limit(1)).first() is not None


def change_status(competition: Competition, target: str) -> None:
    """Move a competition to ``target`` if the life-cycle rules allow it."""
    live = competition.live_events
    facts = lifecycle.ReadinessFacts(
        event_count=len(live),
        events_without_valid_scheme=tuple(e.trade_name for e in live if not e.scheme_valid),
        has_registration_window=bool(competition.registration_opens_at and competition.registration_closes_at),
        judging_begun=target == "open" and competition.status == "closed" and marks_entered(competition),
        called_off=competition.called_off_at is not None,
    )
    old = competition.status
    competition.status = lifecycle.check_transition(competition.status, target, facts).value
    if old == lifecycle.Status.DRAFT and competition.status == lifecycle.Status.ARCHIVED:
        competition.called_off_at = utcnow()  # a draft that never opened, archived: a contest called off
    elif old == lifecycle.Status.ARCHIVED and competition.status == lifecycle.Status.DRAFT:
        competition.called_off_at = None  # calling it off is undone: a draft again, as before


def set_status(competition: Competition, target: str, *, actor_id: int | None) -> None:
    """The organizer moves a competition along its life cycle (``change_status``), audited."""
    old = competition.status
    change_status(competition, target)
    from competitions.audit.services import record

    record("competition.status", actor_id=actor_id, object_type="competition", object_id=competition.id,
           competition_id=competition.id, old={"status": old}, new={"status": competition.status})


def advance_to_judging(competition: Competition, *, actor_id: int | None, step: str) -> bool:
    """Move a closed competition on to "in progress" where a step of judging begins; True when it moved.

    Judges mark while the competition still says "registration closed"; the
    first step that needs "in progress" (a submitted sheet, a sign-off,
    computing results) moves it on by itself instead of refusing, audited with
    ``step``, the audit action of the step that began it (e.g. "sheet.submit").
    """
    if competition.status != "closed":
        return False
    from competitions.audit.services import record

    change_status(competition, "in_progress")
    record("competition.advance", actor_id=actor_id, object_type="competition", object_id=competition.id,
           competition_id=competition.id, old={"status": "closed"}, new={"status": "in_progress", "step": step})
    return True


def _require_editable(competition: Competition) -> None:
    if competition.status not in EDITABLE_STATUSES:
        raise InvalidState("Events and marking schemes cannot change once judging has begun.")


@dataclass(frozen=True)
class EventData:
    """What an organizer types about an event."""

    trade_name: str
    trade_code: str
    group: str
    capacity: int
    target_level: int | None = None
    required_level: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    is_team: bool = False
    team_size: int = 1
    starts_on: date | None = None
    ends_on: date | None = None


def _check_event(competition: Competition, data: EventData, exclude_id: int | None = None) -> None:
    clash = db.session.execute(
        select(Event.id).where(
            Event.competition_id == competition.id,
            Event.trade_code == inputs.trade_code(data.trade_code),
            Event.group == data.group,
            Event.round != "final",  # a final shares its preliminary's trade and group
            Event.id != (exclude_id or 0),
        )
    ).first()
    if clash:
        raise RuleViolation("This competition already has the event %(code)s for this group.", field="trade_code",
                            code=inputs.trade_code(data.trade_code))
    if data.min_age and data.max_age and data.min_age > data.max_age:
        raise RuleViolation("The minimum age is above the maximum age.", field="max_age")
    if data.is_team and data.team_size < 2:
        raise RuleViolation("A team event needs teams of at least 2.", field="team_size")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise RuleViolation("The last contest day is before the first.", field="ends_on")
    for day in (data.starts_on, data.ends_on):
        if day and not competition.starts_on <= day <= competition.ends_on:
            raise RuleViolation("Contest days must fall within the competition's dates.", field="starts_on")


def create_event(competition: Competition, data: EventData) -> Event:
    """Add an event to a competition that has not started judging."""
    _require_editable(competition)
    _check_event(competition, data)
    values = dict(data.__dict__, trade_code=inputs.trade_code(data.trade_code),
                  team_size=data.team_size if data.is_team else 1)
    event = Event(competition=competition, **values)
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, data: EventData) -> None:
    """Change an event's details."""
    _require_editable(event.competition)
    if event.round == "final" and (inputs.trade_code(data.trade_code), data.group) != (event.trade_code, event.group):
        raise RuleViolation("A final has its preliminary's trade code and group; change them on the preliminary.",
                            field="trade_code")
    if event.round and data.is_team:
        raise RuleViolation("Rounds are for individual events; %(event)s is a team event.", field="is_team",
                            event=event.trade_name)
    _check_event(event.competition, data, exclude_id=event.id)
    for key, value in data.__dict__.items():
        setattr(event, key, value)
    event.trade_code = inputs.trade_code(data.trade_code)
    if not data.is_team:
        event.team_size = 1
    if event.round == "preliminary":  # the final is the same trade and group
        for final in event.competition.events:
            if final.preliminary_event_id == event.id and final.round == "final":
                final.trade_name, final.trade_code, final.group = event.trade_name, event.trade_code, event.group


def cancel_event(event: Event, *, actor_id: int | None, reason: str, now: datetime) -> None:
    """Cancel an event (取消) at any status before results, with a reason; audited.

    The event stays on record with its registrations, but it is no longer held:
    judging, results, the public pages and the board leave it out, so it never
    holds up the other events. An unpublished provisional computation that
    still contains it is discarded (compute again).
    """
    from competitions.audit.services import record
    from competitions.results.models import ResultSnapshot

    text = (reason or "").strip()
    computed = db.session.execute(select(ResultSnapshot.status).where(
        ResultSnapshot.competition_id == event.competition_id)).scalars().all()
    refusal = lifecycle.event_cancel_refusal(
        event.competition.status, already_cancelled=event.cancelled,
        results_computed=any(s in ("published", "final") for s in computed))
    if refusal is not None:
        raise InvalidState(refusal[0], **refusal[1])
    if not text:
        raise RuleViolation("Give the reason for cancelling the event.", field="reason")
    event.cancelled_at, event.cancel_reason, event.cancelled_by_id = now, text, actor_id
    for snapshot in db.session.execute(select(ResultSnapshot).where(
            ResultSnapshot.competition_id == event.competition_id,
            ResultSnapshot.status == "provisional")).scalars():
        db.session.delete(snapshot)
    record("event.cancel", actor_id=actor_id, object_type="event", object_id=event.id,
           competition_id=event.competition_id, event_id=event.id, old={"cancelled": False},
           new={"cancelled": True}, reason=text)
    db.session.flush()


def delete_event(event: Event) -> None:
    """Remove an event from a competition that is still a draft."""
    if event.competition.status != "draft":
        raise InvalidState("Events can only be removed while the competition is a draft; "
                           "cancel the event instead, with a reason.")
    db.session.delete(event)


@dataclass(frozen=True)
class AwardRuleData:
    """How prizes are given: a mode and up to three numbers (counts for bands, percentages for proportions)."""

    mode: str
    first: Decimal | None = None
    second: Decimal | None = None
    third: Decimal | None = None
    honourable: Decimal | None = None  # honourable mentions: places (bands) or per cent (proportions)
    rounding: str = "down"  # proportions: how a fraction of a competitor is rounded (domain.awards)


AWARD_METHODS = {"bands": "rank_bands", "proportions": "proportions", "medals": "medals"}


def award_rule_problems(rule: AwardRuleData) -> list[tuple[str, dict]]:
    """Problems with an award rule as (message, params) pairs; the rules themselves live in domain.awards."""
    if rule.mode not in AWARD_METHODS:
        return [(N_("Unknown award mode %(mode)s."), {"mode": rule.mode})]
    if rule.mode != "medals" and None in (rule.first, rule.second, rule.third):
        if rule.mode == "bands":
            return [(N_("Give the number of first, second and third prizes."), {})]
        return [(N_("Give the percentage of entrants for first, second and third prizes."), {})]
    if rule.rounding not in ("down", "up", "nearest"):
        return [(N_("Unknown rounding %(rounding)s."), {"rounding": rule.rounding})]
    domain_rule = AwardRule(AWARD_METHODS[rule.mode], rule.first or 0, rule.second or 0, rule.third or 0,
                            rule.honourable or 0, rule.rounding)
    return [(p["message"], p["params"]) for p in validate_award_rule(domain_rule)]


def award_rule_json(rule: AwardRuleData) -> dict:
    """The award rule as stored on the event."""
    if rule.mode == "medals":
        return {"mode": "medals"}
    cast = int if rule.mode == "bands" else str
    stored = {"mode": rule.mode, "first": cast(rule.first), "second": cast(rule.second), "third": cast(rule.third)}
    if rule.honourable:
        stored["honourable"] = cast(rule.honourable)
    if rule.mode == "proportions" and rule.rounding != "down":
        stored["rounding"] = rule.rounding
    return stored


def save_scheme(event: Event, draft: SchemeDraft, award: AwardRuleData) -> None:
    """Replace an event's marking scheme after validating all of it; nothing is saved when anything is wrong."""
    _require_editable(event.competition)
    problems = [
        {"field": p.field, "row": p.row, "message": p.message, "params": p.params} for p in validate_scheme(draft)
    ]
    problems += [{"field": "award_mode", "row": None, "message": m, "params": p} for m, p in award_rule_problems(award)]
    problems += carried_part_problems(event, draft)
    if problems:
        raise ValidationErrors(problems)
    for part in list(event.parts):
        db.session.delete(part)
    db.session.flush()
    event.parts = []
    for p_pos, part in enumerate(draft.parts):
        row = SchemePart(code=part.code.strip(), name=part.name.strip(), weight=part.weight,
                         pass_mark=part.pass_mark, carried_from=part.carried_from or None, position=p_pos)
        row.criteria = [
            Criterion(code=c.code.strip(), name=c.name.strip(), max_mark=c.max_mark, step=c.step, kind=c.kind,
                      aggregation=c.aggregation, judges_required=c.judges_required, position=c_pos,
                      **_reading_columns(c))
            for c_pos, c in enumerate(c for c in draft.criteria if c.part_code == part.code)
        ]
        event.parts.append(row)
    event.tie_break = list(draft.tie_break)
    event.trim_min_judges = draft.trim_min_judges
    event.pass_total = draft.pass_total
    event.failed_placement = draft.failed_placement
    event.precision = draft.precision
    event.rank_style = draft.rank_style
    event.absent_are_entrants = draft.absent_are_entrants
    event.team_rule = team_rule_json(draft) if event.is_team else {}
    event.award_rule = award_rule_json(award)
    event.scheme_valid = True
    db.session.flush()


def carried_part_problems(event: Event, draft: SchemeDraft) -> list[dict]:
    """A part carried from the preliminary needs a final round and a part of that preliminary to carry."""
    problems: list[dict] = []
    preliminary = db.session.get(Event, event.preliminary_event_id) if event.preliminary_event_id else None
    codes = {p.code for p in preliminary.parts} if preliminary is not None else set()
    for row, part in enumerate(draft.parts):
        if not part.carried_from:
            continue
        if event.round != "final" or preliminary is None:
            problems.append({"field": "parts", "row": row, "params": {"code": part.code},
                             "message": N_("Only a final round can carry a part from its preliminary (%(code)s).")})
        elif part.carried_from not in codes:
            problems.append({"field": "parts", "row": row,
                             "params": {"code": part.carried_from, "parts": ", ".join(sorted(codes)) or "—"},
                             "message": N_("The preliminary has no part %(code)s; its parts are %(parts)s.")})
    return problems


def _reading_columns(c: CriterionDraft) -> dict:
    """A criterion's reading settings as stored: a tolerance only in check mode."""
    check = c.reading_mode == "check"
    return {"reading_mode": c.reading_mode, "tolerance": c.tolerance if check else None,
            "check_counts": c.check_counts if check else "first"}


def award_rule_data_of(event: Event) -> AwardRuleData:
    """The stored award rule of an event as the scheme editor's ``AwardRuleData`` (for CLI edits)."""
    rule = event.award_rule or {"mode": "bands", "first": 1, "second": 2, "third": 3}

    def amount(key):
        value = rule.get(key)
        return None if value is None else Decimal(str(value))

    return AwardRuleData(rule.get("mode", "bands"), amount("first"), amount("second"), amount("third"),
                         amount("honourable"), rule.get("rounding", "down"))


def scheme_draft_of(event: Event) -> SchemeDraft:
    """The stored scheme of an event as a draft (for copying and for the editor)."""
    return SchemeDraft(
        parts=tuple(PartDraft(p.code, p.name, p.weight, p.pass_mark, p.carried_from) for p in event.parts),
        criteria=tuple(
            CriterionDraft(p.code, c.code, c.name, c.max_mark, c.step, c.kind, c.aggregation, c.judges_required,
                           c.reading_mode or "once", c.tolerance, c.check_counts or "first")
            for p in event.parts for c in p.criteria
        ),
        tie_break=tuple(event.tie_break or ()),
        trim_min_judges=event.trim_min_judges,
        pass_total=event.pass_total,
        failed_placement=event.failed_placement or "ranked",
        precision=event.precision if event.precision is not None else 2,
        rank_style=event.rank_style or "standard",
        absent_are_entrants=bool(event.absent_are_entrants),
        team_score=(event.team_rule or {}).get("score") or "mean",
        team_best=(event.team_rule or {}).get("best"),
        team_tie_break=tuple((event.team_rule or {}).get("tie_break") or ()),
        team_tie_mode=(event.team_rule or {}).get("tie_mode") or "shared",
    )


def team_rule_json(draft: SchemeDraft) -> dict:
    """A team event's team rules as stored on the event (results.teams.TeamRule reads them)."""
    stored: dict = {"score": draft.team_score, "tie_break": list(draft.team_tie_break), "tie_mode": draft.team_tie_mode}
    if draft.team_score == "best":
        stored["best"] = draft.team_best
    return stored


def _copy_event_into(source: Event, target: Competition, *, trade_code: str, group: str, shift_years: int) -> Event:
    data = EventData(
        trade_name=source.trade_name, trade_code=trade_code, group=group, capacity=source.capacity,
        target_level=source.target_level, required_level=source.required_level, min_age=source.min_age,
        max_age=source.max_age, is_team=source.is_team, team_size=source.team_size,
        starts_on=_shift(source.starts_on, shift_years), ends_on=_shift(source.ends_on, shift_years),
    )
    event = create_event(target, data)
    _copy_scheme_into(source, event)
    return event


def _copy_scheme_into(source: Event, event: Event) -> None:
    """Copy ``source``'s marking scheme and scoring rules onto ``event`` (a part carried from a preliminary too)."""
    for p_pos, part in enumerate(source.parts):
        row = SchemePart(code=part.code, name=part.name, weight=part.weight, pass_mark=part.pass_mark,
                         carried_from=part.carried_from if event.round == "final" else None, position=p_pos)
        row.criteria = [
            Criterion(code=c.code, name=c.name, max_mark=c.max_mark, step=c.step, kind=c.kind,
                      aggregation=c.aggregation, judges_required=c.judges_required, position=c.position,
                      reading_mode=c.reading_mode or "once", tolerance=c.tolerance,
                      check_counts=c.check_counts or "first")
            for c in part.criteria
        ]
        event.parts.append(row)
    event.tie_break = list(source.tie_break or [])
    event.award_rule = dict(source.award_rule or {})
    event.trim_min_judges = source.trim_min_judges
    event.pass_total = source.pass_total
    event.failed_placement = source.failed_placement
    event.precision = source.precision
    event.rank_style = source.rank_style
    event.absent_are_entrants = source.absent_are_entrants
    event.team_rule = dict(source.team_rule or {})
    event.scheme_valid = source.scheme_valid and (event.round == "final" or not any(p.carried_from
                                                                                    for p in source.parts))


def copy_event(source: Event, target: Competition, *, trade_code: str, group: str) -> Event:
    """Copy an event with its marking scheme into ``target`` (the same or another competition)."""
    event = _copy_event_into(source, target, trade_code=trade_code, group=group, shift_years=0)
    db.session.flush()
    return event


def _shift(value, years: int):
    if value is None or years == 0:
        return value
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February into a common year
        return value.replace(year=value.year + years, day=28)


def copy_competition(source: Competition, *, name: str, year: int, created_by_id: int | None) -> Competition:
    """Start a new draft competition from ``source``: same settings and events, dates moved to ``year``."""
    shift = year - source.year
    data = CompetitionData(
        name=name, year=year, level=source.level, competition_class=source.competition_class, kind=source.kind,
        organization_id=source.organization_id, starts_on=_shift(source.starts_on, shift),
        ends_on=_shift(source.ends_on, shift), registration_opens_at=_shift(source.registration_opens_at, shift),
        registration_closes_at=_shift(source.registration_closes_at, shift), description=source.description,
        recuse_same_parent=source.recuse_same_parent, online_appeals=source.online_appeals,
    )
    copy = create_competition(data, created_by_id=created_by_id)
    copy.copied_from_id = source.id
    copies: dict[int, Event] = {}
    for event in source.events:
        if event.round == "final":
            continue  # added with its preliminary's round structure below
        # Event dates must stay inside the copy's dates, so they move by the same number of years.
        copies[event.id] = _copy_event_into(event, copy, trade_code=event.trade_code, group=event.group,
                                            shift_years=shift)
    db.session.flush()
    for event in source.events:
        if event.round == "final" and event.preliminary_event_id in copies:
            from competitions.rounds.services import create_final

            final = create_final(copies[event.preliminary_event_id], rule=dict(event.qualification_rule or {}),
                                 actor_id=created_by_id)
            final.capacity = event.capacity
            _copy_scheme_into(event, final)
    db.session.flush()
    return copy
