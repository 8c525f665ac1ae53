"""Scheduled jobs: one list, one dedicated process, each job once per period.

Jobs are plain functions ``job(*, now)`` living next to their feature (e.g.
``competitions/registration/jobs.py``) and listed in ``JOBS`` below. They run
in one dedicated process, ``flask --app wsgi jobs run`` (an APScheduler 3.x
``BlockingScheduler``), never inside web workers and never at import: an
APScheduler started in every gunicorn worker runs every job once per worker,
and APScheduler's job stores cannot be shared across processes. Operators run
one job by hand with ``flask --app wsgi jobs run-once NAME``. An admin's "run
now" on the job runs page (or ``flask --app wsgi jobs request NAME``) never runs
the job in the web worker: it queues a ``JobRun`` row (status ``queued``) that
the scheduler process picks up within a few seconds (``run_requested``, polled
every ``REQUEST_POLL_SECONDS``), shown as queued, running, then succeeded or
failed; a queued run can be cancelled, and a run left ``running`` by a
scheduler that stopped is marked failed when the scheduler starts again.
``flask --app wsgi jobs list`` shows every job, its trigger and its next run
without starting anything.

Every run claims a ``JobRun`` row with a unique (job, period_key) in the same
transaction as the job's changes, as ``running`` until the job has returned
(a job that commits as it goes, like the certificate batches, shows running
meanwhile, never a success it has not had). If a second scheduler was started by
accident, its claim for the same period fails on the unique constraint and its
whole transaction rolls back, so it changes nothing. A run that fails is rolled
back and then recorded as failed with its error (start, end, message); the
next attempt in the same period claims that failed row again. A run requested
by an admin has its own period key ("manual:<time>"), so it always runs; of two
schedulers only one claims it (a guarded update from ``queued`` to ``running``).

Runs missed while the scheduler was down are caught up when it starts: for
each job, the latest time its trigger fired within its grace period is looked
up, and if that period has no successful run the job runs for it, with
``now`` set to the time it should have run (so the 1 January compile missed
over New Year still compiles the year that ended). While it runs,
APScheduler's ``misfire_grace_time`` covers runs delayed by a busy process.

Adding a job is one entry in ``JOBS``::

    Job("finish_notice_periods", "competitions.results.jobs:finish_notice_periods",
        cron={"minute": "*/5"}, period=every_minutes(5)),

with ``def finish_notice_periods(*, now) -> dict`` in ``competitions/results/jobs.py``,
idempotent on its own too, returning a small JSON-able summary.
"""

from __future__ import annotations

import importlib
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from competitions.audit.services import record
from competitions.db import UTCDateTime, utcnow, write_intent
from competitions.domain.errors import N_
from competitions.extensions import db

RUN_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
PENDING_STATUSES = ("queued", "running")
REQUEST_POLL_SECONDS = 5
# Stored in English like every run's error; shown translated on the job runs page.
INTERRUPTED = N_("Interrupted: the scheduler stopped while this run was going. Run it again if it is still needed.")
TRIGGERS = ("schedule", "catch_up", "manual", "command")
ERROR_LIMIT = 4000


class JobRun(db.Model):
    """One run of one job for one period; the unique key makes a period run at most once."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(100))
    period_key: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="succeeded", server_default="succeeded")
    trigger: Mapped[str] = mapped_column(String(20), default="schedule", server_default="schedule")
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    result: Mapped[dict] = mapped_column(JSON, default=dict)


def _local(now: datetime) -> datetime:
    from competitions.timezone import local_zone

    return now.astimezone(local_zone())


def every_minutes(minutes: int) -> Callable[[datetime], str]:
    """The period key of a job that runs every ``minutes`` minutes: the start of its slot, in UTC."""

    def key(now: datetime) -> str:
        now = now.astimezone(UTC)
        return now.replace(minute=now.minute - now.minute % minutes, second=0, microsecond=0).strftime(
            "%Y-%m-%dT%H:%M")

    return key


def local_day(now: datetime) -> str:
    """The period key of a daily job: the federation's local date."""
    return _local(now).date().isoformat()


def previous_local_year(now: datetime) -> str:
    """The period key of the yearly compile: the local year that has ended."""
    return str(_local(now).year - 1)


@dataclass(frozen=True)
class Job:
    """A scheduled job: name, function (``module:function``), cron trigger (local time), period key, grace."""

    name: str
    target: str
    cron: dict = field(default_factory=dict)
    period: Callable[[datetime], str] = every_minutes(1)
    grace: timedelta = timedelta(minutes=5)
    description: object = ""

    def function(self) -> Callable:
        """The job function, imported only when it runs."""
        module, _sep, attr = self.target.partition(":")
        return getattr(importlib.import_module(module), attr)

    def trigger(self, zone):
        """The APScheduler cron trigger of this job in the federation's time zone (nothing is started)."""
        from apscheduler.triggers.cron import CronTrigger

        return CronTrigger(timezone=zone, **self.cron)


def schedule_in_words(cron: dict) -> str:
    """A job's cron fields as an administrator reads them, in the reader's language (local time).

    Covers the shapes the jobs use: every minute, every n minutes, every day at
    hh:mm, every year on a month and day at hh:mm; anything else falls back to
    the cron fields themselves.
    """
    from flask_babel import gettext

    fields = {key: str(value) for key, value in cron.items()}
    minute, hour = fields.pop("minute", "*"), fields.pop("hour", None)
    month, day = fields.pop("month", None), fields.pop("day", None)
    if not fields and hour is None and month is None and day is None:
        if minute == "*":
            return gettext("Every minute")
        if minute.startswith("*/") and minute[2:].isdigit():
            return gettext("Every %(n)s minutes", n=minute[2:])
    if not fields and hour is not None and hour.isdigit() and minute.isdigit():
        time = f"{int(hour):02d}:{int(minute):02d}"
        if month is None and day is None:
            return gettext("Every day at %(time)s", time=time)
        if month is not None and day is not None and month.isdigit() and day.isdigit():
            return gettext("Every year on %(month)s/%(day)s at %(time)s", month=month, day=day, time=time)
    return ", ".join(f"{key}={value}" for key, value in cron.items())


# A scheduler process that runs: the every-minute jobs leave a run at least this often.
HEARTBEAT = timedelta(minutes=3)


def scheduler_last_seen() -> datetime | None:
    """When the scheduler process last started a job on its own (schedule or catch-up), UTC; None if never.

    The every-minute jobs make this a heartbeat: older than ``HEARTBEAT`` means
    no scheduler process is running, and queued runs wait until one starts.
    """
    return db.session.execute(select(func.max(JobRun.started_at)).where(
        JobRun.trigger.in_(("schedule", "catch_up")))).scalar_one()


JOBS: tuple[Job, ...] = (
    Job("close_due_registrations", "competitions.registration.jobs:close_due_registrations",
        cron={"minute": "*"}, period=every_minutes(1), grace=timedelta(minutes=5),
        description=_l("Close registration of competitions whose deadline has passed.")),
    Job("finalize_due_results", "competitions.results.jobs:finalize_due_results",
        cron={"minute": "*/5"}, period=every_minutes(5), grace=timedelta(minutes=30),
        description=_l("Make results final when their public notice period has ended.")),
    Job("refresh_statistics", "competitions.stats.jobs:refresh_current_year",
        cron={"hour": 2, "minute": 30}, period=local_day, grace=timedelta(hours=20),
        description=_l("Count this year's statistics again (every night).")),
    Job("compile_previous_year", "competitions.stats.jobs:compile_previous_year",
        cron={"month": 1, "day": 1, "hour": 0, "minute": 30}, period=previous_local_year,
        grace=timedelta(days=31),
        description=_l("Compile the year that has ended for the last time (1 January).")),
    Job("certificate_batches", "competitions.certificates.jobs:make_certificate_batches",
        cron={"minute": "*"}, period=every_minutes(1), grace=timedelta(minutes=5),
        description=_l("Prepare the certificate downloads organizers asked for (zip or combined PDF).")),
    Job("sync_certificates", "competitions.certificates.jobs:sync_certificates",
        cron={"minute": "*/5"}, period=every_minutes(5), grace=timedelta(minutes=30),
        description=_l("Revoke and reissue certificates whose final results were corrected.")),
)


def job_named(name: str) -> Job:
    """The job called ``name``; raises click.ClickException for operators when there is none."""
    for job in JOBS:
        if job.name == name:
            return job
    raise click.ClickException(f"No job called {name}. Known jobs: {', '.join(j.name for j in JOBS)}.")


def find_job(name: str) -> Job | None:
    """The job called ``name``, or None."""
    return next((job for job in JOBS if job.name == name), None)


def _claim(job: Job, key: str, trigger: str, requested_by_id: int | None) -> JobRun | None:
    """Claim (job, key) in the current transaction: a new row, or a failed run's row again; None when taken."""
    existing = db.session.execute(select(JobRun.id, JobRun.status).where(
        JobRun.job == job.name, JobRun.period_key == key)).first()
    if existing is None:
        run = JobRun(job=job.name, period_key=key, started_at=utcnow(), status="running", trigger=trigger,
                     requested_by_id=requested_by_id)
        db.session.add(run)
        db.session.flush()
        return run
    if existing.status != "failed":
        return None
    # Guarded by the status it was decided on: of two schedulers retrying, only one updates the row.
    claimed = db.session.execute(
        update(JobRun).where(JobRun.id == existing.id, JobRun.status == "failed")
        .values(status="running", started_at=utcnow(), finished_at=None, error="", trigger=trigger,
                requested_by_id=requested_by_id, attempts=JobRun.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    return db.session.get(JobRun, existing.id, populate_existing=True) if claimed else None


def _record_failure(job: Job, key: str, trigger: str, requested_by_id: int | None, started: datetime,
                    error: str) -> None:
    """Record a failed run in its own transaction (the job's own changes were rolled back)."""
    with write_intent():
        try:
            run = db.session.execute(select(JobRun).where(JobRun.job == job.name, JobRun.period_key == key)
                                     ).scalar_one_or_none()
            if run is None:
                run = JobRun(job=job.name, period_key=key, attempts=1)
                db.session.add(run)
            elif run.status == "failed":
                run.attempts = (run.attempts or 0) + 1
            elif run.status != "running":  # running: this run's own claim, committed by a job that commits as it goes
                db.session.rollback()  # someone else succeeded meanwhile
                return
            run.status, run.trigger, run.requested_by_id = "failed", trigger, requested_by_id
            run.started_at, run.finished_at, run.error, run.result = started, utcnow(), error[-ERROR_LIMIT:], {}
            db.session.commit()
        except IntegrityError:
            db.session.rollback()


def run_job(job: Job, *, now: datetime | None = None, trigger: str = "schedule", period_key: str | None = None,
            requested_by_id: int | None = None) -> dict | None:
    """Run ``job`` for the period containing ``now`` in one transaction; None when that period already ran.

    A failure is recorded as a failed run (with the error) and raised again.
    """
    now = now or utcnow()
    key = period_key or job.period(now)
    started = utcnow()
    with write_intent():
        try:
            run = _claim(job, key, trigger, requested_by_id)
            if run is None:
                db.session.rollback()
                return None
            result = job.function()(now=now) or {}
            run.status, run.result, run.finished_at = "succeeded", result, utcnow()
            db.session.commit()
        except IntegrityError:
            # Another scheduler claimed this period first: change nothing.
            db.session.rollback()
            return None
        except Exception as error:
            db.session.rollback()
            _record_failure(job, key, trigger, requested_by_id, started,
                            f"{type(error).__name__}: {error}\n{traceback.format_exc()}")
            raise
    return result


def run_now(job: Job, *, requested_by_id: int | None, now: datetime | None = None) -> dict:
    """Run ``job`` at once in this process, outside its schedule (its own period, so it always runs).

    For the shell and tests; the admin's "run now" only queues (``request_run``).
    """
    now = now or utcnow()
    return run_job(job, now=now, trigger="manual", period_key=_manual_key(now), requested_by_id=requested_by_id) or {}


def _manual_key(now: datetime) -> str:
    return "manual:" + now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


# --- runs requested by an admin: queued here, run by the scheduler process --------------------------------------


def pending_run(job: Job) -> JobRun | None:
    """The job's run that is queued or running, if any."""
    return db.session.execute(select(JobRun).where(JobRun.job == job.name, JobRun.status.in_(PENDING_STATUSES))
                              .order_by(JobRun.id).limit(1)).scalar_one_or_none()


def request_run(job: Job, *, requested_by_id: int | None, now: datetime | None = None) -> tuple[JobRun, bool]:
    """Queue a run of ``job`` for the scheduler process (an admin's "run now"); flushes, the caller commits.

    Returns the run and True, or the run already queued or running and False
    (asking twice does not run a job twice). Nothing runs in this process.
    """
    pending = pending_run(job)
    if pending is not None:
        return pending, False
    now = now or utcnow()
    run = JobRun(job=job.name, period_key=_manual_key(now), started_at=now, status="queued", trigger="manual",
                 requested_by_id=requested_by_id, attempts=0, result={})
    db.session.add(run)
    db.session.flush()
    record("job_run.requested", actor_id=requested_by_id, object_type="job_run", object_id=run.id,
           new={"job": job.name})
    return run, True


def cancel_run(run_id: int, *, actor_id: int | None) -> bool:
    """Cancel a queued run (guarded: False when the scheduler took it meanwhile); flushes, the caller commits."""
    cancelled = db.session.execute(
        update(JobRun).where(JobRun.id == run_id, JobRun.status == "queued")
        .values(status="cancelled", finished_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if cancelled:
        record("job_run.cancelled", actor_id=actor_id, object_type="job_run", object_id=run_id)
    return bool(cancelled)


def fail_interrupted(now: datetime | None = None) -> int:
    """Mark runs left ``running`` by a scheduler that stopped as failed (called when the scheduler starts)."""
    with write_intent():
        count = db.session.execute(
            update(JobRun).where(JobRun.status == "running")
            .values(status="failed", finished_at=now or utcnow(), error=INTERRUPTED)
            .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
    return count


def _claim_requested() -> tuple[int, str] | None:
    """Take the oldest queued run (guarded: of two schedulers only one gets it), commit it as running: (id, job)."""
    with write_intent():
        row = db.session.execute(select(JobRun.id, JobRun.job).where(JobRun.status == "queued")
                                 .order_by(JobRun.id).limit(1)).first()
        if row is None:
            db.session.rollback()
            return None
        claimed = db.session.execute(
            update(JobRun).where(JobRun.id == row.id, JobRun.status == "queued")
            .values(status="running", started_at=utcnow(), attempts=1)
            .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
    return (row.id, row.job) if claimed else _claim_requested()


def _finish_requested(run_id: int, **values) -> None:
    db.session.execute(update(JobRun).where(JobRun.id == run_id).values(finished_at=utcnow(), **values)
                       .execution_options(synchronize_session=False))


def run_requested() -> list[tuple[str, dict | None]]:
    """Run every queued run, oldest first (the scheduler process polls this); what each returned (None: failed).

    Each run's job and its row's change to ``succeeded`` commit together; a
    failure rolls the job back and records the run as failed with its error.
    """
    done = []
    while (claimed := _claim_requested()) is not None:
        run_id, name = claimed
        job = find_job(name)
        with write_intent():
            try:
                if job is None:
                    raise LookupError(f"No job called {name}.")
                result = job.function()(now=utcnow()) or {}
                _finish_requested(run_id, status="succeeded", result=result)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - recorded as the run's failure; the next run still goes
                db.session.rollback()
                current_app.logger.exception("requested run of %s failed", name)
                _finish_requested(run_id, status="failed", result={},
                                  error=f"{type(error).__name__}: {error}\n{traceback.format_exc()}"[-ERROR_LIMIT:])
                db.session.commit()
                result = None
        done.append((name, result))
    return done


@dataclass(frozen=True)
class ScheduledJob:
    """A job as the scheduler would run it: its trigger in words and its next and latest fire times."""

    job: Job
    trigger: str
    next_run: datetime | None
    last_due: datetime | None


def last_fire_time(job: Job, zone, now: datetime) -> datetime | None:
    """The latest time at or before ``now`` (within the job's grace) its trigger fired; None if none."""
    trigger = job.trigger(zone)
    fire = trigger.get_next_fire_time(None, now - job.grace)
    latest = None
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest


def scheduled_jobs(now: datetime | None = None) -> list[ScheduledJob]:
    """Every job with its trigger and next run, computed from the triggers alone (no scheduler is started)."""
    from competitions.timezone import local_zone

    now = now or utcnow()
    zone = local_zone()
    listed = []
    for job in JOBS:
        trigger = job.trigger(zone)
        listed.append(ScheduledJob(job, str(trigger), trigger.get_next_fire_time(None, now),
                                   last_fire_time(job, zone, now)))
    return listed


def missed_runs(now: datetime | None = None) -> list[tuple[Job, datetime]]:
    """Jobs whose latest due period (within grace) has no successful run: what a starting scheduler catches up."""
    now = now or utcnow()
    missed = []
    for item in scheduled_jobs(now):
        if item.last_due is None:
            continue
        key = item.job.period(item.last_due)
        done = db.session.execute(select(JobRun.id).where(
            JobRun.job == item.job.name, JobRun.period_key == key, JobRun.status == "succeeded")).first()
        if done is None:
            missed.append((item.job, item.last_due.astimezone(UTC)))
    db.session.rollback()
    return missed


def catch_up(now: datetime | None = None) -> list[tuple[str, dict | None]]:
    """Run every missed period once (as of the time it was due); what each returned (None: ran elsewhere)."""
    done = []
    for job, due in missed_runs(now):
        try:
            done.append((job.name, run_job(job, now=due, trigger="catch_up")))
        except Exception as error:  # noqa: BLE001 - recorded as a failed run; the others still catch up
            current_app.logger.exception("catch-up of %s failed: %s", job.name, error)
            done.append((job.name, {"error": str(error)}))
    return done


def recent_runs(limit: int = 100) -> list[JobRun]:
    """The latest job runs, newest first."""
    return list(db.session.execute(select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc())
                                   .limit(limit)).scalars())


jobs_cli = AppGroup("jobs", help="Scheduled jobs (run by one dedicated process).")


@jobs_cli.command("list")
def list_jobs_command():
    """List the scheduled jobs, their triggers and next runs (starts nothing)."""
    for item in scheduled_jobs():
        next_run = item.next_run.isoformat() if item.next_run else "-"
        click.echo(f"{item.job.name}\t{item.trigger}\tnext {next_run}\t{item.job.target}")


@jobs_cli.command("runs")
@click.option("--limit", type=int, default=20)
def list_runs_command(limit):
    """Show the latest job runs: start, end, status and error."""
    for run in recent_runs(limit):
        finished = run.finished_at.isoformat(timespec="seconds") if run.finished_at else "-"
        error = run.error.splitlines()[0] if run.error else ""
        click.echo(f"{run.started_at.isoformat(timespec='seconds')}\t{finished}\t{run.job}\t{run.period_key}\t"
                   f"{run.status}\t{run.trigger}\t{error or run.result}")


@jobs_cli.command("run-once")
@click.argument("name")
@click.option("--now", "now_text", default=None, help="Pretend it is this UTC time (ISO 8601).")
def run_once_command(name, now_text):
    """Run one job now (for operators and tests); skipped when its period already ran."""
    job = job_named(name)
    now = datetime.fromisoformat(now_text) if now_text else utcnow()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    try:
        result = run_job(job, now=now, trigger="command")
    except Exception as error:
        raise click.ClickException(f"{name} failed: {error}") from error
    if result is None:
        click.echo(f"{name}: period {job.period(now)} already ran; nothing done.")
    else:
        click.echo(f"{name}: {result}")


@jobs_cli.command("request")
@click.argument("name")
def request_command(name):
    """Queue one job for the scheduler process (what an admin's "run now" does)."""
    with write_intent():
        run, queued = request_run(job_named(name), requested_by_id=None)
        db.session.commit()
    if queued:
        click.echo(f"{name}: queued as run {run.id}; the scheduler process runs it within {REQUEST_POLL_SECONDS} s.")
    else:
        click.echo(f"{name}: run {run.id} is already {run.status}; nothing queued.")


@jobs_cli.command("cancel")
@click.argument("run_id", type=int)
def cancel_command(run_id):
    """Cancel a queued run (one the scheduler has not started)."""
    with write_intent():
        cancelled = cancel_run(run_id, actor_id=None)
        db.session.commit()
    if not cancelled:
        raise click.ClickException(f"Run {run_id} is not queued (it has started, finished or does not exist).")
    click.echo(f"Run {run_id} cancelled.")


@jobs_cli.command("run")
def run_command():
    """Run the scheduler in this process until stopped (start exactly one of these)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from competitions.timezone import local_zone

    app = current_app._get_current_object()
    zone = local_zone()
    scheduler = BlockingScheduler(timezone=zone)

    def runner(job: Job):
        def run():
            with app.app_context():
                try:
                    result = run_job(job)
                except Exception as error:  # recorded as a failed run; the next period tries again
                    app.logger.exception("job %s failed: %s", job.name, error)
                    return
                app.logger.info("job %s: %s", job.name, "skipped" if result is None else result)
        return run

    def requested():
        with app.app_context():
            for name, result in run_requested():
                app.logger.info("requested run of %s: %s", name, "failed" if result is None else result)

    def catch_up_missed():
        with app.app_context():
            for name, result in catch_up():
                app.logger.info("caught up %s: %s", name, result)

    interrupted = fail_interrupted()
    if interrupted:
        click.echo(f"marked {interrupted} interrupted run(s) as failed")
    # Missed periods are caught up at once, in the scheduler's own threads, so a run an admin asks for meanwhile
    # does not wait for them.
    scheduler.add_job(catch_up_missed, "date", run_date=datetime.now(zone), id="catch_up")
    for job in JOBS:
        scheduler.add_job(runner(job), job.trigger(zone), id=job.name, max_instances=1, coalesce=True,
                          misfire_grace_time=int(job.grace.total_seconds()))
    # Runs an admin asked for ("run now"): looked for every few seconds, one at a time.
    scheduler.add_job(requested, "interval", seconds=REQUEST_POLL_SECONDS, id="requested_runs", max_instances=1,
                      coalesce=True, next_run_time=datetime.now(zone))
    click.echo(f"Scheduler running {len(JOBS)} job(s) and requested runs; stop with Ctrl+C.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


def init_app(app: Flask) -> None:
    """Add the ``jobs`` command group."""
    app.cli.add_command(jobs_cli)
