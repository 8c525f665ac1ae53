"""Issue 9 §1–3: a person's record belongs to that person (claim paths, audited changes), recusal reads the
facts as approved (frozen on the registration), and an organizer acts only inside its own subtree.

Each "Found:" of the issue is a test here that failed before the fix (marked FOUND in its docstring).
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import date

import pytest
from flask_babel import refresh
from openpyxl import load_workbook
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.db import utcnow
from competitions.domain.identity import make_national_id, mask_national_id
from competitions.extensions import db
from competitions.judging.models import FactChange, Mark
from competitions.orgs.models import PersonClaim, Worker
from competitions.people import services as people
from competitions.registration import services as registration_services
from competitions.registration.models import Registration
from tests import factories as f
from tests.web.test_roster_import import person as roster_person
from tests.web.test_roster_import import xlsx

BORN = date(1990, 5, 17)


def _en(client):
    client.post("/lang", data={"lang": "en"})
    refresh()


def _zh(client):
    client.post("/lang", data={"lang": "zh"})
    refresh()


def _count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _reg_form(orgs, *, national_id, name="王强", employer="plant", **extra):
    data = {"name": name, "national_id": national_id, "gender": "male", "birth_date": BORN.isoformat(),
            "phone": "13912345678", "employer_id": str(orgs[employer].id), "skill_level": "3",
            "certificate_no": "ZS-001", "submit": "1"}
    data.update(extra)
    return data


@pytest.fixture
def world(app):
    """A city with two districts; an open city contest; a worker of the plant entered from a roster
    (no account) with an approved registration and a station in an event under way; organizers of the city,
    the east district (the plant's) and the west district; judges of the plant and of the works."""
    x = type("World", (), {})()
    x.orgs = orgs = f.org_tree()
    x.city_org = f.user("cityorg", "organizer", org=orgs["city"])
    x.east_org = f.user("eastorg", "organizer", org=orgs["east"])
    x.west_org = f.user("westorg", "organizer", org=orgs["west"])
    x.admin = f.user("root", "admin", org=orgs["city"])
    x.attacker = f.user("mallory", "competitor", org=orgs["works"])
    x.owner = f.user("zhang", "competitor", org=orgs["plant"])
    x.comp, x.open_ev = f.open_competition(orgs["city"])
    # The contest under way: the roster worker is approved, drawn, and judged today.
    x.running = f.competition(orgs["city"], name="2026年测试市职工技能竞赛（决赛）")
    x.ev = f.event(x.running)
    x.running.status = "in_progress"
    x.victim = f.worker(orgs["plant"], name="张伟", born=BORN)
    x.victim.phone = "13700000001"
    x.reg = Registration(event_id=x.ev.id, worker_id=x.victim.id, status="approved", station=1,
                         anonymous_code="K01", source="roster")
    db.session.add(x.reg)
    x.other = f.judging_competitor(x.ev, orgs["works"], code="K02", station=2, name="李电力")
    x.j_plant = f.user("j_plant", "judge", org=orgs["plant"])
    x.j_works = f.user("j_works", "judge", org=orgs["works"])
    x.chief = f.user("chief", "judge", org=orgs["city"])
    f.judging_panel(x.ev, [x.j_plant, x.j_works], x.chief, criterion_codes=["P1", "P2"])
    x.crit = {c.code: c for p in x.ev.parts for c in p.criteria}
    db.session.commit()
    return x


def _mark(client, reg, crit, value="5"):
    return client.post("/api/v1/judging/marks", json={
        "registration_id": reg.id, "criterion_id": crit.id, "value": value, "version": None,
        "idempotency_key": str(uuid.uuid4())})


# ---- §1 a person's record belongs to that person ---------------------------------------------------

def test_found_new_account_cannot_take_over_a_roster_worker_by_id_number(world, client, auth):
    """FOUND §1: a new account registering with a roster worker's ID number took over the record."""
    auth.login("mallory")
    _en(client)
    response = client.post(f"/registration/events/{world.open_ev.id}/register",
                           data=_reg_form(world.orgs, national_id=world.victim.national_id, name="冒充者",
                                          employer="works"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already exists" in html and "Claim my record" in html and "organizer of your employer" in html
    db.session.expire_all()
    victim = db.session.get(Worker, world.victim.id)
    assert victim.user_id is None and victim.name == "张伟" and victim.phone == "13700000001"
    assert victim.employer_id == world.orgs["plant"].id
    assert _count(Registration, Registration.event_id == world.open_ev.id) == 0
    mine = client.get("/registration/mine").get_data(as_text=True)
    assert "K01" not in mine and "电工" not in mine and "张伟" not in mine


def test_the_refusal_is_in_chinese_too(world, client, auth):
    auth.login("mallory")
    _zh(client)
    html = client.post(f"/registration/events/{world.open_ev.id}/register",
                       data=_reg_form(world.orgs, national_id=world.victim.national_id)).get_data(as_text=True)
    assert "认领我的档案" in html and "已有档案" in html


def test_claim_with_a_one_time_code_then_register(world, client, auth):
    auth.login("eastorg")
    page = client.post(f"/people/{world.victim.id}/claim-code")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    code = re.search(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>", page.get_data(as_text=True)).group(1)
    assert world.victim.national_id not in page.get_data(as_text=True)  # masked even here
    db.session.expire_all()
    assert db.session.get(Worker, world.victim.id).claim_code_hash not in (None, code)
    auth.login("zhang")
    _en(client)
    wrong = client.post("/people/claim", data={"code-national_id": world.victim.national_id,
                                               "code-code": "0000-0000-0000", "code-claim": "1"})
    assert wrong.status_code == 400 and "The claim code is not right" in wrong.get_data(as_text=True)
    done = client.post("/people/claim", data={"code-national_id": world.victim.national_id,
                                              "code-code": code.lower().replace("-", " "), "code-claim": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Worker, world.victim.id).user_id == world.owner.id
    assert "K01" not in client.get("/registration/mine").get_data(as_text=True)  # the code only at the draw page
    assert "电工" in client.get("/registration/mine").get_data(as_text=True)
    registered = client.post(f"/registration/events/{world.open_ev.id}/register",
                             data=_reg_form(world.orgs, national_id=world.victim.national_id, name="张伟"))
    assert registered.status_code == 302
    # The code was one-time: it cannot be used again by anyone.
    assert db.session.get(Worker, world.victim.id).claim_code_hash is None


def test_wrong_codes_from_another_account_never_spoil_the_owners_code(world, client, auth):
    """Review finding: anyone who knew the ID number could void a worker's code with five wrong tries."""
    code = people.issue_claim_code(world.victim, world.east_org, utcnow())
    db.session.commit()
    auth.login("mallory")
    _en(client)
    for _ in range(5):
        client.post("/people/claim", data={"code-national_id": world.victim.national_id,
                                           "code-code": "ZZZZ-ZZZZ-ZZZZ", "code-claim": "1"})
    # Mallory's own tries are spent: even the right code is now answered with a wait, and links nothing.
    right = client.post("/people/claim", data={"code-national_id": world.victim.national_id,
                                               "code-code": code, "code-claim": "1"})
    assert right.status_code == 400 and "Too many attempts to claim a record" in right.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Worker, world.victim.id).user_id is None
    auth.login("zhang")
    done = client.post("/people/claim", data={"code-national_id": world.victim.national_id,
                                              "code-code": code, "code-claim": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Worker, world.victim.id).user_id == world.owner.id


def test_the_claim_page_is_no_fast_oracle_of_who_is_on_file(world, client, auth):
    """Review finding: the answers tell whether an ID number is on file; every try now counts, found or not."""
    auth.login("mallory")
    _en(client)
    answers = []
    for number in ("11010519491231002X", world.victim.national_id) * 3:
        page = client.post("/people/claim", data={"code-national_id": number, "code-code": "ZZZZ-ZZZZ-ZZZZ",
                                                  "code-claim": "1"})
        answers.append(page.get_data(as_text=True))
    assert "There is no record with this identity number" in answers[0]
    assert "There is no valid claim code for this record" in answers[1]
    assert not any("Too many attempts to claim a record" in answer for answer in answers[:5])
    assert "Too many attempts to claim a record" in answers[5]
    # The request path counts against the same budget.
    asked = client.post("/people/claim", data={"ask-national_id": world.victim.national_id, "ask-message": "",
                                               "ask-send": "1"})
    assert asked.status_code == 400 and db.session.execute(select(PersonClaim)).first() is None


def test_claim_request_confirmed_by_the_employers_organizer_only(world, client, auth):
    auth.login("zhang")
    sent = client.post("/people/claim", data={"ask-national_id": world.victim.national_id,
                                              "ask-message": "我是张伟，东区机床厂", "ask-send": "1"})
    assert sent.status_code == 302
    claim = db.session.execute(select(PersonClaim)).scalar_one()
    # Another district's organizer neither sees nor decides it.
    auth.login("westorg")
    assert "张伟" not in client.get("/people/claims").get_data(as_text=True)
    assert client.post(f"/people/claims/{claim.id}/decide", data={"decision": "approve"}).status_code == 404
    auth.login("eastorg")
    assert "我是张伟" in client.get("/people/claims").get_data(as_text=True)
    client.post(f"/people/claims/{claim.id}/decide", data={"decision": "approve", "reason": ""})
    db.session.expire_all()
    assert db.session.get(Worker, world.victim.id).user_id == world.owner.id
    assert db.session.get(PersonClaim, claim.id).status == "approved"
    history = client.get(f"/people/{world.victim.id}").get_data(as_text=True)
    assert "zhang" in history


def test_claim_request_rejected_with_a_reason_cancelled_and_sent_again(world, client, auth):
    auth.login("mallory")
    _en(client)
    client.post("/people/claim", data={"ask-national_id": world.victim.national_id, "ask-send": "1"})
    claim = db.session.execute(select(PersonClaim)).scalar_one()
    auth.login("eastorg")
    _en(client)
    refused = client.post(f"/people/claims/{claim.id}/decide", data={"decision": "reject", "reason": ""},
                          follow_redirects=True)
    assert "Give a reason" in refused.get_data(as_text=True)
    client.post(f"/people/claims/{claim.id}/decide", data={"decision": "reject", "reason": "身份证与本人不符"})
    auth.login("mallory")
    page = client.get("/people/claim").get_data(as_text=True)
    assert "身份证与本人不符" in page and "rejected" in page
    client.post("/people/claim", data={"ask-national_id": world.victim.national_id, "ask-send": "1"})
    again = db.session.execute(select(PersonClaim).where(PersonClaim.status == "pending")).scalar_one()
    client.post(f"/people/claim/{again.id}/cancel")
    db.session.expire_all()
    assert db.session.get(PersonClaim, again.id).status == "cancelled"
    assert db.session.get(Worker, world.victim.id).user_id is None


def test_a_wrong_claim_is_undone_by_unlinking(world, client, auth):
    world.victim.user_id = world.attacker.id
    db.session.commit()
    auth.login("eastorg")
    client.post(f"/people/{world.victim.id}/unlink", data={"unlink-reason": "认领人并非本人"})
    db.session.expire_all()
    assert db.session.get(Worker, world.victim.id).user_id is None
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "person.unlink")).scalar_one()
    assert entry.reason == "认领人并非本人" and entry.old_value == {"user": "mallory"}


def test_own_record_name_and_employer_change_only_through_the_organizer(world, client, auth):
    world.victim.user_id = world.owner.id
    db.session.commit()
    auth.login("zhang")
    _en(client)
    html = client.post(f"/registration/events/{world.open_ev.id}/register",
                       data=_reg_form(world.orgs, national_id=world.victim.national_id, name="张伟",
                                      employer="works")).get_data(as_text=True)
    assert "names 东区机床厂工会 as your employer" in html
    html = client.post(f"/registration/events/{world.open_ev.id}/register",
                       data=_reg_form(world.orgs, national_id=world.victim.national_id,
                                      name="张三")).get_data(as_text=True)
    assert "gives your name as 张伟" in html
    db.session.expire_all()
    victim = db.session.get(Worker, world.victim.id)
    assert victim.name == "张伟" and victim.employer_id == world.orgs["plant"].id
    assert _count(Registration, Registration.event_id == world.open_ev.id) == 0


def test_every_change_of_name_employer_or_id_is_audited_and_shown(world, client, auth):
    auth.login("eastorg")
    _en(client)
    old_id = world.victim.national_id
    new_id = make_national_id("370102", date(1991, 2, 3), 9, "female")
    response = client.post(f"/people/{world.victim.id}/change", data={
        "name": "张薇", "employer_id": str(world.orgs["plant"].id), "national_id": new_id,
        "reason": "身份证录入错误，按身份证更正"})
    assert response.status_code == 302
    db.session.expire_all()
    victim = db.session.get(Worker, world.victim.id)
    assert victim.name == "张薇" and victim.national_id == new_id and victim.gender == "female"
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "person.update")).scalar_one()
    assert entry.actor_id == world.east_org.id and entry.reason == "身份证录入错误，按身份证更正"
    assert entry.old_value == {"name": "张伟", "national_id": mask_national_id(old_id)}
    assert new_id not in str(entry.new_value)  # masked in the trail
    page = client.get(f"/people/{world.victim.id}").get_data(as_text=True)
    assert "身份证录入错误" in page and "Eastorg" in page and "张伟" in page
    missing_reason = client.post(f"/people/{world.victim.id}/change", data={
        "name": "张伟", "employer_id": str(world.orgs["plant"].id), "reason": ""})
    assert missing_reason.status_code == 400
    assert db.session.get(Worker, world.victim.id).name == "张薇"


def test_roster_rename_is_audited_with_the_row(world, client, auth):
    auth.login("eastorg")
    _en(client)
    row = roster_person(1, national_id=world.victim.national_id, name="张伟伟", born=BORN)
    row[2], row[3] = "男", BORN.isoformat()
    response = client.post(f"/registration/roster/competitions/{world.comp.id}",
                           data={"event_id": str(world.open_ev.id), "file": (io.BytesIO(xlsx([row])), "r.xlsx")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Imported 1 row" in response.get_data(as_text=True)
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "person.update")).scalar_one()
    assert entry.old_value == {"name": "张伟"} and entry.new_value == {"name": "张伟伟"}
    assert entry.actor_id == world.east_org.id and "row 2" in entry.reason


# ---- §2 recusal reads the facts as approved ---------------------------------------------------------

def test_found_a_pending_registration_elsewhere_does_not_open_recusal(world, client, auth):
    """FOUND §2: registering elsewhere naming another employer moved the worker; the recused judge got 201."""
    world.victim.user_id = world.owner.id
    db.session.commit()
    auth.login("j_plant")
    assert _mark(client, world.reg, world.crit["P1"]).status_code == 403
    auth.login("zhang")
    client.post(f"/registration/events/{world.open_ev.id}/register",
                data=_reg_form(world.orgs, national_id=world.victim.national_id, name="张伟", employer="works"))
    auth.login("j_plant")
    assert _mark(client, world.reg, world.crit["P1"]).status_code == 403
    sheet = client.get(f"/api/v1/judging/events/{world.ev.id}/sheet").get_json()
    assert [c["code"] for c in sheet["competitors"]] == ["K02"]
    assert _count(Mark) == 0


def test_recusal_reads_the_registration_not_the_live_profile(world, client, auth):
    """FOUND §2 (the kind): any write to the profile must not move an approved competitor out of recusal."""
    db.session.execute(Worker.__table__.update().where(Worker.id == world.victim.id)
                       .values(employer_id=world.orgs["works"].id))
    db.session.commit()
    auth.login("j_plant")
    assert _mark(client, world.reg, world.crit["P1"]).status_code == 403
    assert "K01" not in client.get(f"/judging/events/{world.ev.id}/tablet").get_data(as_text=True)
    auth.login("j_works")
    assert _mark(client, world.reg, world.crit["P1"]).status_code == 201


def test_results_and_exports_show_the_employer_as_approved(world, client, auth):
    from competitions.results.services import _people

    db.session.execute(Worker.__table__.update().where(Worker.id == world.victim.id)
                       .values(employer_id=world.orgs["works"].id))
    db.session.commit()
    assert _people([world.reg.id])[world.reg.id][3] == "东区机床厂工会"
    auth.login("cityorg")
    book = load_workbook(io.BytesIO(client.get(f"/registration/manage/competitions/{world.running.id}/export.xlsx")
                                    .data))
    rows = [[c.value for c in r] for r in book.active.iter_rows()]
    victim_row = next(r for r in rows if "张伟" in r)
    assert "东区机床厂工会" in victim_row and "西区电力公司工会" not in victim_row
    review = client.get(f"/registration/manage/competitions/{world.running.id}").get_data(as_text=True)
    assert f'href="/people/{world.victim.id}"' in review  # the organizer reaches the person's page and history


def test_approval_freezes_the_stated_facts(world, client, auth):
    world.victim.user_id = world.owner.id
    db.session.commit()
    auth.login("zhang")
    client.post(f"/registration/events/{world.open_ev.id}/register",
                data=_reg_form(world.orgs, national_id=world.victim.national_id, name="张伟", skill_level="2"))
    reg = db.session.execute(select(Registration).where(Registration.event_id == world.open_ev.id)).scalar_one()
    assert reg.employer_id == world.orgs["plant"].id and reg.skill_level == 2
    auth.login("cityorg")
    client.post(f"/registration/manage/competitions/{world.comp.id}/decide",
                data={"ids": str(reg.id), "decision": "approve", "reason": ""})
    db.session.expire_all()
    reg = db.session.get(Registration, reg.id)
    assert reg.status == "approved" and reg.employer_parent_id == world.orgs["east"].id
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "registration.approve")).scalar_one()
    assert entry.new_value["employer_id"] == world.orgs["plant"].id and entry.new_value["skill_level"] == 2


def test_employer_change_by_the_organizer_reruns_recusal_and_tells_the_chief(world, client, auth):
    auth.login("j_works")
    assert _mark(client, world.reg, world.crit["P1"], "7").status_code == 201
    auth.login("cityorg")
    _en(client)
    response = client.post(f"/people/{world.victim.id}/change", data={
        "name": "张伟", "employer_id": str(world.orgs["works"].id), "reason": "调入西区电力公司"},
        follow_redirects=True)
    assert "chief judges have been told" in response.get_data(as_text=True)
    db.session.expire_all()
    reg = db.session.get(Registration, world.reg.id)
    assert reg.employer_id == world.orgs["works"].id and reg.employer_parent_id == world.orgs["west"].id
    change = db.session.execute(select(FactChange)).scalar_one()
    assert change.recusal == {"recused": [world.j_works.id], "cleared": [world.j_plant.id], "marks_by_recused": 1}
    audit = {e.action for e in db.session.execute(select(AuditEntry)).scalars()}
    assert {"person.update", "registration.facts", "recusal.recheck"} <= audit
    auth.login("j_works")
    assert _mark(client, world.reg, world.crit["P2"]).status_code == 403
    auth.login("j_plant")
    assert _mark(client, world.reg, world.crit["P1"]).status_code == 201
    auth.login("chief")
    _en(client)
    page = client.get(f"/judging/events/{world.ev.id}/chief").get_data(as_text=True)
    assert "employer changed from 东区机床厂工会 to 西区电力公司工会" in page and "调入西区电力公司" in page
    assert "Now recused: J_Works" in page and "No longer recused: J_Plant" in page
    assert "already entered 1 mark(s)" in page
    client.post(f"/judging/events/{world.ev.id}/chief/fact-changes/read")
    db.session.expire_all()
    assert db.session.get(FactChange, change.id).read_by_id == world.chief.id
    assert 'id="fact-changes-read"' not in client.get(f"/judging/events/{world.ev.id}/chief").get_data(as_text=True)


def test_employer_change_command(world, runner):
    result = runner.invoke(args=["people", "change", world.victim.national_id, "--as", "cityorg",
                                 "--employer", "西区电力公司工会", "--reason", "调动"])
    assert result.exit_code == 0, result.output
    assert "recusal checked again in 1 event(s)" in result.output
    assert db.session.get(Registration, world.reg.id).employer_id == world.orgs["works"].id
    refused = runner.invoke(args=["people", "change", world.victim.national_id, "--as", "eastorg",
                                  "--employer", "东区机床厂工会", "--reason", "再调"])
    assert refused.exit_code != 0  # the person now belongs to the west district


def test_claim_commands(world, runner):
    issued = runner.invoke(args=["people", "claim-code", world.victim.national_id, "--as", "eastorg"])
    assert issued.exit_code == 0 and re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\n", issued.output)
    refused = runner.invoke(args=["people", "claim-code", world.victim.national_id, "--as", "westorg"])
    assert refused.exit_code != 0
    claim = people.request_claim(world.owner, world.victim.national_id, "", utcnow())
    db.session.commit()
    listed = runner.invoke(args=["people", "claims", "--as", "eastorg"])
    assert "张伟" in listed.output and "zhang" in listed.output
    decided = runner.invoke(args=["people", "decide-claim", str(claim.id), "approve", "--as", "eastorg"])
    assert decided.exit_code == 0, decided.output
    assert db.session.get(Worker, world.victim.id).user_id == world.owner.id


# ---- §3 an organizer acts only inside its own subtree -------------------------------------------------

def _upload(client, comp, ev, rows):
    _en(client)
    return client.post(f"/registration/roster/competitions/{comp.id}",
                       data={"event_id": str(ev.id), "file": (io.BytesIO(xlsx(rows)), "roster.xlsx")},
                       content_type="multipart/form-data", follow_redirects=True)


def _row_of(worker, employer_name, *, name=None):
    row = roster_person(1, national_id=worker.national_id, name=name or worker.name, born=worker.birth_date,
                        employer=employer_name)
    row[2] = "男" if worker.gender == "male" else "女"
    row[3] = worker.birth_date.isoformat()
    return row


def test_found_district_roster_cannot_move_another_districts_worker(world, client, auth):
    """FOUND §3: a district's roster renamed another district's worker and moved them into its enterprise."""
    west_worker = f.worker(world.orgs["works"], name="李四", born=date(1985, 3, 4))
    db.session.commit()
    auth.login("eastorg")
    html = _upload(client, world.comp, world.open_ev, [_row_of(west_worker, "东区机床厂工会", name="王五")]
                   ).get_data(as_text=True)
    assert "belongs to an organization outside yours" in html and "nothing was imported" in html
    assert re.search(r"<td[^>]*>\s*2\s*</td>\s*<td[^>]*>\s*National ID number", html)
    db.session.expire_all()
    unchanged = db.session.get(Worker, west_worker.id)
    assert unchanged.name == "李四" and unchanged.employer_id == world.orgs["works"].id
    assert _count(Registration, Registration.worker_id == west_worker.id) == 0


def test_a_competition_manager_is_held_to_its_own_subtree_too(world, client, auth):
    east_comp, east_ev = f.open_competition(world.orgs["east"])
    west_worker = f.worker(world.orgs["works"], name="李四", born=date(1985, 3, 4))
    db.session.commit()
    auth.login("eastorg")  # manages the east district's contest
    html = _upload(client, east_comp, east_ev, [_row_of(west_worker, "东区机床厂工会")]).get_data(as_text=True)
    assert "belongs to an organization outside yours" in html
    assert db.session.get(Worker, west_worker.id).employer_id == world.orgs["works"].id


def test_the_city_organizer_may_move_a_worker_without_approved_facts_audited(world, client, auth):
    west_worker = f.worker(world.orgs["works"], name="李四", born=date(1985, 3, 4))
    db.session.commit()
    auth.login("cityorg")
    html = _upload(client, world.comp, world.open_ev, [_row_of(west_worker, "东区机床厂工会")]).get_data(as_text=True)
    assert "Imported 1 row" in html
    assert db.session.get(Worker, west_worker.id).employer_id == world.orgs["plant"].id
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "person.update")).scalar_one()
    assert entry.old_value == {"employer_id": world.orgs["works"].id}


def test_a_roster_cannot_change_an_employer_frozen_by_approval(world, client, auth):
    auth.login("cityorg")
    html = _upload(client, world.comp, world.open_ev, [_row_of(world.victim, "西区电力公司工会")]
                   ).get_data(as_text=True)
    assert "approved registrations whose employer is fixed" in html
    assert db.session.get(Worker, world.victim.id).employer_id == world.orgs["plant"].id


@pytest.mark.parametrize("who, status", [("eastorg", 200), ("cityorg", 200), ("root", 200), ("westorg", 404)])
def test_person_pages_and_writes_only_inside_the_subtree(world, client, auth, who, status):
    auth.login(who)
    assert client.get(f"/people/{world.victim.id}").status_code == status
    listed = client.get("/people/?q=张伟").get_data(as_text=True)
    assert (">张伟</a>" in listed) == (status == 200)
    if status == 404:
        assert client.post(f"/people/{world.victim.id}/change", data={
            "name": "X", "employer_id": str(world.orgs["works"].id), "reason": "r"}).status_code == 404
        assert client.post(f"/people/{world.victim.id}/claim-code").status_code == 404
        assert client.post(f"/people/{world.victim.id}/unlink", data={"unlink-reason": "r"}).status_code == 404
        db.session.expire_all()
        victim = db.session.get(Worker, world.victim.id)
        assert victim.name == "张伟" and victim.claim_code_hash is None


def test_an_organizer_cannot_move_a_person_out_of_its_subtree(world, client, auth):
    auth.login("eastorg")
    _en(client)
    response = client.post(f"/people/{world.victim.id}/change", data={
        "name": "张伟", "employer_id": str(world.orgs["works"].id), "reason": "调动"})
    assert response.status_code in (200, 400)  # the west district's enterprise is not even offered
    db.session.expire_all()
    assert db.session.get(Worker, world.victim.id).employer_id == world.orgs["plant"].id
    with pytest.raises(Exception, match="outside your organization"):
        people.change_person(world.victim, world.east_org, reason="调动", employer_id=world.orgs["works"].id,
                             now=utcnow())


def test_self_registration_creates_only_the_registrants_own_new_record(world, client, auth):
    auth.login("mallory")
    number = make_national_id("370102", BORN, 77, "male")
    assert client.post(f"/registration/events/{world.open_ev.id}/register",
                       data=_reg_form(world.orgs, national_id=number, name="马乐")).status_code == 302
    created = registration_services.worker_by_national_id(number)
    assert created.user_id == world.attacker.id
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "person.create")).scalar_one()


def test_claim_slips_for_a_competitions_roster_people(world, client, auth):
    """After a roster import the organizer issues claim codes for its people without an account (one sheet)."""
    auth.login("eastorg")
    _en(client)
    roster = client.get(f"/registration/roster/competitions/{world.running.id}").get_data(as_text=True)
    link = f"/people/?competition={world.running.id}&amp;unclaimed=1"
    assert link in roster
    listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert ">张伟</a>" in listed and ">李电力</a>" not in listed  # the works' worker is outside the east district
    response = client.post("/people/claim-codes.xlsx", data={"competition": str(world.running.id),
                                                             "unclaimed": "1"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(response.data)).active.iter_rows()]
    assert rows[0][3] == "Claim code" and len(rows) == 2
    name, masked, employer, code, _until = rows[1]
    assert name == "张伟" and masked == mask_national_id(world.victim.national_id) and employer == "东区机床厂工会"
    auth.login("zhang")
    client.post("/people/claim", data={"code-national_id": world.victim.national_id, "code-code": code,
                                       "code-claim": "1"})
    db.session.expire_all()
    assert db.session.get(Worker, world.victim.id).user_id == world.owner.id
    auth.login("eastorg")
    nothing = client.post("/people/claim-codes.xlsx", data={"competition": str(world.running.id),
                                                            "unclaimed": "1"}, follow_redirects=True)
    assert "there is no claim code to issue" in nothing.get_data(as_text=True)


def test_an_administrator_may_change_anyone_through_a_roster_audited(world, client, auth):
    west_worker = f.worker(world.orgs["works"], name="李四", born=date(1985, 3, 4))
    db.session.commit()
    auth.login("root")
    html = _upload(client, world.comp, world.open_ev, [_row_of(west_worker, "东区机床厂工会", name="李思")]
                   ).get_data(as_text=True)
    assert "Imported 1 row" in html
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "person.update")).scalar_one()
    assert entry.actor_id == world.admin.id
    assert entry.new_value == {"name": "李思", "employer_id": world.orgs["plant"].id}


def test_an_organizer_without_an_organization_changes_no_one(world, client, auth):
    f.user("orphan", "organizer")
    db.session.commit()
    auth.login("orphan")
    assert ">张伟</a>" not in client.get("/people/").get_data(as_text=True)
    assert client.get(f"/people/{world.victim.id}").status_code == 404
    assert people.acting_scope(db.session.execute(select(people.User).where(people.User.username == "orphan"))
                               .scalar_one()) == set()
