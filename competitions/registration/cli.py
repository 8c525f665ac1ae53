"""Operator commands of the registration stage: ``flask --app wsgi registration ...``.

Each command calls the same service as the page, in one transaction
(``competitions.cli.operation``). This module also adds the ``jobs`` group of
``competitions/scheduler.py`` (``jobs run``, ``jobs run-once NAME``, ``jobs list``).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from competitions.cli import operation, user_named
from competitions.db import utcnow
from competitions.extensions import db
from competitions.organize.models import Competition, Event

registration_cli = AppGroup("registration", help="Registration: rosters, closing, station draws.")


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"No event {event_id}.")
    return event


@registration_cli.command("import")
@click.argument("event_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", required=True, help="The organizer submitting the roster.")
def import_command(event_id, path, username):
    """Import a roster (.xlsx or .csv) for EVENT_ID; nothing is saved unless every row is valid."""
    from competitions.domain.errors import ValidationErrors
    from competitions.registration.importer import import_roster
    from competitions.registration.permissions import can_submit_roster, roster_employers

    try:
        with operation():
            event, user = _event(event_id), user_named(username)
            if not can_submit_roster(user, event.competition):
                raise click.ClickException(f"{username} may not submit rosters to this competition.")
            summary = import_roster(event, path.read_bytes(), path.name, user,
                                    allowed_employers=roster_employers(user, event.competition), now=utcnow())
    except click.ClickException as error:
        cause = error.__cause__
        if isinstance(cause, ValidationErrors):
            for p in cause.problems:
                message = p["message"] % p["params"] if p.get("params") else p["message"]
                click.echo(f"row {p.get('row') or '-'}\t{p.get('column', '')}\t{p.get('value', '')}\t{message}",
                           err=True)
        raise
    click.echo(f"Imported {summary.total} row(s): {summary.created} new, {summary.updated} updated, "
               f"{summary.waitlisted} waitlisted.")
    for row, old, new in summary.renamed:
        click.echo(f"Row {row}: name changed from {old} to {new}.")


@registration_cli.command("close")
@click.argument("competition_id", type=int)
def close_command(competition_id):
    """Close registration of COMPETITION_ID now."""
    from competitions.registration.services import close_registration

    with operation():
        competition = db.session.get(Competition, competition_id)
        if competition is None:
            raise click.ClickException(f"No competition {competition_id}.")
        close_registration(competition, actor_id=None, now=utcnow(), reason="command line")
    click.echo(f"Registration of competition {competition_id} is closed.")


@registration_cli.command("draw")
@click.argument("event_id", type=int)
@click.option("--as", "username", required=True, help="The organizer (an administrator to draw again).")
@click.option("--reason", default="", help="Why the stations are drawn again.")
def draw_command(event_id, username, reason):
    """Draw stations and anonymous codes for EVENT_ID."""
    from competitions.registration.services import draw_event

    with operation():
        draw = draw_event(_event(event_id), user_named(username), reason=reason)
    click.echo(f"Drew {draw.competitor_count} station(s) for event {event_id}; seed {draw.seed}.")


def init_app(app: Flask) -> None:
    """Add the ``registration`` and ``jobs`` command groups."""
    from competitions import scheduler

    app.cli.add_command(registration_cli)
    scheduler.init_app(app)
