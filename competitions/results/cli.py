"""Operator commands for results: ``flask --app wsgi results ...`` (same services as the pages)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from competitions.cli import operation
from competitions.db import utcnow
from competitions.extensions import db

results_cli = AppGroup("results", help="Compute, publish and finalize competition results.")


def _competition(competition_id: int):
    from competitions.organize.models import Competition

    competition = db.session.get(Competition, competition_id)
    if competition is None:
        raise click.ClickException(f"No competition {competition_id}.")
    return competition


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
@click.option("--notice-days", type=int, default=5, show_default=True, help="Working days (Mon-Fri) of notice.")
def publish_command(competition_id, notice_days):
    """Publish the provisional results of COMPETITION_ID for the public notice period."""
    from competitions.results.services import publish_results
    from competitions.timezone import local_zone

    with operation():
        snapshot = publish_results(_competition(competition_id), actor_id=None, now=utcnow(), zone=local_zone(),
                                   notice_days=notice_days)
        ends = snapshot.notice_ends_at.isoformat()
    click.echo(f"Published; the notice period ends {ends} (UTC).")


@results_cli.command("finalize-due")
def finalize_due_command():
    """Make final every result whose notice period is over (what the scheduled job does)."""
    from competitions.results.jobs import finalize_due_results

    with operation():
        summary = finalize_due_results(now=utcnow())
    click.echo(f"{len(summary['finalized_competitions'])} result(s) made final;"
               f" {len(summary['held_competitions'])} held back by appeals.")


def init_app(app: Flask) -> None:
    """Register the ``results`` command group."""
    app.cli.add_command(results_cli)
