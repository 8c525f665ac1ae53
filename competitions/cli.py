"""Operator commands: ``flask --app wsgi <command>``.

Every operator action is also a command calling the same service as the page.
Each command commits once at the end and rolls back when a rule refuses it,
printing the reason and exiting with status 1.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from competitions.db import write_intent
from competitions.domain.errors import CompetitionError
from competitions.extensions import db


@contextlib.contextmanager
def operation() -> Iterator[None]:
    """Run a CLI operation in one write transaction; report rule violations as a clean error."""
    try:
        with write_intent():
            yield
            db.session.commit()
    except CompetitionError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error


def _cannot_write(path, error: OSError) -> click.ClickException:
    return click.ClickException(f"Cannot write {path}: {error.strerror or error}. Nothing was written there.")


@contextlib.contextmanager
def output_file(path, mode: str = "wb") -> Iterator:
    """Open ``path`` for a command's output; click.ClickException naming the path and the reason (no such
    directory, no permission, a directory) instead of a traceback."""
    try:
        handle = open(path, mode)  # noqa: SIM115 - closed below
    except OSError as error:
        raise _cannot_write(path, error) from error
    with handle:
        yield handle


def write_output(path, data: bytes) -> None:
    """Write a command's output file (an xlsx, a PDF) at ``path``; a clean error when it cannot be written."""
    with output_file(path) as out:
        out.write(data)


def user_named(username: str):
    """The account called ``username``; click.ClickException naming it when there is none."""
    from competitions.auth.models import User

    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"No user called {username}.")
    return user


users_cli = AppGroup("users", help="Manage accounts.")
competitions_cli = AppGroup("competitions", help="Manage competitions.")


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--role", "roles", multiple=True, required=True, help="admin, organizer, judge or competitor.")
@click.option("--org", "org_name", default=None, help="Name of the user's organization.")
@click.password_option()
def create_user_command(username, display_name, roles, org_name, password):
    """Create an account."""
    from competitions.auth.services import create_user
    from competitions.orgs.models import Organization

    with operation():
        org_id = None
        if org_name:
            org = db.session.execute(select(Organization).where(Organization.name == org_name)).scalar_one_or_none()
            if org is None:
                raise click.ClickException(f"No organization called {org_name}.")
            org_id = org.id
        user = create_user(username=username, display_name=display_name, password=password, roles=roles,
                           organization_id=org_id)
    click.echo(f"Created user {user.username} with roles {', '.join(sorted(user.roles))}.")


@users_cli.command("set-password")
@click.argument("username")
@click.password_option()
def set_password_command(username, password):
    """Set a new password for an account, end its sessions and clear its failed login attempts."""
    from competitions.auth.services import reset_password

    with operation():
        reset_password(user_named(username), password)
    click.echo(f"Password of {username} changed.")


@users_cli.command("unlock")
@click.argument("username")
def unlock_command(username):
    """Forget an account's failed login attempts (its next login is not slowed down)."""
    from competitions.auth.throttle import clear_account

    with operation():
        cleared = clear_account(username)
    click.echo(f"Cleared {cleared} login counters of {username}.")


@competitions_cli.command("list")
@click.option("--year", type=int, default=None)
def list_competitions_command(year):
    """List competitions with their status."""
    from competitions.organize.models import Competition

    stmt = select(Competition).order_by(Competition.year.desc(), Competition.id)
    if year:
        stmt = stmt.where(Competition.year == year)
    for c in db.session.execute(stmt).scalars():
        click.echo(f"{c.id}\t{c.year}\t{c.status}\t{c.level}\t{c.kind}\t{c.name}")


@competitions_cli.command("set-status")
@click.argument("competition_id", type=int)
@click.argument("status")
def set_status_command(competition_id, status):
    """Move a competition to STATUS (draft, open, closed, in_progress, results, archived), audited.

    Archiving a draft calls the contest off; ``draft`` brings a called-off contest back.
    """
    from competitions.organize.models import Competition
    from competitions.organize.services import set_status

    with operation():
        competition = db.session.get(Competition, competition_id)
        if competition is None:
            raise click.ClickException(f"No competition {competition_id}.")
        set_status(competition, status, actor_id=None)
    click.echo(f"Competition {competition_id} is now {status}.")


@competitions_cli.command("copy")
@click.argument("competition_id", type=int)
@click.option("--name", required=True)
@click.option("--year", type=int, required=True)
def copy_competition_command(competition_id, name, year):
    """Start a new draft competition from an existing one."""
    from competitions.organize.models import Competition
    from competitions.organize.services import copy_competition

    with operation():
        source = db.session.get(Competition, competition_id)
        if source is None:
            raise click.ClickException(f"No competition {competition_id}.")
        copy = copy_competition(source, name=name, year=year, created_by_id=None)
    click.echo(f"Created competition {copy.id} from {competition_id}.")


@click.command("demo-data")
def demo_data_command():
    """Load the demo city, its people and its skills contest (running it twice changes nothing)."""
    from competitions.demo import load_demo_data

    with operation():
        logins = load_demo_data()
    click.echo("Demo data is loaded. Demo logins (username / password):")
    for username, password, role in logins:
        click.echo(f"  {username:<14} {password:<14} {role}")


@click.command("pdf-fonts")
@click.option("--text", default="", help="Also say which font draws each character of this text.")
def pdf_fonts_command(text):
    """Show the PDF font chain, fonts that could not be used, and characters no font has."""
    from competitions.pdf_fonts import font_chain

    chain = font_chain()
    for member in chain.members:
        click.echo(f"{member.name}: {member.path}#{member.index}" + (f"  (unusable: {member.failed})"
                                                                      if member.failed else ""))
    if not chain.members:
        click.echo(f"{chain.primary}: built-in CID font, not embedded (no TrueType CJK font found)")
    for problem in chain.problems:
        click.echo(f"problem: {problem}", err=True)
    if text:
        for font, chunk in chain.runs(text):
            click.echo(f"{chunk}\t{font}")
        missing = chain.missing(text)
        if missing:
            raise click.ClickException("No font has: " + " ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing))


def init_app(app: Flask) -> None:
    """Register the command groups, including each blueprint's own ``cli.py`` (``init_app(app)``) if it has one."""
    import importlib
    import importlib.util

    from competitions import BLUEPRINT_MODULES

    app.cli.add_command(users_cli)
    app.cli.add_command(competitions_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(pdf_fonts_command)
    for module_name in BLUEPRINT_MODULES:
        if importlib.util.find_spec(f"{module_name}.cli") is not None:
            importlib.import_module(f"{module_name}.cli").init_app(app)
