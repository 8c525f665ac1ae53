"""Final honours of a labour competition and their certificates.

The practice: at the end of the campaign the leading group commends, from the
cumulative standing of the published periods, the first units as **advanced
collectives** (先进集体) and the best teams as **Workers' Pioneers** (工人先锋号),
as its rules state (``domain.labour_honours``); then each unit names its
**advanced individuals** (先进个人) within its quota from its own members, and the
organizer confirms or rejects each with a reason. Honours are decided once every
period of the competition is published; what was decided is frozen with the
figures it rests on. Deciding again after a correction changes only what the
standing now calls for and needs a reason; a single honour can be withdrawn
with a reason. Everything is audited.

Withdrawing an honour for cause (``withdraw_honour``: a safety accident found
later, ...) is final for that unit and that honour: its status becomes
``revoked``, its certificate is revoked in the same transaction (through
``certificates.services.revoke``, audited, code ``honour_withdrawn``) so the
public verification page says so at once, and when the honours are decided
again the unit is barred from that kind of honour -- its place goes to the
next eligible unit of the standing (``domain.labour_honours.final_honours``'s
``barred``). An honour merely no longer called for by a re-decision becomes
``withdrawn`` (not barred: a later correction may call for it again); its
certificate is revoked at once too, as is that of a confirmed advanced
individual who is rejected or withdrawn.

Certificates (荣誉证书) go through the certificates module — signed number, QR
code to the public verification page, the organization's seal — with the facts
frozen at issue: a collective certificate names the unit, an individual one
the person with their unit as employer (and appears on the person's own
certificates page). Issuing reconciles like award certificates do: one active
certificate per standing honour, revoked when the honour is withdrawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from competitions.audit.services import record
from competitions.certificates.keys import current_key
from competitions.certificates.models import Certificate
from competitions.certificates.services import LABOUR_HONOUR_SOURCE, design_for, issuer_name, revoke
from competitions.domain import certificate_numbers as numbers
from competitions.domain import labour_honours as domain
from competitions.domain.errors import N_, InvalidState, NotFound, RuleViolation
from competitions.extensions import db
from competitions.i18n import join_list
from competitions.labour.models import LabourPeriod, LabourUnit, LabourUnitMember
from competitions.labour_results import rules as rules_mod
from competitions.labour_results.models import LabourHonour
from competitions.labour_results.publication import given_reason
from competitions.labour_results.standings import cumulative_view
from competitions.organize.models import Competition
from competitions.orgs.models import Worker
from competitions.timezone import to_local

SOURCE_PREFIX = LABOUR_HONOUR_SOURCE
NOMINATION_ACTIONS = ("confirm", "reject", "reopen", "withdraw")
STANDING = ("awarded", "confirmed")
ACTIVE = ("awarded", "nominated", "confirmed")


def honours_of(competition_id: int, *, active_only: bool = False) -> list[LabourHonour]:
    """The competition's honours (collective first, by kind and place), optionally only those that stand."""
    stmt = select(LabourHonour).where(LabourHonour.competition_id == competition_id)
    if active_only:
        stmt = stmt.where(LabourHonour.status.in_(ACTIVE))
    rows = list(db.session.execute(stmt).scalars())
    order = {k.value: i for i, k in enumerate(domain.HonourKind)}
    return sorted(rows, key=lambda h: (order.get(h.kind, 9), h.rank or 10**6, h.unit_id, h.worker_id or 0, h.id))


def unpublished_periods(competition_id: int) -> list[LabourPeriod]:
    """Periods of the competition without a published ranking."""
    from competitions.labour_results.models import LabourPublication

    published_ids = select(LabourPublication.period_id).where(LabourPublication.status == "published")
    return list(db.session.execute(select(LabourPeriod).where(
        LabourPeriod.competition_id == competition_id, LabourPeriod.id.not_in(published_ids))
        .order_by(LabourPeriod.number)).scalars())


@dataclass(frozen=True)
class DecideSummary:
    """What deciding the collective honours did."""

    awarded: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    # "kind:unit name" of the honours a unit was barred from by an earlier withdrawal for cause
    barred: tuple[tuple[str, str], ...] = ()


def decide_honours(competition: Competition, *, actor_id: int | None, now: datetime,
                   reason: str = "") -> DecideSummary:
    """Award the collective honours the cumulative standing calls for (see the module docstring)."""
    db.session.execute(select(Competition.id).where(Competition.id == competition.id).with_for_update())
    if competition.kind != "labor":
        raise InvalidState(N_("Only labour competitions have period rankings and a red flag."))
    missing = unpublished_periods(competition.id)
    if missing:
        raise InvalidState(N_("Final honours are decided once every period is published; not yet: %(periods)s."),
                           periods=join_list(p.name for p in missing[:6]))
    rules = rules_mod.rules_of(competition.id)
    honour_rules = rules_mod.honour_rules(rules)
    if not honour_rules:
        raise InvalidState(N_("The competition's rules give no collective honours; set them in the rules first."))
    view = cumulative_view(competition.id)
    kinds = {u.id: u.kind for u in view.units.values()}
    barred = barred_from(competition.id)
    awards = domain.final_honours(view.standing, honour_rules, kinds, barred=barred)
    wanted = {f"{a.kind.value}:{a.unit_id}": a for a in awards}
    current = {h.active_key: h for h in honours_of(competition.id, active_only=True)
               if h.kind != domain.HonourKind.ADVANCED_INDIVIDUAL}
    changed = set(current) - set(wanted)
    if current and (changed or set(wanted) - set(current)):
        reason = given_reason(reason)
    withdrawn = 0
    for key in sorted(changed):
        _withdraw(current[key], reason, actor_id=actor_id, now=now)
        withdrawn += 1
    db.session.flush()
    awarded = 0
    for key, award in wanted.items():
        if key in current:
            continue
        place = view.standing.place_of(award.unit_id)
        db.session.add(LabourHonour(
            competition_id=competition.id, kind=award.kind.value, unit_id=award.unit_id, status="awarded",
            active_key=key, rank=award.rank, figures=_figures(place), created_at=now, created_by_id=actor_id,
            decided_at=now, decided_by_id=actor_id, reason=reason))
        awarded += 1
    db.session.flush()
    names = {u.id: u.name for u in view.units.values()}
    passed_over = tuple(sorted((kind, names.get(unit_id, str(unit_id))) for kind, unit_id in barred
                               if any(r.kind == kind for r in honour_rules)))
    summary = DecideSummary(awarded, withdrawn, len(set(current) & set(wanted)), passed_over)
    if awarded or withdrawn:
        record("labour_honours_decided", actor_id=actor_id, object_type="competition", object_id=competition.id,
               competition_id=competition.id, new={"awarded": awarded, "withdrawn": withdrawn,
                                                   "honours": sorted(wanted),
                                                   "barred": [f"{k}:{u}" for k, u in sorted(barred)]},
               reason=reason)
    return summary


def _figures(place) -> dict:
    row = place.row
    return {"total": None if row.total is None else str(row.total), "periods": row.periods, "vetoes": row.vetoes,
            "flags": row.flags, "rank": place.rank}


def barred_from(competition_id: int) -> set[tuple[str, int]]:
    """(honour kind, unit id) of the collective honours withdrawn for cause: never awarded to that unit again."""
    return {(h.kind, h.unit_id) for h in honours_of(competition_id)
            if h.status == "revoked" and h.kind != domain.HonourKind.ADVANCED_INDIVIDUAL}


def revoke_certificate_of(honour: LabourHonour, reason: str, *, actor_id: int | None,
                          now: datetime) -> Certificate | None:
    """Revoke the honour's active certificate, if it has one (audited by the certificates module); returns it."""
    certificate = db.session.execute(select(Certificate).where(
        Certificate.source == f"{SOURCE_PREFIX}{honour.id}", Certificate.status == "active")).scalar_one_or_none()
    if certificate is not None:
        revoke(certificate, reason, code="honour_withdrawn", actor_id=actor_id, now=now)
    return certificate


def _withdraw(honour: LabourHonour, reason: str, *, actor_id: int | None, now: datetime,
              status: str = "withdrawn") -> Certificate | None:
    honour.status = status
    honour.active_key = None
    honour.decided_at = now
    honour.decided_by_id = actor_id
    honour.reason = reason
    return revoke_certificate_of(honour, reason, actor_id=actor_id, now=now)


def withdraw_honour(honour: LabourHonour, reason: str, *, actor_id: int | None,
                    now: datetime) -> Certificate | None:
    """Withdraw one awarded or confirmed honour for cause, with a reason: it becomes ``revoked``, its certificate
    is revoked in the same transaction, and the unit is barred from that honour when the honours are decided
    again (module docstring). Returns the revoked certificate, if there was one."""
    reason = given_reason(reason)
    if honour.status not in STANDING:
        raise InvalidState(N_("This honour is not awarded."))
    old = honour.status
    certificate = _withdraw(honour, reason, actor_id=actor_id, now=now, status="revoked")
    db.session.flush()
    record("labour_honour_withdrawn", actor_id=actor_id, object_type="labour_honour", object_id=honour.id,
           competition_id=honour.competition_id, old={"status": old, "kind": honour.kind, "unit": honour.unit_id},
           new={"status": "revoked", "certificate": certificate.number if certificate is not None else None},
           reason=reason)
    return certificate


# --- advanced individuals -------------------------------------------------------------------------


def quotas(competition_id: int) -> dict[int, int]:
    """How many advanced individuals each unit may name now (after the collective honours are decided)."""
    rules = rules_mod.rules_of(competition_id)
    view = cumulative_view(competition_id)
    collective = [domain.HonourAward(h.unit_id, domain.HonourKind(h.kind), h.rank or 0)
                  for h in honours_of(competition_id, active_only=True) if h.kind != "advanced_individual"]
    return domain.individual_quotas(view.standing, collective, rules_mod.individual_quota(rules))


def nominate(unit: LabourUnit, worker_ids: Sequence[int], *, actor_id: int | None, now: datetime) -> list[LabourHonour]:
    """A unit names advanced individuals from its members, within its quota; the organizer confirms later."""
    db.session.execute(select(LabourUnit.id).where(LabourUnit.id == unit.id).with_for_update())
    if unpublished_periods(unit.competition_id):
        raise InvalidState(N_("Advanced individuals are named once every period is published."))
    quota = quotas(unit.competition_id).get(unit.id, 0)
    members = db.session.execute(select(LabourUnitMember.worker_id).where(
        LabourUnitMember.unit_id == unit.id)).scalars()
    already = [h.worker_id for h in honours_of(unit.competition_id, active_only=True)
               if h.kind == "advanced_individual" and h.unit_id == unit.id]
    named = domain.check_nominations(list(worker_ids), members, quota, already)
    taken = {h.worker_id for h in honours_of(unit.competition_id, active_only=True) if h.worker_id}
    if taken & set(named):
        raise RuleViolation(N_("A person is named twice."), field="people")
    rows = []
    for worker_id in named:
        row = LabourHonour(competition_id=unit.competition_id, kind="advanced_individual", unit_id=unit.id,
                           worker_id=worker_id, status="nominated", active_key=f"advanced_individual:{worker_id}",
                           created_at=now, created_by_id=actor_id)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    if rows:
        record("labour_individuals_nominated", actor_id=actor_id, object_type="labour_unit", object_id=unit.id,
               competition_id=unit.competition_id, new={"workers": list(named)})
    return rows


def decide_nomination(honour: LabourHonour, action: str, reason: str = "", *, actor_id: int | None,
                      now: datetime) -> None:
    """Confirm, reject (also a confirmed one), withdraw or reopen a nomination; reasons where the rule asks."""
    if honour.kind != "advanced_individual":
        raise NotFound(N_("No such nomination."))
    old = honour.status
    reason = given_reason(reason) if (reason or "").strip() else ""
    target = domain.nomination_move(honour.status, action, reason)
    if target is domain.NominationState.NOMINATED:
        clash = db.session.execute(select(LabourHonour.id).where(
            LabourHonour.competition_id == honour.competition_id,
            LabourHonour.active_key == f"advanced_individual:{honour.worker_id}")).scalar()
        if clash is not None:
            raise InvalidState(N_("This person is already named again."))
        honour.active_key = f"advanced_individual:{honour.worker_id}"
    elif target in (domain.NominationState.REJECTED, domain.NominationState.WITHDRAWN):
        honour.active_key = None
        revoke_certificate_of(honour, reason, actor_id=actor_id, now=now)
    honour.status = target.value
    honour.decided_at = now
    honour.decided_by_id = actor_id
    honour.reason = reason
    db.session.flush()
    record(f"labour_nomination_{target.value}", actor_id=actor_id, object_type="labour_honour", object_id=honour.id,
           competition_id=honour.competition_id, old={"status": old},
           new={"status": target.value, "worker": honour.worker_id, "unit": honour.unit_id}, reason=honour.reason)


# --- certificates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateSummary:
    """What issuing the honour certificates did."""

    issued: int = 0
    reissued: int = 0
    revoked: int = 0
    unchanged: int = 0


def _wanted(competition: Competition) -> dict[str, dict]:
    """The certificate facts each standing honour calls for, by certificate source."""
    units = {u.id: u for u in db.session.execute(select(LabourUnit).where(
        LabourUnit.competition_id == competition.id)).scalars()}
    wanted = {}
    for honour in honours_of(competition.id):
        if honour.status not in STANDING:
            continue
        unit = units[honour.unit_id]
        if honour.kind == "advanced_individual":
            worker = db.session.get(Worker, honour.worker_id)
            facts = {"name": worker.name, "employer": unit.name, "worker_id": worker.id}
        else:
            facts = {"name": unit.name, "employer": "", "worker_id": None}
        wanted[f"{SOURCE_PREFIX}{honour.id}"] = {**facts, "award": honour.kind,
                                                  "competition_name": competition.name}
    return wanted


def _same(certificate: Certificate, facts: dict) -> bool:
    return (certificate.name, certificate.employer, certificate.award, certificate.competition_name) == (
        facts["name"], facts["employer"], facts["award"], facts["competition_name"])


def issue_honour_certificates(competition: Competition, *, actor_id: int | None,
                              now: datetime) -> CertificateSummary:
    """Make the competition's honour certificates match its standing honours (issue, reissue, revoke)."""
    db.session.execute(select(Competition.id).where(Competition.id == competition.id).with_for_update())
    wanted = _wanted(competition)
    active = {c.source: c for c in db.session.execute(select(Certificate).where(
        Certificate.competition_id == competition.id, Certificate.status == "active",
        Certificate.source.startswith(SOURCE_PREFIX))).scalars()}
    if not wanted and not active:
        raise InvalidState(N_("No honour is awarded or confirmed yet, so there is no certificate to issue."))
    design = design_for(competition.organization)
    issued = reissued = revoked = unchanged = 0
    for source, certificate in active.items():
        facts = wanted.get(source)
        if facts is not None and _same(certificate, facts):
            unchanged += 1
            continue
        revoke(certificate, "", code="honour_changed" if facts is not None else "honour_withdrawn",
               actor_id=actor_id, now=now)
        revoked += facts is None
    db.session.flush()
    for source, facts in wanted.items():
        previous = active.get(source)
        if previous is not None and previous.status == "active":
            continue
        key_id, key = current_key()
        db.session.add(Certificate(
            number=numbers.new_number(key_id, key).compact, kind="honour", source=source, active_source=source,
            competition_id=competition.id, worker_id=facts["worker_id"], name=facts["name"],
            employer=facts["employer"], competition_name=facts["competition_name"], award=facts["award"],
            title="", issuer=issuer_name(competition.organization, design), issue_date=to_local(now).date(),
            seal_sha=design.seal_sha if design else None,
            signatories=list(design.signatories or []) if design else [], status="active", issued_at=now,
            issued_by_id=actor_id, replaces_id=previous.id if previous is not None else None))
        if previous is not None:
            reissued += 1
        else:
            issued += 1
    db.session.flush()
    if issued or reissued or revoked:
        record("certificates_issued", actor_id=actor_id, object_type="competition", object_id=competition.id,
               competition_id=competition.id,
               new={"issued": issued, "reissued": reissued, "revoked": revoked, "labour_honours": True})
    return CertificateSummary(issued, reissued, revoked, unchanged)


def honour_certificates(competition_id: int) -> dict[int, Certificate]:
    """The active honour certificates of the competition by honour id."""
    rows = db.session.execute(select(Certificate).where(
        Certificate.competition_id == competition_id, Certificate.status == "active",
        Certificate.source.startswith(SOURCE_PREFIX))).scalars()
    return {int(c.source[len(SOURCE_PREFIX):]): c for c in rows}
