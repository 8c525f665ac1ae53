"""A labour competition's publication rules: stored settings turned into the domain's rules, and changed.

The assessment rules (考评办法) say how a period is ranked (tie-breaks after
the total, where vetoed units stand), who receives the rotating red flag, what
money each place brings, how the periods add up (weighted sum or mean,
missing and vetoed periods) and which final honours are given. A competition
without stored rules uses the defaults: ties share places, vetoed units are
listed without a place, no flag on a tied top, no money, weighted sum with
missing and vetoed periods as 0, one veto bars final honours, no honours.

Settings come from the rules form, the command line or the JSON API as one
dict (``save_rules``); every value is checked by the domain before anything is
stored, and the change is audited with the old and new settings.
"""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from competitions.audit.services import record
from competitions.domain import labour_cumulative as cumulative
from competitions.domain import labour_flag as flag
from competitions.domain import labour_honours as honours
from competitions.domain import labour_money as money
from competitions.domain import labour_ranking as ranking
from competitions.domain.errors import N_, Phrase, RuleViolation
from competitions.domain.inputs import InputError, parse_decimal, parse_int
from competitions.extensions import db
from competitions.labour.models import LabourIndicatorGroup
from competitions.labour_results.models import LabourPublicationRules
from competitions.organize.models import Competition

MAX_REWARDS = 50
MAX_HONOUR_RULES = 10
PARTICIPANT_KINDS = ("section", "enterprise", "workshop", "team")
FIELDS = ("tie_break", "veto_placement", "flag_on_tie", "flag_min_total", "rewards", "last_place_penalty",
          "veto_money", "veto_penalty", "money_ties", "combine", "missing", "veto_count", "honours_veto_limit",
          "cumulative_tie_break", "honours", "individuals_per_honoured_unit", "individuals_per_other_unit")


def rules_of(competition_id: int) -> LabourPublicationRules:
    """The competition's stored rules, or an unsaved row holding the defaults."""
    row = db.session.execute(select(LabourPublicationRules).where(
        LabourPublicationRules.competition_id == competition_id)).scalar_one_or_none()
    if row is not None:
        return row
    return LabourPublicationRules(
        competition_id=competition_id, tie_break=[], veto_placement="unplaced", flag_on_tie="none",
        flag_min_total=None, rewards=[], last_place_penalty=Decimal("0"), veto_money="nothing",
        veto_penalty=Decimal("0"), money_ties="each", combine="weighted_sum", missing="zero", veto_count="zero",
        honours_veto_limit=1, cumulative_tie_break=[], honours=[], individuals_per_honoured_unit=0,
        individuals_per_other_unit=0)


def group_codes(competition_id: int) -> list[str]:
    """The codes of the competition's indicator groups (what ``group:<code>`` tie-breaks may name)."""
    return list(db.session.execute(select(LabourIndicatorGroup.code).where(
        LabourIndicatorGroup.competition_id == competition_id)).scalars())


def period_chain(rules: LabourPublicationRules, codes: list[str] | None = None) -> tuple[ranking.ChainKey, ...]:
    """The period ranking's chain (the total, then the declared tie-breaks)."""
    return ranking.period_chain(rules.tie_break or [], codes)


def flag_rule(rules: LabourPublicationRules) -> flag.FlagRule:
    """The red flag's rule."""
    return flag.FlagRule(flag.FlagTie(rules.flag_on_tie or "none"), rules.flag_min_total)


def money_rule(rules: LabourPublicationRules) -> money.MoneyRule:
    """The money rule (amounts in yuan)."""
    return money.MoneyRule(tuple(Decimal(str(a)) for a in rules.rewards or ()), Decimal(rules.last_place_penalty or 0),
                           money.VetoMoney(rules.veto_money or "nothing"), Decimal(rules.veto_penalty or 0),
                           money.TieMoney(rules.money_ties or "each"))


def cumulative_rule(rules: LabourPublicationRules, weights: dict[int, Decimal]) -> cumulative.CumulativeRule:
    """The cumulative standing's rule with the periods' weights (by period number)."""
    return cumulative.CumulativeRule(
        cumulative.Combine(rules.combine or "weighted_sum"), weights, cumulative.Missing(rules.missing or "zero"),
        cumulative.VetoCount(rules.veto_count or "zero"), rules.honours_veto_limit,
        tuple(rules.cumulative_tie_break or ()))


def honour_rules(rules: LabourPublicationRules) -> list[honours.HonourRule]:
    """The collective honours' rules in their stated order."""
    return [honours.HonourRule(honours.HonourKind(item["kind"]), int(item["count"]),
                               tuple(item.get("participant_kinds") or PARTICIPANT_KINDS),
                               None if item.get("min_total") in (None, "") else Decimal(str(item["min_total"])),
                               honours.CutTies(item.get("ties_at_cut") or "include"))
            for item in rules.honours or ()]


def individual_quota(rules: LabourPublicationRules) -> honours.IndividualQuota:
    """How many advanced individuals units may name."""
    return honours.IndividualQuota(rules.individuals_per_honoured_unit or 0, rules.individuals_per_other_unit or 0)


def rules_json(rules: LabourPublicationRules) -> dict:
    """The settings as the API and the audit trail show them (amounts and points as strings)."""
    def text(value):
        return None if value is None else str(value)

    return {
        "tie_break": list(rules.tie_break or []), "veto_placement": rules.veto_placement,
        "flag_on_tie": rules.flag_on_tie, "flag_min_total": text(rules.flag_min_total),
        "rewards": [str(a) for a in rules.rewards or []], "last_place_penalty": text(rules.last_place_penalty),
        "veto_money": rules.veto_money, "veto_penalty": text(rules.veto_penalty), "money_ties": rules.money_ties,
        "combine": rules.combine, "missing": rules.missing, "veto_count": rules.veto_count,
        "honours_veto_limit": rules.honours_veto_limit, "cumulative_tie_break": list(rules.cumulative_tie_break or []),
        "honours": list(rules.honours or []), "individuals_per_honoured_unit": rules.individuals_per_honoured_unit,
        "individuals_per_other_unit": rules.individuals_per_other_unit,
    }


# --- reading and checking a change ----------------------------------------------------------------


def _choice(data: dict, name: str, allowed: tuple[str, ...], current: str) -> str:
    value = data.get(name, current)
    if value not in allowed:
        raise RuleViolation(N_("%(name)s must be one of: %(choices)s."), field=name, name=name,
                            choices=", ".join(allowed))
    return value


# What a message calls a setting: the rules form's label, in the reader's language.
LABELS = {
    "rewards": N_("Rewards by place (yuan)"),
    "last_place_penalty": N_("Last-place penalty (yuan)"),
    "veto_penalty": N_("Veto penalty (yuan)"),
    "flag_min_total": N_("Minimum total for the red flag"),
}
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:[,，]\d{3})+(?![\d.])")
_REWARD_SEPARATORS = re.compile(r"\s*[,，、;；\n]\s*|\s+")


def _label(name: str) -> Phrase | str:
    return Phrase(LABELS[name], {}) if name in LABELS else name


def _amount(value, name: str, *, maximum: str = "99999999.99", places: int = 2) -> Decimal:
    try:
        return parse_decimal(value, minimum=0, maximum=Decimal(maximum), places=places)
    except (InputError, TypeError):
        raise RuleViolation(N_("%(name)s must be a number from 0 to %(max)s with at most %(places)d decimals."),
                            field=name, name=_label(name), max=maximum, places=places) from None


def reward_list(text: str) -> list[str]:
    """The amounts typed for places 1, 2, 3 ... (``"5000, 3000, 1000"`` → ``["5000", "3000", "1000"]``).

    Places are separated by commas (ASCII or full-width), 、, semicolons, spaces
    or new lines. Refused (RuleViolation on ``rewards``) rather than read with
    another meaning: an empty place between two separators (``5000,,3000``
    would move 3,000 yuan to second place: write 0 for a place without money),
    and what reads like a thousands separator (``5,000`` is five thousand to a
    clerk but two places to a list; ``500, 300`` with a space is two places).
    """
    text = text.strip().rstrip(",，、;；").strip()
    if not text:
        return []
    found = _THOUSANDS.search(text)
    if found:
        raise RuleViolation(N_("“%(value)s” reads like a number with a thousands separator. Write 5000, not 5,000; "
                               "to list places, put a space after each comma (500, 300)."),
                            field="rewards", value=found.group(0)[:20])
    parts = _REWARD_SEPARATORS.split(text)
    for place, part in enumerate(parts, start=1):
        if not part:
            raise RuleViolation(N_("Place %(place)d has no amount: write 0 for a place without money."),
                                field="rewards", place=place)
    return parts


def _count(value, name: str, *, minimum: int = 0, maximum: int = 1000, optional: bool = False) -> int | None:
    if optional and value in (None, ""):
        return None
    try:
        return parse_int(value, minimum=minimum, maximum=maximum)
    except (InputError, TypeError):
        raise RuleViolation(N_("%(name)s must be a whole number from %(min)d to %(max)d."),
                            field=name, name=name, min=minimum, max=maximum) from None


def _texts(value, name: str) -> list[str]:
    if isinstance(value, str):
        value = [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or len(value) > 10:
        raise RuleViolation(N_("%(name)s must be a list of at most ten names."), field=name, name=name)
    return [v.strip() for v in value]


def _honours(value) -> list[dict]:
    if not isinstance(value, list) or len(value) > MAX_HONOUR_RULES:
        raise RuleViolation(N_("Honours must be a list of at most %(max)d rules."), field="honours",
                            max=MAX_HONOUR_RULES)
    cleaned = []
    for item in value:
        if not isinstance(item, dict):
            raise RuleViolation(N_("Each honour rule must name its kind and count."), field="honours")
        kinds = item.get("participant_kinds") or list(PARTICIPANT_KINDS)
        if not isinstance(kinds, list) or not kinds or any(k not in PARTICIPANT_KINDS for k in kinds):
            raise RuleViolation(N_("An honour must be open to units, teams or both."), field="honours")
        try:
            kind = honours.HonourKind(item.get("kind"))
            cut = honours.CutTies(item.get("ties_at_cut") or "include")
        except ValueError:
            raise RuleViolation(N_("Each honour rule must name its kind and count."), field="honours") from None
        count = _count(item.get("count"), "honours", minimum=1, maximum=honours.MAX_HONOURS)
        floor = None if item.get("min_total") in (None, "") else _amount(item["min_total"], "honours",
                                                                          maximum="1000")
        honours.check_honour_rule(honours.HonourRule(kind, count, tuple(kinds), floor, cut))
        cleaned.append({"kind": kind.value, "count": count, "participant_kinds": list(dict.fromkeys(kinds)),
                        "min_total": None if floor is None else str(floor), "ties_at_cut": cut.value})
    return cleaned


def checked_settings(competition_id: int, data: dict, current: LabourPublicationRules) -> dict:
    """The new settings from ``data`` (fields it leaves out keep ``current``); RuleViolation naming a bad one."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise RuleViolation(N_("Unknown setting: %(name)s."), field=unknown[0], name=unknown[0])
    old = rules_json(current)
    merged = {**old, **data}
    codes = group_codes(competition_id)
    new: dict = {}
    new["tie_break"] = _texts(merged["tie_break"], "tie_break")
    ranking.period_chain(new["tie_break"], codes)
    new["veto_placement"] = _choice(merged, "veto_placement", tuple(ranking.VetoPlacement), current.veto_placement)
    new["flag_on_tie"] = _choice(merged, "flag_on_tie", tuple(flag.FlagTie), current.flag_on_tie)
    new["flag_min_total"] = (None if merged["flag_min_total"] in (None, "")
                             else _amount(merged["flag_min_total"], "flag_min_total", maximum="1000"))
    rewards = merged["rewards"]
    if isinstance(rewards, str):
        rewards = reward_list(rewards)
    if not isinstance(rewards, list) or len(rewards) > MAX_REWARDS:
        raise RuleViolation(N_("Rewards must be a list of at most %(max)d amounts."), field="rewards", max=MAX_REWARDS)
    new["rewards"] = []
    for place, amount in enumerate(rewards, start=1):
        try:
            new["rewards"].append(parse_decimal(amount, minimum=0, maximum=Decimal("99999999.99"), places=2))
        except (InputError, TypeError):
            raise RuleViolation(N_("Place %(place)d: “%(value)s” is not an amount from 0 to 99999999.99 yuan with at "
                                   "most 2 decimals."), field="rewards", place=place,
                                value=str(amount)[:20]) from None
    new["last_place_penalty"] = _amount(merged["last_place_penalty"] or 0, "last_place_penalty")
    new["veto_money"] = _choice(merged, "veto_money", tuple(money.VetoMoney), current.veto_money)
    new["veto_penalty"] = _amount(merged["veto_penalty"] or 0, "veto_penalty")
    new["money_ties"] = _choice(merged, "money_ties", tuple(money.TieMoney), current.money_ties)
    money.check_money_rule(money.MoneyRule(tuple(new["rewards"]), new["last_place_penalty"],
                                           money.VetoMoney(new["veto_money"]), new["veto_penalty"],
                                           money.TieMoney(new["money_ties"])))
    new["rewards"] = [str(a) for a in new["rewards"]]
    new["combine"] = _choice(merged, "combine", tuple(cumulative.Combine), current.combine)
    new["missing"] = _choice(merged, "missing", tuple(cumulative.Missing), current.missing)
    new["veto_count"] = _choice(merged, "veto_count", tuple(cumulative.VetoCount), current.veto_count)
    new["honours_veto_limit"] = _count(merged["honours_veto_limit"], "honours_veto_limit", minimum=1,
                                       optional=True)
    new["cumulative_tie_break"] = _texts(merged["cumulative_tie_break"], "cumulative_tie_break")
    cumulative.check_cumulative_rule(cumulative.CumulativeRule(
        tie_break=tuple(new["cumulative_tie_break"]), honours_veto_limit=new["honours_veto_limit"]))
    new["honours"] = _honours(merged["honours"])
    new["individuals_per_honoured_unit"] = _count(merged["individuals_per_honoured_unit"] or 0,
                                                  "individuals_per_honoured_unit", maximum=100)
    new["individuals_per_other_unit"] = _count(merged["individuals_per_other_unit"] or 0,
                                               "individuals_per_other_unit", maximum=100)
    return new


def save_rules(competition: Competition, data: dict, *, actor_id: int | None) -> LabourPublicationRules:
    """Check and store the competition's publication rules (all or nothing); audited with old and new values.

    Rules apply to periods published from now on: a published period keeps
    the ranking, flag and money it was published with.
    """
    if competition.kind != "labor":
        raise RuleViolation(N_("Only labour competitions have period rankings and a red flag."), field="competition")
    current = rules_of(competition.id)
    old = rules_json(current)
    settings = checked_settings(competition.id, data, current)
    if current.id is None:
        db.session.add(current)
    for name, value in settings.items():
        setattr(current, name, value)
    current.updated_by_id = actor_id
    db.session.flush()
    new = rules_json(current)
    if new != old:
        record("labour_rules_changed", actor_id=actor_id, object_type="competition", object_id=competition.id,
               competition_id=competition.id, old=old, new=new)
    return current
