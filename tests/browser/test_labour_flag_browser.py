"""The rotating red flag in a real browser: the organizer publishes a month, the public page and the venue board
show who holds the flag, in Chinese and English, on a phone (390), a tablet (1024) and a large screen (1920).

Screenshots go to tests/artifacts/labour-*.png (looked at while writing this).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from competitions.extensions import db
from competitions.labour import setup
from competitions.labour_results.publication import publish_period
from competitions.labour_results.rules import save_rules
from tests import factories as f
from tests.conftest import screenshot

pytestmark = pytest.mark.browser

MONTHS = [{"S1": "6", "S2": "10", "S3": "8", "S4": "8"},
          {"S1": "9", "S2": "10", "S3": "8", "S4": "7"},
          {"S1": "10", "S2": "9", "S3": "8", "S4": "7.5"}]
TEXT = {"zh": {"flag": "流动红旗", "kept": "连续保持 2 期", "publish": "公布", "ranking": "周期排名",
               "withdrawn": "退出"},
        "en": {"flag": "Rotating red flag", "kept": "held 2 periods in a row", "publish": "Publish",
               "ranking": "Period ranking", "withdrawn": "Withdrawn"}}


def _seed(app) -> dict:
    with app.app_context():
        w = f.labour_world()
        organizer = f.user("metro-office", "organizer", org=w["orgs"]["city"])
        save_rules(w["competition"], {"rewards": ["5000", "3000"], "last_place_penalty": "2000",
                                      "tie_break": ["deductions"]}, actor_id=organizer.id)
        for index, values in enumerate(MONTHS):
            vetoes = [("S4", "高处坠落，一人重伤")] if index == 1 else []
            period = f.labour_signed_off_period(w, w["periods"][index], values, vetoes=vetoes)
            if index < 2:
                publish_period(period, actor_id=organizer.id, now=datetime.now(UTC))
        # 3标段 leaves the competition after March: listed apart in the cumulative standing, without a place
        setup.withdraw_unit(next(u for u in w["units"] if u.code == "S3"), actor=None, reason="合同终止",
                            now=datetime.now(UTC))
        db.session.commit()
        return {"competition_id": w["competition"].id, "period3": w["periods"][2].id}


def _overflow(page) -> int:
    """How far the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_publishing_a_month_hands_the_red_flag_on_publicly(live_app, page, lang):
    app, base = live_app
    seeded = _seed(app)
    words = TEXT[lang]
    comp = seeded["competition_id"]

    # A visitor: after two months 2标段 holds the flag, the second month in a row.
    page.goto(f"{base}/labour-results/public/{comp}")
    if lang == "en":
        page.click("form.langswitch button[value=en]")
    flag = page.locator("#red-flag")
    assert words["flag"] in flag.inner_text()
    assert "2标段" in flag.locator(".redflag-holder").inner_text()
    assert words["kept"] in flag.inner_text()
    assert "高处坠落" in page.locator("#period-2").inner_text()   # the veto's reason is public
    for width, height in ((390, 844), (1024, 768), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        assert _overflow(page) <= 1, f"the public page scrolls sideways at {width}px"
        box = flag.bounding_box()
        assert box["y"] < height and box["width"] <= width   # the flag is in the first screen
        # a phone and a tablet show bonus and deductions as one net column (so that the money column fits at
        # 1024), so no adjustment is hidden from the total; a large screen shows both
        net, bonus = page.locator("#period-2 th.net"), page.locator("#period-2 th.bonus")
        assert (net.is_visible(), bonus.is_visible()) == ((True, False) if width <= 1200 else (False, True))
        screenshot(page, f"labour-public-{lang}-{width}")

    # The organizer publishes the third month: 1标段 takes the flag over.
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{base}/auth/login")
    page.fill("#username", "metro-office")
    page.fill("#password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)
    page.goto(f"{base}/labour-results/competitions/{comp}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#period-row-3 button", has_text=words["publish"]).click()
    page.wait_for_selector(".flash-success")
    assert "1标段" in page.locator("#red-flag").inner_text()
    screenshot(page, f"labour-manage-{lang}")
    for path, name in (("money", "money"), ("rules", "rules"), ("honours", "honours")):
        page.goto(f"{base}/labour-results/competitions/{comp}/{path}")
        screenshot(page, f"labour-{name}-{lang}")
    assert "+5,000.00" in page.goto(f"{base}/labour-results/competitions/{comp}/money").text()
    page.click("form[action$='/auth/logout'] button")

    page.goto(f"{base}/labour-results/public/{comp}")
    assert "1标段" in page.locator("#red-flag .redflag-holder").inner_text()
    last = page.locator("table.cumulative tbody tr").last
    assert "3标段" in last.inner_text() and words["withdrawn"] in last.inner_text()
    assert last.locator("td.rank").inner_text().strip() == "—"
    screenshot(page, f"labour-public-withdrawn-{lang}")
    # The venue board: the flag panel and the latest month, on a hall screen and a tablet.
    for width, height in ((1920, 1080), (1024, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{base}/labour-results/board/{comp}?seconds=600")
        holder = page.locator("#board-flag-holder")
        assert holder.inner_text().strip() == "1标段"
        assert holder.bounding_box()["y"] < height / 2
        assert words["ranking"] in page.locator(".board-event.active h2").inner_text()
        screenshot(page, f"labour-board-{lang}-{width}")
    # the board moves on to the cumulative standing by itself, then reloads
    page.goto(f"{base}/labour-results/board/{comp}?seconds=5")
    page.locator(".board-cumulative.active").wait_for(timeout=15000)
    assert words["withdrawn"] in page.locator(".board-cumulative tr", has_text="3标段").inner_text()
    screenshot(page, f"labour-board-cumulative-{lang}")
