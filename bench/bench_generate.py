"""How fast one year of a large city can be written, and how big it is, on SQLite and PostgreSQL.

One year of a city federation: 10,000 competitions, ~30,000 events (each with
a small scheme), 1,000,000 registrations by ~600,000 distinct workers in ~2,000
enterprises. The same rows (same seed) go through the application's bulk path
(``bench.data``: SQLAlchemy Core executemany in chunks of 20,000, one
transaction per chunk, app pragmas) into a temporary SQLite file and into a
throwaway PostgreSQL cluster. As a baseline, the very same registration rows
are read back and inserted with the bare ``sqlite3`` driver (same schema,
pragmas, chunks and transactions) into a second file: the ratio says what
SQLAlchemy and the app's column types cost on top of the driver.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

from bench import data, say

NAME = "generate"
DESCRIPTION = ("Write one year of a large city (10,000 competitions, 1,000,000 registrations, ~600,000 workers) "
               "into SQLite and PostgreSQL: seconds, rows/s, database size, ratio to raw sqlite3 executemany")

FULL = {"competitions": 10_000, "registrations": 1_000_000, "enterprises": 2000}
QUICK_DIVISOR = 20
SEED = 2026
PARENT_TABLES = ("organization", "competition", "event", "worker")


def sizes(quick: bool) -> dict:
    """The year to write: FULL, or 1/20th of its competitions and registrations with --quick."""
    if not quick:
        return dict(FULL)
    return {"competitions": FULL["competitions"] // QUICK_DIVISOR,
            "registrations": FULL["registrations"] // QUICK_DIVISOR, "enterprises": FULL["enterprises"]}


def run(quick: bool) -> dict:
    """Write the year into SQLite (plus the raw-driver baseline) and PostgreSQL; return the figures."""
    wanted = sizes(quick)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp:
        sqlite_path = Path(tmp) / "year.sqlite3"
        sqlite_figures = write_year(f"sqlite:///{sqlite_path}", wanted, "SQLite")
        sqlite_figures["size_bytes"] = sqlite_size(sqlite_path)
        baseline = raw_sqlite_registrations(sqlite_path, Path(tmp) / "raw.sqlite3")
    app_seconds = sqlite_figures["write_seconds"]["registration"]
    return {
        "sizes": wanted,
        "sqlite": sqlite_figures,
        "sqlite_raw_baseline": baseline,
        "ratio_app_to_raw_sqlite3": round(app_seconds / baseline["insert_seconds"], 2),
        "postgresql": postgres_year(wanted),
        "total_seconds": round(time.perf_counter() - began, 1),
    }


def write_year(url: str, wanted: dict, label: str) -> dict:
    """Create the schema at ``url`` and generate the year; time it all and each table's writes."""
    began = time.perf_counter()
    data.create_schema(url).dispose()
    schema_seconds = time.perf_counter() - began
    clock = data.Clock()
    counts = data.generate_year(url, seed=SEED, clock=clock, progress=lambda m: say(f"{label}: {m}"), **wanted)
    seconds = time.perf_counter() - began
    rows = sum(clock.rows.values())
    registrations = clock.rows["registration"]
    say(f"{label}: {rows} rows in {seconds:.1f} s")
    return {
        "seconds": round(seconds, 1),
        "schema_seconds": round(schema_seconds, 2),
        "rows": rows,
        "rows_per_second": round(rows / seconds),
        "counts": counts,
        "write_seconds": {name: round(s, 2) for name, s in clock.seconds.items()},
        "generate_seconds": round(seconds - schema_seconds - sum(clock.seconds.values()), 1),
        "registrations_per_second_written": round(registrations / clock.seconds["registration"]),
    }


def sqlite_size(path: Path) -> int:
    """Bytes of the database file once the write-ahead log is folded back into it."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _raw_connection(path: Path) -> sqlite3.Connection:
    """A bare sqlite3 connection with the app's pragmas (foreign keys, WAL, synchronous=NORMAL)."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("foreign_keys=ON", "busy_timeout=15000", "journal_mode=WAL", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


def raw_sqlite_registrations(source: Path, target: Path) -> dict:
    """Insert the registration rows of ``source`` into a fresh copy of the schema with bare sqlite3.

    Same tables and indexes (created by the app), same parent rows (copied
    in), same chunk size and one transaction per chunk; only the inserts are
    timed, not reading the rows back.
    """
    data.create_schema(f"sqlite:///{target}").dispose()
    connection = _raw_connection(target)
    try:
        connection.execute("ATTACH DATABASE ? AS source", (str(source),))
        for name in PARENT_TABLES:
            connection.execute(f'INSERT INTO main."{name}" SELECT * FROM source."{name}"')
        columns = [row[1] for row in connection.execute('PRAGMA table_info("registration")')]
        insert = f'INSERT INTO registration ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
        reader = connection.execute(f'SELECT {", ".join(columns)} FROM source.registration ORDER BY id')
        seconds, rows = 0.0, 0
        while chunk := reader.fetchmany(data.CHUNK_SIZE):
            began = time.perf_counter()
            connection.execute("BEGIN")
            connection.executemany(insert, chunk)
            connection.execute("COMMIT")
            seconds += time.perf_counter() - began
            rows += len(chunk)
    finally:
        connection.close()
    say(f"raw sqlite3: {rows} registrations in {seconds:.1f} s")
    return {"rows": rows, "insert_seconds": round(seconds, 2), "rows_per_second": round(rows / seconds)}


def postgres_year(wanted: dict) -> dict:
    """The same year on a throwaway PostgreSQL cluster, or why PostgreSQL could not be used."""
    from tests.support.postgres import ClusterError, ThrowawayCluster, pg_available

    ok, reason = pg_available()
    if not ok:
        return {"available": False, "reason": reason}
    try:
        with ThrowawayCluster(dbname="bench_generate") as cluster:
            say(f"PostgreSQL: cluster up in {cluster.start_seconds:.1f} s")
            figures = write_year(cluster.url, wanted, "PostgreSQL")
            figures["size_bytes"] = postgres_size(cluster.url)
            figures["cluster_start_seconds"] = round(cluster.start_seconds, 1)
            figures["server_settings"] = "fsync=off, synchronous_commit=off (throwaway test cluster)"
            baseline = raw_postgres_registrations(cluster)
            ratio = figures["write_seconds"]["registration"] / baseline["executemany_seconds"]
            figures |= {"raw_baseline": baseline, "ratio_app_to_raw_psycopg": round(ratio, 2)}
            return {"available": True} | figures
    except ClusterError as error:
        return {"available": False, "reason": str(error).splitlines()[0]}


def raw_postgres_registrations(cluster) -> dict:
    """Insert the same registration rows with bare psycopg into a copy of the database: executemany, then COPY.

    The copy is made from the benchmark database as a template (same tables,
    indexes and parent rows) and its registrations are emptied; rows are read
    from the original in chunks and only the writes are timed.
    """
    import psycopg

    cluster.create_database("bench_raw", template="bench_generate")
    source = psycopg.connect(cluster.conninfo("bench_generate"))
    target = psycopg.connect(cluster.conninfo("bench_raw"), autocommit=True)
    try:
        columns = [row[0] for row in source.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'registration' "
            "ORDER BY ordinal_position")]
        names = ", ".join(columns)
        insert = f"INSERT INTO registration ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        figures = {}
        for method in ("executemany", "copy"):
            target.execute("TRUNCATE registration CASCADE")
            seconds, rows = 0.0, 0
            with source.cursor(name=f"read_{method}") as reader:
                reader.execute(f"SELECT {names} FROM registration ORDER BY id")
                while chunk := reader.fetchmany(data.CHUNK_SIZE):
                    began = time.perf_counter()
                    with target.transaction(), target.cursor() as cursor:
                        if method == "executemany":
                            cursor.executemany(insert, chunk)
                        else:
                            with cursor.copy(f"COPY registration ({names}) FROM STDIN") as copy:
                                for row in chunk:
                                    copy.write_row(row)
                    seconds += time.perf_counter() - began
                    rows += len(chunk)
            source.rollback()
            figures[f"{method}_seconds"] = round(seconds, 2)
            figures[f"{method}_rows_per_second"] = round(rows / seconds)
            say(f"raw psycopg {method}: {rows} registrations in {seconds:.1f} s")
        figures["rows"] = rows
        return figures
    finally:
        source.close()
        target.close()


def postgres_size(url: str) -> int:
    """pg_database_size of the benchmark database."""
    from sqlalchemy import text

    engine = data.engine_for(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
    finally:
        engine.dispose()

