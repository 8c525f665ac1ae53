"""The fuzz suites' "nothing was saved" check (tests/support/fuzz.py fingerprint) sees any change to any row."""

from __future__ import annotations

from sqlalchemy import func, select, text

from competitions.extensions import db
from competitions.judging.models import Mark
from competitions.orgs.models import Organization
from tests.support import fuzz


def test_the_fingerprint_changes_with_any_stored_value_and_only_then(app):
    fuzz.world()
    before = fuzz.fingerprint()
    assert fuzz.fingerprint() == before  # reading changes nothing
    last = db.session.execute(select(func.max(Mark.id))).scalar_one()
    # one mark's value by its smallest step, nothing else (an ORM update would also move updated_at)
    db.session.execute(text("UPDATE mark SET value = value + 0.01 WHERE id = :id"), {"id": last})
    db.session.commit()
    changed = fuzz.fingerprint()
    assert changed != before
    db.session.add(Organization(name="新单位", kind="enterprise", parent_id=None, path="/", region="0"))
    db.session.commit()
    assert fuzz.fingerprint() not in (before, changed)
