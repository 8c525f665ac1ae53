"""A worker's record across the years, their current level, approved honours and the roster for the labour department.

* A worker's **current level** is their registered certificate level
  (``Worker.skill_level``, 5 junior ... 1 senior technician; none is an
  apprentice) raised by their approved level promotions: the highest approved
  ``to_level``, with the date it was approved and the competition that earned
  it. It is derived, never copied, so revoking an approval (rejecting a
  contested flag) puts the level back.
* ``worker_history`` lists every competition the worker entered, their final
  (or published) result, prize, flags and promotions, newest year first.
* ``approved_honours(competition_id)`` is what certificates print: approved
  honour titles and nominations of a competition.
* ``roster_rows`` is the roster the labour department receives: name, masked
  ID number, employer, event, place, score, current level, proposed level or
  title, the rule cited and the review status.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from competitions.domain import promotion as rules
from competitions.domain.identity import mask_national_id
from competitions.extensions import db
from competitions.organize.models import Competition, Event
from competitions.orgs.models import Organization, Worker
from competitions.promotion.models import PromotionFlag
from competitions.registration.models import Registration
from competitions.results.models import ResultEntry, ResultSnapshot


@dataclass(frozen=True)
class CurrentLevel:
    """Where a worker stands on the ladder, and since when and through which competition (None: registered)."""

    level: str
    since: datetime | None = None
    competition_id: int | None = None
    competition_name: str = ""


def current_levels(worker_ids: list[int]) -> dict[int, CurrentLevel]:
    """The current level of each worker: registered level raised by approved promotions."""
    out: dict[int, CurrentLevel] = {}
    ids = sorted(set(worker_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for wid, skill in db.session.execute(select(Worker.id, Worker.skill_level).where(Worker.id.in_(chunk))):
            out[wid] = CurrentLevel(rules.level_from_skill_level(skill))
        for wid, to_level, decided_at, cid, name in db.session.execute(
            select(PromotionFlag.worker_id, PromotionFlag.to_level, PromotionFlag.decided_at,
                   PromotionFlag.competition_id, Competition.name)
            .join(Competition, Competition.id == PromotionFlag.competition_id)
            .where(PromotionFlag.worker_id.in_(chunk), PromotionFlag.kind == "level",
                   PromotionFlag.status == "approved")
            .order_by(PromotionFlag.decided_at, PromotionFlag.id)
        ):
            if rules.level_index(to_level) > rules.level_index(out[wid].level):
                out[wid] = CurrentLevel(to_level, decided_at, cid, name)
    return out


def current_level(worker: Worker) -> CurrentLevel:
    """The current level of one worker."""
    return current_levels([worker.id]).get(worker.id, CurrentLevel(rules.level_from_skill_level(worker.skill_level)))


@dataclass(frozen=True)
class HistoryLine:
    """One competition entry of a worker, with its result and flags."""

    year: int
    competition_id: int
    competition_name: str
    competition_level: str
    event_name: str
    group: str
    registration_status: str
    result_status: str | None
    rank: int | None
    tied: bool
    total: Decimal | None
    prize: str | None
    disqualified: bool
    flags: tuple


def worker_history(worker: Worker) -> list[HistoryLine]:
    """Every competition the worker entered, newest first, with results once published and every flag."""
    regs = db.session.execute(
        select(Registration.id, Registration.status, Event.id, Event.trade_name, Event.group, Competition.id,
               Competition.name, Competition.year, Competition.level)
        .join(Event, Event.id == Registration.event_id).join(Competition, Competition.id == Event.competition_id)
        .where(Registration.worker_id == worker.id)
        .order_by(Competition.year.desc(), Competition.starts_on.desc(), Registration.id.desc())
    ).all()
    reg_ids = [r[0] for r in regs]
    results = {}
    if reg_ids:
        for rid, status, version, rank, tied, total, prize, dq in db.session.execute(
            select(ResultEntry.registration_id, ResultSnapshot.status, ResultSnapshot.version, ResultEntry.rank,
                   ResultEntry.tied, ResultEntry.total, ResultEntry.prize, ResultEntry.disqualified)
            .join(ResultSnapshot, ResultSnapshot.id == ResultEntry.snapshot_id)
            .where(ResultEntry.registration_id.in_(reg_ids), ResultSnapshot.status.in_(("published", "final")))
        ):
            if rid not in results or version > results[rid][1]:
                results[rid] = (status, version, rank, tied, total, prize, dq)
    flags = defaultdict(list)
    for flag in db.session.execute(select(PromotionFlag).where(PromotionFlag.worker_id == worker.id)
                                   .order_by(PromotionFlag.id)).scalars():
        flags[flag.registration_id].append(flag)
    lines = []
    for rid, reg_status, _eid, trade, group, cid, cname, year, level in regs:
        status, _v, rank, tied, total, prize, dq = results.get(rid, (None, 0, None, False, None, None, False))
        lines.append(HistoryLine(year, cid, cname, level, trade, group, reg_status, status, rank, bool(tied), total,
                                 prize, bool(dq), tuple(flags.get(rid, ()))))
    return lines


@dataclass(frozen=True)
class HonourLine:
    """An approved honour title or nomination, as a certificate prints it."""

    flag_id: int
    registration_id: int
    worker_id: int
    event_id: int
    name: str
    kind: str          # "honour" or "nomination"
    title: str
    rule_name: str
    decided_at: datetime | None


def approved_honours(competition_id: int) -> list[HonourLine]:
    """The approved honour titles and nominations of a competition, by event then name (for certificates)."""
    rows = db.session.execute(
        select(PromotionFlag.id, PromotionFlag.registration_id, PromotionFlag.worker_id, PromotionFlag.event_id,
               Worker.name, PromotionFlag.kind, PromotionFlag.title, PromotionFlag.rule_name,
               PromotionFlag.decided_at)
        .join(Worker, Worker.id == PromotionFlag.worker_id)
        .where(PromotionFlag.competition_id == competition_id, PromotionFlag.status == "approved",
               PromotionFlag.kind.in_(("honour", "nomination")))
        .order_by(PromotionFlag.event_id, PromotionFlag.rank, PromotionFlag.id)
    ).all()
    return [HonourLine(*row) for row in rows]


@dataclass(frozen=True)
class RosterRow:
    """One line of the promotion roster."""

    flag_id: int
    name: str
    masked_id: str
    employer: str
    event: str
    group: str
    rank: int | None
    total: Decimal | None
    current_level: str
    kind: str
    proposed_level: str | None
    title: str
    rule: str
    status: str
    contested: bool


def roster_rows(competition: Competition, *, statuses: tuple[str, ...] = ("pending", "approved")) -> list[RosterRow]:
    """The competition's flags as roster lines, by event and place (withdrawn and rejected left out by default)."""
    rows = db.session.execute(
        select(PromotionFlag, Worker.name, Worker.national_id, Organization.name, Event.trade_name, Event.group)
        .join(Worker, Worker.id == PromotionFlag.worker_id)
        .join(Registration, Registration.id == PromotionFlag.registration_id)
        .join(Organization, Organization.id == Registration.employer_id)   # the employer as registered
        .join(Event, Event.id == PromotionFlag.event_id)
        .where(PromotionFlag.competition_id == competition.id, PromotionFlag.status.in_(statuses))
        .order_by(PromotionFlag.event_id, PromotionFlag.rank, PromotionFlag.worker_id, PromotionFlag.id)
    ).all()
    levels = current_levels([flag.worker_id for flag, *_rest in rows])
    # The level before this competition: the level flag's own, else the one the person's level flag here states.
    before = {flag.registration_id: flag.from_level for flag, *_rest in rows if flag.kind == "level"}
    return [RosterRow(flag.id, name, mask_national_id(national_id), employer, trade, group, flag.rank, flag.total,
                      flag.from_level or before.get(flag.registration_id) or levels[flag.worker_id].level,
                      flag.kind, flag.to_level, flag.title,
                      f"{flag.rule_key} {flag.rule_name}".strip(), flag.status, flag.contested)
            for flag, name, national_id, employer, trade, group in rows]
