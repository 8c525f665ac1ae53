"""Compiling a year's statistics into snapshot rows, with the counting done by the database.

What counts is stated once in ``competitions.domain.statistics``; this module
says it again in SQL, because a large city's year is a million registrations
and counting them in Python would take minutes. The tests compile known data
and check every figure against ``statistics.tally`` and a hand count.

How the year is compiled (``compile_year``), all inside one transaction:

1. ``stat_final``: each registration's line in its competition's final results
   (finalist? awarded?), from final snapshots of the year's competitions; a
   qualifier's line in a final round is filed under their preliminary
   registration (one participation per competitor of a two-round trade).
2. ``stat_part``: one narrow row per participation (approved registration in
   a held competition ending in the year, not in a final round): employer (as stated on the
   registration and frozen at approval), worker, gender, age band,
   level, class, kind, trade, finalist, award, promoted. One pass over the
   registrations; everything after reads this table.
3. ``stat_cell``: figures per (employer, dimension, key) -- a trade by its
   code in upper case (``inputs.trade_code``; codes stored before it may be
   in any case), with distinct
   workers counted per cell (one sort of the participations per competition
   attribute, one for all worker attributes together); competitions held per
   (organizer, dimension, key).
4. ``stat_scope``: each union and the unions above it (from the tree's paths).
   A cell is added into every scope above its union: the domain's roll-up
   rule (a worker has one employer, so distinct workers add up over
   employers).
5. The year's ``stat_figure`` rows are replaced by the sums per (scope,
   dimension, key) in one ``INSERT ... SELECT``.
6. Labour competitions and innovation entries (``_count_labour_and_innovation``):
   a few small grouped statements per union into ``stat_extra``, rolled up the
   same scopes and written onto the ``total`` and ``industry`` cells (inserted
   where a union has no skills figure).

Promotions through competitions come from the promotion stage through
``promotions_source`` (approved skill-level flags), the one place it is read.
"""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import Date, bindparam, select, text
from sqlalchemy.engine import Connection

from competitions.db import utcnow
from competitions.domain import statistics as rules
from competitions.extensions import db
from competitions.labour import setup as labour_setup
from competitions.stats.models import StatCompilation

TEMP_TABLES = ("stat_final", "stat_promoted", "stat_part", "stat_worker_cell", "stat_cell", "stat_scope", "stat_trade",
               "stat_extra")

COMPETITION_KEYS = {  # dimension -> column of stat_part holding its key (a worker may have several keys)
    "level": "level", "class": "cls", "kind": "kind", "trade": "trade",
}
WORKER_KEYS = {  # dimension -> column of stat_worker_cell holding its key (a worker has exactly one)
    rules.TOTAL: "''", "gender": "gender", "age_band": "age_band",
}
HELD_KEYS = {  # dimension -> expression over competition c / organization o holding its key
    rules.TOTAL: "''", "level": "c.level", "class": "c.competition_class", "kind": "c.kind",
    "industry": "o.industry",
}


def _quoted(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _birth_year(dialect: str) -> str:
    if dialect == "sqlite":  # dates are stored as 'YYYY-MM-DD' text
        return "CAST(substr(w.birth_date, 1, 4) AS INTEGER)"
    return "CAST(EXTRACT(YEAR FROM w.birth_date) AS INTEGER)"


def _age_band_sql(dialect: str) -> str:
    """The domain's age bands as a CASE over the worker's birth year (``:year`` is the statistics year)."""
    age = f"(:year - {_birth_year(dialect)})"
    whens = " ".join(f"WHEN {age} <= {band.high} THEN '{band.code}'" for band in rules.AGE_BANDS if band.high)
    return f"CASE {whens} ELSE '{rules.AGE_BANDS[-1].code}' END"


def _held_sql(c: str = "c") -> str:
    """SQL twin of ``rules.is_held`` for competition ``c``: not a draft, not called off before it opened, and not
    every event cancelled (a competition without events -- a labour campaign run with units -- is held by status)."""
    return (f"({c}.status NOT IN ({_quoted(rules.NOT_HELD_STATUSES)}) AND {c}.called_off_at IS NULL"
            f" AND (EXISTS (SELECT 1 FROM event he WHERE he.competition_id = {c}.id AND he.cancelled_at IS NULL)"
            f" OR NOT EXISTS (SELECT 1 FROM event ae WHERE ae.competition_id = {c}.id)))")


def _finalist_sql() -> str:
    """SQL twin of ``rules.is_finalist`` over a final result entry ``re``: not marked absent, not left in the
    preliminary round, and scored or disqualified (the snapshot's flags decide; a line with no score at all is no
    finalist either)."""
    return (f"(re.absent = :false AND COALESCE(re.round_reached, '') <> '{rules.NOT_QUALIFIED}'"
            " AND (re.total IS NOT NULL OR re.disqualified = :true))")


def _participation_of(registration: str) -> tuple[str, str]:
    """(joins, expression): the participation a registration id belongs to -- itself, or for a registration in a
    final round the same worker's registration in its preliminary (the domain's rounds rule)."""
    joins = f"""
        LEFT JOIN registration fr ON fr.id = {registration}
        LEFT JOIN event fe ON fe.id = fr.event_id AND fe.round = '{rules.FINAL_ROUND}'
        LEFT JOIN registration pr ON pr.event_id = fe.preliminary_event_id AND pr.worker_id = fr.worker_id"""
    return joins, f"COALESCE(pr.id, {registration})"


def promotions_source() -> str | None:
    """SQL selecting the registrations promoted through the year's competitions (the promotion stage's rule).

    An approved promotion is a promotion flag of kind ``level`` with status
    ``approved`` (``competitions.promotion.models``): 晋升技术等级人次 counts
    participations that earned one. Honour titles and nominations are not
    promotions. Returns None when the promotion stage is not installed.
    """
    try:
        from competitions.promotion.models import PromotionFlag  # noqa: F401
    except ImportError:
        return None
    return """
        SELECT pf.registration_id FROM promotion_flag pf JOIN competition c ON c.id = pf.competition_id
        WHERE pf.kind = 'level' AND pf.status = 'approved' AND c.ends_on BETWEEN :first AND :last"""


def _year_params(year: int) -> dict:
    first, last = rules.year_bounds(year)
    return {"year": year, "first": first, "last": last, "true": True, "false": False}


def _run(conn: Connection, sql: str, params: dict | None = None):
    """Execute ``sql`` with the year's parameters it names (the year's bounds bound as dates); the result."""
    statement = text(sql)
    if params and "first" in params and ":first" in sql:
        statement = statement.bindparams(bindparam("first", type_=Date), bindparam("last", type_=Date))
    return conn.execute(statement, {k: v for k, v in (params or {}).items() if f":{k}" in sql})


def _prepare_session(conn: Connection) -> None:
    """PostgreSQL: sort and hash in memory for this transaction (the default 4 MB spills a city's year to disk)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL work_mem = '256MB'"))


def _analyze(conn: Connection, *tables: str) -> None:
    """PostgreSQL: give the planner the temp tables' sizes (it has no statistics for them otherwise)."""
    if conn.dialect.name == "postgresql":
        for table in tables:
            conn.execute(text(f"ANALYZE {table}"))


def _drop_temp_tables(conn: Connection) -> None:
    for name in TEMP_TABLES:
        conn.execute(text(f"DROP TABLE IF EXISTS {name}"))


def _collect_final_lines(conn: Connection, params: dict) -> None:
    _run(conn, "CREATE TEMP TABLE stat_final (registration_id INTEGER PRIMARY KEY, finalist INTEGER, award INTEGER)")
    # One line per registration in a final snapshot (a competition has one final snapshot at a time): no
    # grouping, so no sort; a duplicate would keep its first line. A qualifier's line in a final round is filed
    # under their preliminary registration (their participation), looked up only for those lines.
    line = f"""
               CASE WHEN {_finalist_sql()} THEN 1 ELSE 0 END,
               CASE WHEN re.prize IN ({_quoted(rules.AWARD_PRIZES)}) THEN 1 ELSE 0 END
        FROM result_snapshot rs
        JOIN competition c ON c.id = rs.competition_id
        JOIN result_entry re ON re.snapshot_id = rs.id"""
    where = f"rs.status = '{rules.FINAL_SNAPSHOT_STATUS}' AND c.ends_on BETWEEN :first AND :last"
    # Final rounds are few: their lines are reached from the final-round events through the (snapshot, event)
    # index, in this order (CROSS JOIN fixes SQLite's join order; PostgreSQL plans it as an inner join).
    _run(conn, f"""
        INSERT INTO stat_final (registration_id, finalist, award)
        SELECT pr.id, CASE WHEN {_finalist_sql()} THEN 1 ELSE 0 END,
               CASE WHEN re.prize IN ({_quoted(rules.AWARD_PRIZES)}) THEN 1 ELSE 0 END
        FROM result_snapshot rs CROSS JOIN competition c CROSS JOIN event fe CROSS JOIN result_entry re
             CROSS JOIN registration fr CROSS JOIN registration pr
        WHERE {where} AND c.id = rs.competition_id AND fe.competition_id = c.id AND fe.round = '{rules.FINAL_ROUND}'
          AND re.snapshot_id = rs.id AND re.event_id = fe.id AND re.round_reached = '{rules.FINAL_ROUND}'
          AND fr.id = re.registration_id AND fr.event_id = fe.id
          AND pr.event_id = fe.preliminary_event_id AND pr.worker_id = fr.worker_id
        ON CONFLICT (registration_id) DO NOTHING""", params)
    _run(conn, f"""
        INSERT INTO stat_final (registration_id, finalist, award)
        SELECT re.registration_id, {line}
        WHERE {where} AND (re.round_reached IS NULL OR re.round_reached <> '{rules.FINAL_ROUND}')
        ON CONFLICT (registration_id) DO NOTHING""", params)
    _run(conn, "CREATE TEMP TABLE stat_promoted (registration_id INTEGER PRIMARY KEY)")
    source = promotions_source()
    if source is not None:
        joins, participation = _participation_of("p.registration_id")
        _run(conn, f"""
            INSERT INTO stat_promoted (registration_id)
            SELECT DISTINCT {participation} FROM ({source}) p {joins}""", params)


def _collect_participations(conn: Connection, params: dict) -> None:
    dialect = conn.dialect.name
    _run(conn, """
        CREATE TEMP TABLE stat_part (employer_id INTEGER, worker_id INTEGER, gender VARCHAR(10),
            age_band VARCHAR(10), level VARCHAR(20), cls VARCHAR(5), kind VARCHAR(20), trade VARCHAR(20),
            finalist INTEGER, award INTEGER, promoted INTEGER)""")
    _run(conn, f"""
        INSERT INTO stat_part
        SELECT r.employer_id, r.worker_id, w.gender, {_age_band_sql(dialect)}, c.level, c.competition_class,
               c.kind, UPPER(TRIM(e.trade_code)), COALESCE(f.finalist, 0), COALESCE(f.award, 0),
               CASE WHEN p.registration_id IS NULL THEN 0 ELSE 1 END
        FROM competition c
        JOIN event e ON e.competition_id = c.id
        JOIN registration r ON r.event_id = e.id
        JOIN worker w ON w.id = r.worker_id
        LEFT JOIN stat_final f ON f.registration_id = r.id
        LEFT JOIN stat_promoted p ON p.registration_id = r.id
        WHERE c.ends_on BETWEEN :first AND :last
          AND c.status NOT IN ({_quoted(rules.NOT_HELD_STATUSES)}) AND c.called_off_at IS NULL
          -- _held_sql without its events clause: the row's own event is held, so its competition has one
          AND r.status IN ({_quoted(rules.COUNTED_STATUSES)})
          AND e.round <> '{rules.FINAL_ROUND}' AND e.cancelled_at IS NULL""", params)


def _count_cells(conn: Connection, params: dict) -> None:
    _run(conn, """
        CREATE TEMP TABLE stat_cell (org_id INTEGER, dimension VARCHAR(20), key VARCHAR(200),
            competitions INTEGER, events INTEGER, participations INTEGER, workers INTEGER, enterprises INTEGER,
            finalists INTEGER, awards INTEGER, promotions INTEGER)""")
    # Competition attributes: a worker may count under several keys, so distinct workers per (employer, key).
    for dimension, column in COMPETITION_KEYS.items():
        _run(conn, f"""
            INSERT INTO stat_cell
            SELECT employer_id, '{dimension}', {column}, 0, 0, COUNT(*), COUNT(DISTINCT worker_id), 1,
                   SUM(finalist), SUM(award), SUM(promoted)
            FROM stat_part GROUP BY employer_id, {column}""")
    # Worker attributes: one pass at (employer, gender, age band); each worker is in exactly one such cell, so
    # the employer's total, its genders and its age bands are sums of these cells (the domain's roll-up rule).
    _run(conn, """
        CREATE TEMP TABLE stat_worker_cell (employer_id INTEGER, gender VARCHAR(10), age_band VARCHAR(10),
            participations INTEGER, workers INTEGER, finalists INTEGER, awards INTEGER, promotions INTEGER)""")
    _run(conn, """
        INSERT INTO stat_worker_cell
        SELECT employer_id, gender, age_band, COUNT(*), COUNT(DISTINCT worker_id), SUM(finalist), SUM(award),
               SUM(promoted)
        FROM stat_part GROUP BY employer_id, gender, age_band""")
    for dimension, column in WORKER_KEYS.items():
        held = "0" if dimension in rules.HELD_DIMENSIONS else "NULL"
        group = "employer_id" if dimension == rules.TOTAL else f"employer_id, {column}"
        _run(conn, f"""
            INSERT INTO stat_cell
            SELECT employer_id, '{dimension}', {column}, {held}, {held}, SUM(participations), SUM(workers), 1,
                   SUM(finalists), SUM(awards), SUM(promotions)
            FROM stat_worker_cell GROUP BY {group}""")
    # An employer's industry is one key per employer: its total cell, filed under that industry.
    _run(conn, """
        INSERT INTO stat_cell
        SELECT s.org_id, 'industry', o.industry, 0, 0, s.participations, s.workers, s.enterprises, s.finalists,
               s.awards, s.promotions
        FROM stat_cell s JOIN organization o ON o.id = s.org_id WHERE s.dimension = 'total'""")
    held_where = f"c.ends_on BETWEEN :first AND :last AND {_held_sql()}"
    for dimension, column in HELD_KEYS.items():
        group = "c.organization_id" if dimension == rules.TOTAL else f"c.organization_id, {column}"
        _run(conn, f"""
            INSERT INTO stat_cell
            SELECT c.organization_id, '{dimension}', {column}, COUNT(DISTINCT c.id), COUNT(e.id), 0, 0, 0, 0, 0, 0
            FROM competition c JOIN organization o ON o.id = c.organization_id
            LEFT JOIN event e ON e.competition_id = c.id AND e.round <> '{rules.FINAL_ROUND}' AND e.cancelled_at IS NULL
            WHERE {held_where} GROUP BY {group}""", params)
    _run(conn, f"""
        INSERT INTO stat_cell
        SELECT c.organization_id, 'trade', UPPER(TRIM(e.trade_code)), COUNT(DISTINCT c.id), COUNT(e.id),
               0, 0, 0, 0, 0, 0
        FROM competition c JOIN event e ON e.competition_id = c.id AND e.round <> '{rules.FINAL_ROUND}'
             AND e.cancelled_at IS NULL
        WHERE {held_where} GROUP BY c.organization_id, UPPER(TRIM(e.trade_code))""", params)
    _run(conn, "CREATE TEMP TABLE stat_trade (code VARCHAR(20) PRIMARY KEY, name VARCHAR(200))")
    _run(conn, f"""
        INSERT INTO stat_trade
        SELECT UPPER(TRIM(e.trade_code)), MIN(e.trade_name) FROM competition c JOIN event e ON e.competition_id = c.id
        WHERE {held_where} AND e.cancelled_at IS NULL GROUP BY UPPER(TRIM(e.trade_code))""", params)


def _scopes(conn: Connection) -> int:
    """Fill ``stat_scope`` with (org, each union at or above it), climbing the tree one level per statement."""
    _run(conn, "CREATE TEMP TABLE stat_scope (org_id INTEGER, scope_id INTEGER, depth INTEGER)")
    pairs = conn.execute(text("INSERT INTO stat_scope SELECT id, id, 0 FROM organization")).rowcount
    depth = 0
    while True:
        added = conn.execute(text("""
            INSERT INTO stat_scope
            SELECT s.org_id, o.parent_id, s.depth + 1 FROM stat_scope s JOIN organization o ON o.id = s.scope_id
            WHERE s.depth = :depth AND o.parent_id IS NOT NULL"""), {"depth": depth}).rowcount
        if not added or depth > 50:  # 50: a guard against a cycle in a damaged tree
            return pairs
        pairs += added
        depth += 1


def _write_figures(conn: Connection, year: int, promotions_counted: bool) -> int:
    conn.execute(text("DELETE FROM stat_figure WHERE year = :year"), {"year": year})
    promotions = "SUM(c.promotions)" if promotions_counted else "NULL"
    result = conn.execute(text(f"""
        INSERT INTO stat_figure (year, scope_id, dimension, key, label, competitions, events, participations,
                                 workers, enterprises, finalists, awards, promotions)
        SELECT :year, s.scope_id, c.dimension, c.key, MAX(t.name), SUM(c.competitions), SUM(c.events),
               SUM(c.participations), SUM(c.workers), SUM(c.enterprises), SUM(c.finalists), SUM(c.awards),
               {promotions}
        FROM stat_cell c
        JOIN stat_scope s ON s.org_id = c.org_id
        LEFT JOIN stat_trade t ON c.dimension = 'trade' AND t.code = c.key
        GROUP BY s.scope_id, c.dimension, c.key"""), {"year": year})
    return result.rowcount


EXTRA_COLUMNS = rules.EXTRA_METRICS


def _count_labour_and_innovation(conn: Connection, params: dict, year: int) -> int:
    """The year's labour-competition and innovation figures per union, rolled up and written (see the domain)."""
    _run(conn, "CREATE TEMP TABLE stat_extra (org_id INTEGER, " + ", ".join(
        f"{name} {'NUMERIC' if name == 'innovation_benefit' else 'INTEGER'} DEFAULT 0" for name in EXTRA_COLUMNS)
        + ")")
    held = f"c.ends_on BETWEEN :first AND :last AND {_held_sql()}"
    # A labour competition counts in every year one of its periods ends, or (no periods) in the year it ends.
    labour = f"""c.kind = '{rules.LABOUR_KIND}' AND {_held_sql()} AND (
        EXISTS (SELECT 1 FROM labour_period yp WHERE yp.competition_id = c.id AND yp.ends_on BETWEEN :first AND :last)
        OR (c.ends_on BETWEEN :first AND :last
            AND NOT EXISTS (SELECT 1 FROM labour_period np WHERE np.competition_id = c.id)))"""
    # A unit belongs to its own union, else to the organizer; one withdrawn before any assessment did not take part.
    unit_org = "COALESCE(u.organization_id, c.organization_id)"
    took_part = "(u.withdrawn_at IS NULL OR EXISTS (SELECT 1 FROM labour_score ls WHERE ls.unit_id = u.id))"
    _run(conn, f"""INSERT INTO stat_extra (org_id, labour_competitions)
        SELECT c.organization_id, COUNT(*) FROM competition c WHERE {labour} GROUP BY c.organization_id""", params)
    _run(conn, f"""INSERT INTO stat_extra (org_id, periods_assessed)
        SELECT c.organization_id, COUNT(*) FROM labour_period p JOIN competition c ON c.id = p.competition_id
        WHERE {labour} AND p.ends_on BETWEEN :first AND :last
          AND p.status IN ({_quoted(rules.ASSESSED_PERIOD_STATUSES)}) GROUP BY c.organization_id""",
         params)
    _run(conn, f"""INSERT INTO stat_extra (org_id, labour_units)
        SELECT {unit_org}, COUNT(*) FROM labour_unit u JOIN competition c ON c.id = u.competition_id
        WHERE {labour} AND {took_part} GROUP BY {unit_org}""", params)
    # Person-times: each unit's participation figure, max(declared headcount, named members) -- the labour
    # module's own definition (labour.setup.PARTICIPATION_SQL), so naming a nominee never lowers it. Persons: the
    # named members once each (a worker named for two units of one union is one person), plus the people of a
    # headcount not named.
    _run(conn, f"""INSERT INTO stat_extra (org_id, labour_participations, labour_workers)
        SELECT {unit_org}, SUM({labour_setup.PARTICIPATION_SQL}), SUM({labour_setup.UNNAMED_SQL})
        FROM labour_unit u JOIN competition c ON c.id = u.competition_id
        WHERE {labour} AND {took_part} GROUP BY {unit_org}""", params)
    _run(conn, f"""INSERT INTO stat_extra (org_id, labour_workers)
        SELECT {unit_org}, COUNT(DISTINCT m.worker_id)
        FROM labour_unit_member m JOIN labour_unit u ON u.id = m.unit_id JOIN competition c ON c.id = u.competition_id
        WHERE {labour} AND {took_part} GROUP BY {unit_org}""", params)
    _run(conn, f"""INSERT INTO stat_extra (org_id, vetoes)
        SELECT {unit_org}, COUNT(*)
        FROM labour_veto v JOIN labour_period vp ON vp.id = v.period_id JOIN labour_unit u ON u.id = v.unit_id
        JOIN competition c ON c.id = u.competition_id
        WHERE {labour} AND vp.ends_on BETWEEN :first AND :last AND v.voided_at IS NULL GROUP BY {unit_org}""",
         params)
    sent = (f"(e.submitted_at IS NOT NULL AND e.status NOT IN ({_quoted(rules.NOT_SUBMITTED_STATUSES)}))")
    _run(conn, f"""INSERT INTO stat_extra (org_id, innovation_entries, innovation_adopted, innovation_implemented,
                                          innovation_benefit)
        SELECT e.employer_id, SUM(CASE WHEN {sent} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {sent} AND e.status IN ({_quoted(rules.ADOPTED_STATUSES)}) THEN 1 ELSE 0 END),
               SUM(CASE WHEN {sent} AND e.status IN ({_quoted(rules.IMPLEMENTED_STATUSES)}) THEN 1 ELSE 0 END),
               SUM(CASE WHEN {sent} AND e.status IN ({_quoted(rules.IMPLEMENTED_STATUSES)})
                        THEN COALESCE(e.realized_benefit_yuan, 0) ELSE 0 END)
        FROM innovation_entry e JOIN competition c ON c.id = e.competition_id
        WHERE {held} GROUP BY e.employer_id""", params)
    sums = ", ".join(f"SUM(x.{name})" for name in EXTRA_COLUMNS)
    updates = ", ".join(f"{name} = excluded.{name}" for name in EXTRA_COLUMNS)
    written = 0
    for dimension, key in ((rules.TOTAL, "''"), ("industry", "COALESCE(o.industry, '')")):
        group = "s.scope_id" if dimension == rules.TOTAL else f"s.scope_id, {key}"
        written += conn.execute(text(f"""
            INSERT INTO stat_figure (year, scope_id, dimension, key, participations, workers, enterprises, finalists,
                                     awards, {", ".join(EXTRA_COLUMNS)})
            SELECT :year, s.scope_id, '{dimension}', {key}, 0, 0, 0, 0, 0, {sums}
            FROM stat_extra x JOIN stat_scope s ON s.org_id = x.org_id JOIN organization o ON o.id = x.org_id
            WHERE 1 = 1 GROUP BY {group}
            ON CONFLICT (scope_id, year, dimension, key) DO UPDATE SET {updates}"""), {"year": year}).rowcount
    return written


def pending_for_year(year: int) -> tuple[int, int]:
    """What ``year``'s figures still wait for: (competitions, promotions).

    Competitions: held competitions ending in ``year`` with at least one
    participation and no final results yet (their finalists and awards are not
    counted until then: ``rules.is_finalist``, ``rules.is_awarded``).
    Promotions: skill-level promotion flags of those competitions still pending
    review (``promotions_source`` counts approved ones only). A contest ending
    in late December is published, on notice and under appeal well into
    January; its year is final only when both are 0.
    """
    conn = db.session.connection()
    params = _year_params(year)
    # CROSS JOIN keeps SQLite from reaching the registrations through their status index (every approved one of
    # every year, per competition: minutes on a city's year) instead of through the competition's events.
    competitions = _run(conn, f"""
        SELECT COUNT(*) FROM competition c
        WHERE c.ends_on BETWEEN :first AND :last AND {_held_sql()}
          AND EXISTS (SELECT 1 FROM event e CROSS JOIN registration r
                      WHERE e.competition_id = c.id AND e.cancelled_at IS NULL AND r.event_id = e.id
                        AND r.status IN ({_quoted(rules.COUNTED_STATUSES)}))
          AND NOT EXISTS (SELECT 1 FROM result_snapshot rs
                          WHERE rs.competition_id = c.id AND rs.status = '{rules.FINAL_SNAPSHOT_STATUS}')""",
                        params).scalar() or 0
    promotions = 0
    if promotions_source() is not None:
        promotions = _run(conn, """
            SELECT COUNT(*) FROM promotion_flag pf JOIN competition c ON c.id = pf.competition_id
            WHERE pf.kind = 'level' AND pf.status = 'pending' AND c.ends_on BETWEEN :first AND :last""",
                          params).scalar() or 0
    return competitions, promotions


def compile_year(year: int, *, final: bool = False, now: datetime | None = None) -> StatCompilation:
    """Replace ``year``'s figures with a fresh count; flushes, the caller commits.

    ``final`` marks the figures final (the jobs pass it once a finished year
    waits for nothing, ``pending_for_year``; an operator may force it from the
    shell); a later compile of the same year (after a late appeal, say)
    replaces the figures and keeps the mark. What the year still waits for is
    recorded with the compilation.
    """
    started = time.perf_counter()
    conn = db.session.connection()
    params = _year_params(year)
    _prepare_session(conn)
    _drop_temp_tables(conn)
    _collect_final_lines(conn, params)
    _analyze(conn, "stat_final", "stat_promoted")
    _collect_participations(conn, params)
    _analyze(conn, "stat_part")
    _count_cells(conn, params)
    _scopes(conn)
    _analyze(conn, "stat_cell", "stat_scope", "stat_trade")
    promotions_counted = promotions_source() is not None
    written = _write_figures(conn, year, promotions_counted)
    _count_labour_and_innovation(conn, params, year)
    _drop_temp_tables(conn)
    compilation = db.session.execute(select(StatCompilation).where(StatCompilation.year == year)).scalar_one_or_none()
    if compilation is None:
        compilation = StatCompilation(year=year)
        db.session.add(compilation)
    compilation.compiled_at = now or utcnow()
    compilation.final = compilation.final or final
    compilation.seconds = round(time.perf_counter() - started, 3)
    compilation.figures = written
    compilation.promotions_counted = promotions_counted
    compilation.results_pending, compilation.promotions_pending = pending_for_year(year)
    db.session.flush()
    return compilation

