"""Operator commands of the promotion stage: ``flask --app wsgi promotion ...`` (same services as the pages).

    promotion evaluate --competition N [--json] | --year YYYY   evaluate final results (again: no duplicates)
    promotion rules list | presets | preset CODE --org NAME | activate ID | deactivate ID
    promotion rules export ID FILE | import FILE --org NAME [--activate]
    promotion assign --competition N --rule-set ID|none
    promotion review --competition N (--flag ID ... | --all-pending) (--approve | --reject) --reason TEXT
    promotion roster --competition N --format xlsx|pdf --output FILE
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from competitions.cli import operation, write_output
from competitions.db import utcnow
from competitions.domain.errors import ValidationErrors
from competitions.extensions import db
from competitions.organize.models import Competition

promotion_cli = AppGroup("promotion", help="Promotion: rule sets, evaluation of final results, review, roster.")
rules_cli = AppGroup("rules", help="Promotion rule sets: list, presets, export and import (JSON).")
promotion_cli.add_command(rules_cli)


def _competition(competition_id: int) -> Competition:
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        raise click.ClickException(f"No competition {competition_id}.")
    return competition


def _rule_set(rule_set_id: int):
    from competitions.promotion.models import PromotionRuleSet

    row = db.session.get(PromotionRuleSet, rule_set_id)
    if row is None:
        raise click.ClickException(f"No rule set {rule_set_id}.")
    return row


def _org_id(name: str | None) -> int | None:
    from competitions.orgs.models import Organization

    if not name:
        return None
    org = db.session.execute(select(Organization).where(Organization.name == name)).scalar_one_or_none()
    if org is None:
        raise click.ClickException(f"No organization called {name}.")
    return org.id


def _problems(error: ValidationErrors) -> click.ClickException:
    """Every problem of a refused rule set, one per line."""
    lines = [str(error)]
    for problem in error.problems:
        params = problem.get("params") or {}
        try:
            text = problem["message"] % {k: str(v) for k, v in params.items()}
        except (KeyError, ValueError, TypeError):
            text = problem["message"]
        lines.append(f"  - {text} [field: {problem.get('field') or '-'}]")
    return click.ClickException("\n".join(lines))


@promotion_cli.command("evaluate")
@click.option("--competition", "competition_id", type=int, default=None, help="Competition id.")
@click.option("--year", type=int, default=None, help="Every competition of this year with final results.")
@click.option("--json", "as_json", is_flag=True, help="Print every decision as JSON (one competition).")
def evaluate_command(competition_id, year, as_json):
    """Evaluate final results against the promotion rule sets: one competition, or a whole year at once."""
    from competitions.promotion.api import decisions_document
    from competitions.promotion.services import evaluate_competition, evaluate_competitions

    if (competition_id is None) == (year is None):
        raise click.UsageError("Give either --competition N or --year YYYY.")
    if year is not None:
        with operation():
            ids = list(db.session.execute(select(Competition.id).where(Competition.year == year)
                                          .order_by(Competition.id)).scalars())
            summaries = evaluate_competitions(ids, actor_id=None, trigger="cli", now=utcnow())
        click.echo(f"{year}: {len(summaries)} competition(s) evaluated, "
                   f"{sum(s.decisions for s in summaries)} decision(s), {sum(s.flags for s in summaries)} flag(s).")
        return
    with operation():
        competition = _competition(competition_id)
        summary = evaluate_competition(competition, actor_id=None, trigger="cli", now=utcnow())
    if as_json:
        click.echo(json.dumps(decisions_document(competition), ensure_ascii=False, indent=1))
        return
    click.echo(f"Competition {competition_id}: {summary.decisions} decision(s), {summary.flags} flag(s); "
               f"new {summary.added}, withdrawn {summary.withdrawn}, contested {summary.contested}, "
               f"restored {summary.restored}.")


@rules_cli.command("list")
def rules_list_command():
    """List the stored rule sets."""
    from competitions.promotion.models import PromotionRuleSet

    for row in db.session.execute(select(PromotionRuleSet).order_by(PromotionRuleSet.id)).scalars():
        state = "active" if row.active else "inactive"
        click.echo(f"{row.id}\tv{row.version}\t{state}\t{len((row.document or {}).get('rules', []))} rules\t{row.name}")


@rules_cli.command("presets")
def rules_presets_command():
    """List the national presets that can be loaded."""
    from competitions.domain.promotion_rule_sets import PRESETS

    for code, maker in PRESETS.items():
        click.echo(f"{code}\t{maker().name}")


@rules_cli.command("preset")
@click.argument("code")
@click.option("--org", "org_name", default=None, help="Issuing organization (the rule set applies below it).")
def rules_preset_command(code, org_name):
    """Copy a national preset into a new (inactive) rule set."""
    from competitions.promotion.rules import load_preset

    with operation():
        row = load_preset(code, organization_id=_org_id(org_name), actor_id=None)
        rule_set_id = row.id
    click.echo(f"Rule set {rule_set_id} created from the preset {code}.")


@rules_cli.command("activate")
@click.argument("rule_set_id", type=int)
def rules_activate_command(rule_set_id):
    """Activate a rule set: it applies to the competitions below its issuer."""
    from competitions.promotion.rules import set_active

    with operation():
        set_active(_rule_set(rule_set_id), True, actor_id=None)
    click.echo(f"Rule set {rule_set_id} is active.")


@rules_cli.command("deactivate")
@click.argument("rule_set_id", type=int)
def rules_deactivate_command(rule_set_id):
    """Deactivate a rule set."""
    from competitions.promotion.rules import set_active

    with operation():
        set_active(_rule_set(rule_set_id), False, actor_id=None)
    click.echo(f"Rule set {rule_set_id} is inactive.")


@rules_cli.command("export")
@click.argument("rule_set_id", type=int)
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def rules_export_command(rule_set_id, file):
    """Write a rule set as a versioned JSON document (its schema: see domain/promotion_rule_sets.py)."""
    from competitions.promotion.rules import export_document

    document = export_document(_rule_set(rule_set_id))
    write_output(file, (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    click.echo(f"Rule set {rule_set_id} written to {file}.")


@rules_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "org_name", default=None, help="Issuing organization (the rule set applies below it).")
@click.option("--activate", is_flag=True, help="Activate it at once.")
def rules_import_command(file, org_name, activate):
    """Load a rule set from a JSON document; a broken file changes nothing and says what is wrong."""
    from competitions.promotion.rules import import_rule_set, set_active

    try:
        with operation():
            row = import_rule_set(Path(file).read_bytes(), organization_id=_org_id(org_name), actor_id=None)
            if activate:
                set_active(row, True, actor_id=None)
            rule_set_id, count = row.id, len(row.document.get("rules", []))
    except click.ClickException as error:
        cause = error.__cause__
        if isinstance(cause, ValidationErrors):
            raise _problems(cause) from cause
        raise
    click.echo(f"Imported rule set {rule_set_id} with {count} rule(s).")


@promotion_cli.command("assign")
@click.option("--competition", "competition_id", type=int, required=True)
@click.option("--rule-set", "rule_set", required=True, help="Rule set id, or 'none' for the organizers' active one.")
def assign_command(competition_id, rule_set):
    """Name the rule set a competition uses."""
    from competitions.promotion.rules import assign_rule_set

    with operation():
        target = None if rule_set == "none" else _rule_set(int(rule_set)).id
        assign_rule_set(_competition(competition_id), target, actor_id=None)
    click.echo(f"Competition {competition_id} uses rule set {rule_set}.")


@promotion_cli.command("review")
@click.option("--competition", "competition_id", type=int, required=True)
@click.option("--flag", "flag_ids", type=int, multiple=True, help="Flag id (repeat for several).")
@click.option("--all-pending", is_flag=True, help="Every flag awaiting review.")
@click.option("--approve/--reject", "approve", required=True)
@click.option("--reason", required=True)
def review_command(competition_id, flag_ids, all_pending, approve, reason):
    """Approve or reject flags with a reason (audited)."""
    from competitions.promotion.models import PromotionFlag
    from competitions.promotion.services import decide_flags

    with operation():
        competition = _competition(competition_id)
        ids = list(flag_ids)
        if all_pending:
            ids += list(db.session.execute(select(PromotionFlag.id).where(
                PromotionFlag.competition_id == competition.id, PromotionFlag.status == "pending")).scalars())
        count = decide_flags(competition, ids, "approve" if approve else "reject", reason, actor_id=None,
                             now=utcnow())
    click.echo(f"{count} flag(s) {'approved' if approve else 'rejected'}.")


@promotion_cli.command("roster")
@click.option("--competition", "competition_id", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(["xlsx", "pdf"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
def roster_command(competition_id, fmt, output):
    """Write the promotion roster for the labour department (masked ID numbers)."""
    from competitions.promotion.exports import roster_data, roster_xlsx
    from competitions.promotion.pdf import roster_pdf

    data = roster_data(_competition(competition_id))
    write_output(output, roster_xlsx(data) if fmt == "xlsx" else roster_pdf(data))
    count = len(data.rows)
    click.echo(f"Roster of competition {competition_id} written to {output} "
               f"({count} proposal{'' if count == 1 else 's'}).")


def init_app(app: Flask) -> None:
    """Register the ``promotion`` command group."""
    app.cli.add_command(promotion_cli)
