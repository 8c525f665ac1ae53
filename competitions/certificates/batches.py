"""Batches: all of a competition's certificates as one zip or one combined PDF, made in the background.

An organizer of a city contest downloads thousands of certificates at once to
print them or hand them to enterprise unions. Making them takes seconds to a
minute, far too long for a web request (a gunicorn worker would be tied up and
the proxy would time out), so the organizer's request only queues a batch; the
scheduler process (``flask --app wsgi jobs run``, job ``certificate_batches``)
makes it and writes its progress (``done`` of ``total``) as it goes, which the
batch page shows. The job reads every fact it needs in one short transaction,
then draws with no transaction open (SQLite writers are never kept waiting),
writing progress in short transactions of its own.

A finished batch is kept in ``CERTIFICATE_BATCH_DIR`` (default
``instance/certificate_batches``; shared storage when the scheduler and web
workers run on different machines) until it is stale: a certificate of the
competition was issued or revoked after it was made, or it is older than
``CERTIFICATE_BATCH_DAYS`` (7). Stale files are deleted by the same job; asking
again for the same format and language while a batch is queued, running or
fresh returns that batch instead of making another.
"""

from __future__ import annotations

import os
import secrets
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from competitions.audit.services import record
from competitions.certificates import services
from competitions.certificates.models import BATCH_FORMATS, CertificateBatch
from competitions.certificates.pdf import certificate_pdf, certificates_pdf
from competitions.db import utcnow
from competitions.domain.errors import InvalidState, RuleViolation
from competitions.extensions import db
from competitions.organize.models import Competition

PROGRESS_EVERY = 50
STUCK_AFTER = timedelta(minutes=30)


def batch_dir() -> Path:
    """Where finished batches are kept."""
    configured = current_app.config.get("CERTIFICATE_BATCH_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "certificate_batches"
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_days() -> int:
    """How many days a finished batch is kept at most."""
    return int(current_app.config.get("CERTIFICATE_BATCH_DAYS", 7))


def is_stale(batch: CertificateBatch, now: datetime, changed: datetime | None = None) -> bool:
    """True when a finished batch no longer matches the certificates or is too old to keep."""
    if batch.status != "done" or batch.finished_at is None:
        return batch.status == "stale"
    if changed is None:
        changed = services.latest_change(batch.competition_id)
    if changed is not None and changed > batch.started_at:
        return True
    return now - batch.finished_at > timedelta(days=keep_days())


def request_batch(competition: Competition, *, fmt: str, language: str, actor_id: int | None, base_url: str,
                  now: datetime) -> CertificateBatch:
    """Queue a batch of the competition's active certificates (or return the same one already queued or fresh)."""
    if fmt not in BATCH_FORMATS:
        raise RuleViolation("Choose a zip of single files or one combined PDF.", field="format")
    if language not in services.LANGUAGES:
        raise RuleViolation("Certificates are printed in Chinese or English.", field="language")
    total = len(services.batch_certificates(competition.id))
    if total == 0:
        raise InvalidState("There are no certificates to download yet: issue them first.")
    existing = db.session.execute(select(CertificateBatch).where(
        CertificateBatch.competition_id == competition.id, CertificateBatch.requested_by_id == actor_id,
        CertificateBatch.format == fmt, CertificateBatch.language == language,
        CertificateBatch.status.in_(("queued", "running", "done"))).order_by(CertificateBatch.id.desc())
    ).scalars().first()
    if existing is not None and not is_stale(existing, now):
        return existing
    batch = CertificateBatch(competition_id=competition.id, requested_by_id=actor_id, format=fmt, language=language,
                             status="queued", total=total, created_at=now, base_url=base_url)
    db.session.add(batch)
    db.session.flush()
    record("certificate_batch_requested", actor_id=actor_id, object_type="certificate_batch", object_id=batch.id,
           competition_id=competition.id, new={"format": fmt, "language": language, "total": total})
    return batch


def download_name(batch: CertificateBatch, competition: Competition) -> str:
    """The file name the organizer's browser saves."""
    safe = "".join(ch for ch in competition.name if ch not in '\\/:*?"<>|\r\n\t')
    return f"{safe}-certificates-{batch.language}.{batch.format}"


def batch_path(batch: CertificateBatch) -> Path | None:
    """The finished file, when it is still there."""
    if batch.status != "done" or not batch.file_name:
        return None
    path = batch_dir() / batch.file_name
    return path if path.exists() else None


# --- the scheduler's side -----------------------------------------------------------------------


def run_queued(*, now: datetime, watch_seconds: float | None = None) -> dict:
    """Make every queued batch, watching for new ones for ``watch_seconds``; then delete stale files.

    The job runs every minute; watching for most of that minute makes a new
    batch start within seconds without a job row every few seconds.
    """
    if watch_seconds is None:
        watch_seconds = float(current_app.config.get("CERTIFICATE_BATCH_WATCH_SECONDS", 50))
    deadline = time.monotonic() + watch_seconds
    made, failed = [], []
    _requeue_stuck(now)
    while True:
        batch_id = _claim_next()
        if batch_id is None:
            db.session.commit()
            if time.monotonic() >= deadline:
                break
            time.sleep(2)
            continue
        if make_batch(batch_id):
            made.append(batch_id)
        else:
            failed.append(batch_id)
    purged = purge_stale(utcnow())
    return {"made": made, "failed": failed, "purged": purged}


def _requeue_stuck(now: datetime) -> None:
    """A batch left running by a scheduler that stopped is queued again."""
    db.session.execute(update(CertificateBatch).where(
        CertificateBatch.status == "running", CertificateBatch.started_at < now - STUCK_AFTER)
        .values(status="queued", done=0).execution_options(synchronize_session=False))
    db.session.commit()


def _claim_next() -> int | None:
    """Take the oldest queued batch (guarded: of two schedulers only one gets it); its id or None."""
    batch_id = db.session.execute(select(CertificateBatch.id).where(CertificateBatch.status == "queued")
                                  .order_by(CertificateBatch.id).limit(1)).scalar()
    if batch_id is None:
        return None
    claimed = db.session.execute(update(CertificateBatch).where(
        CertificateBatch.id == batch_id, CertificateBatch.status == "queued")
        .values(status="running", started_at=utcnow(), done=0).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return batch_id if claimed else _claim_next()


def make_batch(batch_id: int) -> bool:
    """Draw one claimed batch into its file; False (and the batch marked failed with the error) on failure."""
    batch = db.session.get(CertificateBatch, batch_id)
    fmt, language, base_url = batch.format, batch.language, batch.base_url or None
    certificates = services.batch_certificates(batch.competition_id)
    seals: dict[str, bytes | None] = {}
    items = []
    for certificate in certificates:
        if certificate.seal_sha not in seals:
            seals[certificate.seal_sha] = services.seal_png(certificate.seal_sha)
        printable = services.printable(certificate)
        text = services.certificate_text(printable, language,
                                         verify=services.verify_url(certificate.number, base_url),
                                         seal=seals[certificate.seal_sha])
        items.append((text, services.file_name(certificate, language)))
    _set(batch_id, total=len(items))
    db.session.commit()  # nothing is held while drawing
    name = f"batch-{batch_id}-{secrets.token_hex(6)}.{fmt}"
    final = batch_dir() / name
    partial = final.with_suffix(".part")
    try:
        if fmt == "zip":
            _write_zip(batch_id, items, partial)
        else:
            with open(partial, "wb") as out:
                certificates_pdf((text for text, _name in items), out,
                                 progress=lambda done: _progress(batch_id, done), every=PROGRESS_EVERY)
        os.replace(partial, final)
    except Exception as error:  # noqa: BLE001 - any failure is the batch's, shown on its page; the job goes on
        db.session.rollback()
        partial.unlink(missing_ok=True)
        current_app.logger.exception("certificate batch %s failed", batch_id)
        _set(batch_id, status="failed", error=f"{type(error).__name__}: {error}"[:2000], finished_at=utcnow())
        db.session.commit()
        return False
    _set(batch_id, status="done", done=len(items), file_name=name, size=final.stat().st_size,
         finished_at=utcnow())
    db.session.commit()
    return True


def _write_zip(batch_id: int, items, path: Path) -> None:
    """One PDF per certificate, drawn by ``CERTIFICATE_BATCH_PROCESSES`` worker processes in chunks, in order.

    Each file needs its own font subset, so a zip costs a full page per
    certificate; worker processes (forked from a fork server, so they share
    nothing with the scheduler's threads or database connections) use every
    core the machine gives. Progress is written as each chunk comes back.
    """
    texts = [text for text, _name in items]
    chunks = [texts[i:i + PROGRESS_EVERY] for i in range(0, len(texts), PROGRESS_EVERY)]
    processes = min(batch_processes(), len(chunks))
    seen: set[str] = set()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        done = 0
        for pdfs in _render_chunks(chunks, processes):
            for data in pdfs:
                name = items[done][1]
                done += 1
                if name in seen:
                    name = name.replace(".pdf", f"-{done}.pdf")
                seen.add(name)
                archive.writestr(name, data)  # PDFs are compressed already: stored, not deflated
            _progress(batch_id, done)


def batch_processes() -> int:
    """How many processes draw a zip batch (``CERTIFICATE_BATCH_PROCESSES``; default: the cores, at most 4)."""
    configured = current_app.config.get("CERTIFICATE_BATCH_PROCESSES")
    return max(1, int(configured) if configured else min(4, os.cpu_count() or 1))


def _render_chunks(chunks, processes: int):
    """The PDFs of each chunk, in order: in this process, or in a pool of spawned ones."""
    global worker_cpu_seconds
    if processes <= 1:
        for chunk in chunks:
            yield [certificate_pdf(text) for text in chunk]
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    # A fork server: started once, single-threaded, with the drawing code imported; each worker is forked
    # from it at once (a plain fork of the scheduler could copy a lock one of its threads holds).
    context = get_context("forkserver")
    context.set_forkserver_preload(["competitions.certificates.pdf"])
    with ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_start_worker,
                             initargs=(current_app.config.get("PDF_FONT_PATH"),)) as pool:
        for cpu, pdfs in pool.map(_render_chunk, chunks):
            worker_cpu_seconds += cpu
            yield pdfs


def _start_worker(font_path: str | None) -> None:
    """A drawing process: the same font chain as the application (its configured font first), loaded now."""
    from competitions import pdf_fonts

    pdf_fonts.configure(font_path)
    pdf_fonts.font_chain()


def _render_chunk(texts) -> tuple[float, list[bytes]]:
    started = time.process_time()
    pdfs = [certificate_pdf(text) for text in texts]
    return time.process_time() - started, pdfs


worker_cpu_seconds = 0.0  # CPU seconds the drawing processes spent, summed in this process (the benchmark reads it)


def _progress(batch_id: int, done: int) -> None:
    _set(batch_id, done=done)
    db.session.commit()


def _set(batch_id: int, **values) -> None:
    db.session.execute(update(CertificateBatch).where(CertificateBatch.id == batch_id).values(**values)
                       .execution_options(synchronize_session=False))


def purge_stale(now: datetime) -> int:
    """Delete the files of stale batches and mark them stale; how many."""
    count = 0
    changes: dict[int, datetime | None] = {}
    for batch in db.session.execute(select(CertificateBatch).where(CertificateBatch.status == "done")).scalars():
        if batch.competition_id not in changes:
            changes[batch.competition_id] = services.latest_change(batch.competition_id)
        if not is_stale(batch, now, changes[batch.competition_id]):
            continue
        if batch.file_name:
            (batch_dir() / batch.file_name).unlink(missing_ok=True)
        batch.status, batch.file_name = "stale", ""
        count += 1
    db.session.commit()
    return count
