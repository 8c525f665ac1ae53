"""Operator commands for statistics: ``flask --app wsgi stats ...`` (same services as the jobs and pages)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from competitions.cli import operation

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


def init_app(app: Flask) -> None:
    """Add the ``stats`` command group."""
    app.cli.add_command(stats_cli)
