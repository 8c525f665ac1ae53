"""Certificate tables (owned by the certificates stage).

* ``Certificate``: one issued certificate — award (获奖证书), participation
  (参赛证书) or honour (荣誉证书) — with its signed number and the facts printed
  on it, frozen when it is issued (name, employer, competition, event, award or
  title, issuer, date, seal and signatories), so a later rename changes nothing
  already printed. A certificate is active or revoked (with the reason); a
  reissued one points at the one it replaces. ``active_source`` is the natural
  key (what the certificate is for: ``award:<registration>``,
  ``participation:<registration>``, ``honour:<flag>``) while it is active and
  NULL once revoked, so a competition has at most one active certificate per
  source (NULLs never collide in a unique index, on SQLite and PostgreSQL alike).
* ``CertificateSeal``: a seal image (a red stamp, PNG with transparency),
  stored once by its SHA-256; certificates name the seal they were issued with.
* ``CertificateDesign``: an organization's current seal, signatories and the
  issuer name printed on its certificates.
* ``CertificateSetting``: per competition, whether finalists get participation
  certificates.
* ``CertificateBatch``: a zip or combined PDF of a competition's certificates
  that an organizer asked for, made by the scheduler process; progress
  (``done`` of ``total``) is written as it goes, the file lives in
  ``CERTIFICATE_BATCH_DIR`` until the batch is stale.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from competitions.db import UTCDateTime, utcnow
from competitions.extensions import db

KINDS = ("award", "participation", "honour")
STATUSES = ("active", "revoked")
BATCH_FORMATS = ("zip", "pdf")
BATCH_STATUSES = ("queued", "running", "done", "failed", "stale")


class Certificate(db.Model):
    """One issued certificate and the facts printed on it."""

    __tablename__ = "certificate"
    __table_args__ = (
        UniqueConstraint("competition_id", "active_source"),
        Index("ix_certificate_worker", "worker_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(60))
    active_source: Mapped[str | None] = mapped_column(String(60))
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id", ondelete="SET NULL"))
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("result_snapshot.id", ondelete="SET NULL"))
    snapshot_version: Mapped[int | None] = mapped_column(Integer)
    # The facts as printed, frozen at issue.
    name: Mapped[str] = mapped_column(String(100))
    employer: Mapped[str] = mapped_column(String(200), default="")
    competition_name: Mapped[str] = mapped_column(String(200))
    event_name: Mapped[str] = mapped_column(String(100), default="")
    event_group: Mapped[str] = mapped_column(String(20), default="")
    award: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    issuer: Mapped[str] = mapped_column(String(200))
    issue_date: Mapped[date] = mapped_column(Date)
    seal_sha: Mapped[str | None] = mapped_column(ForeignKey("certificate_seal.sha256"))
    signatories: Mapped[list] = mapped_column(JSON, default=list)
    # Life cycle.
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # "manual" (an organizer's reason in revoked_reason), "results_changed" or "not_called_for" (by the
    # reconciliation after final results changed; revoked_version is the results version that did it).
    revoked_code: Mapped[str] = mapped_column(String(20), default="")
    revoked_version: Mapped[int | None] = mapped_column(Integer)
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))


class CertificateSeal(db.Model):
    """A seal image as stored after checking: a PNG (RGBA), at most 800 px on its longer side."""

    __tablename__ = "certificate_seal"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    png: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class CertificateDesign(db.Model):
    """What an organization prints on its certificates: issuer name, seal and signatories."""

    __tablename__ = "certificate_design"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), unique=True)
    issuer_name: Mapped[str] = mapped_column(String(200), default="")
    seal_sha: Mapped[str | None] = mapped_column(ForeignKey("certificate_seal.sha256"))
    # [[role, name], ...] e.g. [["组委会主任", "王建国"], ["裁判长", "李明"]]
    signatories: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class CertificateSetting(db.Model):
    """Per competition: whether finalists without a prize get a participation certificate."""

    __tablename__ = "certificate_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), unique=True)
    participation: Mapped[bool] = mapped_column(default=False)


class CertificateBatch(db.Model):
    """A zip or one combined PDF of a competition's active certificates, made in the background."""

    __tablename__ = "certificate_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    base_url: Mapped[str] = mapped_column(String(200), default="")  # the site address the QR codes point to
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
