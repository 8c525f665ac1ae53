"""Roster import: template, real .xlsx and CSV uploads, every bad input, safety limits, re-import updates."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import openpyxl.xml
import pytest
from flask_babel import refresh
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from competitions.domain.identity import make_national_id
from competitions.extensions import db
from competitions.orgs.models import Worker
from competitions.registration.importer import COLUMNS
from competitions.registration.models import Registration
from tests import factories as f

HEADERS = [f"{c.zh}\n{c.en}" for c in COLUMNS]


def person(i, *, employer="东区机床厂工会", gender="male", born=date(1990, 1, 1), **change):
    """One roster row as the clerk types it (in COLUMNS order)."""
    born = born + timedelta(days=i)
    row = {
        "national_id": make_national_id("370102", born, i % 500, gender), "name": f.worker_name(i),
        "gender": "男" if gender == "male" else "女", "birth_date": born.isoformat(), "phone": "13800000000",
        "employer": employer, "skill_level": "3 高级工", "certificate_no": f"C{i:04d}",
    }
    row.update(change)
    return [row[c.key] for c in COLUMNS]


def xlsx(rows, *, headers=HEADERS, extra_sheet=False, merge=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "roster"
    ws.append(headers)
    for row in rows:
        ws.append(row)
    if extra_sheet:
        wb.create_sheet("备注").append(["随便写点"])
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([h.replace("\n", " ") for h in HEADERS])
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def setup(app):
    orgs = f.org_tree()
    f.user("boss", "organizer", org=orgs["city"])
    f.user("clerk", "organizer", org=orgs["plant"])
    comp, ev = f.open_competition(orgs["city"])
    db.session.commit()
    return {"orgs": orgs, "comp": comp, "event": ev}


def upload(client, setup, data: bytes, filename="roster.xlsx", *, lang="en"):
    client.post("/lang", data={"lang": lang})
    refresh()  # the app context, with Flask-Babel's cached locale, outlives each request in these tests
    return client.post(f"/registration/roster/competitions/{setup['comp'].id}",
                       data={"event_id": str(setup["event"].id), "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data", follow_redirects=True)


def count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_template_has_both_languages_text_ids_and_drop_downs(client, auth, setup):
    auth.login("boss")
    response = client.get(f"/registration/roster/competitions/{setup['comp'].id}/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    ws = wb["roster"]
    headers = [c.value for c in ws[1]]
    assert headers[0] == "身份证号\nNational ID number" and "工作单位\nEmployer" in headers
    assert ws["A2"].number_format == "@"
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"男,女"' in formulas and any("lists!$A$1" in f for f in formulas)
    assert wb["lists"].sheet_state == "hidden"
    assert "东区机床厂工会" in [c.value for c in wb["lists"]["A"]]


def test_the_filled_template_imports(client, auth, setup):
    auth.login("boss")
    template = load_workbook(io.BytesIO(
        client.get(f"/registration/roster/competitions/{setup['comp'].id}/template.xlsx").data))
    for i in range(3):
        template["roster"].append(person(i))
    out = io.BytesIO()
    template.save(out)
    html = upload(client, setup, out.getvalue()).get_data(as_text=True)
    assert "Imported 3 row(s): 3 new" in html
    assert count(Registration) == 3


def test_valid_roster_is_imported_and_importing_again_updates(client, auth, setup):
    auth.login("boss")
    rows = [person(i) for i in range(5)]
    html = upload(client, setup, xlsx(rows)).get_data(as_text=True)
    assert "Imported 5 row(s): 5 new, 0 updated" in html
    assert count(Worker) == 5 and count(Registration) == 5
    rows[0][4] = "13999999999"
    html = upload(client, setup, xlsx(rows)).get_data(as_text=True)
    assert "0 new, 5 updated" in html
    assert count(Worker) == 5 and count(Registration) == 5
    worker = db.session.execute(select(Worker).where(Worker.name == "职工零")).scalar_one()
    assert worker.phone == "13999999999" and worker.skill_level == 3
    assert {r.source for r in db.session.execute(select(Registration)).scalars()} == {"roster"}


def test_csv_in_gb18030_is_imported(client, auth, setup):
    auth.login("boss")
    html = upload(client, setup, csv_bytes([person(i) for i in range(2)], "gb18030"), "roster.csv")
    assert "Imported 2 row(s)" in html.get_data(as_text=True)


def test_every_bad_row_is_listed_and_nothing_is_saved(client, auth, setup):
    auth.login("boss")
    good = person(1)
    bad_checksum = person(2)
    bad_checksum[0] = bad_checksum[0][:17] + ("0" if bad_checksum[0][17] != "0" else "1")
    rows = [
        good,
        bad_checksum,
        person(3, birth_date="1980-01-01"),
        person(4, birth_date="04/01/1990"),
        person(5, employer="东区机床厂"),
        list(good),
        person(7, gender="female", skill_level="十级"),
    ]
    html = upload(client, setup, xlsx(rows)).get_data(as_text=True)
    assert "problem(s) found; nothing was imported" in html
    assert "check digit is wrong" in html
    assert "contradicts the identity number" in html
    assert "Write the date as YYYY-MM-DD" in html
    assert "Did you mean: 东区机床厂工会?" in html
    assert "already appears in row 2 of the file" in html
    # Issue 11 §4: the uploader sees the ID number as typed in their own file, to find the wrong digit.
    assert bad_checksum[0] in html
    assert "Choose a skill level from the list" in html
    assert "<td class=\"num\">3</td>" in html and "<td class=\"num\">7</td>" in html
    assert count(Worker) == 0 and count(Registration) == 0


def test_messages_come_in_chinese_too(client, auth, setup):
    auth.login("boss")
    html = upload(client, setup, xlsx([person(1, employer="东区机床厂")]), lang="zh").get_data(as_text=True)
    assert "未找到该工作单位" in html and "工作单位" in html


def test_id_number_typed_as_a_number_is_flagged(client, auth, setup):
    auth.login("boss")
    row = person(1)
    row[0] = int(row[0][:15])
    html = upload(client, setup, xlsx([row])).get_data(as_text=True)
    assert "stored as a number" in html


def test_person_outside_the_organizing_tree_is_refused(client, auth, app):
    orgs = f.org_tree()
    f.user("boss", "organizer", org=orgs["city"])
    comp, ev = f.open_competition(orgs["east"])
    db.session.commit()
    auth.login("boss")
    html = upload(client, {"comp": comp, "event": ev}, xlsx([person(1, employer="西区电力公司工会")]))
    assert "the employer is not one of them" in html.get_data(as_text=True)
    assert count(Registration) == 0


def test_roster_beyond_capacity_goes_to_the_waiting_list(client, auth, setup):
    setup["event"].capacity = 2
    db.session.commit()
    auth.login("boss")
    html = upload(client, setup, xlsx([person(i) for i in range(3)])).get_data(as_text=True)
    assert "1 on the waiting list" in html
    statuses = sorted(r.status for r in db.session.execute(select(Registration)).scalars())
    assert statuses == ["pending", "pending", "waitlisted"]


def test_import_after_the_deadline_is_refused(client, auth, setup):
    setup["comp"].registration_closes_at = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    auth.login("boss")
    html = upload(client, setup, xlsx([person(1)])).get_data(as_text=True)
    assert "Registration closed at" in html
    assert count(Registration) == 0


def test_enterprise_clerk_imports_own_workers_only_and_cannot_review(client, auth, setup):
    auth.login("clerk")
    html = upload(client, setup, xlsx([person(1, employer="西区电力公司工会")])).get_data(as_text=True)
    assert "only workers of your own organization" in html
    assert count(Registration) == 0
    html = upload(client, setup, xlsx([person(1)])).get_data(as_text=True)
    assert "Imported 1 row(s)" in html
    assert client.get(f"/registration/manage/competitions/{setup['comp'].id}").status_code == 404


@pytest.mark.parametrize("data, filename, message", [
    (b"PK\x03\x04 this is not really a zip", "roster.xlsx", "The file is damaged"),
    (b"%PDF-1.4 whatever", "roster.pdf", "Upload an .xlsx workbook or a .csv file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "roster.xls", "old-style .xls file"),
    (b"%PDF-1.4 whatever", "roster.xlsx", "not a valid .xlsx workbook"),
    (b"", "roster.csv", "The file is empty"),
])
def test_wrong_or_corrupt_files_get_a_clear_message(client, auth, setup, data, filename, message):
    auth.login("boss")
    response = upload(client, setup, data, filename)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_missing_headers_are_named(client, auth, setup):
    auth.login("boss")
    html = upload(client, setup, xlsx([["x", "y"]], headers=["姓名", "电话"])).get_data(as_text=True)
    assert "lacks the column(s)" in html and "身份证号" in html


def test_merged_cells_and_extra_sheets_are_refused(client, auth, setup):
    auth.login("boss")
    html = upload(client, setup, xlsx([person(1), person(2)], merge="F2:F3")).get_data(as_text=True)
    assert "merged cells (F2:F3)" in html
    html = upload(client, setup, xlsx([person(1)], extra_sheet=True)).get_data(as_text=True)
    assert "extra sheets (备注)" in html
    assert count(Registration) == 0


def test_zip_bomb_is_refused_before_openpyxl(client, auth, app_factory, tmp_path):
    app = app_factory(ROSTER_MAX_UNCOMPRESSED_BYTES=2 * 1024 * 1024)
    with app.app_context():
        orgs = f.org_tree()
        f.user("boss", "organizer", org=orgs["city"])
        comp, ev = f.open_competition(orgs["city"])
        db.session.commit()
        client = app.test_client()
        client.post("/auth/login", data={"username": "boss", "password": "lathe-bench-2026"})
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
        assert len(bomb.getvalue()) < 100 * 1024
        html = upload(client, {"comp": comp, "event": ev}, bomb.getvalue()).get_data(as_text=True)
        assert "would unpack to more than 2 MB" in html


def test_row_and_size_limits(client, auth, app_factory):
    app = app_factory(ROSTER_MAX_ROWS=3, ROSTER_MAX_FILE_BYTES=1024 * 1024)
    with app.app_context():
        orgs = f.org_tree()
        f.user("boss", "organizer", org=orgs["city"])
        comp, ev = f.open_competition(orgs["city"])
        db.session.commit()
        client = app.test_client()
        client.post("/auth/login", data={"username": "boss", "password": "lathe-bench-2026"})
        target = {"comp": comp, "event": ev}
        html = upload(client, target, xlsx([person(i) for i in range(4)])).get_data(as_text=True)
        assert "The sheet reaches row 5" in html and "at most 3 rows can be imported at once" in html
        html = upload(client, target, b"a" * (1024 * 1024 + 1), "big.csv").get_data(as_text=True)
        assert "The file is larger than 1 MB." in html


def test_cli_import_reports_rows_and_saves(runner, setup, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([person(i) for i in range(2)]))
    result = runner.invoke(args=["registration", "import", str(setup["event"].id), str(path), "--as", "boss"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 row(s)" in result.output
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([person(5, birth_date="1970-01-01")]))
    result = runner.invoke(args=["registration", "import", str(setup["event"].id), str(bad), "--as", "boss"])
    assert result.exit_code == 1 and "contradicts" in result.output
