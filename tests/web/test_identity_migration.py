"""The identity migration fills the new registration facts from the people's records (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from competitions.extensions import db

MIGRATION = next(Path("migrations/versions").glob("7edc13959684_*.py"))


def _value(column):
    """A plain value of the column's type, for a row that only needs to exist."""
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = str
    if kind is bool:
        return False
    if kind is int:
        return 1
    if kind is datetime:
        return datetime(2026, 1, 1, tzinfo=UTC)
    if kind is date:
        return date(2026, 1, 1)
    if kind in (dict, list):
        return {}
    if kind.__name__ == "Decimal":
        return 1
    return "x"


def _insert(conn, table, **given):
    row = {c.name: _value(c) for c in table.columns
           if not c.nullable and c.server_default is None and not c.primary_key}
    row.update(given)
    conn.execute(table.insert().values(**row))


def test_upgrade_fills_the_facts_of_existing_registrations(app_factory, db_kind, pg_cluster, tmp_path):
    before = re.search(r"^down_revision = '(\w+)'", MIGRATION.read_text(), re.M).group(1)
    url = pg_cluster.create_database("identity_backfill") if db_kind == "postgres" \
        else f"sqlite:///{tmp_path / 'backfill.sqlite3'}"
    app = app_factory(create_tables=False, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory="migrations", revision=before)
        meta = sa.MetaData()
        meta.reflect(bind=db.engine)
        t = meta.tables
        with db.engine.begin() as conn:
            _insert(conn, t["organization"], id=1, name="市总工会", kind="federation", parent_id=None, path="/1/")
            _insert(conn, t["organization"], id=2, name="东区总工会", kind="district", parent_id=1, path="/1/2/")
            _insert(conn, t["organization"], id=3, name="机床厂工会", kind="enterprise", parent_id=2, path="/1/2/3/")
            _insert(conn, t["worker"], id=1, national_id="110101199003070011", employer_id=3, skill_level=2,
                    is_student=True, user_id=None)
            _insert(conn, t["competition"], id=1, organization_id=1, created_by_id=None)
            _insert(conn, t["event"], id=1, competition_id=1)
            _insert(conn, t["registration"], id=1, event_id=1, worker_id=1, status="approved",
                    submitted_by_id=None, decided_by_id=None)
        upgrade(directory="migrations", revision="7edc13959684")
        with db.engine.connect() as conn:
            facts = conn.execute(sa.text("SELECT employer_id, employer_parent_id, skill_level, is_student "
                                         "FROM registration WHERE id = 1")).one()
            failures = conn.execute(sa.text("SELECT claim_code_failures FROM worker WHERE id = 1")).scalar_one()
        db.engine.dispose()
    assert (facts[0], facts[1], facts[2], bool(facts[3])) == (3, 2, 2, True)
    assert failures == 0


def test_claim_code_failures_is_dropped_at_head(app_factory, db_kind, pg_cluster, tmp_path):
    """Wrong claim-code tries are counted per account and address (a70de78); the record's unused counter is gone."""
    url = pg_cluster.create_database("claim_counter_dropped") if db_kind == "postgres" \
        else f"sqlite:///{tmp_path / 'dropped.sqlite3'}"
    app = app_factory(create_tables=False, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory="migrations", revision="7edc13959684")
        assert "claim_code_failures" in {c["name"] for c in sa.inspect(db.engine).get_columns("worker")}
        upgrade(directory="migrations")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("worker")}
        db.engine.dispose()
    assert "claim_code_failures" not in columns and "claim_code_hash" in columns
