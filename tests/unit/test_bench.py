"""The benchmark runner and the synthetic data it writes: right counts, valid people, consistent links, repeatable."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from werkzeug.security import check_password_hash

from bench import data
from competitions.domain.identity import make_national_id, parse_national_id
from tests.support import require
from tests.support.postgres import ThrowawayCluster, pg_available

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("organization", "worker", "competition", "event", "scheme_part", "criterion", "registration")


def bench_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


def test_list_shows_the_generate_benchmark_with_its_description():
    result = bench_cli("list")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split("\t", 1) for line in result.stdout.splitlines())
    assert "generate" in lines
    assert "1,000,000 registrations" in lines["generate"]
    assert list(lines) == sorted(lines)


def test_unknown_benchmark_is_refused_with_exit_status_2():
    result = bench_cli("run", "no-such-benchmark")
    assert result.returncode == 2
    assert "Unknown benchmark 'no-such-benchmark'" in result.stderr
    assert "generate" in result.stderr
    assert result.stdout == ""


def test_run_prints_one_json_line_with_context_and_figures(monkeypatch, capsys):
    from bench import __main__ as runner

    class Fake:
        NAME, DESCRIPTION = "fake", "a fake benchmark"

        @staticmethod
        def run(quick):
            return {"seconds": 1.5, "quick_seen": quick}

    monkeypatch.setattr(runner, "discover", lambda broken=None: {"fake": Fake})
    assert runner.main(["run", "fake", "--quick"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    figures = json.loads(out[0])
    assert figures["benchmark"] == "fake" and figures["quick"] is True and figures["quick_seen"] is True
    assert figures["python"].startswith("3.") and figures["machine"]["cores"] >= 1
    assert figures["started_at"][:4].isdigit() and figures["seconds"] == 1.5


def _year(tmp_path: Path, name: str, seed: int = 7) -> tuple[Path, dict]:
    path = tmp_path / f"{name}.sqlite3"
    url = f"sqlite:///{path}"
    data.create_schema(url)
    counts = data.generate_year(url, competitions=20, registrations=500, enterprises=60, districts=4, seed=seed)
    return path, counts


def _rows(path: Path, table: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()


@pytest.fixture(scope="module")
def small_year(tmp_path_factory):
    return _year(tmp_path_factory.mktemp("year"), "first")


def test_small_year_has_exactly_the_requested_counts(small_year):
    path, counts = small_year
    assert counts["competitions"] == len(_rows(path, "competition")) == 20
    assert counts["events"] == len(_rows(path, "event")) == 60
    assert counts["registrations"] == len(_rows(path, "registration")) == 500
    assert counts["workers"] == len(_rows(path, "worker")) == 300
    assert counts["organizations"] == len(_rows(path, "organization")) == 1 + 4 + 60
    assert counts["scheme_parts"] == 2 * 60 and counts["criteria"] == 3 * 60


def test_every_worker_has_a_valid_unique_national_id_matching_gender_and_birth_date(small_year):
    path, _ = small_year
    with sqlite3.connect(path) as connection:
        people = connection.execute("SELECT national_id, gender, birth_date FROM worker").fetchall()
    assert len({number for number, _, _ in people}) == len(people)
    for number, gender, born in people:
        parsed = parse_national_id(number, today=date(2026, 12, 31))
        assert parsed.gender == gender
        assert parsed.birth_date.isoformat() == born


def test_fast_national_ids_equal_the_domain_function():
    ids = data.NationalIds()
    born = date(1988, 2, 29)
    assert ids.make("370202", born, "male") == make_national_id("370202", born, 0, "male")
    assert ids.make("370202", born, "male") == make_national_id("370202", born, 1, "male")
    assert ids.make("370202", born, "female") == make_national_id("370202", born, 0, "female")
    for n in range(2, 500):
        assert ids.make("370202", born, "male") == make_national_id("370202", born, n, "male")
    assert ids.make("370202", born, "male") is None  # all 500 order codes of that day are taken


def test_every_registration_points_at_an_existing_event_and_worker_once(small_year):
    path, _ = small_year
    with sqlite3.connect(path) as connection:
        orphans = connection.execute(
            "SELECT count(*) FROM registration r LEFT JOIN event e ON e.id = r.event_id "
            "LEFT JOIN worker w ON w.id = r.worker_id WHERE e.id IS NULL OR w.id IS NULL").fetchone()[0]
        pairs = connection.execute("SELECT count(DISTINCT event_id || '-' || worker_id) FROM registration").fetchone()
        students_in_worker_events = connection.execute(
            "SELECT count(*) FROM registration r JOIN event e ON e.id = r.event_id "
            "JOIN worker w ON w.id = r.worker_id WHERE (e.\"group\" = 'students') != w.is_student").fetchone()[0]
        bad_paths = connection.execute(
            "SELECT count(*) FROM organization c JOIN organization p ON p.id = c.parent_id "
            "WHERE c.path != p.path || c.id || '/'").fetchone()[0]
    assert orphans == 0
    assert pairs[0] == 500
    assert students_in_worker_events == 0
    assert bad_paths == 0


def test_same_seed_writes_the_same_rows_and_another_seed_does_not(tmp_path, small_year):
    first, _ = small_year
    again, _ = _year(tmp_path, "again")
    other, _ = _year(tmp_path, "other", seed=8)
    for name in TABLES:
        assert _rows(first, name) == _rows(again, name), name
    assert _rows(first, "worker") != _rows(other, "worker")


def test_too_few_workers_for_the_events_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'few.sqlite3'}"
    data.create_schema(url)
    with pytest.raises(ValueError, match="too few"):
        data.generate_year(url, competitions=5, registrations=200, workers=3, enterprises=10, districts=2)


def test_event_with_marks_has_every_mark_and_logins_for_its_judges(tmp_path):
    url = f"sqlite:///{tmp_path / 'event.sqlite3'}"
    engine = data.create_schema(url)
    made = data.make_event_with_marks(engine, competitors=12, judges=3, criteria=2, seed=3)
    again = data.make_event_with_marks(engine, competitors=5, judges=2, criteria=1, marks=False, seed=3)
    assert made.marks == 12 * 3 * 2 and again.marks == 0
    with sqlite3.connect(tmp_path / "event.sqlite3") as connection:
        per_event = dict(connection.execute("SELECT event_id, count(*) FROM mark GROUP BY event_id").fetchall())
        codes = connection.execute("SELECT count(DISTINCT anonymous_code) FROM registration WHERE event_id = ?",
                                   (made.event_id,)).fetchone()[0]
        chief = connection.execute("SELECT user_id FROM judge_assignment WHERE event_id = ? AND is_chief",
                                   (made.event_id,)).fetchone()[0]
        username, password_hash = connection.execute("SELECT username, password_hash FROM user WHERE id = ?",
                                                     (chief,)).fetchone()
    assert per_event == {made.event_id: 72}
    assert codes == 12
    assert chief == made.judge_ids[0]
    assert username == f"bench_{made.event_id}_judge1"
    assert check_password_hash(password_hash, made.judge_password)
    engine.dispose()


@pytest.fixture(scope="module")
def own_cluster(pg_cluster):
    """The session's cluster under --db postgres, else our own throwaway one (the bulk path differs by dialect)."""
    if pg_cluster is not None:
        yield pg_cluster
        return
    require("PostgreSQL", *pg_available())
    with ThrowawayCluster() as cluster:
        yield cluster


def test_on_postgresql_the_counts_hold_and_new_rows_get_fresh_ids(own_cluster):
    pg_cluster = own_cluster
    url = pg_cluster.create_database("bench_tiny")
    try:
        engine = data.create_schema(url)
        counts = data.generate_year(url, competitions=10, registrations=200, enterprises=30, districts=3, seed=5)
        made = data.make_event_with_marks(engine, competitors=4, judges=3, criteria=2, seed=5)
        with engine.begin() as connection:
            fresh = connection.execute(data.table("competition").insert().values(
                name="新建竞赛", year=2026, level="city", competition_class="I", kind="skills",
                organization_id=made.organization_id, starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 2),
                description="", status="draft", recuse_same_parent=False,
            ).returning(data.table("competition").c.id)).scalar_one()
            registrations = connection.execute(text("SELECT count(*) FROM registration")).scalar_one()
        assert counts["registrations"] == 200 and registrations == 200 + 4
        assert fresh == made.competition_id + 1  # the id sequence was moved past the generated rows
        assert made.marks == 4 * 3 * 2
        engine.dispose()
    finally:
        pg_cluster.drop_database("bench_tiny")
