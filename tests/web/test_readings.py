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


# --- check readings within a tolerance ------------------------------------------------------------------

from decimal import Decimal  # noqa: E402

from competitions.domain.schemes import CriterionDraft, PartDraft, SchemeDraft  # noqa: E402
from competitions.judging.models import JudgeSheet, ReadingDecision  # noqa: E402
from competitions.organize import services as organize  # noqa: E402
from competitions.organize.models import Event  # noqa: E402
from competitions.results.models import ResultEntry  # noqa: E402


def check_scheme(tolerance="0.5", counts="first") -> SchemeDraft:
    """Theory T1: a measurement with a check reading (two judges, tolerance in points); practical P1 by one judge."""
    return SchemeDraft(
        parts=(PartDraft("theory", "理论知识", Decimal(30)), PartDraft("practical", "技能操作", Decimal(70))),
        criteria=(CriterionDraft("theory", "T1", "测量", Decimal(100), Decimal("0.5"), "measurement", "mean", 2,
                                 "check", Decimal(tolerance), counts),
                  CriterionDraft("practical", "P1", "实操", Decimal(100), Decimal("0.5"), "judgement", "mean", 1)),
        tie_break=("part:practical",))


@pytest.fixture
def cw(app):
    orgs = f.org_tree()
    x = World()
    x.orgs = orgs
    f.user("cityorg", "organizer", org=orgs["city"])
    x.first = f.user("first", "judge", org=orgs["city"])
    x.second = f.user("second", "judge", org=orgs["city"])
    x.third = f.user("third", "judge", org=orgs["city"])
    x.practical = f.user("practical", "judge", org=orgs["city"])
    x.chief = f.user("chief", "judge", org=orgs["city"])
    x.comp = f.competition(orgs["city"])
    x.ev = f.event(x.comp, with_scheme=False)
    organize.save_scheme(x.ev, check_scheme(), organize.AwardRuleData("bands", Decimal(1), Decimal(1), Decimal(1)))
    x.comp.status = "in_progress"
    x.crit = {c.code: c for p in x.ev.parts for c in p.criteria}
    x.a = f.judging_competitor(x.ev, orgs["east"], code="K01", station=1)
    x.b = f.judging_competitor(x.ev, orgs["east"], code="K02", station=2)
    f.judging_panel(x.ev, [x.first, x.second, x.third], x.chief, criterion_codes=["T1"])
    f.judging_panel(x.ev, [x.practical], criterion_codes=["P1"])
    db.session.commit()
    return x


def _as(client, auth, username, *posts):
    auth.logout()
    auth.login(username)
    return [_post(client, reg, crit, value) for reg, crit, value in posts]


def _fill(cw, client, auth, k02_check="75"):
    t1, p1 = cw.crit["T1"], cw.crit["P1"]
    _as(client, auth, "first", (cw.a, t1, "72"), (cw.b, t1, "72"))
    _as(client, auth, "second", (cw.a, t1, "72.5"), (cw.b, t1, k02_check))
    _as(client, auth, "practical", (cw.a, p1, "80"), (cw.b, p1, "90"))


def test_the_organizer_sets_a_check_reading_through_the_scheme_form(app, client, auth):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    ev = f.event(f.competition(orgs["city"]), with_scheme=False)
    db.session.commit()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    form = {"parts-0-code": "theory", "parts-0-name": "理论", "parts-0-weight": "30",
            "parts-1-code": "practical", "parts-1-name": "实操", "parts-1-weight": "70",
            "criteria-0-part_code": "theory", "criteria-0-code": "T1", "criteria-0-name": "测量",
            "criteria-0-max_mark": "100", "criteria-0-step": "0.5", "criteria-0-kind": "measurement",
            "criteria-0-aggregation": "mean", "criteria-0-judges_required": "1", "criteria-0-reading_mode": "check",
            "criteria-0-tolerance": "0.5", "criteria-0-check_counts": "mean",
            "criteria-1-part_code": "practical", "criteria-1-code": "P1", "criteria-1-name": "实操",
            "criteria-1-max_mark": "100", "criteria-1-step": "0.5", "criteria-1-kind": "judgement",
            "criteria-1-aggregation": "mean", "criteria-1-judges_required": "1",
            "trim_min_judges": "5", "award_mode": "bands", "award_first": "1", "award_second": "1",
            "award_third": "1", "failed_placement": "ranked", "precision": "2", "rank_style": "standard"}
    refused = client.post(f"/organize/events/{ev.id}/scheme", data=form)
    assert refused.status_code == 200
    assert "T1: A check reading needs exactly 2 judges on the criterion." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Event, ev.id).parts  # nothing saved
    saved = client.post(f"/organize/events/{ev.id}/scheme", data={**form, "criteria-0-judges_required": "2"})
    assert saved.status_code == 302
    db.session.expire_all()
    t1 = db.session.get(Event, ev.id).parts[0].criteria[0]
    assert (t1.reading_mode, t1.tolerance, t1.check_counts, t1.judges_required) == ("check", Decimal("0.5"),
                                                                                      "mean", 2)
    page = client.get(f"/organize/events/{ev.id}/scheme").get_data(as_text=True)
    assert 'name="criteria-0-tolerance"' in page and 'value="0.5"' in page
    assert '<option selected value="check">' in page or 'value="check" selected' in page


def test_a_third_reading_is_refused_and_agreeing_readings_need_no_one(cw, client, auth):
    t1 = cw.crit["T1"]
    _fill(cw, client, auth)
    (third,) = _as(client, auth, "third", (cw.a, t1, "70"))
    assert third.status_code == 409 and third.get_json()["error"] == "reading_taken"
    assert "First: 72, Second: 72.5" in third.get_json()["message"]
    # K01 (72 / 72.5, tolerance 0.5) agrees; K02 (72 / 75) is the one open disagreement.
    db.session.expire_all()
    ev = db.session.get(Event, cw.ev.id)
    (open_one,) = services.reading_disagreements(ev)
    assert open_one.registration.anonymous_code == "K02" and open_one.difference == Decimal(3)
    assert [(r.judge_name, r.value) for r in open_one.readings] == [("First", Decimal(72)), ("Second", Decimal(75))]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_chief_judge_sees_both_readings_keeps_one_and_the_event_can_then_be_signed_off(cw, client, auth, lang):
    _fill(cw, client, auth)
    for judge in (cw.first, cw.second, cw.practical):
        db.session.add(JudgeSheet(event_id=cw.ev.id, judge_id=judge.id, submitted_at=services.utcnow()))
    db.session.commit()
    auth.logout()
    auth.login("chief")
    client.post("/lang", data={"lang": lang})
    dashboard = client.get(f"/judging/events/{cw.ev.id}/chief").get_data(as_text=True)
    assert f"/judging/events/{cw.ev.id}/chief/readings" in dashboard and 'id="open-readings"' in dashboard
    refused = client.post(f"/judging/events/{cw.ev.id}/chief/sign-off", data={}, follow_redirects=True)
    text = refused.get_data(as_text=True)
    assert ("disagree beyond the tolerance" in text) if lang == "en" else ("超出允差" in text)
    assert "K02" in text and "First: 72, Second: 75" in text
    page = client.get(f"/judging/events/{cw.ev.id}/chief/readings").get_data(as_text=True)
    assert "K02" in page and "First" in page and "Second" in page and "75.00" in page and "72.00" in page
    assert "K01" not in page  # agreed within the tolerance
    # A decision needs a real reason and one of the two readings.
    body = {"registration_id": cw.b.id, "criterion_id": cw.crit["T1"].id, "reason": "复核量具后确认第二次读数"}
    client.post(f"/judging/events/{cw.ev.id}/chief/readings", data={**body, "decision": str(cw.third.id)})
    assert db.session.execute(select(func.count()).select_from(ReadingDecision)).scalar_one() == 0
    client.post(f"/judging/events/{cw.ev.id}/chief/readings", data={**body, "decision": str(cw.second.id)})
    decision = db.session.execute(select(ReadingDecision)).scalar_one()
    assert (decision.action, decision.kept_judge_id, decision.value) == ("keep", cw.second.id, Decimal(75))
    audit = db.session.execute(select(AuditEntry).where(AuditEntry.action == "reading.keep")).scalar_one()
    assert audit.reason == "复核量具后确认第二次读数" and audit.new_value["kept"] == "Second"
    page = client.get(f"/judging/events/{cw.ev.id}/chief/readings").get_data(as_text=True)
    assert 'id="no-disagreements"' in page and "K02" in page  # in the decisions table
    signed = client.post(f"/judging/events/{cw.ev.id}/chief/sign-off", data={}, follow_redirects=True)
    assert services.is_locked(cw.ev.id), signed.get_data(as_text=True)[:3000]


def test_computing_names_an_open_disagreement_and_counts_the_kept_reading(cw, client, auth):
    _fill(cw, client, auth)
    f.sign_off(cw.ev, cw.chief)  # signed off around the check (as an old sign-off row would be)
    db.session.commit()
    auth.logout()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    page = client.post(f"/results/competitions/{cw.comp.id}/compute", follow_redirects=True).get_data(as_text=True)
    import html as _html

    page = _html.unescape(page)
    assert "competitor K02 at station 2" in page
    assert "The reading and the check reading of criterion T1 differ by 3.00, more than the tolerance of 0.50" in page
    assert "First: 72.00, Second: 75.00" in page or "First: 72, Second: 75" in page
    db.session.add(ReadingDecision(event_id=cw.ev.id, registration_id=cw.b.id, criterion_id=cw.crit["T1"].id,
                                   action="keep", kept_judge_id=cw.second.id, value=Decimal(75),
                                   readings={str(cw.first.id): "72.00", str(cw.second.id): "75.00"},
                                   reason="复核量具后确认", decided_by_id=cw.chief.id))
    db.session.commit()
    client.post(f"/results/competitions/{cw.comp.id}/compute")
    totals = {e.anonymous_code: e.total for e in db.session.execute(select(ResultEntry)).scalars()}
    # K01: 72 (the first reading) x 30 % + 80 x 70 % = 77.60; K02: 75 (kept) x 30 % + 90 x 70 % = 85.50.
    assert totals == {"K01": Decimal("77.60"), "K02": Decimal("85.50")}


def test_a_re_measure_voids_both_readings_and_reopens_the_judges_sheets(cw, client, auth):
    _fill(cw, client, auth)
    db.session.add(JudgeSheet(event_id=cw.ev.id, judge_id=cw.first.id, submitted_at=services.utcnow()))
    db.session.commit()
    auth.logout()
    auth.login("chief")
    client.post(f"/judging/events/{cw.ev.id}/chief/readings",
                data={"registration_id": cw.b.id, "criterion_id": cw.crit["T1"].id, "decision": "remeasure",
                      "reason": "量具未校准，重新测量"})
    assert _marks(cw, cw.b) == []
    db.session.expire_all()
    assert db.session.execute(select(JudgeSheet.submitted_at).where(JudgeSheet.judge_id == cw.first.id)
                              ).scalar_one() is None
    voided = db.session.execute(select(AuditEntry).where(AuditEntry.action == "mark.void")).scalars().all()
    assert sorted(a.old_value["value"] for a in voided) == ["72", "75"]
    # The judges read again; this time they agree and nothing is left to decide.
    _as(client, auth, "second", (cw.b, cw.crit["T1"], "73"))
    _as(client, auth, "first", (cw.b, cw.crit["T1"], "73.5"))
    db.session.expire_all()
    assert services.reading_disagreements(db.session.get(Event, cw.ev.id)) == []


def test_readings_cli_lists_and_decides(cw, client, auth, runner):
    _fill(cw, client, auth)
    listed = runner.invoke(args=["judging", "readings", str(cw.ev.id)])
    assert listed.exit_code == 0 and "K02" in listed.output and "First: 72" in listed.output
    bad = runner.invoke(args=["judging", "decide-reading", str(cw.ev.id), "K02", "T1", "--as", "first",
                              "--keep", "second", "--reason", "复核量具后确认"])
    assert bad.exit_code != 0 and "Only the chief judge" in bad.output
    ok = runner.invoke(args=["judging", "decide-reading", str(cw.ev.id), "K02", "T1", "--as", "chief",
                             "--keep", "second", "--reason", "复核量具后确认"])
    assert ok.exit_code == 0, ok.output
    assert runner.invoke(args=["judging", "readings", str(cw.ev.id)]).output.strip() == ""


def test_my_sheet_owes_nothing_where_another_judge_holds_the_reading(w, client, auth):
    auth.login("first")
    _post(client, w.a, w.crit["T1"], "72")
    auth.logout()
    auth.login("second")
    client.post("/lang", data={"lang": "en"})
    _post(client, w.b, w.crit["T1"], "64")
    page = client.get(f"/judging/events/{w.ev.id}/my-sheet").get_data(as_text=True)
    assert "You still owe" not in page and "First: 72" in page


def test_the_chief_judges_adjustments_page_links_to_the_readings_to_decide(cw, client, auth):
    _fill(cw, client, auth)
    auth.logout()
    auth.login("chief")
    page = client.get(f"/results/events/{cw.ev.id}/adjustments").get_data(as_text=True)
    assert 'id="readings-link"' in page and f"/judging/events/{cw.ev.id}/chief/readings" in page
    auth.logout()
    auth.login("cityorg")  # the organizer sees the problem, not a link to a page only the chief judge opens
    client.post("/lang", data={"lang": "en"})
    page = client.get(f"/results/events/{cw.ev.id}/adjustments").get_data(as_text=True)
    assert 'id="readings-link"' not in page and "check reading" in page


def test_a_third_reading_that_raced_past_the_guard_goes_to_the_chief_judge(cw, client, auth):
    _fill(cw, client, auth)  # K01: 72 / 72.5 agree
    db.session.add(Mark(registration_id=cw.a.id, criterion_id=cw.crit["T1"].id, judge_id=cw.third.id,
                        event_id=cw.ev.id, value=Decimal(60)))  # as two simultaneous PostgreSQL inserts could leave
    db.session.commit()
    (extra,) = [d for d in services.reading_disagreements(db.session.get(Event, cw.ev.id))
                if d.registration.anonymous_code == "K01"]
    assert [r.judge_name for r in extra.readings] == ["First", "Second", "Third"]
    auth.logout()
    auth.login("chief")
    client.post(f"/judging/events/{cw.ev.id}/chief/readings",
                data={"registration_id": cw.a.id, "criterion_id": cw.crit["T1"].id, "decision": str(cw.first.id),
                      "reason": "第三次读数为误录，保留第一次"})
    db.session.expire_all()
    assert [d.registration.anonymous_code for d in services.reading_disagreements(db.session.get(Event, cw.ev.id))
            ] == ["K02"]


def test_disagreeing_readings_of_a_criterion_read_once_are_decided_on_the_same_page(w, client, auth):
    """Readings recorded before the write-time refusal (or racing past it): the chief judge keeps one."""
    auth.login("first")
    _post(client, w.a, w.crit["T1"], "72")
    db.session.add(Mark(registration_id=w.a.id, criterion_id=w.crit["T1"].id, judge_id=w.second.id,
                        event_id=w.ev.id, value=Decimal(50)))
    db.session.commit()
    (open_one,) = services.reading_disagreements(db.session.get(Event, w.ev.id))
    assert [(r.judge_name, r.value) for r in open_one.readings] == [("First", Decimal(72)), ("Second", Decimal(50))]
    auth.logout()
    auth.login("chief")
    client.post(f"/judging/events/{w.ev.id}/chief/readings",
                data={"registration_id": w.a.id, "criterion_id": w.crit["T1"].id, "decision": str(w.first.id),
                      "reason": "第二次读数为误录，保留第一次"})
    db.session.expire_all()
    assert services.reading_disagreements(db.session.get(Event, w.ev.id)) == []
    from competitions.results.standing import event_standing

    standing = event_standing(db.session.get(Event, w.ev.id))
    assert not [p for p in standing.problems if p.competitor_id == w.a.id and p.criterion_id == w.crit["T1"].id]
    score = next(s for s in standing.scores.scores if s.competitor_id == w.a.id)
    assert score.criterion_scores[w.crit["T1"].id] == Decimal("72.00")  # the kept reading, never the mean 61
