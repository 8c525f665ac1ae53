"""The organization tree pages."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from competitions.auth.permissions import role_required
from competitions.extensions import db
from competitions.forms import commit_or_form_error
from competitions.orgs import bp, services
from competitions.orgs.forms import OrganizationForm
from competitions.orgs.models import Organization, Worker


@bp.route("/")
@role_required("organizer")
def index():
    """The tree: everything for an admin, the organizer's own subtree otherwise."""
    stmt = select(Organization)
    if not current_user.has_role("admin"):
        root = current_user.organization
        if root is None:
            stmt = stmt.where(False)
        else:
            stmt = stmt.where(Organization.path.startswith(root.path))
    orgs = db.session.execute(stmt).scalars().all()
    orgs.sort(key=lambda o: [int(p) for p in o.path.strip("/").split("/") if p])
    counts = dict(db.session.execute(
        select(Worker.employer_id, func.count(Worker.id)).group_by(Worker.employer_id)
    ).all())
    return render_template("orgs/index.html", orgs=orgs, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    """Add an organization to the tree."""
    form = OrganizationForm(parent_choices=services.organization_choices(kinds=("federation", "district")))
    if form.validate_on_submit() and commit_or_form_error(form, lambda: services.create_organization(
            name=form.name.data, kind=form.kind.data, parent_id=form.parent_id.data or None,
            region=form.region.data or "", industry=form.industry.data or ""),
            field="name", success=_("The organization has been added."))[0]:
        return redirect(url_for("orgs.index"))
    return render_template("orgs/form.html", form=form, org=None)


@bp.route("/<int:org_id>", methods=["GET", "POST"])
@role_required("admin")
def edit(org_id: int):
    """Rename an organization or change its region and industry."""
    org = db.get_or_404(Organization, org_id)
    form = OrganizationForm(obj=org, parent_choices=services.organization_choices())
    form.kind.data, form.parent_id.data = org.kind, org.parent_id or 0
    if form.validate_on_submit() and commit_or_form_error(form, lambda: services.update_organization(
            org, name=form.name.data, region=form.region.data or "", industry=form.industry.data or ""),
            field="name", success=_("The organization has been saved."))[0]:
        return redirect(url_for("orgs.index"))
    return render_template("orgs/form.html", form=form, org=org)
