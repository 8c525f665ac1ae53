"""Who may see an innovation entry and its files, and who may act on it.

* The entrants (every named member whose login is linked to their person record) see their entry in
  every state, its files included; the lead edits, submits, withdraws and uploads.
* The entrants' unit reviewers: organizers whose organization's subtree holds the unit frozen on the
  entry (``services.can_unit_review``) — once it is submitted, never a draft.
* The contest's organizers in scope (``organize.permissions.can_manage``) — once submitted.
* Organizers of an organization the entry was recommended to (or above it) — the recommended entry.
* The contest's experts (judges assigned to the entry's track), once the unit passed the entry, unless
  recused from it (the judging module's recusal on the entry's registration: same unit, same parent
  when the contest says so, declared conflicts, the chief's overrides). They see the entry without the
  entrants' names and unit.
Anyone else gets 404, as everywhere in the application: an id reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import select

from competitions.auth.models import User
from competitions.domain import innovation as rules
from competitions.extensions import db
from competitions.innovation.models import InnovationAttachment, InnovationEntry
from competitions.innovation.services import can_unit_review
from competitions.organize.permissions import can_manage
from competitions.orgs.models import Worker
from competitions.orgs.services import is_within


@dataclass(frozen=True)
class Access:
    """What ``user`` is to an entry (several may hold: an organizer of the unit who also runs the contest)."""

    entrant: bool = False
    lead: bool = False
    unit: bool = False
    organizer: bool = False
    expert: bool = False
    receiver: bool = False

    @property
    def any(self) -> bool:
        """Whether the user may see the entry at all."""
        return self.entrant or self.unit or self.organizer or self.expert or self.receiver

    @property
    def sees_names(self) -> bool:
        """Experts review blind: everyone else who may see the entry sees who made it."""
        return self.entrant or self.unit or self.organizer or self.receiver


def _is_expert(user: User, entry: InnovationEntry) -> bool:
    from competitions.judging.models import JudgeAssignment
    from competitions.judging.services import recusal_reason
    from competitions.registration.models import Registration

    if entry.status not in rules.REVIEWED or entry.registration_id is None:
        return False
    assigned = db.session.execute(select(JudgeAssignment.id).where(
        JudgeAssignment.event_id == entry.event_id, JudgeAssignment.user_id == user.id)).first()
    if assigned is None:
        return False
    registration = db.session.get(Registration, entry.registration_id)
    return registration is not None and registration.status == "approved" and \
        recusal_reason(entry.event, user, registration) is None


def access(user: User, entry: InnovationEntry) -> Access:
    """Every capacity in which ``user`` may see ``entry`` (see the module docstring)."""
    if not user.is_authenticated:
        return Access()
    worker_ids = set(db.session.execute(select(Worker.id).where(Worker.user_id == user.id)).scalars())
    member_ids = {m.worker_id for m in entry.members}
    entrant = bool(worker_ids & member_ids)
    lead = entry.lead_worker_id in worker_ids
    past_draft = entry.submitted_at is not None and entry.status not in ("draft", "withdrawn")
    admin = user.has_role("admin")
    unit = past_draft and (admin or can_unit_review(user, entry))
    organizer = past_draft and can_manage(user, entry.competition)
    receiver = entry.recommended and user.has_role("organizer", "admin") and (
        admin or is_within(entry.recommended_to, user.organization))
    expert = user.has_role("judge", "admin") and _is_expert(user, entry)
    return Access(entrant=entrant or (admin and not past_draft), lead=lead, unit=unit, organizer=organizer,
                  expert=expert, receiver=receiver)


def load_entry_or_404(entry_id: int, *, for_user: User) -> tuple[InnovationEntry, Access]:
    """The entry and what the user is to it; 404 when they may not see it."""
    entry = db.get_or_404(InnovationEntry, entry_id)
    seen = access(for_user, entry)
    if not seen.any:
        abort(404)
    return entry, seen


def load_attachment_or_404(attachment_id: int, *, for_user: User) -> tuple[InnovationAttachment, Access]:
    """The attachment when its entry may be seen by the user; 404 otherwise."""
    attachment = db.get_or_404(InnovationAttachment, attachment_id)
    _entry, seen = load_entry_or_404(attachment.entry_id, for_user=for_user)
    return attachment, seen
