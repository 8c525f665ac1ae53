"""Marking-scheme rules from the command line: ``flask --app wsgi scheme show|set EVENT_ID``.

The same rules, the same JSON and the same validation as the organizer's form
and ``/api/v1/organize/events/<id>/scoring-rules`` (``organize.rules``).
``flask --app wsgi competitions scoring-rules`` is the same ``set`` command
under its older name.
"""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup

from competitions.cli import competitions_cli, operation
from competitions.extensions import db

scheme_cli = AppGroup("scheme", help="Show and change an event's marking-scheme rules.")


def _event(event_id: int):
    from competitions.organize.models import Event

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"No event {event_id}.")
    return event


def _pairs(items, option: str) -> dict[str, str]:
    """``CODE=VALUE`` options as a dict (``CODE=`` gives an empty value)."""
    out = {}
    for item in items:
        code, sep, value = item.partition("=")
        if not sep or not code.strip():
            raise click.BadParameter(f"write CODE=VALUE, not {item!r}", param_hint=option)
        out[code.strip()] = value.strip()
    return out


@scheme_cli.command("show")
@click.argument("event_id", type=int)
def show_command(event_id):
    """Print EVENT_ID's scoring rules as JSON (the API's GET answer)."""
    from competitions.organize.rules import rules_json

    click.echo(json.dumps(rules_json(_event(event_id)), ensure_ascii=False, indent=2))


@scheme_cli.command("set")
@click.argument("event_id", type=int)
@click.option("--json", "json_file", type=click.File("r", encoding="utf-8"),
              help="A JSON object of rules to change, as the API takes it ('-' reads standard input).")
@click.option("--pass-mark", "pass_marks", multiple=True, metavar="PART=MARK",
              help="A part's pass mark out of 100 (PART= clears it). Repeat per part.")
@click.option("--pass-total", help="Minimum total to pass ('' clears it).")
@click.option("--failed-placement", type=click.Choice(["ranked", "after"]))
@click.option("--precision", type=int, help="Decimals kept, compared and published (0-3).")
@click.option("--rank-style", type=click.Choice(["standard", "dense"]))
@click.option("--tie-break", "tie_break", multiple=True, help="part:CODE or time_used, in order (replaces the chain).")
@click.option("--no-tie-break", is_flag=True, help="Clear the individual tie-break chain.")
@click.option("--trim-min-judges", type=int, help="Drop highest and lowest from a panel of at least this many.")
@click.option("--award-mode", type=click.Choice(["bands", "proportions", "medals"]))
@click.option("--first", help="First prizes: places (bands) or per cent (proportions).")
@click.option("--second", help="Second prizes.")
@click.option("--third", help="Third prizes.")
@click.option("--honourable", help="Honourable mentions: places (bands) or per cent (proportions).")
@click.option("--rounding", type=click.Choice(["down", "up", "nearest"]), help="Proportions: rounding of a share.")
@click.option("--absent-are-entrants/--absent-are-not-entrants", default=None)
@click.option("--team-score", type=click.Choice(["sum", "mean", "best"]))
@click.option("--team-best", type=int, help="With --team-score best: how many members' results count.")
@click.option("--team-tie-break", "team_tie_break", multiple=True, help="time_used or part:CODE, in order.")
@click.option("--team-tie-mode", type=click.Choice(["shared", "no_tied_places"]))
@click.option("--judges", "judges", multiple=True, metavar="CRITERION=N", help="Judges a criterion needs.")
@click.option("--reading", "readings", multiple=True, metavar="CRITERION=MODE",
              help="once, or check:TOLERANCE[:first|mean] (a check reading within the tolerance).")
def set_command(event_id, json_file, pass_marks, pass_total, failed_placement, precision, rank_style, tie_break,
                no_tie_break, trim_min_judges, award_mode, first, second, third, honourable, rounding,
                absent_are_entrants, team_score, team_best, team_tie_break, team_tie_mode, judges, readings):
    """Change EVENT_ID's scoring rules; the rest of the scheme stays. All or nothing, checked as the form is."""
    from competitions.domain.errors import Phrase, RuleViolation, ValidationErrors
    from competitions.organize.rules import set_rules

    body: dict = {}
    if json_file is not None:
        try:
            body = json.load(json_file)
        except ValueError as error:
            raise click.BadParameter(f"not JSON: {error}", param_hint="--json") from None
        if not isinstance(body, dict):
            raise click.BadParameter("give a JSON object", param_hint="--json")
    if pass_marks:
        body.setdefault("pass_marks", {}).update(_pairs(pass_marks, "--pass-mark"))
    for name, value in (("pass_total", pass_total), ("failed_placement", failed_placement),
                        ("precision", precision), ("rank_style", rank_style), ("trim_min_judges", trim_min_judges),
                        ("absent_are_entrants", absent_are_entrants)):
        if value is not None:
            body[name] = value
    if tie_break or no_tie_break:
        body["tie_break"] = list(tie_break)
    award = {k: v for k, v in (("mode", award_mode), ("first", first), ("second", second), ("third", third),
                               ("honourable", honourable), ("rounding", rounding)) if v is not None}
    if award:
        body.setdefault("award", {}).update(award)
    team = {k: v for k, v in (("score", team_score), ("best", team_best), ("tie_mode", team_tie_mode)) if v is not None}
    if team_tie_break:
        team["tie_break"] = list(team_tie_break)
    if team:
        body.setdefault("team", {}).update(team)
    criteria: dict = body.setdefault("criteria", {}) if (judges or readings) else {}
    for code, value in _pairs(judges, "--judges").items():
        try:
            criteria.setdefault(code, {})["judges_required"] = int(value)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a whole number", param_hint="--judges") from None
    for code, value in _pairs(readings, "--reading").items():
        mode, _, rest = value.partition(":")
        setting = criteria.setdefault(code, {})
        setting["reading_mode"] = mode
        if rest:
            tolerance, _, counts = rest.partition(":")
            setting["tolerance"] = tolerance
            if counts:
                setting["check_counts"] = counts
    with operation():
        try:
            set_rules(_event(event_id), body)
        except ValidationErrors as error:  # every problem, not just their count
            raise RuleViolation("%(problems)s", problems="; ".join(
                str(Phrase(p["message"], p.get("params") or {})) for p in error.problems)) from None
    click.echo(f"Scoring rules of event {event_id} saved.")


def init_app(app: Flask) -> None:
    """Register the ``scheme`` group, and ``set`` as ``competitions scoring-rules`` (its older name)."""
    app.cli.add_command(scheme_cli)
    competitions_cli.add_command(set_command, "scoring-rules")
