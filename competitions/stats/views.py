"""Statistics pages: the dashboard, its downloads, and the admin's scheduled job runs.

The dashboard reads only snapshots (``figures.year_report``); the charts are
drawn in the browser by ``static/js/stats-dashboard.js`` from the JSON embedded
in the page (the same document ``/api/v1/stats/figures`` serves).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from competitions.auth.permissions import role_required
from competitions.db import utcnow
from competitions.extensions import db
from competitions.i18n import translate
from competitions.stats import bp, exports
from competitions.stats.api import figures_json
from competitions.stats.figures import CHART_BREAKDOWNS, DRILLABLE, drill, metric_label, year_report
from competitions.stats.params import StatsQuery, stats_query
from competitions.stats.permissions import load_scope_or_404, visible_trail
from competitions.timezone import local_zone, to_local


@bp.app_template_filter("stat_num")
def stat_num(value) -> str:
    """A figure with thousands separators; a dash where the figure does not apply (a filter: many per page).

    The realized benefit arrives as yuan with two decimals (a Decimal, or its text from the chart data)."""
    if value is None:
        return "—"
    return f"{Decimal(value):,}" if isinstance(value, str) else f"{value:,}"


class _BadQuery(Exception):
    """A page asked for with a parameter that makes no sense: said, then shown without it."""

    def __init__(self, query: StatsQuery):
        self.query = query


def _report(**kwargs):
    query = stats_query()
    if query.problems:
        raise _BadQuery(query)
    org = load_scope_or_404(query.scope_id, for_user=current_user)
    return org, year_report(query.year, org, **kwargs), query


@bp.errorhandler(_BadQuery)
def _bad_query(error: _BadQuery):
    """Say which parameter made no sense and show the dashboard without it (never other figures silently)."""
    for problem in error.query.problems:
        flash(translate(problem["message"], problem.get("params")), "error")
    return redirect(url_for("stats.dashboard", **error.query.kept()))


@bp.route("/")
@role_required("organizer")
def dashboard():
    """The year's headline figures and charts for the caller's union (or one below it), with drill-downs."""
    org, report, query = _report()
    drilled = drill(report.year, org, *query.drill) if query.drill else None
    return render_template("stats/dashboard.html", report=report, drilled=drilled,
                           trail=visible_trail(report.scope.trail, current_user),
                           data=figures_json(report, drilled), drillable=DRILLABLE,
                           metric_label=metric_label, this_year=utcnow().astimezone(local_zone()).year)


@bp.route("/chart.xlsx")
@role_required("organizer")
def chart_xlsx():
    """One chart's figures as a spreadsheet (``chart`` names the breakdown, or ``drill`` a drill-down)."""
    org, report, query = _report(enterprise_limit=None)
    name = request.args.get("chart", "")
    if query.drill:
        breakdown = drill(report.year, org, *query.drill)
    elif name in CHART_BREAKDOWNS and report.breakdown(name) is not None:
        breakdown = report.breakdown(name)
    else:
        abort(404)
    what = breakdown.name.replace(":", "-") if not query.drill else f"{query.drill[0]}-{query.drill[1]}"
    return Response(exports.chart_xlsx(report, breakdown), mimetype=exports.XLSX_MIMETYPE,
                    headers={"Content-Disposition": exports.disposition(exports.filename(report, what, "xlsx"))})


@bp.route("/report.xlsx")
@role_required("organizer")
def report_xlsx():
    """The annual report as one spreadsheet: a summary and a sheet per breakdown (every enterprise)."""
    _org, report, _query = _report(enterprise_limit=None)
    return Response(exports.report_xlsx(report), mimetype=exports.XLSX_MIMETYPE,
                    headers={"Content-Disposition": exports.disposition(exports.filename(report, "report", "xlsx"))})


@bp.route("/report.pdf")
@role_required("organizer")
def report_pdf():
    """The annual report as a PDF with the charts and tables."""
    from competitions.stats.pdf import report_pdf as build

    _org, report, _query = _report()
    return Response(build(report), mimetype="application/pdf",
                    headers={"Content-Disposition": exports.disposition(exports.filename(report, "report", "pdf"))})


# --- scheduled jobs (admin) ----------------------------------------------------------------------

RUN_STATUS_LABELS = {"queued": _l("Queued"), "running": _l("Running"), "succeeded": _l("Succeeded"),
                     "failed": _l("Failed"), "cancelled": _l("Cancelled")}
TRIGGER_LABELS = {"schedule": _l("Schedule"), "catch_up": _l("Catch-up after a restart"),
                  "manual": _l("Run now by an administrator"), "command": _l("Command line")}


RESULT_LABELS = {
    "closed": _l("registrations closed"), "finalized_competitions": _l("results made final"),
    "held_competitions": _l("held back (appeal open)"), "year": _l("year"), "figures": _l("figures"),
    "seconds": _l("seconds"), "final": _l("final"), "results_pending": _l("results not final"),
    "promotions_pending": _l("promotions awaiting review"), "finished_years": _l("finished years counted again"),
    "made": _l("batches made"), "failed": _l("failed"), "purged": _l("stale files deleted"),
    "competitions": _l("competitions"),
}


def run_result(result) -> str:
    """A run's result for people: "year 2026 · figures 90,478 · final yes"; a list by its length."""
    if not isinstance(result, dict) or not result:
        return "—"
    parts = []
    for key, value in result.items():
        name = str(RESULT_LABELS.get(key, key))
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif isinstance(value, list | tuple | dict):
            value = len(value)
        elif isinstance(value, int) and key != "year":
            value = f"{value:,}"
        parts.append(f"{name} {value}")
    return " · ".join(parts)


def run_period(key: str) -> str:
    """A run's period as the reader's local time where it is a moment ("2026-11-29T15:47" is a UTC minute)."""
    try:
        moment = datetime.strptime(key, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)
    except ValueError:
        return key
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


@bp.route("/jobs")
@role_required("admin")
def jobs():
    """Every scheduled job with its trigger and next run, and the latest runs (start, end, status, error)."""
    from competitions.scheduler import (
        HEARTBEAT,
        INTERRUPTED,
        PENDING_STATUSES,
        recent_runs,
        schedule_in_words,
        scheduled_jobs,
        scheduler_last_seen,
    )

    runs = recent_runs(100)
    last_seen = scheduler_last_seen()
    return render_template("stats/jobs.html", scheduled=scheduled_jobs(), runs=runs,
                           in_words=schedule_in_words, last_seen=last_seen,
                           scheduler_down=last_seen is None or utcnow() - last_seen > HEARTBEAT,
                           pending={run.job for run in runs if run.status in PENDING_STATUSES},
                           run_status=lambda code: str(RUN_STATUS_LABELS.get(code, code)),
                           run_trigger=lambda code: str(TRIGGER_LABELS.get(code, code)),
                           run_error=lambda error: _(INTERRUPTED) if error == INTERRUPTED else error,
                           run_result=run_result, run_period=run_period)


@bp.route("/jobs/<name>/run", methods=["POST"])
@role_required("admin")
def run_job_now(name: str):
    """Ask the scheduler process to run one job now (queued; never run in this web worker)."""
    from competitions.scheduler import find_job, request_run

    job = find_job(name)
    if job is None:
        abort(404)
    run, queued = request_run(job, requested_by_id=current_user.id)
    db.session.commit()
    if queued:
        flash(_("Queued — %(job)s The scheduler process runs it within a few seconds.", job=job.description),
              "success")
    else:
        flash(_("Already queued or running, not queued again — %(job)s", job=job.description), "info")
    return redirect(url_for("stats.jobs"))


@bp.route("/jobs/runs/<int:run_id>/cancel", methods=["POST"])
@role_required("admin")
def cancel_job_run(run_id: int):
    """Cancel a queued run the scheduler has not started (a way out when no scheduler is running)."""
    from competitions.scheduler import JobRun, cancel_run

    if db.session.get(JobRun, run_id) is None:
        abort(404)
    cancelled = cancel_run(run_id, actor_id=current_user.id)
    db.session.commit()
    if cancelled:
        flash(_("The queued run was cancelled."), "success")
    else:
        flash(_("The run has already started or finished; it cannot be cancelled."), "error")
    return redirect(url_for("stats.jobs"))
