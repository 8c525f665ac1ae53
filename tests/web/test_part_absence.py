"""Absence (缺考) from a single part (issue 10 §6), recorded on the chief judge's page, through to the results.

K01 sits the written test (theory, 30 %) and the practical (70 %); K02 misses
the written test and sits the practical. The chief judge records K02's
absence from the theory with a reason: nobody owes K02 a theory mark, the event
is signed off without one, and K02's theory scores 0 — "absent" in the
theory column of the standing, the public page, the PDF and the workbook;
with a theory pass mark K02 did not pass.
"""

from __future__ import annotations

import html
import io
import uuid
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.domain.schemes import CriterionDraft, PartDraft, SchemeDraft
from competitions.extensions import db
from competitions.judging import services as judging
from competitions.judging.models import JudgeSheet, Mark, PendingCorrection
from competitions.organize import services as organize
from competitions.organize.models import Event
from competitions.results import services as results
from competitions.results.models import ResultAdjustment, ResultEntry
from tests import factories as f


def scheme(theory_pass=None) -> SchemeDraft:
    return SchemeDraft(
        parts=(PartDraft("theory", "理论知识", Decimal(30), theory_pass),
               PartDraft("practical", "技能操作", Decimal(70))),
        criteria=(CriterionDraft("theory", "T1", "笔试", Decimal(100), Decimal(1), "measurement", "mean", 1),
                  CriterionDraft("practical", "P1", "实操", Decimal(100), Decimal("0.5"), "judgement", "mean", 1)),
        tie_break=("part:practical",))


class World:
    """The electrician event with a theory judge, a practical judge and a chief judge."""


def make_world(theory_pass=None):
    orgs = f.org_tree()
    x = World()
    f.user("cityorg", "organizer", org=orgs["city"])
    x.theory = f.user("theory", "judge", org=orgs["city"])
    x.practical = f.user("practical", "judge", org=orgs["city"])
    x.chief = f.user("chief", "judge", org=orgs["city"])
    x.comp = f.competition(orgs["city"])
    x.ev = f.event(x.comp, with_scheme=False)
    organize.save_scheme(x.ev, scheme(theory_pass), organize.AwardRuleData("bands", Decimal(1), Decimal(1),
                                                                           Decimal(1)))
    x.comp.status = "in_progress"
    x.crit = {c.code: c for p in x.ev.parts for c in p.criteria}
    x.a = f.judging_competitor(x.ev, orgs["east"], code="K01", station=1, name="王甲")
    x.b = f.judging_competitor(x.ev, orgs["east"], code="K02", station=2, name="李乙")
    f.judging_panel(x.ev, [x.theory], x.chief, criterion_codes=["T1"])
    f.judging_panel(x.ev, [x.practical], criterion_codes=["P1"])
    db.session.commit()
    return x


@pytest.fixture
def w(app):
    return make_world()


@pytest.fixture
def wp(app):
    return make_world(theory_pass=Decimal(60))


def _mark(judge, reg, crit, value):
    judging.submit_mark(judge, judging.MarkInput(reg.id, crit.id, value, None, str(uuid.uuid4())))


def _record(client, w, reg, part="theory", reason="身体不适未参加理论考试", **extra):
    return client.post(f"/results/events/{w.ev.id}/part-absence",
                       data={"registration_id": str(reg.id), "part": part,
                             "reason": reason, **extra}, follow_redirects=True)


def _judge_and_sign(w):
    _mark(w.theory, w.a, w.crit["T1"], "80")
    _mark(w.practical, w.a, w.crit["P1"], "90")
    _mark(w.practical, w.b, w.crit["P1"], "95")
    db.session.commit()
    for judge in (w.theory, w.practical):
        judging.submit_sheet(db.session.get(Event, w.ev.id), judge=judge)
    judging.sign_off_event(db.session.get(Event, w.ev.id), actor=w.chief)
    db.session.commit()


def test_the_chief_judge_records_an_absence_from_a_part_and_nobody_owes_its_marks(w, client, auth):
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    ev = db.session.get(Event, w.ev.id)
    assert judging.marks_owed_by(ev, w.theory.id) == 2
    page = html.unescape(_record(client, w, w.b).get_data(as_text=True))
    assert "The absence from the part has been recorded; the part scores 0." in page
    assert "身体不适未参加理论考试" in page  # listed with its reason, with a way to withdraw it
    db.session.expire_all()
    ev = db.session.get(Event, w.ev.id)
    assert judging.marks_owed_by(ev, w.theory.id) == 1
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "result_part_absence")).scalar_one()
    assert entry.reason == "身体不适未参加理论考试" and entry.new_value["absent_parts"] == ["theory"]
    # The theory sheet is handed in with K01's mark alone, and the event is signed off.
    _judge_and_sign(w)
    assert judging.is_locked(w.ev.id)


@pytest.mark.parametrize("form, message", [
    ({"reason": ""}, "Choose the competitor and the part, and give the reason."),
    ({"part": "welding"}, "Choose the competitor and the part, and give the reason."),
])
def test_an_absence_without_a_reason_or_for_no_part_saves_nothing(w, client, auth, form, message):
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    page = html.unescape(_record(client, w, w.b, **form).get_data(as_text=True))
    assert message in page
    assert db.session.execute(select(ResultAdjustment)).scalars().all() == []


def test_absent_from_every_part_is_refused_and_an_absence_is_withdrawn_with_a_reason(w, client, auth):
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    _record(client, w, w.b)
    page = html.unescape(_record(client, w, w.b, part="practical").get_data(as_text=True))
    assert "Absent from every part: record the competitor as absent from the event instead." in page
    again = html.unescape(_record(client, w, w.b).get_data(as_text=True))
    assert "K02 is already recorded as absent from theory." in again
    undone = html.unescape(_record(client, w, w.b, reason="登记错误，该选手已参加理论考试", undo="1")
                           .get_data(as_text=True))
    assert "The absence from the part has been withdrawn." in undone
    db.session.expire_all()
    assert db.session.execute(select(ResultAdjustment.absent_parts)).scalar_one() == {}
    assert db.session.execute(select(AuditEntry.reason).where(AuditEntry.action == "result_part_absence_undo")
                              ).scalar_one() == "登记错误，该选手已参加理论考试"
    assert judging.marks_owed_by(db.session.get(Event, w.ev.id), w.theory.id) == 2


def _compute_and_publish(client, comp):
    auth_page = client.post(f"/results/competitions/{comp.id}/compute", follow_redirects=True)
    assert auth_page.status_code == 200
    client.post(f"/results/competitions/{comp.id}/publish", data={"notice_days": "5"})


def test_an_absent_part_scores_zero_and_reads_absent_everywhere(w, client, auth):
    auth.login("chief")
    _record(client, w, w.b)
    _judge_and_sign(w)
    auth.logout()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    _compute_and_publish(client, w.comp)
    rows = {e.anonymous_code: e for e in db.session.execute(select(ResultEntry)).scalars()}
    # K01: 80 x 30 % + 90 x 70 % = 87.00; K02: 0 x 30 % + 95 x 70 % = 66.50 — ranked, no pass mark to fail.
    assert (rows["K01"].total, rows["K02"].total) == (Decimal("87.00"), Decimal("66.50"))
    assert rows["K02"].absent_parts == ["theory"] and rows["K02"].part_marks["theory"] == "0.00"
    assert rows["K02"].rank == 2 and rows["K02"].passed is None and not rows["K02"].absent
    public = client.get(f"/results/public/events/{w.ev.id}").get_data(as_text=True)
    row = public[public.index(">K02<"):]
    row = row[:row.index("</tr>")]
    assert 'absent-part' in row and "Absent" in row and "95.00" in row
    pdf = client.get(f"/results/competitions/{w.comp.id}/export.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "K02" in text and "Absent" in text
    sheet = load_workbook(io.BytesIO(client.get(f"/results/competitions/{w.comp.id}/export.xlsx").data)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    k02 = next(r for r in values if "K02" in r)
    assert "Absent" in k02 and Decimal("95.00") in [Decimal(str(v)) for v in k02 if isinstance(v, int | float)]
    feed = client.get(f"/api/v1/results/competitions/{w.comp.id}").get_json()
    entries = [e for ev in feed["events"] for e in ev["entries"]]
    assert next(e for e in entries if e["code"] == "K02")["absent_parts"] == ["theory"]
    client.post("/lang", data={"lang": "zh"})
    assert "缺考" in client.get(f"/results/public/events/{w.ev.id}").get_data(as_text=True)


def test_with_a_pass_mark_on_the_part_the_absent_competitor_did_not_pass(wp, client, auth):
    auth.login("chief")
    _record(client, wp, wp.b)
    _judge_and_sign(wp)
    auth.logout()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    _compute_and_publish(client, wp.comp)
    rows = {e.anonymous_code: e for e in db.session.execute(select(ResultEntry)).scalars()}
    assert rows["K02"].passed is False and rows["K02"].part_passed == {"theory": False}
    assert rows["K02"].prize is None and rows["K01"].prize == "first"
    public = html.unescape(client.get(f"/results/public/events/{wp.ev.id}").get_data(as_text=True))
    assert "Did not pass" in public


def test_part_absence_from_the_command_line(w, runner):
    result = runner.invoke(args=["results", "part-absent", str(w.ev.id), "k02", "theory", "--reason", "缺考"])
    assert result.exit_code == 0, result.output
    assert db.session.execute(select(ResultAdjustment.absent_parts)).scalar_one() == {"theory": "缺考"}
    bad = runner.invoke(args=["results", "part-absent", str(w.ev.id), "K02", "welding", "--reason", "缺考"])
    assert bad.exit_code != 0 and "no part welding" in bad.output
    undo = runner.invoke(args=["results", "part-absent", str(w.ev.id), "K02", "theory", "--undo",
                               "--reason", "登记错误"])
    assert undo.exit_code == 0, undo.output
    db.session.expire_all()
    assert db.session.execute(select(ResultAdjustment.absent_parts)).scalar_one() == {}


def test_a_sheet_is_not_blocked_by_the_absent_part(w, client, auth):
    auth.login("chief")
    _record(client, w, w.b)
    _mark(w.theory, w.a, w.crit["T1"], "80")
    db.session.commit()
    sheet = judging.submit_sheet(db.session.get(Event, w.ev.id), judge=w.theory)
    db.session.commit()
    assert db.session.get(JudgeSheet, sheet.id).submitted_at is not None


def test_the_theory_judges_tablet_and_sheet_show_the_absent_part_as_nothing_owed(w, client, auth):
    auth.login("chief")
    _record(client, w, w.b)
    auth.logout()
    auth.login("theory")
    client.post("/lang", data={"lang": "en"})
    sheet = client.get(f"/api/v1/judging/events/{w.ev.id}/sheet").get_json()
    assert sheet["excused"] == [{"registration_id": w.b.id, "criterion_id": w.crit["T1"].id}]
    _mark(w.theory, w.a, w.crit["T1"], "80")
    db.session.commit()
    page = client.get(f"/judging/events/{w.ev.id}/my-sheet").get_data(as_text=True)
    assert "You still owe" not in page and 'class="num excused"' in page
    assert 'id="submit-sheet" disabled' not in page


# --- a mark for a part the competitor is absent from is refused, never stored and ignored ---------------

def _post(client, reg, crit, value, version=None, **extra):
    return client.post("/api/v1/judging/marks", json={
        "registration_id": reg.id, "criterion_id": crit.id, "value": value, "version": version,
        "idempotency_key": str(uuid.uuid4()), **extra})


def _t1_marks(w):
    db.session.expire_all()
    return db.session.execute(select(Mark.registration_id, Mark.judge_id, Mark.value)
                              .where(Mark.criterion_id == w.crit["T1"].id).order_by(Mark.id)).all()


def _counts():
    return (db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one(),
            db.session.execute(select(func.count()).select_from(PendingCorrection)).scalar_one())


@pytest.mark.parametrize("lang, phrases", [
    ("en", ("K02 is recorded as absent (缺考) from the part 理论知识", "criterion T1 takes no mark",
            "Nothing was saved")),
    ("zh", ("K02 已登记为模块 理论知识 缺考", "评分项 T1 不录入其分数", "本次分数未保存")),
])
def test_a_tablet_mark_for_the_absent_part_is_refused_naming_the_absence(w, client, auth, lang, phrases):
    results.record_part_absence(db.session.get(Event, w.ev.id), w.b.id, "theory", "缺考", actor_id=w.chief.id)
    db.session.commit()
    auth.login("theory")
    client.post("/lang", data={"lang": lang})
    before = _counts()
    refused = _post(client, w.b, w.crit["T1"], "80")
    body = refused.get_json()
    assert refused.status_code == 409 and body["error"] == "absent_from_part" and body["field"] == "value"
    assert all(phrase in body["message"] for phrase in phrases), body["message"]
    assert _t1_marks(w) == [] and _counts() == before  # nothing stored, nothing audited
    # The same judge marks K01 on that criterion, and K02's practical is still marked.
    assert _post(client, w.a, w.crit["T1"], "80").status_code == 201
    auth.logout()
    auth.login("practical")
    assert _post(client, w.b, w.crit["P1"], "95").status_code == 201


def test_a_mark_typed_before_the_absence_was_recorded_can_no_longer_change(w, client, auth):
    auth.login("theory")
    made = _post(client, w.b, w.crit["T1"], "40").get_json()["mark"]
    results.record_part_absence(db.session.get(Event, w.ev.id), w.b.id, "theory", "缺考", actor_id=w.chief.id)
    db.session.commit()
    changed = _post(client, w.b, w.crit["T1"], "45", version=made["version"])
    assert changed.status_code == 409 and changed.get_json()["error"] == "absent_from_part"
    assert [str(v) for _, _, v in _t1_marks(w)] == ["40.00"]


def test_the_chief_judge_on_behalf_by_api_and_by_form_is_refused_too(w, client, auth):
    results.record_part_absence(db.session.get(Event, w.ev.id), w.b.id, "theory", "缺考", actor_id=w.chief.id)
    db.session.commit()
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    before = _counts()
    by_api = _post(client, w.b, w.crit["T1"], "80", judge_id=w.theory.id, reason="纸质评分表转录")
    assert by_api.status_code == 409 and by_api.get_json()["error"] == "absent_from_part"
    page = client.post(f"/judging/events/{w.ev.id}/chief/mark", data={
        "registration_id": str(w.b.id), "criterion_id": str(w.crit["T1"].id), "judge_id": str(w.theory.id),
        "value": "80", "idempotency_key": str(uuid.uuid4()), "reason": "纸质评分表转录"}, follow_redirects=True)
    text = html.unescape(page.get_data(as_text=True))
    assert "K02 is recorded as absent (缺考) from the part 理论知识" in text
    assert "The mark has been saved" not in text
    assert _t1_marks(w) == [] and _counts() == before


def test_a_late_write_for_the_absent_part_is_refused_not_kept_as_a_correction(w, client, auth):
    results.record_part_absence(db.session.get(Event, w.ev.id), w.b.id, "theory", "缺考", actor_id=w.chief.id)
    _mark(w.theory, w.a, w.crit["T1"], "80")
    db.session.commit()
    judging.submit_sheet(db.session.get(Event, w.ev.id), judge=w.theory)
    db.session.commit()
    auth.login("theory")
    before = _counts()
    late = _post(client, w.b, w.crit["T1"], "70")
    assert late.status_code == 409 and late.get_json()["error"] == "absent_from_part"
    assert _counts() == before and [r for r, _, _ in _t1_marks(w)] == [w.a.id]


def test_once_the_absence_is_withdrawn_the_part_takes_marks_again(w, client, auth):
    ev = db.session.get(Event, w.ev.id)
    results.record_part_absence(ev, w.b.id, "theory", "缺考", actor_id=w.chief.id)
    results.undo_part_absence(ev, w.b.id, "theory", "登记错误，该选手已参加理论考试", actor_id=w.chief.id)
    db.session.commit()
    auth.login("theory")
    assert _post(client, w.b, w.crit["T1"], "80").status_code == 201


def test_the_openapi_document_names_the_refusal(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "absent_from_part" in spec["paths"]["/api/v1/judging/marks"]["post"]["responses"]["409"]["description"]
