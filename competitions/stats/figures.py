"""A year's figures for one union, read from the snapshots, as plain data for the dashboard and the reports.

Nothing here counts registrations: every figure is a ``StatFigure`` row that
``services.compile_year`` wrote. ``year_report(year, scope)`` gathers what the
dashboard, the chart data (JSON), the spreadsheets and the PDF show: the
headline with the change from last year, and one ``Breakdown`` per chart --
competitions by level, class and kind; participations by region (the unions
directly below), trade, industry, enterprise, gender and age band; and the
years compiled so far. Labels are in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competitions.domain import statistics as rules
from competitions.extensions import db
from competitions.labels import label
from competitions.orgs.models import Organization
from competitions.stats.models import StatCompilation, StatFigure

METRIC_LABELS = {
    "competitions": _l("Competitions held"),
    "events": _l("Events"),
    "participations": _l("Participations (person-times)"),
    "workers": _l("Workers (persons)"),
    "enterprises": _l("Enterprises taking part"),
    "finalists": _l("Finalists"),
    "awards": _l("Awards"),
    "promotions": _l("Promotions through competitions"),
    "labour_competitions": _l("Labour competitions held"),
    "labour_units": _l("Participating units"),
    "labour_workers": _l("Workers taking part (persons)"),
    "labour_participations": _l("Workers taking part (person-times)"),
    "periods_assessed": _l("Periods assessed"),
    "vetoes": _l("Vetoes"),
    "innovation_entries": _l("Innovation entries submitted"),
    "innovation_adopted": _l("Entries adopted"),
    "innovation_implemented": _l("Entries implemented"),
    "innovation_benefit": _l("Realized benefit (yuan)"),
}
AGE_BAND_LABELS = {
    "to25": _l("25 and under"), "26_35": _l("26 to 35"), "36_45": _l("36 to 45"), "46_55": _l("46 to 55"),
    "56up": _l("56 and over"),
}
BREAKDOWN_TITLES = {
    "level": _l("Competitions by level"),
    "class": _l("Competitions by class"),
    "kind": _l("Competitions by kind"),
    "region": _l("By region"),
    "trade": _l("By trade"),
    "industry": _l("By industry"),
    "enterprise": _l("By enterprise"),
    "gender": _l("By gender"),
    "age_band": _l("By age band"),
    "years": _l("Year over year"),
    "labour": _l("Labour competitions by region"),
    "labour_industry": _l("Labour competitions by industry"),
    "innovation": _l("Innovation entries by region"),
    "innovation_industry": _l("Innovation entries by industry"),
}
HELD_METRICS = ("competitions", "events", "participations", "workers", "finalists", "awards")
PEOPLE_METRICS = ("participations", "workers", "enterprises", "finalists", "awards", "promotions")
WORKER_METRICS = ("participations", "workers", "enterprises", "finalists", "awards", "promotions")
ENTERPRISE_METRICS = ("competitions", "participations", "workers", "finalists", "awards", "promotions")
# Breakdown -> (the figure its chart plots, the columns of its table)
BREAKDOWNS = {
    "level": ("competitions", HELD_METRICS),
    "class": ("competitions", HELD_METRICS),
    "kind": ("competitions", HELD_METRICS),
    "region": ("participations", (*HELD_METRICS[:2], *PEOPLE_METRICS)),
    "trade": ("participations", HELD_METRICS),
    "industry": ("participations", (*HELD_METRICS[:2], *PEOPLE_METRICS)),
    "enterprise": ("participations", ENTERPRISE_METRICS),
    "gender": ("participations", WORKER_METRICS),
    "age_band": ("participations", WORKER_METRICS),
    "years": ("participations", rules.METRICS),
    "labour": ("labour_units", rules.LABOUR_METRICS),
    "labour_industry": ("labour_units", rules.LABOUR_METRICS),
    "innovation": ("innovation_entries", rules.INNOVATION_METRICS),
    "innovation_industry": ("innovation_entries", rules.INNOVATION_METRICS),
}
# The labour and innovation breakdowns: (the figures' dimension, whether the rows are the unions below).
EXTRA_BREAKDOWNS = {"labour": "region", "labour_industry": "industry", "innovation": "region",
                    "innovation_industry": "industry"}
HEADLINE_GROUPS = (("skills", rules.METRICS), ("labour", rules.LABOUR_METRICS),
                   ("innovation", rules.INNOVATION_METRICS))
CHART_BREAKDOWNS = tuple(BREAKDOWNS)
DRILLABLE = ("trade", "industry")
TOP_ENTERPRISES = 20


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: its key, label, figures and last year's figures (None: not compiled)."""

    key: str
    label: str
    figures: dict
    previous: dict | None = None
    scope_id: int | None = None      # a region or enterprise line: the union to drill into


@dataclass(frozen=True)
class Breakdown:
    """One chart and its table."""

    name: str
    title: str
    plotted: str
    metrics: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str = ""


@dataclass(frozen=True)
class Scope:
    """The union whose subtree the figures cover, and its ancestors for the breadcrumb."""

    id: int
    name: str
    kind: str
    trail: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class YearReport:
    """Everything shown for one union and one year."""

    year: int
    scope: Scope
    compiled_at: datetime | None
    final: bool
    promotions_counted: bool
    headline: Row
    breakdowns: tuple[Breakdown, ...] = field(default_factory=tuple)
    years: tuple[int, ...] = ()
    results_pending: int = 0       # competitions of the year whose results were not final when compiled
    promotions_pending: int = 0    # skill-level promotions of the year awaiting review when compiled

    def waiting_for(self) -> str:
        """What provisional figures of a year still wait for, in the reader's language ("" when nothing)."""
        parts = []
        if self.results_pending:
            parts.append(_("competitions whose results are not final yet: %(num)d", num=self.results_pending))
        if self.promotions_pending:
            parts.append(_("promotions awaiting review: %(num)d", num=self.promotions_pending))
        return "; ".join(parts)

    def breakdown(self, name: str) -> Breakdown | None:
        """The breakdown called ``name``, if shown."""
        return next((b for b in self.breakdowns if b.name == name), None)


GROUP_TITLES = {"labour": _l("Labour competitions"), "innovation": _l("Workers' innovation contests")}


def headline_lines() -> list[tuple[str, str | None]]:
    """The annual report's summary lines: (label, metric), with (group title, None) before each later group."""
    lines = []
    for group, metrics in HEADLINE_GROUPS:
        if group in GROUP_TITLES:
            lines.append((str(GROUP_TITLES[group]), None))
        lines += [(metric_label(metric), metric) for metric in metrics]
    return lines


def metric_label(metric: str) -> str:
    """The name of a figure in the reader's language."""
    return str(METRIC_LABELS[metric])


def key_label(dimension: str, key: str, stored: str | None = None) -> str:
    """The label of ``key`` within ``dimension`` in the reader's language."""
    if dimension in ("level", "class", "kind", "gender"):
        return label(dimension, key)
    if dimension == "age_band":
        return str(AGE_BAND_LABELS.get(key, key))
    if dimension == "industry":
        return key or _("Industry not given")
    return stored or key


ALL_METRICS = (*rules.METRICS, *rules.EXTRA_METRICS)


def _figures(row: StatFigure | None) -> dict:
    if row is None:
        return {metric: (0 if metric not in ("competitions", "events", "promotions") else None)
                for metric in ALL_METRICS}
    return {metric: getattr(row, metric) for metric in ALL_METRICS}


NOT_COMPILED = {metric: None for metric in ALL_METRICS}  # a year never compiled: no figure, not zero


def _any(figures: dict, metrics) -> bool:
    return any(figures.get(metric) for metric in metrics)


def compiled_years() -> tuple[int, ...]:
    """Every year that has been compiled, oldest first."""
    return tuple(db.session.execute(select(StatCompilation.year).order_by(StatCompilation.year)).scalars())


def _scope(org: Organization) -> Scope:
    ids = rules.ancestors_of_path(org.path) or (org.id,)
    names = dict(db.session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())
    return Scope(org.id, org.name, org.kind, tuple((i, names[i]) for i in ids if i in names))


def _own_rows(year: int, scope_id: int) -> dict[tuple[int, str, str], StatFigure]:
    rows = db.session.execute(select(StatFigure).where(
        StatFigure.scope_id == scope_id, StatFigure.year.in_((year, year - 1)))).scalars()
    return {(r.year, r.dimension, r.key): r for r in rows}


def _dimension_breakdown(name: str, year: int, own: dict) -> Breakdown:
    plotted, metrics = BREAKDOWNS[name]
    keys = sorted({key for (y, dim, key) in own if dim == name and y == year},
                  key=lambda k: (-(own[(year, name, k)].participations or 0), k))
    if name in ("level", "class", "kind", "gender", "age_band"):
        order = {"level": ("national", "provincial", "city", "district", "enterprise"), "class": ("I", "II"),
                 "kind": ("skills", "labor", "innovation"), "gender": ("male", "female"),
                 "age_band": tuple(b.code for b in rules.AGE_BANDS)}[name]
        keys = [k for k in order if (year, name, k) in own] + [k for k in keys if k not in order]
    rows = tuple(Row(key, key_label(name, key, own[(year, name, key)].label), _figures(own[(year, name, key)]),
                     _figures(own[(year - 1, name, key)]) if (year - 1, name, key) in own else None)
                 for key in keys)
    return Breakdown(name, str(BREAKDOWN_TITLES[name]), plotted, metrics, rows)


def _children_totals(year: int, scope: Organization) -> list[tuple[Organization, StatFigure | None,
                                                                     StatFigure | None]]:
    """The unions directly below ``scope`` with their total rows of ``year`` and the year before (two queries,
    shared by the region, labour and innovation breakdowns)."""
    children = db.session.execute(select(Organization).where(Organization.parent_id == scope.id)
                                  .order_by(Organization.id)).scalars().all()
    rows_by = {}
    if children:
        found = db.session.execute(select(StatFigure).where(
            StatFigure.scope_id.in_([c.id for c in children]), StatFigure.dimension == rules.TOTAL,
            StatFigure.year.in_((year, year - 1)))).scalars()
        rows_by = {(r.scope_id, r.year): r for r in found}
    return [(c, rows_by.get((c.id, year)), rows_by.get((c.id, year - 1))) for c in children]


def _minus(total: dict | None, parts: list[dict]) -> dict | None:
    """``total`` less the sum of ``parts``, metric by metric (None where the total has none)."""
    if total is None:
        return None
    return {metric: (None if value is None else value - sum(part.get(metric) or 0 for part in parts))
            for metric, value in total.items()}


def _region_breakdown(children: list, name: str = "region", headline: Row | None = None) -> Breakdown:
    """The unions directly below the scope (their totals), as breakdown ``name`` (region, labour, innovation),
    and a line for what is filed on the scope's union itself (its own contests, units that are no union of the
    tree), so the lines add up to the headline (review M1: a federation's table must)."""
    plotted, metrics = BREAKDOWNS[name]
    shown = [(c, now, before) for c, now, before in children if now is not None or c.kind != "enterprise"]
    rows = [Row(str(c.id), c.name, _figures(now), _figures(before) if before is not None else None, scope_id=c.id)
            for c, now, before in shown]
    if headline is not None:
        below = [_figures(now) for _c, now, _before in children]
        own = _minus(headline.figures, below)
        own_before = (_minus(headline.previous, [_figures(before) for _c, _now, before in children])
                      if headline.previous is not None else None)
        if own is not None and (_any(own, metrics) or (own_before and _any(own_before, metrics))):
            rows.append(Row("direct", _("Filed directly under %(union)s", union=headline.label), own, own_before))
    if name != "region":  # labour, innovation: the unions below with such figures (this year or last)
        rows = [r for r in rows if _any(r.figures, metrics) or (r.previous and _any(r.previous, metrics))]
    rows.sort(key=lambda r: (r.key == "direct", -(r.figures[plotted] or 0)))
    return Breakdown(name, str(BREAKDOWN_TITLES[name]), plotted, metrics, tuple(rows))


def _industry_extra_breakdown(name: str, year: int, own: dict) -> Breakdown:
    """Labour or innovation figures by industry (the industry cells that have any)."""
    plotted, metrics = BREAKDOWNS[name]
    keys = [key for (y, dim, key), row in own.items()
            if y == year and dim == "industry" and _any(_figures(row), metrics)]
    rows = [Row(key, key_label("industry", key), _figures(own[(year, "industry", key)]),
                _figures(own[(year - 1, "industry", key)]) if (year - 1, "industry", key) in own else None)
            for key in keys]
    rows.sort(key=lambda r: (-(r.figures[plotted] or 0), r.key))
    return Breakdown(name, str(BREAKDOWN_TITLES[name]), plotted, metrics, tuple(rows))


def enterprise_rows(year: int, scope: Organization, *, limit: int | None = TOP_ENTERPRISES,
                    dimension: str = rules.TOTAL, key: str = "") -> tuple[Row, ...]:
    """The enterprises of ``scope``'s subtree with figures in ``year`` (most participations first; ties: the
    newer union first). One query read in the order of ``ix_stat_figure_rank``, stopping at ``limit``."""
    stmt = (select(StatFigure, Organization.name).join(Organization, Organization.id == StatFigure.scope_id)
            .where(Organization.kind == "enterprise", Organization.path.startswith(scope.path),
                   StatFigure.year == year, StatFigure.dimension == dimension, StatFigure.key == key)
            .order_by(StatFigure.participations.desc(), StatFigure.scope_id.desc()))
    if limit:
        stmt = stmt.limit(limit)
    return tuple(Row(str(r.scope_id), name, _figures(r), scope_id=r.scope_id) for r, name in db.session.execute(stmt))


def _enterprise_breakdown(year: int, scope: Organization, limit: int | None) -> Breakdown:
    rows = enterprise_rows(year, scope, limit=limit)
    note = _("The %(n)d enterprises with the most participations.", n=limit) if limit and len(rows) == limit else ""
    return Breakdown("enterprise", str(BREAKDOWN_TITLES["enterprise"]), *BREAKDOWNS["enterprise"], rows, note)


def _years_breakdown(scope_id: int) -> Breakdown:
    rows = db.session.execute(select(StatFigure).where(
        StatFigure.scope_id == scope_id, StatFigure.dimension == rules.TOTAL).order_by(StatFigure.year)).scalars()
    return Breakdown("years", str(BREAKDOWN_TITLES["years"]), *BREAKDOWNS["years"],
                     tuple(Row(str(r.year), str(r.year), _figures(r)) for r in rows))


def year_report(year: int, scope: Organization, *, enterprise_limit: int | None = TOP_ENTERPRISES) -> YearReport:
    """Everything the dashboard and the reports show for ``scope``'s subtree in ``year``."""
    compilation = db.session.execute(select(StatCompilation).where(StatCompilation.year == year)).scalar_one_or_none()
    own = _own_rows(year, scope.id)
    total = own.get((year, rules.TOTAL, ""))
    previous = own.get((year - 1, rules.TOTAL, ""))
    headline = Row("", scope.name, _figures(total) if compilation is not None else dict(NOT_COMPILED),
                   _figures(previous) if previous else None)
    breakdowns = [_dimension_breakdown(name, year, own) for name in ("level", "kind", "class")]
    children = _children_totals(year, scope) if scope.kind != "enterprise" else []
    if scope.kind != "enterprise":
        breakdowns.append(_region_breakdown(children, headline=headline))
    breakdowns += [_dimension_breakdown(name, year, own) for name in ("trade", "industry")]
    if scope.kind != "enterprise":
        breakdowns.append(_enterprise_breakdown(year, scope, enterprise_limit))
    breakdowns += [_dimension_breakdown(name, year, own) for name in ("gender", "age_band")]
    breakdowns.append(_years_breakdown(scope.id))
    for name, dimension in EXTRA_BREAKDOWNS.items():
        if dimension == "region" and scope.kind != "enterprise":
            breakdowns.append(_region_breakdown(children, name, headline))
        elif dimension == "industry":
            breakdowns.append(_industry_extra_breakdown(name, year, own))
    return YearReport(
        year=year, scope=_scope(scope), compiled_at=compilation.compiled_at if compilation else None,
        final=bool(compilation and compilation.final),
        promotions_counted=bool(compilation and compilation.promotions_counted), headline=headline,
        breakdowns=tuple(breakdowns), years=compiled_years(),
        results_pending=compilation.results_pending if compilation else 0,
        promotions_pending=compilation.promotions_pending if compilation else 0)


def drill(year: int, scope: Organization, dimension: str, key: str) -> Breakdown:
    """One trade's or industry's figures across the unions below ``scope`` and its enterprises (drill-down)."""
    plotted, metrics = BREAKDOWNS[dimension]
    children = db.session.execute(select(Organization).where(Organization.parent_id == scope.id)
                                  .order_by(Organization.id)).scalars().all()
    rows = []
    if children and any(c.kind != "enterprise" for c in children):
        found = db.session.execute(select(StatFigure, Organization.name)
                                   .join(Organization, Organization.id == StatFigure.scope_id).where(
            Organization.parent_id == scope.id, StatFigure.year == year, StatFigure.dimension == dimension,
            StatFigure.key == key).order_by(StatFigure.participations.desc(), Organization.id))
        rows = [Row(str(r.scope_id), name, _figures(r), scope_id=r.scope_id) for r, name in found]
    else:
        rows = list(enterprise_rows(year, scope, limit=None, dimension=dimension, key=key))
    stored = db.session.execute(select(StatFigure.label).where(  # the scope's own row (unique index), not a scan
        StatFigure.scope_id == scope.id, StatFigure.year == year, StatFigure.dimension == dimension,
        StatFigure.key == key)).scalar()
    title = f"{BREAKDOWN_TITLES[dimension]}: {key_label(dimension, key, stored)}"
    return Breakdown(f"{dimension}:{key}", title, plotted, metrics, tuple(rows))
