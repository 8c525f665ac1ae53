"""Operator commands for people: ``flask --app wsgi people ...`` (the same services as the pages)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from competitions.auth.models import User
from competitions.cli import operation, user_named
from competitions.db import utcnow
from competitions.domain.identity import normalize_national_id
from competitions.extensions import db
from competitions.orgs.models import Organization, PersonClaim, Worker
from competitions.people import services

people_cli = AppGroup("people", help="People: claim codes, claim requests, audited changes of name/employer/ID.")


def _person(national_id: str) -> Worker:
    worker = db.session.execute(select(Worker).where(Worker.national_id == normalize_national_id(national_id))
                                ).scalar_one_or_none()
    if worker is None:
        raise click.ClickException("No person with this identity number.")
    return worker


@people_cli.command("change")
@click.argument("national_id")
@click.option("--as", "username", required=True, help="The organizer making the change.")
@click.option("--reason", required=True, help="Why (kept in the person's history).")
@click.option("--name", default=None, help="The corrected full name.")
@click.option("--employer", "employer_name", default=None, help="The new employer (organization name).")
@click.option("--new-id", "new_id", default=None, help="The corrected identity number.")
def change_command(national_id, username, reason, name, employer_name, new_id):
    """Change a person's name, employer or ID number; an employer change re-runs recusal and tells chief judges."""
    with operation():
        employer_id = None
        if employer_name:
            employer_id = db.session.execute(select(Organization.id).where(Organization.name == employer_name)
                                             ).scalar_one_or_none()
            if employer_id is None:
                raise click.ClickException(f"No organization called {employer_name}.")
        summary = services.change_person(_person(national_id), user_named(username), reason=reason, name=name,
                                         employer_id=employer_id, national_id=new_id, now=utcnow())
    click.echo(f"Changed {', '.join(summary.changed)}; {summary.registrations} registration(s) updated; "
               f"recusal checked again in {len(set(summary.events))} event(s).")


@people_cli.command("claim-code")
@click.argument("national_id")
@click.option("--as", "username", required=True, help="The organizer issuing the code.")
def claim_code_command(national_id, username):
    """Issue a one-time claim code for an unclaimed record (printed once)."""
    with operation():
        code = services.issue_claim_code(_person(national_id), user_named(username), utcnow())
    click.echo(code)


@people_cli.command("claims")
@click.option("--as", "username", required=True, help="The organizer whose queue to list.")
def claims_command(username):
    """List the claim requests waiting for this organizer."""
    for claim in services.claims_for(user_named(username)):
        claimant = db.session.get(User, claim.user_id)
        click.echo(f"{claim.id}\t{claim.worker.name}\t{claim.worker.employer.name}\t{claimant.username}\t"
                   f"{claim.created_at:%Y-%m-%d %H:%M}")


@people_cli.command("decide-claim")
@click.argument("claim_id", type=int)
@click.argument("decision", type=click.Choice(["approve", "reject"]))
@click.option("--as", "username", required=True, help="The organizer deciding.")
@click.option("--reason", default="", help="Required to reject; the worker sees it.")
def decide_claim_command(claim_id, decision, username, reason):
    """Confirm or reject a claim request."""
    with operation():
        claim = db.session.get(PersonClaim, claim_id)
        if claim is None:
            raise click.ClickException(f"No claim request {claim_id}.")
        services.decide_claim(claim, user_named(username), decision, reason, utcnow())
    click.echo(f"Claim request {claim_id}: {decision}d.")


@people_cli.command("unlink")
@click.argument("national_id")
@click.option("--as", "username", required=True, help="The organizer undoing the claim.")
@click.option("--reason", required=True, help="Why (kept in the person's history).")
def unlink_command(national_id, username, reason):
    """Unlink a wrongly claimed record from its account."""
    with operation():
        services.unlink_account(_person(national_id), user_named(username), reason)
    click.echo("Unlinked.")


def init_app(app: Flask) -> None:
    """Add the ``people`` command group."""
    app.cli.add_command(people_cli)
