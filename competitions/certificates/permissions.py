"""Who may see which certificate, batch and design.

* A certificate's PDF: its holder (the worker whose login it is) and whoever
  manages its competition (``organize.permissions.can_manage``). Anyone else —
  another worker above all — gets 404, so a number or id reveals nothing.
* A batch belongs to the organizer who asked for it (and administrators): it
  holds every winner's certificate, so another organizer of the same
  competition asks for their own.
* An organization's certificate design (seal, signatories): organizers of that
  organization or above it in the tree, and administrators.
"""

from __future__ import annotations

from flask import abort

from competitions.auth.models import User
from competitions.certificates.models import Certificate, CertificateBatch
from competitions.extensions import db
from competitions.organize.models import Competition
from competitions.organize.permissions import can_manage
from competitions.orgs.models import Organization, Worker
from competitions.orgs.services import is_within


def holds(user: User, certificate: Certificate) -> bool:
    """True when ``user`` is the worker the certificate was issued to."""
    if not user.is_authenticated or certificate.worker_id is None:
        return False
    worker = db.session.get(Worker, certificate.worker_id)
    return worker is not None and worker.user_id == user.id


def load_certificate_or_404(certificate_id: int, *, for_user: User) -> Certificate:
    """The certificate, when ``for_user`` holds it or manages its competition; 404 otherwise."""
    certificate = db.get_or_404(Certificate, certificate_id)
    if holds(for_user, certificate):
        return certificate
    competition = db.session.get(Competition, certificate.competition_id)
    if competition is None or not can_manage(for_user, competition):
        abort(404)
    return certificate


def load_managed_certificate_or_404(certificate_id: int, *, for_user: User) -> Certificate:
    """The certificate, when ``for_user`` manages its competition (to revoke it); 404 otherwise."""
    certificate = db.get_or_404(Certificate, certificate_id)
    competition = db.session.get(Competition, certificate.competition_id)
    if competition is None or not can_manage(for_user, competition):
        abort(404)
    return certificate


def load_batch_or_404(batch_id: int, *, for_user: User) -> CertificateBatch:
    """The batch, when ``for_user`` asked for it (or is an administrator) and still manages its competition."""
    batch = db.get_or_404(CertificateBatch, batch_id)
    competition = db.session.get(Competition, batch.competition_id)
    mine = batch.requested_by_id == for_user.id or for_user.has_role("admin")
    if not mine or competition is None or not can_manage(for_user, competition):
        abort(404)
    return batch


def can_design(user: User, organization: Organization) -> bool:
    """True when ``user`` may change what ``organization`` prints on its certificates."""
    if not user.is_authenticated:
        return False
    if user.has_role("admin"):
        return True
    return user.has_role("organizer") and is_within(organization, user.organization)


def load_organization_or_404(org_id: int, *, for_user: User) -> Organization:
    """The organization, when ``for_user`` may change its certificate design; 404 otherwise."""
    organization = db.get_or_404(Organization, org_id)
    if not can_design(for_user, organization):
        abort(404)
    return organization
