"""Configuration and database plumbing: secret keys, SQLite pragmas, concurrent writers."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from competitions import create_app
from competitions.db import write_intent
from competitions.extensions import db
from competitions.orgs.models import Organization


def test_production_refuses_to_start_without_a_fixed_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app("production", {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})


def test_development_generates_a_key_once_into_instance(tmp_path):
    app = create_app("development", {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/d.db"})
    key_file = Path(app.instance_path) / "secret_key"
    first = app.config["SECRET_KEY"]
    assert key_file.read_text().strip() == first
    again = create_app("development", {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/d.db"})
    assert first and len(first) >= 32 and again.config["SECRET_KEY"] == first


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app, db_kind):
    if db_kind != "sqlite":
        pytest.skip("SQLite pragmas")
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_foreign_keys_are_enforced(app):
    db.session.add(Organization(name="孤儿企业", kind="enterprise", parent_id=999999, path="/999999/1/"))
    with pytest.raises(Exception, match="(?i)foreign key"):
        db.session.commit()
    db.session.rollback()


def test_concurrent_read_then_write_transactions_do_not_fail(app):
    """Eight threads each read a counter and write it back: no "database is locked", no lost update."""
    org = Organization(name="计数", kind="federation", path="/", region="0")
    db.session.add(org)
    db.session.commit()
    org_id = org.id
    errors: list[Exception] = []

    def bump():
        with app.app_context():
            for _ in range(10):
                try:
                    with write_intent():
                        # FOR UPDATE is how PostgreSQL serialises this; SQLite ignores it and relies on
                        # BEGIN IMMEDIATE, which is what this test is about.
                        row = db.session.get(Organization, org_id, with_for_update=True)
                        row.region = str(int(row.region) + 1)
                        db.session.commit()
                except Exception as error:  # noqa: BLE001 - any failure is what the test looks for
                    errors.append(error)
                    db.session.rollback()
            db.session.remove()

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.rollback()  # end this session's read snapshot taken before the threads ran
    assert db.session.get(Organization, org_id).region == "80"
