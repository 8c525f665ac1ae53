"""Publishing a labour competition's period rankings, frozen as snapshots, and the red flag they hand on.

The practice: once the assessors' chief has signed a period off (``labour``),
the competition's office publishes that period's ranking (考核结果通报) —
places, totals, group subtotals, bonus and deductions, vetoed units with their
reasons — and the rotating red flag (流动红旗) goes to the top unit without a
veto; where the rules attach money to places, the reward and penalty list is
published with it. What was published is what the units were told: it is
written once as a snapshot (``LabourPublication.snapshot``) and later edits to
scores, units or rules never change it.

A way out when something published was wrong: the organizer **unpublishes**
the period with a reason (it disappears from the public page and from the
flag's history until published again), or **corrects** it with a reason — the
period must be signed off again after the fix — which publishes a new version
replacing the old one. Both are audited with the reason; old versions are kept.

The flag's history and the current holder are read from the published
snapshots in period order (``flag_history``); a period left unpublished is
simply not part of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from competitions.audit.services import record
from competitions.domain import labour_flag as flag
from competitions.domain.errors import N_, InvalidState, RuleViolation
from competitions.domain.inputs import clean_text
from competitions.domain.labour_money import money_by_rank
from competitions.domain.labour_ranking import PeriodRow, VetoPlacement, rank_period
from competitions.extensions import db
from competitions.i18n import join_list
from competitions.labour.models import LabourIndicatorGroup, LabourPeriod, LabourUnit
from competitions.labour_results import rules as rules_mod
from competitions.labour_results.models import LabourPublication
from competitions.organize.models import Competition
from competitions.timezone import to_local

MAX_REASON = 1000


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def period_rows(period: LabourPeriod) -> list:
    """The labour core's per-unit scores of the period (``labour.services.period_scores``)."""
    from competitions.labour.services import period_scores

    return list(period_scores(period))


def build_snapshot(period: LabourPeriod, scores: Sequence | None = None) -> dict:
    """Everything the publication shows of one period, ranked under the competition's current rules.

    ``scores`` are the labour core's ``UnitPeriodScore`` rows (read when not given).
    Amounts and points are strings ("90.50", "5000.00") so the snapshot is exact JSON.
    """
    scores = period_rows(period) if scores is None else list(scores)
    incomplete = [s.unit_name for s in scores if not getattr(s, "complete", True)]
    if incomplete:
        raise InvalidState(N_("The period cannot be published: %(units)s still lack points."),
                           units=join_list(incomplete[:5]))
    rules = rules_mod.rules_of(period.competition_id)
    groups = list(db.session.execute(select(LabourIndicatorGroup).where(
        LabourIndicatorGroup.competition_id == period.competition_id).order_by(
        LabourIndicatorGroup.position, LabourIndicatorGroup.id)).scalars())
    units = {u.id: u for u in db.session.execute(select(LabourUnit).where(
        LabourUnit.competition_id == period.competition_id)).scalars()}
    rows = [PeriodRow(s.unit_id, s.total, {g.code: g.subtotal for g in s.groups}, s.bonus, s.deduction,
                      s.vetoed, tuple(s.veto_reasons)) for s in scores]
    standing = rank_period(rows, rules_mod.period_chain(rules, [g.code for g in groups]),
                           veto_placement=VetoPlacement(rules.veto_placement or "unplaced"))
    award = flag.flag_award(standing, rules_mod.flag_rule(rules))
    lines = money_by_rank(standing, rules_mod.money_rule(rules))
    by_unit = {s.unit_id: s for s in scores}
    return {
        "period": {"id": period.id, "number": period.number, "name": period.name, "kind": period.kind,
                   "starts_on": period.starts_on.isoformat(), "ends_on": period.ends_on.isoformat(),
                   "weight": str(period.weight if period.weight is not None else 1),
                   "signed_off_at": period.signed_off_at.isoformat() if period.signed_off_at else None},
        "groups": [{"code": g.code, "name": g.name, "max_points": str(g.max_points)} for g in groups],
        "rules": rules_mod.rules_json(rules),
        "rows": [_row_json(place, by_unit[place.unit_id], units.get(place.unit_id)) for place in standing.places],
        "flag": {"holders": list(award.holders), "reason": award.reason.value if award.reason else None},
        "money": [{"unit_id": m.unit_id, "rank": m.rank, "amount": str(m.amount), "reason": m.reason.value}
                  for m in lines],
    }


def _row_json(place, score, unit: LabourUnit | None) -> dict:
    return {"unit_id": place.unit_id, "code": score.unit_code, "name": score.unit_name,
            "kind": unit.kind if unit is not None else "", "rank": place.rank, "tied": place.tied,
            "total": _text(score.total), "groups": {g.code: str(g.subtotal) for g in score.groups},
            "bonus": str(score.bonus), "deduction": str(score.deduction), "vetoed": bool(score.vetoed),
            "veto_reasons": list(score.veto_reasons), "eligible": place.eligible}


def given_reason(reason: str) -> str:
    """The reason an organizer gave for unpublishing, correcting or withdrawing, as stored: required, at most
    ``MAX_REASON`` characters, no control characters -- the same check for the pages, the CLI and the API."""
    reason = clean_text((reason or "").strip(), field="reason", multiline=True)
    if not reason:
        raise RuleViolation(N_("Give a reason."), field="reason")
    if len(reason) > MAX_REASON:
        raise RuleViolation(N_("At most %(max)d characters."), field="reason", max=MAX_REASON)
    return reason


def active_publication(period_id: int) -> LabourPublication | None:
    """The period's published version, if any."""
    return db.session.execute(select(LabourPublication).where(
        LabourPublication.active_period_id == period_id)).scalar_one_or_none()


def _lock(period: LabourPeriod) -> LabourPeriod:
    """Lock the period row (PostgreSQL; SQLite writers queue anyway) and check it can be published."""
    db.session.execute(select(LabourPeriod.id).where(LabourPeriod.id == period.id).with_for_update())
    db.session.refresh(period)
    competition = db.session.get(Competition, period.competition_id)
    if competition is None or competition.kind != "labor":
        raise InvalidState(N_("Only labour competitions have period rankings and a red flag."))
    if period.status != "signed_off":
        raise InvalidState(N_("Only a signed-off period can be published; %(period)s is not signed off."),
                           period=period.name)
    return period


def _new_version(period: LabourPeriod, snapshot: dict, *, actor_id: int | None, now: datetime,
                 replaces: int | None = None) -> LabourPublication:
    version = (db.session.execute(select(func.max(LabourPublication.version)).where(
        LabourPublication.period_id == period.id)).scalar() or 0) + 1
    publication = LabourPublication(
        competition_id=period.competition_id, period_id=period.id, active_period_id=period.id,
        period_number=period.number, version=version, status="published", snapshot=snapshot, published_at=now,
        published_by_id=actor_id, replaces_id=replaces)
    db.session.add(publication)
    db.session.flush()
    return publication


def publish_period(period: LabourPeriod, *, actor_id: int | None, now: datetime) -> LabourPublication:
    """Publish a signed-off period's ranking as a new snapshot; InvalidState when already published."""
    _lock(period)
    today = to_local(now).date()
    if period.starts_on > today:
        raise InvalidState(N_("%(period)s starts on %(date)s; it cannot be published before it starts."),
                           period=period.name, date=period.starts_on.isoformat())
    if period.ends_on >= today:
        # A period's ranking judges the whole period: an accident on its last day still vetoes the unit. The
        # rules (考评办法) publish after the period; none of ours models an early publication.
        raise InvalidState(N_("%(period)s runs until %(date)s; its ranking can be published from %(first)s, once "
                              "the period has ended."), period=period.name, date=period.ends_on.isoformat(),
                           first=period.publishable_from.isoformat())
    if active_publication(period.id) is not None:
        raise InvalidState(N_("%(period)s is already published; correct or unpublish it instead."),
                           period=period.name)
    publication = _new_version(period, build_snapshot(period), actor_id=actor_id, now=now)
    record("labour_period_published", actor_id=actor_id, object_type="labour_period", object_id=period.id,
           competition_id=period.competition_id,
           new={"version": publication.version, "flag": publication.snapshot["flag"]["holders"]})
    return publication


def _end(publication: LabourPublication, status: str, reason: str, *, actor_id: int | None, now: datetime) -> None:
    if publication.status != "published":
        raise InvalidState(N_("This version is no longer published."))
    publication.status = status
    publication.active_period_id = None
    publication.ended_at = now
    publication.ended_by_id = actor_id
    publication.end_reason = reason
    db.session.flush()


def withdraw_publication(publication: LabourPublication, reason: str, *, actor_id: int | None,
                         now: datetime) -> None:
    """Unpublish a period's ranking with a reason (kept, no longer public; the flag history skips it)."""
    reason = given_reason(reason)
    _end(publication, "withdrawn", reason, actor_id=actor_id, now=now)
    record("labour_period_unpublished", actor_id=actor_id, object_type="labour_period",
           object_id=publication.period_id, competition_id=publication.competition_id,
           old={"version": publication.version}, reason=reason)


def correct_publication(publication: LabourPublication, reason: str, *, actor_id: int | None,
                        now: datetime) -> LabourPublication:
    """Replace a published version by a new one from the period's current signed-off scores, with a reason.

    Refused when the period is not signed off (reopen, fix and sign off first)
    or when the new ranking would be the same as the published one.
    """
    reason = given_reason(reason)
    period = db.session.get(LabourPeriod, publication.period_id)
    _lock(period)
    db.session.refresh(publication)
    if publication.status != "published":
        raise InvalidState(N_("This version is no longer published."))
    snapshot = build_snapshot(period)
    if _published_facts(snapshot) == _published_facts(publication.snapshot):
        raise InvalidState(N_("Nothing in the period's ranking has changed since it was published."))
    _end(publication, "corrected", reason, actor_id=actor_id, now=now)
    new = _new_version(period, snapshot, actor_id=actor_id, now=now, replaces=publication.id)
    record("labour_period_corrected", actor_id=actor_id, object_type="labour_period", object_id=period.id,
           competition_id=period.competition_id, old={"version": publication.version},
           new={"version": new.version, "flag": snapshot["flag"]["holders"]}, reason=reason)
    return new


def _published_facts(snapshot: dict) -> tuple:
    """What a reader of the published ranking would notice (not the time of sign-off)."""
    return (snapshot["rows"], snapshot["flag"], snapshot["money"], snapshot["period"]["weight"],
            snapshot["period"]["name"])


# --- reading what is published ------------------------------------------------------------------


def published(competition_id: int) -> list[LabourPublication]:
    """The competition's published periods, oldest period first."""
    return list(db.session.execute(select(LabourPublication).where(
        LabourPublication.competition_id == competition_id, LabourPublication.status == "published")
        .order_by(LabourPublication.period_number)).scalars())


def publications_of(competition_id: int) -> list[LabourPublication]:
    """Every version ever published (also withdrawn and corrected ones), by period then version."""
    return list(db.session.execute(select(LabourPublication).where(
        LabourPublication.competition_id == competition_id)
        .order_by(LabourPublication.period_number, LabourPublication.version)).scalars())


def flag_history(publications: Sequence[LabourPublication]) -> tuple[flag.FlagTerm, ...]:
    """The red flag's history from the published snapshots (their frozen awards), oldest period first."""
    awards = []
    for publication in publications:
        data = publication.snapshot["flag"]
        reason = flag.NoFlagReason(data["reason"]) if data.get("reason") else None
        awards.append((publication.period_number, flag.FlagAward(tuple(data["holders"]), reason)))
    return flag.history_of_awards(awards)


@dataclass(frozen=True)
class FlagHolder:
    """The red flag now: the period it was awarded for, its holders (names) and their streaks."""

    period_name: str
    period_number: int
    holders: tuple[dict, ...]  # {"unit_id", "name", "code", "streak", "total"}
    reason: str | None


def current_flag(publications: Sequence[LabourPublication]) -> FlagHolder | None:
    """Who holds the flag after the latest published period (None before any publication)."""
    history = flag_history(publications)
    term = flag.current_holders(history)
    if term is None:
        return None
    latest = publications[-1]
    rows = {r["unit_id"]: r for r in latest.snapshot["rows"]}
    holders = tuple({"unit_id": u, "name": rows[u]["name"], "code": rows[u]["code"], "total": rows[u]["total"],
                     "streak": term.streaks.get(u, 1)} for u in term.holders)
    return FlagHolder(latest.snapshot["period"]["name"], latest.period_number, holders,
                      term.reason.value if term.reason else None)


def published_competitions() -> list[tuple[Competition, LabourPublication]]:
    """Labour competitions with at least one published period, newest publication first (the public's way in)."""
    latest = (select(LabourPublication.competition_id, func.max(LabourPublication.id).label("id"))
              .where(LabourPublication.status == "published").group_by(LabourPublication.competition_id).subquery())
    rows = db.session.execute(select(Competition, LabourPublication)
                              .join(latest, latest.c.competition_id == Competition.id)
                              .join(LabourPublication, LabourPublication.id == latest.c.id)
                              .order_by(LabourPublication.published_at.desc(), Competition.id)).all()
    return [(competition, item) for competition, item in rows]
