"""Operator commands: ``flask --app wsgi labour-results ...`` (the same services as the pages and the API)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from competitions.cli import operation, user_named, write_output
from competitions.db import utcnow
from competitions.extensions import db

labour_results_cli = AppGroup("labour-results", help="Publish labour competition periods; standings, money, honours.")


def _competition(competition_id: int):
    from competitions.organize.models import Competition

    competition = db.session.get(Competition, competition_id)
    if competition is None or competition.kind != "labor":
        raise click.ClickException(f"No labour competition {competition_id}.")
    return competition


def _period(competition_id: int, number: int):
    from sqlalchemy import select

    from competitions.labour.models import LabourPeriod

    period = db.session.execute(select(LabourPeriod).where(LabourPeriod.competition_id == competition_id,
                                                          LabourPeriod.number == number)).scalar_one_or_none()
    if period is None:
        raise click.ClickException(f"Competition {competition_id} has no period {number}.")
    return period


def _actor(username: str | None) -> int | None:
    return user_named(username).id if username else None


@labour_results_cli.command("publish")
@click.argument("competition_id", type=int)
@click.argument("period_number", type=int)
@click.option("--as", "username", default=None, help="The organizer publishing (recorded in the audit trail).")
def publish_command(competition_id, period_number, username):
    """Publish period PERIOD_NUMBER of COMPETITION_ID (it must be signed off)."""
    from competitions.labour_results.publication import publish_period

    with operation():
        item = publish_period(_period(competition_id, period_number), actor_id=_actor(username), now=utcnow())
        holders, version = item.snapshot["flag"]["holders"], item.version
    click.echo(f"Period {period_number} published (version {version}); red flag: {holders or 'nobody'}.")


@labour_results_cli.command("unpublish")
@click.argument("competition_id", type=int)
@click.argument("period_number", type=int)
@click.option("--reason", required=True)
@click.option("--as", "username", default=None)
def unpublish_command(competition_id, period_number, reason, username):
    """Take period PERIOD_NUMBER of COMPETITION_ID off the public pages, with a reason."""
    from competitions.labour_results.publication import active_publication, withdraw_publication

    with operation():
        item = active_publication(_period(competition_id, period_number).id)
        if item is None:
            raise click.ClickException("That period is not published.")
        withdraw_publication(item, reason, actor_id=_actor(username), now=utcnow())
    click.echo(f"Period {period_number} unpublished.")


@labour_results_cli.command("correct")
@click.argument("competition_id", type=int)
@click.argument("period_number", type=int)
@click.option("--reason", required=True)
@click.option("--as", "username", default=None)
def correct_command(competition_id, period_number, reason, username):
    """Publish a corrected version of period PERIOD_NUMBER from its current signed-off scores."""
    from competitions.labour_results.publication import active_publication, correct_publication

    with operation():
        item = active_publication(_period(competition_id, period_number).id)
        if item is None:
            raise click.ClickException("That period is not published.")
        new = correct_publication(item, reason, actor_id=_actor(username), now=utcnow())
        version = new.version
    click.echo(f"Period {period_number} corrected: version {version} published.")


@labour_results_cli.command("standings")
@click.argument("competition_id", type=int)
def standings_command(competition_id):
    """Print the red flag's history and the cumulative standing over the published periods."""
    from competitions.labour_results.publication import flag_history
    from competitions.labour_results.standings import cumulative_view

    view = cumulative_view(_competition(competition_id).id)
    for term in flag_history(list(view.publications)):
        names = ", ".join(view.units[u].name if u in view.units else str(u) for u in term.holders)
        click.echo(f"period {term.period_key}: red flag {names or '-'}")
    for place in view.standing.places:
        row = place.row
        unit = view.units.get(row.unit_id)
        if place.withdrawn:
            bars = f" (withdrew {view.withdrawn_on[row.unit_id].isoformat()}: listed apart, no place)"
        else:
            bars = " (no honours: vetoed)" if row.bars else ""
        click.echo(f"{place.rank or '-':>4}{'=' if place.tied else ' '} {unit.name if unit else row.unit_id}"
                   f"  {row.total if row.total is not None else '-'}  periods {row.periods}  flags {row.flags}"
                   f"  vetoes {row.vetoes}{bars}")


@labour_results_cli.command("money")
@click.argument("competition_id", type=int)
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
def money_command(competition_id, xlsx_path):
    """Print each unit's net money (yuan) over the published periods; --xlsx writes the table."""
    from competitions.labour_results.exports import money_xlsx
    from competitions.labour_results.standings import money_table

    competition = _competition(competition_id)
    table = money_table(competition.id)
    for unit_id, code, name in table.units:
        click.echo(f"{code:8} {name}  {table.totals.get(unit_id, 0):,.2f}")
    if xlsx_path:
        write_output(xlsx_path, money_xlsx(competition, table))
        click.echo(f"Wrote {xlsx_path}.")


@labour_results_cli.command("rules")
@click.argument("competition_id", type=int)
@click.option("--set", "settings", default=None, help='JSON object of the settings to change.')
@click.option("--as", "username", default=None)
def rules_command(competition_id, settings, username):
    """Show the publication rules of COMPETITION_ID, or change them with --set (all or nothing)."""
    from competitions.labour_results.rules import rules_json, rules_of, save_rules

    competition = _competition(competition_id)
    if settings:
        try:
            data = json.loads(settings)
        except ValueError as error:
            raise click.ClickException(f"--set is not JSON: {error}") from error
        if not isinstance(data, dict):
            raise click.ClickException("--set must be a JSON object.")
        with operation():
            save_rules(competition, data, actor_id=_actor(username))
    click.echo(json.dumps(rules_json(rules_of(competition.id)), ensure_ascii=False, indent=2))


@labour_results_cli.command("honours")
@click.argument("competition_id", type=int)
@click.option("--decide", is_flag=True, help="Decide the collective honours from the cumulative standing.")
@click.option("--certificates", is_flag=True, help="Issue (reconcile) the honour certificates.")
@click.option("--reason", default="", help="Needed when deciding again changes the honours.")
@click.option("--as", "username", default=None)
def honours_command(competition_id, decide, certificates, reason, username):
    """List the honours of COMPETITION_ID; --decide and --certificates act first."""
    from competitions.labour_results.honours import decide_honours, honours_of, issue_honour_certificates

    competition = _competition(competition_id)
    if decide:
        with operation():
            summary = decide_honours(competition, actor_id=_actor(username), now=utcnow(), reason=reason)
        click.echo(f"{summary.awarded} awarded, {summary.withdrawn} withdrawn, {summary.unchanged} unchanged.")
        for kind, unit in summary.barred:
            click.echo(f"Passed over ({kind} withdrawn for cause): {unit}")
    if certificates:
        with operation():
            made = issue_honour_certificates(competition, actor_id=_actor(username), now=utcnow())
        click.echo(f"Certificates: {made.issued} issued, {made.reissued} reissued, {made.revoked} revoked.")
    for honour in honours_of(competition.id):
        click.echo(f"{honour.id:>5} {honour.kind:20} unit {honour.unit_id:<6} worker {honour.worker_id or '-':<6}"
                   f" {honour.status:10} place {honour.rank or '-'}")


@labour_results_cli.command("withdraw-honour")
@click.argument("competition_id", type=int)
@click.argument("honour_id", type=int)
@click.option("--reason", required=True, help="Why the honour is withdrawn (a safety accident found later, ...).")
@click.option("--as", "username", default=None, help="The organizer withdrawing it (recorded in the audit trail).")
def withdraw_honour_command(competition_id, honour_id, reason, username):
    """Withdraw honour HONOUR_ID of COMPETITION_ID for cause: its certificate is revoked at once and the unit is
    passed over for that honour when the honours are decided again (ids from ``honours COMPETITION_ID``)."""
    from competitions.domain.certificate_numbers import CertificateNumber
    from competitions.labour_results.honours import withdraw_honour

    with operation():
        certificate = withdraw_honour(_honour(competition_id, honour_id), reason, actor_id=_actor(username),
                                      now=utcnow())
        number = CertificateNumber(certificate.number).display if certificate is not None else None
    click.echo(f"Honour {honour_id} is withdrawn for cause; the unit is passed over for it when the honours are "
               "decided again.")
    if number:
        click.echo(f"Its certificate {number} is revoked.")


def _honour(competition_id: int, honour_id: int):
    from competitions.labour_results.models import LabourHonour

    honour = db.session.get(LabourHonour, honour_id)
    if honour is None or honour.competition_id != _competition(competition_id).id:
        raise click.ClickException(f"Competition {competition_id} has no honour {honour_id}.")
    return honour


@labour_results_cli.command("nominate")
@click.argument("competition_id", type=int)
@click.argument("unit_code")
@click.option("--worker", "worker_ids", type=int, multiple=True, required=True,
              help="A member's worker id (repeat for each person named).")
@click.option("--as", "username", default=None)
def nominate_command(competition_id, unit_code, worker_ids, username):
    """Unit UNIT_CODE of COMPETITION_ID names advanced individuals from its members, within its quota."""
    from competitions.labour.cli import _unit
    from competitions.labour_results.honours import nominate

    with operation():
        rows = nominate(_unit(_competition(competition_id).id, unit_code), list(worker_ids),
                        actor_id=_actor(username), now=utcnow())
        made = [(h.id, h.worker_id) for h in rows]
    for honour_id, worker_id in made:
        click.echo(f"Nominated worker {worker_id} (honour {honour_id}).")


@labour_results_cli.command("nomination")
@click.argument("competition_id", type=int)
@click.argument("honour_id", type=int)
@click.argument("action", type=click.Choice(["confirm", "reject", "reopen", "withdraw"]))
@click.option("--reason", default="", help="Needed to reject or reopen.")
@click.option("--as", "username", default=None)
def nomination_command(competition_id, honour_id, action, reason, username):
    """Confirm, reject, reopen or withdraw nomination HONOUR_ID of COMPETITION_ID (ids from ``honours``)."""
    from competitions.labour_results.honours import decide_nomination

    with operation():
        honour = _honour(competition_id, honour_id)
        decide_nomination(honour, action, reason, actor_id=_actor(username), now=utcnow())
        status = honour.status
    click.echo(f"Nomination {honour_id} is now {status}.")


def init_app(app: Flask) -> None:
    """Register the ``labour-results`` command group."""
    app.cli.add_command(labour_results_cli)
