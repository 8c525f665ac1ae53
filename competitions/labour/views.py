"""Labour competition pages: the organizer's units, periods, scorecard, assessors and entries; the
assessor's tablet pages; the chief assessor's period page (close, sign off, reopen)."""

from __future__ import annotations

from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competitions.auth.models import User, UserRole
from competitions.auth.permissions import role_required
from competitions.db import utcnow
from competitions.domain import scorecards as rules
from competitions.domain.errors import CompetitionError, RuleViolation, ValidationErrors
from competitions.domain.points import plain_decimal
from competitions.errors import commit_or_flash
from competitions.extensions import db
from competitions.forms import add_form_error, commit_or_form_error
from competitions.i18n import translate
from competitions.labour import bp, services
from competitions.labour.forms import (
    AdjustmentForm,
    AssessorForm,
    GenerateForm,
    GroupForm,
    IndicatorForm,
    MemberForm,
    PeriodForm,
    PlainForm,
    ReasonForm,
    SettingsForm,
    UnitForm,
    UnitImportForm,
    VetoForm,
    score_form_class,
)
from competitions.labour.models import LabourScorecard
from competitions.labour.permissions import (
    load_adjustment_or_404,
    load_assessor_or_404,
    load_group_or_404,
    load_indicator_or_404,
    load_labour_competition_or_404,
    load_member_or_404,
    load_period_for_assessor_or_404,
    load_period_for_chief_or_404,
    load_period_or_404,
    load_unit_or_404,
    load_veto_or_404,
)
from competitions.organize.models import Competition
from competitions.organize.permissions import scope_competitions
from competitions.orgs.models import Organization, Worker
from competitions.spreadsheets import xlsx_table


@bp.app_template_filter("plain_number")
def plain_number(value) -> str:
    """A stored number as people write it: 20, 12.5, 0.25 (never 2E+1 or 20.00)."""
    return "" if value is None else format(plain_decimal(Decimal(value)), "f")


# ---- organizer: overview ----------------------------------------------------------------------------

@bp.route("/manage")
@role_required("organizer")
def manage():
    """The organizer's labour competitions."""
    competitions = db.session.execute(scope_competitions(select(Competition), current_user)
                                      .where(Competition.kind == "labor")
                                      .order_by(Competition.year.desc(), Competition.id.desc())).scalars().all()
    return render_template("labour/manage.html", competitions=competitions)


@bp.route("/competitions/<int:competition_id>")
@role_required("organizer")
def competition(competition_id: int):
    """A labour competition's set-up at a glance: scorecard, units, periods, assessors."""
    comp = load_labour_competition_or_404(competition_id, for_user=current_user)
    return render_template("labour/competition.html", competition=comp, card=services.scorecard_of(comp),
                           groups=services.groups_of(comp), units=services.units_of(comp),
                           periods=services.periods_of(comp), assessors=services.assessors_of(comp),
                           form=PlainForm())


# ---- organizer: units -------------------------------------------------------------------------------

def _organization_choices() -> list[tuple[int, str]]:
    stmt = select(Organization).order_by(Organization.path)
    if not current_user.has_role("admin"):
        org = current_user.organization
        if org is None:
            return []
        stmt = stmt.where(Organization.path.startswith(org.path))
    return [(o.id, o.name) for o in db.session.execute(stmt).scalars()]


def _unit_data(form: UnitForm) -> services.UnitData:
    return services.UnitData(code=form.code.data or "", name=form.name.data or "", kind=form.kind.data,
                             organization_id=form.organization_id.data, headcount=form.headcount.data or 0)


def _allowed_org(form: UnitForm) -> bool:
    if form.organization_id.data is not None and form.organization_id.data not in dict(form.organization_id.choices):
        form.organization_id.errors = [_("Choose an organization in your part of the union tree.")]
        return False
    return True


@bp.route("/competitions/<int:competition_id>/units", methods=["GET", "POST"])
@role_required("organizer")
def units(competition_id: int):
    """The participating units; add one."""
    comp = load_labour_competition_or_404(competition_id, for_user=current_user)
    form = UnitForm(organization_choices=_organization_choices())
    if form.validate_on_submit() and _allowed_org(form) and commit_or_form_error(
            form, lambda: services.add_unit(comp, _unit_data(form), actor=current_user), field="code",
            success=_("The unit has been added."))[0]:
        return redirect(url_for("labour.units", competition_id=comp.id))
    return render_template("labour/units.html", competition=comp, units=services.units_of(comp), form=form,
                           import_form=UnitImportForm(), taking_part=services.participations(comp))


@bp.route("/competitions/<int:competition_id>/units/import", methods=["POST"])
@role_required("organizer")
def units_import(competition_id: int):
    """Add or update units from a spreadsheet: all rows checked, nothing saved unless every row is valid."""
    comp = load_labour_competition_or_404(competition_id, for_user=current_user)
    import_form = UnitImportForm()
    problems = []
    if import_form.validate_on_submit():
        upload = import_form.file.data
        allowed = {org_id for org_id, _name in _organization_choices()}
        try:
            summary = services.import_units(comp, upload.read(), upload.filename or "", actor=current_user,
                                            allowed_organization_ids=allowed)
        except ValidationErrors as error:
            db.session.rollback()
            problems = [{"row": p.get("row"), "column": p.get("column", ""), "value": p.get("value", ""),
                         "message": translate(p["message"], p.get("params"))} for p in error.problems]
        except CompetitionError as error:
            db.session.rollback()
            add_form_error(import_form, error, "file")
        else:
            db.session.commit()
            flash(_("Imported %(total)d unit(s): %(created)d new, %(updated)d updated.", total=summary.total,
                    created=summary.created, updated=summary.updated), "success")
            return redirect(url_for("labour.units", competition_id=comp.id))
    form = UnitForm(formdata=None, organization_choices=_organization_choices())
    return render_template("labour/units.html", competition=comp, units=services.units_of(comp), form=form,
                           import_form=import_form, problems=problems,
                           taking_part=services.participations(comp)), 422


@bp.route("/competitions/<int:competition_id>/units/template.xlsx")
@role_required("organizer")
def units_template(competition_id: int):
    """The units template: Chinese and English headers, one example row."""
    comp = load_labour_competition_or_404(competition_id, for_user=current_user)
    data = xlsx_table(_("Units"), ["单位代码\nUnit code", "单位名称\nUnit name", "单位类型\nKind",
                                   "所属组织\nOrganization", "参赛人数\nHeadcount"],
                      [["S1", "土建1标段", "标段", "", 300]], widths=(14, 36, 12, 30, 12))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=labour-units-{comp.id}.xlsx"})


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@role_required("organizer")
def unit(unit_id: int):
    """One unit: change it, name its members, withdraw or reinstate it."""
    row = load_unit_or_404(unit_id, for_user=current_user)
    comp = db.session.get(Competition, row.competition_id)
    form = UnitForm(obj=row, organization_choices=_organization_choices())
    if request.method == "GET":
        form.show_version(row)
    if form.validate_on_submit() and not form.changed_meanwhile(row) and _allowed_org(form) and commit_or_form_error(
            form, lambda: services.update_unit(row, _unit_data(form), actor=current_user), field="code",
            success=_("The unit has been saved."))[0]:
        return redirect(url_for("labour.unit", unit_id=row.id))
    return render_template("labour/unit.html", competition=comp, unit=row, form=form, member_form=MemberForm(),
                           reason_form=ReasonForm(), plain=PlainForm())


@bp.route("/units/<int:unit_id>/members", methods=["POST"])
@role_required("organizer")
def add_member(unit_id: int):
    """Name a member of the unit, found by ID number."""
    row = load_unit_or_404(unit_id, for_user=current_user)
    form = MemberForm()
    if form.validate_on_submit():
        worker = db.session.execute(select(Worker).where(
            Worker.national_id == form.national_id.data.strip().upper())).scalar_one_or_none()
        if worker is None:
            flash(_("No person with this ID number is on file; add them under People first."), "error")
        else:
            commit_or_flash(lambda: services.add_member(row, worker_id=worker.id, role=form.role.data or "",
                                                        actor=current_user), _("The member has been added."))
    return redirect(url_for("labour.unit", unit_id=row.id))


@bp.route("/members/<int:member_id>/remove", methods=["POST"])
@role_required("organizer")
def remove_member(member_id: int):
    """Take a member off their unit."""
    member = load_member_or_404(member_id, for_user=current_user)
    unit_id = member.unit_id
    if PlainForm().validate_on_submit():
        commit_or_flash(lambda: services.remove_member(member, actor=current_user), _("The member has been removed."))
    return redirect(url_for("labour.unit", unit_id=unit_id))


@bp.route("/units/<int:unit_id>/withdraw", methods=["POST"])
@role_required("organizer")
def withdraw_unit(unit_id: int):
    """The unit leaves the competition (kept with its scores), with a reason."""
    row = load_unit_or_404(unit_id, for_user=current_user)
    form = ReasonForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.withdraw_unit(row, actor=current_user, reason=form.reason.data,
                                                       now=utcnow()), _("The unit has withdrawn."))
    else:
        flash(_("Give the reason."), "error")
    return redirect(url_for("labour.unit", unit_id=row.id))


@bp.route("/units/<int:unit_id>/reinstate", methods=["POST"])
@role_required("organizer")
def reinstate_unit(unit_id: int):
    """Undo a withdrawal, with a reason."""
    row = load_unit_or_404(unit_id, for_user=current_user)
    form = ReasonForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.reinstate_unit(row, actor=current_user, reason=form.reason.data),
                        _("The unit takes part again."))
    else:
        flash(_("Give the reason."), "error")
    return redirect(url_for("labour.unit", unit_id=row.id))


# ---- organizer: periods -----------------------------------------------------------------------------

def _period_data(form: PeriodForm) -> services.PeriodData:
    return services.PeriodData(name=form.name.data or "", starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                               weight=form.weight.data, kind=form.kind.data)


@bp.route("/competitions/<int:competition_id>/periods", methods=["GET", "POST"])
@role_required("organizer")
def periods(competition_id: int):
    """The assessment periods: generate them from the dates, or add one (a milestone)."""
    comp = load_labour_competition_or_404(competition_id, for_user=current_user)
    form = PeriodForm(prefix="p")
    generate = GenerateForm(prefix="g", cadence=services.scorecard_of(comp).cadence)
    if request.method == "POST" and "g-cadence" in request.form:
        if generate.validate_on_submit():
            commit_or_flash(lambda: services.generate_periods(comp, cadence=generate.cadence.data, actor=current_user),
                            _("The periods have been generated."))
            return redirect(url_for("labour.periods", competition_id=comp.id))
    elif form.validate_on_submit() and commit_or_form_error(
            form, lambda: services.add_period(comp, _period_data(form), actor=current_user), field="name",
            success=_("The period has been added."))[0]:
        return redirect(url_for("labour.periods", competition_id=comp.id))
    return render_template("labour/periods.html", competition=comp, periods=services.periods_of(comp), form=form,
                           generate=generate)


@bp.route("/periods/<int:period_id>/edit", methods=["GET", "POST"])
@role_required("organizer")
def period_edit(period_id: int):
    """Change a period's name, weight or (while open) dates; delete it while nothing is entered."""
    period = load_period_or_404(period_id, for_user=current_user)
    form = PeriodForm(obj=period)
    if request.method == "GET":
        form.show_version(period)
    if form.validate_on_submit() and not form.changed_meanwhile(period) and commit_or_form_error(
            form, lambda: services.update_period(period, _period_data(form), actor=current_user), field="name",
            success=_("The period has been saved."))[0]:
        return redirect(url_for("labour.periods", competition_id=period.competition_id))
    return render_template("labour/period_edit.html", competition=db.session.get(Competition, period.competition_id),
                           period=period, form=form, plain=PlainForm())


@bp.route("/periods/<int:period_id>/delete", methods=["POST"])
@role_required("organizer")
def period_delete(period_id: int):
    """Delete a period nothing has been entered in."""
    period = load_period_or_404(period_id, for_user=current_user)
    competition_id = period.competition_id
    if PlainForm().validate_on_submit():
        commit_or_flash(lambda: services.delete_period(period, actor=current_user), _("The period has been deleted."))
    return redirect(url_for("labour.periods", competition_id=competition_id))


# ---- organizer: scorecard ---------------------------------------------------------------------------

@bp.route("/competitions/<int:competition_id>/scorecard", methods=["GET", "POST"])
@role_required("organizer")
def scorecard(competition_id: int):
    """The scorecard (考评办法): settings, groups and their indicators; add a group."""
    comp = load_labour_competition_or_404(competition_id, for_user=current_user)
    stored = db.session.execute(select(LabourScorecard.id).where(
        LabourScorecard.competition_id == comp.id)).scalar() is not None
    card = services.scorecard_of(comp)
    settings = SettingsForm(prefix="s", obj=card)
    if request.method == "GET" and stored:
        # A card made with defaults on this first look is not stored yet: nothing to have changed meanwhile.
        settings.show_version(card)
    group_form = GroupForm(prefix="g")
    if request.method == "POST" and "s-cadence" in request.form:
        if settings.validate_on_submit() and not settings.changed_meanwhile(card) and commit_or_form_error(
                settings, lambda: services.save_settings(
                comp, services.ScorecardSettings(
                    title=settings.title.data or "", document_ref=settings.document_ref.data or "",
                    cadence=settings.cadence.data, bonus_cap=settings.bonus_cap.data,
                    deduction_cap=settings.deduction_cap.data, aggregation=settings.aggregation.data),
                actor=current_user), field="title", success=_("The scorecard settings have been saved."))[0]:
            return redirect(url_for("labour.scorecard", competition_id=comp.id))
    elif group_form.validate_on_submit() and commit_or_form_error(group_form, lambda: services.save_group(
            comp, services.GroupData(group_form.code.data, group_form.name.data, group_form.max_points.data),
            actor=current_user), field="code", success=_("The group has been added."))[0]:
        return redirect(url_for("labour.scorecard", competition_id=comp.id))
    groups = services.groups_of(comp)
    return render_template("labour/scorecard.html", competition=comp, card=card, settings=settings,
                           group_form=group_form, groups=groups, frozen=services.scorecard_frozen(comp.id),
                           total=sum((g.max_points for g in groups), Decimal(0)), plain=PlainForm(),
                           formula_text=_formula_text)


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@role_required("organizer")
def group_edit(group_id: int):
    """Change an indicator group."""
    group = load_group_or_404(group_id, for_user=current_user)
    comp = db.session.get(Competition, group.competition_id)
    form = GroupForm(obj=group)
    if request.method == "GET":
        form.show_version(group)
    if form.validate_on_submit() and not form.changed_meanwhile(group) and commit_or_form_error(
            form, lambda: services.save_group(
                comp, services.GroupData(form.code.data, form.name.data, form.max_points.data),
                actor=current_user, group=group), field="code", success=_("The group has been saved."))[0]:
        return redirect(url_for("labour.scorecard", competition_id=comp.id))
    return render_template("labour/group_edit.html", competition=comp, group=group, form=form, plain=PlainForm())


@bp.route("/groups/<int:group_id>/delete", methods=["POST"])
@role_required("organizer")
def group_delete(group_id: int):
    """Delete a group nothing has been scored on."""
    group = load_group_or_404(group_id, for_user=current_user)
    competition_id = group.competition_id
    if PlainForm().validate_on_submit():
        commit_or_flash(lambda: services.delete_group(group, actor=current_user), _("The group has been deleted."))
    return redirect(url_for("labour.scorecard", competition_id=competition_id))


def _formula_from_form(form: IndicatorForm) -> dict | None:
    kind = form.formula_type.data
    if form.kind.data != "measured" or not kind:
        return None
    def v(field):
        return None if field.data is None else str(field.data)
    if kind == "above_target":
        figures = {"target": form.target, "base": form.base, "per_unit_above": form.per_unit_above,
                   "per_unit_below": form.per_unit_below}
    elif kind == "linear":
        figures = {"from_value": form.from_value, "from_points": form.from_points, "to_value": form.to_value,
                   "to_points": form.to_points}
    else:
        formula = {"type": "bands", "bands": rules.bands_from_text(form.bands.data or "")}
        if form.otherwise.data is not None:
            formula["otherwise"] = v(form.otherwise)
        return formula
    return {"type": kind, **{k: v(f) for k, f in figures.items() if f.data is not None}}


def _fill_formula(form: IndicatorForm, indicator) -> None:
    data = indicator.formula or {}
    form.formula_type.data = data.get("type", "")
    for key in ("target", "base", "per_unit_above", "per_unit_below", "from_value", "from_points", "to_value",
                "to_points", "otherwise"):
        if key in data:
            getattr(form, key).data = Decimal(str(data[key]))
    if data.get("type") == "bands":
        form.bands.data = rules.bands_to_text(
            rules.formula_from_dict(data, max_points=indicator.max_points).bands)


def _formula_text(indicator) -> str:
    """The indicator's formula in words, for the scorecard page and the tablet."""
    data = indicator.formula or {}
    unit = indicator.unit_label
    if data.get("type") == "above_target":
        return _("%(base)s points at %(target)s%(unit)s; +%(up)s per %(unit)s above, −%(down)s per %(unit)s "
                 "below; 0 to %(max)s", base=data["base"], target=data["target"], unit=unit or "1",
                 up=data["per_unit_above"], down=data["per_unit_below"], max=plain_number(indicator.max_points))
    if data.get("type") == "linear":
        return _("%(p0)s points at %(v0)s%(unit)s to %(p1)s points at %(v1)s%(unit)s, linear", p0=data["from_points"],
                 v0=data["from_value"], p1=data["to_points"], v1=data["to_value"], unit=unit)
    if data.get("type") == "bands":
        parts = [("≥ " + b["at_least"] if "at_least" in b else "≤ " + b["at_most"]) + f"{unit} → {b['points']}"
                 for b in data["bands"]]
        return "; ".join(parts) + "; " + _("otherwise %(points)s", points=data.get("otherwise", "0"))
    return _("0 to %(max)s points in steps of %(step)s", max=plain_number(indicator.max_points),
             step=plain_number(indicator.step))


def _indicator_data(form: IndicatorForm) -> services.IndicatorData:
    return services.IndicatorData(
        group_id=form.group_id.data, code=form.code.data or "", name=form.name.data or "", kind=form.kind.data,
        max_points=form.max_points.data, step=form.step.data, unit_label=form.unit_label.data or "",
        value_min=form.value_min.data, value_max=form.value_max.data, formula=_formula_from_form(form),
        description=form.description.data or "")


def _save_indicator_from(form, comp, indicator=None) -> bool:
    try:
        data = _indicator_data(form)
    except RuleViolation as error:
        add_form_error(form, error, "formula_type")
        return False
    return commit_or_form_error(form, lambda: services.save_indicator(comp, data, actor=current_user,
                                                                      indicator=indicator),
                                field="formula_type", success=_("The indicator has been saved."))[0]


@bp.route("/competitions/<int:competition_id>/indicators/new", methods=["GET", "POST"])
@role_required("organizer")
def indicator_new(competition_id: int):
    """Add an indicator to a group."""
    comp = load_labour_competition_or_404(competition_id, for_user=current_user)
    groups = services.groups_of(comp)
    form = IndicatorForm(group_choices=[(g.id, f"{g.code} {g.name}") for g in groups],
                         group_id=request.args.get("group_id", type=int))
    if form.validate_on_submit() and _save_indicator_from(form, comp):
        return redirect(url_for("labour.scorecard", competition_id=comp.id))
    return render_template("labour/indicator_form.html", competition=comp, form=form, indicator=None,
                           plain=PlainForm())


@bp.route("/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@role_required("organizer")
def indicator_edit(indicator_id: int):
    """Change an indicator (its formula too, until a period is assessed under it)."""
    indicator = load_indicator_or_404(indicator_id, for_user=current_user)
    comp = db.session.get(Competition, indicator.competition_id)
    groups = services.groups_of(comp)
    form = IndicatorForm(obj=indicator, group_choices=[(g.id, f"{g.code} {g.name}") for g in groups])
    if request.method == "GET":
        _fill_formula(form, indicator)
        form.show_version(indicator)
    if form.validate_on_submit() and not form.changed_meanwhile(indicator) and _save_indicator_from(
            form, comp, indicator):
        return redirect(url_for("labour.scorecard", competition_id=comp.id))
    return render_template("labour/indicator_form.html", competition=comp, form=form, indicator=indicator,
                           plain=PlainForm())


@bp.route("/indicators/<int:indicator_id>/delete", methods=["POST"])
@role_required("organizer")
def indicator_delete(indicator_id: int):
    """Delete an indicator nothing has been scored on."""
    indicator = load_indicator_or_404(indicator_id, for_user=current_user)
    competition_id = indicator.competition_id
    if PlainForm().validate_on_submit():
        commit_or_flash(lambda: services.delete_indicator(indicator, actor=current_user),
                        _("The indicator has been deleted."))
    return redirect(url_for("labour.scorecard", competition_id=competition_id))


# ---- organizer: assessors ---------------------------------------------------------------------------

def _assessor_choices() -> list[tuple[int, str]]:
    users = db.session.execute(select(User).join(UserRole).where(UserRole.role == "judge", User.active.is_(True))
                               .order_by(User.display_name, User.id)).scalars().unique().all()
    return [(u.id, f"{u.display_name} ({u.organization.name if u.organization else '—'})") for u in users]


@bp.route("/competitions/<int:competition_id>/assessors", methods=["GET", "POST"])
@role_required("organizer")
def assessors(competition_id: int):
    """Assign assessors to all or one group and all or one unit; name the chief assessor."""
    comp = load_labour_competition_or_404(competition_id, for_user=current_user)
    groups, unit_rows = services.groups_of(comp), services.units_of(comp, include_withdrawn=False)
    form = AssessorForm(user_choices=_assessor_choices(), group_choices=[(g.id, f"{g.code} {g.name}") for g in groups],
                        unit_choices=[(u.id, f"{u.code} {u.name}") for u in unit_rows])
    if form.validate_on_submit() and commit_or_form_error(form, lambda: services.assign_assessor(
            comp, user_id=form.user_id.data, group_id=form.group_id.data, unit_id=form.unit_id.data,
            is_chief=form.is_chief.data, actor=current_user), field="user_id",
            success=_("The assessor has been assigned."))[0]:
        return redirect(url_for("labour.assessors", competition_id=comp.id))
    recused = {(a.id, u.id) for a in services.assessors_of(comp) for u in unit_rows if services.is_recused(a.user, u)}
    return render_template("labour/assessors.html", competition=comp, form=form, rows=services.assessors_of(comp),
                           groups={g.id: g for g in groups}, units=unit_rows,
                           unit_names={u.id: u for u in services.units_of(comp)}, recused=recused, plain=PlainForm())


@bp.route("/assessors/<int:assessor_id>/delete", methods=["POST"])
@role_required("organizer")
def assessor_delete(assessor_id: int):
    """Remove an assessor's assignment (their entries stay)."""
    row = load_assessor_or_404(assessor_id, for_user=current_user)
    competition_id = row.competition_id
    if PlainForm().validate_on_submit():
        commit_or_flash(lambda: services.unassign_assessor(row, actor=current_user),
                        _("The assignment has been removed."))
    return redirect(url_for("labour.assessors", competition_id=competition_id))


# ---- organizer: one period's entries ----------------------------------------------------------------

def _unit_choices(period) -> list[tuple[int, str]]:
    return [(u.id, f"{u.code} {u.name}") for u in services.units_in_period(period)]


def _period_page(period, *, adjustment_form=None, veto_form=None, template="labour/period.html", **extra):
    comp = db.session.get(Competition, period.competition_id)
    choices = _unit_choices(period)
    return render_template(
        template, competition=comp, period=period, scores=services.period_scores(period),
        groups=services.groups_of(comp), state=services.completeness(period),
        adjustments=services.adjustments_of(period), vetoes=services.vetoes_of(period),
        units={u.id: u for u in services.units_of(comp)},
        adjustment_form=adjustment_form or AdjustmentForm(prefix="a", unit_choices=choices),
        veto_form=veto_form or VetoForm(prefix="v", unit_choices=choices), reason_form=ReasonForm(), **extra)


@bp.route("/periods/<int:period_id>")
@role_required("organizer")
def period(period_id: int):
    """A period's scores, bonus and deductions, vetoes and completeness (organizer)."""
    return _period_page(load_period_or_404(period_id, for_user=current_user))


@bp.route("/periods/<int:period_id>/adjustments", methods=["POST"])
@role_required("organizer")
def adjustment_add(period_id: int):
    """Record a bonus or deduction (source and document required)."""
    period_row = load_period_or_404(period_id, for_user=current_user)
    form = AdjustmentForm(prefix="a", unit_choices=_unit_choices(period_row))
    if form.validate_on_submit() and commit_or_form_error(form, lambda: services.add_adjustment(
            period_row, services.AdjustmentData(
                unit_id=form.unit_id.data, kind=form.kind.data, points=form.points.data, source=form.source.data,
                document_ref=form.document_ref.data or "", issuer=form.issuer.data or "",
                reason=form.reason.data or ""), actor=current_user),
            field="document_ref", success=_("The entry has been recorded."))[0]:
        return redirect(url_for("labour.period", period_id=period_row.id))
    return _period_page(period_row, adjustment_form=form), 422


@bp.route("/periods/<int:period_id>/vetoes", methods=["POST"])
@role_required("organizer")
def veto_add(period_id: int):
    """Record a veto item (reason and document required)."""
    period_row = load_period_or_404(period_id, for_user=current_user)
    form = VetoForm(prefix="v", unit_choices=_unit_choices(period_row))
    if form.validate_on_submit() and commit_or_form_error(form, lambda: services.add_veto(
            period_row, services.VetoData(unit_id=form.unit_id.data, category=form.category.data,
                                          reason=form.reason.data or "", document_ref=form.document_ref.data or "",
                                          occurred_on=form.occurred_on.data), actor=current_user),
            field="reason", success=_("The veto item has been recorded."))[0]:
        return redirect(url_for("labour.period", period_id=period_row.id))
    return _period_page(period_row, veto_form=form), 422


@bp.route("/adjustments/<int:adjustment_id>/void", methods=["POST"])
@role_required("organizer")
def adjustment_void(adjustment_id: int):
    """Void a bonus or deduction, with a reason."""
    row = load_adjustment_or_404(adjustment_id, for_user=current_user)
    form = ReasonForm()
    reason = form.reason.data if form.validate_on_submit() else ""
    commit_or_flash(lambda: services.void_adjustment(row, actor=current_user, reason=reason),
                    _("The entry has been voided."))
    return redirect(url_for("labour.period", period_id=row.period_id))


@bp.route("/vetoes/<int:veto_id>/void", methods=["POST"])
@role_required("organizer")
def veto_void(veto_id: int):
    """Void a veto item recorded in error, with a reason."""
    row = load_veto_or_404(veto_id, for_user=current_user)
    form = ReasonForm()
    reason = form.reason.data if form.validate_on_submit() else ""
    commit_or_flash(lambda: services.void_veto(row, actor=current_user, reason=reason),
                    _("The veto item has been voided."))
    return redirect(url_for("labour.period", period_id=row.period_id))


# ---- assessors: the tablet --------------------------------------------------------------------------

@bp.route("/")
@role_required("judge")
def index():
    """The assessor's labour competitions and their periods."""
    return render_template("labour/index.html", items=services.my_assessments(current_user))


@bp.route("/periods/<int:period_id>/assess")
@role_required("judge")
def assess(period_id: int):
    """The tablet page of a period: the units to score, with the assessor's progress on each."""
    period_row = load_period_for_assessor_or_404(period_id, for_user=current_user)
    scope = services.scope_of(period_row, current_user)
    done = {u.id: len(services.scores_by(period_row, u, current_user.id)) for u in scope.units}
    return render_template("labour/assess.html", competition=db.session.get(Competition, period_row.competition_id),
                           period=period_row, scope=scope, done=done,
                           chief=services.is_chief(current_user, period_row.competition_id))


@bp.route("/periods/<int:period_id>/units/<int:unit_id>/assess", methods=["GET", "POST"])
@role_required("judge")
def assess_unit(period_id: int, unit_id: int):
    """The assessor's sheet for one unit: each indicator's points or measured value; a change of what was
    saved is a correction with a reason."""
    period_row = load_period_for_assessor_or_404(period_id, for_user=current_user)
    scope = services.scope_of(period_row, current_user)
    unit_row = next((u for u in scope.units if u.id == unit_id), None)
    if unit_row is None:
        abort(404)
    indicators = scope.indicators.get(unit_id, [])
    existing = services.scores_by(period_row, unit_row, current_user.id)
    form = score_form_class(indicators)()
    if request.method == "GET":
        for indicator in indicators:
            if indicator.id in existing:
                getattr(form, f"i{indicator.id}").data = _plain(existing[indicator.id].value)
                getattr(form, f"v{indicator.id}").data = str(existing[indicator.id].version)
    elif unit_id in scope.recused:
        commit_or_flash(lambda: services.record_scores(period_row, unit_row, assessor=current_user, entries=[]), "")
        return redirect(url_for("labour.assess", period_id=period_row.id))
    elif form.validate_on_submit():
        entries = [services.ScoreInput(i.id, getattr(form, f"i{i.id}").data.strip(),
                                       _version(getattr(form, f"v{i.id}").data))
                   for i in indicators if (getattr(form, f"i{i.id}").data or "").strip()]
        try:
            services.record_scores(period_row, unit_row, assessor=current_user, entries=entries,
                                   reason=form.reason.data or "")
        except CompetitionError as error:
            db.session.rollback()
            field = error.field.replace("indicator-", "i") if error.field else "reason"
            add_form_error(form, error, field if hasattr(form, field) else "reason")
        else:
            db.session.commit()
            flash(_("Saved: %(unit)s.", unit=unit_row.name), "success")
            return redirect(url_for("labour.assess", period_id=period_row.id))
    comp = db.session.get(Competition, period_row.competition_id)
    return render_template("labour/assess_unit.html", competition=comp, period=period_row, unit=unit_row,
                           indicators=indicators, form=form, existing=existing,
                           recused=unit_id in scope.recused, formula_text=_formula_text,
                           groups={g.id: g for g in services.groups_of(comp)})


def _plain(value: Decimal) -> str:
    return plain_number(value)


def _version(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return -1   # a tampered version never matches: the entry is refused as changed meanwhile


# ---- the chief assessor -----------------------------------------------------------------------------

@bp.route("/periods/<int:period_id>/chief")
@role_required("judge")
def chief(period_id: int):
    """The chief assessor's page: completeness, scores, entries; close, sign off, reopen."""
    period_row = load_period_for_chief_or_404(period_id, for_user=current_user)
    comp = db.session.get(Competition, period_row.competition_id)
    indicators = {i.id: i for i in services.indicators_of(comp)}
    names = {u.id: u.display_name for u in db.session.execute(select(User).where(
        User.id.in_({s[2] for s in services.completeness(period_row).missing} or {0}))).scalars()}
    return _period_page(period_row, template="labour/chief.html", indicators=indicators, assessor_names=names,
                        plain=PlainForm())


@bp.route("/periods/<int:period_id>/close", methods=["POST"])
@role_required("judge")
def close(period_id: int):
    """Close the period's assessment (every entry in)."""
    period_row = load_period_for_chief_or_404(period_id, for_user=current_user)
    if PlainForm().validate_on_submit():
        commit_or_flash(lambda: services.close_assessment(period_row, actor=current_user),
                        _("The assessment of this period is closed."))
    return redirect(url_for("labour.chief", period_id=period_row.id))


@bp.route("/periods/<int:period_id>/sign-off", methods=["POST"])
@role_required("judge")
def sign_off(period_id: int):
    """Sign the period off: its scores are final."""
    period_row = load_period_for_chief_or_404(period_id, for_user=current_user)
    if PlainForm().validate_on_submit():
        commit_or_flash(lambda: services.sign_off(period_row, actor=current_user),
                        _("The period has been signed off."))
    return redirect(url_for("labour.chief", period_id=period_row.id))


@bp.route("/periods/<int:period_id>/reopen", methods=["POST"])
@role_required("judge")
def reopen(period_id: int):
    """Reopen the period for corrections, with a reason."""
    period_row = load_period_for_chief_or_404(period_id, for_user=current_user)
    form = ReasonForm()
    reason = form.reason.data if form.validate_on_submit() else ""
    commit_or_flash(lambda: services.reopen(period_row, actor=current_user, reason=reason),
                    _("The period is open again."))
    return redirect(url_for("labour.chief", period_id=period_row.id))
