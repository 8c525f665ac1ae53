"""Statements run straight on the driver's cursor store and read exactly what SQLAlchemy would.

The tablet's mark write runs through ``competitions.prepared.Prepared``; these
tests pin that a value written that way reads back identically through the ORM
(decimals, timestamps, JSON, booleans), that driver errors arrive as
SQLAlchemy's exceptions, and that the write belongs to the connection's
transaction. They run on SQLite and, with ``--db postgres``, on PostgreSQL.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from competitions.audit.models import AuditEntry
from competitions.extensions import db
from competitions.judging.models import Mark
from competitions.prepared import Prepared
from tests import factories as f

_audit = AuditEntry.__table__
_INSERT_AUDIT = Prepared(_audit.insert().values({c: bindparam(c.name) for c in _audit.c if c.name != "id"}))
_MARK_VALUE = Prepared(select(Mark.__table__.c.value, Mark.__table__.c.id == bindparam("id"))
                       .where(Mark.__table__.c.id == bindparam("id")))


def _audit_row(**overrides):
    row = {"at": datetime(2026, 12, 15, 1, 2, 3, 456000, tzinfo=UTC), "actor_id": None, "action": "mark.update",
           "object_type": "mark", "object_id": 7, "competition_id": 1, "event_id": 2,
           "old_value": {"value": "7.50", "名": "王"}, "new_value": None, "reason": "复核", "remote_addr": "10.0.0.1"}
    return {**overrides, **{k: v for k, v in row.items() if k not in overrides}}


def test_a_prepared_insert_reads_back_through_the_orm_unchanged(app):
    with db.engine.connect() as conn:
        assert _INSERT_AUDIT.rowcount(conn, _audit_row()) == 1
        conn.commit()
    entry = db.session.execute(select(AuditEntry)).scalar_one()
    assert entry.at == datetime(2026, 12, 15, 1, 2, 3, 456000, tzinfo=UTC)
    assert entry.old_value == {"value": "7.50", "名": "王"} and entry.new_value is None
    assert (entry.reason, entry.remote_addr, entry.object_id) == ("复核", "10.0.0.1", 7)


def test_prepared_results_carry_sqlalchemy_types(app):
    orgs = f.org_tree()
    judge = f.user("jj", "judge", org=orgs["city"])
    comp = f.competition(orgs["city"])
    ev = f.event(comp)
    reg = f.judging_competitor(ev, orgs["works"], code="Z01", station=1)
    crit = ev.parts[1].criteria[0]
    mark = Mark(registration_id=reg.id, criterion_id=crit.id, judge_id=judge.id, event_id=ev.id,
                value=Decimal("7.50"))
    db.session.add(mark)
    db.session.commit()
    with db.engine.connect() as conn:
        value, same = _MARK_VALUE.first(conn, {"id": mark.id})
        assert value == Decimal("7.50") and isinstance(value, Decimal)
        assert same is True
        assert _MARK_VALUE.first(conn, {"id": mark.id + 1000}) is None


def test_driver_errors_are_sqlalchemy_errors_and_the_transaction_is_the_connections(app):
    key = Prepared(_audit.insert().values(id=bindparam("id"), at=bindparam("at"), action=bindparam("action"),
                                          object_type=bindparam("object_type"), reason="", remote_addr=""))
    row = {"at": datetime.now(UTC), "action": "x", "object_type": "y"}
    with db.engine.connect() as conn:
        key.rowcount(conn, {**row, "id": 1})
        with pytest.raises(IntegrityError):
            key.rowcount(conn, {**row, "id": 1})
        conn.rollback()  # the whole transaction goes, the first row with it
        assert conn.execute(select(_audit.c.id)).all() == []
        key.rowcount(conn, {**row, "id": 2, "action": str(uuid.uuid4())[:20]})
        conn.commit()
    assert db.session.execute(select(AuditEntry.id)).scalars().all() == [2]
