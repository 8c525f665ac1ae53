"""Labour tables with long unit names (M17, L6): the organizer's period page and the chief's page on a phone
(390) and the public ranking with money rules on a tablet (1024) neither scroll the page sideways nor wrap a
unit's name one character per line. Screenshots tests/artifacts/labour-layout-*.png (looked at)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from competitions.extensions import db
from competitions.labour_results.publication import publish_period
from competitions.labour_results.rules import save_rules
from tests import factories as f
from tests.conftest import screenshot
from tests.support.browser import login as _login
from tests.support.browser import watch_csp

pytestmark = pytest.mark.browser

LONG = ["土建1标段（海州建设工程集团）", "机电设备安装标段（海州轨道交通集团）", "供电系统标段（海州电力）",
        "土建2标段（中铁十局海州项目部）"]


def _seed(app) -> dict:
    with app.app_context():
        w = f.labour_world()
        organizer = f.user("metro-office", "organizer", org=w["orgs"]["city"])
        for unit, name in zip(w["units"], LONG, strict=True):
            unit.name = name
        save_rules(w["competition"], {"rewards": ["5000", "3000"], "last_place_penalty": "2000"},
                   actor_id=organizer.id)
        period = f.labour_signed_off_period(w, w["periods"][0], {"S1": "6", "S2": "10", "S3": "8", "S4": "8"},
                                            bonus=[("S2", "2")], deductions=[("S1", "1")],
                                            vetoes=[("S4", "高处坠落，一人受伤，停工整改三天")])
        publish_period(period, actor_id=organizer.id, now=datetime.now(UTC))
        db.session.commit()
        return {"competition": w["competition"].id, "period": period.id}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _tallest_name(page, selector: str) -> float:
    """The height of the tallest unit-name cell, in lines of its own font."""
    return page.evaluate("""(sel) => Math.max(...[...document.querySelectorAll(sel)].map(el => {
        const line = parseFloat(getComputedStyle(el).lineHeight) || 1.4 * parseFloat(getComputedStyle(el).fontSize);
        return el.getBoundingClientRect().height / line; }))""", selector)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_period_and_chief_pages_on_a_phone(live_app, browser, lang):
    app, base = live_app
    ids = _seed(app)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)
    refused = watch_csp(page)
    _login(page, base, "metro-office", lang)
    page.goto(f"{base}/labour/periods/{ids['period']}")
    screenshot(page, f"labour-layout-period-390-{lang}")
    assert _overflow(page) <= 0
    assert _tallest_name(page, ".table.scores .unit-name") <= 3
    context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    _login(page, base, "assessor-chief", lang)
    page.goto(f"{base}/labour/periods/{ids['period']}/chief")
    screenshot(page, f"labour-layout-chief-390-{lang}")
    assert _overflow(page) <= 0
    assert _tallest_name(page, ".table.scores .unit-name") <= 3
    context.close()
    assert not refused, "\n".join(refused)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_public_ranking_with_money_on_a_tablet(live_app, page, lang):
    app, base = live_app
    ids = _seed(app)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{base}/labour-results/public/{ids['competition']}")
    if lang == "en":
        page.click("form.langswitch button[value=en]")
    screenshot(page, f"labour-layout-public-1024-{lang}")
    assert _overflow(page) <= 0
    assert _tallest_name(page, ".labour-table td.name .unit-name") <= 3
    money = page.locator(".labour-table th.money").first.bounding_box()
    card = page.locator(".labour-table").first.evaluate("t => t.parentElement.getBoundingClientRect().right")
    assert money["x"] + money["width"] <= card + 1   # the money column is visible, not cut at the card's edge
