"""Statistics: compile a large city's year into snapshots, and serve the dashboard from them.

The year comes from the bench generator (``bench.data.generate_year``: 10,000
competitions, 1,000,000 registrations; ``--quick`` 1/20th), plus final results
for every competition whose results are out (archived or results status: a
final snapshot with a line per approved registration, some absent, some
disqualified, three prizes per event), written with ``INSERT ... SELECT``.
Measured in the same run, on SQLite and on a throwaway PostgreSQL cluster:

* ``compile_s``: ``stats.services.compile_year(2026)`` committed -- every
  figure of the year for every union of the tree (target < 15 s on SQLite).
* ``raw_scan_s``: the floor: one SQL statement on the bare driver counting
  the same rows -- the year's approved registrations in held competitions
  joined to their event, competition, worker and final line, with their
  count, distinct workers, finalists and awards. ``ratio_vs_raw_scan`` =
  compile / raw scan (target <= 2). On SQLite also ``cpu_ratio_vs_raw_scan``:
  the same in CPU seconds of this process (SQLite works in it), a figure other
  people's load on a shared machine barely moves (wall times do).
* ``dashboard``: the dashboard page and its chart data (JSON) for the city
  and a district, and the drill-downs, through the app in this process (test
  client, logged in), repeated: p50/p95/max ms (target p95 < 200 ms).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bench import data, say

NAME = "stats"
DESCRIPTION = ("Compile a year of 10,000 competitions / 1,000,000 registrations into statistics snapshots vs a "
               "raw SQL count of the same rows (SQLite, PostgreSQL); dashboard p95 from the snapshots")

FULL = {"competitions": 10_000, "registrations": 1_000_000, "enterprises": 2000}
QUICK_DIVISOR = 20
YEAR = 2026
DASHBOARD_REPEATS = 30
BENCH_PASSWORD = "stats-bench-lathe-2026"  # noqa: S105 - a synthetic account of the throwaway database


def sizes(quick: bool) -> dict:
    """The year: FULL, or 1/20th of its competitions and registrations with --quick."""
    if not quick:
        return dict(FULL)
    return {"competitions": FULL["competitions"] // QUICK_DIVISOR,
            "registrations": FULL["registrations"] // QUICK_DIVISOR, "enterprises": FULL["enterprises"]}


def write_final_results(engine) -> dict:
    """A final snapshot per competition with results out, and a line per approved registration (SQL only)."""
    flags = {"f": False, "t": True}
    with engine.begin() as conn:
        conn.execute(text("""
            INSERT INTO result_snapshot (competition_id, version, status, computed_at, notice_days, published_at,
                                         notice_ends_at, finalized_at)
            SELECT id, 1, 'final', :at, 5, :at, :at, :at FROM competition WHERE status IN ('archived', 'results')"""),
            {"at": datetime(YEAR, 12, 31, tzinfo=UTC)})
        # About 1 in 23 lines marked absent (no total), 1 in 101 disqualified; prizes to three lines per event.
        conn.execute(text("""
            INSERT INTO result_entry (snapshot_id, event_id, registration_id, position, rank, tied,
                                      decided_by_chief_judge, disqualified, absent, total, part_scores, deductions,
                                      prize, anonymous_code, name, employer, worker_id)
            SELECT s.id, r.event_id, r.id, r.id, r.id, :f, :f,
                   CASE WHEN r.id % 101 = 0 THEN :t ELSE :f END,
                   CASE WHEN r.id % 23 = 0 AND r.id % 101 <> 0 THEN :t ELSE :f END,
                   CASE WHEN r.id % 23 = 0 OR r.id % 101 = 0 THEN NULL ELSE 60 + r.id % 40 END,
                   '{}', 0,
                   CASE r.id % 97 WHEN 1 THEN 'first' WHEN 2 THEN 'second' WHEN 3 THEN 'third' ELSE NULL END,
                   '', '', '', r.worker_id
            FROM registration r
            JOIN event e ON e.id = r.event_id
            JOIN result_snapshot s ON s.competition_id = e.competition_id
            WHERE r.status = 'approved'"""), flags)
        entries = conn.execute(text("SELECT COUNT(*) FROM result_entry")).scalar()
        snapshots = conn.execute(text("SELECT COUNT(*) FROM result_snapshot")).scalar()
    return {"result_snapshots": snapshots, "result_entries": entries}


RAW_SCAN = """
    SELECT COUNT(*), COUNT(DISTINCT r.worker_id),
           SUM(CASE WHEN f.absent = {f} AND (f.total IS NOT NULL OR f.disqualified = {t}) THEN 1 ELSE 0 END),
           SUM(CASE WHEN f.prize IS NOT NULL THEN 1 ELSE 0 END), COUNT(DISTINCT r.employer_id)
    FROM competition c
    JOIN event e ON e.competition_id = c.id
    JOIN registration r ON r.event_id = e.id
    JOIN worker w ON w.id = r.worker_id
    LEFT JOIN (SELECT re.registration_id, re.total, re.disqualified, re.absent, re.prize
               FROM result_entry re JOIN result_snapshot rs ON rs.id = re.snapshot_id
               WHERE rs.status = 'final') f ON f.registration_id = r.id
    WHERE c.ends_on BETWEEN '{first}' AND '{last}' AND c.status <> 'draft' AND r.status = 'approved'
      AND e.round <> 'final'"""


LAST_CPU: dict[str, float] = {}


def raw_scan(url: str) -> tuple[float, tuple]:
    """The raw scan on the bare driver (sqlite3 or psycopg): seconds and the counts (CPU seconds of this process in
    ``LAST_CPU``: SQLite works in this process, so its CPU time is a measure that load from others barely moves)."""
    sqlite = url.startswith("sqlite")
    sql = RAW_SCAN.format(first=f"{YEAR}-01-01", last=f"{YEAR}-12-31", t="1" if sqlite else "true",
                          f="0" if sqlite else "false")
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    else:
        import psycopg

        conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    try:
        began, cpu = time.perf_counter(), time.process_time()
        row = conn.execute(sql).fetchone()
        LAST_CPU["raw_scan"] = time.process_time() - cpu
        return time.perf_counter() - began, tuple(row)
    finally:
        conn.close()


def compile_once(app) -> tuple[float, dict]:
    """``compile_year`` committed, timed; the city's headline figures."""
    from competitions.db import write_intent
    from competitions.extensions import db
    from competitions.stats.services import compile_year

    with app.app_context():
        began, cpu = time.perf_counter(), time.process_time()
        with write_intent():
            compilation = compile_year(YEAR)
            db.session.commit()
        seconds = time.perf_counter() - began
        LAST_CPU["compile"] = time.process_time() - cpu
        city = db.session.execute(text(
            "SELECT participations, workers, finalists, awards, enterprises FROM stat_figure f "
            "JOIN organization o ON o.id = f.scope_id WHERE o.parent_id IS NULL AND f.year = :y "
            "AND f.dimension = 'total'"), {"y": YEAR}).one()
        return seconds, {"figures": compilation.figures, "city": dict(city._mapping)}


def dashboard_latency(app) -> dict:
    """p50/p95/max of the dashboard's requests through the app (in process, logged in)."""
    from competitions.auth.services import create_user
    from competitions.extensions import db
    from competitions.orgs.models import Organization

    with app.app_context():
        city = db.session.execute(text("SELECT id FROM organization WHERE parent_id IS NULL")).scalar()
        district = db.session.execute(text("SELECT id FROM organization WHERE parent_id = :c ORDER BY id"),
                                      {"c": city}).scalar()
        org = db.session.get(Organization, city)
        create_user(username="bench_stats", display_name="Bench", password=BENCH_PASSWORD,
                    roles=("organizer",), organization_id=org.id)
        db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/auth/login", data={"username": "bench_stats", "password": BENCH_PASSWORD})
    api = "/api/v1/stats/figures"
    urls = [f"/stats/?year={YEAR}", f"{api}?year={YEAR}", f"/stats/?year={YEAR}&scope={district}",
            f"{api}?year={YEAR}&scope={district}", f"/stats/?year={YEAR}&drill=trade:ELEC",
            f"{api}?year={YEAR}&scope={district}&drill=industry:汽车制造业"]
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            return {"available": False, "reason": f"{url} answered {response.status_code}"}
    times = []
    for _ in range(DASHBOARD_REPEATS):
        for url in urls:
            began = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {"requests": len(times), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1), "max_ms": round(times[-1], 1)}


def measure(url: str, wanted: dict, label: str) -> dict:
    """Generate the year at ``url``, add final results, compile (twice), scan, time the dashboard."""
    began = time.perf_counter()
    data.create_schema(url).dispose()
    counts = data.generate_year(url, seed=2026, year=YEAR, progress=lambda m: say(f"{label}: {m}"), **wanted)
    engine = data.engine_for(url)
    counts |= write_final_results(engine)
    if not url.startswith("sqlite"):
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    say(f"{label}: data ready in {time.perf_counter() - began:.0f} s; compiling")
    app = data.app_for(url)
    compiles, compile_cpu = [], []
    for _ in range(2):
        compiles.append(compile_once(app))
        compile_cpu.append(LAST_CPU["compile"])
    compile_s = min(seconds for seconds, _ in compiles)
    scans, scan_cpu = [], []
    for _ in range(2):
        scans.append(raw_scan(url))
        scan_cpu.append(LAST_CPU["raw_scan"])
    scan_s = min(seconds for seconds, _ in scans)
    say(f"{label}: compile {compile_s:.2f} s, raw scan {scan_s:.2f} s")
    headline = compiles[-1][1]
    participations, workers, finalists, awards, enterprises = scans[-1][1]
    agrees = (headline["city"]["participations"], headline["city"]["workers"], headline["city"]["finalists"],
              headline["city"]["awards"], headline["city"]["enterprises"]) == (
        participations, workers, finalists, awards, enterprises)
    return {
        "rows": counts, "compile_s": round(compile_s, 2), "compile_runs_s": [round(s, 2) for s, _ in compiles],
        "raw_scan_s": round(scan_s, 2), "ratio_vs_raw_scan": round(compile_s / scan_s, 2),
        # SQLite only: CPU seconds of this process (the database works in it), steady on a loaded machine.
        **({"compile_cpu_s": round(min(compile_cpu), 2), "raw_scan_cpu_s": round(min(scan_cpu), 2),
            "cpu_ratio_vs_raw_scan": round(min(compile_cpu) / min(scan_cpu), 2)} if url.startswith("sqlite") else {}),
        "figures_written": headline["figures"], "city": headline["city"], "agrees_with_raw_scan": agrees,
        "dashboard": dashboard_latency(app),
    }


def postgres(wanted: dict) -> dict:
    """The same on a throwaway PostgreSQL cluster, or why it could not run."""
    from tests.support.postgres import ClusterError, ThrowawayCluster, pg_available

    ok, reason = pg_available()
    if not ok:
        return {"available": False, "reason": reason}
    try:
        with ThrowawayCluster(dbname="bench_stats") as cluster:
            return {"available": True} | measure(cluster.url, wanted, "PostgreSQL")
    except ClusterError as error:
        return {"available": False, "reason": str(error).splitlines()[0]}


def run(quick: bool) -> dict:
    """Both databases; the targets are checked on the full size only."""
    wanted = sizes(quick)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-stats-") as tmp:
        sqlite = measure(f"sqlite:///{Path(tmp) / 'year.sqlite3'}", wanted, "SQLite")
    pg = postgres(wanted)
    dashboard_p95 = sqlite["dashboard"].get("p95_ms")
    return {
        "sizes": wanted,
        "sqlite": sqlite,
        "postgresql": pg,
        "targets": {"compile_s_sqlite": "< 15", "ratio_vs_raw_scan": "<= 2", "dashboard_p95_ms": "< 200"},
        "targets_met": {
            "compile_under_15s": sqlite["compile_s"] < 15,
            "within_2x_raw_scan": sqlite["ratio_vs_raw_scan"] <= 2,
            "dashboard_p95_under_200ms": dashboard_p95 is not None and dashboard_p95 < 200,
            "figures_agree_with_raw_scan": sqlite["agrees_with_raw_scan"] and pg.get("agrees_with_raw_scan", True),
        },
        "total_seconds": round(time.perf_counter() - began, 1),
    }
