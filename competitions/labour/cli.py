"""Labour competition commands: ``flask --app wsgi labour ...`` calling the same services as the pages."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from competitions.cli import operation, user_named
from competitions.db import utcnow
from competitions.extensions import db

labour_cli = AppGroup("labour", help="Labour competitions: units, periods, scorecard, assessors, entries, sign-off.")


def _competition(competition_id: int):
    from competitions.labour.setup import require_labour
    from competitions.organize.models import Competition

    competition = db.session.get(Competition, competition_id)
    if competition is None:
        raise click.ClickException(f"No competition {competition_id}.")
    require_labour(competition)
    return competition


def _period(period_id: int):
    from competitions.labour.models import LabourPeriod

    period = db.session.get(LabourPeriod, period_id)
    if period is None:
        raise click.ClickException(f"No period {period_id}.")
    return period


def _unit(competition_id: int, code: str):
    from competitions.labour.models import LabourUnit
    from competitions.labour.setup import same_as

    # The code as typed first; else the one it names ignoring letter case and width (a01 or Ａ01 for A01).
    unit = db.session.execute(select(LabourUnit).where(LabourUnit.competition_id == competition_id,
                                                       LabourUnit.code == code)).scalar_one_or_none()
    if unit is None:
        unit = same_as(competition_id, LabourUnit.code, code)
    if unit is None:
        raise click.ClickException(f"No unit {code} in competition {competition_id}.")
    return unit


@labour_cli.command("add-unit")
@click.argument("competition_id", type=int)
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--kind", default="section", type=click.Choice(["section", "enterprise", "workshop", "team"]))
@click.option("--org-id", "organization_id", type=int, default=None, help="Its organization in the union tree.")
@click.option("--headcount", type=int, default=0)
def add_unit_command(competition_id, code, name, kind, organization_id, headcount):
    """Add a participating unit to COMPETITION_ID."""
    from competitions.labour.setup import UnitData, add_unit

    with operation():
        unit = add_unit(_competition(competition_id), UnitData(code=code, name=name, kind=kind,
                                                               organization_id=organization_id, headcount=headcount),
                        actor=None)
    click.echo(f"Unit {unit.code} {unit.name} added (id {unit.id}).")


@labour_cli.command("import-units")
@click.argument("competition_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_units_command(competition_id, path):
    """Add or update COMPETITION_ID's units from an .xlsx or .csv (all rows valid, or nothing is saved)."""
    from competitions.domain.errors import ValidationErrors
    from competitions.labour.setup import import_units

    try:
        with operation():
            summary = import_units(_competition(competition_id), path.read_bytes(), path.name, actor=None)
    except click.ClickException as error:
        cause = error.__cause__
        if isinstance(cause, ValidationErrors):
            for problem in cause.problems:
                text = problem["message"] % problem.get("params", {}) if problem.get("params") else problem["message"]
                click.echo(f"row {problem.get('row') or '-'}: {text}", err=True)
        raise
    click.echo(f"Imported {summary.total} unit(s): {summary.created} new, {summary.updated} updated.")


@labour_cli.command("add-member")
@click.argument("competition_id", type=int)
@click.argument("unit_code")
@click.option("--id-number", "national_id", required=True, help="The worker's national ID number.")
@click.option("--role", default="", help="e.g. 班组长 (team leader).")
def add_member_command(competition_id, unit_code, national_id, role):
    """Name a worker (found by ID number) as a member of UNIT_CODE."""
    from competitions.labour.setup import add_member
    from competitions.orgs.models import Worker

    with operation():
        _competition(competition_id)
        worker = db.session.execute(select(Worker).where(Worker.national_id == national_id.strip().upper())
                                    ).scalar_one_or_none()
        if worker is None:
            raise click.ClickException("No person with this ID number is on file.")
        add_member(_unit(competition_id, unit_code), worker_id=worker.id, role=role, actor=None)
    click.echo(f"{worker.name} is a member of {unit_code}.")


@labour_cli.command("generate-periods")
@click.argument("competition_id", type=int)
@click.option("--cadence", default="month", type=click.Choice(["half_month", "month", "quarter"]))
def generate_periods_command(competition_id, cadence):
    """Generate COMPETITION_ID's periods from its dates."""
    from competitions.labour.setup import generate_periods

    with operation():
        periods = generate_periods(_competition(competition_id), cadence=cadence, actor=None)
    for period in periods:
        click.echo(f"{period.number}\t{period.name}\t{period.starts_on}\t{period.ends_on}")


@labour_cli.command("add-period")
@click.argument("competition_id", type=int)
@click.option("--name", required=True)
@click.option("--start", "starts_on", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--end", "ends_on", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--weight", default="1")
@click.option("--kind", default="milestone", type=click.Choice(["half_month", "month", "quarter", "milestone"]))
def add_period_command(competition_id, name, starts_on, ends_on, weight, kind):
    """Add one period (a milestone) to COMPETITION_ID."""
    from competitions.labour.setup import PeriodData, add_period, parse_weight

    with operation():
        period = add_period(_competition(competition_id), PeriodData(
            name=name, starts_on=starts_on.date(), ends_on=ends_on.date(), weight=parse_weight(weight), kind=kind),
            actor=None)
    click.echo(f"Period {period.number} {period.name} added (id {period.id}).")


@labour_cli.command("scorecard")
@click.argument("competition_id", type=int)
@click.option("--load", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A scorecard JSON document to save (all or nothing); without it, print the scorecard.")
def scorecard_command(competition_id, path):
    """Print COMPETITION_ID's scorecard as JSON, or save one from a file."""
    from competitions.labour.setup import load_scorecard, scorecard_document

    if path is not None:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"{path} is not a JSON document: {exc}") from exc
        with operation():
            load_scorecard(_competition(competition_id), document, actor=None)
    click.echo(json.dumps(scorecard_document(_competition(competition_id)), ensure_ascii=False, indent=2))


@labour_cli.command("assign")
@click.argument("competition_id", type=int)
@click.argument("username")
@click.option("--group", "group_code", default=None, help="Code of the one indicator group to assess.")
@click.option("--unit", "unit_code", default=None, help="Code of the one unit to assess.")
@click.option("--chief", is_flag=True, help="The chief assessor (closes and signs off the periods).")
def assign_command(competition_id, username, group_code, unit_code, chief):
    """Assign USERNAME (a judge) as an assessor of COMPETITION_ID."""
    from competitions.labour.setup import assign_assessor, groups_of

    with operation():
        competition, user = _competition(competition_id), user_named(username)
        group_id = None
        if group_code:
            group_id = next((g.id for g in groups_of(competition) if g.code == group_code), None)
            if group_id is None:
                raise click.ClickException(f"No indicator group {group_code}.")
        unit_id = _unit(competition_id, unit_code).id if unit_code else None
        assign_assessor(competition, user_id=user.id, group_id=group_id, unit_id=unit_id, is_chief=chief, actor=None)
    click.echo(f"{username} assesses competition {competition_id}{' as chief' if chief else ''}.")


@labour_cli.command("unassign")
@click.argument("competition_id", type=int)
@click.argument("assessor_id", type=int)
def unassign_command(competition_id, assessor_id):
    """Remove assessor assignment ASSESSOR_ID of COMPETITION_ID (their entries already made stay)."""
    from competitions.labour.models import LabourAssessor
    from competitions.labour.setup import unassign_assessor

    with operation():
        row = db.session.get(LabourAssessor, assessor_id)
        if row is None or row.competition_id != _competition(competition_id).id:
            raise click.ClickException(f"Competition {competition_id} has no assessor assignment {assessor_id}.")
        unassign_assessor(row, actor=None)
    click.echo(f"Assignment {assessor_id} removed.")


@labour_cli.command("adjust")
@click.argument("period_id", type=int)
@click.argument("unit_code")
@click.option("--kind", required=True, type=click.Choice(["bonus", "deduction"]))
@click.option("--points", required=True)
@click.option("--source", required=True,
              type=click.Choice(["owner", "supervisor", "authority", "leading_group", "media", "other"]))
@click.option("--document", "document_ref", required=True, help="The document's reference (文号).")
@click.option("--issuer", default="")
@click.option("--reason", default="")
def adjust_command(period_id, unit_code, kind, points, source, document_ref, issuer, reason):
    """Record a bonus or deduction for UNIT_CODE in PERIOD_ID."""
    from competitions.labour.assessment import AdjustmentData, add_adjustment

    with operation():
        period = _period(period_id)
        row = add_adjustment(period, AdjustmentData(unit_id=_unit(period.competition_id, unit_code).id, kind=kind,
                                                    points=points, source=source, document_ref=document_ref,
                                                    issuer=issuer, reason=reason), actor=None)
    click.echo(f"{kind.capitalize()} of {row.points} recorded for {unit_code} (id {row.id}).")


@labour_cli.command("veto")
@click.argument("period_id", type=int)
@click.argument("unit_code")
@click.option("--category", required=True,
              type=click.Choice(["safety_accident", "quality_accident", "fight", "environment", "other"]))
@click.option("--reason", required=True)
@click.option("--document", "document_ref", required=True)
@click.option("--date", "occurred_on", type=click.DateTime(["%Y-%m-%d"]), default=None)
def veto_command(period_id, unit_code, category, reason, document_ref, occurred_on):
    """Record a veto item (一票否决) for UNIT_CODE in PERIOD_ID."""
    from competitions.labour.assessment import VetoData, add_veto

    with operation():
        period = _period(period_id)
        row = add_veto(period, VetoData(unit_id=_unit(period.competition_id, unit_code).id, category=category,
                                        reason=reason, document_ref=document_ref,
                                        occurred_on=occurred_on.date() if occurred_on else None), actor=None)
    click.echo(f"Veto recorded for {unit_code} (id {row.id}).")


@labour_cli.command("score")
@click.argument("period_id", type=int)
@click.argument("unit_code")
@click.argument("values", nargs=-1, required=True)
@click.option("--as", "username", required=True, help="The assessor.")
@click.option("--correct", is_flag=True, help="Correct entries already made (their current version is taken).")
@click.option("--reason", default="")
def score_command(period_id, unit_code, values, username, correct, reason):
    """Enter an assessor's scores: VALUES are CODE=VALUE (e.g. O1=9 P1=103.5)."""
    from competitions.labour.assessment import ScoreInput, record_scores, scores_by
    from competitions.labour.setup import indicators_of
    from competitions.organize.models import Competition

    with operation():
        period, user = _period(period_id), user_named(username)
        unit = _unit(period.competition_id, unit_code)
        by_code = {i.code: i for i in indicators_of(db.session.get(Competition, period.competition_id))}
        existing = scores_by(period, unit, user.id)
        entries = []
        for item in values:
            code, _, value = item.partition("=")
            if code not in by_code or not value:
                raise click.ClickException(f"'{item}' is not CODE=VALUE with a known indicator code.")
            current = existing.get(by_code[code].id)
            entries.append(ScoreInput(by_code[code].id, value, current.version if current and correct else None))
        written = record_scores(period, unit, assessor=user, entries=entries, reason=reason)
    click.echo(f"{len(written)} score(s) saved for {unit_code}.")


@labour_cli.command("scores")
@click.argument("period_id", type=int)
def scores_command(period_id):
    """Print PERIOD_ID's per-unit scores (not ranked) and its completeness."""
    from competitions.labour.assessment import completeness, period_scores

    period = _period(period_id)
    state = completeness(period)
    click.echo(f"{period.name} ({period.status}): {state.entered} of {state.expected} entries made")
    for row in period_scores(period):
        groups = " ".join(f"{g.code}={g.subtotal.normalize()}" for g in row.groups)
        flags = (" VETO: " + "; ".join(row.veto_reasons)) if row.vetoed else ""
        click.echo(f"{row.unit_code}\t{row.total}\t{groups} +{row.bonus.normalize()} -{row.deduction.normalize()}"
                   f"{'' if row.complete else ' (incomplete)'}{flags}")


@labour_cli.command("close")
@click.argument("period_id", type=int)
@click.option("--as", "username", required=True, help="The chief assessor.")
def close_command(period_id, username):
    """Close PERIOD_ID's assessment (every entry in)."""
    from competitions.labour.assessment import close_assessment

    with operation():
        close_assessment(_period(period_id), actor=user_named(username))
    click.echo(f"Period {period_id} is assessed.")


@labour_cli.command("sign-off")
@click.argument("period_id", type=int)
@click.option("--as", "username", required=True, help="The chief assessor.")
def sign_off_command(period_id, username):
    """Sign PERIOD_ID off (its scores are final)."""
    from competitions.labour.assessment import sign_off

    with operation():
        sign_off(_period(period_id), actor=user_named(username))
    click.echo(f"Period {period_id} is signed off.")


@labour_cli.command("reopen")
@click.argument("period_id", type=int)
@click.option("--as", "username", required=True, help="The chief assessor.")
@click.option("--reason", required=True)
def reopen_command(period_id, username, reason):
    """Reopen PERIOD_ID for corrections (audited)."""
    from competitions.labour.assessment import reopen

    with operation():
        reopen(_period(period_id), actor=user_named(username), reason=reason)
    click.echo(f"Period {period_id} is open again.")


@labour_cli.command("withdraw-unit")
@click.argument("competition_id", type=int)
@click.argument("unit_code")
@click.option("--reason", required=True)
def withdraw_unit_command(competition_id, unit_code, reason):
    """Withdraw UNIT_CODE from COMPETITION_ID (kept with its scores)."""
    from competitions.labour.setup import withdraw_unit

    with operation():
        _competition(competition_id)
        withdraw_unit(_unit(competition_id, unit_code), actor=None, reason=reason, now=utcnow())
    click.echo(f"Unit {unit_code} has withdrawn.")


@labour_cli.command("reinstate-unit")
@click.argument("competition_id", type=int)
@click.argument("unit_code")
@click.option("--reason", required=True)
def reinstate_unit_command(competition_id, unit_code, reason):
    """Undo the withdrawal of UNIT_CODE from COMPETITION_ID (the way out of ``withdraw-unit``)."""
    from competitions.labour.setup import reinstate_unit

    with operation():
        _competition(competition_id)
        reinstate_unit(_unit(competition_id, unit_code), actor=None, reason=reason)
    click.echo(f"Unit {unit_code} takes part again.")


@labour_cli.command("update-unit")
@click.argument("competition_id", type=int)
@click.argument("unit_code")
@click.option("--code", default=None)
@click.option("--name", default=None)
@click.option("--kind", default=None, type=click.Choice(["section", "enterprise", "workshop", "team"]))
@click.option("--org-id", "organization_id", type=int, default=None, help="Its organization in the union tree.")
@click.option("--no-org", is_flag=True, help="Take the unit out of the union tree.")
@click.option("--headcount", type=int, default=None)
def update_unit_command(competition_id, unit_code, code, name, kind, organization_id, no_org, headcount):
    """Change unit UNIT_CODE of COMPETITION_ID: only the options given change (audited)."""
    from competitions.labour.setup import UnitData, update_unit

    with operation():
        _competition(competition_id)
        unit = _unit(competition_id, unit_code)
        org = None if no_org else (organization_id if organization_id is not None else unit.organization_id)
        update_unit(unit, UnitData(code=unit.code if code is None else code, name=unit.name if name is None else name,
                                   kind=kind or unit.kind, organization_id=org,
                                   headcount=unit.headcount if headcount is None else headcount), actor=None)
        shown = f"{unit.code} {unit.name}"
    click.echo(f"Unit {shown} saved.")


@labour_cli.command("update-period")
@click.argument("period_id", type=int)
@click.option("--name", default=None)
@click.option("--start", "starts_on", default=None, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--end", "ends_on", default=None, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--weight", default=None)
@click.option("--kind", default=None, type=click.Choice(["half_month", "month", "quarter", "milestone"]))
def update_period_command(period_id, name, starts_on, ends_on, weight, kind):
    """Change PERIOD_ID: its name, kind, weight, and its dates while it is open (only the options given)."""
    from competitions.labour.setup import PeriodData, parse_weight, update_period

    with operation():
        period = _period(period_id)
        update_period(period, PeriodData(
            name=period.name if name is None else name,
            starts_on=starts_on.date() if starts_on else period.starts_on,
            ends_on=ends_on.date() if ends_on else period.ends_on,
            weight=period.weight if weight is None else parse_weight(weight), kind=kind or period.kind), actor=None)
        shown = f"{period.number} {period.name}"
    click.echo(f"Period {shown} saved.")


@labour_cli.command("delete-period")
@click.argument("period_id", type=int)
def delete_period_command(period_id):
    """Delete PERIOD_ID, when nothing has been entered in it."""
    from competitions.labour.setup import delete_period

    with operation():
        delete_period(_period(period_id), actor=None)
    click.echo(f"Period {period_id} deleted.")


@labour_cli.command("remove-member")
@click.argument("competition_id", type=int)
@click.argument("unit_code")
@click.argument("worker_id", type=int)
def remove_member_command(competition_id, unit_code, worker_id):
    """Take worker WORKER_ID off the members of UNIT_CODE in COMPETITION_ID."""
    from competitions.labour.models import LabourUnitMember
    from competitions.labour.setup import remove_member

    with operation():
        _competition(competition_id)
        unit = _unit(competition_id, unit_code)
        member = db.session.execute(select(LabourUnitMember).where(
            LabourUnitMember.unit_id == unit.id, LabourUnitMember.worker_id == worker_id)).scalar_one_or_none()
        if member is None:
            raise click.ClickException(f"Worker {worker_id} is not a member of {unit.code}.")
        remove_member(member, actor=None)
    click.echo(f"Worker {worker_id} is no longer a member of {unit_code}.")


@labour_cli.command("void")
@click.argument("period_id", type=int)
@click.argument("kind", type=click.Choice(["adjustment", "veto"]))
@click.argument("entry_id", type=int)
@click.option("--reason", required=True)
def void_command(period_id, kind, entry_id, reason):
    """Void bonus/deduction entry or veto ENTRY_ID of PERIOD_ID with a reason (kept, struck through; audited)."""
    from competitions.labour.assessment import void_adjustment, void_veto
    from competitions.labour.models import LabourAdjustment, LabourVeto

    model, void = (LabourAdjustment, void_adjustment) if kind == "adjustment" else (LabourVeto, void_veto)
    with operation():
        row = db.session.get(model, entry_id)
        if row is None or row.period_id != _period(period_id).id:
            raise click.ClickException(f"Period {period_id} has no {kind} {entry_id}.")
        void(row, actor=None, reason=reason)
    click.echo(f"The {kind} {entry_id} is voided.")


def init_app(app: Flask) -> None:
    """Register the ``labour`` command group."""
    app.cli.add_command(labour_cli)

