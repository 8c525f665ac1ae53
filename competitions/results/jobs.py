"""Scheduled job of the results stage: results become final when their public notice period is over.

``finalize_due_results(*, now)`` is idempotent on its own: a snapshot that is
already final is never selected again, so a second run (or a second
scheduler) finds nothing left to do. Results held back by a pending appeal,
or by an upheld appeal waiting for corrected results, stay published and are
retried on the next run. Like every job it only flushes; its caller
(``competitions.scheduler.run_job`` or the ``results finalize-due`` command)
commits once.
"""

from __future__ import annotations

from datetime import datetime

from competitions.results.services import due_snapshots, finalize_blocker, finalize_results


def finalize_due_results(*, now: datetime) -> dict:
    """Finalize every published snapshot whose notice period has ended; a summary of what was done."""
    finalized, held = [], []
    for snapshot in due_snapshots(now):
        if finalize_blocker(snapshot, now) is not None:
            held.append(snapshot.competition_id)
            continue
        if finalize_results(snapshot, actor_id=None, now=now):
            finalized.append(snapshot.competition_id)
    return {"finalized_competitions": finalized, "held_competitions": held}
