"""Operator commands for statistics: ``flask --app wsgi stats ...`` (same services as the jobs and pages)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from competitions.cli import operation, write_output

stats_cli = AppGroup("stats", help="Yearly participation statistics.")


@stats_cli.command("compile")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="The year whose figures to count.")
@click.option("--final", is_flag=True, help="Mark the figures final (as the 1 January job does).")
def compile_command(year, final):
    """Count YEAR's figures again into the statistics snapshots."""
    from competitions.stats.services import compile_year

    with operation():
        compilation = compile_year(year, final=final)
        summary = (f"{year}: {compilation.figures} figures in {compilation.seconds:.2f} s"
                   f"{' (final)' if compilation.final else ''}.")
    click.echo(summary)


@stats_cli.command("report")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--scope", "scope_id", type=int, default=None, help="Organization id (default: the top of the tree).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, writable=True), default=None)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, writable=True), default=None)
def report_command(year, scope_id, lang, xlsx_path, pdf_path):
    """Print YEAR's headline figures of a union; write the annual report as xlsx and/or PDF."""
    from flask import current_app
    from sqlalchemy import select

    from competitions.extensions import db
    from competitions.orgs.models import Organization
    from competitions.stats import exports
    from competitions.stats.figures import metric_label, year_report
    from competitions.stats.pdf import report_pdf

    stmt = select(Organization).where(Organization.id == scope_id) if scope_id else select(Organization).where(
        Organization.parent_id.is_(None)).order_by(Organization.id).limit(1)
    org = db.session.execute(stmt).scalar_one_or_none()
    if org is None:
        raise click.ClickException(f"No organization {scope_id}." if scope_id else "No organization yet.")
    with current_app.test_request_context("/", headers={"Accept-Language": lang}):
        report = year_report(year, org, enterprise_limit=None)
        click.echo(exports.subtitle(report))
        for item, value in report.headline.figures.items():
            click.echo(f"  {metric_label(item)}: {'-' if value is None else value}")
        if xlsx_path:
            write_output(xlsx_path, exports.report_xlsx(report))
            click.echo(f"Wrote {xlsx_path}.")
        if pdf_path:
            write_output(pdf_path, report_pdf(year_report(year, org)))
            click.echo(f"Wrote {pdf_path}.")


def init_app(app: Flask) -> None:
    """Add the ``stats`` command group."""
    app.cli.add_command(stats_cli)
