"""An organizer at a 1024x768 tablet: log in, create a competition, add an event, define its marking scheme."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competitions.extensions import db
from competitions.organize.models import Competition, Event
from tests import factories as f
from tests.conftest import screenshot
from tests.support.browser import login

pytestmark = pytest.mark.browser


def _seed(app, *, with_event=False):
    """The org tree and an organizer; optionally a competition with an event that has no scheme yet."""
    with app.app_context():
        orgs = f.org_tree()
        f.user("cityorg", "organizer", org=orgs["city"])
        event_id = None
        if with_event:
            event_id = f.event(f.competition(orgs["city"]), with_scheme=False).id
        db.session.commit()
        return event_id


def _login(page, base):
    login(page, base, "cityorg")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_organizer_sets_up_a_competition(live_app, page, lang):
    app, base = live_app
    _seed(app)
    _login(page, base)
    page.click(f"form.langswitch button[value={lang}]")
    page.goto(f"{base}/organize/competitions/new")
    page.fill("#name", "2026年测试市数控车工技能大赛")
    page.fill("#year", "2026")
    page.select_option("#level", "city")
    page.select_option("#kind", "skills")
    page.fill("#starts_on", "2026-12-15")
    page.fill("#ends_on", "2026-12-16")
    page.fill("#registration_opens_at", "2026-11-01T09:00")
    page.fill("#registration_closes_at", "2026-12-10T17:00")
    screenshot(page, f"organize-competition-form-{lang}")
    page.click("button[type=submit]")
    page.wait_for_selector("text=2026年测试市数控车工技能大赛")

    page.click("a[href$='/events/new']")
    page.fill("#trade_name", "数控车工")
    page.fill("#trade_code", "CNC")
    page.fill("#capacity", "30")
    page.click("button[type=submit]")
    page.wait_for_selector("#scheme-form")

    # The editor starts with theory 30 / practical 70; break the weights first and see the live total go red.
    page.fill("input[name='parts-1-weight']", "60")
    assert page.locator("#weight-total").text_content().strip() == "90"
    assert "bad" in page.locator("#weight-total").get_attribute("class")
    page.fill("input[name='parts-1-weight']", "70")
    assert "ok" in page.locator("#weight-total").get_attribute("class")
    page.fill("input[name='criteria-1-name']", "零件加工精度")
    page.click("button.add-row[data-table=criteria]")
    row = "criteria-2-"
    page.fill(f"input[name='{row}part_code']", "practical")
    page.fill(f"input[name='{row}code']", "P2")
    page.fill(f"input[name='{row}name']", "安全文明生产")
    page.fill(f"input[name='{row}max_mark']", "20")
    page.fill("input[name='criteria-1-max_mark']", "80")
    # A full-page screenshot resizes the viewport for a moment; take it before the last inputs, not
    # right before the click, which Chromium may then drop.
    screenshot(page, f"organize-scheme-{lang}")
    page.select_option("#tie_break_1", "part:practical")
    page.click("#scheme-form button[type=submit]")
    page.wait_for_selector("table.table >> text=数控车工")
    screenshot(page, f"organize-competition-{lang}")

    with app.app_context():
        comp = db.session.execute(select(Competition)).scalar_one()
        event = db.session.execute(select(Event)).scalar_one()
        assert comp.name == "2026年测试市数控车工技能大赛"
        assert event.scheme_valid
        assert [c.code for p in event.parts for c in p.criteria] == ["T1", "P1", "P2"]
        assert event.tie_break == ["part:practical"]

    # Calling the draft off asks first (data-confirm): Cancel keeps the draft, OK calls it off; the badge then
    # says so and the way back is offered (review M11).
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("button[name=target][value=archived]")
    assert page.locator(".badge.status-draft").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[name=target][value=archived]")
    page.wait_for_selector(".badge.status-called_off")
    assert page.locator("button[name=target][value=draft]").count() == 1
    screenshot(page, f"organize-called-off-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"organize-called-off-phone-{lang}")
    with app.app_context():
        assert db.session.execute(select(Competition)).scalar_one().called_off_at is not None


def test_scheme_error_is_shown_on_the_row(live_app, page):
    app, base = live_app
    event_id = _seed(app, with_event=True)
    _login(page, base)
    page.click("form.langswitch button[value=en]")
    page.goto(f"{base}/organize/events/{event_id}/scheme")
    page.fill("input[name='criteria-1-name']", "零件加工精度")
    page.fill("input[name='criteria-1-max_mark']", "0")
    page.click("#scheme-form button[type=submit]")
    page.wait_for_selector("text=The maximum mark of P1 must be above 0.")
    screenshot(page, "organize-scheme-error-en")
