"""A worker registers for an event on a 1024x768 tablet; the organizer's review and roster pages at the same size."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from competitions.domain.identity import make_national_id
from competitions.extensions import db
from competitions.orgs.models import Worker
from competitions.registration.importer import COLUMNS
from competitions.registration.models import Registration
from tests import factories as f
from tests.conftest import screenshot
from tests.support.browser import login as _login

pytestmark = pytest.mark.browser
BORN = date(1991, 3, 8)


def _seed(app):
    with app.app_context():
        orgs = f.org_tree()
        f.user("wang", "competitor", org=orgs["plant"])
        f.user("cityorg", "organizer", org=orgs["city"])
        comp, ev = f.open_competition(orgs["city"], capacity=30, min_age=18, max_age=45, required_level=4)
        f.event(comp, trade_name="焊工", trade_code="WELD")
        for i, employer in enumerate(("plant", "works", "plant")):
            w = f.worker(orgs[employer], name=("李娜", "赵磊", "陈静")[i], gender="female" if i != 1 else "male")
            db.session.add(Registration(event_id=ev.id, worker_id=w.id,
                                        status=("pending", "approved", "rejected")[i],
                                        decision_reason="证书编号无法核实" if i == 2 else ""))
        db.session.commit()
        return {"comp": comp.id, "event": ev.id, "plant": orgs["plant"].id}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_worker_registers_on_a_tablet(live_app, page, lang):
    app, base = live_app
    ids = _seed(app)
    _login(page, base, "wang")
    page.click(f"form.langswitch button[value={lang}]")
    page.click(f"a[href='/registration/competitions/{ids['comp']}']")
    screenshot(page, f"registration-competition-{lang}")
    page.click(f"a[href='/registration/events/{ids['event']}/register']")
    page.fill("#name", "王强")
    page.fill("#national_id", make_national_id("370102", BORN, 3, "male"))
    page.select_option("#gender", "male")
    page.fill("#birth_date", BORN.isoformat())
    page.fill("#phone", "13912345678")
    page.select_option("#employer_id", str(ids["plant"]))
    page.select_option("#skill_level", "3")
    page.fill("#certificate_no", "ZS-2020-0042")
    page.click("#check")
    page.wait_for_selector(".reg-verdict.ok")
    screenshot(page, f"registration-form-eligible-{lang}")
    box = page.locator("#submit").bounding_box()
    assert box["height"] >= 44  # a touch target
    page.click("#submit")
    page.wait_for_url(f"{base}/registration/mine")
    screenshot(page, f"registration-mine-{lang}")
    assert page.locator(".badge.reg-pending").count() == 1
    with app.app_context():
        mine = db.session.execute(select(Registration).join(Worker).where(Worker.name == "王强")).scalars().all()
        assert [r.status for r in mine] == ["pending"]


def test_bad_id_number_is_explained_on_the_tablet(live_app, page):
    app, base = live_app
    ids = _seed(app)
    _login(page, base, "wang")
    page.goto(f"{base}/registration/events/{ids['event']}/register")
    page.fill("#national_id", "370102199103080031")
    page.select_option("#gender", "female")
    page.fill("#birth_date", "1991-03-09")
    page.fill("#phone", "13912345678")
    page.select_option("#employer_id", str(ids["plant"]))
    page.click("#check")
    page.wait_for_selector(".has-error")
    screenshot(page, "registration-form-bad-id-zh")
    assert "校验码" in page.inner_text("main")


def test_organizer_reviews_and_sees_roster_errors(live_app, page, tmp_path):
    app, base = live_app
    ids = _seed(app)
    _login(page, base, "cityorg")
    page.goto(f"{base}/registration/manage/competitions/{ids['comp']}")
    screenshot(page, "registration-manage-zh")
    page.check("input[name=ids] >> nth=0")
    page.click("button[value=approve]")
    page.wait_for_selector(".flash-success")
    page.goto(f"{base}/registration/roster/competitions/{ids['comp']}")
    wb = Workbook()
    ws = wb.active
    ws.append([f"{c.zh}\n{c.en}" for c in COLUMNS])
    good = make_national_id("370102", BORN, 9, "male")
    ws.append([good, "周杰", "男", "1991/03/08", "13800000000", "东区机床厂工会", "3 高级工", "C1"])
    ws.append([good[:17] + ("1" if good[17] != "1" else "2"), "吴敏", "女", "08.03.1991", "", "东区机床场", "", ""])
    ws.append([good, "周杰", "男", "1991-03-08", "", "东区机床厂工会", "3 高级工", ""])
    path = tmp_path / "roster.xlsx"
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    page.set_input_files("#file", str(path))
    page.click("#submit")
    page.wait_for_selector(".reg-problems")
    screenshot(page, "registration-roster-errors-zh")
    assert "东区机床厂工会" in page.inner_text(".reg-problems")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_organizer_closes_draws_and_prints(live_app, page, lang):
    app, base = live_app
    ids = _seed(app)
    _login(page, base, "cityorg")
    page.click(f"form.langswitch button[value={lang}]")
    page.goto(f"{base}/registration/manage/competitions/{ids['comp']}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"form[action$='/manage/competitions/{ids['comp']}/close'] button")
    page.wait_for_selector(".flash-success")
    page.goto(f"{base}/registration/manage/events/{ids['event']}/draw")
    page.click("#submit")
    page.wait_for_selector("table.table code")
    screenshot(page, f"registration-draw-{lang}")
    with page.expect_download() as download:
        page.click("a[href$='/checkin.pdf']")
    assert download.value.suggested_filename.endswith(".pdf")
