"""Rule sets as data: create, edit rule by rule, load a preset, import and export, and which one applies.

The practice: each issuer (a city federation, a provincial department)
publishes its own promotion rules and changes them between years. Here a rule
set is stored as the versioned JSON document of ``domain.promotion_rule_sets`` (schema
in ``competitions/domain/promotion_rule_sets.py``); every save validates the whole set
(``domain.promotion_rule_sets.check_rule_set``) so rules that contradict each other,
ranges out of order, a cap below the target, fractions outside 0..1 and
outcomes against the ladder's order are refused with the rule and the field
named. Importing a broken file changes nothing and lists what is wrong.

Which rule set a competition uses: the one assigned to it, else the active
rule set of the nearest organization above it (its own organizer first, then
the district, then the city federation). Services flush; the caller commits.
"""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import select

from competitions.audit.services import record
from competitions.domain import promotion as rules
from competitions.domain import promotion_rule_sets as documents
from competitions.domain.errors import N_, NotFound, RuleViolation, ValidationErrors
from competitions.extensions import db
from competitions.organize.models import Competition
from competitions.orgs.models import Organization
from competitions.promotion.models import PromotionAssignment, PromotionRuleSet

MAX_IMPORT_BYTES = 512 * 1024


def rule_set_of(row: PromotionRuleSet) -> rules.RuleSet:
    """The stored rule set as the domain's ``RuleSet`` (stored documents were validated when saved)."""
    document = dict(row.document or {})
    document.update(schema=rules.SCHEMA_ID, schema_version=rules.SCHEMA_VERSION, name=row.name,
                    issuer=row.issuer, description=row.description)
    document.setdefault("rules", [])
    return rules.RuleSet(name=row.name, issuer=row.issuer, description=row.description,
                         rules=tuple(documents.rule_from_dict(r, i) for i, r in enumerate(document["rules"], start=1)))


def _store(row: PromotionRuleSet, rule_set: rules.RuleSet) -> None:
    """Validate ``rule_set`` as a whole and write it into ``row`` (a new version when the rules changed)."""
    documents.check_rule_set(rule_set)
    document = documents.rule_set_to_document(rule_set)
    if row.document and row.document.get("rules") != document["rules"]:
        row.version = (row.version or 1) + 1
    row.name, row.issuer, row.description = rule_set.name, rule_set.issuer, rule_set.description
    row.document = {"rules": document["rules"]}


def create_rule_set(*, name: str, issuer: str = "", description: str = "", organization_id: int | None,
                    actor_id: int | None, base: rules.RuleSet | None = None, source: str = "form") -> PromotionRuleSet:
    """A new (inactive) rule set, empty or a copy of ``base`` (a preset, an imported document)."""
    name = " ".join((name or "").split())
    if not name:
        raise RuleViolation("Give the rule set a name.", field="name")
    rule_set = replace(base or rules.RuleSet(name=name), name=name, issuer=issuer.strip() or (base.issuer if base
                                                                                             else ""),
                       description=description.strip() or (base.description if base else ""))
    row = PromotionRuleSet(organization_id=organization_id, created_by_id=actor_id, source=source, active=False,
                           version=1, document={})
    _store(row, rule_set)
    db.session.add(row)
    db.session.flush()
    record("promotion_rule_set_created", actor_id=actor_id, object_type="promotion_rule_set", object_id=row.id,
           new={"name": row.name, "source": source, "rules": len(rule_set.rules)})
    return row


def load_preset(code: str, *, organization_id: int | None, actor_id: int | None) -> PromotionRuleSet:
    """A new rule set copied from a national preset (``domain.promotion.PRESETS``)."""
    maker = documents.PRESETS.get(code)
    if maker is None:
        raise NotFound("No preset called %(code)s.", code=code)
    preset = maker()
    return create_rule_set(name=preset.name, organization_id=organization_id, actor_id=actor_id, base=preset,
                           source="preset")


def save_rule(row: PromotionRuleSet, rule: rules.Rule, *, original_key: str | None, actor_id: int | None) -> None:
    """Add a rule, or replace the rule keyed ``original_key``; the whole set must stay valid."""
    current = rule_set_of(row)
    kept = [r for r in current.rules if r.key != original_key] if original_key else list(current.rules)
    if original_key and len(kept) == len(current.rules):
        raise NotFound("This rule no longer exists.")
    if any(r.key == rule.key for r in kept):
        raise RuleViolation("Rule %(rule)s: every rule needs its own key.", field="key", rule=rule.name)
    position = next((i for i, r in enumerate(current.rules) if r.key == original_key), len(kept))
    kept.insert(position, rule)
    old = {"rules": (row.document or {}).get("rules", [])}
    _store(row, replace(current, rules=tuple(kept)))
    db.session.flush()
    record("promotion_rule_saved", actor_id=actor_id, object_type="promotion_rule_set", object_id=row.id,
           old={"rule": next((r for r in old["rules"] if r.get("key") == original_key), None)},
           new={"rule": documents.rule_to_dict(rule), "version": row.version})


def delete_rule(row: PromotionRuleSet, key: str, *, actor_id: int | None) -> None:
    """Remove one rule from the set."""
    current = rule_set_of(row)
    kept = tuple(r for r in current.rules if r.key != key)
    if len(kept) == len(current.rules):
        raise NotFound("This rule no longer exists.")
    _store(row, replace(current, rules=kept))
    db.session.flush()
    record("promotion_rule_deleted", actor_id=actor_id, object_type="promotion_rule_set", object_id=row.id,
           old={"key": key}, new={"version": row.version})


def set_active(row: PromotionRuleSet, active: bool, *, actor_id: int | None) -> None:
    """Activate (it then applies to the issuer's competitions) or deactivate a rule set."""
    if active and not rule_set_of(row).rules:
        raise RuleViolation("An empty rule set cannot be activated; add a rule first.", field="active")
    if active and row.organization_id is None:
        raise RuleViolation("Only a rule set issued by an organization can be activated.", field="active")
    old = row.active
    row.active = active
    db.session.flush()
    record("promotion_rule_set_active", actor_id=actor_id, object_type="promotion_rule_set", object_id=row.id,
           old={"active": old}, new={"active": active})


def export_document(row: PromotionRuleSet) -> dict:
    """The rule set as a versioned JSON document another federation can import."""
    return documents.rule_set_to_document(rule_set_of(row))


def parse_document(data: bytes | str) -> rules.RuleSet:
    """Read an uploaded rule set file; ``ValidationErrors`` lists every problem (nothing is saved then)."""
    if isinstance(data, bytes):
        if len(data) > MAX_IMPORT_BYTES:
            raise ValidationErrors([{"message": N_("The file is larger than %(limit)s KB."),
                                     "params": {"limit": MAX_IMPORT_BYTES // 1024}, "field": "file"}])
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationErrors([{"message": N_("The file is not UTF-8 text."), "field": "file"}]) from None
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        line = getattr(error, "lineno", None)
        raise ValidationErrors([{"message": N_("The file is not valid JSON (line %(line)s)."),
                                 "params": {"line": line or "?"}, "field": "file"}]) from None
    return documents.rule_set_from_document(document)


def import_rule_set(data: bytes | str, *, organization_id: int | None, actor_id: int | None,
                    name: str = "") -> PromotionRuleSet:
    """A new (inactive) rule set from a JSON document; a broken document raises and saves nothing."""
    rule_set = parse_document(data)
    return create_rule_set(name=name or rule_set.name, organization_id=organization_id, actor_id=actor_id,
                           base=rule_set, source="import")


def assign_rule_set(competition: Competition, rule_set_id: int | None, *, actor_id: int | None) -> None:
    """Name the rule set a competition uses (None: its organizers' active rule set applies)."""
    row = db.session.execute(select(PromotionAssignment).where(
        PromotionAssignment.competition_id == competition.id)).scalar_one_or_none()
    old = row.rule_set_id if row else None
    if rule_set_id is None:
        if row is not None:
            db.session.delete(row)
    else:
        if db.session.get(PromotionRuleSet, rule_set_id) is None:
            raise NotFound("No such rule set.")
        if row is None:
            row = PromotionAssignment(competition_id=competition.id, rule_set_id=rule_set_id)
            db.session.add(row)
        row.rule_set_id = rule_set_id
    db.session.flush()
    record("promotion_rule_set_assigned", actor_id=actor_id, object_type="competition", object_id=competition.id,
           competition_id=competition.id, old={"rule_set_id": old}, new={"rule_set_id": rule_set_id})


def rule_sets_for(competition_ids: list[int]) -> dict[int, PromotionRuleSet]:
    """The rule set each competition uses: its assignment, else the nearest issuer's active rule set."""
    if not competition_ids:
        return {}
    out: dict[int, PromotionRuleSet] = {}
    for start in range(0, len(competition_ids), 500):
        chunk = competition_ids[start:start + 500]
        for competition_id, row in db.session.execute(
            select(PromotionAssignment.competition_id, PromotionRuleSet)
            .join(PromotionRuleSet, PromotionRuleSet.id == PromotionAssignment.rule_set_id)
            .where(PromotionAssignment.competition_id.in_(chunk))
        ).all():
            out[competition_id] = row
    active = db.session.execute(
        select(PromotionRuleSet, Organization.path).join(Organization,
                                                         Organization.id == PromotionRuleSet.organization_id)
        .where(PromotionRuleSet.active.is_(True)).order_by(PromotionRuleSet.id)
    ).all()
    if not active:
        return out
    missing = [cid for cid in competition_ids if cid not in out]
    for start in range(0, len(missing), 500):
        chunk = missing[start:start + 500]
        for competition_id, path in db.session.execute(
            select(Competition.id, Organization.path).join(Organization, Organization.id == Competition.organization_id)
            .where(Competition.id.in_(chunk))
        ).all():
            best = None
            for row, issuer_path in active:
                if path.startswith(issuer_path) and (best is None or len(issuer_path) > len(best[1])):
                    best = (row, issuer_path)
            if best is not None:
                out[competition_id] = best[0]
    return out


def visible_rule_sets(user) -> list[PromotionRuleSet]:
    """Rule sets an organizer may see: their own subtree's, those above them (they apply to them), and presets."""
    rows = db.session.execute(
        select(PromotionRuleSet, Organization.path).outerjoin(Organization,
                                                              Organization.id == PromotionRuleSet.organization_id)
        .order_by(PromotionRuleSet.id.desc())
    ).all()
    if user.has_role("admin"):
        return [row for row, _path in rows]
    mine = user.organization.path if user.organization else None
    return [row for row, path in rows
            if mine and (path is None or path.startswith(mine) or mine.startswith(path))]


def may_edit(user, row: PromotionRuleSet) -> bool:
    """Organizers edit rule sets their organization's subtree issued (admins any)."""
    if user.has_role("admin"):
        return True
    if row.organization_id is None or user.organization is None:
        return False
    issuer = db.session.get(Organization, row.organization_id)
    return issuer is not None and issuer.path.startswith(user.organization.path)
