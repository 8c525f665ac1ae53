"""Readings that must not be averaged (issue 10 §7), through the tablet's JSON endpoint and the pages.

A measured criterion read once takes one judge's reading: a second judge's
reading is refused when it is written (never stored, never averaged), the
second judge's sheet shows the reading as taken and owes nothing there.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.extensions import db
from competitions.judging import services
from competitions.judging.models import Mark
from tests import factories as f


class World:
    """The electrician event: T1 (a measurement out of 100, read once) given to two judges."""


@pytest.fixture
def w(app):
    orgs = f.org_tree()
    x = World()
    x.orgs = orgs
    f.user("cityorg", "organizer", org=orgs["city"])
    x.first = f.user("first", "judge", org=orgs["city"])
    x.second = f.user("second", "judge", org=orgs["city"])
    x.chief = f.user("chief", "judge", org=orgs["city"])
    x.comp = f.competition(orgs["city"])
    x.ev = f.event(x.comp)
    x.comp.status = "in_progress"
    x.crit = {c.code: c for p in x.ev.parts for c in p.criteria}
    x.a = f.judging_competitor(x.ev, orgs["east"], code="K01", station=1)
    x.b = f.judging_competitor(x.ev, orgs["east"], code="K02", station=2)
    f.judging_panel(x.ev, [x.first, x.second], x.chief, criterion_codes=["T1"])
    db.session.commit()
    return x


def _post(client, reg, crit, value, version=None, **extra):
    body = {"registration_id": reg.id, "criterion_id": crit.id, "value": value, "version": version,
            "idempotency_key": str(uuid.uuid4()), **extra}
    return client.post("/api/v1/judging/marks", json=body)


def _marks(w, reg):
    return db.session.execute(select(Mark.judge_id, Mark.value).where(
        Mark.registration_id == reg.id, Mark.criterion_id == w.crit["T1"].id).order_by(Mark.id)).all()


@pytest.mark.parametrize("lang, phrase", [("en", "is measured once"), ("zh", "只测一次")])
def test_a_second_judges_reading_is_refused_when_written(w, client, auth, lang, phrase):
    auth.login("first")
    assert _post(client, w.a, w.crit["T1"], "72").status_code == 201
    auth.logout()
    auth.login("second")
    client.post("/lang", data={"lang": lang})
    audit_before = db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    refused = _post(client, w.a, w.crit["T1"], "50")
    body = refused.get_json()
    assert refused.status_code == 409 and body["error"] == "reading_taken"
    assert phrase in body["message"] and "First: 72" in body["message"].replace("first", "First")
    assert [(j, str(v)) for j, v in _marks(w, w.a)] == [(w.first.id, "72.00")]  # nothing stored
    assert db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == audit_before
    # The same refusal on a retry (the tablet must not keep retrying: the answer never changes).
    assert _post(client, w.a, w.crit["T1"], "50").get_json()["error"] == "reading_taken"
    # Another competitor is still free for the second judge.
    assert _post(client, w.b, w.crit["T1"], "64").status_code == 201


def test_the_first_judge_still_corrects_their_own_reading(w, client, auth):
    auth.login("first")
    made = _post(client, w.a, w.crit["T1"], "72").get_json()["mark"]
    fixed = _post(client, w.a, w.crit["T1"], "73", version=made["version"])
    assert fixed.status_code == 200 and fixed.get_json()["mark"]["value"] == "73"


def test_the_second_judges_sheet_shows_the_reading_taken_and_owes_nothing(w, client, auth):
    auth.login("first")
    _post(client, w.a, w.crit["T1"], "72")
    auth.logout()
    auth.login("second")
    sheet = client.get(f"/api/v1/judging/events/{w.ev.id}/sheet").get_json()
    assert sheet["taken"] == [{"registration_id": w.a.id, "criterion_id": w.crit["T1"].id, "readings": "First: 72"}]
    db.session.expire_all()
    # K01's reading is in; K02 still waits for one of the two judges, so each is counted as owing it.
    assert services.marks_owed_by(w.ev, w.second.id) == 1
    _post(client, w.b, w.crit["T1"], "64")
    db.session.expire_all()
    assert services.marks_owed_by(w.ev, w.second.id) == 0 and services.marks_owed_by(w.ev, w.first.id) == 0


def test_the_chief_judge_writing_for_a_judge_is_refused_too(w, client, auth):
    auth.login("first")
    _post(client, w.a, w.crit["T1"], "72")
    auth.logout()
    auth.login("chief")
    refused = _post(client, w.a, w.crit["T1"], "50", judge_id=w.second.id, reason="纸质评分表转录")
    assert refused.status_code == 409 and refused.get_json()["error"] == "reading_taken"
    assert len(_marks(w, w.a)) == 1


def test_judgement_criteria_take_every_panel_judges_mark(w, client, auth):
    services.assign_judge(w.ev, actor=None, user_id=w.first.id, criterion_id=w.crit["P1"].id)
    services.assign_judge(w.ev, actor=None, user_id=w.second.id, criterion_id=w.crit["P1"].id)
    db.session.commit()
    for judge, value in (("first", "40"), ("second", "45")):
        auth.login(judge)
        assert _post(client, w.a, w.crit["P1"], value).status_code == 201
        auth.logout()


def test_a_reading_racing_another_judges_is_refused_by_the_write_guard(w, app):
    """Both writes pass the checks before either is stored; the insert's guard refuses the second."""
    first = services.prepare_mark_write(w.first, services.MarkInput(w.a.id, w.crit["T1"].id, "72", None,
                                                                    str(uuid.uuid4())))
    second = services.prepare_mark_write(w.second, services.MarkInput(w.a.id, w.crit["T1"].id, "50", None,
                                                                      str(uuid.uuid4())))
    services.apply_mark_write(w.first.id, first)
    db.session.commit()
    from competitions.domain.errors import ReadingTaken

    with pytest.raises(ReadingTaken):
        services.apply_mark_write(w.second.id, second)
    db.session.rollback()
    assert [j for j, _ in _marks(w, w.a)] == [w.first.id]
