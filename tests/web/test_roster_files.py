"""Roster files as clerks really make them (issue 11 §4) and as an attacker makes them (issue 9 §5).

The worst-case workbooks are built here, byte by byte where openpyxl would not write them: a single cell
at J1048576 (with an honest and with a lying <dimension>), and a shared-strings part that unpacks to
megabytes of tiny strings. Memory is measured in a child process (its peak resident size), so the test
sees what a gunicorn worker would.
"""
# ruff: noqa: F811 - ``setup`` is the roster tests' fixture, imported from their module

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from competitions.domain.identity import make_national_id, mask_national_id
from competitions.extensions import db
from competitions.orgs.models import Worker
from competitions.registration.importer import COLUMNS, TEMPLATE_COLUMNS
from competitions.registration.models import Registration
from tests import factories as f
from tests.web.test_roster_import import HEADERS, csv_bytes, person, setup, upload, xlsx  # noqa: F401 - setup is a fixture

BORN = date(1990, 1, 2)


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _zip(parts: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _minimal_xlsx(sheet_xml: str, shared_strings: str | None = None) -> bytes:
    """A valid .xlsx made of the smallest parts Excel needs, around the given sheet (and shared strings)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'spreadsheetml.sheet.main+xml"/>'
             '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.spreadsheetml.worksheet+xml"/>'
             + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sharedStrings+xml"/>' if shared_strings else "")
             + '</Types>')
    parts = {
        "[Content_Types].xml": types,
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
                       'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
                           '<sheet name="roster" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                                      f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
                                      'Target="worksheets/sheet1.xml"/>'
                                      + (f'<Relationship Id="rId2" Type="{rel}/sharedStrings" '
                                         'Target="sharedStrings.xml"/>' if shared_strings else "")
                                      + '</Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared_strings:
        parts["xl/sharedStrings.xml"] = shared_strings
    return _zip(parts)


def _sheet(dimension: str | None, rows: str) -> str:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0"?><worksheet xmlns="{ns}">{dim}<sheetData>{rows}</sheetData></worksheet>'


FAR_CELL = '<row r="1048576"><c r="J1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def _measure(data: bytes) -> dict:
    """Read ``data`` as a roster in a fresh process; its peak memory growth (MB), seconds and answer."""
    script = textwrap.dedent("""
        import json, resource, sys, time
        from competitions import create_app
        from competitions.domain.errors import ValidationErrors
        from competitions.registration.importer import read_roster
        data = sys.stdin.buffer.read()
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
        with app.app_context():
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            start = time.perf_counter()
            try:
                rows = read_roster(data, "roster.xlsx")
                answer = f"{len(rows)} rows"
            except ValidationErrors as error:
                answer = error.problems[0]["message"] % error.problems[0]["params"]
            seconds = time.perf_counter() - start
            grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        print(json.dumps({"mb": grown, "seconds": seconds, "answer": answer}))
    """)
    done = subprocess.run([sys.executable, "-c", script], input=data, capture_output=True, timeout=300, check=True)
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


# ---- issue 9 §5: uploads cannot exhaust the server ------------------------------------------------

@pytest.mark.parametrize("dimension", ["A1:J1048576", "A1", None])
def test_a_single_cell_at_J1048576_is_refused_without_growing_the_worker(dimension):
    data = _minimal_xlsx(_sheet(dimension, '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
                                           + FAR_CELL))
    assert len(data) < 5 * 1024
    result = _measure(data)
    assert "reaches row 1048576" in result["answer"] and "J1048576" in result["answer"]
    assert result["mb"] < 200


def test_a_far_column_is_refused_naming_it():
    data = _minimal_xlsx(_sheet(None, '<row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>'))
    assert "reaches column XFD" in _measure(data)["answer"]


@pytest.mark.parametrize("declared", [True, False])
def test_shared_strings_that_unpack_to_megabytes_of_tiny_strings_stay_small_in_memory(declared):
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    count_ = 900_000   # about 15 MB of XML, 30 KB zipped: just under the 16 MB a part may unpack to
    counts = f' count="{count_}" uniqueCount="{count_}"' if declared else ""
    strings = f'<?xml version="1.0"?><sst xmlns="{ns}"{counts}>' + "<si><t>a</t></si>" * count_ + "</sst>"
    header = "".join(f'<c r="{letter}1" t="inlineStr"><is><t>{c.zh}</t></is></c>'
                     for letter, c in zip("ABCDEFGH", COLUMNS, strict=True))
    data = _minimal_xlsx(_sheet("A1:H1", f'<row r="1">{header}</row>'), strings)
    assert len(data) < 200 * 1024
    result = _measure(data)
    assert "holds more than 200000 different texts" in result["answer"]
    assert result["mb"] < 200
    print(f"shared-strings bomb ({'declared' if declared else 'undeclared'} count) refused in "
          f"{result['seconds']:.3f} s")   # issue 9 §5: within a second; counted before any parsing


def test_a_shared_strings_part_beyond_the_limit_is_refused_before_parsing():
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = f'<?xml version="1.0"?><sst xmlns="{ns}">' + "<si><t>a</t></si>" * 1_100_000 + "</sst>"
    data = _minimal_xlsx(_sheet("A1", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), strings)
    result = _measure(data)
    assert "would unpack to more than" in result["answer"] and result["mb"] < 200


def test_the_upload_page_refuses_the_far_cell_with_its_message(client, auth, setup):
    auth.login("boss")
    data = _minimal_xlsx(_sheet("A1:J1048576", FAR_CELL))
    html = upload(client, setup, data).get_data(as_text=True)
    assert "The sheet reaches row 1048576 (cell J1048576)" in html
    assert count(Worker) == 0


# ---- issue 11 §4: headers -------------------------------------------------------------------------

def test_an_extra_emergency_contact_column_is_refused_naming_it_and_its_letter(client, auth, setup):
    auth.login("boss")
    rows = [[*person(i), f"紧急联系人{i}"] for i in range(2)]
    html = upload(client, setup, xlsx(rows, headers=[*HEADERS, "紧急联系人姓名"])).get_data(as_text=True)
    assert "Column I is headed 紧急联系人姓名, which is not a roster column." in html
    assert count(Worker) == 0


def test_a_field_given_twice_is_refused_as_ambiguous(client, auth, setup):
    auth.login("boss")
    rows = [[*person(i), f"别名{i}"] for i in range(2)]
    html = upload(client, setup, xlsx(rows, headers=[*HEADERS, "Full name"])).get_data(as_text=True)
    assert "Columns B and I are both Full name" in html
    assert count(Worker) == 0


def test_headers_in_either_language_and_their_aliases_are_matched_exactly(client, auth, setup):
    auth.login("boss")
    headers = ["公民身份号码", "Name", "性别", "出生年月日", "联系电话", "单位名称", "Skill level", "证书号"]
    html = upload(client, setup, xlsx([person(i) for i in range(2)], headers=headers)).get_data(as_text=True)
    assert "Imported 2 row(s)" in html
    assert sorted(db.session.execute(select(Worker.name)).scalars()) == ["职工一", "职工零"]


# ---- issue 11 §4: running numbers, dates ----------------------------------------------------------

def test_a_numbered_template_with_two_people_imports_two(client, auth, setup):
    auth.login("boss")
    rows = [[n, *(person(n) if n <= 2 else [None] * len(COLUMNS))] for n in range(1, 21)]
    html = upload(client, setup, xlsx(rows, headers=["序号", *HEADERS])).get_data(as_text=True)
    assert "Imported 2 row(s)" in html and "problem" not in html
    assert count(Registration) == 2


def _with_builtin_date_format(data: bytes, format_id: int) -> bytes:
    """Re-point the workbook's custom date format at Excel's built-in id (as a Chinese Excel saves 长日期)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {}
    for name in source.namelist():
        content = source.read(name)
        if name == "xl/styles.xml":
            text = content.decode()
            assert 'numFmtId="164"' in text
            content = text.replace('numFmtId="164"', f'numFmtId="{format_id}"').encode()
        parts[name] = content
    return _zip(parts)


@pytest.mark.parametrize("cell", ["cell-31", "cell-57", "1990-01-02", "1990/1/2", "1990年1月2日", "１９９０年１月２日"])
def test_dates_from_chinese_date_cells_and_common_text_forms(client, auth, setup, cell):
    auth.login("boss")
    row = person(0, born=BORN)
    index = [c.key for c in COLUMNS].index("birth_date")
    wb = Workbook()
    ws = wb.active
    ws.title = "roster"
    ws.append(HEADERS)
    row[index] = datetime(1990, 1, 2) if cell.startswith("cell") else cell
    ws.append(row)
    if cell.startswith("cell"):
        ws.cell(row=2, column=index + 1).number_format = 'yyyy"年"m"月"d"日"'
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    if cell.startswith("cell"):
        data = _with_builtin_date_format(data, int(cell.split("-")[1]))
    html = upload(client, setup, data).get_data(as_text=True)
    assert "Imported 1 row(s)" in html, html[-1500:]
    assert db.session.execute(select(Worker.birth_date)).scalar_one() == BORN


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "1990-02-30", "١٩٩٠-٠١-٠٢"])
def test_impossible_dates_are_row_errors(client, auth, setup, typed):
    auth.login("boss")
    html = upload(client, setup, xlsx([person(0, birth_date=typed)])).get_data(as_text=True)
    assert "Write the date as YYYY-MM-DD" in html and count(Worker) == 0


# ---- issue 11 §4 and issue 9 §4: the error table, text ---------------------------------------------

def test_the_error_table_shows_the_id_as_typed_and_the_list_keeps_it_masked(client, auth, setup):
    auth.login("boss")
    good = person(1)
    typo = good[0][:-2] + ("0" if good[0][-2] != "0" else "1") + good[0][-1]
    html = upload(client, setup, xlsx([[typo, *good[1:]]])).get_data(as_text=True)
    assert f"<code>{typo}</code>" in html
    upload(client, setup, xlsx([good]))
    page = client.get(f"/registration/manage/competitions/{setup['comp'].id}").get_data(as_text=True)
    assert good[0] not in page and mask_national_id(good[0]) in page


def test_a_control_character_in_a_cell_is_a_row_error_naming_the_column(client, auth, setup):
    auth.login("boss")
    html = upload(client, setup, csv_bytes([person(0, name="职工\x1b零")]), "roster.csv").get_data(as_text=True)
    assert "contains a control character (U+001B)" in html and "Full name" in html
    assert count(Worker) == 0


def test_text_is_stored_in_nfc(client, auth, setup):
    auth.login("boss")
    upload(client, setup, xlsx([person(0, name="Jose\u0301")]))
    assert db.session.execute(select(Worker.name)).scalar_one() == "Jos\u00e9"


# ---- issue 11 §4: team names ----------------------------------------------------------------------

@pytest.fixture
def team_setup(app):
    orgs = f.org_tree()
    f.user("boss", "organizer", org=orgs["city"])
    comp, ev = f.open_competition(orgs["city"], is_team=True, team_size=3)
    db.session.commit()
    return {"orgs": orgs, "comp": comp, "event": ev}


def _team_rows(teams):
    rows = []
    for i, team in enumerate(teams):
        born = date(1990, 1, 1).replace(day=1 + i)
        cells = {"national_id": make_national_id("370102", born, i, "male"), "name": f.worker_name(i), "gender": "男",
                 "birth_date": born.isoformat(), "phone": "13800000000", "employer": "东区机床厂工会",
                 "skill_level": "3 高级工", "certificate_no": f"C{i:04d}", "team_name": team}
        rows.append([cells[c.key] for c in TEMPLATE_COLUMNS])
    return rows


def test_team_names_that_differ_only_in_spaces_or_width_are_one_team(client, auth, team_setup):
    auth.login("boss")
    headers = [f"{c.zh}\n{c.en}" for c in TEMPLATE_COLUMNS]
    html = upload(client, team_setup, xlsx(_team_rows(["红队", "红 队", "红　队"]), headers=headers))
    assert "Imported 3 row(s)" in html.get_data(as_text=True)
    assert set(db.session.execute(select(Registration.team_name)).scalars()) == {"红队"}


def test_near_duplicate_team_names_are_flagged_for_the_organizer(client, auth, team_setup):
    auth.login("boss")
    headers = [f"{c.zh}\n{c.en}" for c in TEMPLATE_COLUMNS]
    html = upload(client, team_setup, xlsx(_team_rows(["电力一队", "电力1队", "蓝队"]), headers=headers))
    assert "Team names that look alike: 电力1队 / 电力一队" in html.get_data(as_text=True)
    page = client.get(f"/registration/manage/competitions/{team_setup['comp'].id}").get_data(as_text=True)
    assert 'id="similar-teams"' in page and "电力1队" in page and "蓝队” ·" not in page
