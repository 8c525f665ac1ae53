"""Results pages: the organizer's workflow, the chief judge's adjustments, the public pages and the venue board."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from competitions.auth.permissions import public, role_required
from competitions.db import utcnow
from competitions.domain.errors import CompetitionError, InvalidState
from competitions.domain.inputs import InputError, parse_decimal, parse_id, parse_page
from competitions.domain.points import plain_decimal
from competitions.domain.scoring import DEFAULT_STANDARD_CENTRE, DEFAULT_STANDARD_SPREAD
from competitions.errors import commit_or_flash, flash_error
from competitions.extensions import db
from competitions.forms import Form as _CsrfOnlyForm
from competitions.forms import flash_form_errors
from competitions.i18n import error_message
from competitions.judging.views import flash_corrections_link
from competitions.results import bp, exports, services, teams
from competitions.results import calendar as calendar_rules
from competitions.results.calendar import unknown_years_of
from competitions.results.display import figure, page_version, standing_rows
from competitions.results.forms import (
    AdjustmentForm,
    AppealDecisionForm,
    AppealForm,
    CalendarDayForm,
    CalendarRemoveForm,
    OwnAppealForm,
    PartAbsenceForm,
    PublishForm,
    TeamAggregationForm,
    TieDecisionForm,
    TieModeForm,
    parse_time_used,
)
from competitions.results.labels import TIE_MODES, format_time_used, outcome_label, prize_label, results_label
from competitions.results.models import Appeal
from competitions.results.permissions import (
    load_appeal_or_404,
    load_competition_or_404,
    load_event_for_chief_or_404,
    load_public_competition_or_404,
    load_public_event_or_404,
)
from competitions.timezone import local_zone


@bp.app_template_global("prize_label")
def _prize_label(code):
    """Prize names in templates."""
    return prize_label(code)


@bp.app_template_global("outcome_label")
def _outcome_label(entry):
    """Disqualified, did not pass, or the prize: a standing row's last column in templates."""
    return outcome_label(entry)


@bp.app_template_global("results_label")
def _results_label(kind, code):
    """Results codes' names in templates."""
    return results_label(kind, code)


@bp.app_template_global("standing_rows")
def _standing_rows(part_codes, entries, reveal, standard=None, precision=2):
    """A standing table's rows, built in one pass (see results/display.py)."""
    return standing_rows(part_codes, entries, reveal, standard, precision)


@bp.app_template_filter("weight")
def _weight(value):
    """A part's weight without trailing zeros: 30, 25.5."""
    return str(plain_decimal(value))


@bp.app_template_filter("figure")
def _figure(value, precision=2):
    """A published figure at the event's precision (0-3 decimals)."""
    return figure(value, 2 if precision is None else precision)


@bp.app_template_filter("time_used")
def _time_used(seconds):
    """Time used as m:ss in templates."""
    return format_time_used(seconds)


# --- organizer ----------------------------------------------------------------------------------


@bp.route("/competitions/<int:competition_id>")
@role_required("organizer")
def manage(competition_id: int):
    """The organizer's results page: sign-off state, compute, publish, appeals, finalize, exports."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    snapshot = services.current_snapshot(competition.id)
    public = services.public_snapshot(competition.id)
    grouped = services.entries_by_event(snapshot) if snapshot else {}
    appeals = db.session.execute(
        db.select(Appeal).where(Appeal.competition_id == competition.id).order_by(Appeal.id.desc())
    ).scalars().all()
    appeal_form = AppealForm()
    appeal_form.event_id.choices = [(e.id, e.trade_name) for e in competition.events]
    blocker = services.finalize_blocker(public, utcnow()) if public else None
    return render_template(
        "results/manage.html", competition=competition, snapshot=snapshot, public=public, grouped=grouped,
        events={e.id: e for e in competition.events}, unsigned=services.unsigned_events(competition),
        appeals=appeals, appeal_form=appeal_form, publish_form=PublishForm(), decision_form=AppealDecisionForm(),
        blocker=blocker, can_compute=services.may_compute(snapshot),
    )


@bp.route("/competitions/<int:competition_id>/compute", methods=["POST"])
@role_required("organizer")
def compute(competition_id: int):
    """Compute the provisional results of every event."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    try:
        services.compute_provisional_results(competition, actor_id=current_user.id)
    except CompetitionError as error:
        flash_error(error)
        flash_corrections_link(error)
        event_id = error.params.get("event_id")
        if event_id:  # where to fix it: the chief judge's page of that event
            flash(Markup('<a href="{}">{}</a>').format(url_for("results.adjustments", event_id=event_id),
                                                       _("Open the chief judge's page of this event to fix it")),
                  "error")
        return redirect(url_for("results.manage", competition_id=competition.id))
    db.session.commit()
    flash(_("Provisional results computed. Check them, then publish them for public notice."), "success")
    return redirect(url_for("results.manage", competition_id=competition.id))


@bp.route("/competitions/<int:competition_id>/publish", methods=["POST"])
@role_required("organizer")
def publish(competition_id: int):
    """Publish the provisional results for the public notice period."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    form = PublishForm()
    if not form.validate_on_submit():
        flash(_("The notice period must be 1 to %(max)s working days.", max=services.MAX_NOTICE_DAYS), "error")
        return redirect(url_for("results.manage", competition_id=competition.id))
    try:
        snapshot = services.publish_results(competition, actor_id=current_user.id, now=utcnow(), zone=local_zone(),
                                            notice_days=form.notice_days.data)
    except CompetitionError as error:
        db.session.rollback()
        flash_error(error)
        flash_corrections_link(error)
        return redirect(url_for("results.manage", competition_id=competition.id))
    unknown = unknown_years_of(snapshot.published_at, snapshot.notice_ends_at, local_zone())
    db.session.commit()
    flash(_("The results are published for public notice.") + " "
          + _("The notice period of %(days)s working days ends %(when)s (local time).",
              days=snapshot.notice_days, when=format_datetime(snapshot.notice_ends_at, "yyyy-MM-dd HH:mm")), "success")
    if unknown:
        flash(_("The holiday schedule of %(years)s is not known yet: those days were counted Monday to Friday."
                " An administrator can enter that year's holidays and make-up working days on the working-day"
                " calendar.", years=", ".join(str(y) for y in unknown)), "warning")
    return redirect(url_for("results.manage", competition_id=competition.id))


@bp.route("/competitions/<int:competition_id>/finalize", methods=["POST"])
@role_required("organizer")
def finalize(competition_id: int):
    """Make the published results final once the notice period is over."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    snapshot = services.public_snapshot(competition.id)
    try:
        if snapshot is None:
            raise InvalidState("Only published results can become final.")
        services.finalize_results(snapshot, actor_id=current_user.id, now=utcnow())
    except CompetitionError as error:
        flash_error(error)
    else:
        db.session.commit()
        flash(_("The results are final."), "success")
    return redirect(url_for("results.manage", competition_id=competition.id))


@bp.route("/competitions/<int:competition_id>/appeals", methods=["POST"])
@role_required("organizer")
def appeal_new(competition_id: int):
    """Record an appeal lodged during the notice period."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    form = AppealForm()
    form.event_id.choices = [(e.id, e.trade_name) for e in competition.events]
    if not form.validate_on_submit():
        flash(_("Say who appeals and about what."), "error")
        return redirect(url_for("results.manage", competition_id=competition.id))
    data = services.AppealData(event_id=form.event_id.data, appellant=form.appellant.data,
                               subject=form.subject.data, competitor_code=form.competitor_code.data or "")
    commit_or_flash(lambda: services.record_appeal(competition, data, actor_id=current_user.id, now=utcnow()),
                    _("The appeal has been recorded."))
    return redirect(url_for("results.manage", competition_id=competition.id))


@bp.route("/registrations/<int:registration_id>/appeal", methods=["POST"])
@role_required("competitor")
def own_appeal(registration_id: int):
    """A worker appeals their own published result online, during the notice period, where allowed."""
    from competitions.registration.permissions import load_own_registration_or_404
    from competitions.results.mine import lodge_own_appeal

    registration = load_own_registration_or_404(registration_id, for_user=current_user)
    if OwnAppealForm().validate_on_submit():
        commit_or_flash(lambda: lodge_own_appeal(registration, request.form.get("subject", ""), user=current_user,
                                                 now=utcnow()),
                        _("Your appeal has been lodged; the organizer and the chief judge will read it."))
    else:
        flash(_("Say what you appeal and why."), "error")
    return redirect(url_for("registration.mine"))


@bp.route("/appeals/<int:appeal_id>/decide", methods=["POST"])
@role_required("organizer")
def appeal_decide(appeal_id: int):
    """Uphold or dismiss an appeal; upholding reopens the event to its chief judge."""
    appeal = load_appeal_or_404(appeal_id, for_user=current_user)
    form = AppealDecisionForm()
    if not form.validate_on_submit():
        flash_form_errors(form, missing={"reason": _("Give the reason for the decision.")})
        return redirect(url_for("results.manage", competition_id=appeal.competition_id))
    try:
        services.decide_appeal(appeal, form.decision.data, form.reason.data, actor_id=current_user.id,
                               now=utcnow())
    except CompetitionError as error:
        flash_error(error)
    else:
        db.session.commit()
        if form.decision.data == "upheld":
            flash(_("Appeal upheld: the event is reopened to its chief judge. Recompute and publish the results"
                    " once it is signed off again."), "success")
        else:
            flash(_("Appeal dismissed."), "success")
    return redirect(url_for("results.manage", competition_id=appeal.competition_id))


@bp.route("/competitions/<int:competition_id>/export.xlsx")
@role_required("organizer")
def export_xlsx(competition_id: int):
    """The current results as a spreadsheet (with names only once published)."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    data = exports.results_data(competition, services.current_snapshot(competition.id))
    return Response(exports.results_xlsx(data), headers={"Content-Disposition": exports.disposition(data, "xlsx")},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/competitions/<int:competition_id>/export.pdf")
@role_required("organizer")
def export_pdf(competition_id: int):
    """The current results as a PDF notice (with names only once published)."""
    from competitions.results.pdf import results_pdf

    competition = load_competition_or_404(competition_id, for_user=current_user)
    data = exports.results_data(competition, services.current_snapshot(competition.id))
    return Response(results_pdf(data), headers={"Content-Disposition": exports.disposition(data, "pdf")},
                    mimetype="application/pdf")


# --- chief judge --------------------------------------------------------------------------------


@bp.route("/events/<int:event_id>/adjustments", methods=["GET", "POST"])
@role_required("organizer", "judge")
def adjustments(event_id: int):
    """Time used, deductions and disqualifications of every competitor, saved in one action; tie mode; preview.

    The whole table is one form: every row is checked, and either every changed
    row is recorded (each audited) or nothing is, with each problem named by
    the competitor's code and the typed values kept on the page.
    """
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    if request.method != "POST":
        return _adjustments_page(event)
    if not _CsrfOnlyForm().validate_on_submit():  # the CSRF token of the whole table
        flash(_("Your form had expired or was sent from elsewhere. Nothing was saved; please try again."), "error")
        return _adjustments_page(event)
    codes = services.codes_of(services.competitor_ids(event.id))
    existing = services.adjustments_of(event.id)
    problems: list[str] = []
    changes = []
    for registration_id in sorted(codes):
        form = AdjustmentForm(prefix=f"row-{registration_id}", meta={"csrf": False})
        if form.registration_id.data != str(registration_id):
            continue  # a row not on the page that was sent
        if not form.validate():
            problems += [f"{codes[registration_id]}: {m}" for errors in form.errors.values() for m in errors]
            continue
        data = services.AdjustmentData(
            registration_id=registration_id, time_used_seconds=parse_time_used(form.time_used.data),
            deduction_points=form.deduction_points.data or Decimal(0),
            deduction_reason=form.deduction_reason.data or "", disqualified=form.disqualified.data,
            disqualification_reason=form.disqualification_reason.data or "", absent=form.absent.data)
        if _adjustment_changed(existing.get(registration_id), data):
            changes.append(data)
    for data in changes if not problems else ():
        try:
            services.record_adjustment(event, data, actor_id=current_user.id)
        except CompetitionError as error:
            problems.append(f"{codes[data.registration_id]}: {error_message(error)}")
    if problems:
        db.session.rollback()
        for message in problems:
            flash(message, "error")
        flash(_("Nothing was saved; correct the rows above and save again."), "error")
        return _adjustments_page(event, posted=request.form)
    db.session.commit()
    flash(_("Saved %(count)d row(s).", count=len(changes)), "success")
    return redirect(url_for("results.adjustments", event_id=event.id))


def _adjustment_changed(row, data) -> bool:
    """Whether ``data`` differs from the stored adjustment ``row`` (or, with none stored, sets anything)."""
    if row is None:
        return bool(data.time_used_seconds is not None or data.deduction_points or data.disqualified or data.absent)
    return (row.time_used_seconds, Decimal(row.deduction_points or 0), row.deduction_reason or "",
            bool(row.disqualified), row.disqualification_reason or "", bool(row.absent)) != (
        data.time_used_seconds, Decimal(data.deduction_points), data.deduction_reason.strip() if data.deduction_points
        else "", data.disqualified, data.disqualification_reason.strip() if data.disqualified else "",
        data.absent and not data.disqualified)


def _adjustments_page(event, posted=None):
    standing = services.event_standing(event)
    codes = services.codes_of(services.competitor_ids(event.id))
    order = sorted(standing.scores.scores, key=lambda s: (codes.get(s.competitor_id, ""), s.competitor_id))
    tie_form = TieModeForm(prefix="tie", tie_mode=services.tie_mode_of(event.id))
    tie_form.tie_mode.choices = [(k, str(v)) for k, v in TIE_MODES.items()]
    problems = [(p, _problem_text(p, codes, event)) for p in standing.problems]
    return render_template(
        "results/adjustments.html", event=event, standing=standing, codes=codes, order=order,
        adjustments=services.adjustments_of(event.id), tie_form=tie_form, decision_form=TieDecisionForm(),
        team_form=TeamAggregationForm(team_aggregation=teams.team_aggregation_of(event.id)) if event.is_team else None,
        problems=problems, prizes={a.competitor_id: a.prize for a in standing.awards},
        absence_form=_part_absence_form(event, codes), part_absences=services.part_absences(event.id),
        # Disagreeing check readings are decided on the chief judge's readings page (judging.readings).
        readings_link=any(p.code == "check_disagreement" for p in standing.problems)
        and services.is_chief_judge(current_user.id, event.id),
        part_names={p.code: p.name for p in event.parts},
        ranks={r.competitor_id: r for r in standing.ranking.entries} if standing.ranking else {},
        posted=posted,
    )


def _problem_text(problem, codes, event=None) -> str:
    """A scoring problem in the reader's language, naming the competitor, station, criterion and judge."""
    from competitions.i18n import translate

    if event is not None:
        return translate(*services.problem_message(problem, event))
    params = dict(problem.params)
    if "competitor" in params:
        params["competitor"] = codes.get(problem.competitor_id, problem.competitor_id)
    return translate(problem.message, params)


@bp.route("/events/<int:event_id>/tie-mode", methods=["POST"])
@role_required("organizer", "judge")
def tie_mode(event_id: int):
    """Choose shared places or "no tied places" for the event."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    form = TieModeForm(prefix="tie")
    form.tie_mode.choices = [(k, str(v)) for k, v in TIE_MODES.items()]
    if form.validate_on_submit():
        try:
            services.set_tie_mode(event, form.tie_mode.data, actor_id=current_user.id)
            if event.is_team and request.form.get("team_aggregation"):  # the team score setting, same form
                teams.set_team_aggregation(event, request.form["team_aggregation"], actor_id=current_user.id)
        except CompetitionError as error:
            flash_error(error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
    return redirect(url_for("results.adjustments", event_id=event.id))


def _part_absence_form(event, codes, **kwargs) -> PartAbsenceForm:
    form = PartAbsenceForm(**kwargs)
    form.registration_id.choices = [("", "—")] + [(str(rid), code) for rid, code in sorted(
        codes.items(), key=lambda item: item[1])]
    form.part.choices = [(p.code, f"{p.name} ({p.code})") for p in event.parts if not p.carried_from]
    return form


@bp.route("/events/<int:event_id>/part-absence", methods=["POST"])
@role_required("organizer", "judge")
def part_absence(event_id: int):
    """Record (or, with ``undo``, withdraw) a competitor's absence (缺考) from one part, with the reason."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    form = _part_absence_form(event, services.codes_of(services.competitor_ids(event.id)))
    if not form.validate_on_submit():
        flash(_("Choose the competitor and the part, and give the reason."), "error")
        return redirect(url_for("results.adjustments", event_id=event.id) + "#part-absence")
    undo = request.form.get("undo") == "1"
    action = services.undo_part_absence if undo else services.record_part_absence
    commit_or_flash(
        lambda: action(event, int(form.registration_id.data), form.part.data, form.reason.data,
                       actor_id=current_user.id),
        _("The absence from the part has been withdrawn.") if undo
        else _("The absence from the part has been recorded; the part scores 0."),
    )
    return redirect(url_for("results.adjustments", event_id=event.id) + "#part-absence")


@bp.route("/events/<int:event_id>/tie-decision", methods=["POST"])
@role_required("organizer", "judge")
def tie_decision(event_id: int):
    """Record the chief judge's order of one group of exactly tied competitors."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    form = TieDecisionForm()
    if form.validate_on_submit():
        commit_or_flash(
            lambda: services.record_tie_decision(event, form.codes(), form.reason.data, actor_id=current_user.id),
            _("The chief judge's decision has been recorded."),
        )
    else:
        flash_form_errors(form, missing={"order": _("Give the order and the reason."),
                                         "reason": _("Give the order and the reason.")})
    return redirect(url_for("results.adjustments", event_id=event.id))


@bp.route("/events/<int:event_id>/consistency")
@role_required("organizer", "judge")
def consistency(event_id: int):
    """Each judge's average deviation from the panel and how often their mark was dropped."""
    event = load_event_for_chief_or_404(event_id, for_user=current_user)
    return render_template("results/consistency.html", event=event, lines=services.judge_report(event))


# --- public -------------------------------------------------------------------------------------


PUBLIC_MAX_AGE = 60  # seconds a visitor's browser may reuse a public results page without asking again


def _public_etag(snapshot) -> str | None:
    """The ETag of a public results page as this visitor sees it; None when it must not be cached.

    The rows change only with the snapshot (a new publication is a new
    snapshot; becoming final changes its status), so the tag is the snapshot,
    its status, the language, the query string and the markup's version; a
    visitor who is not logged in gets no CSRF token on the page (base.html), so
    nothing in it belongs to one visitor. Signed-in visitors see their own menu,
    and a pending flash message is shown once: their pages are not cached.
    """
    if current_user.is_authenticated or session.get("_flashes"):
        return None
    varying = hashlib.sha256(request.query_string)
    return f"results-{snapshot.id}-{snapshot.status}-{get_locale()}-{varying.hexdigest()[:16]}-{page_version()}"


def _cacheable(response: Response, snapshot) -> Response:
    """Let browsers (and, for visitors without a cookie, shared caches) keep a public page for a short while.

    A request without a cookie is answered ``public``: the page then has
    nothing of one visitor in it and sets no cookie, so a proxy in front of the
    application may serve it to everybody asking in the same language. With a
    cookie (a chosen language, a past login) it stays ``private``. Either way
    the copy is revalidated by its ETag after ``PUBLIC_MAX_AGE``.
    """
    etag = _public_etag(snapshot)
    if etag is None:
        return response
    response.set_etag(etag, weak=True)
    response.last_modified = snapshot.finalized_at or snapshot.published_at
    if request.cookies or session.modified:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.cache_control.max_age = PUBLIC_MAX_AGE
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


def _not_modified(snapshot) -> Response | None:
    """A 304 answer, without rendering, when the visitor's copy (If-None-Match) is still this page."""
    if not request.if_none_match:
        return None
    etag = _public_etag(snapshot)
    if etag is None or not request.if_none_match.contains_weak(etag):
        return None
    return _cacheable(Response(status=304), snapshot)


def _standardise_args() -> tuple[bool, Decimal, Decimal]:
    on = request.args.get("standardise") == "1"
    try:
        centre = parse_decimal(request.args.get("centre") or DEFAULT_STANDARD_CENTRE, minimum=-10**6, maximum=10**6)
        spread = parse_decimal(request.args.get("spread") or DEFAULT_STANDARD_SPREAD, minimum=0, maximum=10**6)
    except InputError:
        centre, spread = DEFAULT_STANDARD_CENTRE, DEFAULT_STANDARD_SPREAD
    return on, centre, spread


@bp.route("/public/competitions/<int:competition_id>")
@public
def public_competition(competition_id: int):
    """The published results of a competition: every event's standing; optionally standardised across events."""
    competition, snapshot = load_public_competition_or_404(competition_id)
    unchanged = _not_modified(snapshot)
    if unchanged is not None:
        return unchanged
    grouped = services.public_rows(snapshot)
    on, centre, spread = _standardise_args()
    standard = services.standardised_scores(grouped, centre=centre, spread=spread) if on else {}
    overall = []
    if on:
        rows = [e for entries in grouped.values() for e in entries if e.registration_id in standard]
        overall = sorted(rows, key=lambda e: (-standard[e.registration_id], e.registration_id))
    page = render_template("results/public_competition.html", competition=competition, snapshot=snapshot,
                           grouped=grouped, events={e.id: e for e in competition.events}, standardise=on,
                           centre=centre, spread=spread, standard=standard, overall=overall)
    return _cacheable(Response(page, mimetype="text/html"), snapshot)


@bp.route("/public/events/<int:event_id>")
@public
def public_event(event_id: int):
    """The published standing of one event."""
    event, snapshot = load_public_event_or_404(event_id)
    unchanged = _not_modified(snapshot)
    if unchanged is not None:
        return unchanged
    entries = services.public_rows(snapshot, event.id).get(event.id, [])
    page = render_template("results/public_event.html", event=event, competition=event.competition,
                           snapshot=snapshot, entries=entries,
                           teams=teams.team_rows(snapshot, event.id).get(event.id, []) if event.is_team else [])
    return _cacheable(Response(page, mimetype="text/html"), snapshot)


@bp.route("/board/<int:competition_id>")
@public
def board(competition_id: int):
    """The venue's big-screen board: full screen, cycles through the events, refreshes itself."""
    competition, snapshot = load_public_competition_or_404(competition_id)
    unchanged = _not_modified(snapshot)  # every screen in the hall reloads after each cycle
    if unchanged is not None:
        return unchanged
    grouped = services.entries_by_event(snapshot)
    seconds = min(parse_page(request.args.get("seconds")), 600) if request.args.get("seconds") else 12
    team_groups = teams.team_rows(snapshot) if any(e.is_team for e in competition.events) else {}
    page = render_template("results/board.html", competition=competition, snapshot=snapshot, grouped=grouped,
                           events=[e for e in competition.events if e.id in grouped], team_groups=team_groups,
                           seconds=min(max(seconds, 2), 120))
    return _cacheable(Response(page, mimetype="text/html"), snapshot)


@bp.route("/public")
@public
def public_index():
    """Competitions whose results are published or final, newest first (the public's way in)."""
    from competitions.labour_results.publication import published_competitions as labour_published

    return render_template("results/public_index.html", rows=services.published_competitions(),
                           labour=labour_published())


# --- working-day calendar (administrator) -------------------------------------------------------


@bp.route("/calendar")
@role_required("admin")
def calendar():
    """The working-day calendar of a year: the library's holidays and make-up days, and the admin's own."""
    from datetime import date

    year = parse_id(request.args.get("year")) or utcnow().astimezone(local_zone()).year
    year = min(max(year, 2000), 2100)
    language = "zh_CN" if str(get_locale()).startswith("zh") else "en_US"
    lines = calendar_rules.calendar_lines(year, language=language)
    known = year in calendar_rules.work_calendar([year]).known_years
    return render_template("results/calendar.html", year=year, lines=lines, known=known,
                           form=CalendarDayForm(day=date(year, 1, 1)), remove_form=CalendarRemoveForm())


@bp.route("/calendar/days", methods=["POST"])
@role_required("admin")
def calendar_set():
    """Enter an extra day off or make-up working day."""
    form = CalendarDayForm()
    if not form.validate_on_submit():
        flash(_("Give a date and whether it is a day off or a working day."), "error")
        return redirect(url_for("results.calendar"))
    commit_or_flash(lambda: calendar_rules.set_calendar_day(form.day.data, form.kind.data, form.name.data or "",
                                                            actor_id=current_user.id),
                    _("The calendar has been updated."))
    return redirect(url_for("results.calendar", year=form.day.data.year))


@bp.route("/calendar/days/remove", methods=["POST"])
@role_required("admin")
def calendar_remove():
    """Remove one of the administrator's days (the library's own days stay)."""
    form = CalendarRemoveForm()
    if form.validate_on_submit() and calendar_rules.remove_calendar_day(form.day.data, actor_id=current_user.id):
        db.session.commit()
        flash(_("The day has been removed from the calendar."), "success")
        return redirect(url_for("results.calendar", year=form.day.data.year))
    flash(_("That day is not in the administrator's table."), "error")
    return redirect(url_for("results.calendar"))
