"""The assessor's tablet pages in a real browser: units to tap, one unit's sheet, a refused value, a second
entry refused, a correction with a reason, a recused unit; the chief's page. Tablet (1024) and phone (390),
Chinese and English."""

from __future__ import annotations

import pytest

from competitions.extensions import db
from competitions.labour import services
from tests import factories as f
from tests.conftest import screenshot
from tests.support.browser import login as _login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _seed(app) -> dict:
    with app.app_context():
        world = f.labour_world()
        period = world["periods"][0]
        s2 = world["units"][1]
        values = {"O1": "9", "O2": "8", "P1": "104", "P2": "1", "Q1": "99", "Q2": "7", "S1": "100", "S2": "6",
                  "C1": "9", "I1": "4.5"}
        services.record_scores(period, world["units"][3], assessor=world["a1"], entries=[
            services.ScoreInput(world["indicators"][c].id, v) for c, v in values.items()])
        services.add_adjustment(period, services.AdjustmentData(world["units"][3].id, "bonus", "2", "owner",
                                                                "业主表扬〔2026〕2号"), actor=None)
        services.add_veto(period, services.VetoData(world["units"][3].id, "safety_accident", "高处坠落，一人受伤",
                                                    "安全事故快报〔2026〕1号"), actor=None)
        db.session.commit()
        return {"period": period.id, "s1": world["units"][0].id, "s2": s2.id,
                "o1": world["indicators"]["O1"].id, "q1": world["indicators"]["Q1"].id,
                "p1": world["indicators"]["P1"].id}


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_assessor_scores_a_unit_on_the_tablet(live_app, page, lang):
    app, base = live_app
    ids = _seed(app)
    _login(page, base, "assessor-one", lang)
    page.goto(f"{base}/labour/")
    page.click(f"a[href='/labour/periods/{ids['period']}/assess']")
    page.wait_for_load_state()
    assert page.locator(".unit-tile").count() == 4 and page.locator(".unit-tile.done").count() == 1
    screenshot(page, f"labour-tablet-units-{lang}")
    page.click(f"a[href='/labour/periods/{ids['period']}/units/{ids['s2']}/assess']")
    page.wait_for_load_state()
    assert page.locator(".assess-row").count() == 10
    box = page.locator(f"#i{ids['o1']}").bounding_box()
    assert box["height"] >= 44   # a finger, not a mouse
    page.fill(f"#i{ids['o1']}", "9.5")
    page.fill(f"#i{ids['p1']}", "103.5")
    page.fill(f"#i{ids['q1']}", "120")   # above the range 0..100
    page.click("button.primary.big")
    page.wait_for_load_state()
    assert page.locator(".assess-row.has-error").count() == 1
    assert page.locator(f"#i{ids['o1']}").input_value() == "9.5"   # what was typed is kept
    screenshot(page, f"labour-tablet-sheet-refused-{lang}")
    page.fill(f"#i{ids['q1']}", "98")
    page.click("button.primary.big")
    page.wait_for_url(f"**/labour/periods/{ids['period']}/assess")
    tile = page.locator(f"a[href='/labour/periods/{ids['period']}/units/{ids['s2']}/assess'] .state")
    assert "3" in tile.inner_text()
    page.click(f"a[href='/labour/periods/{ids['period']}/units/{ids['s2']}/assess']")
    page.wait_for_load_state()
    assert page.locator(".assess-row.saved").count() == 3
    page.fill(f"#i{ids['o1']}", "8")
    page.click("button.primary.big")
    page.wait_for_load_state()
    assert page.locator("#reason[aria-invalid], .field.has-error #reason").count() + page.locator(
        ".field.has-error").count() >= 1
    page.fill("#reason", "复核检查表" if lang == "zh" else "Inspection sheet re-read")
    page.click("button.primary.big")
    page.wait_for_url(f"**/labour/periods/{ids['period']}/assess")
    page.click(f"a[href='/labour/periods/{ids['period']}/units/{ids['s2']}/assess']")
    page.wait_for_load_state()
    assert page.locator(f"#i{ids['o1']}").input_value() == "8"
    screenshot(page, f"labour-tablet-sheet-saved-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_assessor_pages_on_a_phone_and_a_recused_unit(live_app, browser, lang):
    from tests.support.browser import watch_csp

    app, base = live_app
    ids = _seed(app)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)
    refused = watch_csp(page)
    _login(page, base, "assessor-two", lang)   # employed by S1's organization
    page.goto(f"{base}/labour/periods/{ids['period']}/assess")
    assert page.locator(".unit-tile.recused").count() == 1
    _no_sideways_scroll(page)
    screenshot(page, f"labour-phone-units-recused-{lang}")
    page.goto(f"{base}/labour/periods/{ids['period']}/units/{ids['s2']}/assess")
    _no_sideways_scroll(page)
    screenshot(page, f"labour-phone-sheet-{lang}")
    context.close()
    assert not refused, "\n".join(refused)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chief_and_organizer_pages(live_app, page, lang):
    app, base = live_app
    ids = _seed(app)
    _login(page, base, "assessor-chief", lang)
    page.goto(f"{base}/labour/periods/{ids['period']}/chief")
    assert page.locator("table.scores tbody tr").count() == 4
    assert page.locator("table.scores tr.vetoed").count() == 1
    assert page.locator("button.primary.big").is_disabled()   # entries are missing
    screenshot(page, f"labour-chief-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_organizer_scorecard_and_period_pages(live_app, page, lang):
    app, base = live_app
    ids = _seed(app)
    with app.app_context():
        from competitions.labour.models import LabourPeriod

        competition_id = db.session.get(LabourPeriod, ids["period"]).competition_id
    _login(page, base, "labour-admin", lang)
    page.goto(f"{base}/labour/competitions/{competition_id}/scorecard")
    assert page.locator("section.group-card").count() == 6
    screenshot(page, f"labour-scorecard-{lang}")
    page.goto(f"{base}/labour/periods/{ids['period']}")
    page.select_option("#a-kind", "deduction")
    page.fill("#a-points", "2")
    page.fill("#a-document_ref", "监理通报〔2026〕5号")
    page.click("form[action$='/adjustments'] button")
    page.wait_for_load_state()
    assert page.locator("#a-source").evaluate("e => e.closest('.field').classList.contains('has-error')")
    screenshot(page, f"labour-period-refused-{lang}")


def test_a_dropped_connection_while_saving_loses_nothing_typed(live_app, page):
    app, base = live_app
    ids = _seed(app)
    _login(page, base, "assessor-one", "en")
    sheet = f"{base}/labour/periods/{ids['period']}/units/{ids['s2']}/assess"
    page.goto(sheet)
    page.fill(f"#i{ids['o1']}", "9.5")
    page.fill(f"#i{ids['q1']}", "97")
    page.context.set_offline(True)
    try:
        with page.expect_navigation():
            page.click("button.primary.big")
    except Exception:   # noqa: BLE001 - the browser shows its own offline error page
        pass
    page.context.set_offline(False)
    page.goto(sheet)
    assert page.locator("#draft-restored").is_visible()
    assert page.locator(f"#i{ids['o1']}").input_value() == "9.5"
    assert page.locator(f"#i{ids['q1']}").input_value() == "97"
    screenshot(page, "labour-tablet-draft-restored-en")
    page.click("button.primary.big")
    page.wait_for_url(f"**/labour/periods/{ids['period']}/assess")
    page.goto(sheet)
    assert page.locator("#draft-restored").is_hidden()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('labour-draft')).length") == 0
