"""Judging on tablets: assignments, recusal enforced on every read and write, idempotent versioned marks,
sheets, the chief judge's sign-off and lock, the audit log and its export."""

from __future__ import annotations

import io
import uuid
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.extensions import db
from competitions.judging import services
from competitions.judging.models import EventSignOff, JudgeAssignment, JudgeSheet, Mark, MarkWriteKey
from tests import factories as f
from tests.conftest import csrf_token_from


class World:
    """One city contest: electrician event, three panel judges on P1/P2, a chief, three competitors."""


@pytest.fixture
def w(app):
    orgs = f.org_tree()
    x = World()
    x.orgs = orgs
    f.user("cityorg", "organizer", org=orgs["city"])
    f.user("westorg", "organizer", org=orgs["west"])
    x.j_plant = f.user("j_plant", "judge", org=orgs["plant"])
    x.j_works = f.user("j_works", "judge", org=orgs["works"])
    x.j_city = f.user("j_city", "judge", org=orgs["city"])
    x.chief = f.user("chief", "judge", org=orgs["city"])
    x.j_other = f.user("j_other", "judge", org=orgs["west"])
    x.j_theory = f.user("j_theory", "judge", org=orgs["city"])
    x.comp = f.competition(orgs["city"])
    x.ev = f.event(x.comp)
    x.ev2 = f.event(x.comp, trade_name="焊工", trade_code="WELD")
    x.comp.status = "in_progress"
    x.crit = {c.code: c for p in x.ev.parts for c in p.criteria}
    x.a = f.judging_competitor(x.ev, orgs["plant"], code="K01", station=1, name="王机床")
    x.b = f.judging_competitor(x.ev, orgs["works"], code="K02", station=2, name="李电力")
    x.c = f.judging_competitor(x.ev, orgs["east"], code="K03", station=3, name="赵东区")
    f.judging_panel(x.ev, [x.j_plant, x.j_works, x.j_city], x.chief, criterion_codes=["P1", "P2"])
    f.judging_panel(x.ev, [x.j_theory], criterion_codes=["T1"])
    f.judging_panel(x.ev2, [x.j_other])
    # Two of the three panel judges mark each competitor: K01 and K02 each lose one judge to recusal (same
    # employer) and still have a full panel, so the event can be signed off (a short panel cannot: review2 M6).
    for code in ("P1", "P2"):
        x.crit[code].judges_required = 2
    db.session.commit()
    return x


def _count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _post(client, reg, crit, value, version=None, key=None, **extra):
    body = {"registration_id": reg.id, "criterion_id": crit.id, "value": value, "version": version,
            "idempotency_key": key or str(uuid.uuid4()), **extra}
    return client.post("/api/v1/judging/marks", json=body)


def _write(judge, reg, crit, value, **kw):
    return services.submit_mark(judge, services.MarkInput(reg.id, crit.id, value, kw.pop("version", None),
                                                          str(uuid.uuid4()), **kw))


def _fill(w, value="30"):
    """Every expected mark of the event (P1 and P2, recusals respected)."""
    for judge in (w.j_plant, w.j_works, w.j_city, w.j_theory):
        for reg in (w.a, w.b, w.c):
            if services.recusal_reason(w.ev, judge, reg) is None:
                for criterion in services.judge_criteria(w.ev, judge.id):
                    _write(judge, reg, criterion, value)
    db.session.commit()


# ---- assignments and what a judge sees ----------------------------------------------------------

def test_judge_sees_only_their_own_assignments(w, client, auth):
    auth.login("j_other")
    page = client.get("/judging/").get_data(as_text=True)
    assert "焊工" in page and "电工" not in page
    assert client.get(f"/judging/events/{w.ev.id}/tablet").status_code == 404
    assert client.get(f"/api/v1/judging/events/{w.ev.id}/sheet").status_code == 404


def test_tablet_shows_codes_never_names_and_hides_recused(w, client, auth):
    auth.login("j_plant")
    page = client.get(f"/judging/events/{w.ev.id}/tablet").get_data(as_text=True)
    assert "K02" in page and "K03" in page
    assert "K01" not in page  # same employer as the judge: recused, never listed
    for secret in ("王机床", "李电力", "赵东区", "东区机床厂工会", "西区电力公司工会"):
        assert secret not in page
    sheet = client.get(f"/api/v1/judging/events/{w.ev.id}/sheet").get_json()
    assert [c["code"] for c in sheet["competitors"]] == ["K02", "K03"]
    assert [c["code"] for c in sheet["criteria"]] == ["P1", "P2"]
    assert "王机床" not in str(sheet)


def test_same_parent_recusal_follows_the_competition_setting(w, client, auth):
    auth.login("j_plant")
    client.post("/lang", data={"lang": "en"})
    assert _post(client, w.c, w.crit["P1"], "10").status_code == 201  # K03 is from the plant's district
    w.comp.recuse_same_parent = True
    db.session.commit()
    sheet = client.get(f"/api/v1/judging/events/{w.ev.id}/sheet").get_json()
    assert [c["code"] for c in sheet["competitors"]] == ["K02"]
    refused = _post(client, w.c, w.crit["P2"], "10")
    assert refused.status_code == 403 and "recused" in refused.get_json()["message"]


# ---- mark writes -------------------------------------------------------------------------------

def test_mark_is_created_once_and_a_replay_changes_nothing(w, client, auth):
    auth.login("j_works")
    key = str(uuid.uuid4())
    first = _post(client, w.a, w.crit["P1"], 42.5, key=key)
    assert first.status_code == 201 and first.get_json()["mark"] == {
        "registration_id": w.a.id, "criterion_id": w.crit["P1"].id, "judge_id": w.j_works.id, "value": "42.5",
        "version": 1}
    again = _post(client, w.a, w.crit["P1"], 42.5, key=key)
    assert again.status_code == 200 and again.get_json()["action"] == "replay"
    assert _count(Mark) == 1 and _count(MarkWriteKey) == 1
    assert _count(AuditEntry, AuditEntry.action == "mark.create") == 1


@pytest.mark.parametrize("value, message", [
    ("61", "above the maximum of 60"),
    ("-1", "negative"),
    ("abc", "is not a number"),
    ("7.3", "not a multiple of 0.5"),
    ("", "Enter a mark."),
    (None, "is not a number"),
    (True, "is not a number"),
])
def test_bad_values_are_refused_and_nothing_is_stored(w, client, auth, value, message):
    auth.login("j_works")
    client.post("/lang", data={"lang": "en"})
    response = _post(client, w.a, w.crit["P1"], value)
    assert response.status_code == 422
    assert message in response.get_json()["message"]
    assert _count(Mark) == 0


def test_bad_request_ids_are_refused(w, client, auth):
    auth.login("j_works")
    client.post("/lang", data={"lang": "en"})
    response = _post(client, w.a, w.crit["P1"], "5", key="not-a-uuid")
    assert response.status_code == 422 and "not a valid request id" in response.get_json()["message"]
    key = str(uuid.uuid4())
    assert _post(client, w.a, w.crit["P1"], "5", key=key).status_code == 201
    reused = _post(client, w.b, w.crit["P1"], "5", key=key)  # same id, another mark
    assert reused.status_code == 409 and reused.get_json()["field"] == "idempotency_key"
    assert _count(Mark) == 1


def test_marks_refused_for_recused_unassigned_or_other_events(w, client, auth):
    auth.login("j_plant")
    client.post("/lang", data={"lang": "en"})
    recused = _post(client, w.a, w.crit["P1"], "5")
    assert recused.status_code == 403 and "recused" in recused.get_json()["message"]
    unassigned = _post(client, w.b, w.crit["T1"], "5")
    assert unassigned.status_code == 403 and "T1" in unassigned.get_json()["message"]
    auth.login("j_other")
    other = _post(client, w.b, w.crit["P1"], "5")
    assert other.status_code == 403 and "not a judge of this event" in other.get_json()["message"]
    stray = f.judging_competitor(w.ev, w.orgs["east"], code="K99", station=9)
    stray.status = "withdrawn"
    db.session.commit()
    auth.login("j_city")
    gone = _post(client, stray, w.crit["P1"], "5")
    assert gone.status_code == 404
    assert _count(Mark) == 0


def test_an_older_edit_never_overwrites_a_newer_one(w, client, auth):
    auth.login("j_city")
    assert _post(client, w.a, w.crit["P1"], "30").status_code == 201
    updated = _post(client, w.a, w.crit["P1"], "35", version=1)
    assert updated.status_code == 200 and updated.get_json()["mark"]["version"] == 2
    stale = _post(client, w.a, w.crit["P1"], "20", version=1)
    body = stale.get_json()
    assert stale.status_code == 409 and body["error"] == "conflict"
    assert body["current"]["value"] == "35" and body["current"]["version"] == 2
    new_without_version = _post(client, w.a, w.crit["P1"], "21")
    assert new_without_version.status_code == 409
    mark = db.session.execute(select(Mark)).scalar_one()
    assert mark.value == Decimal("35") and mark.version == 2


def test_json_post_needs_the_csrf_token(csrf_app):
    x = csrf_app
    orgs = f.org_tree()
    judge = f.user("jj", "judge", org=orgs["city"])
    comp = f.competition(orgs["city"])
    ev = f.event(comp)
    reg = f.judging_competitor(ev, orgs["works"], code="Z01", station=1)
    f.judging_panel(ev, [judge])
    db.session.commit()
    crit = ev.parts[1].criteria[0]
    client = x.test_client()
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"username": "jj", "password": "lathe-bench-2026", "csrf_token": token})
    body = {"registration_id": reg.id, "criterion_id": crit.id, "value": "5", "idempotency_key": str(uuid.uuid4())}
    refused = client.post("/api/v1/judging/marks", json=body)
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"
    assert _count(Mark) == 0
    token = csrf_token_from(client.get(f"/judging/events/{ev.id}/tablet").get_data(as_text=True))
    ok = client.post("/api/v1/judging/marks", json=body, headers={"X-CSRFToken": token})
    assert ok.status_code == 201 and _count(Mark) == 1


def test_a_role_taken_away_or_an_account_deactivated_counts_at_the_next_tablet_call(w, client, auth):
    auth.login("j_works")
    client.post("/lang", data={"lang": "en"})
    assert _post(client, w.a, w.crit["P1"], "10").status_code == 201
    w.j_works.set_roles(["competitor"])
    db.session.commit()
    assert _post(client, w.a, w.crit["P2"], "10").status_code == 403
    assert client.get(f"/api/v1/judging/events/{w.ev.id}/sheet").status_code == 403
    w.j_works.set_roles(["judge"])
    w.j_works.active = False
    db.session.commit()
    assert _post(client, w.a, w.crit["P2"], "10").status_code == 401
    assert _count(Mark, Mark.judge_id == w.j_works.id) == 1


# ---- conflicts and overrides -------------------------------------------------------------------

def test_organizer_declares_a_conflict_and_the_judges_marks_are_withdrawn(w, client, auth):
    _write(w.j_city, w.a, w.crit["P1"], "30")
    db.session.commit()
    auth.login("cityorg")
    response = client.post(f"/judging/events/{w.ev.id}/conflicts",
                           data={"judge_id": w.j_city.id, "registration_id": w.a.id, "reason": "师徒关系"})
    assert response.status_code == 302
    assert _count(Mark) == 0
    assert _count(AuditEntry, AuditEntry.action == "recusal.conflict") == 1
    assert _count(AuditEntry, AuditEntry.action == "mark.withdraw") == 1
    auth.login("j_city")
    sheet = client.get(f"/api/v1/judging/events/{w.ev.id}/sheet").get_json()
    assert "K01" not in [c["code"] for c in sheet["competitors"]]
    assert _post(client, w.a, w.crit["P1"], "30").status_code == 403


def test_judge_declares_own_conflict_from_the_tablet(w, client, auth):
    auth.login("j_city")
    client.post(f"/judging/events/{w.ev.id}/declare-conflict", data={"registration_id": w.b.id, "reason": "亲属"})
    sheet = client.get(f"/api/v1/judging/events/{w.ev.id}/sheet").get_json()
    assert [c["code"] for c in sheet["competitors"]] == ["K01", "K03"]


def test_only_the_chief_judge_overrides_a_recusal_with_a_reason(w, client, auth):
    # The language first: the fixture's shared app context keeps the first request's locale in ``g``.
    client.post("/lang", data={"lang": "en"})
    auth.login("j_city")
    assert client.post(f"/judging/events/{w.ev.id}/chief/override",
                       data={"judge_id": w.j_plant.id, "registration_id": w.a.id,
                             "reason": "评委不足，经裁判长批准"}).status_code == 404
    auth.login("chief")
    short = client.post(f"/judging/events/{w.ev.id}/chief/override",
                        data={"judge_id": w.j_plant.id, "registration_id": w.a.id, "reason": "ok"},
                        follow_redirects=True)
    assert "too short" in short.get_data(as_text=True)
    client.post(f"/judging/events/{w.ev.id}/chief/override",
                data={"judge_id": w.j_plant.id, "registration_id": w.a.id, "reason": "评委不足，经裁判长批准"})
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "recusal.override")).scalar_one()
    assert entry.reason == "评委不足，经裁判长批准" and entry.actor_id == w.chief.id
    auth.login("j_plant")
    assert _post(client, w.a, w.crit["P1"], "30").status_code == 201


def test_chief_is_told_when_recusal_leaves_a_panel_short(w, client, auth):
    for code in ("P1", "P2"):
        w.crit[code].judges_required = 3
    db.session.commit()
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    page = client.get(f"/judging/events/{w.ev.id}/chief").get_data(as_text=True)
    assert "Recusal leaves too few judges" in page
    assert "Station 1 (K01), P1: 2 of 3 judges" in page
    assert "Station 3 (K03)" not in page


# ---- sheets, sign-off and lock ----------------------------------------------------------------

def test_judge_corrects_until_submitting_the_sheet(w, client, auth):
    auth.login("j_works")
    client.post("/lang", data={"lang": "en"})
    _post(client, w.a, w.crit["P1"], "30")
    early = client.post(f"/judging/events/{w.ev.id}/my-sheet/submit", follow_redirects=True)
    assert "You still owe 3 mark(s)" in early.get_data(as_text=True)
    assert _post(client, w.a, w.crit["P1"], "31", version=1).status_code == 200
    for reg, code in ((w.a, "P2"), (w.c, "P1"), (w.c, "P2")):
        assert _post(client, reg, w.crit[code], "20").status_code == 201
    page = client.get(f"/judging/events/{w.ev.id}/my-sheet").get_data(as_text=True)
    assert "31" in page and "K03" in page and "K02" not in page
    client.post(f"/judging/events/{w.ev.id}/my-sheet/submit")
    assert _count(JudgeSheet, JudgeSheet.submitted_at.is_not(None)) == 1
    after = _post(client, w.a, w.crit["P1"], "32", version=2)  # too late: kept for the chief judge, not applied
    assert after.status_code == 202 and after.get_json()["correction"]["status"] == "pending"
    assert after.get_json()["mark"]["value"] == "31"
    auth.login("chief")
    client.post(f"/judging/events/{w.ev.id}/chief/reopen-sheet", data={"judge_id": w.j_works.id})
    auth.login("j_works")
    assert _post(client, w.a, w.crit["P1"], "32", version=2).status_code == 200


def _submit_all(w):
    for judge in (w.j_plant, w.j_works, w.j_city, w.j_theory):
        services.submit_sheet(w.ev, judge=judge)
    db.session.commit()


def test_sign_off_needs_every_mark_and_sheet_then_locks(w, client, auth):
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    page = client.post(f"/judging/events/{w.ev.id}/chief/sign-off", follow_redirects=True).get_data(as_text=True)
    assert "cannot be signed off yet: 17 mark(s) are missing" in page
    _fill(w)
    page = client.post(f"/judging/events/{w.ev.id}/chief/sign-off", follow_redirects=True).get_data(as_text=True)
    assert "4 judge(s) have not submitted their sheet" in page
    _submit_all(w)
    client.post(f"/judging/events/{w.ev.id}/chief/sign-off")
    sign_off = db.session.execute(select(EventSignOff)).scalar_one()
    assert sign_off.locked and sign_off.signed_by_id == w.chief.id
    assert _count(AuditEntry, AuditEntry.action == "event.lock") == 1
    mark = db.session.execute(select(Mark).where(Mark.judge_id == w.j_city.id, Mark.registration_id == w.a.id,
                                                 Mark.criterion_id == w.crit["P1"].id)).scalar_one()
    auth.login("j_city")
    client.post("/lang", data={"lang": "en"})
    locked = _post(client, w.a, w.crit["P1"], "40", version=1)  # kept as a late correction, the mark unchanged
    assert locked.status_code == 202 and locked.get_json()["correction"]["arrived_after"] == "signed_off"
    auth.login("chief")
    form = {"registration_id": w.a.id, "criterion_id": w.crit["P1"].id, "judge_id": w.j_city.id, "value": "40",
            "idempotency_key": str(uuid.uuid4())}
    no_reason = client.post(f"/judging/events/{w.ev.id}/chief/mark", data=form, follow_redirects=True)
    assert "Give a reason" in no_reason.get_data(as_text=True)
    db.session.refresh(mark)
    assert mark.value == Decimal("30")
    client.post(f"/judging/events/{w.ev.id}/chief/mark", data={**form, "reason": "申诉成立，复核后更正"})
    db.session.refresh(mark)
    assert mark.value == Decimal("40") and mark.version == 2
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "mark.override")).scalar_one()
    assert entry.old_value["value"] == "30" and entry.new_value["value"] == "40"
    assert entry.reason == "申诉成立，复核后更正"


def test_reopen_event_unlocks_with_a_reason_and_is_audited(w):
    _fill(w)
    _submit_all(w)
    services.sign_off_event(w.ev, actor=w.chief)
    with pytest.raises(Exception, match="reason"):
        services.reopen_event(w.ev, actor=w.chief, reason=" ")
    services.reopen_event(w.ev, actor=w.chief, reason="申诉成立")
    db.session.commit()
    assert services.is_locked(w.ev.id) is False
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "event.unlock")).scalar_one()
    assert entry.reason == "申诉成立"


def test_dashboard_flags_outliers_with_a_configurable_threshold(w, client, auth):
    for judge, value in ((w.j_works, "30"), (w.j_city, "31")):
        _write(judge, w.c, w.crit["P1"], value)
    _write(w.j_plant, w.c, w.crit["P1"], "50")
    db.session.commit()
    auth.login("chief")
    page = client.get(f"/judging/events/{w.ev.id}/chief").get_data(as_text=True)
    assert 'class="cell mark outlier">50.00' in page  # 20 % of 60 = 12 points; 50 is 19.5 off
    client.post(f"/judging/events/{w.ev.id}/chief/threshold", data={"mode": "points", "amount": "25"})
    page = client.get(f"/judging/events/{w.ev.id}/chief").get_data(as_text=True)
    assert "outlier\">50.00" not in page


# ---- roles, audit log, CLI ---------------------------------------------------------------------

@pytest.mark.parametrize("user, url, status", [
    ("j_city", "/judging/events/{ev}/assignments", 403),
    ("j_city", "/judging/audit", 403),
    ("j_city", "/judging/events/{ev}/chief", 404),
    ("chief", "/judging/events/{ev}/tablet", 404),
    ("cityorg", "/judging/events/{ev}/tablet", 403),
    ("cityorg", "/judging/events/{ev}/assignments", 200),
    ("westorg", "/judging/events/{ev}/assignments", 404),
    ("chief", "/judging/events/{ev}/chief", 200),
    ("j_city", "/judging/events/{ev}/my-sheet", 200),
])
def test_route_roles(w, client, auth, user, url, status):
    auth.login(user)
    assert client.get(url.format(ev=w.ev.id)).status_code == status


def test_organizer_assigns_names_chief_and_cannot_remove_a_judge_with_marks(w, client, auth):
    auth.login("cityorg")
    client.post(f"/judging/events/{w.ev2.id}/assignments", data={"user_id": w.j_city.id, "criterion_id": ""})
    client.post(f"/judging/events/{w.ev2.id}/assignments", data={"user_id": w.chief.id, "is_chief": "y"})
    client.post(f"/judging/events/{w.ev2.id}/assignments", data={"user_id": w.j_plant.id, "is_chief": "y"})
    rows = services.assignments_of(w.ev2.id)
    assert [(a.user.username, a.is_chief) for a in rows] == [("j_other", False), ("j_city", False),
                                                            ("j_plant", True)]
    _write(w.j_city, w.a, w.crit["P1"], "30")
    db.session.commit()
    row = db.session.execute(select(JudgeAssignment).where(JudgeAssignment.event_id == w.ev.id,
                                                           JudgeAssignment.user_id == w.j_city.id)).scalars().first()
    client.post(f"/judging/assignments/{row.id}/delete")
    assert db.session.get(JudgeAssignment, row.id) is not None
    assert _count(AuditEntry, AuditEntry.action == "judging.assign") >= 9


def test_audit_log_filters_exports_and_stays_in_the_organizers_scope(w, client, auth):
    _fill(w)
    auth.login("cityorg")
    page = client.get("/judging/audit?action=mark.create").get_data(as_text=True)
    assert "<td>评分已录入</td>" in page and "<td>已分配裁判员</td>" not in page  # actions by name (issue 11 §7)
    export = client.get(f"/judging/audit.xlsx?action=mark.&competition={w.comp.id}")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + _count(Mark) and {r[3] for r in rows[1:]} == {"评分已录入"}
    auth.login("westorg")
    assert "<td>评分已录入</td>" not in client.get("/judging/audit").get_data(as_text=True)


def test_cli_assigns_signs_off_and_exports(w, runner, tmp_path):
    result = runner.invoke(args=["judging", "assign", str(w.ev2.id), "j_city", "--criterion", "P1"])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["judging", "sign-off", str(w.ev.id), "--as", "chief"])
    assert refused.exit_code == 1 and "cannot be signed off yet" in refused.output
    _fill(w)
    _submit_all(w)
    assert runner.invoke(args=["judging", "sign-off", str(w.ev.id), "--as", "chief"]).exit_code == 0
    assert runner.invoke(args=["judging", "reopen", str(w.ev.id), "--reason", "申诉成立"]).exit_code == 0
    out = tmp_path / "audit.xlsx"
    assert runner.invoke(args=["judging", "audit-export", str(out), "--event", str(w.ev.id)]).exit_code == 0
    nowhere = runner.invoke(args=["judging", "audit-export", str(tmp_path / "gone" / "a.xlsx")])
    assert nowhere.exit_code == 1 and "Cannot write" in nowhere.output  # the shared output_file, not a traceback
    actions = {r[3] for r in load_workbook(out).active.iter_rows(min_row=2, values_only=True)}
    assert {"mark.create", "event.lock", "event.unlock", "sheet.submit"} <= actions


def test_a_duplicate_racing_past_the_replay_check_is_still_applied_once(w, client, auth, monkeypatch):
    """Two workers got the same request at once: the loser hits the unique key, retries and answers a replay."""
    auth.login("j_works")
    key = str(uuid.uuid4())
    assert _post(client, w.a, w.crit["P1"], "30", key=key).status_code == 201
    real_replay, calls = services._replay, []

    def blind_first_time(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_replay(*args)

    monkeypatch.setattr(services, "_replay", blind_first_time)
    again = _post(client, w.a, w.crit["P1"], "30", key=key)
    assert again.status_code == 200 and again.get_json()["action"] == "replay"
    assert len(calls) == 2
    assert _count(Mark) == 1 and _count(MarkWriteKey) == 1
