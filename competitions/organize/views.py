"""Organizer pages: competitions, events, marking schemes."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from competitions.auth.permissions import role_required
from competitions.db import utcnow
from competitions.domain.errors import CompetitionError, ValidationErrors
from competitions.domain.inputs import parse_id
from competitions.domain.lifecycle import targets_in_order
from competitions.domain.points import plain_decimal
from competitions.domain.schemes import TIE_BREAK_TIME, CriterionDraft, PartDraft, SchemeDraft, default_scheme
from competitions.errors import commit_or_flash
from competitions.extensions import db
from competitions.forms import commit_or_form_error
from competitions.i18n import error_message, translate
from competitions.labels import label
from competitions.main.start import organizer_todo
from competitions.organize import bp, services
from competitions.organize.forms import (
    CompetitionForm,
    CopyCompetitionForm,
    CopyEventForm,
    EventForm,
    SchemeForm,
)
from competitions.organize.models import KINDS, LEVELS, STATUSES, Competition, Event
from competitions.organize.permissions import (
    load_competition_or_404,
    load_event_or_404,
    scope_competitions,
)
from competitions.orgs.models import Organization
from competitions.orgs.services import organization_choices
from competitions.timezone import to_local, to_utc
from competitions.web import page_arg


def _org_choices():
    root = None if current_user.has_role("admin") else current_user.organization
    if root is None and not current_user.has_role("admin"):
        return []
    return organization_choices(root, kinds=("federation", "district", "enterprise"))


@bp.route("/competitions")
@role_required("organizer")
def competitions():
    """The organizer's competitions, filtered by year, level, kind, status and a search term."""
    filters = {k: request.args.get(k, "").strip() for k in ("year", "level", "kind", "status", "q")}
    stmt = scope_competitions(select(Competition), current_user)
    year = parse_id(filters["year"])
    if year is not None:
        stmt = stmt.where(Competition.year == year)
    for key, allowed in (("level", LEVELS), ("kind", KINDS), ("status", STATUSES)):
        if filters[key] in allowed:
            stmt = stmt.where(getattr(Competition, key) == filters[key])
    if filters["q"]:
        stmt = stmt.where(Competition.name.ilike(f"%{filters['q']}%"))
    stmt = stmt.options(selectinload(Competition.events)).order_by(Competition.year.desc(), Competition.id.desc())
    page = db.paginate(stmt, page=page_arg(), per_page=25, error_out=False)
    years = db.session.execute(
        scope_competitions(select(Competition.year).distinct(), current_user).order_by(Competition.year.desc())
    ).scalars().all()
    return render_template("organize/competitions.html", page=page, filters=filters, years=years,
                           levels=LEVELS, kinds=KINDS, statuses=STATUSES)


def _competition_data(form: CompetitionForm) -> services.CompetitionData:
    return services.CompetitionData(
        name=form.name.data.strip(), year=form.year.data, level=form.level.data,
        competition_class=form.competition_class.data, kind=form.kind.data,
        organization_id=form.organization_id.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        registration_opens_at=to_utc(form.registration_opens_at.data),
        registration_closes_at=to_utc(form.registration_closes_at.data),
        description=form.description.data or "", recuse_same_parent=form.recuse_same_parent.data,
        online_appeals=form.online_appeals.data,
    )


def _check_org_in_scope(form: CompetitionForm) -> bool:
    if form.organization_id.data not in {cid for cid, _label in form.organization_id.choices}:
        form.organization_id.errors = [_("Choose an organization within your own.")]
        return False
    return True


@bp.route("/competitions/new", methods=["GET", "POST"])
@role_required("organizer")
def competition_new():
    """Create a draft competition."""
    form = CompetitionForm(org_choices=_org_choices())
    if request.method == "GET" and current_user.organization_id:
        form.organization_id.data = current_user.organization_id
    if form.validate_on_submit() and _check_org_in_scope(form):
        saved, competition = commit_or_form_error(
            form, lambda: services.create_competition(_competition_data(form), created_by_id=current_user.id),
            field="name", success=_("The competition has been created. Now add its events."))
        if saved:
            return redirect(url_for("organize.competition", competition_id=competition.id))
    return render_template("organize/competition_form.html", form=form, competition=None)


@bp.route("/competitions/<int:competition_id>")
@role_required("organizer")
def competition(competition_id: int):
    """A competition with its events and the status moves available."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    copy_form = CopyCompetitionForm(name=competition.name, year=competition.year + 1)
    here = url_for("organize.competition", competition_id=competition.id)
    next_steps = [(translate(message, params), url) for _c, message, params, url
                  in organizer_todo([competition], waiting=True) if url != here]  # the desk's to-dos, one place
    return render_template("organize/competition.html", competition=competition, next_steps=next_steps,
                           targets=[t.value for t in targets_in_order(
                               competition.status, called_off=competition.called_off_at is not None)],
                           copy_form=copy_form)


@bp.route("/competitions/<int:competition_id>/edit", methods=["GET", "POST"])
@role_required("organizer")
def competition_edit(competition_id: int):
    """Edit a competition's details."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    form = CompetitionForm(obj=competition, org_choices=_org_choices())
    if request.method == "GET":
        form.registration_opens_at.data = to_local(competition.registration_opens_at)
        form.registration_closes_at.data = to_local(competition.registration_closes_at)
        form.show_version(competition)
    if form.validate_on_submit() and not form.changed_meanwhile(competition) and _check_org_in_scope(
            form) and commit_or_form_error(
            form, lambda: services.update_competition(competition, _competition_data(form)),
            field="name", success=_("The competition has been saved."))[0]:
        return redirect(url_for("organize.competition", competition_id=competition.id))
    return render_template("organize/competition_form.html", form=form, competition=competition)


@bp.route("/competitions/<int:competition_id>/status", methods=["POST"])
@role_required("organizer")
def competition_status(competition_id: int):
    """Move a competition along its life cycle."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    target = request.form.get("target", "")
    if target not in STATUSES:
        abort(400)
    services.set_status(competition, target, actor_id=current_user.id)
    db.session.commit()
    shown = "called_off" if competition.called_off_at else target
    flash(_("The competition is now: %(status)s.", status=label("status", shown)), "success")
    return redirect(url_for("organize.competition", competition_id=competition.id))


@bp.route("/competitions/<int:competition_id>/copy", methods=["POST"])
@role_required("organizer")
def competition_copy(competition_id: int):
    """Start a new competition from this one."""
    source = load_competition_or_404(competition_id, for_user=current_user)
    form = CopyCompetitionForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for("organize.competition", competition_id=source.id))
    copy = services.copy_competition(source, name=form.name.data.strip(), year=form.year.data,
                                     created_by_id=current_user.id)
    db.session.commit()
    flash(_("The copy has been created as a draft. Check its dates."), "success")
    return redirect(url_for("organize.competition", competition_id=copy.id))


def _event_data(form: EventForm) -> services.EventData:
    def level(value):
        return int(value) if value else None

    return services.EventData(
        trade_name=form.trade_name.data.strip(), trade_code=form.trade_code.data.strip(), group=form.group.data,
        capacity=form.capacity.data, target_level=level(form.target_level.data),
        required_level=level(form.required_level.data), min_age=form.min_age.data, max_age=form.max_age.data,
        is_team=form.is_team.data, team_size=form.team_size.data or 1, starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
    )


@bp.route("/competitions/<int:competition_id>/events/new", methods=["GET", "POST"])
@role_required("organizer")
def event_new(competition_id: int):
    """Add an event (a trade for one group) to a competition."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    form = EventForm()
    if form.validate_on_submit():
        saved, event = commit_or_form_error(
            form, lambda: services.create_event(competition, _event_data(form)),
            field="trade_code", success=_("The event has been added. Now define its marking scheme."))
        if saved:
            return redirect(url_for("organize.scheme", event_id=event.id))
    return render_template("organize/event_form.html", form=form, competition=competition, event=None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@role_required("organizer")
def event_edit(event_id: int):
    """Edit an event's details."""
    event = load_event_or_404(event_id, for_user=current_user)
    form = EventForm(obj=event)
    if request.method == "GET":
        form.target_level.data = str(event.target_level or "")
        form.required_level.data = str(event.required_level or "")
        form.show_version(event)
    if form.validate_on_submit() and not form.changed_meanwhile(event) and commit_or_form_error(
            form, lambda: services.update_event(event, _event_data(form)),
            field="trade_code", success=_("The event has been saved."))[0]:
        return redirect(url_for("organize.competition", competition_id=event.competition_id))
    return render_template("organize/event_form.html", form=form, competition=event.competition, event=event)


@bp.route("/events/<int:event_id>/delete", methods=["POST"])
@role_required("organizer")
def event_delete(event_id: int):
    """Remove an event from a draft competition."""
    event = load_event_or_404(event_id, for_user=current_user)
    competition_id = event.competition_id
    services.delete_event(event)
    db.session.commit()
    flash(_("The event has been removed."), "success")
    return redirect(url_for("organize.competition", competition_id=competition_id))


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@role_required("organizer")
def event_cancel(event_id: int):
    """Cancel an event (取消) with a reason, at any status before results."""
    event = load_event_or_404(event_id, for_user=current_user)
    commit_or_flash(lambda: services.cancel_event(event, actor_id=current_user.id,
                                                  reason=request.form.get("reason", ""), now=utcnow()),
                    _("The event has been cancelled."))
    return redirect(url_for("organize.competition", competition_id=event.competition_id))


@bp.route("/events/<int:event_id>/copy", methods=["GET", "POST"])
@role_required("organizer")
def event_copy(event_id: int):
    """Copy an event with its marking scheme into this or another competition."""
    event = load_event_or_404(event_id, for_user=current_user)
    targets = db.session.execute(
        scope_competitions(select(Competition), current_user)
        .where(Competition.status.in_(tuple(services.EDITABLE_STATUSES)))
        .order_by(Competition.year.desc(), Competition.name)
    ).scalars().all()
    form = CopyEventForm(competition_choices=[(c.id, f"{c.year} {c.name}") for c in targets])
    if request.method == "GET":
        form.competition_id.data, form.trade_code.data, form.group.data = (
            event.competition_id, event.trade_code, "students" if event.group == "workers" else "workers")
    if form.validate_on_submit():
        target = load_competition_or_404(form.competition_id.data, for_user=current_user)
        saved, copy = commit_or_form_error(
            form, lambda: services.copy_event(event, target, trade_code=form.trade_code.data.strip(),
                                              group=form.group.data),
            field="trade_code", success=_("The event has been copied."))
        if saved:
            return redirect(url_for("organize.scheme", event_id=copy.id))
    return render_template("organize/event_copy.html", form=form, event=event)


def _tie_break_choices(part_rows) -> list[tuple[str, str]]:
    out = []
    for code, name in part_rows:
        if code:
            out.append((f"part:{code}", _("Higher score in %(part)s", part=name or code)))
    out.append((TIE_BREAK_TIME, _("Less time used")))
    return out


def _submitted_parts() -> list[tuple[str, str]]:
    rows = []
    for i in range(10):
        code = request.form.get(f"parts-{i}-code")
        if code is not None:
            rows.append((code.strip(), request.form.get(f"parts-{i}-name", "").strip()))
    return rows


def _fill_scheme_form(form: SchemeForm, event: Event) -> None:
    while len(form.parts.entries):
        form.parts.pop_entry()
    while len(form.criteria.entries):
        form.criteria.pop_entry()
    for part in event.parts:
        form.parts.append_entry({"code": part.code, "name": part.name, "weight": plain_decimal(part.weight),
                                 "pass_mark": None if part.pass_mark is None else plain_decimal(part.pass_mark),
                                 "carried_from": part.carried_from or ""})
        for c in part.criteria:
            form.criteria.append_entry({
                "part_code": part.code, "code": c.code, "name": c.name, "max_mark": plain_decimal(c.max_mark),
                "step": plain_decimal(c.step),
                "kind": c.kind, "aggregation": c.aggregation, "judges_required": c.judges_required,
                "reading_mode": c.reading_mode or "once",
                "tolerance": None if c.tolerance is None else plain_decimal(c.tolerance),
                "check_counts": c.check_counts or "first",
            })
    if not event.parts:   # a new event starts from its kind's default (expert review for an innovation contest)
        default = default_scheme(event.competition.kind)
        for part in default.parts:
            form.parts.append_entry({"code": part.code, "name": _(part.name), "weight": part.weight})
        for c in default.criteria:
            form.criteria.append_entry({"part_code": c.part_code, "code": c.code, "name": _(c.name) if c.name else "",
                                        "max_mark": c.max_mark, "step": c.step, "kind": c.kind,
                                        "aggregation": c.aggregation, "judges_required": c.judges_required})
    ties = list(event.tie_break or [])
    for field, value in zip((form.tie_break_1, form.tie_break_2, form.tie_break_3), ties + ["", "", ""], strict=False):
        field.data = value
    rule = event.award_rule or {"mode": "bands", "first": 1, "second": 2, "third": 3}
    form.award_mode.data = rule.get("mode", "bands")
    for key in ("first", "second", "third", "honourable"):
        value = rule.get(key)
        getattr(form, f"award_{key}").data = Decimal(str(value)) if value is not None else None
    form.award_rounding.data = rule.get("rounding", "down")
    form.precision.data = event.precision if event.precision is not None else 2
    form.rank_style.data = event.rank_style or "standard"
    form.absent_are_entrants.data = bool(event.absent_are_entrants)
    team = event.team_rule or {}
    form.team_score.data = team.get("score") or "mean"
    form.team_best.data = team.get("best")
    for field, value in zip((form.team_tie_break_1, form.team_tie_break_2),
                            list(team.get("tie_break") or []) + ["", ""], strict=False):
        field.data = value
    form.team_tie_mode.data = team.get("tie_mode") or "shared"
    form.trim_min_judges.data = event.trim_min_judges
    form.pass_total.data = None if event.pass_total is None else plain_decimal(event.pass_total)
    form.failed_placement.data = event.failed_placement or "ranked"


def _draft_from_form(form: SchemeForm) -> tuple[SchemeDraft, services.AwardRuleData]:
    parts = tuple(PartDraft(e.form.code.data.strip(), e.form.name.data.strip(), e.form.weight.data,
                            e.form.pass_mark.data, (e.form.carried_from.data or "").strip() or None)
                  for e in form.parts.entries)
    criteria = tuple(
        CriterionDraft(e.form.part_code.data.strip(), e.form.code.data.strip(), e.form.name.data.strip(),
                       e.form.max_mark.data, e.form.step.data, e.form.kind.data, e.form.aggregation.data,
                       e.form.judges_required.data, e.form.reading_mode.data, e.form.tolerance.data,
                       e.form.check_counts.data)
        for e in form.criteria.entries
    )
    ties = tuple(f.data for f in (form.tie_break_1, form.tie_break_2, form.tie_break_3) if f.data)
    draft = SchemeDraft(parts=parts, criteria=criteria, tie_break=ties, trim_min_judges=form.trim_min_judges.data,
                        pass_total=form.pass_total.data, failed_placement=form.failed_placement.data,
                        precision=form.precision.data, rank_style=form.rank_style.data,
                        absent_are_entrants=bool(form.absent_are_entrants.data),
                        team_score=form.team_score.data, team_best=form.team_best.data,
                        team_tie_break=tuple(f.data for f in (form.team_tie_break_1, form.team_tie_break_2) if f.data),
                        team_tie_mode=form.team_tie_mode.data)
    award = services.AwardRuleData(form.award_mode.data, form.award_first.data, form.award_second.data,
                                   form.award_third.data, form.award_honourable.data, form.award_rounding.data)
    return draft, award


def _attach_problems(form: SchemeForm, error: ValidationErrors) -> list[str]:
    """Put each problem on its row's field where there is one; return the rest as general messages."""
    general = []
    for problem in error.problems:
        message = translate(problem["message"], problem.get("params"))
        row, field = problem.get("row"), problem.get("field")
        if field in ("parts", "criteria") and row is not None and row < len(getattr(form, field).entries):
            entry = getattr(form, field).entries[row]
            entry.form.code.errors = list(entry.form.code.errors) + [message]
        elif field in ("tie_break", "award_mode", "trim_min_judges", "pass_total", "failed_placement", "precision",
                       "rank_style", "team_score", "team_best", "team_tie_break", "team_tie_mode"):
            target = {"tie_break": form.tie_break_1, "team_tie_break": form.team_tie_break_1}.get(field) \
                or getattr(form, field)
            target.errors = list(target.errors) + [message]
        else:
            general.append(message)
    return general


def _scheme_rows(event: Event) -> list:
    """What the scheme form edits, for its version check: the event, its parts and their criteria."""
    return [event, *event.parts, *(c for p in event.parts for c in p.criteria)]


@bp.route("/events/<int:event_id>/scheme", methods=["GET", "POST"])
@role_required("organizer")
def scheme(event_id: int):
    """Edit an event's marking scheme: weighted parts, criteria, tie-breaks and the award rule."""
    event = load_event_or_404(event_id, for_user=current_user)
    parts_source = _submitted_parts() if request.method == "POST" else [(p.code, p.name) for p in event.parts]
    if not parts_source:
        parts_source = [(p.code, _(p.name)) for p in default_scheme(event.competition.kind).parts]
    form = SchemeForm(tie_break_choices=_tie_break_choices(parts_source))
    general: list[str] = []
    if request.method == "GET":
        _fill_scheme_form(form, event)
        form.show_version(_scheme_rows(event))
    elif form.validate_on_submit() and not form.changed_meanwhile(_scheme_rows(event)):
        draft, award = _draft_from_form(form)
        try:
            services.save_scheme(event, draft, award)
        except ValidationErrors as error:
            db.session.rollback()
            general = _attach_problems(form, error)
        except CompetitionError as error:
            db.session.rollback()
            general = [error_message(error)]
        else:
            db.session.commit()
            flash(_("The marking scheme has been saved."), "success")
            return redirect(url_for("organize.competition", competition_id=event.competition_id))
    if request.method == "POST" and not general and form.errors:
        general = [_("Some rows need attention; nothing was saved.")]
    weight_total = sum((e.form.weight.data or 0 for e in form.parts.entries), Decimal(0))
    return render_template("organize/scheme.html", form=form, event=event, general=general,
                           weight_total=weight_total)


@bp.route("/")
@role_required("organizer")
def index():
    """The organizer's start page: what needs them, then the competitions of their organization by status."""
    counts = dict(db.session.execute(
        scope_competitions(select(Competition.status, func.count(Competition.id)), current_user)
        .group_by(Competition.status)
    ).all())
    recent = db.session.execute(
        scope_competitions(select(Competition), current_user).order_by(Competition.updated_at.desc()).limit(8)
    ).scalars().all()
    org = db.session.get(Organization, current_user.organization_id) if current_user.organization_id else None
    active = db.session.execute(
        scope_competitions(select(Competition), current_user).where(Competition.status != "archived")
        .order_by(Competition.starts_on, Competition.id).limit(50)
    ).scalars().all()
    todo = [(c, translate(message, params), url) for c, message, params, url in organizer_todo(active)]
    return render_template("organize/index.html", counts=counts, recent=recent, statuses=STATUSES, org=org,
                           todo=todo)
