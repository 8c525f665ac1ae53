"""A tablet correction that reaches the server after the sheet was submitted elsewhere is kept as a pending
correction the judge and the chief judge both see; the chief accepts it and the tablet shows the new value
(issue 11 §2), in Chromium at tablet size (1024) and phone size (390), in Chinese and English."""

from __future__ import annotations

import pytest

from competitions.extensions import db
from competitions.judging import services
from competitions.judging.models import PendingCorrection
from competitions.organize.models import Event
from tests.browser.test_judging_browser import _enter, _login, _marks, _seed
from tests.conftest import screenshot

pytestmark = pytest.mark.browser

TEXT = {
    "en": {"late": "Kept as a pending correction (31), waiting for the chief judge",
           "badge": "1 correction(s) kept as pending, waiting for the chief judge", "saved": "Saved"},
    "zh": {"late": "已作为待定更正保留（31），等待裁判长处理",
           "badge": "1 条更正作为待定更正保留，等待裁判长处理", "saved": "已保存"},
}


def _submit_elsewhere(app, ev_id, judge_id):
    """The judge's sheet is handed in from another device while the tablet is offline."""
    from competitions.auth.models import User

    with app.app_context():
        services.submit_sheet(db.session.get(Event, ev_id), judge=db.session.get(User, judge_id))
        db.session.commit()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_late_correction_waits_for_the_chief_and_the_tablet_shows_the_accepted_value(live_app, page, lang):
    app, base = live_app
    ev, regs, crit, judges = _seed(app)
    text = TEXT[lang]
    _login(page, base, "j_works", lang)
    page.goto(f"{base}/judging/events/{ev}/tablet")
    for code in ("K01", "K03", "K04"):
        _enter(page, regs[code], crit["P1"], "30")
        _enter(page, regs[code], crit["P2"], "20")
    page.wait_for_selector("#sync-state.ok")

    # Offline: the judge corrects K01/P1 30 -> 31; meanwhile the sheet is submitted from another device.
    context = page.context
    context.route("**/api/v1/judging/marks", lambda route: route.abort("internetdisconnected"))
    _enter(page, regs["K01"], crit["P1"], "31")
    page.wait_for_selector("#sync-state.waiting")
    _submit_elsewhere(app, ev, judges["j_works"])
    context.unroute("**/api/v1/judging/marks")

    # Back online: the queued write arrives too late; the tablet says so and never "saved".
    label = page.locator(f"[data-state-for='{crit['P1']}']")
    page.wait_for_selector(f"[data-state-for='{crit['P1']}'].late", timeout=15000)
    assert label.inner_text() == "◐ " + text["late"]
    assert page.locator("#sync-text").inner_text() == text["badge"]
    assert page.locator(f"#mark-{crit['P1']}").input_value() == "31", "the correction stays in view"
    assert page.locator(f"#station-{regs['K01']}.waiting").count() == 1
    assert _marks(app, judges["j_works"])[0][(regs["K01"], crit["P1"])] == ("30.00", 1)
    screenshot(page, f"late-correction-tablet-1024-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, f"late-correction-tablet-390-{lang}")
    page.set_viewport_size({"width": 1024, "height": 768})

    # A reload keeps it (the server holds it, not only the tablet), and the judge's sheet page lists it.
    page.reload()
    page.click(f"#station-{regs['K01']}")
    assert label.inner_text() == "◐ " + text["late"]
    page.goto(f"{base}/judging/events/{ev}/my-sheet")
    assert page.locator("#my-corrections tr.correction-pending").count() == 1
    assert "31" in page.locator(f"td[data-cell='{regs['K01']}:{crit['P1']}']").inner_text()

    # The chief judge sees it on the completeness page with a count, and accepts it.
    chief = context.browser.new_context(viewport={"width": 1024, "height": 768})
    chief_page = chief.new_page()
    _login(chief_page, base, "chief", lang)
    chief_page.goto(f"{base}/judging/events/{ev}/chief")
    assert chief_page.locator("#corrections-count").inner_text() == "1"
    row = chief_page.locator("#corrections tr.correction-pending")
    assert row.count() == 1 and "K01" in row.inner_text() and "31" in row.inner_text()
    screenshot(chief_page, f"late-correction-chief-1024-{lang}")
    chief_page.set_viewport_size({"width": 390, "height": 844})
    screenshot(chief_page, f"late-correction-chief-390-{lang}")
    chief_page.set_viewport_size({"width": 1024, "height": 768})
    chief_page.on("dialog", lambda dialog: dialog.accept())
    with app.app_context():
        correction_id = db.session.execute(db.select(PendingCorrection.id)).scalar_one()
    chief_page.click(f"#accept-{correction_id}")
    chief_page.wait_for_selector(".flash-success")
    assert chief_page.locator("#corrections-count").inner_text() == "0"
    assert chief_page.locator("#corrections tr.correction-accepted").count() == 1
    chief.close()
    assert _marks(app, judges["j_works"])[0][(regs["K01"], crit["P1"])] == ("31.00", 2)

    # The judge's tablet shows the accepted value as saved.
    page.goto(f"{base}/judging/events/{ev}/tablet")
    page.click(f"#station-{regs['K01']}")
    page.wait_for_selector(f"[data-state-for='{crit['P1']}'].saved")
    assert page.locator(f"#mark-{crit['P1']}").input_value() == "31"
    assert label.inner_text() == "✓ " + text["saved"]
    screenshot(page, f"late-correction-tablet-accepted-{lang}")
