"""A judge on a 1024x768 tablet over bad Wi-Fi: marks typed offline arrive exactly once when the network
returns; a recused competitor never appears; the chief judge's dashboard shows the panel."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from competitions.extensions import db
from competitions.judging.models import Mark, MarkWriteKey
from tests import factories as f
from tests.conftest import screenshot
from tests.support.browser import login

pytestmark = pytest.mark.browser


def _seed(app):
    with app.app_context():
        orgs = f.org_tree()
        judges = [f.user(name, "judge", org=orgs[org]) for name, org in
                  (("j_plant", "plant"), ("j_works", "works"), ("j_city", "city"))]
        chief = f.user("chief", "judge", org=orgs["city"])
        comp = f.competition(orgs["city"])
        ev = f.event(comp)
        regs = [f.judging_competitor(ev, orgs[org], code=code, station=i + 1, name=name)
                for i, (org, code, name) in enumerate((("plant", "K01", "王机床"), ("works", "K02", "李电力"),
                                                       ("east", "K03", "赵东区"), ("west", "K04", "钱西区")))]
        f.judging_panel(ev, judges, chief, criterion_codes=["P1", "P2"])
        comp.status = "in_progress"
        db.session.commit()
        crit = {c.code: c.id for p in ev.parts for c in p.criteria}
        return ev.id, {r.anonymous_code: r.id for r in regs}, crit, {u.username: u.id for u in judges}


def _login(page, base, username, lang="zh"):
    login(page, base, username, lang)


def _enter(page, reg_id, crit_id, value):
    page.click(f"#station-{reg_id}")
    page.fill(f"#mark-{crit_id}", value)
    page.press(f"#mark-{crit_id}", "Enter")


def _marks(app, judge_id):
    with app.app_context():
        rows = db.session.execute(select(Mark.registration_id, Mark.criterion_id, Mark.value, Mark.version)
                                  .where(Mark.judge_id == judge_id)).all()
        keys = db.session.execute(select(func.count()).select_from(MarkWriteKey)).scalar_one()
        return {(r, c): (str(v), ver) for r, c, v, ver in rows}, keys


def test_marks_typed_offline_arrive_exactly_once(live_app, page):
    app, base = live_app
    ev, regs, crit, judges = _seed(app)
    _login(page, base, "j_works")
    page.goto(f"{base}/judging/events/{ev}/tablet")
    # K02 works for the judge's own employer: recused, never on the page.
    assert page.locator(".station").count() == 3
    assert "K02" not in page.content() and "李电力" not in page.content()

    _enter(page, regs["K01"], crit["P1"], "30")
    page.wait_for_selector(f"[data-state-for='{crit['P1']}'].saved")

    page.context.set_offline(True)
    _enter(page, regs["K01"], crit["P2"], "20")
    page.wait_for_selector(f"[data-state-for='{crit['P2']}'].waiting")
    _enter(page, regs["K03"], crit["P1"], "25.5")
    _enter(page, regs["K03"], crit["P1"], "26")  # corrected before the network came back
    _enter(page, regs["K03"], crit["P2"], "15")
    _enter(page, regs["K01"], crit["P1"], "31")  # an edit of a mark the server already has
    page.wait_for_selector("#sync-state.offline")
    assert "4" in page.locator("#sync-text").text_content()
    screenshot(page, "judging-tablet-offline-zh")
    stored, _keys = _marks(app, judges["j_works"])
    assert stored == {(regs["K01"], crit["P1"]): ("30.00", 1)}

    page.context.set_offline(False)
    page.wait_for_selector("#sync-state.ok", timeout=15000)
    assert page.locator(".mark-state.waiting").count() == 0
    stored, keys = _marks(app, judges["j_works"])
    assert stored == {
        (regs["K01"], crit["P1"]): ("31.00", 2),
        (regs["K01"], crit["P2"]): ("20.00", 1),
        (regs["K03"], crit["P1"]): ("26.00", 1),
        (regs["K03"], crit["P2"]): ("15.00", 1),
    }
    assert keys == 5  # one per applied edit: the correction 25.5 -> 26 never left the tablet on its own

    # A reload shows what the server has; nothing is sent twice.
    page.reload()
    page.click(f"#station-{regs['K03']}")
    assert page.input_value(f"#mark-{crit['P1']}") == "26"
    page.wait_for_timeout(500)
    assert _marks(app, judges["j_works"])[1] == 5


def test_out_of_range_mark_is_shown_as_refused(live_app, page):
    app, base = live_app
    ev, regs, crit, judges = _seed(app)
    _login(page, base, "j_city", lang="en")
    page.goto(f"{base}/judging/events/{ev}/tablet")
    _enter(page, regs["K02"], crit["P1"], "75")
    page.wait_for_selector(f"[data-state-for='{crit['P1']}'].bad")
    assert "above the maximum of 60" in page.locator(f"[data-state-for='{crit['P1']}']").text_content()
    assert _marks(app, judges["j_city"])[0] == {}
    # review2 M8: the refused value stays in the box for the judge to correct, never emptied ...
    assert page.input_value(f"#mark-{crit['P1']}") == "75"
    assert "complete" not in (page.get_attribute(f"#station-{regs['K02']}", "class") or "")
    # ... and full-width digits from a Chinese input method are the number the judge means.
    _enter(page, regs["K02"], crit["P1"], "３５．５")
    page.wait_for_selector(f"[data-state-for='{crit['P1']}'].saved")
    assert _marks(app, judges["j_city"])[0] == {(regs["K02"], crit["P1"]): ("35.50", 1)}
    assert page.input_value(f"#mark-{crit['P1']}") == "35.5"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screenshots_of_tablet_and_chief_dashboard(live_app, page, lang):
    app, base = live_app
    ev, regs, crit, judges = _seed(app)
    values = {"j_plant": ("40", "30"), "j_works": ("42", "31"), "j_city": ("20", "32")}
    for username, (p1, p2) in values.items():
        _login(page, base, username, lang)
        page.goto(f"{base}/judging/events/{ev}/tablet")
        for code in ("K03", "K04"):
            _enter(page, regs[code], crit["P1"], p1)
            _enter(page, regs[code], crit["P2"], p2)
        page.wait_for_selector("#sync-state.ok", timeout=15000)
        if username == "j_city":
            _enter(page, regs["K01"], crit["P1"], "41.5")
            page.wait_for_selector("#sync-state.ok")
            screenshot(page, f"judging-tablet-{lang}")
        page.click("form[action$='/auth/logout'] button")
    _login(page, base, "chief", lang)
    page.goto(f"{base}/judging/events/{ev}/chief")
    assert page.locator("#matrix td.cell.outlier").count() == 2  # j_city's 20 on P1 for K03 and K04
    assert page.locator("#shortfalls").is_visible()
    screenshot(page, f"judging-chief-{lang}")


def test_organizer_assignments_audit_and_judge_sheet_pages(live_app, page):
    app, base = live_app
    ev, regs, crit, judges = _seed(app)
    with app.app_context():
        from competitions.orgs.models import Organization

        city = db.session.execute(select(Organization).where(Organization.kind == "federation")).scalar_one()
        f.user("cityorg", "organizer", org=city)
        db.session.commit()
    _login(page, base, "j_works")
    page.goto(f"{base}/judging/events/{ev}/tablet")
    _enter(page, regs["K01"], crit["P1"], "30")
    page.wait_for_selector("#sync-state.ok")
    page.goto(f"{base}/judging/events/{ev}/my-sheet")
    assert page.locator("td.missing").count() == 5
    assert page.locator("button:has-text('提交我的评分表')").is_disabled()
    screenshot(page, "judging-my-sheet-zh")
    page.click("form[action$='/auth/logout'] button")
    _login(page, base, "cityorg")
    page.goto(f"{base}/judging/events/{ev}/assignments")
    assert page.locator("#assignments tbody tr").count() == 7  # 3 judges x 2 criteria + the chief
    screenshot(page, "judging-assignments-zh")
    page.goto(f"{base}/judging/audit")
    page.select_option("#action", "mark.")
    page.click("form.filters button")
    assert page.locator("#audit tbody tr").count() == 1
    screenshot(page, "judging-audit-zh")
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename == "audit-log.xlsx"
