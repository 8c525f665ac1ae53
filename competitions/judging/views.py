"""Judging pages: a judge's events, the tablet, the judge's own sheet, the chief judge's dashboard,
the organizer's assignments and the audit log."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competitions.audit import labels as audit_labels
from competitions.audit.models import AuditEntry
from competitions.auth.models import User, UserRole
from competitions.auth.permissions import public, role_required
from competitions.db import utcnow
from competitions.domain.errors import CompetitionError
from competitions.domain.inputs import InputError, parse_id, parse_iso_date
from competitions.domain.points import plain_decimal
from competitions.errors import commit_or_flash, flash_error
from competitions.extensions import db
from competitions.forms import commit_or_form_error, flash_form_errors
from competitions.judging import bp, corrections, services
from competitions.judging.forms import (
    AssignmentForm,
    ConflictForm,
    CorrectionDecisionForm,
    LockedMarkForm,
    OverrideForm,
    OwnConflictForm,
    PanelChangeForm,
    ReadingDecisionForm,
    ReasonForm,
    ThresholdForm,
    WrittenReasonForm,
)
from competitions.judging.permissions import (
    load_assignment_or_404,
    load_event_for_chief_or_404,
    load_event_for_judge_or_404,
    load_managed_event_or_404,
)
from competitions.organize.models import Competition
from competitions.organize.permissions import scope_competitions
from competitions.registration.models import Registration
from competitions.timezone import to_local, to_utc
from competitions.web import page_arg

# ---- judge ---------------------------------------------------------------------------------------

@bp.route("/")
@role_required("judge")
def index():
    """The judge's assignments: only their own events."""
    return render_template("judging/index.html", events=services.my_events(current_user))


@bp.route("/sw.js")
@public
def service_worker():
    """The tablet page's service worker (static/js/judging-sw.js), served under /judging/ so it may control it."""
    response = current_app.send_static_file("js/judging-sw.js")
    response.headers["Service-Worker-Allowed"] = url_for("judging.index")
    response.headers["Content-Type"] = "application/javascript; charset=utf-8"
    return response


@bp.route("/events/<int:event_id>/tablet")
@role_required("judge")
def tablet(event_id: int):
    """The tablet page: competitors by station and code, the judge's criteria, offline-safe autosave."""
    event = load_event_for_judge_or_404(event_id, for_user=current_user)
    return render_template("judging/tablet.html", event=event, sheet=services.judge_sheet(event, current_user),
                           conflict_form=OwnConflictForm())


@bp.route("/events/<int:event_id>/my-sheet")
@role_required("judge")
def my_sheet(event_id: int):
    """The judge reviews every mark they gave before handing in the sheet."""
    event = load_event_for_judge_or_404(event_id, for_user=current_user)
    sheet = services.judge_sheet(event, current_user)
    values = {(m["registration_id"], m["criterion_id"]): m["value"] for m in sheet["marks"]}
    # Nothing is owed where another judge holds a measured criterion's reading, or the competitor missed the part.
    taken = {(t["registration_id"], t["criterion_id"]): t["readings"] for t in sheet["taken"]}
    excused = {(e["registration_id"], e["criterion_id"]) for e in sheet["excused"]}
    owed = sum(1 for r in sheet["competitors"] for c in sheet["criteria"]
               if (r["id"], c["id"]) not in values and (r["id"], c["id"]) not in taken.keys() | excused)
    mine = corrections.corrections_of(event.id, judge_id=current_user.id)
    return render_template("judging/my_sheet.html", event=event, sheet=sheet, values=values, owed=owed,
                           form=ReasonForm(), corrections=mine, taken=taken, excused=excused,
                           pending_cells={(c.registration_id, c.criterion_id): plain_decimal(c.new_value)
                                          for c in reversed(mine) if c.status == "pending"})


@bp.route("/events/<int:event_id>/my-sheet/submit", methods=["POST"])
@role_required("judge")
def submit_sheet(event_id: int):
    """Hand in the judge's sheet; it can no longer change unless the chief judge reopens it."""
    event = load_event_for_judge_or_404(event_id, for_user=current_user)
    if ReasonForm().validate_on_submit():
        commit_or_flash(lambda: services.submit_sheet(event, judge=current_user),
                        _("Your sheet has been submitted to the chief judge."))
    return redirect(url_for("judging.my_sheet", event_id=event.id))


@bp.route("/events/<int:event_id>/declare-conflict", methods=["POST"])
@role_required("judge")
def declare_own_conflict(event_id: int):
    """A judge declares a conflict with a competitor; that competitor leaves their tablet."""
    event = load_event_for_judge_or_404(event_id, for_user=current_user)
    form = OwnConflictForm()
    if form.validate_on_submit():
        commit_or_flash(
            lambda: services.declare_conflict(event, actor=current_user, judge_id=current_user.id,
                                              registration_id=form.registration_id.data, reason=form.reason.data or ""),
            _("Conflict recorded: you will not mark this competitor."),
        )
    return redirect(url_for("judging.tablet", event_id=event.id))


# ---- chief judge ---------------------------------------------------------------------------------

def _chief_forms(board: services.Dashboard) -> dict:
    judges = [(j.id, j.display_name) for j in board.judges]
    competitors = [(r.id, f"{r.station or '—'} · {r.anonymous_code}") for r in board.competitors]
    criteria = [(c.id, f"{c.code} {c.name}") for c in board.criteria]
    threshold = ThresholdForm()
    if board.threshold.points is not None:
        threshold.mode.data, threshold.amount.data = "points", plain_decimal(board.threshold.points)
    else:
        threshold.mode.data, threshold.amount.data = "percent", plain_decimal(board.threshold.fraction_of_max * 100)
    mark_form = LockedMarkForm()
    mark_form.registration_id.choices, mark_form.criterion_id.choices = competitors, criteria
    mark_form.judge_id.choices = judges
    return {"override_form": OverrideForm(judge_choices=judges, competitor_choices=competitors),
            "panel_form": PanelChangeForm(judge_choices=judges, criterion_choices=criteria),
            "threshold_form": threshold, "mark_form": mark_form, "reason_form": ReasonForm(),
            "written_reason_form": WrittenReasonForm()}


@bp.route("/events/<int:event_id>/chief")
@role_required("judge")
def chief(event_id: int):
    """The chief judge's dashboard: completeness, outliers, recusals, sheets and sign-off."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    board = services.dashboard(event)
    from competitions.results.models import Appeal  # appeals about this event: the chief judge reads their text

    appeals = db.session.execute(select(Appeal).where(Appeal.event_id == event.id).order_by(Appeal.id)).scalars().all()
    return render_template("judging/chief.html", event=event, board=board, appeals=appeals,
                           fact_changes=_fact_changes(event), corrections=corrections.corrections_of(event.id),
                           published=board.locked and services.results_published(event),
                           correction_form=CorrectionDecisionForm(),
                           open_readings=services.reading_disagreements(event),
                           has_check_readings=any(c.reading_mode == "check" and c.kind == "measurement"
                                                  for c in board.criteria), **_chief_forms(board))


def flash_corrections_link(error: CompetitionError) -> None:
    """After a refusal naming a pending late correction, a link to where it is listed.

    The chief judge goes to their page, where they decide it; anyone else (the
    organizer computing results) to the event's judging page, which lists it
    and its chief judge.
    """
    event_id = error.params.get("corrections_event_id")
    if not event_id:
        return
    if services.is_chief(current_user, event_id):
        url = url_for("judging.chief", event_id=event_id, _anchor="corrections")
    else:
        url = url_for("judging.assignments", event_id=event_id, _anchor="corrections")
    flash(Markup('<a href="{}">{}</a>').format(url, _("Open the pending corrections")), "error")


def _decide_correction(event_id: int, correction_id: int, decide, success: str):
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    form = CorrectionDecisionForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: decide(event, corrections.load_correction(event, correction_id), form.reason.data),
                        success)
    else:
        flash_form_errors(form)
    return redirect(url_for("judging.chief", event_id=event.id, _anchor="corrections"))


@bp.route("/events/<int:event_id>/chief/corrections/<int:correction_id>/accept", methods=["POST"])
@role_required("judge")
def correction_accept(event_id: int, correction_id: int):
    """Accept a late correction: its value becomes the judge's mark (reopening what must be), audited."""
    return _decide_correction(event_id, correction_id, lambda event, c, note: corrections.accept_correction(
        event, c, actor=current_user, note=note or ""), _("The correction has been accepted and the mark changed."))


@bp.route("/events/<int:event_id>/chief/corrections/<int:correction_id>/decline", methods=["POST"])
@role_required("judge")
def correction_decline(event_id: int, correction_id: int):
    """Decline a late correction with a reason the judge reads; the mark stays."""
    return _decide_correction(event_id, correction_id, lambda event, c, reason: corrections.decline_correction(
        event, c, actor=current_user, reason=reason or ""), _("The correction has been declined."))


def _fact_changes(event) -> list[dict]:
    """The event's notices of changed competitor facts, with the judges named, for the chief's page."""
    changes = services.fact_changes_of(event.id)
    ids = {j for c in changes for j in (c.recusal or {}).get("recused", []) + (c.recusal or {}).get("cleared", [])}
    names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}
    return [{"change": c, "recused": [names.get(j, j) for j in (c.recusal or {}).get("recused", [])],
             "cleared": [names.get(j, j) for j in (c.recusal or {}).get("cleared", [])],
             "marks": (c.recusal or {}).get("marks_by_recused", 0)} for c in changes]


@bp.route("/events/<int:event_id>/chief/readings")
@role_required("judge")
def readings(event_id: int):
    """The chief judge's page of readings and check readings that disagree beyond the tolerance."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    decisions = services.reading_decisions(event.id)
    ids = {d.kept_judge_id for d in decisions} | {int(j) for d in decisions for j in (d.readings or {})}
    names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}
    codes = dict(db.session.execute(select(Registration.id, Registration.anonymous_code).where(
        Registration.event_id == event.id)).all())
    criteria = {c.id: c for c in services.event_criteria(event)}
    return render_template("judging/readings.html", event=event, open=services.reading_disagreements(event),
                           decisions=decisions, names=names, codes=codes, criteria=criteria,
                           locked=services.is_locked(event.id), form=ReadingDecisionForm())


@bp.route("/events/<int:event_id>/chief/readings", methods=["POST"])
@role_required("judge")
def decide_reading(event_id: int):
    """Keep one of two disagreeing readings, or order a re-measure, with a reason."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    form = ReadingDecisionForm()
    try:
        keep = form.keep_judge_id() if form.validate_on_submit() else False
    except (TypeError, ValueError):
        keep = False
    if keep is False:
        flash(_("Choose which reading counts (or a re-measure) and give the reason."), "error")
    else:
        commit_or_flash(
            lambda: services.decide_reading(event, actor=current_user, registration_id=form.registration_id.data,
                                            criterion_id=form.criterion_id.data, keep_judge_id=keep,
                                            reason=form.reason.data),
            _("The reading has been kept; it counts.") if keep is not None
            else _("Re-measure ordered: both readings are voided and the judges read the competitor again."))
    return redirect(url_for("judging.readings", event_id=event.id))


@bp.route("/events/<int:event_id>/chief/fact-changes/read", methods=["POST"])
@role_required("judge")
def fact_changes_read(event_id: int):
    """The chief judge has read the notices of changed competitor facts."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    commit_or_flash(lambda: services.mark_fact_changes_read(event, actor=current_user, now=utcnow()),
                    _("The notices are marked as read."))
    return redirect(url_for("judging.chief", event_id=event.id))


@bp.route("/events/<int:event_id>/chief/sign-off", methods=["POST"])
@role_required("judge")
def sign_off(event_id: int):
    """Sign the event off; every mark locks."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    if ReasonForm().validate_on_submit():
        try:
            services.sign_off_event(event, actor=current_user)
        except CompetitionError as error:
            flash_error(error)
            flash_corrections_link(error)
        else:
            db.session.commit()
            flash(_("The event has been signed off; its marks are locked."), "success")
    return redirect(url_for("judging.chief", event_id=event.id))


def _reopen(event, back: str):
    """Reopen a signed-off event with the written reason of the posted form (chief judge or organizer)."""
    form = WrittenReasonForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.reopen_signed_off_event(event, actor=current_user, reason=form.reason.data),
                        _("The event has been reopened: its marks can change again until it is signed off again."))
    else:
        flash(_("Give the reason for reopening the event."), "error")
    return redirect(back)


@bp.route("/events/<int:event_id>/chief/reopen", methods=["POST"])
@role_required("judge")
def chief_reopen(event_id: int):
    """The chief judge reopens the event they signed off too early (before results are published)."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    return _reopen(event, url_for("judging.chief", event_id=event.id))


@bp.route("/events/<int:event_id>/reopen", methods=["POST"])
@role_required("organizer")
def organizer_reopen(event_id: int):
    """The organizer reopens a signed-off event of their competition (before results are published)."""
    event = load_managed_event_or_404(event_id, for_user=current_user)
    return _reopen(event, url_for("judging.assignments", event_id=event.id))


@bp.route("/events/<int:event_id>/chief/panel", methods=["POST"])
@role_required("judge")
def change_panel(event_id: int):
    """Move a judge's assignment to other criteria or end it, keeping or voiding their marks, with a reason."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    criteria = [(c.id, f"{c.code} {c.name}") for c in services.event_criteria(event)]
    judges = [(j.id, j.display_name) for j in services._panel_judges(services.assignments_of(event.id))]
    form = PanelChangeForm(judge_choices=judges, criterion_choices=criteria)
    if form.validate_on_submit():
        commit_or_flash(lambda: services.change_panel(
            event, actor=current_user, judge_id=form.judge_id.data, criterion_ids=form.new_share(),
            reason=form.reason.data, void_marks=form.marks.data == "void"), _("The assignment has been changed."))
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("judging.chief", event_id=event.id))


@bp.route("/events/<int:event_id>/chief/threshold", methods=["POST"])
@role_required("judge")
def threshold(event_id: int):
    """Set the outlier threshold of the event."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    form = ThresholdForm()
    if not form.validate_on_submit():
        flash(_("Enter a threshold above 0."), "error")
        return redirect(url_for("judging.chief", event_id=event.id))
    points = form.amount.data if form.mode.data == "points" else None
    percent = form.amount.data if form.mode.data == "percent" else None
    commit_or_flash(lambda: services.set_outlier_threshold(event, actor=current_user, points=points, percent=percent),
                    _("The outlier threshold has been saved."))
    return redirect(url_for("judging.chief", event_id=event.id))


@bp.route("/events/<int:event_id>/chief/override", methods=["POST"])
@role_required("judge")
def override(event_id: int):
    """Lift one recusal with a written reason."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    board = services.dashboard(event)
    form = _chief_forms(board)["override_form"]
    if form.validate_on_submit():
        commit_or_flash(
            lambda: services.override_recusal(event, actor=current_user, judge_id=form.judge_id.data,
                                              registration_id=form.registration_id.data, reason=form.reason.data),
            _("The recusal has been lifted and recorded."),
        )
    else:
        flash(_("Choose a judge and a competitor and give a reason."), "error")
    return redirect(url_for("judging.chief", event_id=event.id))


@bp.route("/events/<int:event_id>/chief/overrides/<int:override_id>/restore", methods=["POST"])
@role_required("judge")
def restore_recusal(event_id: int, override_id: int):
    """Withdraw an override: the judge is recused again (their marks for that competitor are withdrawn)."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    form = WrittenReasonForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.restore_recusal(event, actor=current_user, override_id=override_id,
                                                         reason=form.reason.data),
                        _("The recusal is in force again; it has been recorded."))
    else:
        flash(_("Give the reason for restoring the recusal."), "error")
    return redirect(url_for("judging.chief", event_id=event.id))


@bp.route("/events/<int:event_id>/chief/reopen-sheet", methods=["POST"])
@role_required("judge")
def reopen_sheet(event_id: int):
    """Hand a submitted sheet back to its judge."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    form = ReasonForm()
    if form.validate_on_submit() and form.judge_id.data:
        commit_or_flash(
            lambda: services.reopen_sheet(event, actor=current_user, judge_id=form.judge_id.data,
                                          reason=form.reason.data or ""),
            _("The sheet has been reopened for correction."),
        )
    return redirect(url_for("judging.chief", event_id=event.id))


@bp.route("/events/<int:event_id>/chief/mark", methods=["POST"])
@role_required("judge")
def chief_mark(event_id: int):
    """The chief judge enters or changes a mark; after sign-off only with a written reason."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    form = _chief_forms(services.dashboard(event))["mark_form"]
    if not form.validate_on_submit():
        flash(_("Choose the competitor, criterion and judge and enter the mark."), "error")
        return redirect(url_for("judging.chief", event_id=event.id))
    current = services.current_mark(form.registration_id.data, form.criterion_id.data, form.judge_id.data)
    incoming = services.MarkInput(
        registration_id=form.registration_id.data, criterion_id=form.criterion_id.data, value=form.value.data,
        base_version=current["version"] if current else None, idempotency_key=form.idempotency_key.data,
        reason=form.reason.data, judge_id=form.judge_id.data)
    commit_or_flash(lambda: services.submit_mark(current_user, incoming),
                    _("The mark has been saved and recorded in the audit log."))
    return redirect(url_for("judging.chief", event_id=event.id))


# ---- organizer -----------------------------------------------------------------------------------

@bp.route("/manage")
@role_required("organizer")
def manage():
    """The organizer's judging overview: events of their competitions with assignment counts."""
    competitions = db.session.execute(
        scope_competitions(select(Competition), current_user)
        .where(Competition.status.in_(("open", "closed", "in_progress", "results")))
        .options(selectinload(Competition.events)).order_by(Competition.year.desc(), Competition.id.desc())
    ).scalars().all()
    counts = {}
    for comp in competitions:
        for e in comp.events:
            rows = services.assignments_of(e.id)
            counts[e.id] = (sum(1 for a in rows if not a.is_chief), next((a.user for a in rows if a.is_chief), None),
                            services.is_locked(e.id))
    return render_template("judging/manage.html", competitions=competitions, counts=counts)


def _judge_choices() -> list[tuple[int, str]]:
    users = db.session.execute(select(User).join(UserRole).where(UserRole.role == "judge", User.active.is_(True))
                               .order_by(User.display_name, User.id)).scalars().unique().all()
    return [(u.id, f"{u.display_name} ({u.organization.name if u.organization else '—'})") for u in users]


@bp.route("/events/<int:event_id>/assignments", methods=["GET", "POST"])
@role_required("organizer")
def assignments(event_id: int):
    """Assign judges to the event (or single criteria), name the chief judge, declare conflicts."""
    event = load_managed_event_or_404(event_id, for_user=current_user)
    criteria = services.event_criteria(event)
    form = AssignmentForm(judge_choices=_judge_choices(), criterion_choices=[(c.id, f"{c.code} {c.name}")
                                                                             for c in criteria])
    if form.validate_on_submit() and commit_or_form_error(form, lambda: services.assign_judge(
            event, actor=current_user, user_id=form.user_id.data,
            criterion_id=None if form.is_chief.data else form.criterion_id.data, is_chief_judge=form.is_chief.data),
            field="user_id", success=_("The judge has been assigned."))[0]:
        return redirect(url_for("judging.assignments", event_id=event.id))
    rows = services.assignments_of(event.id)
    competitors = services.judging_competitors(event.id)
    panel_judges = [a.user for a in rows if not a.is_chief]
    conflict_form = ConflictForm(
        judge_choices=sorted({(u.id, u.display_name) for u in panel_judges}),
        competitor_choices=[(r.id, f"{r.station or '—'} · {r.anonymous_code} · {r.worker.name}") for r in competitors])
    board = services.dashboard(event)
    return render_template("judging/assignments.html", event=event, form=form, rows=rows, criteria=criteria,
                           corrections=corrections.corrections_of(event.id), reopen_form=WrittenReasonForm(),
                           published=board.locked and services.results_published(event),
                           conflict_form=conflict_form, board=board, competitors={r.id: r for r in competitors},
                           crowded=services.one_judge_criteria_with_several(criteria, rows))


@bp.route("/assignments/<int:assignment_id>/delete", methods=["POST"])
@role_required("organizer")
def unassign(assignment_id: int):
    """Remove an assignment."""
    assignment = load_assignment_or_404(assignment_id, for_user=current_user)
    event_id = assignment.event_id
    if ReasonForm().validate_on_submit():
        commit_or_flash(lambda: services.unassign_judge(assignment, actor=current_user),
                        _("The assignment has been removed."))
    return redirect(url_for("judging.assignments", event_id=event_id))


@bp.route("/events/<int:event_id>/conflicts", methods=["POST"])
@role_required("organizer")
def declare_conflict(event_id: int):
    """The organizer declares a conflict between a judge and a competitor."""
    event = load_managed_event_or_404(event_id, for_user=current_user)
    rows = services.assignments_of(event.id)
    form = ConflictForm(judge_choices=[(a.user_id, "") for a in rows if not a.is_chief],
                        competitor_choices=[(r.id, "") for r in services.judging_competitors(event.id)])
    if form.validate_on_submit():
        commit_or_flash(
            lambda: services.declare_conflict(event, actor=current_user, judge_id=form.judge_id.data,
                                              registration_id=form.registration_id.data, reason=form.reason.data or ""),
            _("The conflict has been recorded; the judge is recused from this competitor."),
        )
    else:
        flash(_("Choose a judge and a competitor."), "error")
    return redirect(url_for("judging.assignments", event_id=event.id))


# ---- audit log -----------------------------------------------------------------------------------

def _audit_filters() -> tuple[services.AuditFilter, dict]:
    raw = {k: request.args.get(k, "").strip() for k in ("competition", "event", "action", "actor", "since", "until")}

    def day(value: str, shift: int = 0):
        try:
            parsed = parse_iso_date(value)
        except InputError:
            flash(_("%(value)s is not a date from 1900-01-01 to 2100-12-31 (YYYY-MM-DD); that filter was left out.",
                    value=value[:40]), "error")
            return None
        return None if parsed is None else to_utc(datetime.combine(parsed, time()) + timedelta(days=shift))

    filters = services.AuditFilter(
        competition_id=parse_id(raw["competition"]), event_id=parse_id(raw["event"]),
        action=raw["action"], actor=raw["actor"], since=day(raw["since"]), until=day(raw["until"], 1))
    return filters, raw


def _visible_competition_ids() -> list[int] | None:
    if current_user.has_role("admin"):
        return None
    return list(db.session.execute(scope_competitions(select(Competition.id), current_user)).scalars())


AUDIT_ACTIONS = ("mark.", "mark.create", "mark.update", "mark.override", "mark.void", "mark.withdraw", "correction.",
                 "recusal.", "event.", "sheet.", "judging.", "registration.draw", "registration.", "competition.",
                 "labour.", "labour.score", "labour.bonus", "labour.deduction", "labour.veto", "labour.period_sign_off",
                 "labour.period_reopen", "labour_", "labour_period_published", "labour_period_corrected",
                 "labour_period_unpublished", "innovation.", "innovation.adopt", "rounds.", "rounds.confirm",
                 "rounds.undo")


@bp.route("/audit")
@role_required("organizer")
def audit():
    """The audit log of the organizer's competitions, filtered."""
    filters, raw = _audit_filters()
    stmt = services.audit_query(select(AuditEntry), filters, _visible_competition_ids())
    page = db.paginate(stmt, page=page_arg(), per_page=50, error_out=False)
    competitions = db.session.execute(scope_competitions(select(Competition), current_user)
                                      .order_by(Competition.year.desc(), Competition.id.desc())).scalars().all()
    return render_template("judging/audit.html", page=page, raw=raw, competitions=competitions,
                           actions=AUDIT_ACTIONS, action_label=audit_labels.action_label,
                           values_text=lambda values, object_type: audit_labels.values_text(values, object_type,
                                                                                             to_local))


@bp.route("/audit.xlsx")
@role_required("organizer")
def audit_export():
    """The filtered audit log as a spreadsheet."""
    filters, _raw = _audit_filters()
    entries = db.session.execute(services.audit_query(select(AuditEntry), filters,
                                                      _visible_competition_ids())).scalars().all()
    headers = [_("No."), _("Time"), _("User"), _("Action"), _("Object"), _("Object id"), _("Competition"),
               _("Event"), _("Old value"), _("New value"), _("Reason"), _("Address")]
    data = services.audit_workbook(entries, headers, to_local, readable=True)
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=audit-log.xlsx"})
