"""The organization tree: creating nodes, keeping materialised paths, subtree checks.

An organizer acts within the subtree of their own organization: a district
federation's staff run district contests and see their own enterprises, not the
neighbouring district's. ``path`` ("/1/4/17/") makes "is X inside Y's tree" a
string prefix test and a subtree one indexed LIKE query.
"""

from __future__ import annotations

from sqlalchemy import select

from competitions.domain.errors import Code, RuleViolation
from competitions.extensions import db
from competitions.orgs.models import ORG_KINDS, Organization

# A federation may hold districts or enterprises; a district holds enterprises; enterprises are leaves.
ALLOWED_CHILDREN = {"federation": {"district", "enterprise"}, "district": {"enterprise"}, "enterprise": set()}


def create_organization(*, name: str, kind: str, parent_id: int | None, region: str = "",
                        industry: str = "") -> Organization:
    """Add a node to the tree, checking the kind fits under its parent and the name is unique."""
    name = name.strip()
    if kind not in ORG_KINDS:
        raise RuleViolation("Unknown organization kind %(kind)s.", field="kind", kind=kind)
    if db.session.execute(select(Organization.id).where(Organization.name == name)).first():
        raise RuleViolation("An organization called %(name)s already exists.", field="name", name=name)
    parent = db.session.get(Organization, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise RuleViolation("The parent organization does not exist.", field="parent_id")
    if parent is None and kind != "federation":
        raise RuleViolation("Only a federation can be at the top of the tree.", field="parent_id")
    if parent is not None and kind not in ALLOWED_CHILDREN[parent.kind]:
        raise RuleViolation("An organization of kind “%(kind)s” cannot be placed under one of kind “%(parent)s”.",
                            field="kind",
                            kind=Code("org_kind", kind), parent=Code("org_kind", parent.kind))
    org = Organization(name=name, kind=kind, parent_id=parent_id, region=region.strip(), industry=industry.strip())
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    return org


def update_organization(org: Organization, *, name: str, region: str, industry: str) -> None:
    """Rename an organization or change its region and industry (moving nodes is not supported)."""
    name = name.strip()
    clash = db.session.execute(
        select(Organization.id).where(Organization.name == name, Organization.id != org.id)
    ).first()
    if clash:
        raise RuleViolation("An organization called %(name)s already exists.", field="name", name=name)
    org.name, org.region, org.industry = name, region.strip(), industry.strip()


def is_within(org: Organization | None, ancestor: Organization | None) -> bool:
    """True when ``org`` is ``ancestor`` or lies below it in the tree."""
    if org is None or ancestor is None:
        return False
    return org.path.startswith(ancestor.path)


def subtree_ids(root: Organization) -> list[int]:
    """Ids of ``root`` and every organization below it."""
    return list(db.session.execute(
        select(Organization.id).where(Organization.path.startswith(root.path))
    ).scalars())


def organization_choices(
    root: Organization | None = None, kinds: tuple[str, ...] | None = None
) -> list[tuple[int, str]]:
    """(id, indented name) pairs of the tree below ``root`` (all when None), in tree order."""
    stmt = select(Organization).order_by(Organization.path)
    if root is not None:
        stmt = stmt.where(Organization.path.startswith(root.path))
    rows = db.session.execute(stmt).scalars().all()
    out = []
    for org in sorted(rows, key=lambda o: [int(p) for p in o.path.strip("/").split("/") if p]):
        if kinds and org.kind not in kinds:
            continue
        depth = org.path.strip("/").count("/")
        out.append((org.id, "\u3000" * depth + org.name))
    return out
