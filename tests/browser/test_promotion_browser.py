"""Promotion in a real browser: review flags in bulk, the rule form, the worker's record; tablet, phone, wide."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from competitions.db import utcnow
from competitions.extensions import db
from competitions.promotion import rules as rule_store
from competitions.promotion.models import PromotionFlag
from competitions.results import services as results
from tests import factories as f
from tests.conftest import screenshot
from tests.support.browser import login as _login

pytestmark = pytest.mark.browser

PEOPLE = [("李娜", "works", "A01", 95, 58, 39, 3), ("张伟", "plant", "A02", 90, 56, 38, 2),
          ("王强", "plant", "A03", 88, 54, 37, 1), ("赵敏", "works", "A04", 85, 52, 36, 4),
          ("刘洋", "plant", "A05", 80, 50, 35, 5), ("陈静", "works", "A06", 75, 48, 34, 3),
          ("杨帆", "plant", "A07", 70, 46, 33, 4)]


def _seed(app) -> int:
    with app.app_context():
        orgs = f.org_tree()
        f.user("cityorg", "organizer", org=orgs["city"])
        judges = [f.user(u, "judge", org=orgs["city"]) for u in ("chief", "j2", "j3")]
        comp = f.competition(orgs["city"], name="2026年全国职工职业技能大赛（测试）", level="national")
        ev = f.event(comp)
        comp.status = "in_progress"
        regs = []
        for station, (name, employer, code, theory, p1, p2, level) in enumerate(PEOPLE, start=1):
            reg = f.results_competitor(ev, orgs[employer], name=name, code=code, station=station)
            reg.worker.skill_level = reg.skill_level = level
            f.results_marks(ev, reg, judges, theory=theory, p1=p1, p2=p2)
            regs.append(reg)
        f.sign_off(ev, judges[0])
        regs[0].worker.user_id = f.user("worker1", "competitor", org=orgs["works"]).id
        row = rule_store.load_preset("workers_contest", organization_id=orgs["city"].id, actor_id=None)
        document = json.loads(json.dumps(row.document))
        document["rules"][0]["outcomes"][1]["review"] = True   # the title is subject to review
        row.document = document
        rule_store.set_active(row, True, actor_id=None)
        results.compute_provisional_results(comp, actor_id=None)
        published = results.publish_results(comp, actor_id=None, now=utcnow() - timedelta(days=30),
                                            zone=ZoneInfo("Asia/Shanghai"))
        results.finalize_results(published, actor_id=None, now=utcnow())
        db.session.commit()
        return comp.id, row.id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_organizer_reviews_flags_in_bulk_and_worker_sees_them(live_app, page, lang):
    app, base = live_app
    comp_id, rule_set_id = _seed(app)
    _login(page, base, "cityorg", lang)
    page.goto(f"{base}/promotion/competitions/{comp_id}?status=pending")
    assert page.locator("table.flags tbody tr").count() == 5
    screenshot(page, f"promotion-review-pending-{lang}")
    page.check("table.flags thead input[data-check-all]")
    assert page.locator("table.flags tbody input[name=flag_ids]:checked").count() == 5
    page.select_option("#decision", "approve")
    page.fill("#reason", "评审委员会审核通过")
    page.click("#decide")
    page.wait_for_load_state()
    assert "5" in page.locator(".flash").first.inner_text()
    with app.app_context():
        statuses = {f.status for f in db.session.execute(select(PromotionFlag).where(
            PromotionFlag.competition_id == comp_id, PromotionFlag.kind == "honour")).scalars()}
    assert statuses == {"approved"}
    page.goto(f"{base}/promotion/competitions/{comp_id}")
    screenshot(page, f"promotion-review-all-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"promotion-review-phone-{lang}")
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(page, f"promotion-review-wide-{lang}")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{base}/promotion/rules/{rule_set_id}")
    screenshot(page, f"promotion-rule-set-{lang}")
    page.goto(f"{base}/promotion/rules/{rule_set_id}/rule/W1")
    screenshot(page, f"promotion-rule-form-{lang}")
    page.fill("#rank_from", "9")
    page.fill("#rank_to", "3")
    page.click("#save-rule")
    problems = page.locator("#rule-problems").inner_text()
    assert "9" in problems and "3" in problems and "职工组前5名" in problems
    screenshot(page, f"promotion-rule-form-refused-{lang}")
    page.click("form[action$='/auth/logout'] button")
    _login(page, base, "worker1", lang)
    page.goto(f"{base}/promotion/mine")
    text = page.locator("main").inner_text()
    assert "全国技术能手" in text and ("技师" in text if lang == "zh" else "Technician" in text)
    screenshot(page, f"promotion-mine-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})
    # On a phone each competition of the record is a card: neither the page nor the table scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("(() => { const s = document.querySelector('table.history').parentElement;"
                         " return s.scrollWidth <= s.clientWidth; })()")
    screenshot(page, f"promotion-mine-phone-{lang}")
