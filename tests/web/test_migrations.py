"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from competitions.extensions import db


def test_upgrade_matches_models(app_factory, db_kind, pg_cluster, tmp_path):
    if db_kind == "postgres":
        url = pg_cluster.create_database("migrations_check")
    else:
        url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    app = app_factory(create_tables=False, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory="migrations")
        assert "competition" in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ; run `flask --app wsgi db migrate`: {diff}"
