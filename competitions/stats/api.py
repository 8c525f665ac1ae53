"""The statistics as JSON: ``/api/v1/stats/figures`` (the dashboard's chart data; staff only, scoped).

The dashboard page embeds the same document in a ``<script
type="application/json">`` block and ``static/js/stats-dashboard.js`` draws
the charts from it, so the page needs no inline script (the site's
Content-Security-Policy forbids them) and no second request.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from flask import jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user

from competitions.api.openapi import register_path, register_schema
from competitions.auth.permissions import role_required
from competitions.domain import statistics as rules
from competitions.domain.errors import ValidationErrors
from competitions.errors import validation_errors_response
from competitions.stats import api_bp
from competitions.stats.figures import DRILLABLE, YearReport, drill, metric_label, year_report
from competitions.stats.params import stats_query
from competitions.stats.permissions import load_scope_or_404

PIE_CHARTS = ("kind", "class", "gender")
HORIZONTAL = ("region", "trade", "industry", "enterprise", "labour", "labour_industry", "innovation",
              "innovation_industry")
CHART_ROWS = 15


def _percent(change: rules.Change) -> str | None:
    return None if change.percent is None else f"{change.percent:+.1f}"


def _plain(value):
    """A figure for JSON: counts as they are, the benefit in yuan as a string with its two decimals."""
    return str(value) if isinstance(value, Decimal) else value


def headline_json(report: YearReport, metrics=rules.METRICS) -> list[dict]:
    """The headline figures with last year's and the change in percent ("+12.5"; None when not comparable)."""
    out = []
    for metric in metrics:
        value = report.headline.figures[metric]
        previous = report.headline.previous[metric] if report.headline.previous else None
        out.append({"metric": metric, "label": metric_label(metric), "value": _plain(value),
                    "previous": _plain(previous), "change_percent": _percent(rules.change(value, previous))})
    return out


def _links(breakdown, year: int, scope_id: int) -> list[str | None]:
    """Where selecting each row leads (one ``url_for``, then plain query strings: a chart may have many rows)."""
    base = url_for("stats.dashboard")
    if ":" in breakdown.name:  # a drill-down (trade:ELEC): each union below, the same drill-down
        return [f"{base}?{urlencode({'year': year, 'scope': row.scope_id, 'drill': breakdown.name})}#drill"
                if row.scope_id else None for row in breakdown.rows]
    if breakdown.name in ("region", "enterprise", "labour", "innovation"):
        return [f"{base}?{urlencode({'year': year, 'scope': row.scope_id})}" if row.scope_id else None
                for row in breakdown.rows]
    if breakdown.name in DRILLABLE:
        return [f"{base}?{urlencode({'year': year, 'scope': scope_id, 'drill': f'{breakdown.name}:{row.key}'})}#drill"
                for row in breakdown.rows]
    return [None] * len(breakdown.rows)


def chart_json(breakdown, year: int, scope_id: int) -> dict:
    """One chart: its kind, categories, this year's and last year's values, links to drill into, its xlsx."""
    rows = breakdown.rows if breakdown.name == "years" else breakdown.rows[:CHART_ROWS]
    metric = breakdown.plotted
    chart = {
        "name": breakdown.name, "title": breakdown.title, "metric": metric, "metric_label": metric_label(metric),
        "type": "pie" if breakdown.name in PIE_CHARTS else "bar", "horizontal": breakdown.name in HORIZONTAL,
        "categories": [row.label for row in rows], "values": [row.figures[metric] for row in rows],
        "previous": ([row.previous[metric] if row.previous else None for row in rows]
                     if any(row.previous for row in rows) else None),
        "links": _links(breakdown, year, scope_id)[:len(rows)] if breakdown.name != "years" else [None] * len(rows),
        "xlsx": url_for("stats.chart_xlsx", year=year, scope=scope_id, chart=breakdown.name),
    }
    if breakdown.name == "years":
        chart["series"] = [{"metric": m, "label": metric_label(m), "values": [row.figures[m] for row in rows]}
                           for m in ("participations", "workers", "competitions")]
    return chart


def figures_json(report: YearReport, drilled=None) -> dict:
    """The whole document: year, scope, compilation, headline and every chart (and the drill-down, if any)."""
    scope_id = report.scope.id
    document = {
        "year": report.year, "scope": {"id": scope_id, "name": report.scope.name, "kind": report.scope.kind},
        "compiled_at": report.compiled_at.isoformat() if report.compiled_at else None, "final": report.final,
        "promotions_counted": report.promotions_counted,
        "results_pending": report.results_pending, "promotions_pending": report.promotions_pending,
        "labels": {"this_year": str(report.year), "last_year": str(report.year - 1),
                   "no_data": _("No figures"), "download": _("Download (xlsx)")},
        "headline": headline_json(report),
        "labour": headline_json(report, rules.LABOUR_METRICS),
        "innovation": headline_json(report, rules.INNOVATION_METRICS),
        "charts": [chart_json(b, report.year, scope_id) for b in report.breakdowns],
    }
    if drilled is not None:
        document["drill"] = chart_json(drilled, report.year, scope_id)
    return document


@api_bp.route("/figures")
@role_required("organizer")
def figures():
    """A year's figures of one union's subtree (the caller's own union unless ``scope`` names one within reach)."""
    query = stats_query()
    if query.problems:  # 422 naming each parameter that makes no sense (never other figures under a 200)
        return validation_errors_response(ValidationErrors(list(query.problems)))
    org = load_scope_or_404(query.scope_id, for_user=current_user)
    drilled = drill(query.year, org, *query.drill) if query.drill else None
    return jsonify(figures_json(year_report(query.year, org), drilled))


register_schema("StatsChart", {
    "type": "object",
    "properties": {
        "name": {"type": "string"}, "title": {"type": "string"}, "metric": {"type": "string"},
        "type": {"type": "string", "enum": ["bar", "pie"]}, "horizontal": {"type": "boolean"},
        "categories": {"type": "array", "items": {"type": "string"}},
        "values": {"type": "array", "items": {"type": "integer", "nullable": True}},
        "previous": {"type": "array", "nullable": True, "items": {"type": "integer", "nullable": True}},
        "links": {"type": "array", "items": {"type": "string", "nullable": True}},
        "xlsx": {"type": "string"},
    },
})
register_path("/api/v1/stats/figures", {
    "get": {
        "summary": "A year's participation statistics of one union's subtree (organizers: their own subtree).",
        "security": [{"session": []}],
        "parameters": [
            {"name": "year", "in": "query", "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}},
            {"name": "scope", "in": "query", "schema": {"type": "integer"},
             "description": "Organization id within the caller's subtree; default the caller's own."},
            {"name": "drill", "in": "query", "schema": {"type": "string"},
             "description": "trade:<code> or industry:<name>: that key across the unions below the scope."},
        ],
        "responses": {
            "200": {"description": "Headline figures and chart data.", "content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "year": {"type": "integer"}, "compiled_at": {"type": "string", "nullable": True},
                    "final": {"type": "boolean"},
                    "results_pending": {"type": "integer", "description": "Competitions of the year whose results "
                                        "were not final when compiled (their finalists and awards not counted yet)"},
                    "promotions_pending": {"type": "integer",
                                           "description": "Skill-level promotions awaiting review when compiled"},
                    "headline": {"type": "array", "items": {"type": "object"}},
                    "labour": {"type": "array", "items": {"type": "object"}, "description":
                               "Labour competitions: held, units, named workers, periods assessed, vetoes."},
                    "innovation": {"type": "array", "items": {"type": "object"}, "description":
                                   "Innovation entries submitted, adopted, implemented; realized benefit (yuan, "
                                   "a string with two decimals)."},
                    "charts": {"type": "array", "items": {"$ref": "#/components/schemas/StatsChart"}},
                    "drill": {"$ref": "#/components/schemas/StatsChart"}}}}}},
            "401": {"description": "Not logged in."}, "403": {"description": "Not staff."},
            "404": {"description": "Scope out of reach."},
            "422": {"description": "A parameter makes no sense (a year outside 2000-2100, a scope that is no "
                                   "number, a malformed drill-down): every one named in `problems`."},
        },
    }
})
