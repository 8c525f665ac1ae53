# ruff: noqa: F811 - the imported fixture ``w`` is a parameter of every test and helper here
"""A tablet's correction that reaches the server after the judge's sheet was submitted (or the event signed off)
is kept as a pending correction: never applied silently, never dropped; the judge and the chief judge see it,
the chief judge accepts (the mark changes through the audited mark path) or declines it with a reason, and while
one waits the event cannot be signed off nor results computed or published (issue 11 §2)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.extensions import db
from competitions.judging import corrections, services
from competitions.judging.models import EventSignOff, JudgeSheet, Mark, PendingCorrection
from competitions.results import services as results
from competitions.results.models import ResultSnapshot
from tests.web.test_judging import _fill, _post, _submit_all, w  # noqa: F401 - the judging world fixture


def _mark(w, judge, reg, code):
    return db.session.execute(select(Mark).where(Mark.judge_id == judge.id, Mark.registration_id == reg.id,
                                                 Mark.criterion_id == w.crit[code].id)).scalar_one()


def _count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _submitted(w, judge):
    return db.session.execute(select(JudgeSheet.submitted_at).where(
        JudgeSheet.event_id == w.ev.id, JudgeSheet.judge_id == judge.id)).scalar_one_or_none() is not None


@pytest.fixture
def late(w, client, auth):
    """Every mark in at 30, every sheet submitted; j_city's tablet then sends 31 for K01/P1 (typed earlier)."""
    _fill(w)
    _submit_all(w)
    auth.login("j_city")
    client.post("/lang", data={"lang": "en"})
    key = str(uuid.uuid4())
    response = _post(client, w.a, w.crit["P1"], "31", version=1, key=key, typed_at="2026-05-01T08:30:05.120Z")
    return response, key


def test_a_write_after_submission_is_kept_as_a_pending_correction_not_applied(w, client, late):
    response, key = late
    assert response.status_code == 202
    body = response.get_json()
    assert body["action"] == "pending" and body["mark"]["value"] == "30"
    assert body["correction"]["status"] == "pending" and body["correction"]["value"] == "31"
    assert _mark(w, w.j_city, w.a, "P1").value == Decimal("30")
    row = db.session.execute(select(PendingCorrection)).scalar_one()
    assert (row.judge_id, row.registration_id, row.criterion_id) == (w.j_city.id, w.a.id, w.crit["P1"].id)
    assert row.old_value == Decimal("30") and row.new_value == Decimal("31") and row.idempotency_key == key
    assert row.typed_at.isoformat() == "2026-05-01T08:30:05.120000+00:00" and row.received_at is not None
    assert row.arrived_after == "submitted" and row.status == "pending"
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "correction.receive")).scalar_one()
    assert entry.old_value["value"] == "30" and entry.new_value["value"] == "31"
    # The judge's tablet sheet and their sheet page both show it.
    sheet = client.get(f"/api/v1/judging/events/{w.ev.id}/sheet").get_json()
    assert [(c["value"], c["status"]) for c in sheet["corrections"]] == [("31", "pending")]
    page = client.get(f"/judging/events/{w.ev.id}/my-sheet").get_data(as_text=True)
    assert "My late corrections" in page and "pending correction: 31" in page
    assert "Waiting for the chief judge" in page


def test_replaying_the_same_request_never_makes_a_second_row(w, client, late):
    _response, key = late
    for _ in range(3):
        again = _post(client, w.a, w.crit["P1"], "31", version=1, key=key)
        assert again.status_code == 202 and again.get_json()["correction"]["status"] == "pending"
    assert _count(PendingCorrection) == 1
    assert _count(AuditEntry, AuditEntry.action == "correction.receive") == 1
    # The same request id for another mark is refused, not filed under this one.
    other = _post(client, w.c, w.crit["P1"], "12", key=key)
    assert other.status_code == 409 and other.get_json()["field"] == "idempotency_key"


def test_a_newer_correction_of_the_same_mark_supersedes_the_older(w, client, late):
    assert _post(client, w.a, w.crit["P1"], "32", version=1).status_code == 202
    statuses = dict(db.session.execute(select(PendingCorrection.new_value, PendingCorrection.status)).all())
    assert statuses == {Decimal("31"): "superseded", Decimal("32"): "pending"}
    # Typing the value that stands is no correction at all.
    same = _post(client, w.c, w.crit["P1"], "30", version=1)
    assert same.status_code == 200 and same.get_json()["action"] == "unchanged"
    assert _count(PendingCorrection) == 2


def test_a_bad_tablet_time_is_refused_naming_the_field(w, client, late):
    bad = _post(client, w.a, w.crit["P1"], "33", version=1, typed_at="2026-05-01 08:30")
    assert bad.status_code == 422 and bad.get_json()["field"] == "typed_at"
    assert _count(PendingCorrection) == 1


def test_the_chief_sees_the_correction_and_accepting_changes_the_mark_with_an_audit_trail(w, client, auth, late):
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    page = client.get(f"/judging/events/{w.ev.id}/chief").get_data(as_text=True)
    assert 'id="corrections-count">1<' in page and "Late corrections" in page and "J_City" in page
    row = db.session.execute(select(PendingCorrection)).scalar_one()
    done = client.post(f"/judging/events/{w.ev.id}/chief/corrections/{row.id}/accept", data={"reason": ""},
                       follow_redirects=True)
    assert "The correction has been accepted" in done.get_data(as_text=True)
    mark = _mark(w, w.j_city, w.a, "P1")
    assert mark.value == Decimal("31") and mark.version == 2
    db.session.refresh(row)
    assert row.status == "accepted" and row.decided_by_id == w.chief.id
    assert _submitted(w, w.j_city), "the sheet is handed back for the write and submitted again"
    actions = [e.action for e in db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()]
    assert actions[-4:] == ["sheet.reopen", "mark.update", "sheet.submit", "correction.accept"]
    update = db.session.execute(select(AuditEntry).where(AuditEntry.action == "mark.update")).scalar_one()
    assert update.actor_id == w.chief.id and update.new_value["correction_id"] == row.id
    assert update.old_value["value"] == "30" and f"late correction #{row.id}" in update.reason
    # The judge's tablet now answers the old request from the decision, and shows the accepted mark.
    auth.login("j_city")
    replay = _post(client, w.a, w.crit["P1"], "31", version=1, key=late[1])
    assert replay.status_code == 202 and replay.get_json()["correction"]["status"] == "accepted"
    assert replay.get_json()["mark"]["value"] == "31"
    # Deciding twice is refused.
    auth.login("chief")
    twice = client.post(f"/judging/events/{w.ev.id}/chief/corrections/{row.id}/decline",
                        data={"reason": "no"}, follow_redirects=True)
    assert "already been decided" in twice.get_data(as_text=True)


def test_declining_needs_a_reason_and_the_judge_reads_it(w, client, auth, late):
    row = db.session.execute(select(PendingCorrection)).scalar_one()
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    url = f"/judging/events/{w.ev.id}/chief/corrections/{row.id}/decline"
    blank = client.post(url, data={"reason": "  "}, follow_redirects=True).get_data(as_text=True)
    assert "Give the reason for declining" in blank
    long = client.post(url, data={"reason": "x" * 501}, follow_redirects=True).get_data(as_text=True)
    assert "500" in long
    db.session.refresh(row)
    assert row.status == "pending"
    client.post(url, data={"reason": "复核录像：原分数正确"})
    db.session.refresh(row)
    assert row.status == "declined" and row.decision_reason == "复核录像：原分数正确"
    assert _mark(w, w.j_city, w.a, "P1").value == Decimal("30")
    assert _count(AuditEntry, AuditEntry.action == "correction.decline") == 1
    auth.login("j_city")
    page = client.get(f"/judging/events/{w.ev.id}/my-sheet").get_data(as_text=True)
    assert "Declined" in page and "复核录像：原分数正确" in page
    sheet = client.get(f"/api/v1/judging/events/{w.ev.id}/sheet").get_json()
    assert sheet["corrections"][0]["status"] == "declined"


def test_another_judge_or_the_organizer_cannot_decide(w, client, auth, late):
    row = db.session.execute(select(PendingCorrection)).scalar_one()
    for who in ("j_city", "j_plant", "cityorg"):
        auth.login(who)
        answer = client.post(f"/judging/events/{w.ev.id}/chief/corrections/{row.id}/accept")
        assert answer.status_code in (403, 404)
    db.session.refresh(row)
    assert row.status == "pending"
    # A correction id of another event answers 404 from this event's page.
    auth.login("chief")
    assert client.post(f"/judging/events/{w.ev.id}/chief/corrections/{row.id + 999}/accept").status_code == 302
    db.session.refresh(row)
    assert row.status == "pending"


def test_sign_off_is_refused_naming_the_correction_with_a_link(w, client, auth, late):
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    page = client.post(f"/judging/events/{w.ev.id}/chief/sign-off", follow_redirects=True).get_data(as_text=True)
    assert "1 late correction(s) wait for the chief judge" in page
    assert "J_City corrected competitor K01 at station 1, criterion P1, to 31" in page
    assert f'href="/judging/events/{w.ev.id}/chief#corrections"' in page
    assert _count(EventSignOff) == 0
    row = db.session.execute(select(PendingCorrection)).scalar_one()
    client.post(f"/judging/events/{w.ev.id}/chief/corrections/{row.id}/decline", data={"reason": "原分正确"})
    client.post(f"/judging/events/{w.ev.id}/chief/sign-off")
    assert services.is_locked(w.ev.id)


def test_after_sign_off_a_correction_is_kept_and_blocks_computing_results(w, client, auth):
    _fill(w)
    _submit_all(w)
    services.sign_off_event(w.ev, actor=w.chief)
    db.session.commit()
    auth.login("j_city")
    client.post("/lang", data={"lang": "en"})
    response = _post(client, w.a, w.crit["P1"], "29", version=1)
    assert response.status_code == 202
    assert response.get_json()["correction"]["arrived_after"] == "signed_off"
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    page = client.post(f"/results/competitions/{w.comp.id}/compute", follow_redirects=True).get_data(as_text=True)
    assert "late correction(s) wait for the chief judge" in page and "criterion P1" in page
    assert f'href="/judging/events/{w.ev.id}/assignments#corrections"' in page
    judging_page = client.get(f"/judging/events/{w.ev.id}/assignments").get_data(as_text=True)
    assert "Late corrections" in judging_page and "after sign-off" in judging_page
    # The chief accepts: a signed-off mark changes as the chief's audited override, the event stays signed off.
    row = db.session.execute(select(PendingCorrection)).scalar_one()
    corrections.accept_correction(w.ev, row, actor=w.chief, note="录入错误，裁判已确认")
    db.session.commit()
    assert _mark(w, w.j_city, w.a, "P1").value == Decimal("29") and services.is_locked(w.ev.id)
    override = db.session.execute(select(AuditEntry).where(AuditEntry.action == "mark.override")).scalar_one()
    assert override.reason == "录入错误，裁判已确认" and override.new_value["correction_id"] == row.id


def test_publishing_is_refused_while_a_correction_waits(w, client, auth):
    _fill(w)
    _submit_all(w)
    services.sign_off_event(w.ev, actor=w.chief)
    db.session.commit()
    # Results computed before the correction came (this world's recusals leave a panel short, so the snapshot
    # is written directly: what matters is that one is waiting to be published).
    db.session.add(ResultSnapshot(competition_id=w.comp.id, version=1, status="provisional"))
    db.session.commit()
    auth.login("j_city")
    assert _post(client, w.a, w.crit["P1"], "29", version=1).status_code == 202
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    page = client.post(f"/results/competitions/{w.comp.id}/publish", data={"notice_days": 5},
                       follow_redirects=True).get_data(as_text=True)
    assert "late correction(s) wait for the chief judge" in page
    assert results.current_snapshot(w.comp.id).status == "provisional"


@pytest.mark.parametrize("status", ["published", "final"])
def test_once_results_are_published_a_signed_off_mark_changes_only_through_an_appeal(w, client, auth, status):
    """Accepting a late correction (or the chief's own override) would leave marks and published results apart."""
    _fill(w)
    _submit_all(w)
    services.sign_off_event(w.ev, actor=w.chief)
    db.session.add(ResultSnapshot(competition_id=w.comp.id, version=1, status=status))
    db.session.commit()
    auth.login("j_city")
    assert _post(client, w.a, w.crit["P1"], "29", version=1).status_code == 202   # kept, never dropped
    row = db.session.execute(select(PendingCorrection)).scalar_one()
    with pytest.raises(Exception, match="results of this competition are published"):
        corrections.accept_correction(w.ev, row, actor=w.chief, note="录入错误，裁判已确认")
    db.session.rollback()
    assert _mark(w, w.j_city, w.a, "P1").value == Decimal("30")
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    body = {"registration_id": w.a.id, "criterion_id": w.crit["P1"].id, "value": "28", "version": 1,
            "idempotency_key": str(uuid.uuid4()), "judge_id": w.j_city.id, "reason": "裁判长复核后更改"}
    answer = client.post("/api/v1/judging/marks", json=body)
    assert answer.status_code == 409 and "upheld appeal" in answer.get_json()["message"]
    assert _mark(w, w.j_city, w.a, "P1").value == Decimal("30")
    # The way out: decline, saying so.
    corrections.decline_correction(w.ev, db.session.get(PendingCorrection, row.id), actor=w.chief,
                                   reason="成绩已公示，请通过申诉更正")
    db.session.commit()
    assert db.session.get(PendingCorrection, row.id).status == "declined"


def test_the_chief_judges_own_writes_are_never_kept_as_corrections(w, client, auth):
    _fill(w)
    _submit_all(w)
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    body = {"registration_id": w.a.id, "criterion_id": w.crit["P1"].id, "value": "31", "version": 1,
            "idempotency_key": str(uuid.uuid4()), "judge_id": w.j_city.id}
    answer = client.post("/api/v1/judging/marks", json=body)
    assert answer.status_code == 409 and "submitted" in answer.get_json()["message"]
    assert _count(PendingCorrection) == 0


def test_a_correction_is_overtaken_when_the_judge_writes_the_mark_again_on_a_handed_back_sheet(w, client, auth, late):
    row = db.session.execute(select(PendingCorrection)).scalar_one()
    services.reopen_sheet(w.ev, actor=w.chief, judge_id=w.j_city.id, reason="重看")
    db.session.commit()
    assert _post(client, w.a, w.crit["P1"], "35", version=1).status_code == 200  # the judge, sheet open again
    db.session.expire_all()
    assert corrections.pending_count(w.ev.id) == 0   # the chief's count (and the sign-off) no longer waits for it
    row = db.session.get(PendingCorrection, row.id)
    assert row.status == "superseded" and row.decided_at is not None   # nothing left for the chief to decline
    with pytest.raises(Exception, match="already been decided"):
        corrections.accept_correction(w.ev, row, actor=w.chief)
    db.session.rollback()
    assert _mark(w, w.j_city, w.a, "P1").value == Decimal("35")
    page = client.get(f"/judging/events/{w.ev.id}/my-sheet").get_data(as_text=True)
    assert "pending correction: 31" not in page


def test_cli_lists_accepts_and_declines(w, client, late, runner):
    assert _post(client, w.c, w.crit["P1"], "12", version=1).status_code == 202
    listed = runner.invoke(args=["judging", "corrections", "list", str(w.ev.id)])
    assert listed.exit_code == 0 and "2 correction(s)." in listed.output
    assert "j_city" in listed.output and "P1" in listed.output and "30.00 -> 31.00" in listed.output
    first, second = db.session.execute(select(PendingCorrection).order_by(PendingCorrection.id)).scalars()
    refused = runner.invoke(args=["judging", "corrections", "accept", str(w.ev.id), str(first.id), "--as", "j_plant"])
    assert refused.exit_code != 0 and "Only the chief judge" in refused.output
    ok = runner.invoke(args=["judging", "corrections", "accept", str(w.ev.id), str(first.id), "--as", "chief"])
    assert ok.exit_code == 0, ok.output
    no = runner.invoke(args=["judging", "corrections", "decline", str(w.ev.id), str(second.id), "--as", "chief",
                             "--reason", "原分正确"])
    assert no.exit_code == 0, no.output
    db.session.expire_all()
    assert _mark(w, w.j_city, w.a, "P1").value == Decimal("31")
    assert _mark(w, w.j_city, w.c, "P1").value == Decimal("30")
    left = runner.invoke(args=["judging", "corrections", "list", str(w.ev.id)])
    assert "0 correction(s)." in left.output
    everything = runner.invoke(args=["judging", "corrections", "list", str(w.ev.id), "--all"])
    assert "accepted" in everything.output and "declined" in everything.output and "原分正确" in everything.output


def test_start_pages_point_to_waiting_corrections(w, client, auth, late):
    page = client.get("/judging/").get_data(as_text=True)
    assert "1 of your corrections wait for the chief judge" in page
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    page = client.get("/judging/").get_data(as_text=True)
    assert "1 late correction(s) wait for your decision" in page
    assert f'href="/judging/events/{w.ev.id}/chief#corrections"' in page
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    desk = client.get("/organize/").get_data(as_text=True)
    assert "Late corrections wait for the chief judge: 电工." in desk
    assert f'/judging/events/{w.ev.id}/assignments#corrections' in desk
