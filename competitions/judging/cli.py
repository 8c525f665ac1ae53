"""Judging commands: ``flask --app wsgi judging ...`` calling the same services as the pages."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from competitions.cli import operation, user_named, write_output
from competitions.extensions import db

judging_cli = AppGroup("judging", help="Judge assignments, sign-off and the audit log.")


def _event(event_id: int):
    from competitions.organize.models import Event

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"No event {event_id}.")
    return event


@judging_cli.command("assign")
@click.argument("event_id", type=int)
@click.argument("username")
@click.option("--criterion", "criterion_code", default=None, help="Code of the one criterion to mark.")
@click.option("--chief", is_flag=True, help="Name the user the event's chief judge.")
def assign_command(event_id, username, criterion_code, chief):
    """Assign USERNAME to judge EVENT_ID (or name them its chief judge)."""
    from competitions.judging.services import assign_judge, event_criteria

    with operation():
        event, user = _event(event_id), user_named(username)
        criterion_id = None
        if criterion_code:
            found = [c.id for c in event_criteria(event) if c.code == criterion_code]
            if not found:
                raise click.ClickException(f"Event {event_id} has no criterion {criterion_code}.")
            criterion_id = found[0]
        assign_judge(event, actor=None, user_id=user.id, criterion_id=criterion_id, is_chief_judge=chief)
    click.echo(f"{username} is {'chief judge' if chief else 'a judge'} of event {event_id}.")


@judging_cli.command("sign-off")
@click.argument("event_id", type=int)
@click.option("--as", "username", required=True, help="The chief judge signing off.")
def sign_off_command(event_id, username):
    """Sign EVENT_ID off as its chief judge; every mark locks."""
    from competitions.judging.services import sign_off_event

    with operation():
        sign_off_event(_event(event_id), actor=user_named(username))
    click.echo(f"Event {event_id} is signed off and locked.")


@judging_cli.command("readings")
@click.argument("event_id", type=int)
def readings_command(event_id):
    """List EVENT_ID's open disagreements between a reading and its check reading."""
    from competitions.judging.services import reading_disagreements

    for d in reading_disagreements(_event(event_id)):
        readings = ", ".join(f"{r.judge_name}: {r.value}" for r in d.readings)
        click.echo(f"{d.registration.anonymous_code}\tstation {d.registration.station}\t{d.criterion.code}\t"
                   f"{readings}\tdifference {d.difference} > tolerance {d.tolerance}")


@judging_cli.command("decide-reading")
@click.argument("event_id", type=int)
@click.argument("code")
@click.argument("criterion_code")
@click.option("--as", "username", required=True, help="The chief judge deciding.")
@click.option("--keep", "keep_username", default=None, help="Keep this judge's reading (username).")
@click.option("--remeasure", is_flag=True, help="Void both readings for the judges to measure again.")
@click.option("--reason", required=True)
def decide_reading_command(event_id, code, criterion_code, username, keep_username, remeasure, reason):
    """Settle the disagreement of competitor CODE on CRITERION_CODE: --keep a judge's reading or --remeasure."""
    from competitions.judging.services import decide_reading, event_criteria
    from competitions.registration.models import Registration

    if bool(keep_username) == remeasure:
        raise click.UsageError("Give exactly one of --keep USERNAME or --remeasure.")
    with operation():
        event = _event(event_id)
        registration_id = db.session.execute(select(Registration.id).where(
            Registration.event_id == event.id, Registration.anonymous_code == code)).scalar_one_or_none()
        criterion_id = next((c.id for c in event_criteria(event) if c.code == criterion_code), None)
        if registration_id is None or criterion_id is None:
            raise click.ClickException(f"Event {event_id} has no competitor {code} or criterion {criterion_code}.")
        decide_reading(event, actor=user_named(username), registration_id=registration_id, criterion_id=criterion_id,
                       keep_judge_id=user_named(keep_username).id if keep_username else None, reason=reason)
    click.echo(f"Readings of {code} on {criterion_code} decided.")


def _competitor_id(event, code: str) -> int:
    from competitions.registration.models import Registration

    registration_id = db.session.execute(select(Registration.id).where(
        Registration.event_id == event.id, Registration.anonymous_code == code)).scalar_one_or_none()
    if registration_id is None:
        raise click.ClickException(f"Event {event.id} has no competitor {code}.")
    return registration_id


@judging_cli.command("override-recusal")
@click.argument("event_id", type=int)
@click.argument("judge_username")
@click.argument("code")
@click.option("--as", "username", required=True, help="The event's chief judge.")
@click.option("--reason", required=True)
def override_recusal_command(event_id, judge_username, code, username, reason):
    """Lift JUDGE_USERNAME's recusal from competitor CODE (the chief judge, with a reason; audited)."""
    from competitions.judging.services import override_recusal

    with operation():
        event = _event(event_id)
        override_recusal(event, actor=user_named(username), judge_id=user_named(judge_username).id,
                         registration_id=_competitor_id(event, code), reason=reason)
    click.echo(f"Recusal of {judge_username} from {code} lifted.")


@judging_cli.command("restore-recusal")
@click.argument("event_id", type=int)
@click.argument("judge_username")
@click.argument("code")
@click.option("--as", "username", required=True, help="The event's chief judge.")
@click.option("--reason", required=True)
def restore_recusal_command(event_id, judge_username, code, username, reason):
    """Withdraw the override of JUDGE_USERNAME's recusal from CODE: recused again, marks meanwhile withdrawn."""
    from competitions.judging.models import RecusalOverride
    from competitions.judging.services import restore_recusal

    with operation():
        event = _event(event_id)
        judge = user_named(judge_username)
        override_id = db.session.execute(select(RecusalOverride.id).where(
            RecusalOverride.event_id == event.id, RecusalOverride.judge_id == judge.id,
            RecusalOverride.registration_id == _competitor_id(event, code))).scalar_one_or_none()
        if override_id is None:
            raise click.ClickException(f"No override of {judge_username}'s recusal from {code} in event {event_id}.")
        restore_recusal(event, actor=user_named(username), override_id=override_id, reason=reason)
    click.echo(f"Recusal of {judge_username} from {code} restored.")


@judging_cli.command("reopen")
@click.argument("event_id", type=int)
@click.option("--reason", required=True, help="Why the event is unlocked (e.g. a judge to add before results).")
def reopen_command(event_id, reason):
    """Unlock a signed-off event (audited); once results are published, only an upheld appeal reopens it."""
    from competitions.judging.services import reopen_signed_off_event

    with operation():
        reopen_signed_off_event(_event(event_id), actor=None, reason=reason)
    click.echo(f"Event {event_id} is unlocked.")


corrections_cli = AppGroup("corrections", help="Late corrections: tablet marks that arrived after the sheet was "
                                                 "submitted, waiting for the chief judge.")
judging_cli.add_command(corrections_cli)


@corrections_cli.command("list")
@click.argument("event_id", type=int)
@click.option("--all", "show_all", is_flag=True, help="Also those already decided.")
def corrections_list_command(event_id, show_all):
    """List EVENT_ID's late corrections (pending ones unless --all)."""
    from competitions.judging.corrections import corrections_of
    from competitions.timezone import to_local

    def when(value):
        return to_local(value).strftime("%Y-%m-%d %H:%M:%S") if value else "-"

    rows = [c for c in corrections_of(_event(event_id).id) if show_all or c.status == "pending"]
    for c in rows:
        old = c.old_value if c.old_value is not None else "-"
        click.echo(f"#{c.id}\t{c.status}\t{c.judge.username}\tstation {c.registration.station or '-'} "
                   f"{c.registration.anonymous_code}\t{c.criterion.code}\t{old} -> {c.new_value}\t"
                   f"typed {when(c.typed_at)} (tablet)\treceived {when(c.received_at)} after {c.arrived_after}"
                   + (f"\t{c.decision_reason}" if c.decision_reason else ""))
    click.echo(f"{len(rows)} correction(s).")


def _decide(event_id, correction_id, username, decide):
    from competitions.judging.corrections import load_correction

    with operation():
        event = _event(event_id)
        decide(event, load_correction(event, correction_id), user_named(username))


@corrections_cli.command("accept")
@click.argument("event_id", type=int)
@click.argument("correction_id", type=int)
@click.option("--as", "username", required=True, help="The event's chief judge.")
@click.option("--note", default="", help="Why (needed as the reason after sign-off; optional before).")
def corrections_accept_command(event_id, correction_id, username, note):
    """Accept correction CORRECTION_ID of EVENT_ID: the mark takes its value (audited)."""
    from competitions.judging.corrections import accept_correction

    _decide(event_id, correction_id, username, lambda e, c, u: accept_correction(e, c, actor=u, note=note))
    click.echo(f"Correction {correction_id} accepted; the mark is changed.")


@corrections_cli.command("decline")
@click.argument("event_id", type=int)
@click.argument("correction_id", type=int)
@click.option("--as", "username", required=True, help="The event's chief judge.")
@click.option("--reason", required=True, help="Why; the judge reads it.")
def corrections_decline_command(event_id, correction_id, username, reason):
    """Decline correction CORRECTION_ID of EVENT_ID with a reason; the mark stays."""
    from competitions.judging.corrections import decline_correction

    _decide(event_id, correction_id, username, lambda e, c, u: decline_correction(e, c, actor=u, reason=reason))
    click.echo(f"Correction {correction_id} declined.")


@judging_cli.command("audit-export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--competition", "competition_id", type=int, default=None)
@click.option("--event", "event_id", type=int, default=None)
def audit_export_command(path, competition_id, event_id):
    """Write the audit log (optionally of one competition or event) to an .xlsx file."""
    from competitions.audit.models import AuditEntry
    from competitions.judging.services import AuditFilter, audit_query, audit_workbook
    from competitions.timezone import to_local

    entries = db.session.execute(audit_query(select(AuditEntry), AuditFilter(competition_id=competition_id,
                                                                              event_id=event_id), None)).scalars().all()
    headers = ["No.", "Time", "User", "Action", "Object", "Object id", "Competition", "Event", "Old value",
               "New value", "Reason", "Address"]
    write_output(path, audit_workbook(entries, headers, to_local))
    click.echo(f"Wrote {len(entries)} audit entries to {path}.")


def init_app(app: Flask) -> None:
    """Register the ``judging`` command group."""
    app.cli.add_command(judging_cli)
