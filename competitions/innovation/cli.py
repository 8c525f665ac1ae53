"""Operator commands: ``flask --app wsgi innovation ...`` (the same services as the pages and the API)."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from competitions.cli import operation
from competitions.extensions import db

innovation_cli = AppGroup("innovation", help="Innovation contests: entries, unit review, adoption, implementation.")


@innovation_cli.command("list")
@click.argument("competition_id", type=int)
@click.option("--all", "include_drafts", is_flag=True, help="Also drafts and withdrawn entries.")
def list_command(competition_id, include_drafts):
    """List a contest's entries: number, status, category, claimed and realized benefit, title."""
    from competitions.innovation import services

    try:
        services.innovation_competition(competition_id)
    except Exception as error:
        raise click.ClickException(str(error)) from error
    for e in services.entries_of_competition(competition_id, include_drafts=include_drafts):
        click.echo(f"{e.id}\t{e.number}\t{e.status}\t{e.category}\t{e.claimed_benefit_yuan or ''}\t"
                   f"{e.realized_benefit_yuan or ''}\t{e.title}")
    totals = services.totals(competition_id)
    click.echo(f"submitted {totals.submitted}, adopted {totals.adopted}, implemented {totals.implemented}, "
               f"claimed {totals.claimed_yuan} yuan, realized {totals.realized_yuan} yuan")


@innovation_cli.command("act")
@click.argument("entry_id", type=int)
@click.argument("action")
@click.option("--by", "username", required=True, help="The account acting (its rights are checked).")
@click.option("--reason", default="", help="Reason (return, unpass, decline, revert, unrecommend).")
@click.option("--note", default="")
@click.option("--implemented-on", default=None, help="YYYY-MM-DD (implement).")
@click.option("--yuan", default=None, help="Realized benefit in yuan (implement).")
@click.option("--to-org", type=int, default=None, help="Organization id to recommend to (recommend).")
def act_command(entry_id, action, username, reason, note, implemented_on, yuan, to_org):
    """Move an entry on: submit, withdraw, reopen, pass, return, unpass, adopt, decline, revert, implement,
    recommend, unrecommend."""
    from competitions.auth.models import User
    from competitions.innovation.api import perform
    from competitions.innovation.models import InnovationEntry
    from competitions.innovation.permissions import access

    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    entry = db.session.get(InnovationEntry, entry_id)
    if user is None or entry is None:
        raise click.ClickException("No such user or entry.")
    body = {"action": action, "reason": reason, "note": note, "realized_benefit_note": note,
            "implemented_on": implemented_on, "realized_benefit_yuan": yuan, "to_organization_id": to_org}
    with operation():
        perform(entry, access(user, entry), user, body)
    click.echo(json.dumps({"entry": entry.number, "status": entry.status, "recommended": entry.recommended},
                          ensure_ascii=False))


def init_app(app) -> None:
    """Add the ``innovation`` command group (called by ``competitions.cli.init_app``)."""
    app.cli.add_command(innovation_cli)
