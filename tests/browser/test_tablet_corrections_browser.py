"""A correction on the tablet is never lost (issue 11 §2), in Chromium with the context set offline.

Found: a judge corrected a mark offline and closed the tab; online again, the sheet page showed the old value,
said nothing about the queued correction and let the sheet be submitted; a refused write left the badge saying
"all marks saved".
"""

from __future__ import annotations

import json

import pytest

from tests.browser.test_judging_browser import _enter, _login, _marks, _seed
from tests.conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sheet_shows_what_the_tablet_holds_and_refuses_submission_until_synced(live_app, page, lang):
    app, base = live_app
    ev, regs, crit, judges = _seed(app)
    _login(page, base, "j_works", lang)
    page.goto(f"{base}/judging/events/{ev}/tablet")
    for code in ("K01", "K03", "K04"):  # every mark the judge owes, so only the held correction stops submission
        _enter(page, regs[code], crit["P1"], "30")
        _enter(page, regs[code], crit["P2"], "20")
    page.wait_for_selector("#sync-state.ok")

    # The network drops (every mark write fails), the judge corrects 30 -> 31 and closes the tab.
    context = page.context
    context.route("**/api/v1/judging/marks", lambda route: route.abort("internetdisconnected"))
    _enter(page, regs["K01"], crit["P1"], "31")
    page.wait_for_selector("#sync-state.waiting")
    page.close()
    context.unroute("**/api/v1/judging/marks")

    sheet = context.new_page()
    sheet.goto(f"{base}/judging/events/{ev}/my-sheet")
    cell = sheet.locator(f"td[data-cell='{regs['K01']}:{crit['P1']}']")
    assert "30" in cell.inner_text() and "31" in cell.inner_text(), "the held correction is shown"
    banner = sheet.locator("#tablet-held")
    assert banner.is_visible() and "1" in banner.inner_text()
    assert sheet.locator("#submit-sheet").is_disabled()
    screenshot(sheet, f"judging-sheet-held-correction-{lang}")
    assert _marks(app, judges["j_works"])[0][(regs["K01"], crit["P1"])] == ("30.00", 1)

    # Back on the tablet page online, the correction is sent; then the sheet shows nothing held.
    sheet.goto(f"{base}/judging/events/{ev}/tablet")
    sheet.wait_for_selector("#sync-state.ok", timeout=15000)
    assert _marks(app, judges["j_works"])[0][(regs["K01"], crit["P1"])] == ("31.00", 2)
    sheet.goto(f"{base}/judging/events/{ev}/my-sheet")
    assert sheet.locator("#tablet-held").is_hidden()
    assert sheet.locator("td.held").count() == 0
    assert sheet.locator("#submit-sheet").is_enabled()


def test_the_badge_never_says_saved_while_a_write_was_refused(live_app, page):
    app, base = live_app
    ev, regs, crit, judges = _seed(app)
    _login(page, base, "j_works", "en")
    page.goto(f"{base}/judging/events/{ev}/tablet")

    def refuse(route):
        route.fulfill(status=409, content_type="application/json",
                      body=json.dumps({"error": "invalid_state", "message": "Your sheet is already submitted.",
                                       "field": None}))

    page.route("**/api/v1/judging/marks", refuse)
    _enter(page, regs["K01"], crit["P2"], "20")
    page.wait_for_selector("#sync-state.bad")
    text = page.locator("#sync-text").inner_text()
    assert "refused" in text and "All marks saved" not in text
    screenshot(page, "judging-tablet-refused-en")


def test_reloading_the_tablet_page_offline_shows_the_page(live_app, page):
    app, base = live_app
    ev, regs, crit, judges = _seed(app)
    _login(page, base, "j_works", "zh")
    page.goto(f"{base}/judging/events/{ev}/tablet")
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()  # now controlled by the worker, which keeps a copy of the page and its files
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.reload()
    assert page.locator(".station").count() == 3, "the tablet page, not the browser's error page"
    _enter(page, regs["K01"], crit["P1"], "30")
    page.wait_for_selector("#sync-state.offline")
    screenshot(page, "judging-tablet-reloaded-offline-zh")
    page.context.set_offline(False)
    page.wait_for_selector("#sync-state.ok", timeout=15000)
    assert _marks(app, judges["j_works"])[0][(regs["K01"], crit["P1"])] == ("30.00", 1)
