"""Promotion rule sets as published documents: validation, the versioned JSON they travel as, the national presets.

* ``validate_rule_set`` refuses what a published rule set cannot mean: rules
  that contradict each other (two different levels for the same place in
  overlapping scopes, for the same people), rank ranges out of order, a cap
  below the target level, fractions outside (0, 1], a better place getting a
  lower level than a worse one (levels follow the ladder's order), a level
  target not above the current level the rule requires, unknown codes. Every
  problem names the rule and the field.
* A rule set travels as a JSON document: ``{"schema":
  "competitions.promotion.rule-set", "schema_version": 1, "name", "issuer",
  "description", "rules": [{"key", "name", "scope": {levels, classes, kinds,
  groups, trades}, "selection": {kind, rank_from, rank_to, fraction,
  fraction_of, rounding, prizes, min_score}, "conditions": {passed_every_part,
  min_total, level_relation, level, min_age, max_age, person, once_per_year},
  "outcomes": [{kind, level, cap, title, review}]}]}`` — codes as in
  ``domain.promotion``; numbers as strings or numbers; missing fields take the
  defaults. ``rule_set_from_document`` reads one and lists every problem
  (``ValidationErrors``), so a broken file changes nothing.
* The presets are the two national patterns (see their docstrings).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from competitions.domain.errors import N_, Code, ValidationErrors
from competitions.domain.inputs import (
    MAX_ID,
    InputError,
    bad_characters,
    describe_characters,
    parse_decimal,
    strip_invisible,
)
from competitions.domain.promotion import (
    _INDEX,
    CLASSES,
    COMPETITION_LEVELS,
    FRACTION_BASES,
    GROUPS,
    KINDS,
    LADDER,
    LEVEL_RELATIONS,
    PERSONS,
    PRIZES,
    ROUNDINGS,
    SCHEMA_ID,
    SCHEMA_VERSION,
    Conditions,
    Outcome,
    OutcomeKind,
    Rule,
    RuleSet,
    Scope,
    Selection,
    SelectionKind,
    _level_relation_holds,
    level_index,
)

# --- validation ----------------------------------------------------------------------------------


def validate_rule_set(rule_set: RuleSet) -> list[dict]:
    """Every problem of a rule set, each {"message", "params", "field", "rule"}; empty when it may be saved.

    Refused: an unknown code, a rank range out of order, a fraction outside
    0..1, a cap below the target level, a level outcome that cannot raise the
    level the rule's condition requires, a better place getting a lower level
    than a worse one in the same scope, and two rules giving different levels
    for the same place in the same scope.
    """
    problems: list[dict] = []
    keys = set()
    for index, rule in enumerate(rule_set.rules, start=1):
        name = rule.name or f"#{index}"
        if not rule.key or rule.key in keys:
            problems.append(_problem(name, "key", N_("Rule %(rule)s: every rule needs its own key.")))
        keys.add(rule.key)
        problems += _rule_problems(rule, name)
    if not problems:
        problems += _conflicts(rule_set.rules)
    return problems


def _problem(rule: str, field_name: str, message: str, **params) -> dict:
    return {"message": message, "params": {"rule": rule, **params}, "field": field_name, "rule": rule}


def _rule_problems(rule: Rule, name: str) -> list[dict]:
    out = []
    scope = rule.scope
    for field_name, values, allowed in (("levels", scope.levels, COMPETITION_LEVELS),
                                        ("classes", scope.classes, CLASSES), ("kinds", scope.kinds, KINDS),
                                        ("groups", scope.groups, GROUPS)):
        for value in values:
            if value not in allowed:
                out.append(_problem(name, field_name, N_("Rule %(rule)s: unknown value %(value)s."), value=value))
    out += _selection_problems(rule.selection, name)
    out += _condition_problems(rule.conditions, name)
    if not rule.outcomes:
        out.append(_problem(name, "outcomes", N_("Rule %(rule)s: give at least one outcome.")))
    for outcome in rule.outcomes:
        out += _outcome_problems(outcome, rule.conditions, name)
    return out


def _selection_problems(sel: Selection, name: str) -> list[dict]:
    out = []
    if sel.kind in (SelectionKind.RANK, SelectionKind.FRACTION, SelectionKind.TEAM):
        if sel.rank_from is None or sel.rank_from < 1:
            out.append(_problem(name, "rank_from", N_("Rule %(rule)s: places start at 1.")))
        elif sel.kind is not SelectionKind.FRACTION and sel.rank_to is None:
            out.append(_problem(name, "rank_to", N_("Rule %(rule)s: give the last place the rule selects.")))
        elif sel.rank_to is not None and sel.rank_to < sel.rank_from:
            out.append(_problem(name, "rank_to", N_("Rule %(rule)s: the places are out of order (%(first)s to"
                                                    " %(last)s)."), first=sel.rank_from, last=sel.rank_to))
    if sel.kind is SelectionKind.FRACTION:
        if sel.fraction is None or not (Decimal(0) < sel.fraction <= Decimal(1)):
            out.append(_problem(name, "fraction", N_("Rule %(rule)s: a fraction must be above 0 and at most 1"
                                                     " (%(value)s)."), value=sel.fraction))
        if sel.fraction_of not in FRACTION_BASES:
            out.append(_problem(name, "fraction_of", N_("Rule %(rule)s: a fraction is of the entrants or of the"
                                                        " finalists.")))
        if sel.rounding not in ROUNDINGS:
            out.append(_problem(name, "rounding", N_("Rule %(rule)s: round down, up or to the nearest place.")))
    if sel.kind is SelectionKind.AWARD and (not sel.prizes or any(p not in PRIZES for p in sel.prizes)):
        out.append(_problem(name, "prizes", N_("Rule %(rule)s: choose the prizes the rule selects.")))
    if sel.kind is SelectionKind.SCORE and (sel.min_score is None or sel.min_score < 0):
        out.append(_problem(name, "min_score", N_("Rule %(rule)s: give the score threshold (0 or more).")))
    return out


def _condition_problems(cond: Conditions, name: str) -> list[dict]:
    out = []
    if cond.level_relation is not None:
        if cond.level_relation not in LEVEL_RELATIONS or cond.level not in _INDEX:
            out.append(_problem(name, "level", N_("Rule %(rule)s: the current-level condition needs a relation and"
                                                  " a level.")))
    if cond.person not in PERSONS:
        out.append(_problem(name, "person", N_("Rule %(rule)s: unknown value %(value)s."), value=cond.person))
    for field_name, value in (("min_age", cond.min_age), ("max_age", cond.max_age)):
        if value is not None and not 14 <= value <= 80:
            out.append(_problem(name, field_name, N_("Rule %(rule)s: an age limit must be 14 to 80.")))
    if cond.min_age is not None and cond.max_age is not None and cond.min_age > cond.max_age:
        out.append(_problem(name, "max_age", N_("Rule %(rule)s: the age limits are out of order.")))
    if cond.min_total is not None and cond.min_total < 0:
        out.append(_problem(name, "min_total", N_("Rule %(rule)s: the minimum total cannot be negative.")))
    return out


def _outcome_problems(outcome: Outcome, cond: Conditions, name: str) -> list[dict]:
    out = []
    if outcome.kind in (OutcomeKind.HONOUR, OutcomeKind.NOMINATION):
        if not outcome.title.strip():
            out.append(_problem(name, "title", N_("Rule %(rule)s: name the honour title or nomination.")))
        return out
    if outcome.kind is not OutcomeKind.ONE_UP and outcome.level not in _INDEX:
        return [_problem(name, "level", N_("Rule %(rule)s: choose a level on the ladder."))]
    if outcome.cap is not None and outcome.cap not in _INDEX:
        return [_problem(name, "cap", N_("Rule %(rule)s: choose a level on the ladder."))]
    if outcome.cap is not None and outcome.kind is not OutcomeKind.ONE_UP and \
            level_index(outcome.cap) < level_index(outcome.level):
        out.append(_problem(name, "cap", N_("Rule %(rule)s: the cap %(cap)s is below the target level %(level)s."),
                            cap=Code("promotion_level", outcome.cap), level=Code("promotion_level", outcome.level)))
    if outcome.kind is OutcomeKind.LEVEL and cond.level_relation in ("at", "at_or_above") and cond.level in _INDEX \
            and level_index(outcome.level) <= level_index(cond.level):
        out.append(_problem(name, "level", N_("Rule %(rule)s: the target %(level)s is not above the current level"
                                              " %(current)s the rule requires; promotions go up the ladder."),
                            level=Code("promotion_level", outcome.level), current=Code("promotion_level", cond.level)))
    return out


def _rank_range(rule: Rule) -> tuple[int, int] | None:
    sel = rule.selection
    if sel.kind is SelectionKind.RANK and sel.rank_to is not None:
        return sel.rank_from, sel.rank_to
    return None


def _named_level(rule: Rule) -> str | None:
    return next((o.level for o in rule.outcomes if o.kind in (OutcomeKind.LEVEL, OutcomeKind.LEVEL_OR_NEXT)), None)


def _same_people(a: Rule, b: Rule) -> bool:
    """True when the two rules' conditions could hold for the same competitor (as far as level and person go)."""
    ca, cb = a.conditions, b.conditions
    if {ca.person, cb.person} == {"workers", "students"}:
        return False
    if ca.level_relation and cb.level_relation:
        return any(_level_relation_holds(code, ca.level_relation, ca.level)
                   and _level_relation_holds(code, cb.level_relation, cb.level) for code in LADDER)
    return True


def _conflicts(rules: Sequence[Rule]) -> list[dict]:
    """Rules in overlapping scopes: different levels for one place, or a better place getting a lower level."""
    out = []
    ranked = [(r, _rank_range(r), _named_level(r)) for r in rules]
    ranked = [(r, span, level) for r, span, level in ranked if span and level]
    for i, (a, span_a, level_a) in enumerate(ranked):
        for b, span_b, level_b in ranked[i + 1:]:
            if not (a.scope.overlaps(b.scope) and _same_people(a, b)):
                continue
            common = max(span_a[0], span_b[0])
            if common <= min(span_a[1], span_b[1]) and level_a != level_b:
                out.append(_problem(b.name, "rank_from", N_(
                    "Rules %(rule)s and %(other)s contradict each other: place %(place)s gets %(level)s from one and"
                    " %(other_level)s from the other in the same scope."), other=a.name, place=common,
                    level=Code("promotion_level", level_b), other_level=Code("promotion_level", level_a)))
                continue
            better, worse = (a, b) if span_a[1] < span_b[0] else (b, a) if span_b[1] < span_a[0] else (None, None)
            if better is not None and level_index(_named_level(better)) < level_index(_named_level(worse)):
                out.append(_problem(better.name, "level", N_(
                    "Rule %(rule)s gives a lower level (%(level)s) to better places than %(other)s gives"
                    " (%(other_level)s): levels must follow the ladder's order."), other=worse.name,
                    level=Code("promotion_level", _named_level(better)),
                    other_level=Code("promotion_level", _named_level(worse))))
    return out


def check_rule_set(rule_set: RuleSet) -> None:
    """Raise ``ValidationErrors`` listing every problem when the rule set may not be saved."""
    problems = validate_rule_set(rule_set)
    if problems:
        raise ValidationErrors(problems, N_("The rule set has %(count)d problem(s)."))


# --- documents (JSON) ----------------------------------------------------------------------------


def rule_set_to_document(rule_set: RuleSet) -> dict:
    """The rule set as a JSON-able document of schema ``SCHEMA_ID`` version ``SCHEMA_VERSION``."""
    return {
        "schema": SCHEMA_ID, "schema_version": SCHEMA_VERSION, "name": rule_set.name,
        "issuer": rule_set.issuer, "description": rule_set.description,
        "rules": [rule_to_dict(rule) for rule in rule_set.rules],
    }


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def rule_to_dict(rule: Rule) -> dict:
    """One rule as a document's dict."""
    sel, cond = rule.selection, rule.conditions
    return {
        "key": rule.key, "name": rule.name,
        "scope": {"levels": list(rule.scope.levels), "classes": list(rule.scope.classes),
                  "kinds": list(rule.scope.kinds), "groups": list(rule.scope.groups),
                  "trades": list(rule.scope.trades)},
        "selection": {"kind": sel.kind.value, "rank_from": sel.rank_from, "rank_to": sel.rank_to,
                      "fraction": _num(sel.fraction), "fraction_of": sel.fraction_of, "rounding": sel.rounding,
                      "prizes": list(sel.prizes), "min_score": _num(sel.min_score)},
        "conditions": {"passed_every_part": cond.passed_every_part, "min_total": _num(cond.min_total),
                       "level_relation": cond.level_relation, "level": cond.level, "min_age": cond.min_age,
                       "max_age": cond.max_age, "person": cond.person, "once_per_year": cond.once_per_year},
        "outcomes": [{"kind": o.kind.value, "level": o.level, "cap": o.cap, "title": o.title,
                      "review": o.review} for o in rule.outcomes],
    }


class _Reader:
    """Reads a document's values, collecting a problem (rule and field named) for every wrong one."""

    def __init__(self) -> None:
        self.problems: list[dict] = []

    def fail(self, rule: str, field_name: str, message: str, **params) -> None:
        self.problems.append(_problem(rule, field_name, message, **params))

    def obj(self, value, rule: str, field_name: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be an object."), field=field_name)
            return {}
        return value

    def codes(self, value, rule: str, field_name: str, allowed=None) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be a list of codes."), field=field_name)
            return ()
        bad = [v for v in value if allowed is not None and v not in allowed]
        if bad:
            self.fail(rule, field_name, N_("Rule %(rule)s: unknown value %(value)s."), value=bad[0])
        return tuple(v.strip() for v in value if v.strip())

    def integer(self, value, rule: str, field_name: str) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_ID:
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be a whole number."), field=field_name)
            return None
        return value

    def decimal(self, value, rule: str, field_name: str) -> Decimal | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be a number."), field=field_name)
            return None
        try:   # the shared number rules: ASCII digits, one point, bounded digits, finite (no 1e400, 1_0, ١٠)
            return parse_decimal(value, field=field_name)
        except InputError:
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be a number."), field=field_name)
            return None

    def choice(self, value, rule: str, field_name: str, allowed, default=None):
        if value is None:
            return default
        if value not in allowed:
            self.fail(rule, field_name, N_("Rule %(rule)s: unknown value %(value)s."), value=value)
            return default
        return value

    def flag(self, value, rule: str, field_name: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be true or false."), field=field_name)
            return False
        return value

    def text(self, value, rule: str, field_name: str, limit: int = 200) -> str:
        if value is None:
            return ""
        if not isinstance(value, str) or len(value) > limit:
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be text of at most %(limit)s characters."),
                      field=field_name, limit=limit)
            return ""
        bad = bad_characters(value)
        if bad:   # an ESC or vertical tab pasted into a title would land in the roster workbook and PDF
            self.fail(rule, field_name, N_("%(name)s contains a control character (%(chars)s), probably pasted from "
                                           "another program. Delete it and type the text again."),
                      name=f"{rule}: {field_name}", chars=describe_characters(bad))
            return ""
        return unicodedata.normalize("NFC", " ".join(strip_invisible(value).split()))


MAX_RULES = 200


def _default(value, default):
    return default if value is None else value


def rule_set_from_document(document: object) -> RuleSet:
    """Read and validate a rule set document; raise ``ValidationErrors`` naming every wrong rule and field."""
    if not isinstance(document, dict):
        raise ValidationErrors([{"message": N_("The file is not a rule set: it must be a JSON object."),
                                 "field": "file"}])
    if document.get("schema") != SCHEMA_ID:
        raise ValidationErrors([{"message": N_("The file is not a rule set (schema %(expected)s expected)."),
                                 "params": {"expected": SCHEMA_ID}, "field": "schema"}])
    if document.get("schema_version") != SCHEMA_VERSION:
        raise ValidationErrors([{"message": N_("Rule set schema version %(version)s is not supported (this system"
                                               " reads version %(supported)s)."),
                                 "params": {"version": document.get("schema_version"), "supported": SCHEMA_VERSION},
                                 "field": "schema_version"}])
    reader = _Reader()
    name = reader.text(document.get("name"), "-", "name")
    rules_in = document.get("rules")
    if not isinstance(rules_in, list) or len(rules_in) > MAX_RULES:
        reader.problems.append({"message": N_("The rules must be a list of at most %(limit)s rules."),
                                "params": {"limit": MAX_RULES}, "field": "rules"})
        rules_in = []
    rules = tuple(rule_from_dict(item, index, reader) for index, item in enumerate(rules_in, start=1))
    if not name:
        reader.problems.append({"message": N_("Give the rule set a name."), "field": "name"})
    if reader.problems:
        raise ValidationErrors(reader.problems, N_("The rule set has %(count)d problem(s)."))
    rule_set = RuleSet(name=name, rules=rules, description=reader.text(document.get("description"), "-",
                                                                       "description", 2000),
                       issuer=reader.text(document.get("issuer"), "-", "issuer"))
    check_rule_set(rule_set)
    return rule_set


def rule_from_dict(item: object, index: int, reader: _Reader | None = None) -> Rule:
    """One rule of a document; problems go to ``reader`` (a fresh one raises ``ValidationErrors`` at once)."""
    own = reader is None
    reader = reader or _Reader()
    label = f"#{index}"
    if not isinstance(item, dict):
        reader.fail(label, "rule", N_("Rule %(rule)s: a rule must be an object."))
        item = {}
    label = reader.text(item.get("name"), label, "name") or label
    scope_in = reader.obj(item.get("scope"), label, "scope")
    sel_in = reader.obj(item.get("selection"), label, "selection")
    cond_in = reader.obj(item.get("conditions"), label, "conditions")
    outcomes_in = item.get("outcomes")
    if not isinstance(outcomes_in, list) or len(outcomes_in) > 10:
        reader.fail(label, "outcomes", N_("Rule %(rule)s: outcomes must be a list of at most 10."))
        outcomes_in = []
    scope = Scope(
        levels=reader.codes(scope_in.get("levels"), label, "levels", COMPETITION_LEVELS),
        classes=reader.codes(scope_in.get("classes"), label, "classes", CLASSES),
        kinds=reader.codes(scope_in.get("kinds"), label, "kinds", KINDS),
        groups=reader.codes(scope_in.get("groups"), label, "groups", GROUPS),
        trades=reader.codes(scope_in.get("trades"), label, "trades"),
    )
    kind = reader.choice(sel_in.get("kind"), label, "kind", [k.value for k in SelectionKind], "rank")
    selection = Selection(
        kind=SelectionKind(kind),
        rank_from=_default(reader.integer(sel_in.get("rank_from"), label, "rank_from"), 1),
        rank_to=reader.integer(sel_in.get("rank_to"), label, "rank_to"),
        fraction=reader.decimal(sel_in.get("fraction"), label, "fraction"),
        fraction_of=reader.choice(sel_in.get("fraction_of"), label, "fraction_of", FRACTION_BASES, "finalists"),
        rounding=reader.choice(sel_in.get("rounding"), label, "rounding", ROUNDINGS, "down"),
        prizes=reader.codes(sel_in.get("prizes"), label, "prizes", PRIZES),
        min_score=reader.decimal(sel_in.get("min_score"), label, "min_score"),
    )
    conditions = Conditions(
        passed_every_part=reader.flag(cond_in.get("passed_every_part"), label, "passed_every_part"),
        min_total=reader.decimal(cond_in.get("min_total"), label, "min_total"),
        level_relation=reader.choice(cond_in.get("level_relation"), label, "level_relation", LEVEL_RELATIONS),
        level=reader.choice(cond_in.get("level"), label, "level", LADDER),
        min_age=reader.integer(cond_in.get("min_age"), label, "min_age"),
        max_age=reader.integer(cond_in.get("max_age"), label, "max_age"),
        person=reader.choice(cond_in.get("person"), label, "person", PERSONS, "any"),
        once_per_year=reader.flag(cond_in.get("once_per_year"), label, "once_per_year"),
    )
    outcomes = []
    for raw in outcomes_in:
        raw = reader.obj(raw, label, "outcomes")
        okind = reader.choice(raw.get("kind"), label, "outcome", [k.value for k in OutcomeKind], None)
        if okind is None:
            if "kind" not in raw:
                reader.fail(label, "outcome", N_("Rule %(rule)s: every outcome needs a kind."))
            continue
        outcomes.append(Outcome(
            kind=OutcomeKind(okind), level=reader.choice(raw.get("level"), label, "level", LADDER),
            cap=reader.choice(raw.get("cap"), label, "cap", LADDER),
            title=reader.text(raw.get("title"), label, "title"),
            review=reader.flag(raw.get("review"), label, "review"),
        ))
    rule = Rule(key=reader.text(item.get("key"), label, "key", 40) or f"R{index}", name=label, scope=scope,
                selection=selection, conditions=conditions, outcomes=tuple(outcomes))
    if own and reader.problems:
        raise ValidationErrors(reader.problems, N_("The rule set has %(count)d problem(s)."))
    return rule


# --- the two national presets --------------------------------------------------------------------

NATIONAL_EXPERT = "全国技术能手"


def preset_workers_contest() -> RuleSet:
    """National workers' vocational skills contest (全国职工职业技能大赛).

    Workers' group: top 5 of each trade -> technician, or senior technician if
    already technician, plus the title National Technical Expert; 6th-20th ->
    senior worker, or technician if already senior worker. Students' group:
    top 5 -> senior worker; no titles.
    """
    workers = Scope(levels=("national",), groups=("workers",))
    return RuleSet(
        name="全国职工职业技能大赛（职工组、学生组）",
        issuer="中华全国总工会",
        description="职工组：各工种前5名晋升技师（已是技师的晋升高级技师），授予全国技术能手称号；第6至20名晋升高级工"
                    "（已是高级工的晋升技师）。学生组：前5名晋升高级工，不授予称号。",
        rules=(
            Rule("W1", "职工组前5名", workers, Selection(SelectionKind.RANK, 1, 5),
                 Conditions(passed_every_part=True, person="workers"),
                 (Outcome(OutcomeKind.LEVEL_OR_NEXT, "technician", cap="senior_technician"),
                  Outcome(OutcomeKind.HONOUR, title=NATIONAL_EXPERT))),
            Rule("W2", "职工组第6至20名", workers, Selection(SelectionKind.RANK, 6, 20),
                 Conditions(passed_every_part=True, person="workers"),
                 (Outcome(OutcomeKind.LEVEL_OR_NEXT, "senior", cap="technician"),)),
            Rule("S1", "学生组前5名", Scope(levels=("national",), groups=("students",)),
                 Selection(SelectionKind.RANK, 1, 5), Conditions(passed_every_part=True),
                 (Outcome(OutcomeKind.LEVEL, "senior"),)),
        ),
    )


def preset_skills_contest() -> RuleSet:
    """National skills contest (全国技能大赛, 2020 and 2023).

    Gold, silver and bronze go to the top 3 with no tied places, an honourable
    mention to the rest of the top half (the results' "medals" award rule):
    honourable mention or better -> technician, or senior technician if
    already technician; top 5 -> National Technical Expert.
    """
    national = Scope(levels=("national",))
    return RuleSet(
        name="全国技能大赛（2020、2023）",
        issuer="人力资源和社会保障部",
        description="获得优胜奖及以上的晋升技师（已是技师的晋升高级技师）；前5名授予全国技术能手称号。",
        rules=(
            Rule("N1", "优胜奖及以上", national,
                 Selection(SelectionKind.AWARD, prizes=("first", "second", "third", "honourable")),
                 Conditions(passed_every_part=True),
                 (Outcome(OutcomeKind.LEVEL_OR_NEXT, "technician", cap="senior_technician"),)),
            Rule("N2", "前5名", national, Selection(SelectionKind.RANK, 1, 5), Conditions(passed_every_part=True),
                 (Outcome(OutcomeKind.HONOUR, title=NATIONAL_EXPERT),)),
        ),
    )


PRESETS = {"workers_contest": preset_workers_contest, "skills_contest": preset_skills_contest}
