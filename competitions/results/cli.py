"""Operator commands for results: ``flask --app wsgi results ...`` (same services as the pages)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from competitions.cli import operation
from competitions.db import utcnow
from competitions.extensions import db
from competitions.timezone import local_zone

results_cli = AppGroup("results", help="Compute, publish and finalize competition results.")


def _competition(competition_id: int):
    from competitions.organize.models import Competition

    competition = db.session.get(Competition, competition_id)
    if competition is None:
        raise click.ClickException(f"No competition {competition_id}.")
    return competition


def _event_and_registration(event_id: int, code: str):
    """The event and the registration with anonymous code ``code`` in it (the code a results page shows)."""
    from sqlalchemy import func, select

    from competitions.organize.models import Event
    from competitions.registration.models import Registration

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"No event {event_id}.")
    registration_id = db.session.execute(select(Registration.id).where(
        Registration.event_id == event.id, func.upper(Registration.anonymous_code) == code.strip().upper())
    ).scalar_one_or_none()
    if registration_id is None:
        raise click.ClickException(f"No competitor {code} in event {event_id}.")
    return event, registration_id


@results_cli.command("part-absent")
@click.argument("event_id", type=int)
@click.argument("code")
@click.argument("part")
@click.option("--reason", required=True, help="Why the competitor missed the part (kept in the audit trail).")
@click.option("--undo", is_flag=True, help="Withdraw a recorded absence instead (recorded in error).")
def part_absent_command(event_id, code, part, reason, undo):
    """Record that competitor CODE of EVENT_ID was absent (缺考) from PART (its code): the part scores 0."""
    from competitions.results.services import record_part_absence, undo_part_absence

    with operation():
        event, registration_id = _event_and_registration(event_id, code)
        (undo_part_absence if undo else record_part_absence)(event, registration_id, part, reason, actor_id=None)
    click.echo(f"{code} is {'no longer' if undo else 'now'} recorded as absent from {part}.")


@results_cli.command("compute")
@click.argument("competition_id", type=int)
def compute_command(competition_id):
    """Compute the provisional results of COMPETITION_ID (every event must be signed off)."""
    from competitions.results.services import compute_provisional_results

    with operation():
        snapshot = compute_provisional_results(_competition(competition_id), actor_id=None)
        version = snapshot.version
    click.echo(f"Provisional results version {version} computed.")


@results_cli.command("publish")
@click.argument("competition_id", type=int)
@click.option("--notice-days", type=int, default=5, show_default=True,
              help="Chinese working days of notice (statutory holidays and make-up working days counted).")
def publish_command(competition_id, notice_days):
    """Publish the provisional results of COMPETITION_ID for the public notice period."""
    from competitions.results.services import publish_results

    with operation():
        snapshot = publish_results(_competition(competition_id), actor_id=None, now=utcnow(), zone=local_zone(),
                                   notice_days=notice_days)
        ends = snapshot.notice_ends_at.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M %Z")
    click.echo(f"Published; the notice period ends {ends} (local time).")


@results_cli.command("finalize-due")
def finalize_due_command():
    """Make final every result whose notice period is over (what the scheduled job does)."""
    from competitions.results.jobs import finalize_due_results

    with operation():
        summary = finalize_due_results(now=utcnow())
    click.echo(f"{len(summary['finalized_competitions'])} result(s) made final;"
               f" {len(summary['held_competitions'])} held back by appeals.")


@results_cli.command("calendar-set")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("kind", type=click.Choice(["holiday", "workday"]))
@click.option("--name", default="", help="What the day is, e.g. 国庆节 or 国庆节调休上班.")
def calendar_set_command(day, kind, name):
    """Enter DAY (YYYY-MM-DD) as an extra holiday or make-up working day (for years the library lacks)."""
    from competitions.results.calendar import set_calendar_day

    with operation():
        set_calendar_day(day.date(), kind, name, actor_id=None)
    click.echo(f"{day.date().isoformat()} is now a {'day off' if kind == 'holiday' else 'make-up working day'}.")


@results_cli.command("calendar-remove")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
def calendar_remove_command(day):
    """Remove DAY (YYYY-MM-DD) from the administrator's calendar table."""
    from competitions.results.calendar import remove_calendar_day

    with operation():
        removed = remove_calendar_day(day.date(), actor_id=None)
    if not removed:
        raise click.ClickException(f"{day.date().isoformat()} is not in the calendar table.")
    click.echo(f"{day.date().isoformat()} removed.")


@results_cli.command("calendar-list")
@click.argument("year", type=int)
def calendar_list_command(year):
    """List YEAR's days off and make-up working days (library and table) and whether the year is known."""
    from competitions.results.calendar import calendar_lines, work_calendar

    for line in calendar_lines(year):
        click.echo(f"{line.day.isoformat()}  {line.kind:8}  {line.source:8}  {line.name}")
    if year not in work_calendar([year]).known_years:
        click.echo(f"The schedule of {year} is not known: enter it with calendar-set.")


def init_app(app: Flask) -> None:
    """Register the ``results`` command group."""
    app.cli.add_command(results_cli)
