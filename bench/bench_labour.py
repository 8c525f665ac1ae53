"""Labour competitions: a city's year ranked — every period and the cumulative standings.

The data (SQLite file, the application's schema): 2,000 labour competitions (``--quick``: 100) of
20 units each, 12 monthly periods, a scorecard of 30 indicators in 5 groups (group caps below the
sum of their indicators, bonus capped at 5 and deductions at 10 points), one assessor's entry per
period, unit and indicator — 14.4 million entries (quick: 720,000) — and, for realism, one unit-period
in 200 scored by a second assessor too (the exact path), a bonus or a deduction for one unit-period in
ten, a veto for one in a hundred. Each competition has publication rules: tie-breaks on deductions and
the safety subtotal, money for the first two places and the last, weighted sum with the last period
weighing 2.

* ``rank_s``: ``labour_results.bulk.rank_year`` over every competition — each unit's period score
  (group caps, bonus and deduction caps; several assessors combined by the labour core's rule), every
  period ranked with its tie-breaks and vetoes, the red flag's history, money by rank and the
  cumulative standing with period weights. Target < 30 s (full size).
* ``rank_cpu_s``: the process's CPU time over the same span (the machine may be shared: load average
  before and after are reported).
* **Baseline**, in the same run on the same file: the same sums by one SQL ``GROUP BY`` (each unit's
  entries summed per period, every row fetched). ``ratio`` = rank / baseline.
* ``agrees_with_period_scores``: for a sample of competitions, the totals the batch path gives equal
  the labour core's ``period_scores`` (one period each, including exact-path units).
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import text

NAME = "labour"
DESCRIPTION = "A city's year of labour competitions (2,000 x 20 units x 12 periods x 30 indicators): every " \
              "period ranked and the cumulative standings, vs one SQL GROUP BY of the same sums."
TARGET_S = 30.0
UNITS, PERIODS, GROUPS, PER_GROUP = 20, 12, 5, 6


def run(quick: bool) -> dict:
    """Generate, measure, check; the JSON figures."""
    from bench import say

    competitions = 100 if quick else 2_000
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'labour.db'}"
        generated = _generate(url, competitions, say)
        figures = _measure(url, quick, say)
    figures = generated | figures
    figures["targets_met"] = {"rank_under_30_s": figures["rank_s"] < TARGET_S if not quick else None,
                              "agrees_with_period_scores": figures["agrees_with_period_scores"]}
    return figures


# --- data ---------------------------------------------------------------------------------------------


def _generate(url: str, competitions: int, say) -> dict:
    from bench.data import app_for, create_schema

    create_schema(url).dispose()
    app = app_for(url)
    start = time.perf_counter()
    with app.app_context():
        from competitions.extensions import db

        conn = db.session.connection()
        now = datetime(2026, 12, 31)  # naive UTC: what the application's UTCDateTime stores on SQLite
        conn.execute(text("INSERT INTO organization (id, name, kind, parent_id, path, region, industry, created_at)"
                          " VALUES (1, '海州市总工会', 'federation', NULL, '/1/', '海州市', '', :now)"), {"now": now})
        conn.execute(text("INSERT INTO user (id, username, display_name, password_hash, organization_id, active,"
                          " session_version, created_at) VALUES (1, 'assessor', '考核员', 'x', 1, 1, 0, :now),"
                          " (2, 'assessor2', '考核员二', 'x', 1, 1, 0, :now)"), {"now": now})
        db.session.commit()
        for first in range(1, competitions + 1, 100):
            last = min(first + 99, competitions)
            conn = db.session.connection()
            _competitions(conn, first, last, now)
            db.session.commit()
            say(f"bench labour: competitions {first}-{last} of {competitions} written")
        conn = db.session.connection()
        counts = {name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar()
                  for name in ("labour_unit", "labour_period", "labour_indicator", "labour_score",
                               "labour_adjustment", "labour_veto")}
        conn.exec_driver_sql("ANALYZE")
        db.session.commit()
    return {"competitions": competitions, "generated_s": round(time.perf_counter() - start, 1),
            **{f"rows_{k.removeprefix('labour_')}": v for k, v in counts.items()}}


def _competitions(conn, first: int, last: int, now: datetime) -> None:
    """Competitions ``first``..``last`` (ids), each with its scorecard, units, periods, rules and entries."""
    p = {"first": first, "last": last, "now": now, "starts": date(2026, 1, 1), "ends": date(2026, 12, 31)}
    ids = list(range(first, last + 1))
    conn.execute(text(
        "INSERT INTO competition (id, name, year, level, competition_class, kind, organization_id, starts_on,"
        " ends_on, description, status, recuse_same_parent, online_appeals, created_at, updated_at)"
        " VALUES (:c, :name, 2026, 'city', 'II', 'labor', 1, :starts, :ends, '', 'in_progress', 0, 0, :now, :now)"),
        [{**p, "c": c, "name": f"重点工程劳动竞赛{c}"} for c in ids])
    conn.execute(text(
        "INSERT INTO labour_scorecard (competition_id, title, document_ref, cadence, bonus_cap, deduction_cap,"
        " aggregation, created_at, updated_at) VALUES (:c, '考评办法', '', 'month', 5, 10, 'mean', :now, :now)"),
        [{**p, "c": c} for c in ids])
    codes = ("ORG", "PROG", "QUAL", "SAFE", "CIVIL")
    conn.execute(text(
        "INSERT INTO labour_indicator_group (id, competition_id, code, name, max_points, position)"
        " VALUES (:id, :c, :code, :code, :cap, :pos)"),
        [{"id": (c - 1) * GROUPS + g + 1, "c": c, "code": codes[g], "cap": 20, "pos": g}
         for c in ids for g in range(GROUPS)])
    conn.execute(text(
        "INSERT INTO labour_indicator (id, competition_id, group_id, code, name, kind, max_points, step, unit_label,"
        " formula, description, position) VALUES (:id, :c, :g, :code, :code, 'judged', 5, 0.5, '', '{}', '', :pos)"),
        [{"id": ((c - 1) * GROUPS + g) * PER_GROUP + i + 1, "c": c, "g": (c - 1) * GROUPS + g + 1,
          "code": f"{codes[g][0]}{i + 1}", "pos": g * PER_GROUP + i}
         for c in ids for g in range(GROUPS) for i in range(PER_GROUP)])
    conn.execute(text(
        "INSERT INTO labour_unit (id, competition_id, code, name, kind, headcount, position, withdraw_reason,"
        " created_at) VALUES (:id, :c, :code, :name, :kind, 120, :pos, '', :now)"),
        [{**p, "id": (c - 1) * UNITS + u + 1, "c": c, "code": f"S{u + 1}", "name": f"{u + 1}标段",
          "kind": "team" if u >= 16 else "section", "pos": u} for c in ids for u in range(UNITS)])
    conn.execute(text(
        "INSERT INTO labour_period (id, competition_id, number, name, kind, starts_on, ends_on, weight, status,"
        " reopen_reason, created_at) VALUES (:id, :c, :n, :name, 'month', :s, :e, :w, 'signed_off', '', :now)"),
        [{**p, "id": (c - 1) * PERIODS + m, "c": c, "n": m, "name": f"{m}月", "s": date(2026, m, 1),
          "e": date(2026, m, 28), "w": 2 if m == PERIODS else 1} for c in ids for m in range(1, PERIODS + 1)])
    conn.execute(text(
        "INSERT INTO labour_publication_rules (competition_id, tie_break, veto_placement, flag_on_tie, rewards,"
        " last_place_penalty, veto_money, veto_penalty, money_ties, combine, missing, veto_count,"
        " honours_veto_limit, cumulative_tie_break, honours, individuals_per_honoured_unit,"
        " individuals_per_other_unit, updated_at) VALUES (:c, '[\"deductions\", \"group:SAFE\"]', 'unplaced',"
        " 'none', '[\"5000\", \"3000\"]', 2000, 'nothing', 0, 'each', 'weighted_sum', 'zero', 'zero', 1,"
        " '[\"flags\"]', '[]', 0, 0, :now)"), [{**p, "c": c} for c in ids])
    # One assessor's entry per period, unit and indicator: 0 to 5 points in halves, spread by the ids.
    conn.execute(text(
        "INSERT INTO labour_score (period_id, unit_id, indicator_id, assessor_id, value, points, note, version,"
        " created_at, updated_at)"
        " SELECT p.id, u.id, i.id, 1, 0.5 * ((u.id * 7 + i.id * 13 + p.id * 3 + (u.id % 5) * i.id) % 11),"
        " 0.5 * ((u.id * 7 + i.id * 13 + p.id * 3 + (u.id % 5) * i.id) % 11), '', 1, :now, :now"
        " FROM labour_period p JOIN labour_unit u ON u.competition_id = p.competition_id"
        " JOIN labour_indicator i ON i.competition_id = p.competition_id"
        " WHERE p.competition_id BETWEEN :first AND :last ORDER BY p.id, u.id, i.id"), p)
    # A second assessor on one unit-period in 200 (the exact path).
    conn.execute(text(
        "INSERT INTO labour_score (period_id, unit_id, indicator_id, assessor_id, value, points, note, version,"
        " created_at, updated_at)"
        " SELECT p.id, u.id, i.id, 2, 0.5 * ((u.id + i.id + p.id) % 11), 0.5 * ((u.id + i.id + p.id) % 11), '', 1,"
        " :now, :now FROM labour_period p JOIN labour_unit u ON u.competition_id = p.competition_id"
        " JOIN labour_indicator i ON i.competition_id = p.competition_id"
        " WHERE p.competition_id BETWEEN :first AND :last AND (p.id * 31 + u.id) % 200 = 0"), p)
    conn.execute(text(
        "INSERT INTO labour_adjustment (period_id, unit_id, kind, points, source, issuer, document_ref, reason,"
        " created_at, void_reason)"
        " SELECT p.id, u.id, CASE WHEN (p.id + u.id) % 2 = 0 THEN 'bonus' ELSE 'deduction' END,"
        " 1 + (p.id + u.id) % 4, 'owner', '业主', '通报', '', :now, ''"
        " FROM labour_period p JOIN labour_unit u ON u.competition_id = p.competition_id"
        " WHERE p.competition_id BETWEEN :first AND :last AND (p.id * 17 + u.id) % 10 = 0"), p)
    conn.execute(text(
        "INSERT INTO labour_veto (period_id, unit_id, category, reason, document_ref, created_at, void_reason)"
        " SELECT p.id, u.id, 'safety_accident', '安全事故', '快报', :now, ''"
        " FROM labour_period p JOIN labour_unit u ON u.competition_id = p.competition_id"
        " WHERE p.competition_id BETWEEN :first AND :last AND (p.id * 13 + u.id * 7) % 100 = 0"), p)


# --- measurement --------------------------------------------------------------------------------------


BASELINE_SQL = "SELECT period_id, unit_id, SUM(points) FROM labour_score GROUP BY period_id, unit_id"


def _measure(url: str, quick: bool, say) -> dict:
    from bench.data import app_for

    app = app_for(url)
    with app.app_context():
        from competitions.extensions import db
        from competitions.labour_results.bulk import rank_year

        ids = list(db.session.execute(text("SELECT id FROM competition ORDER BY id")).scalars())
        say(f"bench labour: baseline (one GROUP BY over {len(ids)} competitions)")
        baseline_s, baseline_rows = _baseline(db, 3 if quick else 2)
        db.session.rollback()
        say("bench labour: ranking every period and the cumulative standings")
        load_before = os.getloadavg()[0]
        start, cpu = time.perf_counter(), time.process_time()
        years = rank_year(ids)
        rank_s, rank_cpu_s = time.perf_counter() - start, time.process_time() - cpu
        load_after = os.getloadavg()[0]
        db.session.rollback()
        periods = sum(len(y.periods) for y in years)
        flags = sum(1 for y in years for t in y.flag if t.holders)
        vetoed = sum(1 for y in years for _n, s in y.periods for p in s.places if p.vetoed)
        agrees, exact = _check(db, years)
    return {
        "periods_ranked": periods, "standings": len(years), "flags_awarded": flags, "vetoed_unit_periods": vetoed,
        "exact_path_unit_periods_checked": exact, "agrees_with_period_scores": agrees,
        "rank_s": round(rank_s, 2), "rank_cpu_s": round(rank_cpu_s, 2),
        "load_average_before_after": [load_before, load_after],
        "baseline_s": round(baseline_s, 2), "baseline_rows": baseline_rows,
        "ratio": round(rank_s / baseline_s, 2), "cpu_ratio": round(rank_cpu_s / baseline_s, 2),
    }


def _baseline(db, repeat: int) -> tuple[float, int]:
    best, rows = None, 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = len(db.session.connection().exec_driver_sql(BASELINE_SQL).fetchall())
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, rows


def _check(db, years) -> tuple[bool, int]:
    """The batch totals equal ``labour.services.period_scores`` for a sample (every 50th competition)."""
    from competitions.labour import services
    from competitions.labour.models import LabourPeriod

    exact = 0
    for year in years[::50]:
        number, standing = year.periods[year.competition_id % len(year.periods)]
        period = db.session.execute(db.select(LabourPeriod).where(
            LabourPeriod.competition_id == year.competition_id, LabourPeriod.number == number)).scalar_one()
        expected = {s.unit_id: s.total for s in services.period_scores(period)}
        got = {p.unit_id: p.total for p in standing.places}
        if expected != got:
            return False, exact
        exact += db.session.execute(text(
            "SELECT count(DISTINCT unit_id) FROM labour_score WHERE period_id = :p AND assessor_id = 2"),
            {"p": period.id}).scalar()
    return True, exact

