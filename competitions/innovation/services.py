"""Innovation entries from a worker's draft to the benefit realized (职工创新竞赛).

The practice (``domain.innovation`` states the rules): a worker, alone or with a team of colleagues
from their unit, enters a proposal in an innovation contest of their federation, attaches drawings,
photos or a report, and submits it before the deadline. An organizer of the entrants' unit (any
organizer whose organization's subtree holds that unit) pre-reviews it: passes it on to the experts or
returns it with a reason to revise. The contest's organizers then let the expert panel mark it with the
contest's marking scheme (novelty, practicality, benefit ...), publish results with prizes by tier, and
record adoption (采纳), implementation (实施) with the realized benefit and its evidence, and the
recommendation of the best entries to the next level up (推荐).

How an entry rides on the existing engines (the least invasive path): when its unit passes it, the
entry gets one *registration* of its lead in its event — approved, with the entry number as anonymous
code, a station in submission order, and the unit frozen at submission as the registration's employer.
Judging therefore assigns experts, enforces recusal for the entrants' unit (and its parent when the
competition says so), takes tablet marks and sign-off unchanged; results rank the registrations and
give prizes by tier; certificates print the entry's title and team (``certificate_wanted``). Taking a
pass back is possible only while no expert has marked the entry (its registration is then withdrawn).

Every change is audited in the same transaction; services flush, the caller commits once.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from competitions.audit.services import record
from competitions.auth.models import User
from competitions.domain import attachments as attachment_rules
from competitions.domain import innovation as rules
from competitions.domain.errors import N_, InvalidState, NotFound, RuleViolation
from competitions.domain.inputs import normalize_name
from competitions.extensions import db
from competitions.innovation import files
from competitions.innovation.models import InnovationAttachment, InnovationEntry, InnovationMember
from competitions.organize.models import Competition, Event
from competitions.orgs.models import Organization, Worker
from competitions.orgs.services import is_within
from competitions.registration.models import Registration
from competitions.timezone import to_local

DEFAULT_MAX_FILES = 10
DEFAULT_ENTRY_BYTES = 20 * 1024 * 1024
AUDIT = {
    "submit": "innovation.submit", "withdraw": "innovation.withdraw", "reopen": "innovation.reopen",
    "pass": "innovation.pass", "return": "innovation.return", "unpass": "innovation.unpass",
    "adopt": "innovation.adopt", "decline": "innovation.decline", "implement": "innovation.implement",
    "revert": "innovation.revert",
}


@dataclass(frozen=True)
class EntryData:
    """What the entrant fills in. ``member_names``: colleagues of the lead's unit, by name, besides the lead."""

    event_id: int
    title: str
    category: str
    description: str = ""
    claimed_benefit_yuan: Decimal | None = None
    claimed_benefit_text: str = ""
    team_name: str = ""
    member_names: tuple[str, ...] = ()


def _audit(action: str, entry: InnovationEntry, actor: User | None, *, old: dict | None = None,
           new: dict | None = None, reason: str = "") -> None:
    record(action, actor_id=actor.id if actor else None, object_type="innovation_entry", object_id=entry.id,
           competition_id=entry.competition_id, event_id=entry.event_id, old=old, new=new, reason=reason)


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name) or default)


# ---- loading -------------------------------------------------------------------------------------

def innovation_competition(competition_id: int) -> Competition:
    """The competition when it is an innovation contest (NotFound otherwise)."""
    competition = db.session.get(Competition, competition_id)
    if competition is None or competition.kind != "innovation":
        raise NotFound(N_("No such innovation contest."))
    return competition


def worker_of(user: User) -> Worker | None:
    """The person record linked to ``user``'s login, if any."""
    return db.session.execute(select(Worker).where(Worker.user_id == user.id)).scalar_one_or_none()


def entries_of_worker(worker: Worker) -> list[InnovationEntry]:
    """Every entry ``worker`` leads or belongs to, newest first."""
    return list(db.session.execute(
        select(InnovationEntry).join(InnovationMember).where(InnovationMember.worker_id == worker.id)
        .order_by(InnovationEntry.id.desc())).scalars().unique())


def entries_of_competition(competition_id: int, *, include_drafts: bool = False) -> list[InnovationEntry]:
    """The competition's entries in number order (drafts and withdrawn ones only when asked)."""
    stmt = select(InnovationEntry).where(InnovationEntry.competition_id == competition_id)
    if not include_drafts:
        stmt = stmt.where(InnovationEntry.status.not_in(("draft", "withdrawn")))
    return list(db.session.execute(stmt.order_by(InnovationEntry.number)).scalars())


def entries_for_unit(organization: Organization, *, statuses=("submitted",)) -> list[InnovationEntry]:
    """Entries from units within ``organization``'s subtree in ``statuses`` (the pre-review queue)."""
    return list(db.session.execute(
        select(InnovationEntry).join(Organization, InnovationEntry.employer_id == Organization.id)
        .where(Organization.path.startswith(organization.path), InnovationEntry.status.in_(statuses))
        .order_by(InnovationEntry.submitted_at, InnovationEntry.id)).scalars())


def recommended_to(organization: Organization) -> list[InnovationEntry]:
    """Entries recommended to ``organization`` or to an organization below it, newest first."""
    return list(db.session.execute(
        select(InnovationEntry).join(Organization, InnovationEntry.recommended_to_id == Organization.id)
        .where(InnovationEntry.recommended.is_(True), Organization.path.startswith(organization.path))
        .order_by(InnovationEntry.recommended_at.desc(), InnovationEntry.id)).scalars())


def open_contests(now: datetime) -> list[Competition]:
    """Innovation contests taking entries now (status open, inside the registration window)."""
    rows = db.session.execute(select(Competition).where(
        Competition.kind == "innovation", Competition.status == "open").order_by(Competition.id)).scalars()
    result = []
    for competition in rows:
        try:
            rules.check_window(now, competition.registration_opens_at, competition.registration_closes_at)
        except InvalidState:
            continue
        result.append(competition)
    return result


# ---- the entrant's side --------------------------------------------------------------------------

def _event_of(competition: Competition, event_id: int) -> Event:
    event = next((e for e in competition.live_events if e.id == event_id), None)
    if event is None:
        raise RuleViolation(N_("Choose one of the contest's tracks."), field="event_id")
    return event


def _check_data(competition: Competition, data: EntryData) -> None:
    _event_of(competition, data.event_id)
    if not data.title.strip():
        raise RuleViolation(N_("Give the entry a title."), field="title")
    if data.category not in rules.CATEGORIES:
        raise RuleViolation(N_("Choose a category."), field="category")
    rules.check_yuan(data.claimed_benefit_yuan, field="claimed_benefit_yuan")


def _members(lead: Worker, names: tuple[str, ...]) -> list[rules.Member]:
    """The lead and the named colleagues, found by exact name among the workers of the lead's unit."""
    members = [rules.Member(lead.id, is_lead=True)]
    for raw in names:
        match = re.fullmatch(r"(.*?)\s*([0-9]{3}[0-9Xx])", normalize_name(raw))   # "张伟 1234": ID number's end
        name, tail = (match.group(1).strip(), match.group(2).upper()) if match else (normalize_name(raw), "")
        if not name:
            continue
        stmt = select(Worker.id).where(Worker.employer_id == lead.employer_id, Worker.name == name)
        if tail:
            stmt = stmt.where(Worker.national_id.endswith(tail))
        found = list(db.session.execute(stmt).scalars())
        if not found:
            raise RuleViolation(N_("No worker named %(name)s works at %(unit)s. Members are colleagues of the "
                                   "lead's unit, named as on file."), field="member_names", name=name,
                                unit=lead.employer.name)
        if len(found) > 1:
            raise RuleViolation(N_("Several workers of %(unit)s are named %(name)s: add the last four characters of "
                                   "the member's ID number after the name (e.g. %(name)s 1234)."),
                                field="member_names", name=name, unit=lead.employer.name)
        members.append(rules.Member(found[0]))
    return list(rules.check_team(tuple(members)))


def member_label(worker: Worker) -> str:
    """How the lead names a member: the name, with the ID number's last four characters when the unit has two."""
    namesakes = db.session.execute(select(func.count(Worker.id)).where(
        Worker.employer_id == worker.employer_id, Worker.name == worker.name)).scalar_one()
    return f"{worker.name} {worker.national_id[-4:]}" if namesakes > 1 else worker.name


def _next_number(competition_id: int) -> str:
    count = db.session.execute(select(func.count(InnovationEntry.id)).where(
        InnovationEntry.competition_id == competition_id)).scalar_one()
    return rules.entry_number(count + 1)


def _fill(entry: InnovationEntry, lead: Worker, data: EntryData) -> None:
    entry.event_id = data.event_id
    entry.title = data.title.strip()
    entry.category = data.category
    entry.description = data.description.strip()
    entry.claimed_benefit_yuan = rules.check_yuan(data.claimed_benefit_yuan, field="claimed_benefit_yuan")
    entry.claimed_benefit_text = data.claimed_benefit_text.strip()
    entry.team_name = data.team_name.strip()
    members = _members(lead, data.member_names)
    existing = {m.worker_id: m for m in entry.members}
    kept = []
    for position, member in enumerate(members):   # rows kept by worker: the (entry, worker) key never clashes
        row = existing.pop(member.worker_id, None) or InnovationMember(worker_id=member.worker_id)
        row.is_lead, row.position = member.is_lead, position
        kept.append(row)
    entry.members = kept
    if existing:
        db.session.flush()


def _snapshot(entry: InnovationEntry) -> dict:
    return {"title": entry.title, "category": entry.category, "event_id": entry.event_id,
            "claimed_benefit_yuan": str(entry.claimed_benefit_yuan) if entry.claimed_benefit_yuan is not None else None,
            "members": [m.worker_id for m in entry.members], "team": entry.team_name}


def create_entry(competition: Competition, *, lead: Worker, actor: User | None, data: EntryData
                 ) -> InnovationEntry:
    """A new draft entry of ``lead`` (and the named colleagues) in ``competition``."""
    if competition.kind != "innovation":
        raise RuleViolation(N_("Entries are taken only by innovation contests."), field="competition")
    if competition.status not in ("open",):
        raise InvalidState(N_("This contest is not taking entries."), field="title")
    _check_data(competition, data)
    db.session.execute(select(Competition.id).where(Competition.id == competition.id).with_for_update())
    entry = InnovationEntry(competition_id=competition.id, number=_next_number(competition.id), status="draft",
                            lead_worker_id=lead.id, employer_id=lead.employer_id,
                            employer_parent_id=lead.employer.parent_id, created_by_id=actor.id if actor else None)
    _fill(entry, lead, data)
    db.session.add(entry)
    db.session.flush()
    _audit("innovation.create", entry, actor, new=_snapshot(entry))
    return entry


def update_entry(entry: InnovationEntry, *, actor: User | None, data: EntryData) -> InnovationEntry:
    """Change a draft or a returned entry."""
    if entry.status not in rules.EDITABLE:
        raise InvalidState(N_("Only a draft or a returned entry can be changed."), field="title")
    _check_data(entry.competition, data)
    old = _snapshot(entry)
    _fill(entry, entry.lead, data)
    db.session.flush()
    _audit("innovation.update", entry, actor, old=old, new=_snapshot(entry))
    return entry


def entrant_action(entry: InnovationEntry, action: str, *, actor: User | None, now: datetime) -> InnovationEntry:
    """Submit (before the deadline), withdraw (before review) or reopen a withdrawn entry as a draft."""
    if action not in rules.ENTRANT_ACTIONS:
        raise RuleViolation(N_("Unknown action %(action)s."), field="action", action=action)
    new = rules.transition(entry.status, action)
    competition = entry.competition
    if action in ("submit", "reopen"):
        rules.check_window(now, competition.registration_opens_at, competition.registration_closes_at)
    if action == "submit":
        rules.check_claim(entry.claimed_benefit_yuan, entry.claimed_benefit_text)
        _event_of(competition, entry.event_id)
        _check_lead_free(entry)
        lead = entry.lead
        entry.employer_id, entry.employer_parent_id = lead.employer_id, lead.employer.parent_id   # frozen here
        entry.submitted_at = now
    if action == "withdraw":
        entry.withdrawn_at = now
    old = entry.status
    entry.status = new
    db.session.flush()
    _audit(AUDIT[action], entry, actor, old={"status": old}, new={"status": new})
    return entry


def _check_lead_free(entry: InnovationEntry) -> None:
    """A lead heads one live entry per track: the track's results rank each lead's registration once."""
    other = db.session.execute(select(InnovationEntry.number).where(
        InnovationEntry.event_id == entry.event_id, InnovationEntry.lead_worker_id == entry.lead_worker_id,
        InnovationEntry.id != entry.id, InnovationEntry.status.not_in(("draft", "withdrawn")))).scalars().first()
    if other:
        raise RuleViolation(N_("%(name)s already leads entry %(number)s in this track. Name another member as the "
                               "lead, or enter it in another track."), field="event_id", name=entry.lead.name,
                            number=other)


# ---- unit pre-review -----------------------------------------------------------------------------

def can_unit_review(user: User, entry: InnovationEntry) -> bool:
    """An organizer whose organization's subtree holds the entrants' unit (or an admin)."""
    if user.has_role("admin"):
        return True
    return user.has_role("organizer") and is_within(entry.employer, user.organization)


def unit_action(entry: InnovationEntry, action: str, *, actor: User, reason: str = "", now: datetime
                ) -> InnovationEntry:
    """Pass the entry on to the experts, return it with a reason, or take a pass back (no marks yet)."""
    if action not in rules.UNIT_ACTIONS:
        raise RuleViolation(N_("Unknown action %(action)s."), field="action", action=action)
    if not can_unit_review(actor, entry):
        raise NotFound(N_("No such entry."))
    new = rules.transition(entry.status, action)
    reason = rules.check_reason(action, reason)
    registration = entry.registration_id and db.session.get(Registration, entry.registration_id)
    if action == "pass":
        _event_of(entry.competition, entry.event_id)   # a cancelled track takes no entries to its experts
        registration = _register(entry, actor=actor, now=now)
        entry.registration_id = registration.id
    elif action == "unpass":
        _unregister(entry, registration, actor=actor, now=now)
    old = entry.status
    entry.status = new
    entry.unit_decision, entry.unit_reason = action, reason
    entry.unit_decided_by_id, entry.unit_decided_at = actor.id, now
    db.session.flush()
    _audit(AUDIT[action], entry, actor, old={"status": old}, new={"status": new}, reason=reason)
    return entry


def _register(entry: InnovationEntry, *, actor: User, now: datetime) -> Registration:
    """The lead's registration in the entry's track, carrying the facts frozen at submission."""
    registration = db.session.get(Registration, entry.registration_id) if entry.registration_id else None
    if registration is None:
        clash = db.session.execute(select(Registration).where(
            Registration.event_id == entry.event_id, Registration.worker_id == entry.lead_worker_id)).scalar()
        if clash is not None:
            raise RuleViolation(N_("%(name)s already has a place in this track (another entry). Name another "
                                   "member as the lead."), field="action", name=entry.lead.name)
        station = (db.session.execute(select(func.max(Registration.station)).where(
            Registration.event_id == entry.event_id)).scalar() or 0) + 1
        registration = Registration(event_id=entry.event_id, worker_id=entry.lead_worker_id, source="innovation",
                                    station=station, submitted_by_id=actor.id)
        db.session.add(registration)
    lead = entry.lead
    registration.status = "approved"
    registration.anonymous_code = entry.number
    registration.team_name = None
    registration.employer_id, registration.employer_parent_id = entry.employer_id, entry.employer_parent_id
    registration.skill_level, registration.is_student = lead.skill_level, lead.is_student
    registration.decided_by_id, registration.decided_at = actor.id, now
    registration.decision_reason = ""
    db.session.flush()
    return registration


def _unregister(entry: InnovationEntry, registration: Registration | None, *, actor: User, now: datetime) -> None:
    from competitions.judging.models import Mark

    if registration is None:
        return
    marked = db.session.execute(select(Mark.id).where(Mark.registration_id == registration.id).limit(1)).first()
    if marked is not None:
        raise InvalidState(N_("Experts have already marked this entry; the pass can no longer be taken back. "
                              "Ask the chief expert to handle it in judging."), field="action")
    registration.status = "withdrawn"
    registration.decided_by_id, registration.decided_at = actor.id, now
    db.session.flush()


# ---- adoption, implementation, recommendation (the contest's organizers) -------------------------

def outcome_action(entry: InnovationEntry, action: str, *, actor: User, reason: str = "", note: str = "",
                   now: datetime) -> InnovationEntry:
    """Adopt (采纳), decline, or revert the last outcome (with a reason). Implementation: ``implement``."""
    if action not in ("adopt", "decline", "revert"):
        raise RuleViolation(N_("Unknown action %(action)s."), field="action", action=action)
    new = rules.transition(entry.status, action)
    reason = rules.check_reason(action, reason)
    old = entry.status
    if action == "adopt":
        entry.adopted_at, entry.adopted_by_id, entry.adoption_note = now, actor.id, note.strip()
    elif action == "decline":
        entry.adoption_note = reason
    elif old == "implemented":   # revert implementation: the figures go, the adoption stays
        for attachment in [a for a in entry.attachments if a.purpose == "evidence"]:
            _remove_attachment(entry, attachment)
        entry.implemented_on = entry.realized_benefit_yuan = entry.implemented_by_id = None
        entry.realized_benefit_note = ""
    elif old == "adopted":
        entry.adopted_at = entry.adopted_by_id = None
        entry.adoption_note = ""
    entry.status = new
    db.session.flush()
    _audit(AUDIT[action], entry, actor, old={"status": old}, new={"status": new}, reason=reason)
    return entry


@dataclass(frozen=True)
class Upload:
    """An uploaded file as received: its bytes and the name the browser gave."""

    data: bytes
    filename: str


def implement(entry: InnovationEntry, *, actor: User, implemented_on: date | None, realized_yuan: Decimal | None,
              note: str, evidence: Upload | None, now: datetime) -> InnovationEntry:
    """Record the implementation (实施): the date, the realized benefit and, optionally, an evidence file.

    On an entry already implemented it corrects the record (the real benefit
    became known, a figure was typed wrong): audited with the old and new values.
    """
    new = rules.transition(entry.status, "implement")
    rules.check_implementation(realized_yuan=realized_yuan, note=note, implemented_on=implemented_on,
                               today=to_local(now).date())
    if evidence is not None:
        add_attachment(entry, actor=actor, upload=evidence, purpose="evidence", audit=False)
    old = {"status": entry.status}
    correction = entry.status == "implemented"
    if correction:
        old.update(implemented_on=entry.implemented_on.isoformat() if entry.implemented_on else None,
                   realized_benefit_yuan=(str(entry.realized_benefit_yuan)
                                          if entry.realized_benefit_yuan is not None else None),
                   realized_benefit_note=entry.realized_benefit_note)
    entry.status = new
    entry.implemented_on, entry.implemented_by_id = implemented_on, actor.id
    entry.realized_benefit_yuan = rules.check_yuan(realized_yuan, field="realized_benefit_yuan")
    entry.realized_benefit_note = note.strip()
    db.session.flush()
    _audit("innovation.implementation_corrected" if correction else "innovation.implement", entry, actor, old=old,
           new={"status": new, "implemented_on": implemented_on.isoformat(),
                "realized_benefit_yuan": (str(entry.realized_benefit_yuan)
                                          if entry.realized_benefit_yuan is not None else None),
                "realized_benefit_note": entry.realized_benefit_note, "evidence": evidence is not None})
    return entry


def recommend(entry: InnovationEntry, *, actor: User, to_organization_id: int | None, note: str, now: datetime
              ) -> InnovationEntry:
    """Recommend the entry to an organization above the contest's organizer (推荐到上一级)."""
    if entry.status not in ("passed", "adopted", "implemented"):
        raise InvalidState(N_("Only an entry the experts reviewed (and that was not declined) can be recommended."),
                           field="to_organization_id")
    organizer = entry.competition.organization
    target = db.session.get(Organization, to_organization_id) if to_organization_id else organizer.parent
    if target is None:
        raise RuleViolation(N_("%(org)s has no level above it to recommend to."), field="to_organization_id",
                            org=organizer.name)
    if target.id == organizer.id or not is_within(organizer, target):
        raise RuleViolation(N_("Recommend to an organization above %(org)s."), field="to_organization_id",
                            org=organizer.name)
    old = {"recommended": entry.recommended, "to": entry.recommended_to_id}
    entry.recommended, entry.recommended_to_id = True, target.id
    entry.recommended_at, entry.recommended_by_id, entry.recommendation_note = now, actor.id, note.strip()
    db.session.flush()
    _audit("innovation.recommend", entry, actor, old=old, new={"recommended": True, "to": target.id},
           reason=entry.recommendation_note)
    return entry


def unrecommend(entry: InnovationEntry, *, actor: User, reason: str) -> InnovationEntry:
    """Take a recommendation back (with a reason)."""
    if not entry.recommended:
        raise InvalidState(N_("The entry is not recommended."), field="reason")
    reason = rules.check_reason("revert", reason)
    old = {"recommended": True, "to": entry.recommended_to_id}
    entry.recommended, entry.recommended_to_id = False, None
    entry.recommended_at = entry.recommended_by_id = None
    db.session.flush()
    _audit("innovation.unrecommend", entry, actor, old=old, new={"recommended": False}, reason=reason)
    return entry


# ---- attachments ---------------------------------------------------------------------------------

def add_attachment(entry: InnovationEntry, *, actor: User | None, upload: Upload, purpose: str = "entry",
                   audit: bool = True) -> InnovationAttachment:
    """Check and store one file of the entry (an entrant's file while editable; evidence by the organizer)."""
    if purpose == "entry" and entry.status not in rules.EDITABLE:
        raise InvalidState(N_("Files can be added only to a draft or a returned entry."), field="file")
    held = list(entry.attachments)
    checked = attachment_rules.check_upload(
        upload.data, upload.filename, max_bytes=_setting("UPLOAD_MAX_BYTES", 5 * 1024 * 1024),
        entry_bytes=sum(a.size for a in held), entry_limit=_setting("INNOVATION_ENTRY_MAX_BYTES", DEFAULT_ENTRY_BYTES),
        entry_files=len(held), max_files=_setting("INNOVATION_MAX_FILES", DEFAULT_MAX_FILES),
        max_unpacked=_setting("INNOVATION_MAX_UNPACKED_BYTES", attachment_rules.MAX_UNPACKED))
    if checked.kind in ("png", "jpeg"):
        _check_image(upload.data)
    stored = files.write(db.session(), upload.data)
    attachment = InnovationAttachment(entry=entry, purpose=purpose, filename=checked.filename, stored_name=stored,
                                      kind=checked.kind, size=checked.size,
                                      sha256=hashlib.sha256(upload.data).hexdigest(),
                                      uploaded_by_id=actor.id if actor else None)
    db.session.add(attachment)
    db.session.flush()
    if audit:
        _audit("innovation.attach", entry, actor, new={"file": checked.filename, "kind": checked.kind,
                                                       "size": checked.size, "purpose": purpose})
    return attachment


def _check_image(data: bytes) -> None:
    """A picture must decode (Pillow) and stay under its pixel limit (no decompression bomb)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > 50_000_000:
                raise attachment_rules.AttachmentRefused(
                    N_("The picture is %(width)d × %(height)d pixels; at most 50 megapixels are accepted."),
                    field="file", width=width, height=height)
            probe.verify()
    except attachment_rules.AttachmentRefused:
        raise
    except Image.DecompressionBombError:   # Pillow refuses to open it at all: far beyond our limit, not damaged
        raise attachment_rules.AttachmentRefused(
            N_("The picture has far too many pixels (over 50 megapixels); make it smaller and upload it again."),
            field="file") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise attachment_rules.AttachmentRefused(N_("The picture is damaged and cannot be opened."),
                                                 field="file") from None


def _remove_attachment(entry: InnovationEntry, attachment: InnovationAttachment) -> None:
    files.drop_after_commit(db.session(), attachment.stored_name)
    entry.attachments.remove(attachment)
    db.session.delete(attachment)


def remove_attachment(attachment: InnovationAttachment, *, actor: User | None) -> None:
    """Remove an entrant's file from a draft or a returned entry (the file goes once this commits)."""
    entry = attachment.entry
    if attachment.purpose != "entry" or entry.status not in rules.EDITABLE:
        raise InvalidState(N_("Files can be removed only from a draft or a returned entry."), field="file")
    name = attachment.filename
    _remove_attachment(entry, attachment)
    db.session.flush()
    _audit("innovation.detach", entry, actor, old={"file": name})


# ---- experts -------------------------------------------------------------------------------------

def expert_entries(user: User) -> list[tuple[InnovationEntry, bool]]:
    """Entries of the tracks ``user`` is assigned to as an expert, each with whether they are recused."""
    from competitions.judging.models import JudgeAssignment
    from competitions.judging.services import recusal_reason

    event_ids = set(db.session.execute(select(JudgeAssignment.event_id).where(
        JudgeAssignment.user_id == user.id)).scalars())
    if not event_ids:
        return []
    entries = db.session.execute(select(InnovationEntry).where(
        InnovationEntry.event_id.in_(event_ids), InnovationEntry.status.in_(rules.REVIEWED),
        InnovationEntry.registration_id.is_not(None)).order_by(InnovationEntry.number)).scalars()
    result = []
    for entry in entries:
        registration = db.session.get(Registration, entry.registration_id)
        result.append((entry, recusal_reason(entry.event, user, registration) is not None))
    return result


def totals(competition_id: int) -> rules.BenefitTotals:
    """The competition's entries counted and summed as the federation's report does (``domain.innovation``)."""
    rows = db.session.execute(select(InnovationEntry.status, InnovationEntry.claimed_benefit_yuan,
                                     InnovationEntry.realized_benefit_yuan)
                              .where(InnovationEntry.competition_id == competition_id)).all()
    return rules.benefit_totals([tuple(r) for r in rows])


# ---- certificates --------------------------------------------------------------------------------

def team_names(entry: InnovationEntry, limit: int = 100) -> str:
    """The members' names as printed (lead first, 、 between them), cut with 等 when beyond ``limit``."""
    names = [m.worker.name for m in entry.members]
    text = "、".join(names)
    while len(text) > limit and len(names) > 1:
        names.pop()
        text = "、".join(names) + "等"
    return text[:limit]


def certificate_wanted(competition: Competition, wanted: list) -> list:
    """The final results' award certificates with each entry's prize printed for the entry: its title and team.

    ``wanted`` is the certificates module's list (``certificates.services.Wanted``); an award of a
    registration that is an entry's becomes one certificate per team member (source
    ``innovation:<entry id>:<worker id>``, held by that member, as team prizes are), each printing the whole
    team's names, the entry's title and its unit.
    """
    from dataclasses import replace

    entries = {e.registration_id: e for e in db.session.execute(select(InnovationEntry).where(
        InnovationEntry.competition_id == competition.id, InnovationEntry.registration_id.is_not(None))).scalars()}
    result = []
    for want in wanted:
        entry = entries.get(want.registration_id)
        if entry is None or want.kind != "award" or not want.source.startswith("award:"):
            result.append(want)
            continue
        printed = dict(name=team_names(entry), employer=entry.employer.name, title=entry.title[:200])
        result += [replace(want, source=f"innovation:{entry.id}:{member.worker_id}", worker_id=member.worker_id,
                           **printed) for member in entry.members]
    return result


def entry_certificate(entry: InnovationEntry, worker_ids: set[int]):
    """The entry's active award certificate held by one of ``worker_ids`` (else any of the team's), or None."""
    from competitions.certificates.models import Certificate

    rows = list(db.session.execute(select(Certificate).where(
        Certificate.competition_id == entry.competition_id, Certificate.status == "active",
        Certificate.source.startswith(f"innovation:{entry.id}:")).order_by(Certificate.id)).scalars())
    return next((c for c in rows if c.worker_id in worker_ids), rows[0] if rows else None)


def published_result(entry: InnovationEntry):
    """The entry's line in the contest's published (or final) results: rank, total and prize; None before."""
    from competitions.results.models import ResultEntry
    from competitions.results.snapshots import public_snapshot

    if entry.registration_id is None:
        return None
    snapshot = public_snapshot(entry.competition_id)
    if snapshot is None:
        return None
    return db.session.execute(select(ResultEntry).where(ResultEntry.snapshot_id == snapshot.id,
                                                        ResultEntry.registration_id == entry.registration_id)
                              ).scalar_one_or_none()


def managed_contests(user: User) -> list[Competition]:
    """The innovation contests ``user`` organizes (its organization's subtree), newest first."""
    from competitions.organize.permissions import scope_competitions

    return list(db.session.execute(scope_competitions(select(Competition), user).where(
        Competition.kind == "innovation").order_by(Competition.year.desc(), Competition.id.desc())).scalars())
