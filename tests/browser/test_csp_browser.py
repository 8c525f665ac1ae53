"""The Content-Security-Policy in a real browser: our pages work under it, and an inline script is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competitions.extensions import db
from competitions.organize.models import Event
from tests import factories as f
from tests.support.browser import login, watch_csp

pytestmark = pytest.mark.browser


def test_an_inline_script_is_refused_and_the_watch_sees_it(live_app, browser):
    _app, base = live_app
    context = browser.new_context()  # not the ``page`` fixture: that one fails any test with a refusal
    try:
        page = context.new_page()
        refused = watch_csp(page)
        page.goto(f"{base}/auth/login")
        assert not refused
        page.evaluate("""() => {
            const s = document.createElement('script'); s.textContent = 'window.injected = 1';
            document.body.appendChild(s);
        }""")
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.injected") is None
        assert refused, "the console said nothing about the refused inline script"
    finally:
        context.close()


def test_a_confirmation_works_without_an_inline_handler(live_app, page):
    app, base = live_app
    with app.app_context():
        orgs = f.org_tree()
        f.user("cityorg", "organizer", org=orgs["city"])
        comp = f.competition(orgs["city"])
        f.event(comp, trade_name="电工", trade_code="ELEC")
        f.event(comp, trade_name="焊工", trade_code="WELD")
        db.session.commit()
        comp_id = comp.id
    login(page, base, "cityorg")
    page.goto(f"{base}/organize/competitions/{comp_id}")
    delete = page.locator("form[data-confirm][action$='/delete'] button").first  # an event's Remove
    page.once("dialog", lambda dialog: dialog.dismiss())
    delete.click()
    page.wait_for_timeout(300)
    with app.app_context():
        assert len(db.session.execute(select(Event)).scalars().all()) == 2  # Cancel kept the event
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        delete.click()
    with app.app_context():
        assert len(db.session.execute(select(Event)).scalars().all()) == 1
