"""Scheduled jobs: one list, one dedicated process, each job once per period.

Jobs are plain functions ``job(*, now)`` living next to their feature (e.g.
``competitions/registration/jobs.py``) and listed in ``JOBS`` below. They run
in one dedicated process, ``flask --app wsgi jobs run`` (an APScheduler 3.x
``BlockingScheduler``), never inside web workers and never at import: an
APScheduler started in every gunicorn worker runs every job once per worker,
and APScheduler's job stores cannot be shared across processes. Operators and
tests run one job by hand with ``flask --app wsgi jobs run-once NAME``.

Every run first inserts a ``JobRun`` row with a unique (job, period_key) in the
same transaction as the job's changes. If a second scheduler was started by
accident, its insert for the same period fails on the unique constraint and its
whole transaction rolls back, so it changes nothing.

Adding a job (e.g. the results stage publishing results when the public notice
period ends) is one entry in ``JOBS``::

    Job("finish_notice_periods", "competitions.results.jobs:finish_notice_periods",
        cron={"minute": "*/5"}, period=every_minutes(5)),

with ``def finish_notice_periods(*, now) -> dict`` in ``competitions/results/jobs.py``,
idempotent on its own too, returning a small JSON-able summary.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import JSON, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from competitions.db import UTCDateTime, utcnow, write_intent
from competitions.extensions import db


class JobRun(db.Model):
    """One run of one job for one period; the unique key makes a period run at most once."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(100))
    period_key: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    result: Mapped[dict] = mapped_column(JSON, default=dict)


def every_minutes(minutes: int) -> Callable[[datetime], str]:
    """The period key of a job that runs every ``minutes`` minutes: the start of its slot, in UTC."""

    def key(now: datetime) -> str:
        now = now.astimezone(UTC)
        return now.replace(minute=now.minute - now.minute % minutes, second=0, microsecond=0).strftime(
            "%Y-%m-%dT%H:%M")

    return key


@dataclass(frozen=True)
class Job:
    """A scheduled job: its name, the function (``module:function``), its cron trigger and its period key."""

    name: str
    target: str
    cron: dict = field(default_factory=dict)
    period: Callable[[datetime], str] = every_minutes(1)

    def function(self) -> Callable:
        """The job function, imported only when it runs."""
        module, _sep, attr = self.target.partition(":")
        return getattr(importlib.import_module(module), attr)


JOBS: tuple[Job, ...] = (
    Job("close_due_registrations", "competitions.registration.jobs:close_due_registrations",
        cron={"minute": "*"}, period=every_minutes(1)),
    Job("finalize_due_results", "competitions.results.jobs:finalize_due_results",
        cron={"minute": "*/5"}, period=every_minutes(5)),
)


def job_named(name: str) -> Job:
    """The job called ``name``; KeyError-free: raises click.ClickException for operators."""
    for job in JOBS:
        if job.name == name:
            return job
    raise click.ClickException(f"No job called {name}. Known jobs: {', '.join(j.name for j in JOBS)}.")


def run_job(job: Job, *, now: datetime | None = None) -> dict | None:
    """Run ``job`` for the period containing ``now`` in one transaction; None when that period already ran."""
    now = now or utcnow()
    key = job.period(now)
    with write_intent():
        try:
            if db.session.execute(select(JobRun.id).where(JobRun.job == job.name,
                                                          JobRun.period_key == key)).first():
                db.session.rollback()
                return None
            run = JobRun(job=job.name, period_key=key, started_at=utcnow())
            db.session.add(run)
            db.session.flush()
            result = job.function()(now=now) or {}
            run.result = result
            db.session.commit()
        except IntegrityError:
            # Another scheduler claimed this period first: change nothing.
            db.session.rollback()
            return None
        except Exception:
            db.session.rollback()
            raise
    return result


jobs_cli = AppGroup("jobs", help="Scheduled jobs (run by one dedicated process).")


@jobs_cli.command("list")
def list_jobs_command():
    """List the scheduled jobs and their triggers."""
    for job in JOBS:
        click.echo(f"{job.name}\t{job.cron}\t{job.target}")


@jobs_cli.command("run-once")
@click.argument("name")
@click.option("--now", "now_text", default=None, help="Pretend it is this UTC time (ISO 8601).")
def run_once_command(name, now_text):
    """Run one job now (for operators and tests); skipped when its period already ran."""
    job = job_named(name)
    now = datetime.fromisoformat(now_text) if now_text else utcnow()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    result = run_job(job, now=now)
    if result is None:
        click.echo(f"{name}: period {job.period(now)} already ran; nothing done.")
    else:
        click.echo(f"{name}: {result}")


@jobs_cli.command("run")
def run_command():
    """Run the scheduler in this process until stopped (start exactly one of these)."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from flask import current_app

    app = current_app._get_current_object()
    scheduler = BlockingScheduler(timezone=UTC)

    def runner(job: Job):
        def run():
            with app.app_context():
                try:
                    result = run_job(job)
                except Exception as error:  # keep the scheduler alive; the next period tries again
                    app.logger.exception("job %s failed: %s", job.name, error)
                    return
                app.logger.info("job %s: %s", job.name, "skipped" if result is None else result)
        return run

    for job in JOBS:
        scheduler.add_job(runner(job), CronTrigger(timezone=UTC, **job.cron), id=job.name, max_instances=1,
                          coalesce=True, misfire_grace_time=300)
    click.echo(f"Scheduler running {len(JOBS)} job(s); stop with Ctrl+C.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


def init_app(app: Flask) -> None:
    """Add the ``jobs`` command group."""
    app.cli.add_command(jobs_cli)
