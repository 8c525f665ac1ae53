"""Claiming a roster record on a tablet and a phone, the organizer's person page, the chief's notice of a
changed employer (issue 9 §1–2), in Chinese and English."""

from __future__ import annotations

from datetime import date

import pytest

from competitions.db import utcnow
from competitions.extensions import db
from competitions.orgs.models import Worker
from competitions.people import services as people
from competitions.registration.models import Registration
from tests import factories as f
from tests.conftest import screenshot
from tests.support.browser import login as _login

pytestmark = pytest.mark.browser
BORN = date(1990, 5, 17)


def _seed(app):
    with app.app_context():
        orgs = f.org_tree()
        f.user("zhang", "competitor", org=orgs["plant"])
        east = f.user("eastorg", "organizer", org=orgs["east"])
        f.user("cityorg", "organizer", org=orgs["city"])
        comp = f.competition(orgs["city"])
        ev = f.event(comp)
        comp.status = "in_progress"
        victim = f.worker(orgs["plant"], name="张伟", born=BORN)
        reg = Registration(event_id=ev.id, worker_id=victim.id, status="approved", station=1, anonymous_code="K01")
        db.session.add(reg)
        judges = [f.user("j_plant", "judge", org=orgs["plant"]), f.user("j_works", "judge", org=orgs["works"])]
        f.judging_panel(ev, judges, f.user("chief", "judge", org=orgs["city"]), criterion_codes=["P1", "P2"])
        code = people.issue_claim_code(victim, east, utcnow())
        db.session.commit()
        return {"worker": victim.id, "national_id": victim.national_id, "code": code, "event": ev.id,
                "works": orgs["works"].id}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_claim_a_record_then_the_organizer_moves_it_and_the_chief_is_told(live_app, page, lang):
    app, base = live_app
    ids = _seed(app)
    _login(page, base, "zhang")
    page.click(f"form.langswitch button[value={lang}]")
    page.goto(f"{base}/registration/mine")
    page.click("#claim-hint a")
    page.fill("#code-national_id", ids["national_id"])
    page.fill("#code-code", "0000-0000-0000")
    page.click("#code-claim")
    page.wait_for_selector(".field.has-error")
    screenshot(page, f"people-claim-wrong-code-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"people-claim-phone-{lang}")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.fill("#code-national_id", ids["national_id"])
    page.fill("#code-code", ids["code"])
    page.click("#code-claim")
    page.wait_for_url(f"{base}/registration/mine")
    with app.app_context():
        assert db.session.get(Worker, ids["worker"]).user_id is not None
    page.click("form[action='/auth/logout'] button")
    _login(page, base, "cityorg")
    page.goto(f"{base}/people/{ids['worker']}")
    page.select_option("#employer_id", str(ids["works"]))
    page.fill("#reason", "调入西区电力公司")
    page.click("#submit")
    page.wait_for_selector("#history td")
    screenshot(page, f"people-person-{lang}")
    assert page.locator("#history tbody tr").count() >= 3  # code issued, claimed, changed
    page.set_viewport_size({"width": 390, "height": 844})
    # On a phone the record's tables become one card per row: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("[...document.querySelectorAll('#history, #registrations')]"
                         ".every(t => t.parentElement.scrollWidth <= t.parentElement.clientWidth)")
    screenshot(page, f"people-person-phone-{lang}")
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(page, f"people-person-wide-{lang}")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.click("form[action='/auth/logout'] button")
    _login(page, base, "chief")
    page.goto(f"{base}/judging/events/{ids['event']}/chief")
    page.wait_for_selector("#fact-changes")
    screenshot(page, f"people-chief-notice-{lang}")
    assert "J_Works" in page.locator("#fact-changes").inner_text()
    page.click("#fact-changes-read")
    page.wait_for_selector("#fact-changes")
    assert page.locator("#fact-changes-read").count() == 0
