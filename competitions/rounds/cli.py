"""Operator commands for rounds: ``flask --app wsgi rounds ...`` (the same services as the rounds page).

    rounds create EVENT_ID --top 8 | --percent 40 [--rounding up]   hold EVENT_ID as a preliminary + final
    rounds rule FINAL_ID --top N | --percent P [--rounding R] [--reason TEXT]
    rounds remove FINAL_ID
    rounds carry FINAL_ID --part CODE --from PRELIMINARY_PART         mark a final's part as carried
    rounds compute PRELIMINARY_ID [--reason TEXT]
    rounds confirm PRELIMINARY_ID --as USERNAME
    rounds undo PRELIMINARY_ID --reason TEXT
    rounds publish PRELIMINARY_ID
    rounds show EVENT_ID
"""

from __future__ import annotations

from dataclasses import replace

import click
from flask import Flask
from flask.cli import AppGroup

from competitions.cli import operation, user_named
from competitions.db import utcnow
from competitions.extensions import db

rounds_cli = AppGroup("rounds", help="Preliminary and final rounds: structure, qualification, publication.")


def _event(event_id: int):
    from competitions.organize.models import Event

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"No event {event_id}.")
    return event


def _rounds(event_id: int):
    from competitions.rounds.services import final_of, preliminary_of

    event = _event(event_id)
    if event.round == "final":
        return preliminary_of(event), event
    final = final_of(event) if event.round == "preliminary" else None
    if final is None:
        raise click.ClickException(f"Event {event_id} is not held in a preliminary and a final.")
    return event, final


def _rule(top, percent, rounding) -> dict:
    from competitions.rounds.services import rule_json

    return rule_json(top=top, percent=percent, rounding=rounding)


RULE_OPTIONS = (
    click.option("--top", type=click.IntRange(1, 100000), default=None,
                 help="The top N places qualify (ties at N go)."),
    click.option("--percent", default=None, help="The top per cent of the entrants qualify."),
    click.option("--rounding", type=click.Choice(["down", "up", "nearest"]), default="down", show_default=True,
                 help="How a fraction of a competitor is rounded (with --percent)."),
)


def rule_options(command):
    """The qualification rule's options (top or percent, with rounding)."""
    for option in reversed(RULE_OPTIONS):
        command = option(command)
    return command


@rounds_cli.command("create")
@click.argument("event_id", type=int)
@rule_options
def create_command(event_id, top, percent, rounding):
    """Hold EVENT_ID in two rounds: it becomes the preliminary; a final is added with the qualification rule."""
    from competitions.rounds.services import create_final

    with operation():
        final = create_final(_event(event_id), rule=_rule(top, percent, rounding), actor_id=None)
        final_id = final.id
    click.echo(f"Final round added as event {final_id}; set its marking scheme.")


@rounds_cli.command("rule")
@click.argument("event_id", type=int)
@rule_options
@click.option("--reason", default="", help="Why (needed once the standing is computed).")
def rule_command(event_id, top, percent, rounding, reason):
    """Change who qualifies for the final of EVENT_ID (either round's id)."""
    from competitions.rounds.services import set_rule

    with operation():
        _preliminary, final = _rounds(event_id)
        set_rule(final, _rule(top, percent, rounding), actor_id=None, reason=reason)
    click.echo("Qualification rule saved.")


@rounds_cli.command("remove")
@click.argument("event_id", type=int)
def remove_command(event_id):
    """Remove the final of EVENT_ID (before judging); the event is held once again."""
    from competitions.rounds.services import remove_final

    with operation():
        _preliminary, final = _rounds(event_id)
        remove_final(final, actor_id=None)
    click.echo("Final removed.")


@rounds_cli.command("carry")
@click.argument("event_id", type=int)
@click.option("--part", "part_code", required=True, help="The final's part that is carried.")
@click.option("--from", "source", default="", help="The preliminary's part it takes (empty: no longer carried).")
def carry_command(event_id, part_code, source):
    """Make a part of the final's scheme carry the preliminary's part SOURCE (the scheme is checked whole)."""
    from competitions.organize.services import award_rule_data_of, save_scheme, scheme_draft_of

    with operation():
        _preliminary, final = _rounds(event_id)
        draft = scheme_draft_of(final)
        if part_code not in {p.code for p in draft.parts}:
            raise click.ClickException(f"The final has no part {part_code}.")
        parts = tuple(replace(p, carried_from=source or None) if p.code == part_code else p for p in draft.parts)
        criteria = tuple(c for c in draft.criteria if not (source and c.part_code == part_code))
        save_scheme(final, replace(draft, parts=parts, criteria=criteria), award_rule_data_of(final))
    click.echo(f"Part {part_code} of the final " + (f"carries the preliminary's {source}." if source
                                                    else "is marked in the final."))


@rounds_cli.command("compute")
@click.argument("event_id", type=int)
@click.option("--reason", default="", help="Why it is computed again (needed the second time).")
def compute_command(event_id, reason):
    """Compute the preliminary's standing and who qualifies (the preliminary must be signed off)."""
    from competitions.rounds.services import compute_qualification

    with operation():
        preliminary, _final = _rounds(event_id)
        standing = compute_qualification(preliminary, actor_id=None, now=utcnow(), reason=reason)
        cut, count = standing.cut, standing.qualifier_count
    click.echo(f"Computed: cut at place {cut}, {count} qualify. Check them, then confirm.")
    _print_standing(event_id)


@rounds_cli.command("confirm")
@click.argument("event_id", type=int)
@click.option("--as", "username", required=True, help="The organizer or chief judge confirming.")
def confirm_command(event_id, username):
    """Confirm the qualification: the qualifiers are entered in the final and its stations drawn."""
    from competitions.rounds.permissions import can_qualify
    from competitions.rounds.services import confirm_qualification, standing_of

    with operation():
        preliminary, _final = _rounds(event_id)
        user = user_named(username)
        if not can_qualify(user, preliminary):
            raise click.ClickException(f"{username} is neither an organizer of this competition nor the chief judge"
                                       " of the preliminary.")
        standing = standing_of(preliminary.id)
        if standing is None:
            raise click.ClickException("Compute the preliminary's standing first.")
        made = confirm_qualification(standing, actor=user, now=utcnow())
        count = len(made)
    click.echo(f"Confirmed: {count} qualifiers entered in the final, stations drawn.")


@rounds_cli.command("undo")
@click.argument("event_id", type=int)
@click.option("--reason", required=True, help="Why the qualification is undone.")
def undo_command(event_id, reason):
    """Undo the confirmed qualification (until the final has begun)."""
    from competitions.rounds.services import standing_of, undo_qualification

    with operation():
        preliminary, _final = _rounds(event_id)
        standing = standing_of(preliminary.id)
        if standing is None:
            raise click.ClickException("Nothing is computed yet.")
        undo_qualification(standing, actor_id=None, reason=reason)
    click.echo("Qualification undone; the final has no entrants.")


@rounds_cli.command("publish")
@click.argument("event_id", type=int)
def publish_command(event_id):
    """Publish the preliminary's standing with the qualification (public page)."""
    from competitions.rounds.services import publish_standing, standing_of

    with operation():
        preliminary, _final = _rounds(event_id)
        standing = standing_of(preliminary.id)
        if standing is None:
            raise click.ClickException("Compute the preliminary's standing first.")
        publish_standing(standing, actor_id=None, now=utcnow())
    click.echo("Preliminary standing published.")


@rounds_cli.command("show")
@click.argument("event_id", type=int)
def show_command(event_id):
    """Show the rounds of EVENT_ID, the rule and the preliminary's standing with each qualification."""
    _print_standing(event_id)


def _print_standing(event_id: int) -> None:
    from competitions.rounds.services import standing_of

    preliminary, final = _rounds(event_id)
    click.echo(f"preliminary {preliminary.id}, final {final.id}, rule {final.qualification_rule}")
    carried = [f"{p.code}<-{p.carried_from}" for p in final.parts if p.carried_from]
    if carried:
        click.echo("carried: " + ", ".join(carried))
    standing = standing_of(preliminary.id)
    if standing is None:
        click.echo("not computed")
        return
    click.echo(f"status {standing.status}, cut {standing.cut}, {standing.qualifier_count} qualify, "
               f"published {'yes' if standing.published_at else 'no'}")
    for e in standing.entries:
        place = "—" if e.rank is None else f"{e.rank}{'=' if e.tied else ''}"
        click.echo(f"{place:>4} {e.anonymous_code:<8} {'' if e.total is None else e.total!s:>7} "
                   f"{'Q' if e.qualified else '-'} {e.reason}")


def init_app(app: Flask) -> None:
    """Register ``flask rounds``."""
    app.cli.add_command(rounds_cli)
