"""Issuing, revoking and verifying certificates (获奖证书, 参赛证书, 荣誉证书).

The practice it follows: once results are final (after the public notice
period, 公示), the organizing federation issues an award certificate to every
prize winner, stamped with its seal and signed by the committee; finalists
may get a participation certificate, and honour titles (技术能手 ...) approved
in the promotion review get an honour certificate. Anyone may check a
certificate by its number on the public verification page (证书查验).

The rules:

* Certificates are issued only from final results: the newest ``final``
  snapshot. A competitor without a prize (or disqualified) never gets an award
  certificate; participation certificates go to finalists without a prize, and
  only when the competition's organizer switched them on.
* Issuing is reconciling: for every certificate the final results call for
  (its *source*, e.g. ``award:<registration>``) there is exactly one active
  certificate whose printed facts (name, employer, competition, event, award,
  title) match. A certificate whose facts changed — results corrected after an
  appeal — is revoked with the reason and a new one issued that names it as
  replaced; one no longer called for is revoked. Issuing twice changes nothing.
* A certificate an organizer revoked by hand (with a reason) is never silently
  replaced: reconciling skips its source and says how many it skipped; the
  organizer issues a new one for it explicitly (``reissue_revoked``).
  Once a competition has certificates, the scheduled job ``sync_certificates``
  reconciles it whenever a newer final snapshot appears, so holders see the new
  certificate without anyone asking.
* The facts are frozen on the certificate at issue; the seal and signatories of
  the organizing organization's design are frozen too.
* Numbers are signed (``domain.certificate_numbers``); a number that fails its
  signature is answered "invalid" before any lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from sqlalchemy import func, select

from competitions.audit.services import record
from competitions.certificates.keys import current_key, signing_keys
from competitions.certificates.models import (
    Certificate,
    CertificateBatch,
    CertificateDesign,
    CertificateSeal,
    CertificateSetting,
)
from competitions.certificates.pdf import CertificateText
from competitions.certificates.seal import check_seal
from competitions.domain import certificate_numbers as numbers
from competitions.domain.errors import InvalidState, NotFound, RuleViolation
from competitions.extensions import db
from competitions.labels import label
from competitions.organize.models import Competition, Event
from competitions.orgs.models import Organization
from competitions.results.models import ResultEntry, ResultSnapshot, ResultTeamEntry
from competitions.timezone import to_local

FACTS = ("kind", "name", "employer", "competition_name", "event_name", "event_group", "award", "title")
MAX_SIGNATORIES = 3
KINDS_ORDER = {"award": 0, "honour": 1, "participation": 2}
AWARD_ORDER = {"first": 0, "second": 1, "third": 2, "honourable": 3}
LABOUR_HONOUR_SOURCE = "labour_honour:"  # competitions.labour_results.honours: final honours of labour competitions
LABOUR_COLLECTIVE_AWARDS = ("advanced_collective", "workers_pioneer")


# --- what the final results call for ------------------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    """One certificate the final results call for, with the facts to print."""

    source: str
    kind: str
    event_id: int | None
    registration_id: int | None
    worker_id: int | None
    name: str
    employer: str
    competition_name: str
    event_name: str
    event_group: str
    award: str = ""
    title: str = ""


def final_snapshot(competition_id: int) -> ResultSnapshot | None:
    """The newest final snapshot of the competition (certificates come from nothing else)."""
    return db.session.execute(
        select(ResultSnapshot).where(ResultSnapshot.competition_id == competition_id,
                                     ResultSnapshot.status == "final")
        .order_by(ResultSnapshot.version.desc()).limit(1)
    ).scalar_one_or_none()


def participation_enabled(competition_id: int) -> bool:
    """Whether the competition gives participation certificates to finalists without a prize."""
    return bool(db.session.execute(select(CertificateSetting.participation)
                                   .where(CertificateSetting.competition_id == competition_id)).scalar())


def set_participation(competition: Competition, enabled: bool, *, actor_id: int | None) -> None:
    """Switch participation certificates on or off for the competition (takes effect at the next issue)."""
    setting = db.session.execute(select(CertificateSetting).where(
        CertificateSetting.competition_id == competition.id)).scalar_one_or_none()
    if setting is None:
        setting = CertificateSetting(competition_id=competition.id)
        db.session.add(setting)
    old = bool(setting.participation)
    setting.participation = bool(enabled)
    db.session.flush()
    record("certificate_participation_set", actor_id=actor_id, object_type="competition", object_id=competition.id,
           competition_id=competition.id, old={"participation": old}, new={"participation": bool(enabled)})


def wanted_certificates(competition: Competition, snapshot: ResultSnapshot) -> list[Wanted]:
    """Every certificate the snapshot calls for: prizes, team prizes, participation (if on), approved honours."""
    events = {event.id: event for event in competition.events}
    entries = list(db.session.execute(select(ResultEntry).where(ResultEntry.snapshot_id == snapshot.id)
                                      .order_by(ResultEntry.event_id, ResultEntry.position)).scalars())
    participation = participation_enabled(competition.id)
    wanted: list[Wanted] = []
    by_registration = {}
    for entry in entries:
        event = events.get(entry.event_id)
        if event is None:
            continue
        by_registration[entry.registration_id] = entry
        common = dict(event_id=event.id, registration_id=entry.registration_id, worker_id=entry.worker_id,
                      name=entry.name, employer=entry.employer, competition_name=competition.name,
                      event_name=event.trade_name, event_group=event.group)
        if entry.prize and not entry.disqualified:
            wanted.append(Wanted(f"award:{entry.registration_id}", "award", award=entry.prize, **common))
        elif participation and not entry.disqualified and entry.total is not None:
            wanted.append(Wanted(f"participation:{entry.registration_id}", "participation", **common))
    teams = db.session.execute(select(ResultTeamEntry).where(ResultTeamEntry.snapshot_id == snapshot.id)
                               .order_by(ResultTeamEntry.event_id, ResultTeamEntry.position)).scalars()
    for team in teams:
        if not team.prize or team.disqualified or team.event_id not in events:
            continue
        event = events[team.event_id]
        for registration_id in team.member_registration_ids:
            entry = by_registration.get(registration_id)
            if entry is None:
                continue
            wanted.append(Wanted(f"team:{registration_id}", "award", event.id, registration_id, entry.worker_id,
                                 entry.name, entry.employer, competition.name, event.trade_name, event.group,
                                 award=team.prize, title=team.team_name))
    wanted += honour_certificates(competition, snapshot, by_registration, events)
    if competition.kind == "innovation":   # an entry's prize: one certificate naming its title and team
        from competitions.innovation.services import certificate_wanted

        wanted = certificate_wanted(competition, wanted)
    return wanted


def honour_certificates(competition: Competition, snapshot: ResultSnapshot, entries: dict,
                        events: dict[int, Event]) -> list[Wanted]:
    """Honour titles approved in the promotion review (荣誉称号), one certificate each.

    Reads promotion's approved flags of kind ``honour`` when the promotion
    stage is installed (its table exists); without it there are none.
    """
    try:
        from competitions.promotion.models import PromotionFlag
    except ImportError:
        return []
    flags = db.session.execute(select(PromotionFlag).where(
        PromotionFlag.competition_id == competition.id, PromotionFlag.kind == "honour",
        PromotionFlag.status == "approved").order_by(PromotionFlag.id)).scalars()
    wanted = []
    for flag in flags:
        entry = entries.get(flag.registration_id)
        event = events.get(flag.event_id)
        if entry is None or event is None:
            continue
        wanted.append(Wanted(f"honour:{flag.id}", "honour", event.id, flag.registration_id, entry.worker_id,
                             entry.name, entry.employer, competition.name, event.trade_name, event.group,
                             title=flag.title or flag.target))
    return wanted


# --- issuing and revoking -----------------------------------------------------------------------


@dataclass(frozen=True)
class IssueSummary:
    """What one issue or reconciliation did."""

    issued: int = 0
    reissued: int = 0
    revoked: int = 0
    unchanged: int = 0
    snapshot_version: int | None = None
    withheld: int = 0  # called for, but its certificate was revoked by hand: not reissued without being asked


def issue_certificates(competition: Competition, *, actor_id: int | None, now: datetime,
                       automatic: bool = False) -> IssueSummary:
    """Make the competition's active certificates match its final results (see the module docstring)."""
    db.session.execute(select(Competition.id).where(Competition.id == competition.id).with_for_update())
    snapshot = final_snapshot(competition.id)
    if snapshot is None:
        raise InvalidState("Certificates can be issued only once the results are final.")
    wanted = {w.source: w for w in wanted_certificates(competition, snapshot)}
    active = {c.source: c for c in db.session.execute(select(Certificate).where(
        Certificate.competition_id == competition.id, Certificate.status == "active",
        # A labour competition's honour certificates are reconciled by labour_results.honours, not here.
        ~Certificate.source.startswith(LABOUR_HONOUR_SOURCE))).scalars()}
    if not wanted and not active:
        raise InvalidState("The final results give no prize, so there is no certificate to issue.")
    design = design_for(competition.organization)
    by_hand = revoked_by_hand(competition.id)
    issued = reissued = revoked = unchanged = withheld = 0
    for source, certificate in active.items():
        want = wanted.get(source)
        if want is not None and _facts(certificate) == _facts(want):
            # Same facts under the newer results: the certificate stands, now resting on that version.
            certificate.snapshot_id, certificate.snapshot_version = snapshot.id, snapshot.version
            unchanged += 1
            continue
        revoke(certificate, "", code="results_changed" if want is not None else "not_called_for",
               version=snapshot.version, actor_id=actor_id, now=now)
        if want is None:
            revoked += 1
    db.session.flush()
    for source, want in wanted.items():
        previous = active.get(source)
        if previous is not None and previous.status == "active":
            continue
        if previous is None and source in by_hand:
            withheld += 1  # revoked by hand: an organizer's decision the reconciliation does not undo
            continue
        _issue(competition, snapshot, want, design, actor_id=actor_id, now=now,
               replaces=previous.id if previous is not None else None)
        if previous is not None:
            reissued += 1
        else:
            issued += 1
    db.session.flush()
    summary = IssueSummary(issued, reissued, revoked, unchanged, snapshot.version, withheld)
    if issued or reissued or revoked:
        record("certificates_issued", actor_id=actor_id, object_type="competition", object_id=competition.id,
               competition_id=competition.id,
               new={"issued": issued, "reissued": reissued, "revoked": revoked, "version": snapshot.version,
                    "automatic": automatic})
    return summary


def revoked_by_hand(competition_id: int) -> dict[str, Certificate]:
    """Source -> its latest certificate, for the sources whose latest certificate an organizer revoked by hand."""
    latest: dict[str, Certificate] = {}
    for certificate in db.session.execute(select(Certificate).where(
            Certificate.competition_id == competition_id).order_by(Certificate.id)).scalars():
        latest[certificate.source] = certificate
    return {source: c for source, c in latest.items() if c.status == "revoked" and c.revoked_code == "manual"}


def reissue_revoked(certificate: Certificate, *, actor_id: int | None, now: datetime) -> Certificate:
    """Issue a new certificate in place of one revoked by hand, when the final results still call for it.

    The way back from a manual revocation (made in error, or its cause settled):
    the new certificate has a new number, the facts of the newest final results
    and names the revoked one as replaced; audited.
    """
    competition = db.session.get(Competition, certificate.competition_id)
    db.session.execute(select(Competition.id).where(Competition.id == competition.id).with_for_update())
    if revoked_by_hand(competition.id).get(certificate.source) is not certificate:
        raise InvalidState("Only the latest certificate of a winner, revoked by hand, can be issued again.")
    snapshot = final_snapshot(competition.id)
    want = {w.source: w for w in wanted_certificates(competition, snapshot)}.get(certificate.source) \
        if snapshot is not None else None
    if want is None:
        raise InvalidState("The final results no longer call for this certificate; nothing is issued.")
    new = _issue(competition, snapshot, want, design_for(competition.organization), actor_id=actor_id, now=now,
                 replaces=certificate.id)
    db.session.flush()
    record("certificate_reissued", actor_id=actor_id, object_type="certificate", object_id=new.id,
           competition_id=competition.id, event_id=new.event_id,
           old={"number": numbers.CertificateNumber(certificate.number).display},
           new={"number": numbers.CertificateNumber(new.number).display, "version": snapshot.version})
    return new


def _facts(item) -> tuple:
    return tuple(getattr(item, name) or "" for name in FACTS)


def _issue(competition: Competition, snapshot: ResultSnapshot, want: Wanted, design: CertificateDesign | None, *,
           actor_id: int | None, now: datetime, replaces: int | None) -> Certificate:
    key_id, key = current_key()
    certificate = Certificate(
        number=numbers.new_number(key_id, key).compact, kind=want.kind, source=want.source,
        active_source=want.source, competition_id=competition.id, event_id=want.event_id,
        registration_id=want.registration_id, worker_id=want.worker_id, snapshot_id=snapshot.id,
        snapshot_version=snapshot.version, name=want.name, employer=want.employer,
        competition_name=want.competition_name, event_name=want.event_name, event_group=want.event_group,
        award=want.award, title=want.title, issuer=issuer_name(competition.organization, design),
        issue_date=to_local(now).date(), seal_sha=design.seal_sha if design else None,
        signatories=list(design.signatories or []) if design else [], status="active", issued_at=now,
        issued_by_id=actor_id, replaces_id=replaces)
    db.session.add(certificate)
    return certificate


def revoke(certificate: Certificate, reason: str, *, actor_id: int | None, now: datetime, code: str = "manual",
           version: int | None = None) -> None:
    """Revoke an active certificate with the reason the verification page will show.

    ``code`` is "manual" (an organizer's ``reason`` is required) or, from the
    reconciliation, "results_changed" / "not_called_for" with the results ``version``.
    """
    reason = (reason or "").strip()
    if code == "manual" and not reason:
        raise RuleViolation("Give the reason for revoking the certificate.", field="reason")
    if certificate.status != "active":
        raise InvalidState("This certificate is already revoked.")
    certificate.status = "revoked"
    certificate.active_source = None
    certificate.revoked_at = now
    certificate.revoked_by_id = actor_id
    certificate.revoked_reason = reason[:1000]
    certificate.revoked_code = code
    certificate.revoked_version = version
    db.session.flush()
    record("certificate_revoked", actor_id=actor_id, object_type="certificate", object_id=certificate.id,
           competition_id=certificate.competition_id, event_id=certificate.event_id,
           new={"number": numbers.CertificateNumber(certificate.number).display, "code": code, "version": version},
           reason=certificate.revoked_reason)


def competitions_to_sync() -> list[int]:
    """Competitions whose issued certificates lag behind: a newer final snapshot, or honours decided since.

    Only competitions that already have certificates: the first issue is the
    organizer's decision (after looking at the preview).
    """
    newest = (select(ResultSnapshot.competition_id, func.max(ResultSnapshot.version).label("version"))
              .where(ResultSnapshot.status == "final").group_by(ResultSnapshot.competition_id).subquery())
    lagging = set(db.session.execute(
        select(Certificate.competition_id).join(newest, newest.c.competition_id == Certificate.competition_id)
        .where(Certificate.status == "active", Certificate.snapshot_version < newest.c.version)
        .distinct()).scalars())
    return sorted(lagging | _honours_changed())


def _honours_changed() -> set[int]:
    """Competitions with certificates where an approved honour has no certificate, or a certified one was undone."""
    try:
        from competitions.promotion.models import PromotionFlag
    except ImportError:
        return set()
    issued = select(Certificate.competition_id).where(Certificate.status == "active").distinct()
    approved = {(cid, f"honour:{fid}") for cid, fid in db.session.execute(
        select(PromotionFlag.competition_id, PromotionFlag.id).where(
            PromotionFlag.kind == "honour", PromotionFlag.status == "approved",
            PromotionFlag.competition_id.in_(issued)))}
    certified = {(cid, source) for cid, source in db.session.execute(
        select(Certificate.competition_id, Certificate.source).where(
            Certificate.status == "active", Certificate.kind == "honour"))}
    return {cid for cid, _source in approved ^ certified}


def on_results_final(snapshot: ResultSnapshot, *, actor_id: int | None = None, now: datetime, **_extra) -> None:
    """Results became final (``results.signals.results_final``): bring existing certificates up to date at once.

    Runs in the finalizing transaction; a competition without certificates is
    left to its organizer. The ``sync_certificates`` job catches anything else.
    """
    has_certificates = db.session.execute(select(Certificate.id).where(
        Certificate.competition_id == snapshot.competition_id, Certificate.status == "active").limit(1)).first()
    if has_certificates:
        issue_certificates(db.session.get(Competition, snapshot.competition_id), actor_id=actor_id, now=now,
                           automatic=True)


def sync_certificates(*, now: datetime) -> dict:
    """Scheduled job: reissue certificates of competitions whose final results changed (see module docstring)."""
    summaries = {}
    for competition_id in competitions_to_sync():
        competition = db.session.get(Competition, competition_id)
        summary = issue_certificates(competition, actor_id=None, now=now, automatic=True)
        summaries[str(competition_id)] = {"reissued": summary.reissued, "revoked": summary.revoked,
                                          "issued": summary.issued}
    return {"competitions": summaries}


# --- reading ------------------------------------------------------------------------------------


def certificates_of(competition_id: int, *, include_revoked: bool = True) -> list[Certificate]:
    """The competition's certificates: active first, then by event and name."""
    stmt = select(Certificate).where(Certificate.competition_id == competition_id)
    if not include_revoked:
        stmt = stmt.where(Certificate.status == "active")
    rows = db.session.execute(stmt.order_by(Certificate.id)).scalars()
    return sorted(rows, key=lambda c: (c.status, c.event_id or 0, KINDS_ORDER.get(c.kind, 9),
                                       AWARD_ORDER.get(c.award, 9), c.name, c.id))


def certificates_of_worker(worker_id: int) -> list[Certificate]:
    """A worker's certificates, newest first (revoked ones too, so a holder sees what replaced what)."""
    return list(db.session.execute(select(Certificate).where(Certificate.worker_id == worker_id)
                                   .order_by(Certificate.issued_at.desc(), Certificate.id.desc())).scalars())


def find_by_number(compact: str) -> Certificate | None:
    """The certificate stored under a compact number."""
    return db.session.execute(select(Certificate).where(Certificate.number == compact)).scalar_one_or_none()


def latest_change(competition_id: int) -> datetime | None:
    """When the competition's certificates last changed (issued or revoked): batches made before are stale."""
    issued, revoked = db.session.execute(
        select(func.max(Certificate.issued_at), func.max(Certificate.revoked_at))
        .where(Certificate.competition_id == competition_id)).one()
    moments = [m for m in (issued, revoked) if m is not None]
    return max(moments) if moments else None


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What the public verification page says about a typed number."""

    state: str                       # "valid", "revoked" or "invalid"
    number: str = ""
    certificate: Certificate | None = None
    replacement: str = ""            # the display number of the certificate that replaces a revoked one


def verify(text: str) -> Verification:
    """Check a typed number: signature first (no lookup for a forged one), then the stored certificate."""
    check, number = numbers.check(text, signing_keys())
    if check is not numbers.Check.OK:
        return Verification("invalid", number.display if number else "")
    certificate = find_by_number(number.compact)
    if certificate is None:
        return Verification("invalid", number.display)
    if certificate.status == "revoked":
        replacement = db.session.execute(select(Certificate.number).where(
            Certificate.replaces_id == certificate.id)).scalar()
        return Verification("revoked", number.display, certificate,
                            numbers.CertificateNumber(replacement).display if replacement else "")
    return Verification("valid", number.display, certificate)


def display_number(compact: str) -> str:
    """The number as printed, in groups of five."""
    return numbers.CertificateNumber(compact).display


def masked_name(name: str) -> str:
    """The holder's name as the public sees it (张＊＊)."""
    return numbers.mask_name(name)


def public_holder(certificate: Certificate) -> str:
    """The holder as the verification page shows it: a person's name masked, a unit's name in full.

    A collective honour of a labour competition is held by a unit (a project section, a team), whose
    name is public anyway: masking it would only make the certificate harder to check.
    """
    if certificate_style(certificate) == "labour_collective":
        return certificate.name
    return masked_name(certificate.name)


def verify_url(compact: str, base_url: str | None = None) -> str:
    """The public verification URL printed in the QR code.

    ``PUBLIC_BASE_URL`` (the address the public reaches the site at) when
    configured, else the address of the current request.
    """
    base = base_url or current_app.config.get("PUBLIC_BASE_URL") or (
        request.host_url if has_request_context() else "http://localhost:5000/")
    return f"{base.rstrip('/')}/verify/{display_number(compact)}"


# --- design: issuer, seal, signatories ----------------------------------------------------------


def design_for(organization: Organization | None) -> CertificateDesign | None:
    """The organization's certificate design, if it has one."""
    if organization is None:
        return None
    return db.session.execute(select(CertificateDesign).where(
        CertificateDesign.organization_id == organization.id)).scalar_one_or_none()


def issuer_name(organization: Organization | None, design: CertificateDesign | None) -> str:
    """The issuing body printed on certificates: the design's name, else the organization's."""
    if design is not None and design.issuer_name.strip():
        return design.issuer_name.strip()
    return organization.name if organization is not None else ""


def parse_signatories(text: str) -> list[list[str]]:
    """Lines ``role: name`` (either colon) into [[role, name], ...]; at most three."""
    people = []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        role, sep, name = line.replace("：", ":").partition(":")
        if not sep or not role.strip() or not name.strip():
            raise RuleViolation("Line %(line)s: write each signatory as “role: name”.", field="signatories",
                                line=number)
        if len(role.strip()) > 30 or len(name.strip()) > 30:
            raise RuleViolation("Line %(line)s: a role or name is longer than 30 characters.", field="signatories",
                                line=number)
        people.append([role.strip(), name.strip()])
    if len(people) > MAX_SIGNATORIES:
        raise RuleViolation("At most %(max)s signatories fit on a certificate.", field="signatories",
                            max=MAX_SIGNATORIES)
    return people


def save_design(organization: Organization, *, issuer: str, signatories: str, seal_upload: bytes | None,
                remove_seal: bool, actor_id: int | None) -> CertificateDesign:
    """Save what the organization prints on its certificates; a new seal is checked before anything is stored."""
    people = parse_signatories(signatories)
    checked = check_seal(seal_upload) if seal_upload else None
    issuer = (issuer or "").strip()
    if len(issuer) > 200:
        raise RuleViolation("The issuer name is longer than 200 characters.", field="issuer_name")
    if checked is not None and db.session.get(CertificateSeal, checked.sha256) is None:
        db.session.add(CertificateSeal(sha256=checked.sha256, png=checked.png, width=checked.width,
                                       height=checked.height, uploaded_by_id=actor_id))
        db.session.flush()  # the seal row before the design that names it
    design = design_for(organization)
    if design is None:
        design = CertificateDesign(organization_id=organization.id, signatories=[])
        db.session.add(design)
    if checked is not None:
        design.seal_sha = checked.sha256
    elif remove_seal:
        design.seal_sha = None
    design.issuer_name = issuer
    design.signatories = people
    design.updated_by_id = actor_id
    db.session.flush()
    record("certificate_design_saved", actor_id=actor_id, object_type="organization", object_id=organization.id,
           new={"issuer": issuer, "signatories": people, "seal": design.seal_sha})
    return design


def seal_png(sha: str | None) -> bytes | None:
    """The stored seal image."""
    if not sha:
        return None
    return db.session.execute(select(CertificateSeal.png).where(CertificateSeal.sha256 == sha)).scalar()


# --- the printed text, in either language -------------------------------------------------------

WORDING = {
    "zh": {
        "award": ("获奖证书", "在%(competition)s%(event)s项目中成绩优异，荣获", "特发此证，以资鼓励。"),
        "team": ("获奖证书", "在%(competition)s%(event)s项目团体赛中，作为“%(team)s”成员，荣获",
                 "特发此证，以资鼓励。"),
        "innovation": ("获奖证书", "在%(competition)s中，创新成果“%(team)s”经专家评审，荣获", "特发此证，以资鼓励。"),
        "participation": ("参赛证书", "参加%(competition)s%(event)s项目比赛，完成全部赛项。", "特发此证。"),
        "honour": ("荣誉证书", "在%(competition)s%(event)s项目中成绩优异，经审核，被授予", "特发此证，以资鼓励。"),
        "labour_collective": ("荣誉证书", "在%(competition)s中成绩突出，经考核评定，被评为", "特发此证，以资鼓励。"),
        "labour_individual": ("荣誉证书", "在%(competition)s中表现突出，经推荐审核，被评为",
                              "特发此证，以资鼓励。"),
        "collective_salutation": "：",
        "salutation": "同志：", "employer": "工作单位：%s", "number": "证书编号", "verify": "扫码查验证书真伪",
        "team_prize": "团体%s", "honour_title": "“%s”荣誉称号", "event": "%(trade)s（%(group)s组）",
        "specimen": "样本", "sample_name": "王𫖯", "sample_employer": "海州市电力公司",
    },
    "en": {
        "award": ("Certificate of Award", "won the following award in the %(event)s event of\n%(competition)s", ""),
        "team": ("Certificate of Award", "as a member of team %(team)s, won the following award in the %(event)s "
                 "team event of\n%(competition)s", ""),
        "innovation": ("Certificate of Award", "for the innovation \u201c%(team)s\u201d, reviewed by the experts of\n"
                       "%(competition)s, won", ""),
        "participation": ("Certificate of Participation", "took part in the %(event)s event of\n%(competition)s",
                          ""),
        "honour": ("Certificate of Honour", "for outstanding results in the %(event)s event of\n%(competition)s,\n"
                   "has been awarded the honour title", ""),
        "labour_collective": ("Certificate of Honour", "for outstanding results in\n%(competition)s,\n"
                              "has been awarded the honour title", ""),
        "labour_individual": ("Certificate of Honour", "nominated by their unit for outstanding work in\n"
                              "%(competition)s,\nhas been awarded the honour title", ""),
        "collective_salutation": "This is to certify that",
        "salutation": "This is to certify that", "employer": "%s", "number": "Certificate No.",
        "verify": "Scan to verify", "team_prize": "Team %s", "honour_title": "%s",
        "event": "%(trade)s (%(group)s)", "specimen": "SPECIMEN", "sample_name": "王𫖯",
        "sample_employer": "海州市电力公司",
    },
}
LANGUAGES = tuple(WORDING)
_ZH_DIGITS = "〇一二三四五六七八九"


def chinese_date(day: date) -> str:
    """A date as certificates print it: 二〇二六年十一月二十九日."""
    def small(n: int) -> str:
        tens, ones = divmod(n, 10)
        return ("" if tens < 2 else _ZH_DIGITS[tens]) + ("十" if tens else "") + (_ZH_DIGITS[ones] if ones else "")
    return "".join(_ZH_DIGITS[int(d)] for d in str(day.year)) + f"年{small(day.month)}月{small(day.day)}日"


def english_date(day: date) -> str:
    """A date as English certificates print it: 29 November 2026."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


@dataclass(frozen=True)
class Printable:
    """The facts of one certificate as the PDF needs them (from a stored certificate or a preview)."""

    kind: str
    source: str
    number: str
    name: str
    employer: str
    competition_name: str
    event_name: str
    event_group: str
    award: str
    title: str
    issuer: str
    issue_date: date
    signatories: tuple[tuple[str, str], ...] = ()
    seal_sha: str | None = None


def printable(certificate: Certificate) -> Printable:
    """A stored certificate's frozen facts."""
    return Printable(certificate.kind, certificate.source, certificate.number, certificate.name,
                     certificate.employer, certificate.competition_name, certificate.event_name,
                     certificate.event_group, certificate.award, certificate.title, certificate.issuer,
                     certificate.issue_date, tuple(tuple(p) for p in certificate.signatories or ()),
                     certificate.seal_sha)


def certificate_text(item: Printable, language: str, *, verify: str, seal: bytes | None,
                     specimen: bool = False) -> CertificateText:
    """Everything printed on the certificate, in ``language`` (zh or en)."""
    if language not in WORDING:
        raise RuleViolation("Certificates are printed in Chinese or English.", field="language")
    words = WORDING[language]
    style = certificate_style(item)
    title, body, closing = words[style]
    with force_locale(language):
        group = str(label("group", item.event_group)) if item.event_group else ""
        prize = str(label("labour_honour" if style.startswith("labour_") else "prize", item.award)) \
            if item.award else ""
    event = words["event"] % {"trade": item.event_name, "group": group} if group else item.event_name
    body = body % {"competition": item.competition_name, "event": event, "team": item.title}
    if style.startswith("labour_"):
        highlight = words["honour_title"] % prize
    elif item.kind == "honour":
        highlight = words["honour_title"] % item.title
    elif style == "team":
        highlight = words["team_prize"] % prize
    else:
        highlight = prize
    salutation = words["collective_salutation"] if style == "labour_collective" else words["salutation"]
    return CertificateText(
        language=language, title=title, name=item.name, salutation=salutation, body=body,
        highlight=highlight, closing=closing,
        employer_line=words["employer"] % item.employer if item.employer else "", issuer=item.issuer,
        date=chinese_date(item.issue_date) if language == "zh" else english_date(item.issue_date),
        number_label=words["number"], number=display_number(item.number), verify_hint=words["verify"],
        verify_url=verify, signatories=item.signatories, seal_png=seal, seal_key=item.seal_sha or "",
        watermark=words["specimen"] if specimen else "")


def certificate_style(item) -> str:
    """Which wording a certificate takes: its kind, a team's award, or a labour competition's honour.

    A labour competition's collective honour (先进集体, 工人先锋号) names the unit, not a person: it is
    addressed to the unit (no 同志) and says what the unit did in the competition.
    """
    if item.source.startswith("team:"):
        return "team"
    if item.source.startswith("innovation:"):
        return "innovation"
    if item.source.startswith(LABOUR_HONOUR_SOURCE):
        return "labour_collective" if item.award in LABOUR_COLLECTIVE_AWARDS else "labour_individual"
    return item.kind


def certificate_pdf_bytes(certificate: Certificate, language: str) -> bytes:
    """One stored certificate as a PDF in ``language``."""
    from competitions.certificates.pdf import certificate_pdf

    text = certificate_text(printable(certificate), language, verify=verify_url(certificate.number),
                            seal=seal_png(certificate.seal_sha))
    return certificate_pdf(text)


def preview_pdf(competition: Competition, language: str, *, today: date) -> bytes:
    """A specimen certificate of the competition with the organization's current seal and signatories.

    Printed with a rare-character sample name (王𫖯) so the organizer sees the
    font chain at work, a SPECIMEN watermark, and a number that verifies as
    invalid (it is not signed: previews must never pass for certificates).
    """
    from competitions.certificates.pdf import certificate_pdf

    if language not in WORDING:
        raise RuleViolation("Certificates are printed in Chinese or English.", field="language")
    design = design_for(competition.organization)
    event = competition.events[0] if competition.events else None
    words = WORDING[language]
    sample = Printable("award", "award:preview", "0" * numbers.LENGTH, words["sample_name"],
                       words["sample_employer"], competition.name, event.trade_name if event else "",
                       event.group if event else "", "first", "", issuer_name(competition.organization, design),
                       today, tuple(tuple(p) for p in (design.signatories if design else []) or ()),
                       design.seal_sha if design else None)
    text = certificate_text(sample, language, verify=verify_url(sample.number),
                            seal=seal_png(sample.seal_sha), specimen=True)
    return certificate_pdf(text)


def file_name(certificate: Certificate, language: str) -> str:
    """A download name that says whose certificate it is: 证书-张伟-电工-7K3QD.pdf."""
    safe = "".join(ch for ch in f"{certificate.name}-{certificate.event_name}" if ch not in '\\/:*?"<>|\r\n\t')
    return f"certificate-{safe}-{certificate.number[:5]}-{language}.pdf"


def batch_certificates(competition_id: int) -> list[Certificate]:
    """The active certificates a batch contains, in print order (event, kind, name)."""
    return certificates_of(competition_id, include_revoked=False)


def load_certificate(certificate_id: int) -> Certificate:
    """The certificate by id (NotFound otherwise)."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound("No such certificate.")
    return certificate


def pending_batches(competition_id: int) -> Iterable[CertificateBatch]:
    """The competition's batches, newest first."""
    return db.session.execute(select(CertificateBatch).where(CertificateBatch.competition_id == competition_id)
                              .order_by(CertificateBatch.id.desc())).scalars()
