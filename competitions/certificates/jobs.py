"""Scheduled jobs of the certificates stage (listed in competitions/scheduler.py)."""

from __future__ import annotations

from datetime import datetime


def make_certificate_batches(*, now: datetime) -> dict:
    """Make the zips and combined PDFs organizers asked for; delete stale ones."""
    from competitions.certificates.batches import run_queued

    return run_queued(now=now)


def sync_certificates(*, now: datetime) -> dict:
    """Revoke and reissue certificates whose final results were corrected (holders see the new one)."""
    from competitions.certificates.services import sync_certificates as sync

    return sync(now=now)
