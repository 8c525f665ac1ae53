"""PDFs that fit the page and say what a printed notice must say (issue 11 §5).

Found: with a long minority name and a long union name the results PDF's prize column ran off the page; the
results PDF had no page numbers, version, notice period or signature lines; the check-in list printed UTC.
Checked as a reader meets them: pdftotext's word boxes must lie inside the page, the text says what it must
in both languages, and the pages are rendered with pdftoppm into tests/artifacts/ to be looked at.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from competitions.extensions import db
from competitions.judging.models import JudgeAssignment
from competitions.timezone import to_local
from tests import factories as f
from tests.support import require

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
LONG_NAME = "阿卜杜热合曼·买买提依明·艾尔肯江·吐尔洪"
LONG_EMPLOYER = "新疆维吾尔自治区乌鲁木齐市经济技术开发区（头屯河区）国家电网特高压输变电工程有限公司工会委员会"
PEOPLE = [(LONG_NAME, "A01", 90, 50, 35), ("李娜", "A02", 80, 55, 36), ("王强", "A03", 70, 45, 30)]


def _poppler():
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "run scripts/system-deps.sh")


def _words(data: bytes, tmp_path) -> tuple[list[tuple[float, str]], float, str]:
    """(xMax, word) of every word, the page width, and the plain text (pdftotext)."""
    source = tmp_path / "doc.pdf"
    source.write_bytes(data)
    boxes = subprocess.run(["pdftotext", "-bbox", str(source), "-"], check=True, capture_output=True,
                           text=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    words = [(float(x), w) for x, w in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', boxes)]
    text = subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True,
                          text=True).stdout
    return words, width, text


def _render(data: bytes, name: str) -> None:
    """Render every page with pdftoppm into tests/artifacts/ (to look at)."""
    if shutil.which("pdftoppm") is None:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(source), str(ARTIFACTS / name)], check=True)


@pytest.fixture
def world(app, client):
    orgs = f.org_tree()
    union = f.org_tree.__globals__["create_organization"](name=LONG_EMPLOYER, kind="enterprise",
                                                           parent_id=orgs["west"].id, region="西区")
    f.user("cityorg", "organizer", org=orgs["city"])
    chief = f.user("chief", "judge", org=orgs["city"])
    judges = [chief, f.user("j2", "judge", org=orgs["city"]), f.user("j3", "judge", org=orgs["city"])]
    comp = f.competition(orgs["city"])
    ev = f.event(comp)
    comp.status = "in_progress"
    db.session.add(JudgeAssignment(event_id=ev.id, user_id=chief.id, is_chief=True))
    for station, (name, code, theory, p1, p2) in enumerate(PEOPLE, start=1):
        reg = f.results_competitor(ev, union, name=name, code=code, station=station)
        f.results_marks(ev, reg, judges, theory=theory, p1=p1, p2=p2)
    f.sign_off(ev, chief)
    db.session.commit()
    return {"comp": comp, "event": ev}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_results_pdf_fits_the_page_and_carries_version_notice_pages_and_signatures(world, client, auth, lang,
                                                                                    tmp_path):
    _poppler()
    comp = world["comp"]
    auth.login("cityorg")
    client.post("/lang", data={"lang": lang})
    client.post(f"/results/competitions/{comp.id}/compute")
    client.post(f"/results/competitions/{comp.id}/publish", data={"notice_days": "5"})
    response = client.get(f"/results/competitions/{comp.id}/export.pdf")
    assert response.status_code == 200
    _render(response.data, f"results-pdf-long-names-{lang}")
    words, width, text = _words(response.data, tmp_path)
    overflowing = [w for x, w in words if x > width - 20]  # inside the right margin (14 mm is about 40 pt)
    assert not overflowing, overflowing
    flat = re.sub(r"\s+", "", text)
    stream = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages))
    assert LONG_EMPLOYER in stream and LONG_NAME in stream  # every character printed, wrapped within its cell
    if lang == "zh":
        for expected in ("成绩第1版", "公示期：5个工作日", "裁判长（签字）", "主办单位（签字盖章）", "第1页，共1页",
                         "一等奖", "二等奖"):
            assert expected in flat, expected
    else:
        for expected in ("Results version 1", "Notice period: 5 working days", "Chief judge (signature)",
                         "Organizer (signature and seal)", "Page 1 of 1", "First prize", "Second prize"):
            assert expected.replace(" ", "") in flat, expected


def test_checkin_list_prints_local_time_and_page_numbers(world, client, auth, tmp_path):
    _poppler()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "zh"})
    before = to_local(datetime.now(UTC))
    response = client.get(f"/registration/manage/events/{world['event'].id}/checkin.pdf")
    assert response.status_code == 200
    _render(response.data, "checkin-long-names-zh")
    words, width, text = _words(response.data, tmp_path)
    assert not [w for x, w in words if x > width - 20]
    assert "UTC" not in text
    printed = re.search(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2})", text.split("打印")[-1] if "打印" in text else text)
    assert printed and abs((datetime.strptime(printed.group(1), "%Y-%m-%d %H:%M")
                            - before.replace(tzinfo=None)).total_seconds()) < 120
    assert "第 1 页，共 1 页" in text or "第1页，共1页" in re.sub(r"\s+", "", text)
