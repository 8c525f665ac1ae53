"""Self-registration, review, withdrawal and the waiting list, closing, draw, check-in list, privacy, export."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import refresh
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.domain.identity import make_national_id, mask_national_id
from competitions.extensions import db
from competitions.orgs.models import Worker
from competitions.registration.models import Registration, StationDraw
from competitions.scheduler import JobRun
from tests import factories as f

BORN = date(1990, 5, 17)


def _form(orgs, *, national_id=None, born=BORN, gender="male", name="王强", employer="plant", level="3", **extra):
    data = {
        "name": name, "national_id": national_id or make_national_id("370102", born, 7, gender), "gender": gender,
        "birth_date": born.isoformat(), "phone": "13912345678", "employer_id": str(orgs[employer].id),
        "skill_level": level, "certificate_no": "ZS-001", "submit": "1",
    }
    data.update(extra)
    return data


@pytest.fixture
def setup(app):
    orgs = f.org_tree()
    f.user("wang", "competitor", org=orgs["plant"])
    f.user("boss", "organizer", org=orgs["city"])
    f.user("root", "admin", org=orgs["city"])
    comp, ev = f.open_competition(orgs["city"])
    db.session.commit()
    return {"orgs": orgs, "comp": comp, "event": ev}


def _count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _en(client):
    """Switch to English; the app context (and Flask-Babel's cached locale in it) outlives requests here."""
    client.post("/lang", data={"lang": "en"})
    refresh()


# ---- self-registration -------------------------------------------------------------------------------

def test_public_competition_page_lists_events_with_a_register_button(client, setup):
    page = client.get(f"/registration/competitions/{setup['comp'].id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "电工" in html
    assert f"/registration/events/{setup['event'].id}/register" in html
    start = client.get("/").get_data(as_text=True)
    assert f"/registration/competitions/{setup['comp'].id}" in start


def test_draft_competition_page_is_not_public(client, app):
    orgs = f.org_tree()
    comp = f.competition(orgs["city"])
    db.session.commit()
    assert client.get(f"/registration/competitions/{comp.id}").status_code == 404


def test_worker_registers_and_sees_it_under_my_registrations(client, auth, setup):
    auth.login("wang")
    response = client.post(f"/registration/events/{setup['event'].id}/register", data=_form(setup["orgs"]))
    assert response.status_code == 302 and response.headers["Location"].endswith("/registration/mine")
    worker = db.session.execute(select(Worker)).scalar_one()
    assert worker.user_id is not None and worker.name == "王强" and worker.skill_level == 3
    registration = db.session.execute(select(Registration)).scalar_one()
    assert registration.status == "pending" and registration.source == "self"
    mine = client.get("/registration/mine").get_data(as_text=True)
    assert "电工" in mine and mask_national_id(worker.national_id) in mine and worker.national_id not in mine


def test_check_eligibility_explains_before_submitting_and_saves_nothing(client, auth, setup):
    auth.login("wang")
    _en(client)
    data = _form(setup["orgs"])
    del data["submit"]
    data["check"] = "1"
    html = client.post(f"/registration/events/{setup['event'].id}/register", data=data).get_data(as_text=True)
    assert "You are eligible for this event." in html
    assert _count(Registration) == 0 and _count(Worker) == 0


@pytest.mark.parametrize("change, message", [
    ({"national_id": "370102199005170071"}, "check digit is wrong"),
    ({"national_id": "37010219900517"}, "must be 18 characters"),
    ({"birth_date": "1991-05-17"}, "contradicts the identity number"),
    ({"gender": "female", "national_id": make_national_id("370102", BORN, 7, "male")},
     "contradicts the identity number"),
    ({"birth_date": "17.05.1990"}, "Enter the date of birth as YYYY-MM-DD"),
])
def test_bad_personal_details_get_a_clear_message_and_nothing_is_saved(client, auth, setup, change, message):
    auth.login("wang")
    _en(client)
    html = client.post(f"/registration/events/{setup['event'].id}/register",
                       data=_form(setup["orgs"], **change)).get_data(as_text=True)
    assert message in html
    assert _count(Registration) == 0 and _count(Worker) == 0


def test_chinese_message_for_a_bad_check_digit(client, auth, setup):
    auth.login("wang")
    html = client.post(f"/registration/events/{setup['event'].id}/register",
                       data=_form(setup["orgs"], national_id="370102199005170071")).get_data(as_text=True)
    assert "校验码" in html


def test_registering_someone_elses_id_number_is_refused(client, auth, setup):
    other = f.user("li", "competitor", org=setup["orgs"]["plant"])
    taken = f.worker(setup["orgs"]["plant"], user_account=other)
    db.session.commit()
    auth.login("wang")
    _en(client)
    html = client.post(f"/registration/events/{setup['event'].id}/register",
                       data=_form(setup["orgs"], national_id=taken.national_id, born=taken.birth_date)
                       ).get_data(as_text=True)
    assert "A record with this identity number already exists" in html   # the same as for a roster record
    assert _count(Registration) == 0


def test_a_second_registration_for_the_same_event_is_refused(client, auth, setup):
    auth.login("wang")
    _en(client)
    url = f"/registration/events/{setup['event'].id}/register"
    client.post(url, data=_form(setup["orgs"]))
    html = client.post(url, data=_form(setup["orgs"])).get_data(as_text=True)
    assert "already registered for this event" in html
    assert _count(Registration) == 1


def test_a_refusal_names_the_status_in_the_readers_language(client, auth, setup):
    auth.login("wang")
    client.post("/lang", data={"lang": "zh"})
    url = f"/registration/events/{setup['event'].id}/register"
    client.post(url, data=_form(setup["orgs"]))
    status = db.session.execute(select(Registration.status)).scalar_one()
    html = client.post(url, data=_form(setup["orgs"])).get_data(as_text=True)
    # The page shows the registration and its status instead of the form (issue 11 §6).
    assert "您已报名本项目" in html and "<form" not in html.split("您已报名本项目")[1]
    assert {"pending": "待审核", "approved": "已通过", "waitlisted": "候补"}[status] in html
    assert f"，{status}）" not in html  # never the stored English code


def test_eligibility_rules_are_explained(client, auth, app):
    orgs = f.org_tree()
    f.user("wang", "competitor", org=orgs["plant"])
    comp, ev = f.open_competition(orgs["east"], min_age=18, max_age=30, required_level=2)
    db.session.commit()
    auth.login("wang")
    _en(client)
    html = client.post(f"/registration/events/{ev.id}/register",
                       data=_form(orgs, employer="works", level="4")).get_data(as_text=True)
    assert "at most 30 years old" in html
    assert "requires skill level 2 or higher" in html
    assert "the employer is not one of them" in html
    assert _count(Registration) == 0


def test_group_rule_is_explained(client, auth, app):
    orgs = f.org_tree()
    f.user("wang", "competitor", org=orgs["plant"])
    comp, ev = f.open_competition(orgs["city"], group="students")
    db.session.commit()
    auth.login("wang")
    _en(client)
    html = client.post(f"/registration/events/{ev.id}/register", data=_form(orgs)).get_data(as_text=True)
    assert "This event is for the students&#39; group" in html
    client.post(f"/registration/events/{ev.id}/register", data=_form(orgs, is_student="y"))
    assert _count(Registration) == 1


def test_registration_after_the_deadline_is_refused(client, auth, app):
    orgs = f.org_tree()
    f.user("wang", "competitor", org=orgs["plant"])
    now = datetime.now(UTC)
    comp, ev = f.open_competition(orgs["city"], opens=now - timedelta(days=10), closes=now + timedelta(days=1))
    comp.registration_closes_at = now - timedelta(minutes=1)
    db.session.commit()
    auth.login("wang")
    _en(client)
    html = client.post(f"/registration/events/{ev.id}/register", data=_form(orgs)).get_data(as_text=True)
    assert "Registration closed at" in html
    assert _count(Registration) == 0


def test_full_event_puts_the_worker_on_the_waiting_list_and_withdrawal_promotes(client, auth, app):
    orgs = f.org_tree()
    first_user = f.user("first", "competitor", org=orgs["plant"])
    f.user("wang", "competitor", org=orgs["plant"])
    comp, ev = f.open_competition(orgs["city"], capacity=1)
    first = f.worker(orgs["plant"], user_account=first_user)
    db.session.add(Registration(event_id=ev.id, worker_id=first.id, status="pending"))
    db.session.commit()
    auth.login("wang")
    client.post(f"/registration/events/{ev.id}/register", data=_form(orgs))
    mine = db.session.execute(select(Registration).where(Registration.worker_id != first.id)).scalar_one()
    assert mine.status == "waitlisted"
    auth.logout()
    auth.login("first")
    held = db.session.execute(select(Registration).where(Registration.worker_id == first.id)).scalar_one()
    assert client.post(f"/registration/{held.id}/withdraw").status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, held.id).status == "withdrawn"
    assert db.session.get(Registration, mine.id).status == "pending"


def test_withdrawal_after_the_deadline_is_refused(client, auth, setup):
    auth.login("wang")
    client.post(f"/registration/events/{setup['event'].id}/register", data=_form(setup["orgs"]))
    registration = db.session.execute(select(Registration)).scalar_one()
    setup["comp"].registration_closes_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    _en(client)
    assert "Withdraw" not in client.get("/registration/mine").get_data(as_text=True).split("</h1>")[1]
    response = client.post(f"/registration/{registration.id}/withdraw", follow_redirects=True)
    assert "can be withdrawn only before the deadline" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == "pending"


def test_a_worker_cannot_withdraw_someone_elses_registration(client, auth, setup):
    other = f.worker(setup["orgs"]["plant"])
    registration = Registration(event_id=setup["event"].id, worker_id=other.id, status="pending")
    db.session.add(registration)
    db.session.commit()
    auth.login("wang")
    assert client.post(f"/registration/{registration.id}/withdraw").status_code == 404


# ---- review ------------------------------------------------------------------------------------------

def _registered(setup, count, status="pending"):
    out = []
    for i in range(count):
        w = f.worker(setup["orgs"]["plant" if i % 2 == 0 else "works"], name=f"工人{i}")
        r = Registration(event_id=setup["event"].id, worker_id=w.id, status=status)
        db.session.add(r)
        out.append(r)
    db.session.commit()
    return out


def test_organizer_filters_by_status_and_employer(client, auth, setup):
    regs = _registered(setup, 4)
    regs[0].status = "approved"
    db.session.commit()
    auth.login("boss")
    url = f"/registration/manage/competitions/{setup['comp'].id}"
    html = client.get(url).get_data(as_text=True)
    assert all(f"工人{i}" in html for i in range(4))
    assert "370102" in html and regs[0].worker.national_id not in html
    approved = client.get(url, query_string={"status": "approved"}).get_data(as_text=True)
    assert "工人0" in approved and "工人1" not in approved
    by_employer = client.get(url, query_string={"employer": setup["orgs"]["works"].id}).get_data(as_text=True)
    assert "工人1" in by_employer and "工人0" not in by_employer


def test_bulk_approve_and_reject_with_a_reason_the_worker_sees(client, auth, setup):
    auth.login("wang")
    client.post(f"/registration/events/{setup['event'].id}/register", data=_form(setup["orgs"]))
    auth.logout()
    others = _registered(setup, 2)
    mine = db.session.execute(select(Registration).join(Worker).where(Worker.user_id.is_not(None))).scalar_one()
    auth.login("boss")
    url = f"/registration/manage/competitions/{setup['comp'].id}/decide"
    client.post(url, data={"ids": [str(r.id) for r in others], "decision": "approve"})
    _en(client)
    refused = client.post(url, data={"ids": [str(mine.id)], "decision": "reject"}, follow_redirects=True)
    assert "Give a reason for the rejection" in refused.get_data(as_text=True)
    client.post(url, data={"ids": [str(mine.id)], "decision": "reject", "reason": "证书编号无法核实"})
    db.session.expire_all()
    assert [db.session.get(Registration, r.id).status for r in others] == ["approved", "approved"]
    assert db.session.get(Registration, mine.id).status == "rejected"
    assert _count(AuditEntry, AuditEntry.action == "registration.approve") == 2
    auth.logout()
    auth.login("wang")
    html = client.get("/registration/mine").get_data(as_text=True)
    assert "证书编号无法核实" in html and "Rejected" in html


def test_rejection_promotes_the_waiting_list(client, auth, setup):
    setup["event"].capacity = 1
    held, waiting = _registered(setup, 2)
    waiting.status = "waitlisted"
    db.session.commit()
    auth.login("boss")
    client.post(f"/registration/manage/competitions/{setup['comp'].id}/decide",
                data={"ids": [str(held.id)], "decision": "reject", "reason": "年龄不符"})
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).status == "pending"


def test_organizer_of_another_district_cannot_review(client, auth, setup):
    f.user("westie", "organizer", org=setup["orgs"]["west"])
    db.session.commit()
    auth.login("westie")
    assert client.get(f"/registration/manage/competitions/{setup['comp'].id}").status_code == 404


# ---- privacy and export ------------------------------------------------------------------------------

def test_reveal_shows_one_full_number_and_is_audited(client, auth, setup):
    (registration,) = _registered(setup, 1)
    number = registration.worker.national_id
    auth.login("boss")
    assert client.get(f"/registration/manage/registrations/{registration.id}/reveal").status_code == 405
    html = client.post(f"/registration/manage/registrations/{registration.id}/reveal").get_data(as_text=True)
    assert number in html
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "registration.reveal_national_id")).scalar_one()
    assert entry.object_id == registration.worker_id


def test_export_has_the_current_filters_and_masked_numbers(client, auth, setup):
    regs = _registered(setup, 3)
    regs[1].status = "approved"
    db.session.commit()
    auth.login("boss")
    response = client.get(f"/registration/manage/competitions/{setup['comp'].id}/export.xlsx",
                          query_string={"status": "approved"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][2] == "工人1"
    assert rows[1][3] == mask_national_id(regs[1].worker.national_id)
    assert all(regs[1].worker.national_id not in str(v) for v in rows[1])


# ---- closing and the scheduled job -------------------------------------------------------------------

def test_organizer_closes_registration(client, auth, setup):
    auth.login("boss")
    client.post(f"/registration/manage/competitions/{setup['comp'].id}/close")
    db.session.expire_all()
    assert setup["comp"].status == "closed"
    auth.logout()
    auth.login("wang")
    _en(client)
    html = client.post(f"/registration/events/{setup['event'].id}/register",
                       data=_form(setup["orgs"])).get_data(as_text=True)
    assert "not open for registration" in html


def test_job_closes_registration_at_the_deadline_once_per_period(runner, setup):
    deadline = setup["comp"].registration_closes_at
    before = (deadline - timedelta(minutes=5)).isoformat()
    result = runner.invoke(args=["jobs", "run-once", "close_due_registrations", "--now", before])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert setup["comp"].status == "open"
    after = (deadline + timedelta(seconds=30)).isoformat()
    result = runner.invoke(args=["jobs", "run-once", "close_due_registrations", "--now", after])
    assert f"'closed': [{setup['comp'].id}]" in result.output
    db.session.expire_all()
    assert setup["comp"].status == "closed"
    # A second scheduler in the same period changes nothing and says so.
    setup["comp"].status = "open"
    db.session.commit()
    again = runner.invoke(args=["jobs", "run-once", "close_due_registrations", "--now", after])
    assert "already ran" in again.output
    db.session.expire_all()
    assert setup["comp"].status == "open"
    assert _count(JobRun, JobRun.job == "close_due_registrations") == 2


def test_unknown_job_is_a_clean_error(runner, setup):
    result = runner.invoke(args=["jobs", "run-once", "no_such_job"])
    assert result.exit_code != 0 and "No job called no_such_job" in result.output


# ---- draw and check-in -------------------------------------------------------------------------------

def _approved_and_closed(setup, count=3):
    regs = _registered(setup, count, status="approved")
    setup["comp"].status = "closed"
    db.session.commit()
    return regs


def test_draw_is_refused_while_registration_is_open(client, auth, setup):
    _registered(setup, 2, status="approved")
    auth.login("boss")
    _en(client)
    html = client.post(f"/registration/manage/events/{setup['event'].id}/draw", data={"submit": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Close registration before drawing stations" in html
    assert _count(StationDraw) == 0


def test_draw_assigns_stations_and_codes_and_redraw_needs_an_admin_and_reason(client, auth, setup):
    regs = _approved_and_closed(setup)
    auth.login("boss")
    url = f"/registration/manage/events/{setup['event'].id}/draw"
    assert client.post(url, data={"submit": "1"}).status_code == 302
    db.session.expire_all()
    stations = sorted(r.station for r in regs)
    assert stations == [1, 2, 3] and len({r.anonymous_code for r in regs}) == 3
    draw = db.session.execute(select(StationDraw)).scalar_one()
    assert draw.seed != draw.code_seed
    audit = db.session.execute(select(AuditEntry).where(AuditEntry.action == "registration.draw")).scalar_one()
    assert audit.new_value["seed"] == draw.seed and len(audit.new_value["stations"]) == 3
    _en(client)
    again = client.post(url, data={"submit": "1", "reason": "x"}, follow_redirects=True).get_data(as_text=True)
    assert "only an administrator may draw again" in again
    auth.logout()
    auth.login("root")
    _en(client)
    no_reason = client.post(url, data={"submit": "1"}).get_data(as_text=True)
    assert "Give a reason for drawing again" in no_reason
    assert client.post(url, data={"submit": "1", "reason": "机床故障，重新抽签"}).status_code == 302
    assert _count(StationDraw) == 2
    assert _count(AuditEntry, AuditEntry.action == "registration.redraw") == 1


def test_checkin_pdf_lists_stations_codes_and_masked_numbers(client, auth, setup, tmp_path):
    regs = _approved_and_closed(setup)
    auth.login("boss")
    client.post(f"/registration/manage/events/{setup['event'].id}/draw", data={"submit": "1"})
    response = client.get(f"/registration/manage/events/{setup['event'].id}/checkin.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    db.session.expire_all()
    for r in regs:
        assert r.worker.name in text and r.anonymous_code in text
        assert mask_national_id(r.worker.national_id) in text and r.worker.national_id not in text
    assert "检录表" in text and "签名" in text
    (tmp_path / "checkin.pdf").write_bytes(response.data)
    xlsx = client.get(f"/registration/manage/events/{setup['event'].id}/checkin.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["1", "2", "3"]


def test_checkin_before_the_draw_is_refused_with_a_message(client, auth, setup):
    _approved_and_closed(setup)
    auth.login("boss")
    _en(client)
    response = client.get(f"/registration/manage/events/{setup['event'].id}/checkin.pdf", follow_redirects=True)
    assert "Draw stations before printing the check-in list" in response.get_data(as_text=True)


def test_withdrawn_worker_may_register_again(client, auth, setup):
    auth.login("wang")
    url = f"/registration/events/{setup['event'].id}/register"
    client.post(url, data=_form(setup["orgs"]))
    registration = db.session.execute(select(Registration)).scalar_one()
    client.post(f"/registration/{registration.id}/withdraw")
    client.post(url, data=_form(setup["orgs"]))
    db.session.expire_all()
    assert [r.status for r in db.session.execute(select(Registration)).scalars()] == ["pending"]


def test_checkin_pdf_falls_back_to_the_built_in_chinese_font(monkeypatch):
    from competitions import pdf_fonts
    from competitions.registration import pdf

    monkeypatch.setattr(pdf_fonts, "FONT_CANDIDATES", (("/nonexistent/font.ttc", 0),))
    data = pdf.checkin_pdf(pdf.CheckinSheet(title="检录表", subtitle="职工组", headers=("赛位号", "姓名"),
                                            rows=(("1", "张伟"),)))
    assert pdf_fonts.CID_FALLBACK.encode() in data
    assert "张伟" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_returning_worker_sees_their_details_prefilled(client, auth, setup):
    from competitions.auth.models import User

    wang = db.session.execute(select(User).where(User.username == "wang")).scalar_one()
    mine = f.worker(setup["orgs"]["plant"], name="王老五", user_account=wang)
    db.session.commit()
    auth.login("wang")
    html = client.get(f"/registration/events/{setup['event'].id}/register").get_data(as_text=True)
    assert 'value="王老五"' in html
    assert mine.national_id not in html and mask_national_id(mine.national_id) in html
