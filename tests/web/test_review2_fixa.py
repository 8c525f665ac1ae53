"""review2 M1-M4, M13, L17: what reaches the registration form, the roster import and the person page.

Each test is one finding of /work/team/notes/review2.md, checked as the worker or the clerk would notice it.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.domain.identity import make_national_id
from competitions.extensions import db
from competitions.orgs.models import Worker
from competitions.registration.models import Registration
from tests import factories as f
from tests.web.test_registration import _form
from tests.web.test_roster_import import csv_bytes, person, upload, xlsx

BORN = date(1990, 5, 17)


def _count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


@pytest.fixture
def world(app):
    orgs = f.org_tree()
    f.user("boss", "organizer", org=orgs["city"])
    wang = f.user("wang", "competitor", org=orgs["plant"])
    f.user("newbie", "competitor", org=orgs["plant"])
    comp, ev = f.open_competition(orgs["city"])
    own = f.worker(orgs["plant"], name="王强", user_account=wang)
    db.session.commit()
    return {"orgs": orgs, "comp": comp, "event": ev, "own": own}


def _register(client, world, **change):
    client.post("/lang", data={"lang": change.pop("lang", "en")})
    change.setdefault("national_id", world["own"].national_id)
    change.setdefault("born", world["own"].birth_date)
    data = _form(world["orgs"], **change)
    return client.post(f"/registration/events/{world['event'].id}/register", data=data,
                       follow_redirects=True).get_data(as_text=True)


# ---- M4: invisible format characters ------------------------------------------------------------

def test_a_soft_hyphen_and_zero_width_space_pasted_into_a_roster_name_are_removed(client, auth, world):
    auth.login("boss")
    html = upload(client, world, xlsx([person(0, name="张\u00ad三\u200b", phone="\ufeff13800000000")])
                  ).get_data(as_text=True)
    assert "Imported 1 row(s)" in html
    stored = db.session.execute(select(Worker).where(Worker.id != world["own"].id)).scalar_one()
    assert (stored.name, stored.phone) == ("张三", "13800000000")


def test_the_registration_form_removes_a_zero_width_space_and_names_other_format_characters(client, auth, world):
    auth.login("newbie")
    page = _register(client, world, national_id=make_national_id("370102", BORN, 9, "male"), name="赵\u2061伟")
    assert "Full name contains a control character (U+2061)" in page
    _register(client, world, national_id=make_national_id("370102", BORN, 9, "male"), name="赵\u200b伟\u00ad")
    assert db.session.execute(select(Worker.name).where(Worker.user_id.is_not(None),
                                                        Worker.id != world["own"].id)).scalar_one() == "赵伟"


# ---- M3: too long cells are row errors ----------------------------------------------------------

@pytest.mark.parametrize("column, value, limit", [("phone", "1" * 400, 30), ("certificate_no", "Z" * 51, 50),
                                                  ("name", "王" * 101, 100)])
def test_a_too_long_roster_cell_is_a_row_error_naming_row_and_column_and_nothing_is_imported(
        client, auth, world, column, value, limit):
    auth.login("boss")
    html = upload(client, world, xlsx([person(1), person(2, **{column: value})])).get_data(as_text=True)
    assert f"This cell has {len(value)} characters; at most {limit} fit in this column." in html
    label = {"phone": "Phone", "certificate_no": "Certificate number", "name": "Full name"}[column]
    assert f'<td class="num">3</td><td>{label}</td>' in html   # the second person is row 3 of the sheet
    assert "nothing was imported" in html and _count(Worker) == 1 and _count(Registration) == 0


@pytest.mark.parametrize("phone", ["见备注", "1380000000a", "12345"])
def test_a_roster_phone_that_is_no_phone_number_is_a_row_error_as_on_the_form(client, auth, world, phone):
    auth.login("boss")
    html = upload(client, world, xlsx([person(1, phone=phone)])).get_data(as_text=True)
    assert "Enter a phone number (digits only)." in html and _count(Worker) == 1


def test_a_full_width_roster_phone_is_stored_in_ascii(client, auth, world):
    auth.login("boss")
    upload(client, world, xlsx([person(1, phone="１３８ ０００ ０００００")]))
    assert db.session.execute(select(Worker.phone).where(Worker.id != world["own"].id)).scalar_one() == \
        "138 000 00000"


def test_a_too_long_unit_name_in_the_labour_units_import_is_a_row_error(app):
    from competitions.domain.errors import ValidationErrors
    from competitions.labour.setup import import_units

    competition = f.labour_world()["competition"]
    data = "单位代码,单位名称\nZ01,一标段\nZ02," + "长" * 201 + "\n"
    with pytest.raises(ValidationErrors) as caught:
        import_units(competition, data.encode("utf-8-sig"), "units.csv", actor=None)
    assert [(p["row"], p["params"]) for p in caught.value.problems] == [(3, {"max": 200})]


# ---- L17: what cannot be a person's name --------------------------------------------------------

@pytest.mark.parametrize("name, shown", [("<img src=x onerror=alert(1)>", "“&lt;”"),
                                         ('王<font size="40">五</font>', "“&lt;”"), ("=赵新", "“=”")])
def test_roster_names_that_cannot_be_names_are_row_errors(client, auth, world, name, shown):
    auth.login("boss")
    html = upload(client, world, csv_bytes([person(0, name=name)]), "roster.csv").get_data(as_text=True)
    assert f"A name may not contain {shown}" in html and _count(Worker) == 1


def test_the_registration_form_refuses_markup_in_the_name_in_both_languages(client, auth, world):
    auth.login("newbie")
    number = make_national_id("370102", BORN, 9, "male")
    assert "A name may not contain “=”" in _register(client, world, national_id=number, name="=赵新")
    assert "姓名不能包含“=”" in _register(client, world, national_id=number, name="=赵新", lang="zh")
    assert _count(Worker) == 1


def test_the_person_page_refuses_a_name_with_markup(client, auth, world):
    auth.login("boss")
    client.post("/lang", data={"lang": "en"})
    page = client.post(f"/people/{world['own'].id}/change", data={"name": "王<b>强</b>", "reason": "更正"},
                       follow_redirects=True).get_data(as_text=True)
    assert "A name may not contain “&lt;” “&gt;” “/”" in page
    db.session.expire_all()
    assert db.session.get(Worker, world["own"].id).name == "王强"


# ---- M13: a roster never renames a person with an account ---------------------------------------

def _row_for(worker, **change):
    return person(0, born=worker.birth_date, national_id=worker.national_id, **change)


def test_a_roster_cannot_rename_a_person_who_has_an_account(client, auth, world):
    auth.login("boss")
    html = upload(client, world, xlsx([_row_for(world["own"], name="王强改")])).get_data(as_text=True)
    assert "This person has an account, and their record gives the name 王强" in html
    assert "nothing was imported" in html
    db.session.expire_all()
    assert db.session.get(Worker, world["own"].id).name == "王强" and _count(Registration) == 0


def test_the_same_name_spelt_with_a_space_keeps_the_record_spelling(client, auth, world):
    auth.login("boss")
    html = upload(client, world, xlsx([_row_for(world["own"], name="王 强")])).get_data(as_text=True)
    assert "Imported 1 row(s)" in html
    db.session.expire_all()
    assert db.session.get(Worker, world["own"].id).name == "王强"


def test_a_renamed_person_without_an_account_is_listed_row_by_row(client, auth, world):
    other = f.worker(world["orgs"]["plant"], name="李四")
    db.session.commit()
    auth.login("boss")
    html = upload(client, world, xlsx([_row_for(other, name="李思")])).get_data(as_text=True)
    assert "Names changed by this file" in html and "row 2: 李四 → 李思" in html


# ---- M1: one answer for every number that is not one's own ---------------------------------------

def test_a_linked_worker_gets_one_answer_for_any_number_not_their_own(client, auth, world):
    other_account = f.worker(world["orgs"]["plant"], name="李娜", user_account=f.user("li", "competitor"))
    roster_only = f.worker(world["orgs"]["plant"], name="赵磊")
    db.session.commit()
    auth.login("wang")
    answers = set()
    for number, born in [(other_account.national_id, other_account.birth_date),
                         (roster_only.national_id, roster_only.birth_date),
                         (make_national_id("110101", date(1990, 1, 1), 123, "male"), date(1990, 1, 1))]:
        page = _register(client, world, national_id=number, born=born)
        assert "Your account is linked to the identity number" in page
        answers.add(page.split('role="alert"', 1)[1].split("</div>", 1)[0])
    assert len(answers) == 1 and _count(Registration) == 0


def test_a_new_account_gets_one_answer_for_an_account_and_a_roster_record_and_it_is_throttled(client, auth, world):
    other_account = f.worker(world["orgs"]["plant"], name="李娜", user_account=f.user("li", "competitor"))
    roster_only = f.worker(world["orgs"]["plant"], name="赵磊")
    db.session.commit()
    auth.login("newbie")
    pages = [_register(client, world, national_id=w.national_id, born=w.birth_date, name=w.name)
             for w in (other_account, roster_only)]
    assert all("A record with this identity number already exists" in p for p in pages)
    assert "belongs to another person" not in pages[0]
    for _ in range(5):
        page = _register(client, world, national_id=roster_only.national_id, born=roster_only.birth_date)
    assert "Too many attempts to claim a record" in page


# ---- M2: a rejected registration has a way out ---------------------------------------------------

def _rejected(client, auth, world, reason="技能等级证书未上传，请补充"):
    auth.login("wang")
    _register(client, world)
    auth.logout()
    registration = db.session.execute(select(Registration)).scalar_one()
    auth.login("boss")
    client.post(f"/registration/manage/competitions/{world['comp'].id}/decide",
                data={"ids": [str(registration.id)], "decision": "reject", "reason": reason})
    auth.logout()
    db.session.expire_all()
    assert registration.status == "rejected"
    return registration


def test_a_rejected_worker_corrects_and_submits_again_and_the_organizer_decides_again(client, auth, world):
    registration = _rejected(client, auth, world)
    auth.login("wang")
    client.post("/lang", data={"lang": "zh"})
    mine = client.get("/registration/mine").get_data(as_text=True)
    assert "技能等级证书未上传，请补充" in mine and "修改后重新提交" in mine
    competition_page = client.get(f"/registration/competitions/{world['comp'].id}").get_data(as_text=True)
    assert "修改后重新提交" in competition_page
    form_page = client.get(f"/registration/events/{world['event'].id}/register").get_data(as_text=True)
    assert "主办方未通过您的报名" in form_page and 'name="national_id"' in form_page
    _register(client, world, certificate_no="ZS-002", lang="zh")
    db.session.expire_all()
    assert (registration.status, registration.decision_reason) == ("pending", "")
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "registration.resubmit")).scalar_one()
    assert entry.old_value == {"status": "rejected", "reason": "技能等级证书未上传，请补充"}


def test_after_the_deadline_a_rejected_worker_is_told_whom_to_ask(client, auth, world):
    from datetime import timedelta

    from competitions.db import utcnow

    _rejected(client, auth, world)
    world["comp"].registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.login("wang")
    client.post("/lang", data={"lang": "en"})
    mine = client.get("/registration/mine").get_data(as_text=True)
    assert "contact the organizer: they can still approve your registration" in mine
    assert "Correct and submit again" not in mine
