"""An event's scoring rules as one JSON object: read, and changed in part, by the CLI and the JSON API alike.

The same settings the organizer's marking-scheme form edits: pass marks and
the minimum total, the placement of those who did not pass, precision,
ranking style, the individual tie-break chain (a part's mark, time used),
the trimmed-mean panel size, absent as entrants, the award rule (mode,
amounts, honourable mentions, rounding), the team rules (team events) and,
per criterion, its judges and readings (read once, or a check reading within
a tolerance). A change names any subset; the rest of the stored scheme stays.

One validation for all three ways in: the change is laid over the stored
scheme (``scheme_draft_of``) with numbers read by the shared parser
(``domain.inputs.parse_decimal``: no 1e400, 1_0 or Arabic-Indic digits), then
saved through ``services.save_scheme``, the very check the form's save runs
(``domain.schemes.validate_scheme`` + the award rule), all or nothing.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from competitions.domain.errors import RuleViolation
from competitions.domain.inputs import parse_decimal
from competitions.domain.points import plain_decimal
from competitions.organize.models import Event
from competitions.organize.services import award_rule_data_of, save_scheme, scheme_draft_of

FIELDS = ("failed_placement", "precision", "rank_style", "absent_are_entrants", "trim_min_judges")
TEAM_FIELDS = {"score": "team_score", "best": "team_best", "tie_break": "team_tie_break", "tie_mode": "team_tie_mode"}
CRITERION_FIELDS = ("judges_required", "reading_mode", "tolerance", "check_counts")
TOP_KEYS = frozenset({"event_id", "pass_marks", "pass_total", "tie_break", "award", "team", "criteria", *FIELDS})
AWARD_FIELDS = ("mode", "first", "second", "third", "honourable", "rounding")


def _shown_key(key: str) -> str:
    """A key as a refusal quotes it: at most 40 characters, control characters shown as U+XXXX."""
    text = "".join(ch if ch.isprintable() else f"U+{ord(ch):04X}" for ch in key[:40])
    return text + ("…" if len(key) > 40 else "")


def _known_keys(body: dict, allowed, where: str) -> None:
    """RuleViolation naming every key of ``body`` that is not an ``allowed`` setting, and the settings there are
    (a misspelt setting is refused, never silently ignored)."""
    unknown = sorted(set(body) - set(allowed))
    if not unknown:
        return
    names = ", ".join(_shown_key(k) for k in unknown[:5]) + (" …" if len(unknown) > 5 else "")
    if where == "body":
        raise RuleViolation("Unknown setting %(names)s; the settings are %(allowed)s.", field="body", names=names,
                            allowed=", ".join(sorted(allowed)))
    raise RuleViolation("Unknown setting %(names)s in %(where)s; the settings there are %(allowed)s.",
                        field=where, names=names, where=where, allowed=", ".join(sorted(allowed)))


def _text(value: Decimal | None) -> str | None:
    """A stored number as the form shows it: 60, 12.5 (never 6E+1)."""
    return None if value is None else str(plain_decimal(value))


def rules_json(event: Event) -> dict:
    """The event's scoring rules as the API and ``flask --app wsgi scheme show`` give them."""
    draft, award = scheme_draft_of(event), award_rule_data_of(event)
    return {
        "event_id": event.id, "pass_marks": {p.code: _text(p.pass_mark) for p in draft.parts},
        "pass_total": _text(draft.pass_total), **{name: getattr(draft, name) for name in FIELDS},
        "tie_break": list(draft.tie_break),
        "award": {"mode": award.mode, "first": _text(award.first), "second": _text(award.second),
                  "third": _text(award.third), "honourable": _text(award.honourable), "rounding": award.rounding},
        "team": {"score": draft.team_score, "best": draft.team_best, "tie_break": list(draft.team_tie_break),
                 "tie_mode": draft.team_tie_mode} if event.is_team else None,
        "criteria": {c.code: {"judges_required": c.judges_required, "reading_mode": c.reading_mode,
                              "tolerance": _text(c.tolerance) if c.reading_mode == "check" else None,
                              "check_counts": c.check_counts} for c in draft.criteria},
    }


def _number(value, field: str, places: int | None = None) -> Decimal | None:
    """The shared number rules (ASCII digits, one point, bounded digits; no 1e400, 1_0 or ٣)."""
    if value is None or value == "":
        return None
    return parse_decimal(value, field=field, places=places)


def _object(value, field: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RuleViolation("Send a JSON object.", field=field)
    return value


def _strings(value, field: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise RuleViolation("Send a list of texts.", field=field)
    return tuple(value)


def _whole(value, field: str, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 10**6:
        raise RuleViolation("Send a whole number for %(name)s.", field=field, name=field)
    return value


def _choice(value, field: str) -> str:
    if not isinstance(value, str):
        raise RuleViolation("Send a text for %(name)s.", field=field, name=field)
    return value


def _criteria(draft, body: dict) -> tuple:
    """The criteria with the changes of ``body["criteria"]`` ({code: {judges_required, reading_mode, ...}})."""
    changes = _object(body.get("criteria"), "criteria")
    codes = {c.code for c in draft.criteria}
    if set(changes) - codes:
        raise RuleViolation("A setting is given for a criterion this scheme does not have.", field="criteria")
    out = []
    for criterion in draft.criteria:
        change = _object(changes.get(criterion.code), f"criteria.{criterion.code}")
        _known_keys(change, CRITERION_FIELDS, f"criteria.{criterion.code}")
        values = {}
        if "judges_required" in change:
            values["judges_required"] = _whole(change["judges_required"], "judges_required")
        for name in ("reading_mode", "check_counts"):
            if name in change:
                values[name] = _choice(change[name], name)
        if "tolerance" in change:
            values["tolerance"] = _number(change["tolerance"], "tolerance", 2)
        out.append(replace(criterion, **values))
    return tuple(out)


def apply_changes(event: Event, body: dict):
    """The stored draft and award rule with ``body``'s settings laid over them (types checked, rules not yet)."""
    if not isinstance(body, dict):
        raise RuleViolation("Send a JSON object.", field="body")
    _known_keys(body, TOP_KEYS, "body")
    draft, award = scheme_draft_of(event), award_rule_data_of(event)
    marks = _object(body.get("pass_marks"), "pass_marks")
    if set(marks) - {p.code for p in draft.parts}:
        raise RuleViolation("A pass mark is set for a part this scheme does not have.", field="pass_marks")
    parts = tuple(replace(p, pass_mark=_number(marks[p.code], "pass_marks", 2) if p.code in marks else p.pass_mark)
                  for p in draft.parts)
    changes: dict = {"parts": parts, "criteria": _criteria(draft, body)}
    if "pass_total" in body:
        changes["pass_total"] = _number(body["pass_total"], "pass_total", 2)
    for name in ("failed_placement", "rank_style"):
        if name in body:
            changes[name] = _choice(body[name], name)
    for name in ("precision", "trim_min_judges"):
        if name in body:
            changes[name] = _whole(body[name], name)
    if "absent_are_entrants" in body:
        if not isinstance(body["absent_are_entrants"], bool):
            raise RuleViolation("Send true or false for %(name)s.", field="absent_are_entrants",
                                name="absent_are_entrants")
        changes["absent_are_entrants"] = body["absent_are_entrants"]
    if "tie_break" in body:
        changes["tie_break"] = _strings(body["tie_break"], "tie_break")
    team = _object(body.get("team"), "team")
    _known_keys(team, TEAM_FIELDS, "team")
    for key, name in TEAM_FIELDS.items():
        if key not in team:
            continue
        if key == "tie_break":
            changes[name] = _strings(team[key], "team.tie_break")
        elif key == "best":
            changes[name] = _whole(team[key], "team.best", optional=True)
        else:
            changes[name] = _choice(team[key], f"team.{key}")
    award_body = _object(body.get("award"), "award")
    _known_keys(award_body, AWARD_FIELDS, "award")
    for key in ("first", "second", "third", "honourable"):
        if key in award_body:
            award = replace(award, **{key: _number(award_body[key], f"award.{key}")})
    for key in ("mode", "rounding"):
        if key in award_body:
            award = replace(award, **{key: _choice(award_body[key], f"award.{key}")})
    return replace(draft, **changes), award


def set_rules(event: Event, body: dict) -> dict:
    """Change any subset of the event's scoring rules, all or nothing (raises ``ValidationErrors`` naming each
    problem, or ``RuleViolation``/``InvalidState``); returns the rules as they now are. Flushes, never commits."""
    save_scheme(event, *apply_changes(event, body))
    return rules_json(event)
