"""Registration pages: the public competition page, self-registration, my registrations, review,
roster import, station draw, check-in list and exports. HTTP only: load and authorize, validate the
form, call one service, commit, redirect."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from competitions.auth.permissions import public, role_required
from competitions.db import utcnow
from competitions.domain.errors import CompetitionError, ValidationErrors
from competitions.domain.identity import mask_national_id
from competitions.domain.inputs import parse_id
from competitions.extensions import db
from competitions.forms import add_form_error, commit_or_form_error
from competitions.i18n import error_message, translate
from competitions.labels import label
from competitions.organize.models import Competition, Event
from competitions.organize.permissions import can_manage
from competitions.orgs.models import Organization, Worker
from competitions.orgs.services import organization_choices
from competitions.people import services as people_services
from competitions.registration import bp, exports, importer, services
from competitions.registration.forms import DecisionForm, RedrawForm, RosterForm, SelfRegistrationForm
from competitions.registration.models import REGISTRATION_STATUSES, Registration
from competitions.registration.pdf import CheckinSheet, checkin_pdf
from competitions.registration.permissions import (
    can_submit_roster,
    load_managed_competition_or_404,
    load_managed_event_or_404,
    load_managed_registration_or_404,
    load_own_registration_or_404,
    load_public_competition_or_404,
    load_public_event_or_404,
    load_roster_competition_or_404,
    own_worker,
    roster_employers,
)
from competitions.timezone import to_local
from competitions.web import page_arg, safe_redirect_target

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
def status_text(status: str) -> str:
    """A registration status in the user's language."""
    return label("registration_status", status)


@bp.app_template_global("registration_status")
def _registration_status(status: str) -> str:
    return status_text(status)


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


# ---- public and competitor -------------------------------------------------------------------------

@bp.route("/competitions/<int:competition_id>")
@public
def competition_page(competition_id: int):
    """A competition's public page: its events, their entry rules and places, and a Register button."""
    competition = load_public_competition_or_404(competition_id)
    counts = dict(db.session.execute(
        select(Registration.event_id, func.count(Registration.id))
        .join(Event, Event.id == Registration.event_id)
        .where(Event.competition_id == competition.id, Registration.status.in_(services.PLACE_HOLDING))
        .group_by(Registration.event_id)
    ).all())
    closed = services.registration_closed_reason(competition, utcnow())
    # The Register button is for workers (and visitors, who log in first); others never register.
    may_register = not current_user.is_authenticated or current_user.has_role("competitor")
    return render_template("registration/competition.html", competition=competition, counts=counts,
                           closed=translate(closed.message, closed.params) if closed else None,
                           may_register=may_register, mine=_my_statuses(competition),
                           manager=current_user.is_authenticated and can_manage(current_user, competition),
                           clerk=current_user.is_authenticated and can_submit_roster(current_user, competition))


def _my_statuses(competition: Competition) -> dict[int, Registration]:
    """The logged-in worker's standing registration per event of ``competition`` (withdrawn ones left out)."""
    if not current_user.is_authenticated:
        return {}
    worker = own_worker(current_user)
    if worker is None:
        return {}
    rows = db.session.execute(select(Registration).join(Event, Event.id == Registration.event_id).where(
        Event.competition_id == competition.id, Registration.worker_id == worker.id,
        Registration.status != "withdrawn")).scalars()
    return {r.event_id: r for r in rows}


def _details_from(form: SelfRegistrationForm, event: Event) -> services.WorkerDetails:
    return services.WorkerDetails(
        name=form.name.data or "", gender=form.gender.data or "", birth_date=form.birth_date.data,
        national_id=form.national_id.data or "", phone=form.phone.data or "",
        employer_id=form.employer_id.data or None,
        skill_level=int(form.skill_level.data) if form.skill_level.data else None,
        certificate_no=form.certificate_no.data or "", is_student=bool(form.is_student.data),
        team_name=(form.team_name.data or "").strip(),
    )


FIELD_OF_PROBLEM = {"date_of_birth": "birth_date", "national_id": "national_id", "gender": "gender",
                    "team_name": "team_name", "name": "name", "employer_id": "employer_id"}


def _problems_onto(form: SelfRegistrationForm, error: CompetitionError) -> list[str]:
    """Put field problems on their fields; return the rest (eligibility reasons) as messages."""
    general = []
    problems = error.problems if isinstance(error, ValidationErrors) else [
        {"field": error.field, "message": error.message, "params": error.params}]
    for problem in problems:
        message = translate(problem["message"], problem.get("params"))
        field = getattr(form, FIELD_OF_PROBLEM.get(problem.get("field") or "", ""), None)
        if field is not None:
            field.errors = list(field.errors) + [message]
        else:
            general.append(message)
    return general


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
@role_required("competitor")
def register(event_id: int):
    """Register oneself for an event: confirm details, see eligibility explained, then submit."""
    event = load_public_event_or_404(event_id)
    employers = organization_choices(None, kinds=("enterprise",))
    form = SelfRegistrationForm(employer_choices=employers)
    worker = own_worker(current_user)
    if request.method == "GET" and worker is not None:
        # The ID number is not echoed back (pages show it masked); the worker types it again to confirm.
        form.process(data={"name": worker.name, "gender": worker.gender, "birth_date": worker.birth_date,
                           "phone": worker.phone, "employer_id": worker.employer_id,
                           "skill_level": str(worker.skill_level or ""), "certificate_no": worker.certificate_no,
                           "is_student": worker.is_student})
    elif request.method == "GET":
        form.name.data = current_user.display_name
    verdict, general = None, []
    closed = services.registration_closed_reason(event.competition, utcnow(), event)
    already = _my_statuses(event.competition).get(event.id)
    # A rejected registration is no dead end (review2 M2): while registration is open the worker corrects what
    # the organizer's reason asks and submits again (back to pending, audited); the organizer decides again.
    rejected = already if already is not None and already.status == "rejected" else None
    if rejected is not None:
        already = None
    # Nothing to save when already registered or closed: the page shows the registration, or the form
    # read-only with the reason, instead of failing on save.
    if already is None and closed is None and form.validate_on_submit():
        details = _details_from(form, event)
        try:
            if form.submit.data:
                registration = services.register_self(event, details, current_user, utcnow())
            else:
                _parsed, _worker, verdict = services.check_self_registration(event, details, current_user,
                                                                             utcnow())
        except CompetitionError as error:
            db.session.rollback()
            if error.message == services.EXISTING_RECORD_MESSAGE:
                try:   # as the claim page: each "a record exists" answer costs a try of the claim budget
                    people_services.count_claim_attempt(current_user, request.remote_addr or "", utcnow())
                except CompetitionError as throttled:
                    error = throttled
            general = _problems_onto(form, error)
        else:
            if form.submit.data:
                db.session.commit()
                if registration.status == "waitlisted":
                    flash(_("The event is full: you are on the waiting list and move up when a place frees."),
                          "info")
                else:
                    flash(_("You are registered for %(event)s. The organizer will review your registration.",
                            event=event.trade_name), "success")
                return redirect(url_for("registration.mine"))
            db.session.rollback()
    return render_template("registration/register.html", event=event, competition=event.competition, form=form,
                           verdict=verdict, general=general, on_file=worker.national_id if worker else None,
                           already=already, rejected=rejected,
                           closed=translate(closed.message, closed.params) if closed else None)


@bp.route("/mine")
@role_required("competitor")
def mine():
    """My registrations: status, the organizer's reason, station and code once drawn; withdraw."""
    worker = own_worker(current_user)
    registrations = []
    if worker is not None:
        registrations = db.session.execute(
            select(Registration).where(Registration.worker_id == worker.id).order_by(Registration.id.desc())
        ).scalars().all()
    now = utcnow()
    from competitions.results.mine import own_results  # a later stage's tables, read for the worker's own page

    open_competitions = db.session.execute(
        select(Competition).where(Competition.status == "open").order_by(Competition.starts_on).limit(20)
    ).scalars().all()
    return render_template("registration/mine.html", worker=worker, registrations=registrations,
                           results=own_results(list(registrations), now), open_competitions=open_competitions,
                           can_resubmit={r.id: r.status == "rejected" and not r.event.cancelled
                                         and services.registration_closed_reason(r.event.competition, now, r.event)
                                         is None for r in registrations},
                           can_withdraw={r.id: services.rules.can_withdraw(
                               now, r.event.competition.registration_closes_at, r.status,
                               judging_begun=services.judging_begun(r.event)) for r in registrations})


@bp.route("/<int:registration_id>/withdraw", methods=["POST"])
@role_required("competitor")
def withdraw(registration_id: int):
    """Withdraw one's own registration before the deadline."""
    registration = load_own_registration_or_404(registration_id, for_user=current_user)
    services.withdraw(registration, current_user, utcnow())
    db.session.commit()
    flash(_("Your registration has been withdrawn."), "success")
    return redirect(url_for("registration.mine"))


# ---- organizer: review -----------------------------------------------------------------------------

def _filters() -> dict:
    return {k: request.args.get(k, "").strip() for k in ("event", "status", "employer", "q")}


def _filtered(competition: Competition, filters: dict):
    stmt = (select(Registration).join(Event, Event.id == Registration.event_id)
            .join(Worker, Worker.id == Registration.worker_id)
            .where(Event.competition_id == competition.id))
    if parse_id(filters["event"]) is not None:
        stmt = stmt.where(Registration.event_id == parse_id(filters["event"]))
    if filters["status"] in REGISTRATION_STATUSES:
        stmt = stmt.where(Registration.status == filters["status"])
    if parse_id(filters["employer"]) is not None:
        stmt = stmt.where(Registration.employer_id == parse_id(filters["employer"]))
    if filters["q"]:
        stmt = stmt.where(Worker.name.contains(filters["q"]))
    return stmt.order_by(Registration.event_id, Registration.id)


@bp.route("/manage/competitions/<int:competition_id>")
@role_required("organizer")
def manage(competition_id: int):
    """Registrations of a competition by event, status and employer; bulk approve or reject."""
    competition = load_managed_competition_or_404(competition_id, for_user=current_user)
    filters = _filters()
    page = db.paginate(_filtered(competition, filters), page=page_arg(), per_page=50, error_out=False)
    employers = db.session.execute(
        select(Organization).join(Registration, Registration.employer_id == Organization.id)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.competition_id == competition.id).distinct().order_by(Organization.name)
    ).scalars().all()
    counts = dict(db.session.execute(
        select(Registration.status, func.count(Registration.id)).join(Event, Event.id == Registration.event_id)
        .where(Event.competition_id == competition.id).group_by(Registration.status)
    ).all())
    similar_teams = [(e, a, b) for e in competition.events if e.is_team for a, b in services.similar_team_names(e)]
    return render_template("registration/manage.html", competition=competition, page=page, filters=filters,
                           employers=employers, statuses=REGISTRATION_STATUSES, counts=counts,
                           form=DecisionForm(), export_args={k: v for k, v in filters.items() if v},
                           similar_teams=similar_teams)


@bp.route("/manage/competitions/<int:competition_id>/decide", methods=["POST"])
@role_required("organizer")
def decide(competition_id: int):
    """Approve or reject the selected registrations (one or many) with a reason."""
    competition = load_managed_competition_or_404(competition_id, for_user=current_user)
    form = DecisionForm()
    back = safe_redirect_target(request.form.get("next"), url_for("registration.manage",
                                                                    competition_id=competition.id))
    ids = sorted({i for i in map(parse_id, request.form.getlist("ids")) if i is not None})
    decision = request.form.get("decision", "")
    if not form.validate():
        abort(400)
    rows = db.session.execute(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Registration.id.in_(ids), Event.competition_id == competition.id)
    ).scalars().all()
    try:
        count = services.decide(rows, decision, form.reason.data or "", current_user, utcnow())
    except CompetitionError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("%(count)d registration(s) %(decision)s.", count=count,
            decision=_("approved") if decision == "approve" else _("rejected")), "success")
    return redirect(back)


@bp.route("/manage/competitions/<int:competition_id>/close", methods=["POST"])
@role_required("organizer")
def close(competition_id: int):
    """Close registration now (the scheduled job does it at the deadline)."""
    competition = load_managed_competition_or_404(competition_id, for_user=current_user)
    services.close_registration(competition, actor_id=current_user.id, now=utcnow(), reason="by organizer")
    db.session.commit()
    flash(_("Registration is closed."), "success")
    return redirect(url_for("registration.manage", competition_id=competition.id))


@bp.route("/manage/registrations/<int:registration_id>/reveal", methods=["POST"])
@role_required("organizer")
def reveal(registration_id: int):
    """Show one full ID number to an organizer; the reveal is audited."""
    registration = load_managed_registration_or_404(registration_id, for_user=current_user)
    number = services.reveal_national_id(registration, current_user)
    db.session.commit()
    response = Response(render_template("registration/reveal.html", registration=registration, number=number))
    response.headers["Cache-Control"] = "no-store"  # the full number must not linger in caches
    return response


def _registration_rows(registrations) -> list[list]:
    return [[r.event.trade_name, label("group", r.event.group), r.worker.name,
             mask_national_id(r.worker.national_id), label("gender", r.worker.gender),
             r.worker.birth_date.isoformat(), r.worker.phone, r.employer.name,
             label("skill_level", r.skill_level), r.worker.certificate_no, status_text(r.status),
             r.decision_reason, r.station, r.anonymous_code or ""] for r in registrations]


@bp.route("/manage/competitions/<int:competition_id>/export.xlsx")
@role_required("organizer")
def export(competition_id: int):
    """The registrations, with the page's current filters, as a spreadsheet (ID numbers masked)."""
    competition = load_managed_competition_or_404(competition_id, for_user=current_user)
    registrations = db.session.execute(_filtered(competition, _filters())).scalars().all()
    headers = [_("Event"), _("Group"), _("Full name"), _("National ID number"), _("Gender"), _("Date of birth"),
               _("Phone"), _("Employer"), _("Current skill level"), _("Certificate number"), _("Status"),
               _("Reason"), _("Station"), _("Anonymous code")]
    data = exports.xlsx_table(_("Registrations"), headers, _registration_rows(registrations),
                              widths=(14, 10, 12, 22, 8, 12, 14, 28, 20, 18, 12, 24, 8, 10))
    return _download(data, f"registrations-{competition.id}.xlsx", XLSX)


# ---- roster import ---------------------------------------------------------------------------------

@bp.route("/roster/competitions/<int:competition_id>", methods=["GET", "POST"])
@role_required("organizer")
def roster(competition_id: int):
    """Upload a roster (.xlsx or .csv) for one event; every row is checked before anything is saved."""
    competition = load_roster_competition_or_404(competition_id, for_user=current_user)
    events = list(competition.events)
    form = RosterForm(event_choices=[(e.id, f"{e.trade_name} · {label('group', e.group)}") for e in events])
    problems = []
    if form.validate_on_submit():
        event = next(e for e in events if e.id == form.event_id.data)
        upload = form.file.data
        try:
            summary = importer.import_roster(event, upload.read(), upload.filename or "", current_user,
                                             allowed_employers=roster_employers(current_user, competition),
                                             now=utcnow())
        except ValidationErrors as error:
            db.session.rollback()
            problems = [{"row": p.get("row"), "column": _column_label(p.get("column")), "value": p.get("value", ""),
                         "message": translate(p["message"], p.get("params"))} for p in error.problems]
        except CompetitionError as error:
            db.session.rollback()
            add_form_error(form, error, "file")
        else:
            db.session.commit()
            flash(_("Imported %(total)d row(s): %(created)d new, %(updated)d updated, %(waitlisted)d on the "
                    "waiting list.", total=summary.total, created=summary.created, updated=summary.updated,
                    waitlisted=summary.waitlisted), "success")
            if summary.renamed:
                flash(_("Names changed by this file (people without an account; each change is kept in the "
                        "person's history): %(changes)s.",
                        changes="; ".join(_("row %(row)d: %(old)s → %(new)s", row=row, old=old, new=new)
                                          for row, old, new in summary.renamed)), "info")
            similar = services.similar_team_names(event) if event.is_team else []
            if similar:
                flash(_("Team names that look alike: %(pairs)s. If they are one team, use one name.",
                        pairs="; ".join(f"{a} / {b}" for a, b in similar)), "info")
            return redirect(url_for("registration.roster", competition_id=competition.id))
    return render_template("registration/roster.html", competition=competition, form=form, problems=problems,
                           manager=can_manage(current_user, competition))


def _column_label(key: str | None) -> str:
    column = importer.COLUMN_BY_KEY.get(key or "")
    return str(column.label) if column else ""


@bp.route("/roster/competitions/<int:competition_id>/template.xlsx")
@role_required("organizer")
def roster_template(competition_id: int):
    """The roster template with Chinese and English headers and drop-down lists."""
    competition = load_roster_competition_or_404(competition_id, for_user=current_user)
    root = competition.organization if can_manage(current_user, competition) else current_user.organization
    names = sorted(db.session.execute(
        select(Organization.name).where(Organization.path.startswith(root.path), Organization.kind == "enterprise")
    ).scalars()) if root is not None else []
    return _download(importer.roster_template(names), f"roster-template-{competition.id}.xlsx", XLSX)


# ---- draw and check-in -----------------------------------------------------------------------------

@bp.route("/manage/events/<int:event_id>/draw", methods=["GET", "POST"])
@role_required("organizer")
def draw(event_id: int):
    """Draw stations and anonymous codes for an event (again only by an administrator, with a reason)."""
    event = load_managed_event_or_404(event_id, for_user=current_user)
    form = RedrawForm()
    if form.validate_on_submit() and commit_or_form_error(
            form, lambda: services.draw_event(event, current_user, reason=form.reason.data or ""),
            field="reason", success=_("Stations and codes have been drawn."))[0]:
        return redirect(url_for("registration.draw", event_id=event.id))
    rows = db.session.execute(
        select(Registration).where(Registration.event_id == event.id, Registration.station.is_not(None))
        .order_by(Registration.station)
    ).scalars().all()
    approved = len(services.approved_of(event))
    return render_template("registration/draw.html", event=event, competition=event.competition, form=form,
                           latest=services.latest_draw(event), rows=rows, approved=approved)


def _checkin_sheet(event: Event) -> CheckinSheet:
    rows = db.session.execute(
        select(Registration).where(Registration.event_id == event.id, Registration.status == "approved")
        .order_by(Registration.station, Registration.id)
    ).scalars().all()
    if not rows or any(r.station is None for r in rows):
        from competitions.domain.errors import InvalidState

        raise InvalidState("Draw stations before printing the check-in list.")
    competition = event.competition
    return CheckinSheet(
        title=f"{competition.name} · {event.trade_name} · {_('Check-in list')}",
        subtitle=_("%(group)s · contest day %(day)s · %(count)d competitors · printed %(now)s",
                   group=label("group", event.group), day=(event.starts_on or competition.starts_on).isoformat(),
                   count=len(rows), now=to_local(utcnow()).strftime("%Y-%m-%d %H:%M")),  # local time
        headers=(_("Station"), _("Anonymous code"), _("Full name"), _("National ID number"), _("Employer"),
                 _("Signature")),
        rows=tuple((str(r.station), r.anonymous_code or "", r.worker.name, mask_national_id(r.worker.national_id),
                    r.employer.name, "") for r in rows),
        footer=_("Check-in staff signature: ____________    Chief judge signature: ____________"),
        page_label=_("Page %(page)d of %(pages)d"),
    )


@bp.route("/manage/events/<int:event_id>/checkin.pdf")
@role_required("organizer")
def checkin_list_pdf(event_id: int):
    """The check-in list (检录表) of an event as PDF."""
    event = load_managed_event_or_404(event_id, for_user=current_user)
    return _download(checkin_pdf(_checkin_sheet(event)), f"checkin-{event.id}.pdf", "application/pdf")


@bp.route("/manage/events/<int:event_id>/checkin.xlsx")
@role_required("organizer")
def checkin_list_xlsx(event_id: int):
    """The check-in list of an event as a spreadsheet."""
    event = load_managed_event_or_404(event_id, for_user=current_user)
    sheet = _checkin_sheet(event)
    data = exports.xlsx_table(_("Check-in list"), sheet.headers, sheet.rows, widths=(8, 10, 12, 22, 30, 20))
    return _download(data, f"checkin-{event.id}.xlsx", XLSX)

